"""`paas forecast`: burn rates, pace, run-out and threshold times, the pool's dry time and tomorrow's
credits, readable at 80 columns (GET /api/forecast's JSON with --json)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from paas.cli import door
from paas.cli.status import resets_in
from paas.core import units
from paas.core.types import QuotaUnit

if TYPE_CHECKING:
    from paas.services.forecast import ForecastOut


def when(moment: datetime | None, now: datetime) -> str:
    """in 2h 05m, now, or - (not at this rate)."""
    if moment is None:
        return "-"
    return "now" if moment <= now else f"in {resets_in(int((moment - now).total_seconds()))}"


def rate(per_hour: float, unit: str | None) -> str:
    """A burn rate in the account's unit: ``6.3`` credits, ``1.1k`` tokens, ``$2.99`` (usd counts cents)."""
    if units.unit_of(unit) is QuotaUnit.CREDITS:
        return f"{per_hour:g}"
    return units.amount(round(per_hour), unit)


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
        parts.append(Text.assemble(("Pool ", "bold"), f"({pool.unit}): {units.amount(pool.credits_left, pool.unit)} "
                                   f"left on {pool.accounts} accounts, burning "
                                   f"{rate(pool.burn_rate_per_hour, pool.unit)}/h"))
        parts.append(Text.assemble("  ", dry, f"; {units.amount(pool.credits_tomorrow, pool.unit)} left at 00:00 UTC "
                                   "tomorrow"))
    if not answer.accounts:
        parts.append(Text("no accounts (`paas accounts add NAME`)"))
        return Group(*parts)
    accounts = Table(box=None, pad_edge=False, header_style="bold")
    for name, justify, most in (("account", "left", 18), ("used", "right", 13), ("per h", "right", 7),
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
        accounts.add_row(item.account_name, units.pair(item.used, item.quota, item.unit),
                         rate(item.burn_rate_per_hour, item.unit),
                         "-" if item.pace is None else f"{item.pace:.2f}", when(item.resets_at, now), shown)
    parts += [Text(""), accounts]
    if answer.sessions:
        work = Table(box=None, pad_edge=False, header_style="bold")
        for name, justify, most in (("in progress", "left", 26), ("account", "left", 16), ("used", "right", 13),
                                    ("per h", "right", 7), ("threshold", "left", 12)):
            work.add_column(name, justify=justify, overflow="ellipsis", no_wrap=True,  # type: ignore[arg-type]
                            max_width=most)
        unit_of = {item.account_id: item.unit for item in answer.accounts}
        for line in answer.sessions:
            unit = unit_of.get(line.account_id)
            work.add_row(f"session {line.session_id} · {line.project_name}", line.account_name,
                         units.pair(line.account_used, line.threshold, unit), rate(line.burn_rate_per_hour, unit),
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
