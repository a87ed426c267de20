"""services.accounts: unique names, validated fields, a leased account keeps its status, history blocks delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.core.types import AccountStatus
from paas.services import accounts
from paas.services import sessions as work_sessions
from paas.store.schema import Account, CreditEvent, HandoffQueueItem
from paas.store.unit import transaction


def test_create_uses_the_defaults(engine: Engine, add_account: Callable[..., Account], clock: Any) -> None:
    account = add_account(" Main ")
    with transaction(engine, write=False) as session:
        view = accounts.describe_account(session, account.id, clock())
        stored = view.account
        assert (stored.account_name, stored.platform, stored.admin_state, stored.quota) == (
            "Main", "genspark", "enabled", 100)
        assert (view.status, view.remaining, view.used, view.overdrawn, view.leased_session_id) == (
            AccountStatus.AVAILABLE, 100, 0, 0, None)


def test_credits_available_below_the_quota_is_recorded_as_opening_usage(
    engine: Engine, add_account: Callable[..., Account], clock: Any, rows: Callable[[type[Any]], int]
) -> None:
    account = add_account("Main", credits_available=78)
    full = add_account("Full", credits_available=100)
    with transaction(engine, write=False) as session:
        events = session.scalars(select(CreditEvent)).all()
        assert [(e.account_id, e.credits, e.note) for e in events] == [
            (account.id, 22, "used before the account was added")]
        assert accounts.describe_account(session, account.id, clock()).remaining == 78
        assert accounts.describe_account(session, full.id, clock()).remaining == 100
    with pytest.raises(InvalidInput, match="credits_available: Input should be greater than or equal to 0"), \
            transaction(engine) as session:
        accounts.create_account(session, account_name="Neg", credits_available=-1, now=clock())
    assert rows(Account) == 2


def test_duplicate_name_is_a_conflict_and_nothing_is_written(
    engine: Engine, add_account: Callable[..., Account], rows: Callable[[type[Any]], int], clock: Any
) -> None:
    add_account("Main")
    with pytest.raises(Conflict, match="'Main' already exists"), transaction(engine) as session:
        accounts.create_account(session, account_name="Main", platform="claude", now=clock())
    assert rows(Account) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("platform", "myspace", "platform"), ("window_kind", "sleepy", "window_kind"),
    ("window_timezone", "Mars/Base", "time zone 'Mars/Base'"), ("window_reset_at", "noon", "HH:MM")])
def test_unknown_platform_or_window_is_invalid(engine: Engine, field: str, value: str, message: str, clock: Any,
                                               rows: Callable[[type[Any]], int]) -> None:
    with pytest.raises(InvalidInput, match=message), transaction(engine) as session:
        accounts.create_account(session, account_name="X", now=clock(), **{field: value})
    assert rows(Account) == 0


def test_unknown_status_is_invalid(engine: Engine, add_account: Callable[..., Account], clock: Any) -> None:
    account = add_account("a")
    with pytest.raises(InvalidInput, match="status"), transaction(engine) as session:
        accounts.update_account(session, account.id, {"status": "sleepy"}, now=clock())
    with pytest.raises(InvalidInput, match="status"), transaction(engine, write=False) as session:
        accounts.list_accounts(session, now=clock(), status="sleepy")


def test_missing_account_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound, match="account 7 does not exist"), transaction(engine) as session:
        accounts.get_account(session, 7)


def test_list_is_ordered_by_name_and_filters(engine: Engine, add_account: Callable[..., Account],
                                             clock: Any) -> None:
    add_account("b", platform="claude")
    add_account("a")
    c = add_account("c")
    add_account("d", credits_available=0)
    with transaction(engine) as session:
        accounts.update_account(session, c.id, {"status": "disabled"}, now=clock())
    now = clock()

    def names(**filters: Any) -> list[str]:
        with transaction(engine, write=False) as session:
            return [v.account_name for v in accounts.list_accounts(session, now=now, **filters).items]

    assert names() == ["a", "b", "c", "d"]
    assert names(status="disabled") == ["c"]
    assert names(status="blocked") == ["c"]
    assert names(status="exhausted") == ["d"]
    assert names(status="available") == ["a", "b"]
    assert names(platform="claude") == ["b"]
    with transaction(engine, write=False) as session:
        page = accounts.list_accounts(session, now=now, limit=2, offset=1)
        assert ([v.account_name for v in page.items], page.total) == (["b", "c"], 4)
        with pytest.raises(InvalidInput):
            accounts.list_accounts(session, now=now, platform="nope")


def test_rename_onto_another_accounts_name_is_a_conflict(engine: Engine, add_account: Callable[..., Account],
                                                         clock: Any) -> None:
    add_account("a")
    second = add_account("b")
    with pytest.raises(Conflict), transaction(engine) as session:
        accounts.update_account(session, second.id, {"account_name": "a"}, now=clock())


def test_status_of_a_leased_account_cannot_be_changed(
    engine: Engine, add_project: Callable[..., Any], add_account: Callable[..., Account],
    start: Callable[..., Any], clock: Any,
) -> None:
    account = add_account("a")
    work = start(add_project("p").id, account.id)
    with pytest.raises(InvalidInput, match="status: Input should be 'available'"), transaction(engine) as session:
        accounts.update_account(session, account.id, {"status": "active"}, now=clock())
    for status in ("available", "exhausted", "throttled"):
        with transaction(engine) as session:
            accounts.update_account(session, account.id, {"status": status, "notes": "busy"}, now=clock())
            view = accounts.describe_account(session, account.id, clock())
            # The lease wins over every report but a person's disable.
            assert (view.status, view.leased_session_id) == (AccountStatus.ACTIVE, work.id)
    with transaction(engine) as session:
        accounts.update_account(session, account.id, {"status": "blocked"}, now=clock())
        assert accounts.describe_account(session, account.id, clock()).status is AccountStatus.DISABLED
        accounts.update_account(session, account.id, {"status": "available"}, now=clock())
        assert accounts.describe_account(session, account.id, clock()).status is AccountStatus.ACTIVE


@pytest.mark.parametrize("field", ["account_name", "platform", "quota", "window_kind", "window_reset_at",
                                   "window_timezone", "window_hours"])
def test_update_cannot_clear_required_fields(engine: Engine, add_account: Callable[..., Account], clock: Any,
                                             field: str) -> None:
    account = add_account("a")
    with pytest.raises(InvalidInput, match=field), transaction(engine) as session:
        accounts.update_account(session, account.id, {field: None}, now=clock())


def test_status_changes_set_the_facts_status_is_computed_from(
    engine: Engine, add_account: Callable[..., Account], clock: Any
) -> None:
    account = add_account("a")
    now = clock()

    def set_status(status: str) -> Any:
        with transaction(engine) as session:
            accounts.update_account(session, account.id, {"status": status}, now=now)
            return accounts.describe_account(session, account.id, now)

    view = set_status("exhausted")
    assert (view.status, view.account.exhausted_until) == (AccountStatus.EXHAUSTED, view.next_reset)
    view = set_status("throttled")
    assert (view.status, view.account.throttled_until) == (AccountStatus.THROTTLED, now + timedelta(seconds=60))
    view = set_status("disabled")
    assert (view.status, view.account.admin_state) == (AccountStatus.DISABLED, "disabled")
    view = set_status("available")
    assert (view.status, view.account.admin_state, view.account.exhausted_until, view.account.throttled_until,
            view.account.disabled_reason) == (AccountStatus.AVAILABLE, "enabled", None, None, None)
    with transaction(engine, write=False) as session:
        later = accounts.describe_account(session, account.id, now + timedelta(days=1))
    assert later.status is AccountStatus.AVAILABLE


def test_delete_removes_an_unused_account(
    engine: Engine, add_account: Callable[..., Account], rows: Callable[[type[Any]], int]
) -> None:
    account = add_account("a")
    with transaction(engine) as session:
        accounts.delete_account(session, account.id)
    assert rows(Account) == 0


def test_delete_of_an_account_with_history_is_a_conflict(
    engine: Engine, add_project: Callable[..., Any], add_account: Callable[..., Account],
    start: Callable[..., Any], clock: Any, rows: Callable[[type[Any]], int],
) -> None:
    account = add_account("a")
    work = start(add_project("p").id, account.id)
    with transaction(engine) as session:
        work_sessions.complete_session(session, work.id, now=clock())
    with pytest.raises(Conflict, match="set status=disabled"), transaction(engine) as session:
        accounts.delete_account(session, account.id)
    assert rows(Account) == 1


def test_delete_of_an_account_a_handoff_is_addressed_to_is_a_conflict(
    engine: Engine, add_project: Callable[..., Any], add_account: Callable[..., Account],
    start: Callable[..., Any], rows: Callable[[type[Any]], int],
) -> None:
    # The receiving account of a queued handoff has no sessions or credits of its own yet.
    work = start(add_project("p").id, add_account("from").id)
    receiver = add_account("to")
    with transaction(engine) as session:
        session.add(HandoffQueueItem(session_id=work.id, from_account_id=work.account_id,
                                     to_account_id=receiver.id, handoff_context="continue"))
    with pytest.raises(Conflict), transaction(engine) as session:
        accounts.delete_account(session, receiver.id)
    assert rows(Account) == 2
