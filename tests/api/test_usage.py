"""POST /api/sessions/{id}/usage: the credit ledger and the figures that follow it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from paas.store.schema import CreditEvent
from paas.store.unit import transaction
from tests.api.api_helpers import at_once, complete, fails, new_account, new_project, ok, rows, start, stats, use


@pytest.fixture
def running(client: TestClient) -> dict[str, int]:
    """A session in progress on a 100-credit account: its id and its project's and account's."""
    project_id = new_project(client)["id"]
    account_id = new_account(client, credits_available=100)["id"]
    session_id = start(client, project_id, account_id)["id"]
    return {"session": session_id, "project": project_id, "account": account_id}


def ledger(engine: Engine) -> list[tuple[int, int, int | None, int, int]]:
    with transaction(engine, write=False) as session:
        events = session.scalars(select(CreditEvent).order_by(CreditEvent.id))
        return [(e.id, e.account_id, e.session_id, e.credits, e.overdrawn) for e in events]


def figures(client: TestClient, ids: dict[str, int]) -> tuple[int, int, int, int]:
    """(session credits_used, account credits_available, project total_credits_used, stats total)."""
    return (ok(client.get(f"/api/sessions/{ids['session']}"))["data"]["credits_used"],
            ok(client.get(f"/api/accounts/{ids['account']}"))["data"]["credits_available"],
            ok(client.get(f"/api/projects/{ids['project']}"))["data"]["total_credits_used"],
            stats(client)["total_credits"])


def test_usage_appends_to_the_ledger_and_moves_every_figure(client: TestClient, engine: Engine,
                                                            running: dict[str, int]) -> None:
    response = client.post(f"/api/sessions/{running['session']}/usage", json={"credits": 30, "note": "step 1"})
    data = ok(response, 201)["data"]
    assert data == {"credit_event_id": data["credit_event_id"], "session_id": running["session"],
                    "project_id": running["project"], "credits": 30,
                    "note": "step 1", "occurred_at": "2026-11-25T12:00:00Z", "overdrawn": 0,
                    "session_credits_used": 30, "account_id": running["account"], "account_credits_available": 70,
                    "account_credits_used": 30, "account_quota": 100, "rotate_threshold": 90, "rotate_due": False,
                    "next_reset_at": "2026-11-26T00:00:00Z", "replayed": False, "rotation": None,
                    "rotation_error": None}
    assert figures(client, running) == (30, 70, 30, 30)
    second = use(client, running["session"], 12)
    assert second["credit_event_id"] > data["credit_event_id"]
    assert figures(client, running) == (42, 58, 42, 42)
    assert ledger(engine) == [(data["credit_event_id"], running["account"], running["session"], 30, 0),
                              (second["credit_event_id"], running["account"], running["session"], 12, 0)]


def test_usage_beyond_what_is_left_is_recorded_as_overdrawn(client: TestClient, engine: Engine,
                                                            running: dict[str, int]) -> None:
    use(client, running["session"], 90)
    over = use(client, running["session"], 25)
    assert (over["credits"], over["overdrawn"], over["account_credits_available"]) == (25, 15, 0)
    again = use(client, running["session"], 5)
    assert (again["overdrawn"], again["account_credits_available"]) == (5, 0)
    assert figures(client, running) == (120, 0, 120, 120)
    assert [event[3:] for event in ledger(engine)] == [(90, 0), (25, 15), (5, 5)]


def test_idempotency_key_replays_the_first_record_and_changes_nothing(client: TestClient, engine: Engine,
                                                                      running: dict[str, int]) -> None:
    first = use(client, running["session"], 20, key="retry-1")
    before, totals = rows(engine), stats(client)
    replay = use(client, running["session"], 20, key="retry-1")
    assert replay["credit_event_id"] == first["credit_event_id"]
    assert replay["replayed"] is True and first["replayed"] is False
    assert (replay["session_credits_used"], replay["account_credits_available"]) == (20, 80)
    assert rows(engine) == before
    assert stats(client) == totals
    assert len(ledger(engine)) == 1


@pytest.mark.parametrize("other", [{"credits": 21}, {"credits": 20, "note": "different"}])
def test_same_idempotency_key_with_another_body_is_409(client: TestClient, engine: Engine,
                                                       running: dict[str, int], other: dict[str, Any]) -> None:
    first = use(client, running["session"], 20, key="k-1")
    before = rows(engine)
    error = fails(client.post(f"/api/sessions/{running['session']}/usage", json=other,
                              headers={"Idempotency-Key": "k-1"}), 409, "conflict")
    assert error["details"]["credit_event_id"] == first["credit_event_id"]
    assert rows(engine) == before


def test_same_idempotency_key_on_another_session_is_409(client: TestClient, engine: Engine,
                                                        running: dict[str, int]) -> None:
    use(client, running["session"], 20, key="k-2")
    other = start(client, running["project"], new_account(client, "second")["id"])
    before = rows(engine)
    fails(client.post(f"/api/sessions/{other['id']}/usage", json={"credits": 20},
                      headers={"Idempotency-Key": "k-2"}), 409, "conflict")
    assert rows(engine) == before


def test_concurrent_retries_with_one_key_record_once(client: TestClient, engine: Engine,
                                                     running: dict[str, int]) -> None:
    responses = at_once(8, lambda _: client.post(f"/api/sessions/{running['session']}/usage", json={"credits": 3},
                                                 headers={"Idempotency-Key": "burst"}))
    bodies = [ok(response, 201)["data"] for response in responses]
    assert {body["credit_event_id"] for body in bodies} == {bodies[0]["credit_event_id"]}
    assert sorted(body["replayed"] for body in bodies) == [False] + [True] * 7
    assert len(ledger(engine)) == 1
    assert figures(client, running) == (3, 97, 3, 3)


def test_concurrent_usage_loses_no_update(client: TestClient, engine: Engine, running: dict[str, int]) -> None:
    responses = at_once(8, lambda _: client.post(f"/api/sessions/{running['session']}/usage", json={"credits": 3}))
    assert [response.status_code for response in responses] == [201] * 8
    assert figures(client, running) == (24, 76, 24, 24)
    assert len(ledger(engine)) == 8


def test_different_keys_record_twice(client: TestClient, engine: Engine, running: dict[str, int]) -> None:
    use(client, running["session"], 10, key="a")
    use(client, running["session"], 10, key="b")
    assert figures(client, running) == (20, 80, 20, 20)


def test_usage_on_a_completed_session_is_409_and_changes_nothing(client: TestClient, engine: Engine,
                                                                 running: dict[str, int]) -> None:
    complete(client, running["session"])
    before = rows(engine)
    error = fails(client.post(f"/api/sessions/{running['session']}/usage", json={"credits": 5}), 409, "conflict")
    assert error["details"] == {"status": "completed"}
    assert rows(engine) == before


def test_usage_on_an_unknown_session_is_404(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    fails(client.post("/api/sessions/404/usage", json={"credits": 5}), 404, "not_found")
    assert rows(engine) == before


@pytest.mark.parametrize("body", [
    {}, {"credits": 0}, {"credits": -4}, {"credits": 1.5}, {"credits": "5"}, {"credits": 10**30},
    {"credits": None}, {"credits": True}, {"credits": 5, "note": "a\x00b"}, {"credits": 5, "note": "n" * 2001},
    {"credits": 5, "account_id": 1},
], ids=["missing", "zero", "negative", "fraction", "numeric string", "huge", "null", "bool", "NUL in note",
        "note too long", "unknown field"])
def test_usage_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine,
                                                     running: dict[str, int], body: dict[str, Any]) -> None:
    before = rows(engine)
    fails(client.post(f"/api/sessions/{running['session']}/usage", json=body), 422, "invalid_input")
    assert rows(engine) == before


@pytest.mark.parametrize("key", ["", "k" * 201])
def test_usage_refuses_an_empty_or_overlong_idempotency_key(client: TestClient, engine: Engine,
                                                            running: dict[str, int], key: str) -> None:
    before = rows(engine)
    fails(client.post(f"/api/sessions/{running['session']}/usage", json={"credits": 5},
                      headers={"Idempotency-Key": key}), 422, "invalid_input")
    assert rows(engine) == before


def test_ledger_sum_equals_every_reported_total(client: TestClient, engine: Engine) -> None:
    project_id = new_project(client)["id"]
    spent = 0
    for n, amounts in enumerate(([7, 8], [50, 60], [1])):
        account_id = new_account(client, f"acct-{n}", credits_available=100)["id"]
        session_id = start(client, project_id, account_id)["id"]
        for amount in amounts:
            use(client, session_id, amount)
            spent += amount
        complete(client, session_id)
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.sum(CreditEvent.credits))) == spent
    assert ok(client.get(f"/api/projects/{project_id}"))["data"]["total_credits_used"] == spent
    assert stats(client)["total_credits"] == spent == 126
    listed = ok(client.get("/api/sessions", params={"project_id": project_id}))["data"]
    assert sum(item["credits_used"] for item in listed) == spent
