"""A stored alert for tests of what people do with one (acknowledge, list), without driving usage to raise it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from paas.core.types import AlertStatus
from paas.store.schema import Alert
from paas.store.unit import transaction


def stored_alert(engine: Engine, now: datetime, *, key: str = "pool_low", message: str = "The pool is low",
                 status: AlertStatus = AlertStatus.ACTIVE) -> int:
    with transaction(engine) as session:
        row = Alert(rule=key.split(":")[0], key=key, severity="warning", message=message, details={},
                    status=status.value, raised_at=now, last_seen_at=now,
                    cleared_at=now if status is AlertStatus.CLEARED else None)
        session.add(row)
        session.flush()
        return int(row.id)
