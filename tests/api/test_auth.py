"""Bearer tokens and roles on /api, the open /healthz, and the one-time login link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.services import tokens
from paas.store.unit import transaction
from tests.api.api_helpers import (
    API_ROUTES,
    WRITE_ROUTES,
    bearer,
    created,
    fails,
    new_account,
    new_project,
    ok,
    rows,
    start,
)

MakeToken = Callable[[str], str]
GET_ROUTES = [path for method, path, _ in API_ROUTES if method == "GET"]


def issue(engine: Engine, clock: Any, role: str = "admin", **options: Any) -> tokens.IssuedToken:
    with transaction(engine) as session:
        return tokens.create_token(session, role=role, name=f"test {role}", now=clock(), **options)


def login_code(engine: Engine, clock: Any, role: str = "admin") -> str:
    return issue(engine, clock, role, single_use=True, valid_for=timedelta(minutes=15)).token


def assert_unauthorized(response: Any) -> None:
    fails(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES, ids=[f"{m} {p}" for m, p, _ in API_ROUTES])
def test_every_api_route_needs_a_token(anonymous: TestClient, demo: None, engine: Engine, method: str, path: str,
                                       body: dict[str, Any] | None) -> None:
    before = rows(engine)
    assert_unauthorized(anonymous.request(method, path, json=body))
    assert rows(engine) == before


@pytest.mark.parametrize("header", [b"Bearer paas_not-a-real-token", b"Bearer ", b"Basic dXNlcjpwdw==", b"paas_x",
                                    "Bearer paas_\u00e9t\u00e9".encode()])
def test_unknown_or_malformed_credentials_are_401(anonymous: TestClient, header: bytes) -> None:
    assert_unauthorized(anonymous.get("/api/stats", headers={b"Authorization": header}))


def test_a_revoked_token_is_401(anonymous: TestClient, engine: Engine, clock: Any) -> None:
    issued = issue(engine, clock)
    ok(anonymous.get("/api/stats", headers=bearer(issued.token)))
    with transaction(engine) as session:
        tokens.revoke_token(session, issued.record.id, now=clock())
    assert_unauthorized(anonymous.get("/api/stats", headers=bearer(issued.token)))


def test_an_expired_token_is_401(anonymous: TestClient, engine: Engine, clock: Any) -> None:
    issued = issue(engine, clock, valid_for=timedelta(hours=1))
    clock.now += timedelta(minutes=59)
    ok(anonymous.get("/api/stats", headers=bearer(issued.token)))
    clock.now += timedelta(minutes=1)
    assert_unauthorized(anonymous.get("/api/stats", headers=bearer(issued.token)))


def test_the_bearer_scheme_is_case_insensitive(anonymous: TestClient, make_token: MakeToken) -> None:
    ok(anonymous.get("/api/stats", headers={"Authorization": f"bearer {make_token('viewer')}"}))


def test_authentication_comes_before_body_validation(anonymous: TestClient) -> None:
    # An anonymous caller learns nothing about the schema from a bad body.
    assert_unauthorized(anonymous.post("/api/projects", json={"nonsense": True}))


@pytest.mark.parametrize("path", GET_ROUTES)
def test_a_viewer_can_read_everything(client: TestClient, demo: None, make_token: MakeToken, path: str) -> None:
    ok(client.get(path, headers=bearer(make_token("viewer"))))


@pytest.mark.parametrize(("method", "path", "body"), WRITE_ROUTES, ids=[f"{m} {p}" for m, p, _ in WRITE_ROUTES])
def test_a_viewer_cannot_write_anything(client: TestClient, demo: None, engine: Engine, make_token: MakeToken,
                                        method: str, path: str, body: dict[str, Any] | None) -> None:
    before = rows(engine)
    error = fails(client.request(method, path, json=body, headers=bearer(make_token("viewer"))), 403, "forbidden")
    assert error["details"]["role"] == "viewer"
    assert rows(engine) == before


def test_an_operator_runs_the_work(client: TestClient, make_token: MakeToken) -> None:
    account_id = new_account(client)["id"]
    operator = bearer(make_token("operator"))
    project_id = created(client.post("/api/projects", json={"name": "Ops"}, headers=operator))["id"]
    session_id = created(client.post("/api/sessions", json={"project_id": project_id, "account_id": account_id},
                                     headers=operator))["id"]
    ok(client.post(f"/api/sessions/{session_id}/usage", json={"credits": 5}, headers=operator), 201)
    ok(client.post("/api/handoff/compress", json={"project_id": project_id, "context": "x"}, headers=operator))
    ok(client.post(f"/api/sessions/{session_id}/complete", json={}, headers=operator))
    created(client.post("/api/knowledge", json={"category": "tip", "title": "T"}, headers=operator))
    ok(client.patch(f"/api/projects/{project_id}", json={"status": "paused"}, headers=operator))


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/accounts", {"account_name": "New"}),
    ("PATCH", "/api/accounts/1", {"quota": 1000}),
    ("POST", "/api/private/batch-create-accounts", {"accounts": [{"account_name": "Other"}]}),
    ("DELETE", "/api/accounts/1", None),
    ("DELETE", "/api/projects/1", None),
])
def test_an_operator_cannot_manage_accounts_or_delete_projects(client: TestClient, engine: Engine,
                                                               make_token: MakeToken, method: str, path: str,
                                                               body: dict[str, Any] | None) -> None:
    new_project(client)
    new_account(client)
    before = rows(engine)
    error = fails(client.request(method, path, json=body, headers=bearer(make_token("operator"))), 403, "forbidden")
    assert error["details"] == {"required": "admin", "role": "operator"}
    assert rows(engine) == before


def test_an_admin_can_do_everything(client: TestClient) -> None:
    project_id = new_project(client)["id"]
    account_id = new_account(client)["id"]
    session_id = start(client, project_id, account_id)["id"]
    ok(client.patch(f"/api/accounts/{account_id}", json={"notes": "admin was here"}))
    ok(client.delete(f"/api/sessions/{session_id}"))
    ok(client.delete(f"/api/accounts/{account_id}"))
    ok(client.delete(f"/api/projects/{project_id}"))


def test_healthz_needs_no_token(anonymous: TestClient, engine: Engine) -> None:
    body = anonymous.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == engine.dialect.name and body["version"]


def test_login_link_sets_an_httponly_cookie_that_authenticates(anonymous: TestClient, engine: Engine,
                                                              clock: Any) -> None:
    code = login_code(engine, clock)
    response = anonymous.get("/login", params={"code": code}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("paas_token=") and "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert code not in cookie
    ok(anonymous.get("/api/stats"))
    ok(anonymous.get("/api/projects"))


def test_a_login_code_works_only_once(anonymous: TestClient, engine: Engine, clock: Any) -> None:
    code = login_code(engine, clock)
    assert anonymous.get("/login", params={"code": code}, follow_redirects=False).status_code == 303
    anonymous.cookies.clear()
    assert_unauthorized(anonymous.get("/login", params={"code": code}, follow_redirects=False))
    assert_unauthorized(anonymous.get("/api/stats"))


def test_a_login_code_is_not_a_bearer_token(anonymous: TestClient, engine: Engine, clock: Any) -> None:
    code = login_code(engine, clock)
    assert_unauthorized(anonymous.get("/api/stats", headers=bearer(code)))
    assert_unauthorized(anonymous.get("/api/stats", headers={"Cookie": f"paas_token={code}"}))
    # ...and trying does not spend it.
    assert anonymous.get("/login", params={"code": code}, follow_redirects=False).status_code == 303


def test_an_expired_login_code_is_401(anonymous: TestClient, engine: Engine, clock: Any) -> None:
    code = login_code(engine, clock)
    clock.now += timedelta(minutes=15)
    assert_unauthorized(anonymous.get("/login", params={"code": code}, follow_redirects=False))


def test_a_regular_token_is_not_a_login_code(anonymous: TestClient, make_token: MakeToken) -> None:
    token = make_token("admin")
    assert_unauthorized(anonymous.get("/login", params={"code": token}, follow_redirects=False))
    ok(anonymous.get("/api/stats", headers=bearer(token)))


@pytest.mark.parametrize("params", [{}, {"code": "short"}, {"code": "x" * 201}])
def test_login_without_a_proper_code_is_422(anonymous: TestClient, params: dict[str, str]) -> None:
    fails(anonymous.get("/login", params=params, follow_redirects=False), 422, "invalid_input")


def test_the_browser_token_expires_after_the_configured_days(anonymous: TestClient, engine: Engine,
                                                            clock: Any) -> None:
    anonymous.get("/login", params={"code": login_code(engine, clock)}, follow_redirects=False)
    clock.now += timedelta(days=29)
    ok(anonymous.get("/api/stats"))
    clock.now += timedelta(days=1)
    assert_unauthorized(anonymous.get("/api/stats"))


def test_the_cookie_keeps_the_role_of_the_login_code(anonymous: TestClient, engine: Engine, clock: Any) -> None:
    anonymous.get("/login", params={"code": login_code(engine, clock, "viewer")}, follow_redirects=False)
    ok(anonymous.get("/api/stats"))
    fails(anonymous.post("/api/projects", json={"name": "No"}), 403, "forbidden")


def test_a_write_signed_in_by_the_cookie_alone_needs_the_csrf_header(anonymous: TestClient, engine: Engine,
                                                                    clock: Any) -> None:
    from paas.services.tokens import csrf_for

    anonymous.get("/login", params={"code": login_code(engine, clock)}, follow_redirects=False)
    cookie = anonymous.cookies.get("paas_token")
    assert cookie
    fails(anonymous.post("/api/projects", json={"name": "Forged"}), 403, "forbidden")
    fails(anonymous.post("/api/projects", json={"name": "Forged"}, headers={"X-CSRF-Token": "0" * 64}), 403,
          "forbidden")
    ok(anonymous.get("/api/projects"))  # reads need no CSRF token
    assert "Forged" not in anonymous.get("/api/projects").text  # the refused writes changed nothing
    created = anonymous.post("/api/projects", json={"name": "Mine"}, headers={"X-CSRF-Token": csrf_for(cookie)})
    assert created.status_code == 201, created.text
