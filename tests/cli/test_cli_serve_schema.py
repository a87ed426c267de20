"""`paas serve` and the schema: it never migrates (that is `paas db upgrade`, run once), it refuses a
database that is not at the latest revision in one line with exit 5, and it says so in one line
when the database cannot be reached (a host that never answers included). Several `paas serve`
processes on one database work side by side, and a change made through one reaches the other's
open live stream."""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
from benchmarks.accounts.rotation import Server, server_env
from sqlalchemy import Engine

from paas.services import tokens
from paas.store.db import current_revision, downgrade, head_revision, make_engine
from paas.store.unit import transaction
from tests.cli.test_cli_errors import one_line, run


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("paas serve started serving"))


def revision_of(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def test_serve_refuses_an_old_schema_and_leaves_it_as_it_is(database_url: str, no_serving: None) -> None:
    older = f"{int(head_revision()) - 1:04d}"
    downgrade(database_url, older)
    error = one_line(run({"PAAS_DATABASE_URL": database_url}, "serve"), 5)
    assert error == (f"error: the database is at revision {older}, not the latest: run `paas init` "
                     "(or `paas db upgrade`)\n")
    assert revision_of(database_url) == older  # serve migrated nothing
    assert run({"PAAS_DATABASE_URL": database_url}, "db", "upgrade").exit_code == 0
    assert revision_of(database_url) == head_revision()


def test_serve_refuses_a_blank_database(tmp_path: Path, no_serving: None) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    error = one_line(run({"PAAS_DATABASE_URL": url}, "serve"), 5)
    assert error == "error: the database is not initialised: run `paas init` (or `paas db upgrade`)\n"
    assert revision_of(url) is None


def test_serve_with_a_database_host_that_never_answers_is_one_line_within_the_connect_timeout(
        no_serving: None) -> None:
    with socket.socket() as listener:  # takes the connection, never says a word
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"postgresql+psycopg://nobody@127.0.0.1:{listener.getsockname()[1]}/paas"
        started = time.monotonic()
        error = one_line(run({"PAAS_DATABASE_URL": url, "PAAS_PG_CONNECT_TIMEOUT_SECONDS": "2"}, "serve"), 5)
        elapsed = time.monotonic() - started
    assert error.startswith(f"error: database unavailable ({url}): ") and "timeout" in error, error
    assert elapsed < 8, f"took {elapsed:.1f} s"


# --- two processes, one database ------------------------------------------------------------------


def admin_token(engine: Engine) -> str:
    with transaction(engine) as session:
        return tokens.create_token(session, role="admin", name="two servers", now=datetime.now(UTC)).token


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    servers = [Server(server_env(database_url, tmp_path / f"data-{index}"), 1, tmp_path / f"server-{index}.log")
               for index in (1, 2)]
    try:
        for server in servers:
            server.wait_ready()
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


def listen(base: str, token: str, events: queue.Queue[str], ready: threading.Event) -> None:
    with httpx2.stream("GET", f"{base}/live", cookies={"paas_token": token}, timeout=30) as answer:
        assert answer.status_code == 200
        ready.set()
        for line in answer.iter_lines():
            if line.startswith("data: "):
                events.put(line.removeprefix("data: "))
                return


def test_two_serve_processes_share_one_database_and_its_live_events(
        engine: Engine, two_servers: tuple[Server, Server]) -> None:
    first, second = two_servers
    token = admin_token(engine)
    headers = {"Authorization": f"Bearer {token}"}
    events: queue.Queue[str] = queue.Queue()
    ready = threading.Event()
    listener = threading.Thread(target=listen, args=(second.base, token, events, ready), daemon=True)
    listener.start()
    assert ready.wait(20), "the second server's /live did not open"
    made = httpx2.post(f"{first.base}/api/projects", json={"name": "made-on-the-first"}, headers=headers, timeout=20)
    assert made.status_code == 201, made.text
    heard = events.get(timeout=10)
    assert "ProjectChanged" in heard or "project" in heard.lower(), heard
    seen: Any = httpx2.get(f"{second.base}/api/projects", headers=headers, timeout=20).json()["data"]
    assert [project["name"] for project in seen] == ["made-on-the-first"]
    for server in (first, second):
        assert "Traceback" not in server.tail()
