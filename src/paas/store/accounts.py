"""Accounts: the pool of AI seats and keys a person holds. Names are unique; credentials never live here."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from paas.core.types import AccountStatus, Page
from paas.store.records import paginate
from paas.store.schema import Account, CreditEvent, WorkSession


def find_by_name(session: Session, name: str) -> Account | None:
    return session.scalars(select(Account).where(Account.account_name == name)).first()


def list_by_name(session: Session, *, status: str | None, platform: str | None,
                 limit: int, offset: int) -> Page[Account]:
    statement = select(Account).order_by(Account.account_name, Account.id)
    if status:
        statement = statement.where(Account.status == status)
    if platform:
        statement = statement.where(Account.platform == platform)
    return paginate(session, statement, limit, offset)


def has_history(session: Session, account_id: int) -> bool:
    """Whether sessions or ledger rows refer to the account (it then cannot be deleted)."""
    used = session.scalar(select(func.count()).where(CreditEvent.account_id == account_id)) or 0
    sessions = session.scalar(select(func.count()).where(WorkSession.account_id == account_id)) or 0
    return bool(used or sessions)


def set_status(session: Session, account_id: int, status: AccountStatus) -> None:
    session.execute(update(Account).where(Account.id == account_id).values(status=status.value))


def count_all(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Account)) or 0
