"""Platform readings: what a platform said of an account's windows, kept beside our estimate.

Claude Code tells its status line how much of its 5-hour and 7-day windows is used
(``core.statusline``). Each reported window is stored with our own estimate at that moment
(the ledger's used/quota for the account's current window, ``accounts.describe_account``)
beside the platform window closest in length to the account's window, so the two can be
compared later. The status line runs after every message: a reading identical to the last one
of that account and window, and under a minute old, is not stored again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from paas.core.quotas import WindowKind
from paas.core.statusline import WINDOWS, WindowReport, estimate_window
from paas.services.accounts import AccountView, describe_account
from paas.services.views import PlatformReadingOut
from paas.store import readings as store
from paas.store.schema import PlatformReading

SAME_READING_FOR = timedelta(seconds=60)


def reading_out(row: PlatformReading) -> PlatformReadingOut:
    return PlatformReadingOut(used_percentage=row.used_percentage, resets_at=row.resets_at,
                              estimated_percentage=row.estimated_percentage, read_at=row.read_at)


def used_percentage(view: AccountView) -> float:
    """The ledger's used share of the quota in the account's current window, to 0.1%."""
    return round(view.used * 100 / view.quota.credits, 1)


def compared_window(view: AccountView) -> str:
    """The platform window our estimate for this account goes beside."""
    window = view.quota.window
    return estimate_window(24 if window.kind is WindowKind.DAILY else window.hours)


def _estimates(view: AccountView, reports: Iterable[WindowReport]) -> list[tuple[WindowReport, float | None]]:
    beside = compared_window(view)
    estimate = used_percentage(view)
    return [(report, estimate if report.window == beside else None) for report in reports]


def _same(row: PlatformReading | None, report: WindowReport, estimate: float | None, now: datetime) -> bool:
    return (row is not None and now - row.read_at < SAME_READING_FOR
            and (row.used_percentage, row.resets_at, row.estimated_percentage)
            == (report.used_percentage, report.resets_at, estimate))


def unchanged(session: Session, account_id: int, reports: Iterable[WindowReport], *, now: datetime) -> bool:
    """Whether recording ``reports`` now would store nothing (each identical to its last, under a minute old)."""
    view = describe_account(session, account_id, now)
    return all(_same(store.latest(session, account_id, report.window), report, estimate, now)
               for report, estimate in _estimates(view, reports))


def record_readings(session: Session, account_id: int, reports: Iterable[WindowReport], *, now: datetime,
                    agent_session: str | None = None) -> dict[str, PlatformReadingOut]:
    """Store each reported window with our estimate beside it (skipping one identical to the last
    and under a minute old); the account's latest reading of each reported window."""
    view = describe_account(session, account_id, now)
    latest: dict[str, PlatformReadingOut] = {}
    for report, estimate in _estimates(view, reports):
        if report.window not in WINDOWS:
            continue
        last = store.latest(session, account_id, report.window)
        if last is None or not _same(last, report, estimate, now):
            last = store.add(session, PlatformReading(
                account_id=account_id, window=report.window, used_percentage=report.used_percentage,
                resets_at=report.resets_at, estimated_percentage=estimate, agent_session=agent_session, read_at=now))
        latest[report.window] = reading_out(last)
    return latest


def latest_readings(session: Session, account_id: int) -> dict[str, PlatformReadingOut]:
    """The account's newest reading of each window the platform reports (none read: empty)."""
    found = {window: store.latest(session, account_id, window) for window in WINDOWS}
    return {window: reading_out(row) for window, row in found.items() if row is not None}
