"""Test fixtures: a real database per test, on SQLite and (when configured) PostgreSQL.

- Every test that asks for ``engine`` (or ``client``) runs once per backend: SQLite always,
  PostgreSQL when ``PAAS_TEST_DATABASE_URL`` is set (``make test`` sets it; under ``CI=true``
  a missing PostgreSQL fails the run instead of quietly skipping).
- SQLite: the migrated schema is built once, then copied to a fresh file per test.
- PostgreSQL: the run gets its own schema (dropped and migrated at start); each test starts
  from empty tables (TRUNCATE ... RESTART IDENTITY), so ids are predictable on both.
- The data dir points at a temp folder so no test can touch a person's real database.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from paas.api.app import create_app
from paas.config import get_settings
from paas.services import tokens
from paas.store.db import make_engine, upgrade
from paas.store.schema import Base
from paas.store.unit import transaction

pytest_plugins = ["tests.polish_stub", "tests.git_helpers"]

PG_URL = os.environ.get("PAAS_TEST_DATABASE_URL", "")
PG_SCHEMA = f"paas_test_{os.getpid()}"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") == "true" and not PG_URL:
        raise pytest.UsageError("CI=true but PAAS_TEST_DATABASE_URL is not set: PostgreSQL tests cannot be skipped")


def pg_url_in_schema(schema: str) -> str:
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"


def reset_pg_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()


def drop_pg_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PAAS_DATABASE_URL", raising=False)
    monkeypatch.delenv("PAAS_ENV", raising=False)
    monkeypatch.delenv("PAAS_SECRET_KEY", raising=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "paas.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated_url() -> Iterator[str]:
    reset_pg_schema(PG_SCHEMA)
    url = pg_url_in_schema(PG_SCHEMA)
    upgrade(url)
    yield url
    drop_pg_schema(PG_SCHEMA)


@pytest.fixture(scope="session")
def pg_cleaner(pg_migrated_url: str) -> Iterator[Callable[[], None]]:
    """Empties every table and restarts ids. DELETE beats TRUNCATE by far on tables this small."""
    engine = create_engine(pg_migrated_url, poolclass=NullPool)
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with_ids = [table.name for table in Base.metadata.sorted_tables if "id" in table.columns]
    statements = [f'DELETE FROM "{name}"' for name in tables] + [
        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), 1, false)" for name in with_ids
    ]
    script = ";\n".join(statements)

    def clean() -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql(script)

    yield clean
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "paas.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    request.getfixturevalue("pg_cleaner")()
    url: str = request.getfixturevalue("pg_migrated_url")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


@pytest.fixture
def make_token(engine: Engine, clock: FrozenClock) -> Callable[[str], str]:
    def make(role: str = "admin") -> str:
        with transaction(engine) as session:
            return tokens.create_token(session, role=role, name=f"test {role}", now=clock()).token

    return make


@pytest.fixture
def app(engine: Engine, database_url: str, clock: FrozenClock) -> Any:
    settings = get_settings(database_url=database_url)
    return create_app(settings, engine=engine, clock=clock)


@pytest.fixture
def client(app: Any, make_token: Callable[[str], str]) -> Iterator[TestClient]:
    """An HTTP client carrying an admin token."""
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = f"Bearer {make_token('admin')}"
        yield test_client


@pytest.fixture
def anonymous(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
