"""Accounts: create, describe (credits left and status at ``now``), change, delete.

Credits left and status are never stored: ``describe_accounts`` computes them from the
quota, the ledger inside the account's window, the lease and the platform's reports, so a
figure shown anywhere equals the ledger's sum. Credentials are encrypted on the way in and
never come back out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import Conflict, InvalidInput
from paas.core.events import AccountStateChanged
from paas.core.quotas import AccountFacts, Quota, QuotaWindow, WindowKind, account_status
from paas.core.types import AccountStatus, AdminState, Page, Platform, QuotaUnit
from paas.services.account_input import account_changes, new_account_fields
from paas.services.credentials import CredentialVault, remember_canary
from paas.services.field_rules import parse_enum, refuse_nulls, required_name, taken_message
from paas.services.views import AccountOut
from paas.store import accounts as store
from paas.store import ledger
from paas.store.records import apply_changes, delete_unless_referenced, get_or_raise
from paas.store.schema import Account, CreditEvent
from paas.store.unit import publish

EDITABLE = ("account_name", "account_email", "platform", "specialization", "notes", "tags", "quota", "quota_unit",
            "window_kind", "window_reset_at", "window_timezone", "window_hours", "rotate_threshold")
EDITABLE_FIELDS = frozenset(EDITABLE)
THROTTLE_DEFAULT = timedelta(seconds=60)
STATUS_ALIASES = {"blocked": AccountStatus.DISABLED.value}


@dataclass(frozen=True)
class AccountView:
    """An account as it stands at ``now``."""

    account: Account
    used: int
    remaining: int
    overdrawn: int
    status: AccountStatus
    next_reset: datetime
    leased_session_id: int | None
    quota: Quota


def get_account(session: Session, account_id: int, *, for_update: bool = False) -> Account:
    return get_or_raise(session, Account, account_id, "account", for_update=for_update)


def describe_accounts(session: Session, accounts: list[Any], now: datetime) -> list[AccountView]:
    """Credits and status at ``now`` of ``Account`` objects, or of ``store.account_rows`` rows when
    nothing will be changed (then each view's ``account`` is that row)."""
    usage = store.usage_in_windows(session, accounts, now)
    leases = store.leases(session, [account.id for account in accounts]) if len(accounts) < 900 \
        else store.leases(session)
    resets: dict[QuotaWindow, datetime] = {}
    return [describe_one(account, usage.get(account.id, (0, None)), leases.get(account.id), now, resets)
            for account in accounts]


def describe_one(account: Account, usage: tuple[int, datetime | None], leased_session_id: int | None,
                 now: datetime, resets: dict[QuotaWindow, datetime]) -> AccountView:
    """One account's view; ``resets`` memoises the next reset of windows with nothing spent in them."""
    used, oldest = usage
    quota = store.quota_of(account)
    facts = AccountFacts(disabled=account.admin_state == AdminState.DISABLED.value,
                         leased=leased_session_id is not None, throttled_until=account.throttled_until,
                         exhausted_until=account.exhausted_until)
    if oldest is not None:
        next_reset = quota.window.next_reset(now, [(oldest, used)])
    elif quota.window in resets:
        next_reset = resets[quota.window]
    else:
        next_reset = resets[quota.window] = quota.window.next_reset(now)
    return AccountView(account=account, used=used, remaining=max(0, quota.credits - used),
                       overdrawn=max(0, used - quota.credits), status=account_status(facts, quota, used, now),
                       next_reset=next_reset, leased_session_id=leased_session_id, quota=quota)


def describe_account(session: Session, account_id: int, now: datetime, *, for_update: bool = False) -> AccountView:
    return describe_accounts(session, [get_account(session, account_id, for_update=for_update)], now)[0]


def show_account(session: Session, account_id: int, now: datetime) -> AccountOut:
    """An account as a door shows it (404 when there is none), its platform readings with it."""
    from paas.services.platform_readings import latest_readings  # that module describes accounts with this one

    view = describe_account(session, account_id, now)
    return AccountOut.of(view, latest_readings(session, account_id))


def list_accounts(session: Session, *, now: datetime, status: str | None = None, platform: str | None = None,
                  search: str | None = None, limit: int = 100, offset: int = 0) -> Page[AccountOut]:
    """Accounts by name; ``search`` keeps those whose name, e-mail, specialization or tags contain it
    (any case)."""
    if platform:
        parse_enum(Platform, platform, "platform")
    wanted = parse_enum(AccountStatus, STATUS_ALIASES.get(status, status), "status") if status else None
    found = store.all_accounts(session, platform=platform)
    if search and search.strip():
        needle = search.strip().casefold()
        found = [account for account in found if any(
            needle in (text or "").casefold()
            for text in (account.account_name, account.account_email, account.specialization, account.tags))]
    views = describe_accounts(session, found, now)
    if wanted is not None:
        views = [view for view in views if view.status is wanted]
    return Page(items=[AccountOut.of(view) for view in views[offset:offset + limit]], total=len(views), limit=limit,
                offset=offset)


def _check_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    """Names are unique whatever their case or Unicode form (``core.names``): the 409 names the one there."""
    existing = store.find_by_name(session, name)
    if existing is not None and existing.id != own_id:
        raise Conflict(taken_message("an account", name, existing.account_name),
                       {"field": "account_name", "id": existing.id, "existing": existing.account_name})


def validate_quota_fields(fields: dict[str, Any]) -> None:
    """Build the core Quota from the row's fields so its rules (window, threshold) apply to every door."""
    _check_quota(str(fields.get("window_kind", "daily")), str(fields.get("window_reset_at", "00:00")),
                 str(fields.get("window_timezone", "UTC")), fields.get("window_hours", 24), fields.get("quota", 100),
                 fields.get("rotate_threshold"))


@lru_cache(maxsize=256)  # a 10,000-row import repeats a handful of quota definitions
def _check_quota(kind: str, reset_text: str, timezone: str, hours: int, credits: int, threshold: int | None) -> None:
    try:
        hour, minute = (int(part) for part in reset_text.split(":"))
        reset_at = time(hour, minute)
    except ValueError:
        raise InvalidInput("window_reset_at must be HH:MM", {"field": "window_reset_at"}) from None
    window = QuotaWindow(kind=parse_enum(WindowKind, kind, "window_kind"), reset_at=reset_at, timezone=timezone,
                         hours=hours)
    Quota(credits=credits, window=window, rotate_threshold=threshold)


OPENING_NOTE = "used before the account was added"


def opening_credits(quota: int, credits_available: int | None) -> int | None:
    """Credits an account had already used when it was added (None when it starts full)."""
    if credits_available is not None and not 0 <= credits_available <= quota:
        raise InvalidInput(f"credits_available must be between 0 and the quota ({quota})",
                           {"field": "credits_available"})
    if credits_available is None or credits_available == quota:
        return None
    return quota - credits_available


def account_row(fields: dict[str, Any], vault: CredentialVault | None) -> dict[str, Any]:
    """Checked column values for a new account (shared by single and batch creation)."""
    row = {key: value for key, value in fields.items() if value is not None and key in EDITABLE_FIELDS}
    row["account_name"] = required_name(fields.get("account_name"), "account_name")
    row["platform"] = parse_enum(Platform, fields.get("platform") or Platform.GENSPARK.value, "platform").value
    row["quota_unit"] = parse_enum(QuotaUnit, fields.get("quota_unit") or QuotaUnit.CREDITS.value, "quota_unit").value
    if row["quota_unit"] != QuotaUnit.CREDITS.value and "quota" not in row:
        raise InvalidInput(f"an account counting {row['quota_unit']} needs its quota (the default of 100 is "
                           "credits)", {"field": "quota"})
    validate_quota_fields(row)
    credentials = fields.get("credentials")
    if credentials:
        if vault is None:
            raise InvalidInput("credentials cannot be stored: no credential key is configured", {})
        row["credentials_encrypted"] = vault.encrypt(credentials)
    return row


def create_account(session: Session, *, now: datetime, vault: CredentialVault | None = None,
                   credits_available: int | None = None, **fields: Any) -> AccountOut:
    """Add an account. ``credits_available`` below the quota records the difference as already used
    in the current window (the ledger stays the only truth about what is left). Every field is
    checked against ``account_input.AccountCreate``, the API's own limits, whichever door called."""
    fields = new_account_fields({**fields, "credits_available": credits_available})
    credits_available = fields.pop("credits_available", None)
    row = account_row(fields, vault)
    _check_name_free(session, row["account_name"])
    account = Account(**row)
    session.add(account)
    session.flush()
    opening = opening_credits(row.get("quota", 100), credits_available)
    if opening is not None:
        ledger.append(session, CreditEvent(account_id=account.id, credits=opening, occurred_at=now,
                                           note=OPENING_NOTE))
    if "credentials_encrypted" in row and vault is not None:
        remember_canary(session, vault)
    publish(session, AccountStateChanged(account_id=account.id, change="created"))
    return show_account(session, account.id, now)


def update_account(session: Session, account_id: int, changes: dict[str, Any], *, now: datetime,
                   vault: CredentialVault | None = None) -> AccountOut:
    account = get_account(session, account_id, for_update=True)
    changes = account_changes(changes)
    if "status" in changes and changes["status"] is None:
        raise InvalidInput("status cannot be null", {"fields": ["status"]})
    status = changes.pop("status", None)
    credentials = changes.pop("credentials", ...)
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    refuse_nulls(changes, ("account_name", "platform", "quota", "quota_unit", "window_kind", "window_reset_at",
                           "window_timezone", "window_hours"))
    if "account_name" in changes:
        changes["account_name"] = required_name(changes["account_name"], "account_name")
        _check_name_free(session, changes["account_name"], account.id)
    if "platform" in changes:
        changes["platform"] = parse_enum(Platform, changes["platform"], "platform").value
    if "quota_unit" in changes:
        _check_unit_change(session, account, parse_enum(QuotaUnit, changes["quota_unit"], "quota_unit"))
    merged = {key: getattr(account, key) for key in EDITABLE} | changes
    validate_quota_fields(merged)
    apply_changes(account, changes)
    if credentials is not ...:
        if credentials and vault is None:
            raise InvalidInput("credentials cannot be stored: no credential key is configured", {})
        account.credentials_encrypted = vault.encrypt(credentials) if credentials and vault else None
        if credentials and vault:
            remember_canary(session, vault)
    if status is not None:
        _set_status(session, account, status, now)
    session.flush()
    change = f"status set to {status}" if status is not None else "edited"
    publish(session, AccountStateChanged(account_id=account.id, change=change))
    return show_account(session, account.id, now)


def _check_unit_change(session: Session, account: Account, unit: QuotaUnit) -> None:
    """An account's unit changes only while nothing is recorded on it: the figures would change meaning."""
    if unit.value != account.quota_unit and ledger.has_events(session, account.id):
        raise InvalidInput(
            f"account {account.id} counts {account.quota_unit} and has recorded usage: its unit cannot become "
            f"{unit.value} (every recorded figure would change meaning); add a new account counting {unit.value}",
            {"field": "quota_unit"})


def _set_status(session: Session, account: Account, status: str, now: datetime) -> None:
    """A person setting a status: available clears the platform's reports; active comes only from a lease."""
    wanted = parse_enum(AccountStatus, STATUS_ALIASES.get(status, status), "status")
    if wanted is AccountStatus.ACTIVE:
        raise InvalidInput("an account becomes active by starting a session on it", {"field": "status"})
    if wanted is AccountStatus.DISABLED:
        account.admin_state, account.disabled_reason = AdminState.DISABLED.value, "set by a person"
    elif wanted is AccountStatus.AVAILABLE:
        account.admin_state, account.disabled_reason = AdminState.ENABLED.value, None
        account.exhausted_until = account.throttled_until = None
    elif wanted is AccountStatus.EXHAUSTED:
        account.exhausted_until = store.quota_of(account).window.next_reset(now)
    elif wanted is AccountStatus.THROTTLED:
        account.throttled_until = now + THROTTLE_DEFAULT


def delete_account(session: Session, account_id: int) -> None:
    account = get_account(session, account_id, for_update=True)
    if store.has_history(session, account_id):
        raise Conflict(
            f"account {account_id} has sessions, recorded credits or handoffs; set status=disabled instead",
            {"id": account_id},
        )
    delete_unless_referenced(session, account, Conflict(
        f"account {account_id} is still referred to; set status=disabled instead", {"id": account_id}))
    publish(session, AccountStateChanged(account_id=account_id, change="deleted"))
