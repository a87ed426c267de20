"""`paas forecast`: burn rates, pace, run-out and threshold times, the pool's dry time and tomorrow's
credits, readable at 80 columns (GET /api/forecast's JSON with --json)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from paas.cli import door
from paas.cli.status import resets_in

if TYPE_CHECKING:
    from paas.services.forecast import ForecastOut


def when(moment: datetime | None, now: datetime) -> str:
    """in 2h 05m, now, or - (not at this rate)."""
    if moment is None:
        return "-"
    return "now" if moment <= now else f"in {resets_in(int((moment - now).total_seconds()))}"


def render(answer: ForecastOut) -> Any:
    """The forecast as one Rich renderable: a line per pool, a table of accounts, one of sessions."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    now = answer.generated_at
    parts: list[Any] = [Text.assemble(("Forecast ", "bold"), f"{now:%Y-%m-%d %H:%M} UTC")]
    for pool in answer.pools:
        dry = (Text(f"runs dry {when(pool.runs_dry_at, now)} ({pool.runs_dry_at:%H:%M} UTC)", style="bold red")
               if pool.runs_dry_at else Text("does not run dry within 24 h"))
        parts.append(Text.assemble(("Pool ", "bold"), f"({pool.unit}): {pool.credits_left} left on "
                                   f"{pool.accounts} accounts, burning {pool.burn_rate_per_hour:g}/h"))
        parts.append(Text.assemble("  ", dry, f"; {pool.credits_tomorrow} left at 00:00 UTC tomorrow"))
    if not answer.accounts:
        parts.append(Text("no accounts (`paas accounts add NAME`)"))
        return Group(*parts)
    accounts = Table(box=None, pad_edge=False, header_style="bold")
    for name, justify, most in (("account", "left", 18), ("used", "right", 11), ("per h", "right", 7),
                                ("pace", "right", 5), ("resets", "right", 10), ("runs out", "left", 18)):
        accounts.add_column(name, justify=justify, overflow="ellipsis", no_wrap=True,  # type: ignore[arg-type]
                            max_width=most)
    for item in answer.accounts:
        out = when(item.runs_out_at, now)
        if out == "now":
            shown = Text("out now", style="red")
        else:
            shown = Text(out + (" < reset" if item.runs_out_before_reset else ""),
                         style="red" if item.runs_out_before_reset else "")
        accounts.add_row(item.account_name, f"{item.used}/{item.quota}", f"{item.burn_rate_per_hour:g}",
                         "-" if item.pace is None else f"{item.pace:.2f}", when(item.resets_at, now), shown)
    parts += [Text(""), accounts]
    if answer.sessions:
        work = Table(box=None, pad_edge=False, header_style="bold")
        for name, justify, most in (("in progress", "left", 26), ("account", "left", 16), ("used", "right", 9),
                                    ("per h", "right", 7), ("threshold", "left", 12)):
            work.add_column(name, justify=justify, overflow="ellipsis", no_wrap=True,  # type: ignore[arg-type]
                            max_width=most)
        for line in answer.sessions:
            work.add_row(f"session {line.session_id} · {line.project_name}", line.account_name,
                         f"{line.account_used}/{line.threshold}", f"{line.burn_rate_per_hour:g}",
                         when(line.reaches_threshold_at, now))
        parts += [Text(""), work]
    return Group(*parts)


def forecast(as_json: door.JsonFlag = False) -> None:
    """When accounts run out, sessions reach their threshold and the pool runs dry; tomorrow's credits."""
    from paas.services import views
    from paas.services.forecast import show_forecast

    with door.unit_of_work(write=False) as session:
        answer = show_forecast(session, door.now())
    if as_json:
        door.console().print_json(data=views.as_json(answer))
        return
    door.console().print(render(answer))
