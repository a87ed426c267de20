"""A database that is unreachable, locked or slow is a prompt 503 with Retry-After, never a hung
worker: PostgreSQL has a connect, a lock and a statement timeout (and the pool a wait limit);
SQLite a busy timeout. The token's bookkeeping (last_used_at) never queues a request."""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from paas.api.app import create_app
from paas.config import get_settings
from paas.services import tokens
from paas.store.db import make_engine, upgrade
from paas.store.schema import ApiToken
from paas.store.unit import transaction
from tests.api.api_helpers import fails, new_account, ok, rows


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes TCP connections and never answers (a database host gone dark)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def unavailable(response: Any) -> None:
    fails(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "1"


def test_an_unreachable_postgresql_answers_503_within_the_connect_timeout(silent_port: int) -> None:
    settings = get_settings(database_url=f"postgresql+psycopg://nobody@127.0.0.1:{silent_port}/paas",
                            pg_connect_timeout_seconds=2)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for path, headers in (("/healthz", {}), ("/api/stats", {"Authorization": "Bearer paas_x"}),
                              ("/", {"Cookie": "paas_token=paas_x"})):
            started = time.monotonic()
            response = client.get(path, headers=headers, follow_redirects=False)
            elapsed = time.monotonic() - started
            unavailable(response)
            assert elapsed < 5, f"{path} took {elapsed:.1f} s"


def test_a_refused_postgresql_connection_answers_503_at_once() -> None:
    settings = get_settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/paas")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        started = time.monotonic()
        unavailable(client.get("/healthz"))
        assert time.monotonic() - started < 2


@pytest.fixture
def own_app(database_url: str, clock: Any) -> Callable[..., TestClient]:
    """A client of an app that builds its engine from settings (so the timeouts apply)."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        client = TestClient(create_app(get_settings(database_url=database_url, **overrides), clock=clock),
                            raise_server_exceptions=False)
        clients.append(client.__enter__())
        return client

    yield build  # type: ignore[misc]
    for client in clients:
        client.__exit__(None, None, None)


def held_write_lock(engine: Engine, database_url: str) -> Iterator[None]:
    """Another connection holds what a writer needs: PostgreSQL an exclusive lock on accounts,
    SQLite the database's write lock (BEGIN IMMEDIATE)."""
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    other = create_engine(database_url, poolclass=NullPool)
    with other.connect() as connection:
        connection.execute(text("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()
    other.dispose()


def admin_token(engine: Engine, clock: Any) -> str:
    with transaction(engine) as session:
        return tokens.create_token(session, role="admin", name="admin", now=clock()).token


def test_a_held_lock_answers_503_within_the_lock_timeout_and_changes_nothing(
        engine: Engine, database_url: str, clock: Any, own_app: Callable[..., TestClient]) -> None:
    client = own_app(pg_lock_timeout_ms=500, sqlite_busy_timeout_ms=500)
    client.headers["Authorization"] = f"Bearer {admin_token(engine, clock)}"
    new_account(client, "before")
    before = rows(engine)
    lock = held_write_lock(engine, database_url)
    next(lock)
    try:
        started = time.monotonic()
        response = client.post("/api/accounts", json={"account_name": "during"})
        elapsed = time.monotonic() - started
        if engine.dialect.name == "postgresql":  # a read of the locked table waits too
            unavailable(client.get("/api/accounts"))
    finally:
        next(lock, None)
    unavailable(response)
    assert 0.4 < elapsed < 3, f"answered after {elapsed:.2f} s"
    assert rows(engine) == before
    ok(client.get("/api/accounts"))  # the lock gone, the same server serves again


def test_the_bookkeeping_of_a_fresh_token_never_waits_behind_a_writer(
        engine: Engine, database_url: str, clock: Any, own_app: Callable[..., TestClient]) -> None:
    client = own_app(pg_lock_timeout_ms=10000, sqlite_busy_timeout_ms=10000)
    token = admin_token(engine, clock)
    client.headers["Authorization"] = f"Bearer {token}"
    # SQLite: another writer holds the lock; PostgreSQL: it holds the token's row (a revoke, say).
    lock = held_write_lock(engine, database_url) if engine.dialect.name == "sqlite" else held_token_row(database_url)
    next(lock)
    try:
        started = time.monotonic()
        response = client.get("/api/projects")
        elapsed = time.monotonic() - started
    finally:
        next(lock, None)
    ok(response)
    assert elapsed < 0.5, f"a read with a fresh token waited {elapsed:.2f} s behind a writer"
    ok(client.get("/api/projects"))  # now the bookkeeping goes through
    with transaction(engine, write=False) as session:
        used = session.query(ApiToken.last_used_at).filter(ApiToken.name == "admin").scalar()
    assert used is not None and used.replace(tzinfo=UTC) == clock().astimezone(UTC)


def held_token_row(database_url: str) -> Iterator[None]:
    other = create_engine(database_url, poolclass=NullPool)
    with other.connect() as connection:
        connection.execute(text("SELECT id FROM api_tokens FOR UPDATE"))
        try:
            yield
        finally:
            connection.rollback()
    other.dispose()


def test_sqlite_files_are_private_in_a_private_folder(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    settings = get_settings(data_dir=data)
    with TestClient(create_app(settings)) as client:
        upgrade(settings.effective_database_url)
        assert client.get("/healthz").status_code == 200  # the app's engine has the file open (WAL)
        created = [data / name for name in ("paas.db", "paas.db-wal", "paas.db-shm")]
        assert all(path.exists() for path in created), list(data.iterdir())
        modes = {path.name: oct(path.stat().st_mode & 0o777) for path in created}
        assert modes == dict.fromkeys(modes, "0o600"), modes
        assert oct(data.stat().st_mode & 0o777) == "0o700"


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "paas.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_while_postgresql_is_unreachable_later_requests_fail_at_once(silent_port: int) -> None:
    settings = get_settings(database_url=f"postgresql+psycopg://nobody@127.0.0.1:{silent_port}/paas",
                            pg_connect_timeout_seconds=2)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        unavailable(client.get("/healthz"))  # this one waits for the connect timeout
        started = time.monotonic()
        for _ in range(5):
            unavailable(client.get("/healthz"))
        assert time.monotonic() - started < 0.5, "every request waited for its own connect timeout"
        time.sleep(1.1)  # then it is tried again (and times out again)
        started = time.monotonic()
        unavailable(client.get("/healthz"))
        assert time.monotonic() - started > 1.5
