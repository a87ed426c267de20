"""The Projects page and the project detail page: the list, creating a project (operators only,
CSRF checked), the session timeline, the latest and earlier briefings, files, git and knowledge,
stored text escaped, and a 404 page for a project that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.services import knowledge, projects, sessions
from paas.services.accounts import create_account
from paas.services.briefing import brief_and_save
from paas.services.demo import load_demo
from paas.services.git_state import start_session_at_head
from paas.store.unit import Database, transaction
from tests.api.api_helpers import rows
from tests.git_helpers import commit_file, make_repo
from tests.web.conftest import LiveServer, MakePage, WebClient, shoot

CANARY = '<script>alert(1)</script><img src=x onerror=alert(2)>'
HTMX = {"HX-Request": "true"}


def make_project(engine: Engine, name: str, now: datetime) -> int:
    with transaction(engine) as session:
        return projects.create_project(session, name=name).id


def working_project(engine: Engine, now: datetime, name: str = "Alpha", account: str = "acct-main") -> dict[str, int]:
    """A project with one session in progress on ``account`` and a spare account beside it."""
    with transaction(engine) as session:
        project = projects.create_project(session, name=name)
        current = create_account(session, now=now, account_name=account, specialization="Backend")
        spare = create_account(session, now=now, account_name=f"{account}-spare", specialization="Backend")
        work = sessions.start_session(session, project_id=project.id, account_id=current.id, now=now)
    return {"project": project.id, "current": current.id, "spare": spare.id, "session": work.id}


def brief(engine: Engine, project_id: int, text: str, now: datetime) -> str:
    db = Database(engine)
    return brief_and_save(db.read, db.run, project_id=project_id, context=text, now=now).briefing.markdown


def test_the_list_shows_each_project_with_its_current_account_sessions_and_credits(
        web_client: Callable[[str], WebClient], engine: Engine, clock: Any) -> None:
    ids = working_project(engine, clock(), "Alpha", "acct-main")
    make_project(engine, "Resting", clock())
    page = web_client("viewer").http.get("/projects")
    assert page.status_code == 200
    assert f'href="/projects/{ids["project"]}">Alpha</a>' in page.text
    table = web_client("viewer").http.get("/projects?part=table").text
    assert "<html" not in table and 'id="projects-table"' in table
    alpha = table.split(f'data-project="{ids["project"]}"')[1].split("</tr>")[0]
    assert "acct-main" in alpha and "session #1" in alpha and 'data-value="1"' in alpha
    assert "none" in table.split(">Resting</a>")[1].split("</tr>")[0]
    assert table.count('data-status="active"') == 2  # what the status filter matches


def test_a_viewer_sees_no_create_form_and_a_forged_create_is_refused(web_client: Callable[[str], WebClient],
                                                                   engine: Engine) -> None:
    viewer = web_client("viewer")
    assert 'id="project-form"' not in viewer.http.get("/projects").text
    before = rows(engine)
    answer = viewer.http.post("/projects", data={"name": "Forged", "csrf_token": viewer.csrf}, headers=HTMX)
    assert answer.status_code == 403
    assert rows(engine) == before


def test_creating_a_project_needs_the_csrf_token(web_client: Callable[[str], WebClient], engine: Engine) -> None:
    operator = web_client("operator")
    before = rows(engine)
    assert operator.http.post("/projects", data={"name": "No token"}).status_code == 403
    assert operator.http.post("/projects", data={"name": "Stale", "csrf_token": "nope"}).status_code == 403
    assert rows(engine) == before


def test_an_operator_creates_a_project_and_the_list_shows_it(web_client: Callable[[str], WebClient],
                                                            client: TestClient) -> None:
    operator = web_client("operator")
    assert 'id="project-form"' in operator.http.get("/projects").text
    answer = operator.http.post("/projects", data={"name": "Beta", "description": "the second",
                                                   "csrf_token": operator.csrf}, headers=HTMX)
    assert answer.status_code == 200
    [made] = client.get("/api/projects").json()["data"]
    assert (made["name"], made["description"]) == ("Beta", "the second")
    assert f'id="project-created">Created <a href="/projects/{made["id"]}">Beta</a>' in answer.text
    assert 'hx-swap-oob="innerHTML"' in answer.text and ">Beta</a></td>" in answer.text
    plain = operator.http.post("/projects", data={"name": "Gamma", "csrf_token": operator.csrf},
                               follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"].startswith("/projects/")


def test_a_refused_create_is_said_in_the_form_with_422(web_client: Callable[[str], WebClient], engine: Engine,
                                                      clock: Any) -> None:
    make_project(engine, "Taken", clock())
    operator = web_client("operator")
    before = rows(engine)
    answer = operator.http.post("/projects", data={"name": "Taken", "csrf_token": operator.csrf}, headers=HTMX)
    assert answer.status_code == 422
    assert "a project named &#39;Taken&#39; already exists" in answer.text and 'value="Taken"' in answer.text
    assert rows(engine) == before


def test_an_xss_canary_in_a_project_name_and_a_briefing_renders_as_text(web_client: Callable[[str], WebClient],
                                                                        engine: Engine, clock: Any) -> None:
    project_id = make_project(engine, CANARY, clock())
    brief(engine, project_id, f"User: please fix {CANARY}\n\nAssistant: done, see {CANARY}", clock())
    viewer = web_client("viewer")
    for url in ("/projects", f"/projects/{project_id}"):
        text = viewer.http.get(url).text
        assert "<script>alert(1)" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in text


def test_the_detail_page_shows_the_timeline_the_briefings_and_the_knowledge_linked(
        web_client: Callable[[str], WebClient], engine: Engine, clock: Any) -> None:
    ids = working_project(engine, clock(), "Alpha", "acct-main")
    with transaction(engine) as session:
        sessions.record_usage(session, ids["session"], credits=12, now=clock())
        entry = knowledge.add_knowledge(session, category="tip", title="Learned here", source_session_id=ids["session"])
    first = brief(engine, ids["project"], "User: first step\n\nAssistant: did the first step", clock())
    latest = brief(engine, ids["project"], "User: second step, edit `src/app.py`\n\nAssistant: edited", clock())
    text = web_client("viewer").http.get(f"/projects/{ids['project']}").text
    timeline = text.split('id="sessions-table"')[1].split("</table>")[0]
    assert "acct-main" in timeline and "in progress" in timeline and ">12<" in timeline
    latest_block = text.split('<pre class="briefing" id="briefing-latest">')[1].split("</pre>")[0]
    assert latest_block.startswith("# Handoff briefing: Alpha") and "second step" in latest_block
    assert 'data-copy="#briefing-latest"' in text
    earlier = text.split('class="earlier-briefing"')[1].split("</details>")[0]
    assert "first step" in earlier and "second step" not in earlier and first != latest
    assert f'href="/knowledge#knowledge-{entry.id}">#{entry.id} Learned here</a>' in text
    live = web_client("viewer").http.get(f"/projects/{ids['project']}?part=live").text
    assert "<html" not in live and 'id="briefing-latest"' in live


def test_the_detail_page_lists_the_files_a_project_tracks(web_client: Callable[[str], WebClient],
                                                         engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        load_demo(session, clock())
    text = web_client("viewer").http.get("/projects/1").text
    files = text.split('id="files-table"')[1].split("</table>")[0]
    assert files.index("src/index.tsx") < files.index("wrangler.jsonc") < files.index("seed.sql")
    assert "Main application and API routes" in files


@pytest.mark.usefixtures("isolated_git")
def test_the_detail_page_shows_the_git_state_the_latest_briefing_told(web_client: Callable[[str], WebClient],
                                                                    engine: Engine, clock: Any,
                                                                    tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    with transaction(engine) as session:
        project_id = projects.create_project(session, name="Tracked", repo_path=str(repo)).id
        account_id = create_account(session, now=clock(), account_name="acct-git").id
    db = Database(engine)
    start_session_at_head(db.read, db.run, project_id=project_id, account_id=account_id, now=clock())
    commit_file(repo, "src/app.py", "print(1)\n", "feat: the app")
    (repo / "notes.txt").write_text("pending\n")
    brief(engine, project_id, "User: ship the app\n\nAssistant: shipped", clock())
    text = web_client("viewer").http.get(f"/projects/{project_id}").text
    git = text.split('class="git-state"')[1].split("</section>")[0]
    assert "<dd>main at <code>" in git and "<dd>1</dd>" in git and "feat: the app" in git
    assert "notes.txt <span class=\"muted\">(untracked)</span>" in git


def test_an_unknown_project_answers_a_404_page(web_client: Callable[[str], WebClient]) -> None:
    answer = web_client("viewer").http.get("/projects/999")
    assert answer.status_code == 404
    assert "<h1>No such project</h1>" in answer.text and "project 999" in answer.text
    for wrong in ("0", "abc", "99999999999999999999"):
        answer = web_client("viewer").http.get(f"/projects/{wrong}")
        assert answer.status_code == 404 and "<h1>No such project</h1>" in answer.text, wrong


@pytest.mark.usefixtures("isolated_git")
def test_projects_in_a_browser(new_page: MakePage, live_server: LiveServer, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    ids = working_project(live_server.engine, now, "Browser project", "acct-browser")
    repo = make_repo(tmp_path / "repo")
    commit_file(repo, "src/dashboard.py", "print(1)\n", "feat: the dashboard")
    with transaction(live_server.engine) as session:
        projects.update_project(session, ids["project"], {"repo_path": str(repo)})
        knowledge.add_knowledge(session, category="tip", title="Pages answer fragments",
                                source_session_id=ids["session"])
    brief(live_server.engine, ids["project"], "User: sketch the pages\n\nAssistant: sketched", now)
    brief(live_server.engine, ids["project"], "User: wire up the dashboard\n\nAssistant: wired it", now)
    page = new_page("operator")
    page.goto(f"{live_server.url}/projects")
    page.fill("#project-name", "Made in the browser")
    page.click("#project-form button[type=submit]")
    page.locator("#project-created").wait_for()
    page.locator("#projects-table a", has_text="Made in the browser").wait_for()
    assert "acct-browser" in page.locator(f"tr[data-project='{ids['project']}']").inner_text()
    made = page.locator("#project-created a").get_attribute("href")
    assert made is not None
    live_server.app.state.db.run(lambda session: sessions.start_session(  # another client starts a session
        session, project_id=int(made.rsplit("/", 1)[1]), account_id=ids["spare"], now=datetime.now(UTC)))
    page.locator(f"tr[data-project='{made.rsplit('/', 1)[1]}'] [data-current-account]",
                 has_text="acct-browser-spare").wait_for()
    shoot(page, "projects")
    page.click("#projects-table a:text-is('Browser project')")
    page.wait_for_url(f"{live_server.url}/projects/{ids['project']}")
    latest = page.locator("#briefing-latest").inner_text()
    assert latest.startswith("# Handoff briefing: Browser project") and "wire up the dashboard" in latest
    page.click("button[data-copy='#briefing-latest']")
    page.locator("button[data-copy='#briefing-latest'][data-copied=yes]").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == latest
    shoot(page, "project-detail")
    assert page.outside == []  # type: ignore[attr-defined]
