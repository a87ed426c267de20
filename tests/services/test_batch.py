"""Bulk account creation (services.batch): validated whole, all or nothing, every bad row listed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from paas.core.errors import InvalidInput, PayloadTooLarge
from paas.services import accounts
from paas.services.batch import MAX_BATCH, create_accounts
from paas.services.credentials import CredentialVault, new_key
from paas.store.schema import Account, AppMeta, CreditEvent
from paas.store.unit import transaction


def count(engine: Engine, model: type[Any]) -> int:
    with transaction(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_batch_creates_all_rows_in_order(engine: Engine, clock: Any) -> None:
    rows = [{"account_name": f"acct-{i}", "quota": 50 + i} for i in range(5)]
    with transaction(engine) as session:
        result = create_accounts(session, rows, now=clock())
    assert [name for _, name in result.created] == [f"acct-{i}" for i in range(5)]
    assert result.skipped == []
    with transaction(engine, write=False) as session:
        for account_id, name in result.created:
            account = session.get(Account, account_id)
            assert account is not None and account.account_name == name
            assert account.quota == 50 + int(name.split("-")[1])
            assert account.platform == "genspark"


def test_every_bad_row_is_listed_and_nothing_is_created(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        accounts.create_account(session, account_name="taken", now=clock())
    rows = [
        {"account_name": "ok-1"},
        {"account_name": ""},  # 1: empty name
        {"account_name": "bad-platform", "platform": "myspace"},  # 2
        {"account_name": "ok-2"},
        {"account_name": "zero", "quota": 0},  # 4
        {"account_name": "tz", "window_timezone": "Nowhere/Land"},  # 5
        {"account_name": "ok-1"},  # 6: duplicate of row 0
        {"account_name": "taken"},  # 7: exists in the database
        {"account_name": "thr", "quota": 10, "rotate_threshold": 11},  # 8
        {"account_name": "reset", "window_reset_at": "9am"},  # 9
    ]
    with transaction(engine) as session, pytest.raises(InvalidInput) as error:
        create_accounts(session, rows, now=clock())
    listed = error.value.details["rows"]
    assert [item["index"] for item in listed] == [1, 2, 4, 5, 6, 7, 8, 9]
    by_index = {item["index"]: item["errors"] for item in listed}
    assert "row 0" in by_index[6][0]["msg"]
    assert by_index[7][0]["field"] == "account_name"
    assert by_index[8][0]["field"] == "rotate_threshold"
    assert "8 of 10" in error.value.message
    assert count(engine, Account) == 1
    assert count(engine, CreditEvent) == 0


def test_door_errors_are_merged_in(engine: Engine, clock: Any) -> None:
    rows = [{"account_name": "a"}, {"account_name": "b"}, {"account_name": ""}]
    with transaction(engine) as session, pytest.raises(InvalidInput) as error:
        create_accounts(session, rows, now=clock(), row_errors={1: [{"msg": "schema says no"}]})
    assert [item["index"] for item in error.value.details["rows"]] == [1, 2]
    assert error.value.details["rows"][0]["errors"] == [{"msg": "schema says no"}]
    assert count(engine, Account) == 0


def test_skip_mode_skips_duplicates_and_existing(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        accounts.create_account(session, account_name="taken", now=clock())
    rows = [{"account_name": "new"}, {"account_name": "taken"}, {"account_name": "new"}, {"account_name": "other"}]
    with transaction(engine) as session:
        result = create_accounts(session, rows, now=clock(), on_conflict="skip")
    assert [name for _, name in result.created] == ["new", "other"]
    assert sorted(result.skipped) == ["new", "taken"]
    assert count(engine, Account) == 3


def test_skip_mode_still_refuses_invalid_rows(engine: Engine, clock: Any) -> None:
    rows = [{"account_name": "a"}, {"account_name": "a"}, {"account_name": "b", "quota": -1}]
    with transaction(engine) as session, pytest.raises(InvalidInput) as error:
        create_accounts(session, rows, now=clock(), on_conflict="skip")
    assert [item["index"] for item in error.value.details["rows"]] == [2]
    assert count(engine, Account) == 0


def test_opening_usage_events(engine: Engine, clock: Any) -> None:
    """(More credits left than the quota is a bad row: tests/services/test_names.py.)"""
    rows = [
        {"account_name": "full", "quota": 100},
        {"account_name": "partly", "quota": 100, "credits_available": 30},
        {"account_name": "empty", "quota": 40, "credits_available": 0},
    ]
    with transaction(engine) as session:
        result = create_accounts(session, rows, now=clock())
    ids = dict((name, account_id) for account_id, name in result.created)
    with transaction(engine, write=False) as session:
        events = {event.account_id: event for event in session.scalars(select(CreditEvent))}
        assert set(events) == {ids["partly"], ids["empty"]}
        assert events[ids["partly"]].credits == 70
        assert events[ids["empty"]].credits == 40
        assert events[ids["partly"]].occurred_at == clock()
        views = {view.account.account_name: view for view in
                 accounts.describe_accounts(session, [session.get(Account, i) for i in ids.values()], clock())}
        assert views["partly"].remaining == 30
        assert views["full"].remaining == 100
        assert views["empty"].remaining == 0 and views["empty"].status.value == "exhausted"


def test_negative_credits_available_is_reported_by_index(engine: Engine, clock: Any) -> None:
    rows = [{"account_name": "a"}, {"account_name": "b", "credits_available": -5}]
    with transaction(engine) as session, pytest.raises(InvalidInput) as error:
        create_accounts(session, rows, now=clock())
    assert [item["index"] for item in error.value.details.get("rows", [])] == [1]
    assert count(engine, Account) == 0


def test_batch_over_the_limit_is_refused(engine: Engine, clock: Any) -> None:
    rows = [{"account_name": f"a{i}"} for i in range(MAX_BATCH + 1)]
    with transaction(engine) as session, pytest.raises(PayloadTooLarge) as error:
        create_accounts(session, rows, now=clock())
    assert error.value.details == {"max": MAX_BATCH, "got": MAX_BATCH + 1}
    assert count(engine, Account) == 0


def test_batch_of_ten_thousand(engine: Engine, clock: Any) -> None:
    rows = [{"account_name": f"acct-{i:05d}", "credits_available": 50 if i % 2 else None} for i in range(MAX_BATCH)]
    progress: list[int] = []
    with transaction(engine) as session:
        result = create_accounts(session, rows, now=clock(), progress=progress.append)
    assert len(result.created) == MAX_BATCH
    assert sum(progress) == MAX_BATCH
    assert [name for _, name in result.created] == [row["account_name"] for row in rows]
    assert count(engine, Account) == MAX_BATCH
    assert count(engine, CreditEvent) == MAX_BATCH // 2


def test_batch_with_credentials_encrypts_and_stores_canary(engine: Engine, clock: Any) -> None:
    vault = CredentialVault((new_key(),))
    rows = [{"account_name": "a", "credentials": "sk-secret-a"}, {"account_name": "b"}]
    with transaction(engine) as session:
        result = create_accounts(session, rows, now=clock(), vault=vault)
    with transaction(engine, write=False) as session:
        stored = session.get(Account, result.created[0][0])
        assert stored is not None and stored.credentials_encrypted
        assert "sk-secret-a" not in stored.credentials_encrypted
        assert vault.decrypt(stored.credentials_encrypted) == "sk-secret-a"
        assert session.get(Account, result.created[1][0]).credentials_encrypted is None  # type: ignore[union-attr]
        assert session.get(AppMeta, "credential_canary") is not None


def test_batch_credentials_without_vault_is_a_row_error(engine: Engine, clock: Any) -> None:
    rows = [{"account_name": "a"}, {"account_name": "b", "credentials": "x"}]
    with transaction(engine) as session, pytest.raises(InvalidInput) as error:
        create_accounts(session, rows, now=clock())
    assert [item["index"] for item in error.value.details["rows"]] == [1]
