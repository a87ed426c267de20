"""Tokens scoped to projects: the role × scope × route matrix, and the rule's edges.

Two projects, A and B, each with sessions, usage, a briefing, a knowledge entry its session taught
and an alert. Every route of ``API_ROUTES`` has a rule in ``SCOPE_RULES`` (a new route without one
fails ``test_every_route_has_a_scope_rule``):

- ``object``: the route names one project's object. A token scoped to A gets 404 (the words a
  missing record gets) for B's and changes nothing; it works on A's as an unscoped token does.
- ``listing``: the answer holds only A's rows for the scoped token, both projects' for an unscoped one.
- ``pool``: the shared account pool: the same answer for both.
- ``unscoped_only``: the pool's writes and the service's own settings, and figures over every
  project: 403 to a scoped token, nothing changed.
A role below the route's is 403 whatever the scope (the role is checked first, so a viewer's 403
tells it nothing about B).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.core.errors import NotFound
from paas.services import knowledge, projects, tokens
from paas.services.scopes import Scope
from paas.store.schema import Alert
from paas.store.unit import transaction
from tests.api.api_helpers import API_ROUTES, bearer, created, fails, new_account, new_project, ok, rows, start, use

ROLES = ("viewer", "operator", "admin")
RANK = {role: index for index, role in enumerate(ROLES)}
CONTEXT = "user: fix the login bug\nassistant: fixed it in auth.py; the tests pass now.\n"


@dataclass
class World:
    project: dict[str, int] = field(default_factory=dict)
    session: dict[str, int] = field(default_factory=dict)  # in progress, with usage
    spare_session: dict[str, int] = field(default_factory=dict)  # completed, no usage: deletable
    account: dict[str, int] = field(default_factory=dict)  # the in-progress session's account
    free_account: dict[str, int] = field(default_factory=dict)
    snapshot: dict[str, int] = field(default_factory=dict)
    alert: dict[str, int] = field(default_factory=dict)
    knowledge_project: dict[int | None, str] = field(default_factory=dict)  # source session -> project
    spare_account: int = 0
    webhook: int = 0

    def letter(self, project_id: int | None) -> str:
        return next((name for name, pid in self.project.items() if pid == project_id), "pool")


def build_world(client: TestClient, engine: Engine, clock: Any) -> World:
    world = World()
    for name in ("A", "B"):
        world.project[name] = new_project(client, f"Project {name}")["id"]
    for name in ("A", "B"):
        world.account[name] = new_account(client, f"acct-{name}")["id"]
        world.free_account[name] = new_account(client, f"free-{name}")["id"]
    world.spare_account = new_account(client, "spare")["id"]
    for name in ("A", "B"):
        spare = start(client, world.project[name], world.free_account[name])["id"]
        ok(client.post(f"/api/sessions/{spare}/complete", json={}))
        world.spare_session[name] = spare
        world.session[name] = start(client, world.project[name], world.account[name])["id"]
        use(client, world.session[name], 5)
        answer = ok(client.post("/api/handoff/compress", json={"project_id": world.project[name],
                                                               "context": CONTEXT}))
        world.snapshot[name] = answer["data"]["snapshot_id"]
        created(client.post("/api/knowledge", json={"category": "tip", "title": f"Taught by {name}",
                                                    "source_session_id": world.session[name]}))
        world.knowledge_project[world.session[name]] = name
    created(client.post("/api/knowledge", json={"category": "tip", "title": "Shared"}))
    world.knowledge_project[None] = "pool"
    world.webhook = created(client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/hook"}))["id"]
    with transaction(engine) as session:
        for name, project_id in (("A", world.project["A"]), ("B", world.project["B"]), ("pool", None)):
            alert = Alert(rule="test", key=f"test:{name}", message=f"about {name}", project_id=project_id,
                          raised_at=clock(), last_seen_at=clock())
            session.add(alert)
            session.flush()
            world.alert[name] = alert.id
    return world


def placeholder_world(engine: Engine) -> World:
    """Ids only (A's are 1, B's 2), and two real projects for a scoped token to name."""
    with transaction(engine) as session:
        for name in ("A", "B"):
            projects.create_project(session, name=f"Project {name}")
    ids = {"A": 1, "B": 2}
    return World(project=dict(ids), session=dict(ids), spare_session=dict(ids), account=dict(ids),
                 free_account=dict(ids), snapshot=dict(ids), alert=dict(ids), spare_account=3, webhook=1)


Request = Callable[[World, str], tuple[str, dict[str, Any] | None]]
Seen = Callable[[dict[str, Any], World], set[str]]


@dataclass(frozen=True)
class Rule:
    kind: str  # object | listing | pool | unscoped_only
    role: str  # the least role the route needs
    request: Request  # (url, body) aimed at project A's or B's object
    ok: int = 200  # what an allowed caller gets on a visible object
    seen: Seen | None = None  # listing: the projects whose rows the answer holds


def fixed(url: str, body: dict[str, Any] | None = None) -> Request:
    return lambda world, target: (url, body)


def items(key: str) -> Seen:
    return lambda answer, world: {world.letter(item[key]) for item in answer["data"]}


IMPORTED = next(body for method, path, body in API_ROUTES if path == "/api/private/import-project") or {}

SCOPE_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/stats"): Rule("unscoped_only", "viewer", fixed("/api/stats")),
    ("GET", "/api/forecast"): Rule("listing", "viewer", fixed("/api/forecast"), seen=lambda answer, world: {
        world.letter(item["project_id"]) for item in answer["data"]["sessions"]}),
    ("GET", "/api/projects"): Rule("listing", "viewer", fixed("/api/projects"), seen=items("id")),
    ("POST", "/api/projects"): Rule("unscoped_only", "operator", fixed("/api/projects", {"name": "New"}), ok=201),
    ("GET", "/api/projects/1"): Rule("object", "viewer", lambda w, t: (f"/api/projects/{w.project[t]}", None)),
    ("PATCH", "/api/projects/1"): Rule("object", "operator", lambda w, t: (
        f"/api/projects/{w.project[t]}", {"description": "d"})),
    # Both projects have sessions, so deleting a visible one is a 409: still not the 404 of B's.
    ("DELETE", "/api/projects/1"): Rule("object", "admin", lambda w, t: (f"/api/projects/{w.project[t]}", None),
                                        ok=409),
    ("GET", "/api/accounts"): Rule("pool", "viewer", fixed("/api/accounts")),
    ("POST", "/api/accounts"): Rule("unscoped_only", "admin", fixed("/api/accounts", {"account_name": "new"}),
                                    ok=201),
    ("GET", "/api/accounts/1"): Rule("pool", "viewer", lambda w, t: (f"/api/accounts/{w.account['B']}", None)),
    ("PATCH", "/api/accounts/1"): Rule("unscoped_only", "admin", lambda w, t: (
        f"/api/accounts/{w.spare_account}", {"notes": "n"})),
    ("DELETE", "/api/accounts/1"): Rule("unscoped_only", "admin", lambda w, t: (
        f"/api/accounts/{w.spare_account}", None)),
    ("GET", "/api/sessions"): Rule("listing", "viewer", fixed("/api/sessions"), seen=items("project_id")),
    ("POST", "/api/sessions"): Rule("object", "operator", lambda w, t: (
        "/api/sessions", {"project_id": w.project[t], "account_id": w.free_account[t]}), ok=201),
    ("GET", "/api/sessions/1"): Rule("object", "viewer", lambda w, t: (f"/api/sessions/{w.session[t]}", None)),
    ("PATCH", "/api/sessions/1"): Rule("object", "operator", lambda w, t: (
        f"/api/sessions/{w.session[t]}", {"blockers": "b"})),
    ("DELETE", "/api/sessions/1"): Rule("object", "operator", lambda w, t: (
        f"/api/sessions/{w.spare_session[t]}", None)),
    ("POST", "/api/sessions/1/usage"): Rule("object", "operator", lambda w, t: (
        f"/api/sessions/{w.session[t]}/usage", {"credits": 1}), ok=201),
    ("POST", "/api/sessions/1/complete"): Rule("object", "operator", lambda w, t: (
        f"/api/sessions/{w.session[t]}/complete", {})),
    ("POST", "/api/handoff/compress"): Rule("object", "operator", lambda w, t: (
        "/api/handoff/compress", {"project_id": w.project[t], "context": CONTEXT})),
    ("GET", "/api/projects/1/briefings"): Rule("object", "viewer", lambda w, t: (
        f"/api/projects/{w.project[t]}/briefings", None)),
    ("GET", "/api/briefings/1"): Rule("object", "viewer", lambda w, t: (f"/api/briefings/{w.snapshot[t]}", None)),
    ("GET", "/api/knowledge"): Rule("listing", "viewer", fixed("/api/knowledge"), seen=lambda answer, world: {
        world.knowledge_project[item["source_session_id"]] for item in answer["data"]}),
    ("POST", "/api/knowledge"): Rule("object", "operator", lambda w, t: (
        "/api/knowledge", {"category": "tip", "title": f"New from {t}", "source_session_id": w.session[t]}),
        ok=201),
    ("POST", "/api/accounts/1/report-limit"): Rule("pool", "operator", lambda w, t: (
        f"/api/accounts/{w.spare_account}/report-limit", {"reason": "throttled"})),
    ("POST", "/api/private/select-best-account"): Rule("object", "viewer", lambda w, t: (
        "/api/private/select-best-account", {"min_credits": 1, "project_id": w.project[t]})),
    ("POST", "/api/private/auto-rotate"): Rule("object", "operator", lambda w, t: (
        "/api/private/auto-rotate", {"current_account_id": w.account[t], "project_id": w.project[t]})),
    ("POST", "/api/private/batch-create-accounts"): Rule("unscoped_only", "admin", fixed(
        "/api/private/batch-create-accounts", {"accounts": [{"account_name": "batch"}]}), ok=201),
    ("POST", "/api/private/smart-compress"): Rule("object", "operator", lambda w, t: (
        "/api/private/smart-compress", {"project_id": w.project[t], "context": CONTEXT})),
    ("POST", "/api/private/analyze-credits"): Rule("object", "viewer", lambda w, t: (
        "/api/private/analyze-credits", {"days": 30, "project_id": w.project[t]})),
    ("POST", "/api/private/export-project"): Rule("object", "operator", lambda w, t: (
        "/api/private/export-project", {"project_id": w.project[t]})),
    ("POST", "/api/private/import-project"): Rule("unscoped_only", "admin", fixed(
        "/api/private/import-project", dict(IMPORTED))),
    ("POST", "/api/estimate"): Rule("object", "viewer", lambda w, t: (
        "/api/estimate", {"text": "fix the login bug", "project_id": w.project[t]})),
    ("GET", "/api/alerts"): Rule("listing", "viewer", fixed("/api/alerts"), seen=items("project_id")),
    ("POST", "/api/alerts/1/acknowledge"): Rule("object", "operator", lambda w, t: (
        f"/api/alerts/{w.alert[t]}/acknowledge", None)),
    ("GET", "/api/webhooks"): Rule("unscoped_only", "viewer", fixed("/api/webhooks")),
    ("POST", "/api/webhooks"): Rule("unscoped_only", "admin", fixed("/api/webhooks", {"url": "http://127.0.0.1:9/h"}),
                                    ok=201),
    ("GET", "/api/webhooks/deliveries"): Rule("unscoped_only", "viewer", fixed("/api/webhooks/deliveries")),
    ("DELETE", "/api/webhooks/1"): Rule("unscoped_only", "admin", lambda w, t: (f"/api/webhooks/{w.webhook}", None)),
}
ROUTE_KEYS = [(method, path) for method, path, _ in API_ROUTES]


def issue(engine: Engine, clock: Any, role: str, projects: list[int] | None = None) -> str:
    with transaction(engine) as session:
        return tokens.create_token(session, role=role, name=f"scoped {role}", now=clock(), projects=projects).token


def test_every_route_has_a_scope_rule() -> None:
    assert sorted(set(ROUTE_KEYS) - set(SCOPE_RULES)) == [], "add the new route's rule to SCOPE_RULES"
    assert sorted(set(SCOPE_RULES) - set(ROUTE_KEYS)) == [], "a rule for a route API_ROUTES no longer lists"


@pytest.mark.parametrize("scoped", [False, True], ids=["unscoped", "scoped-to-A"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), [key for key in ROUTE_KEYS if key in SCOPE_RULES],
                         ids=[f"{method} {path}" for method, path in ROUTE_KEYS if (method, path) in SCOPE_RULES])
def test_a_scoped_token_never_reaches_another_projects_data(client: TestClient, engine: Engine, clock: Any,
                                                            method: str, path: str, role: str, scoped: bool) -> None:
    rule = SCOPE_RULES[(method, path)]
    allowed = RANK[role] >= RANK[rule.role]
    # The role is checked before anything is looked up: below the route's role, the answer is 403 for
    # every target whatever the scope, so the world need not be built (ids 1 and 2 name nothing).
    world = build_world(client, engine, clock) if allowed else placeholder_world(engine)
    token = issue(engine, clock, role, [world.project["A"]] if scoped else None)

    def call(target: str) -> Any:
        url, body = rule.request(world, target)
        return client.request(method, url, json=body, headers=bearer(token))

    if rule.kind == "object":
        before = rows(engine)
        other = call("B")
        if not allowed:
            fails(other, 403, "forbidden")
        elif scoped:
            fails(other, 404, "not_found")
            assert rows(engine) == before
        else:
            assert other.status_code == rule.ok, other.text
        own = call("A")
        assert own.status_code == (rule.ok if allowed else 403), own.text
    elif rule.kind == "listing":
        assert rule.seen is not None
        seen = rule.seen(ok(call("A")), world)
        assert "A" in seen
        assert ("B" in seen) is not scoped, seen
    elif rule.kind == "pool":
        answer = call("A")
        assert answer.status_code == (rule.ok if allowed else 403), answer.text
    else:
        assert rule.kind == "unscoped_only", rule
        before = rows(engine)
        answer = call("A")
        if not allowed or scoped:
            fails(answer, 403, "forbidden")
            assert rows(engine) == before
        else:
            assert answer.status_code == rule.ok, answer.text


def test_another_projects_object_is_answered_as_a_missing_one(client: TestClient, engine: Engine,
                                                              clock: Any) -> None:
    world = build_world(client, engine, clock)
    token = issue(engine, clock, "admin", [world.project["A"]])
    hidden, missing = world.project["B"], 999
    for template in ("/api/projects/{}", "/api/projects/{}/briefings"):
        seen = fails(client.get(template.format(hidden), headers=bearer(token)), 404)
        absent = fails(client.get(template.format(missing)), 404)
        assert seen["message"] == absent["message"].replace(str(missing), str(hidden))
        assert seen["details"] == {**absent["details"], "id": hidden}
    seen = fails(client.get(f"/api/sessions/{world.session['B']}", headers=bearer(token)), 404)
    assert seen["message"] == f"session {world.session['B']} does not exist"


def test_a_scoped_token_lists_only_its_projects_rows_and_totals(client: TestClient, engine: Engine,
                                                                clock: Any) -> None:
    world = build_world(client, engine, clock)
    token = issue(engine, clock, "viewer", [world.project["A"]])
    projects = ok(client.get("/api/projects", headers=bearer(token)))
    assert [item["id"] for item in projects["data"]] == [world.project["A"]]
    assert projects["pagination"]["total"] == 1
    sessions = ok(client.get("/api/sessions", headers=bearer(token)))
    assert {item["project_id"] for item in sessions["data"]} == {world.project["A"]}
    assert sessions["pagination"]["total"] == 2
    other = ok(client.get(f"/api/sessions?project_id={world.project['B']}", headers=bearer(token)))
    missing = ok(client.get("/api/sessions?project_id=999", headers=bearer(token)))
    assert other["data"] == missing["data"] == [] and other["pagination"] == missing["pagination"]


def test_a_token_whose_projects_are_deleted_sees_nothing(client: TestClient, engine: Engine, clock: Any) -> None:
    build_world(client, engine, clock)
    gone = new_project(client, "Short-lived")["id"]
    token = issue(engine, clock, "viewer", [gone])
    assert [item["id"] for item in ok(client.get("/api/projects", headers=bearer(token)))["data"]] == [gone]
    ok(client.delete(f"/api/projects/{gone}"))
    assert ok(client.get("/api/projects", headers=bearer(token)))["data"] == []
    assert ok(client.get("/api/sessions", headers=bearer(token)))["data"] == []
    assert ok(client.get("/api/forecast", headers=bearer(token)))["data"]["sessions"] == []
    fails(client.get("/api/stats", headers=bearer(token)), 403, "forbidden")


def test_analytics_over_every_project_is_refused_to_a_scoped_token(client: TestClient, engine: Engine,
                                                                   clock: Any) -> None:
    world = build_world(client, engine, clock)
    token = issue(engine, clock, "viewer", [world.project["A"]])
    fails(client.post("/api/private/analyze-credits", json={"days": 30}, headers=bearer(token)), 403, "forbidden")
    ok(client.post("/api/private/analyze-credits", json={"days": 30}))


def test_an_estimate_for_a_scoped_token_reads_only_its_projects_history(client: TestClient, engine: Engine,
                                                                        clock: Any) -> None:
    world = build_world(client, engine, clock)
    for name in ("A", "B"):
        ok(client.post(f"/api/sessions/{world.session[name]}/complete", json={"accomplishments": "fixed login"}))
    token = issue(engine, clock, "viewer", [world.project["A"]])
    everyone = ok(client.post("/api/estimate", json={"text": "fix the login bug"}))["data"]
    mine = ok(client.post("/api/estimate", json={"text": "fix the login bug"}, headers=bearer(token)))["data"]
    assert (everyone["sessions_considered"], mine["sessions_considered"]) == (2, 1)
    assert world.session["B"] not in {item["session_id"] for item in mine["neighbours"]}


def test_a_scoped_token_cannot_name_a_missing_project(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session, pytest.raises(NotFound):
        tokens.create_token(session, role="viewer", name="x", now=clock(), projects=[42])


def test_tokens_list_their_scope(client: TestClient, engine: Engine, clock: Any) -> None:
    world = build_world(client, engine, clock)
    issue(engine, clock, "operator", [world.project["B"], world.project["A"]])
    with transaction(engine, write=False) as session:
        listed = {item.name: item for item in tokens.list_tokens(session)}
    assert listed["scoped operator"].project_ids == [world.project["A"], world.project["B"]]
    assert listed["scoped operator"].projects == ["Project A", "Project B"]
    assert listed["test admin"].project_ids is None


def test_a_scoped_caller_cannot_edit_knowledge_another_project_taught(client: TestClient, engine: Engine,
                                                                      clock: Any) -> None:
    world = build_world(client, engine, clock)
    scope = Scope(frozenset({world.project["A"]}))
    with transaction(engine, write=False) as session:
        entries = {entry.title: entry.id for entry in knowledge.search_knowledge(session).items}
    before = rows(engine)
    with transaction(engine) as session, pytest.raises(NotFound, match=r"knowledge entry \d+ does not exist"):
        knowledge.update_knowledge(session, entries["Taught by B"], category="tip", title="Mine now", scope=scope)
    assert rows(engine) == before
    with transaction(engine) as session:
        edited = knowledge.update_knowledge(session, entries["Taught by A"], category="tip", title="Taught by A!",
                                            scope=scope)
        shared = knowledge.update_knowledge(session, entries["Shared"], category="tip", title="Shared!", scope=scope)
    assert (edited.title, shared.title) == ("Taught by A!", "Shared!")
