"""Accounts: the pool. Create, list, change, delete (only while nothing refers to one)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import Conflict
from paas.core.types import AccountStatus, Page, Platform
from paas.services._fields import parse_enum, refuse_nulls, required_text
from paas.store import accounts as store
from paas.store import sessions as session_store
from paas.store.records import apply_changes, delete_unless_referenced, get_or_raise
from paas.store.schema import Account

EDITABLE = ("account_name", "account_email", "platform", "specialization", "notes", "credits_available",
            "credits_refresh_date", "status")


def get_account(session: Session, account_id: int, *, for_update: bool = False) -> Account:
    return get_or_raise(session, Account, account_id, "account", for_update=for_update)


def list_accounts(session: Session, *, status: str | None = None, platform: str | None = None,
                  limit: int = 100, offset: int = 0) -> Page[Account]:
    if status:
        parse_enum(AccountStatus, status, "status")
    if platform:
        parse_enum(Platform, platform, "platform")
    return store.list_by_name(session, status=status, platform=platform, limit=limit, offset=offset)


def _check_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    existing = store.find_by_name(session, name)
    if existing is not None and existing.id != own_id:
        raise Conflict(f"an account named {name!r} already exists", {"field": "account_name", "id": existing.id})


def create_account(session: Session, *, account_name: str, account_email: str | None = None,
                   platform: str = Platform.GENSPARK.value, specialization: str | None = None,
                   notes: str | None = None, credits_available: int = 100,
                   status: str = AccountStatus.AVAILABLE.value) -> Account:
    account_name = required_text(account_name, "account_name")
    _check_name_free(session, account_name)
    account = Account(
        account_name=account_name,
        account_email=account_email,
        platform=parse_enum(Platform, platform, "platform").value,
        specialization=specialization,
        notes=notes,
        credits_available=credits_available,
        status=parse_enum(AccountStatus, status, "status").value,
    )
    session.add(account)
    session.flush()
    return account


def update_account(session: Session, account_id: int, changes: dict[str, Any]) -> Account:
    account = get_account(session, account_id, for_update=True)
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    refuse_nulls(changes, ("account_name", "platform", "status", "credits_available"))
    if "account_name" in changes:
        changes["account_name"] = required_text(changes["account_name"], "account_name")
        _check_name_free(session, changes["account_name"], account.id)
    if "platform" in changes:
        changes["platform"] = parse_enum(Platform, changes["platform"], "platform").value
    if "status" in changes:
        status = parse_enum(AccountStatus, changes["status"], "status")
        leased = session_store.open_session_of_account(session, account_id)
        if leased is not None and status is not AccountStatus.ACTIVE:
            raise Conflict(
                f"account {account_id} is leased to session {leased.id}; complete that session first",
                {"session_id": leased.id},
            )
        changes["status"] = status.value
    apply_changes(account, changes)
    session.flush()
    return account


def delete_account(session: Session, account_id: int) -> None:
    account = get_account(session, account_id, for_update=True)
    if store.has_history(session, account_id):
        raise Conflict(
            f"account {account_id} has sessions or recorded credits; set status=blocked instead",
            {"id": account_id},
        )
    delete_unless_referenced(session, account, Conflict(
        f"account {account_id} is named in a handoff; set status=blocked instead", {"id": account_id}))
