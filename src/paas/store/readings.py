"""Platform readings: what a platform itself said of an account's windows (``platform_readings``).

Rows are appended, never changed; the newest per account and window is what doors show. The
status line runs after every message, so the service skips a row identical to the last one
(``latest`` is one index walk: ``ix_platform_readings_account_id_read_at``, newest first).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paas.store.schema import PlatformReading


def latest(session: Session, account_id: int, window: str) -> PlatformReading | None:
    """The account's newest reading of ``window`` (five_hour, seven_day), if any."""
    return session.scalars(
        select(PlatformReading)
        .where(PlatformReading.account_id == account_id, PlatformReading.window == window)
        .order_by(PlatformReading.read_at.desc(), PlatformReading.id.desc())
        .limit(1)
    ).first()


def add(session: Session, reading: PlatformReading) -> PlatformReading:
    session.add(reading)
    session.flush()
    return reading
