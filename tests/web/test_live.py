"""Live: a change made anywhere shows on every open page within a second, without a reload.

The page's numbers are read from the overview's live region; the change is made by another HTTP
client, by the CLI in another process, and through a second server process on the same database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from paas.api.app import create_app
from paas.config import get_settings
from paas.store.db import make_engine
from tests.web.conftest import LiveServer, MakePage, mint_token, serving

WITHIN = 1000  # ms: the bound


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {mint_token(server, 'admin')}"})


def working_session(client: httpx.Client) -> int:
    account = client.post("/api/accounts", json={"account_name": "live-acct", "platform": "claude",
                                                 "credits_available": 100}).json()["data"]
    project = client.post("/api/projects", json={"name": "live-project"}).json()["data"]
    session = client.post("/api/sessions", json={"project_id": project["id"], "account_id": account["id"]})
    assert session.status_code == 201, session.text
    session_id: int = session.json()["data"]["id"]
    return session_id


def used_today(page: Any) -> Any:
    return page.locator("[data-stat=credits_used_today]")


def open_overview(new_page: MakePage) -> Any:
    page = new_page("viewer")
    page.locator("#live-state[data-state=live]").wait_for()
    return page


def test_usage_posted_by_another_client_shows_within_a_second(new_page: MakePage, live_server: LiveServer) -> None:
    with api(live_server) as client:
        session_id = working_session(client)
        page = open_overview(new_page)
        expect(used_today(page)).to_have_text("0")
        assert client.post(f"/api/sessions/{session_id}/usage", json={"credits": 7}).status_code == 201
        started = time.monotonic()
        expect(used_today(page)).to_have_text("7", timeout=WITHIN)
        assert time.monotonic() - started < WITHIN / 1000
        expect(page.locator(f"tr[data-session='{session_id}'] .progress-text")).to_contain_text("7 /")
    assert page.outside == []


def test_usage_recorded_by_the_cli_in_another_process_shows_within_a_second(
        new_page: MakePage, live_server: LiveServer, database_url: str, tmp_path: Path) -> None:
    with api(live_server) as client:
        session_id = working_session(client)
    page = open_overview(new_page)
    env = {**os.environ, "PAAS_DATABASE_URL": database_url, "PAAS_DATA_DIR": str(tmp_path / "cli")}
    done = subprocess.run([sys.executable, "-m", "paas.cli", "sessions", "usage", str(session_id),
                           "--credits", "5"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    expect(used_today(page)).to_have_text("5", timeout=WITHIN)


@pytest.fixture
def second_server(database_url: str) -> Iterator[LiveServer]:
    """Another server process's app: its own engine and event bus on the same database."""
    engine: Engine = make_engine(database_url)
    try:
        with serving(create_app(get_settings(database_url=database_url), engine=engine), engine) as server:
            yield server
    finally:
        engine.dispose()


def test_a_change_through_another_server_shows_on_a_page_of_this_one(
        new_page: MakePage, live_server: LiveServer, second_server: LiveServer) -> None:
    page = open_overview(new_page)  # on live_server
    with api(second_server) as client:
        session_id = working_session(client)
        expect(page.locator("[data-stat=sessions_active]")).to_have_text("1", timeout=WITHIN)
        assert client.post(f"/api/sessions/{session_id}/usage", json={"credits": 11}).status_code == 201
    expect(used_today(page)).to_have_text("11", timeout=WITHIN)


def test_the_live_stream_needs_a_session(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/live", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")
