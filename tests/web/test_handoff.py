"""The Handoff page: a briefing from a pasted or uploaded transcript beside its figures, and
"Rotate now" for a project with a session in progress; operators only, CSRF checked, refusals
said in place (422), stored text escaped."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.services import projects, sessions
from paas.services.accounts import create_account
from paas.store.unit import transaction
from tests.api.api_helpers import rows
from tests.web.conftest import LiveServer, MakePage, WebClient, shoot
from tests.web.test_projects import CANARY, HTMX, make_project, working_project

TRANSCRIPT = "\n\n".join(f"User: step {n}: edit src/module_{n}.py and run pytest\n\nAssistant: edited "
                         f"src/module_{n}.py; 3 passed" for n in range(300)) + "\n\nUser: next, add the login page"


def stat(html: str, name: str) -> int:
    found = re.search(rf'data-stat="{name}">([\d,]+)<', html)
    assert found is not None, html
    return int(found.group(1).replace(",", ""))


def compress(user: WebClient, **fields: Any) -> Any:
    return user.http.post("/handoff/compress", data={"csrf_token": user.csrf, **fields}, headers=HTMX)


def test_a_viewer_sees_no_forms_and_cannot_compress_or_rotate(web_client: Callable[[str], WebClient],
                                                              engine: Engine, clock: Any) -> None:
    ids = working_project(engine, clock())
    viewer = web_client("viewer")
    page = viewer.http.get("/handoff").text
    assert 'id="read-only"' in page and 'id="compress-form"' not in page and 'id="rotate-form"' not in page
    before = rows(engine)
    assert compress(viewer, project_id=ids["project"], context=TRANSCRIPT).status_code == 403
    answer = viewer.http.post("/handoff/rotate", data={"project_id": ids["project"], "csrf_token": viewer.csrf})
    assert answer.status_code == 403
    assert rows(engine) == before


def test_compress_and_rotate_need_the_csrf_token(web_client: Callable[[str], WebClient], engine: Engine,
                                                 clock: Any) -> None:
    ids = working_project(engine, clock())
    operator = web_client("operator")
    before = rows(engine)
    assert operator.http.post("/handoff/compress", data={"project_id": ids["project"],
                                                         "context": TRANSCRIPT}).status_code == 403
    assert operator.http.post("/handoff/rotate", data={"project_id": ids["project"]}).status_code == 403
    assert rows(engine) == before


def test_a_pasted_transcript_gives_the_apis_briefing_and_figures(web_client: Callable[[str], WebClient],
                                                                 client: TestClient, engine: Engine,
                                                                 clock: Any) -> None:
    project_id = make_project(engine, "Paste", clock())
    operator = web_client("operator")
    page = operator.http.get("/handoff").text
    assert f'<option value="{project_id}">Paste</option>' in page
    assert all(f'<option value="{level}"' in page for level in ("low", "medium", "high"))
    answer = compress(operator, project_id=project_id, context=TRANSCRIPT, level="low")
    assert answer.status_code == 200 and "<html" not in answer.text
    api = client.post("/api/handoff/compress", json={"project_id": project_id, "context": TRANSCRIPT,
                                                     "compress_level": "low"}).json()
    assert stat(answer.text, "tokens_before") == api["stats"]["tokens_before"]
    assert stat(answer.text, "tokens_after") == api["stats"]["tokens_after"] < api["stats"]["tokens_before"]
    for kind, kept in api["stats"]["facts_kept"].items():
        assert re.search(rf'data-fact="{kind}"><td>[^<]*</td><td>{kept}</td>', answer.text), kind
    shown = answer.text.split('<pre class="briefing scroll" id="compress-briefing" tabindex="0">')[1].split("</pre>")[0]
    assert shown.startswith("# Handoff briefing: Paste") and "add the login page" in shown
    assert 'data-copy="#compress-briefing"' in answer.text
    saved = client.get(f"/api/projects/{project_id}/briefings").json()["data"]
    assert len(saved) == 2 and saved[1]["stats"]["level"] == "low"  # the page's, then the API's


def test_an_uploaded_file_wins_over_an_empty_paste_and_an_empty_file_input_is_ignored(
        web_client: Callable[[str], WebClient], engine: Engine, clock: Any) -> None:
    project_id = make_project(engine, "Upload", clock())
    operator = web_client("operator")
    uploaded = operator.http.post("/handoff/compress", headers=HTMX, data={
        "csrf_token": operator.csrf, "project_id": str(project_id), "context": ""},
        files={"transcript": ("chat.txt", b"User: please migrate the billing tables\n\nAssistant: migrated",
                              "text/plain")})
    assert uploaded.status_code == 200 and "migrate the billing tables" in uploaded.text
    pasted = operator.http.post("/handoff/compress", headers=HTMX, data={
        "csrf_token": operator.csrf, "project_id": str(project_id), "context": "User: fix the header"},
        files={"transcript": ("", b"", "application/octet-stream")})  # what a browser sends for no file
    assert pasted.status_code == 200 and "fix the header" in pasted.text


def test_what_compress_refuses_is_said_in_place_with_422(web_client: Callable[[str], WebClient], engine: Engine,
                                                         clock: Any) -> None:
    project_id = make_project(engine, "Refusals", clock())
    operator = web_client("operator")
    before = rows(engine)
    empty = compress(operator, project_id=project_id, context="   ")
    assert empty.status_code == 422 and 'id="compress-error"' in empty.text and "paste a transcript" in empty.text
    unknown = compress(operator, project_id=999, context=TRANSCRIPT)
    assert unknown.status_code == 422 and "project 999" in unknown.text
    level = compress(operator, project_id=project_id, context=TRANSCRIPT, level="extreme")
    assert level.status_code == 422 and "level must be low, medium or high" in level.text
    binary = operator.http.post("/handoff/compress", headers=HTMX, data={
        "csrf_token": operator.csrf, "project_id": str(project_id)},
        files={"transcript": ("blob.bin", b"\xff\xfe\x00bad", "application/octet-stream")})
    assert binary.status_code == 422 and "not UTF-8" in binary.text
    assert rows(engine) == before


def test_an_xss_canary_in_a_transcript_renders_as_text(web_client: Callable[[str], WebClient], engine: Engine,
                                                       clock: Any) -> None:
    project_id = make_project(engine, CANARY, clock())
    answer = compress(web_client("operator"), project_id=project_id,
                      context=f"User: render {CANARY} safely\n\nAssistant: ok {CANARY}")
    assert answer.status_code == 200
    assert "<script>alert(1)" not in answer.text and "<img src=x" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in answer.text


def test_rotate_now_moves_the_project_to_the_next_account(web_client: Callable[[str], WebClient],
                                                          client: TestClient, engine: Engine, clock: Any) -> None:
    ids = working_project(engine, clock(), "Rotating", "acct-now")
    make_project(engine, "Idle", clock())
    operator = web_client("operator")
    form = operator.http.get("/handoff?part=rotate").text
    assert f'<option value="{ids["project"]}">Rotating (on acct-now)</option>' in form and "Idle" not in form
    answer = operator.http.post("/handoff/rotate", data={"project_id": ids["project"], "level": "low",
                                                         "csrf_token": operator.csrf}, headers=HTMX)
    assert answer.status_code == 200
    assert '<span id="rotate-next-account">acct-now-spare</span>' in answer.text
    shown = answer.text.split('<pre class="briefing scroll" id="rotate-briefing" tabindex="0">')[1].split("</pre>")[0]
    assert "AUTO-ROTATION HANDOFF" in shown and "acct-now-spare" in shown
    timeline = client.get("/api/sessions", params={"project_id": ids["project"]}).json()["data"]
    assert [(item["account_name"], item["status"]) for item in timeline] == [
        ("acct-now-spare", "in_progress"), ("acct-now", "handed_off")]


def test_rotating_without_a_session_in_progress_is_said_in_place(web_client: Callable[[str], WebClient],
                                                                  engine: Engine, clock: Any) -> None:
    project_id = make_project(engine, "Idle", clock())
    operator = web_client("operator")
    before = rows(engine)
    answer = operator.http.post("/handoff/rotate", data={"project_id": project_id, "csrf_token": operator.csrf},
                                headers=HTMX)
    assert answer.status_code == 422
    assert 'data-error-code="invalid_input"' in answer.text and "no session in progress" in answer.text
    assert "Traceback" not in answer.text and rows(engine) == before


def test_rotating_with_no_other_account_available_is_said_in_place(web_client: Callable[[str], WebClient],
                                                                    engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        project = projects.create_project(session, name="Alone")
        only = create_account(session, now=clock(), account_name="only-one")
        sessions.start_session(session, project_id=project.id, account_id=only.id, now=clock())
    operator = web_client("operator")
    before = rows(engine)
    answer = operator.http.post("/handoff/rotate", data={"project_id": project.id, "csrf_token": operator.csrf},
                                headers=HTMX)
    assert answer.status_code == 422
    assert 'data-error-code="no_account_available"' in answer.text and 'id="rotate-error"' in answer.text
    assert rows(engine) == before


def test_handoff_in_a_browser(new_page: MakePage, live_server: LiveServer) -> None:
    now = datetime.now(UTC)
    ids = working_project(live_server.engine, now, "Browser rotation", "acct-first")
    page = new_page("operator")
    page.goto(f"{live_server.url}/handoff")
    page.select_option("#compress-project", str(ids["project"]))
    page.select_option("#compress-level", "low")
    page.fill("#compress-context", TRANSCRIPT)
    page.click("#compress-submit")
    page.locator("#compress-briefing").wait_for()
    briefing = page.locator("#compress-briefing").inner_text()
    assert briefing.startswith("# Handoff briefing: Browser rotation") and "add the login page" in briefing
    assert int(page.locator("#compress-stats [data-stat=tokens_after]").inner_text().replace(",", "")) > 0
    page.click("#compress-copy")
    page.locator("#compress-copy[data-copied=yes]").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == briefing
    page.select_option("#rotate-project", str(ids["project"]))
    page.click("#rotate-submit")
    page.locator("#rotate-next-account").wait_for()
    assert page.locator("#rotate-next-account").inner_text() == "acct-first-spare"
    assert "AUTO-ROTATION HANDOFF" in page.locator("#rotate-briefing").inner_text()
    page.locator("#rotate-project option", has_text="on acct-first-spare").wait_for(state="attached")
    shoot(page, "handoff")
    assert page.outside == []  # type: ignore[attr-defined]
