"""`paas status`: the pool at a glance, readable at 80 columns; `--watch` refreshes in place.

Figures are shown in each account's unit (``core.units``): credits as plain numbers, tokens
short (``1.2M/5M tok``), usd as dollars (``$12.34/$20.00``); the pool's totals once per unit.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from paas.cli import door

if TYPE_CHECKING:
    from paas.services.status import PoolStatus


def resets_in(seconds: int) -> str:
    """3d 4h, 5h 07m, 12m, now."""
    minutes = seconds // 60
    if minutes <= 0:
        return "now"
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"


def bar(used: int, threshold: int, width: int = 10) -> str:
    filled = min(width, used * width // max(1, threshold))
    return "#" * filled + "." * (width - filled)


def render(status: PoolStatus) -> Any:
    """The status screen as one Rich renderable (a table of accounts, one of sessions in progress)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from paas.core import units

    colours = {"available": "green", "active": "cyan", "exhausted": "red", "throttled": "yellow",
               "disabled": "bright_black"}
    left = " · ".join(units.total(item.available, item.quota, item.quota_unit) for item in status.by_unit)
    head = Text.assemble(("Pool ", "bold"), f"{left or units.total(0, 0, 'credits')} left · "
                         f"{status.available_accounts}/{len(status.accounts)} accounts available · "
                         f"{status.at:%Y-%m-%d %H:%M} UTC")
    accounts = Table(box=None, pad_edge=False, header_style="bold", expand=False)
    for name, justify, most in (("account", "left", 20), ("left", "right", 13), ("status", "left", 9),
                                ("resets in", "right", 9), ("leased to", "left", 22)):
        accounts.add_column(name, justify=justify, overflow="ellipsis", no_wrap=True,  # type: ignore[arg-type]
                            max_width=most)
    for item in status.accounts:
        leased = (f"session {item.leased_session_id} · {item.leased_project_name}" if item.leased_session_id
                  else "")
        accounts.add_row(item.account_name, units.pair(item.credits_available, item.quota, item.quota_unit),
                         Text(item.status, style=colours.get(item.status, "")), resets_in(item.resets_in_seconds),
                         leased)
    parts: list[Any] = [head, accounts]
    if status.sessions:
        work = Table(box=None, pad_edge=False, header_style="bold", title_justify="left")
        for name, justify, most in (("in progress", "left", 24), ("account", "left", 16), ("used", "right", 13),
                                    ("to threshold", "left", 19)):
            work.add_column(name, justify=justify, overflow="ellipsis", no_wrap=True,  # type: ignore[arg-type]
                            max_width=most)
        for line in status.sessions:
            due = Text(" DUE", style="bold red") if line.rotate_due else Text("")
            work.add_row(f"session {line.session_id} · {line.project_name}", line.account_name,
                         units.pair(line.account_credits_used, line.rotate_threshold, line.quota_unit),
                         Text.assemble(f"{bar(line.account_credits_used, line.rotate_threshold, 8)} "
                                       f"{line.progress_percent}%", due))
        parts += [Text(""), work]
    else:
        parts += [Text(""), Text("no session in progress (`paas session start --project P`)")]
    return Group(*parts)


def status(
    as_json: door.JsonFlag = False,
    watch: Annotated[bool, typer.Option("--watch", help="Refresh in place until Ctrl-C.")] = False,
    every: Annotated[float, typer.Option(min=0.5, max=3600, help="Seconds between refreshes with --watch.")] = 2.0,
) -> None:
    """The pool at a glance: credits left, status, resets and leases; sessions towards their threshold."""
    from paas.services import status as service
    from paas.services import views

    with door.database() as database:
        def read() -> PoolStatus:
            return database.read(lambda session: service.pool_status(session, door.now()))

        if as_json:
            door.console().print_json(data=views.as_json(read()))
            return
        if not watch:
            door.console().print(render(read()))
            return
        from rich.live import Live

        with Live(render(read()), console=door.console(), auto_refresh=False, transient=False) as live:
            try:
                while True:
                    time.sleep(every)
                    live.update(render(read()), refresh=True)
            except KeyboardInterrupt:
                pass
