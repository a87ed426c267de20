"""The Knowledge page: search by words and category, add and edit (operators only, CSRF checked, the
service's rules), stored markup shown as text; in a browser, add an entry then find it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from paas.services import knowledge
from paas.store.unit import transaction
from tests.api.api_helpers import rows
from tests.web.conftest import LiveServer, MakePage, WebClient, shoot

CANARY = '<script>alert(1)</script><img src=x onerror=alert(2)>'
HTMX = {"HX-Request": "true"}


def entry(engine: Engine, title: str, category: str = "tip", **fields: str) -> int:
    with transaction(engine) as session:
        return knowledge.add_knowledge(session, category=category, title=title, **fields).id


def test_search_by_words_and_category(web_client: Callable[[str], WebClient], engine: Engine) -> None:
    entry(engine, "Retry flaky migrations", description="run alembic twice", tags="db")
    entry(engine, "Cache the lockfile", category="optimization", tags="ci")
    viewer = web_client("viewer").http
    page = viewer.get("/knowledge", params={"query": "alembic"})
    assert page.status_code == 200 and "Retry flaky migrations" in page.text and "Cache the lockfile" not in page.text
    by_kind = viewer.get("/knowledge", params={"category": "optimization"}).text
    assert "Cache the lockfile" in by_kind and "Retry flaky migrations" not in by_kind
    assert "1 entry found" in by_kind
    refused = viewer.get("/knowledge", params={"category": "nonsense"})
    assert refused.status_code == 422 and "category" in refused.text


def test_a_viewer_sees_no_write_controls_and_cannot_add_or_edit(web_client: Callable[[str], WebClient],
                                                                engine: Engine) -> None:
    entry_id = entry(engine, "Keep")
    viewer = web_client("viewer")
    page = viewer.http.get("/knowledge").text
    assert 'id="knowledge-form"' not in page and ">Edit<" not in page and f'action="/knowledge/{entry_id}"' not in page
    before = rows(engine)
    assert viewer.http.post("/knowledge", data={"csrf_token": viewer.csrf, "category": "tip",
                                                "title": "New"}).status_code == 403
    assert viewer.http.post(f"/knowledge/{entry_id}", data={"csrf_token": viewer.csrf, "category": "tip",
                                                             "title": "Changed"}).status_code == 403
    assert rows(engine) == before


def test_a_write_without_the_csrf_token_is_refused(web_client: Callable[[str], WebClient], engine: Engine) -> None:
    entry_id = entry(engine, "Keep")
    operator = web_client("operator")
    before = rows(engine)
    assert operator.http.post("/knowledge", data={"category": "tip", "title": "New"}).status_code == 403
    assert operator.http.post(f"/knowledge/{entry_id}", data={"category": "tip", "title": "X",
                                                               "csrf_token": "forged"}).status_code == 403
    assert rows(engine) == before


def test_an_operator_adds_and_edits_and_the_service_rules_answer_422(web_client: Callable[[str], WebClient],
                                                                     engine: Engine) -> None:
    operator = web_client("operator")
    added = operator.http.post("/knowledge", headers=HTMX, data={
        "csrf_token": operator.csrf, "category": "tip", "title": "Pin the node version", "tags": "ci, CI ,node"})
    assert added.status_code == 200 and "Added “Pin the node version”" in added.text
    found = operator.http.get("/knowledge", params={"query": "pin node"}).text
    assert "Pin the node version" in found and "ci,node" in found
    again = operator.http.post("/knowledge", headers=HTMX, data={
        "csrf_token": operator.csrf, "category": "tip", "title": "pin the NODE version"})
    assert again.status_code == 422 and "already exists" in again.text
    entry_id = entry(engine, "Other")
    edited = operator.http.post(f"/knowledge/{entry_id}", headers=HTMX, data={
        "csrf_token": operator.csrf, "category": "best_practice", "title": "Renamed", "description": "why"})
    assert edited.status_code == 200 and "Saved." in edited.text and 'hx-swap-oob="outerHTML"' in edited.text
    clash = operator.http.post(f"/knowledge/{entry_id}", headers=HTMX, data={
        "csrf_token": operator.csrf, "category": "tip", "title": "Pin the node version"})
    assert clash.status_code == 422 and "already exists" in clash.text
    assert operator.http.post("/knowledge/999", headers=HTMX, data={
        "csrf_token": operator.csrf, "category": "tip", "title": "X"}).status_code == 404
    with transaction(engine, write=False) as session:
        stored = knowledge.search_knowledge(session, query="renamed").items
    assert [(item.category.value, item.description) for item in stored] == [("best_practice", "why")]


def test_stored_markup_renders_as_text(web_client: Callable[[str], WebClient], engine: Engine) -> None:
    entry(engine, f"Title {CANARY}", description=f"Body {CANARY}", tags=CANARY)
    page = web_client("operator").http.get("/knowledge").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page


def test_add_then_search_in_a_browser(new_page: MakePage, live_server: LiveServer) -> None:
    page = new_page("operator")
    page.goto(f"{live_server.url}/knowledge")
    page.select_option("#knowledge-new-category", "error_solution")
    page.fill("#knowledge-new-title", "Port 5432 already in use")
    page.fill("#knowledge-new-description", f"Stop the old container {CANARY}")
    page.fill("#knowledge-new-tags", "postgres, docker")
    page.click("#knowledge-form button[type=submit]")
    page.locator("#knowledge-created").wait_for()
    page.fill("#knowledge-query", "5432 container")
    page.click("#knowledge-search button[type=submit]")
    page.wait_for_url("**/knowledge?query=5432+container*")
    item = page.locator(".knowledge-entry").first
    assert "Port 5432 already in use" in item.locator(".entry-title").inner_text()
    assert CANARY in item.locator(".entry-description").inner_text()  # shown as text, never run
    assert page.locator("#knowledge-count").inner_text().startswith("1 entry found")
    shoot(page, "knowledge")
    assert page.outside == []  # type: ignore[attr-defined]
