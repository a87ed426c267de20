"""services.accounts: unique names, validated fields, a leased account keeps its status, history blocks delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.services import accounts
from paas.services import sessions as work_sessions
from paas.store.db import transaction
from paas.store.schema import Account, HandoffQueueItem


def test_create_uses_the_defaults(engine: Engine, add_account: Callable[..., Account]) -> None:
    account = add_account(" Main ")
    with transaction(engine, write=False) as session:
        stored = accounts.get_account(session, account.id)
        assert (stored.account_name, stored.platform, stored.status, stored.credits_available) == (
            "Main", "genspark", "available", 100)


def test_duplicate_name_is_a_conflict_and_nothing_is_written(
    engine: Engine, add_account: Callable[..., Account], rows: Callable[[type[Any]], int]
) -> None:
    add_account("Main")
    with pytest.raises(Conflict, match="'Main' already exists"), transaction(engine) as session:
        accounts.create_account(session, account_name="Main", platform="claude")
    assert rows(Account) == 1


@pytest.mark.parametrize(("field", "value"), [("platform", "myspace"), ("status", "sleepy")])
def test_unknown_platform_or_status_is_invalid(engine: Engine, field: str, value: str) -> None:
    with pytest.raises(InvalidInput, match=field), transaction(engine) as session:
        accounts.create_account(session, account_name="X", **{field: value})


def test_missing_account_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound, match="account 7 does not exist"), transaction(engine) as session:
        accounts.get_account(session, 7)


def test_list_is_ordered_by_name_and_filters(engine: Engine, add_account: Callable[..., Account]) -> None:
    add_account("b", platform="claude")
    add_account("a")
    add_account("c", status="blocked")
    with transaction(engine, write=False) as session:
        assert [a.account_name for a in accounts.list_accounts(session).items] == ["a", "b", "c"]
        assert [a.account_name for a in accounts.list_accounts(session, status="blocked").items] == ["c"]
        assert [a.account_name for a in accounts.list_accounts(session, platform="claude").items] == ["b"]
        with pytest.raises(InvalidInput):
            accounts.list_accounts(session, platform="nope")


def test_rename_onto_another_accounts_name_is_a_conflict(engine: Engine, add_account: Callable[..., Account]) -> None:
    add_account("a")
    second = add_account("b")
    with pytest.raises(Conflict), transaction(engine) as session:
        accounts.update_account(session, second.id, {"account_name": "a"})


def test_status_of_a_leased_account_cannot_be_changed(
    engine: Engine, add_project: Callable[..., Any], add_account: Callable[..., Account],
    start: Callable[..., Any],
) -> None:
    account = add_account("a")
    work = start(add_project("p").id, account.id)
    with pytest.raises(Conflict, match=f"leased to session {work.id}"), transaction(engine) as session:
        accounts.update_account(session, account.id, {"status": "blocked"})
    with transaction(engine) as session:
        accounts.update_account(session, account.id, {"notes": "busy", "credits_available": 50})
        assert accounts.get_account(session, account.id).status == "active"


def test_update_cannot_clear_required_fields(engine: Engine, add_account: Callable[..., Account]) -> None:
    account = add_account("a")
    with pytest.raises(InvalidInput), transaction(engine) as session:
        accounts.update_account(session, account.id, {"credits_available": None})


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
    with pytest.raises(Conflict, match="set status=blocked"), transaction(engine) as session:
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
