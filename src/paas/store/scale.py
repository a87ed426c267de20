"""Bulk writes for generated demo data (`paas demo --scale N`): many sessions at once, ids back.

Sessions go in with one multi-row INSERT ... RETURNING per batch (SQLAlchemy's insertmanyvalues,
ids in the order of the rows given); their ledger events then go through
``ledger.append_rows`` (the driver's executemany). Denormalised totals are added by the
caller from the same figures, so they agree with the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from paas.store.schema import Account, Project, WorkSession


def ids_by_name(session: Session, model: Any, name_column: Any, names: Iterable[str]) -> dict[str, int]:
    wanted = list(names)
    rows = session.execute(select(name_column, model.id).where(name_column.in_(wanted)))
    return {str(name): int(row_id) for name, row_id in rows}


def last_session_numbers(session: Session, project_ids: Iterable[int]) -> dict[int, int]:
    statement = (select(WorkSession.project_id, func.max(WorkSession.session_number))
                 .where(WorkSession.project_id.in_(list(project_ids))).group_by(WorkSession.project_id))
    return {int(project_id): int(number) for project_id, number in session.execute(statement)}


def insert_sessions(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (column dicts, all with the same keys); their ids, in the same order."""
    if not rows:
        return []
    table = cast(Table, WorkSession.__table__)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(row_id) for row_id in session.execute(statement, rows).scalars()]


def add_project_totals(session: Session, totals: dict[int, tuple[int, int]]) -> None:
    """``{project_id: (sessions, credits)}`` added to each project's denormalised totals."""
    for project_id, (sessions, credits) in totals.items():
        session.execute(update(Project).where(Project.id == project_id).values(
            total_sessions=Project.total_sessions + sessions,
            total_credits_used=Project.total_credits_used + credits))


def note_last_used(session: Session, last_used: dict[int, datetime]) -> None:
    """Move each account's ``last_used_at`` forward to the given moment (never back)."""
    for account_id, moment in last_used.items():
        session.execute(update(Account).where(Account.id == account_id)
                        .where((Account.last_used_at.is_(None)) | (Account.last_used_at < moment))
                        .values(last_used_at=moment))


def quotas_of(session: Session, account_ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(Account.id, Account.quota).where(Account.id.in_(account_ids)))
    return {int(account_id): int(quota) for account_id, quota in rows}
