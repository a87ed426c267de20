"""/api/knowledge: search (by usage, then success rate; ``q`` and ``category``) and adding entries."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from paas.store.schema import KnowledgeEntry
from paas.store.unit import transaction
from tests.api.api_helpers import complete, created, fails, new_account, new_project, ok, rows, start


def titles(client: TestClient, **params: Any) -> list[str]:
    return [item["title"] for item in ok(client.get("/api/knowledge", params=params))["data"]]


def add(client: TestClient, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = created(client.post("/api/knowledge", json=fields))["data"]
    return data


def test_demo_entries_are_ordered_by_usage_count_then_success_rate(client: TestClient, demo: None) -> None:
    body = ok(client.get("/api/knowledge"))
    keys = [(item["usage_count"], item["success_rate"]) for item in body["data"]]
    assert keys == sorted(keys, reverse=True)
    assert body["data"][0]["title"] == "Always Build Before Starting Dev Server"
    assert body["pagination"] == {"total": 12, "limit": 100, "offset": 0}


def test_equal_usage_is_ordered_by_success_rate(client: TestClient, engine: Engine) -> None:
    # The API cannot set usage figures, so they are set in the database, as the demo loader does.
    for title, usage, rate in (("Rarely Right", 3, 0.2), ("Often Used", 9, 0.1), ("Always Right", 3, 0.9)):
        entry_id = add(client, category="tip", title=title)["id"]
        with transaction(engine) as session:
            session.execute(update(KnowledgeEntry).where(KnowledgeEntry.id == entry_id)
                            .values(usage_count=usage, success_rate=rate))
    assert titles(client) == ["Often Used", "Always Right", "Rarely Right"]


@pytest.mark.parametrize(("category", "count"), [("pattern", 3), ("error_solution", 3), ("best_practice", 3),
                                                 ("optimization", 2), ("tip", 1)])
def test_category_filters(client: TestClient, demo: None, category: str, count: int) -> None:
    body = ok(client.get("/api/knowledge", params={"category": category}))
    assert {item["category"] for item in body["data"]} == {category}
    assert len(body["data"]) == body["pagination"]["total"] == count


@pytest.mark.parametrize(("q", "expected"), [
    ("hono", ["Hono Route Grouping"]),                                  # title
    ("fuser", ["Port 3000 Already In Use"]),                             # description only
    ("wrangler", ["D1 Migration Not Applied Locally", "Wrangler Authentication Failed"]),  # tags and title
    ("WRANGLER auth", ["Wrangler Authentication Failed"]),              # every word, any case
    ("nothing-like-this", []),
])
def test_q_searches_title_description_and_tags(client: TestClient, demo: None, q: str,
                                               expected: list[str]) -> None:
    assert sorted(titles(client, q=q)) == expected


def test_q_matches_a_tag_only_entry(client: TestClient) -> None:
    add(client, category="tip", title="Plain", tags=["zebra"])
    add(client, category="tip", title="Other")
    assert titles(client, q="zebra") == ["Plain"]


def test_q_and_category_combine(client: TestClient, demo: None) -> None:
    assert titles(client, q="handoff", category="best_practice") == ["Commit Before Handoff"]


@pytest.mark.parametrize(("q", "expected"), [("%", ["Save 50% credits"]), ("_", ["snake_case names"]),
                                             ("50%", ["Save 50% credits"])])
def test_q_treats_like_wildcards_literally(client: TestClient, q: str, expected: list[str]) -> None:
    for title in ("Save 50% credits", "snake_case names", "Plain words"):
        add(client, category="tip", title=title)
    assert titles(client, q=q) == expected


@pytest.mark.parametrize("q", ["über", "ÜBER", "caché"])
def test_q_folds_case_beyond_ascii(client: TestClient, q: str) -> None:
    add(client, category="tip", title="Über Caching", description="Le CACHÉ local")
    add(client, category="tip", title="Plain")
    assert titles(client, q=q) == ["Über Caching"]


def test_titles_differing_only_in_non_ascii_case_are_duplicates(client: TestClient, engine: Engine) -> None:
    add(client, category="tip", title="Über Caching")
    before = rows(engine)
    fails(client.post("/api/knowledge", json={"category": "tip", "title": "über caching"}), 409, "conflict")
    assert rows(engine) == before


def test_q_with_a_nul_character_finds_nothing_instead_of_failing(client: TestClient, demo: None) -> None:
    response = client.get("/api/knowledge", params={"q": "dev\x00server"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert ok(response)["data"] == []
    else:
        fails(response, 422)


@pytest.mark.parametrize("params", [{"category": "trick"}, {"q": "x" * 201}, {"limit": 0}, {"offset": -1}])
def test_search_refuses_bad_query_parameters(client: TestClient, params: dict[str, Any]) -> None:
    fails(client.get("/api/knowledge", params=params), 422, "invalid_input")


def test_add_answers_201_with_id_and_normalised_tags(client: TestClient) -> None:
    body = created(client.post("/api/knowledge", json={
        "category": "pattern", "title": "Retry With Backoff", "description": "Double the wait.",
        "tags": " retry, backoff ,Retry,,"}))
    data = body["data"]
    assert (data["tags"], data["usage_count"], data["success_rate"]) == ("retry,backoff", 0, 1.0)
    assert titles(client, q="backoff") == ["Retry With Backoff"]


def test_add_accepts_tags_as_a_list(client: TestClient) -> None:
    assert add(client, category="tip", title="T", tags=["a", " b ", "A"])["tags"] == "a,b"


def test_add_links_a_source_session(client: TestClient) -> None:
    session_id = start(client, new_project(client)["id"], new_account(client)["id"])["id"]
    complete(client, session_id)
    assert add(client, category="tip", title="Learned", source_session_id=session_id)["source_session_id"] == session_id


def test_add_with_an_unknown_source_session_is_404_and_adds_nothing(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    fails(client.post("/api/knowledge", json={"category": "tip", "title": "Orphan", "source_session_id": 999}),
          404, "not_found")
    assert rows(engine) == before


@pytest.mark.parametrize("title", ["Commit Before Handoff", "commit before handoff", "  Commit Before Handoff "])
def test_same_title_in_the_same_category_is_409(client: TestClient, demo: None, engine: Engine, title: str) -> None:
    before = rows(engine)
    error = fails(client.post("/api/knowledge", json={"category": "best_practice", "title": title}), 409, "conflict")
    assert error["details"]["field"] == "title"
    assert rows(engine) == before


def test_same_title_in_another_category_is_allowed(client: TestClient, demo: None) -> None:
    assert add(client, category="tip", title="Commit Before Handoff")["category"] == "tip"


@pytest.mark.parametrize("body", [
    {"title": "No category"}, {"category": "tip"}, {"category": "trick", "title": "x"},
    {"category": "tip", "title": ""}, {"category": "tip", "title": 5}, {"category": "tip", "title": "a\x00"},
    {"category": "tip", "title": "x", "tags": [1, 2]}, {"category": "tip", "title": "x", "tags": ["a\x00"]},
    {"category": "tip", "title": "x", "source_session_id": "1"}, {"category": "tip", "title": "x", "usage_count": 9},
    {"category": "tip", "title": "x", "success_rate": 0.5},
], ids=["missing category", "missing title", "category enum", "title empty", "title number", "NUL in title",
        "tags numbers", "NUL in tag", "session id string", "usage_count not settable", "success_rate not settable"])
def test_add_refuses_bad_input_and_adds_nothing(client: TestClient, engine: Engine, body: dict[str, Any]) -> None:
    before = rows(engine)
    fails(client.post("/api/knowledge", json=body), 422, "invalid_input")
    assert rows(engine) == before
