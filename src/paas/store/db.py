"""Engines, transactions and migrations: how the rest of the code reaches the database.

Contract:
- ``make_engine(url)`` gives an engine tuned per backend. SQLite: WAL journal, foreign keys
  on, a busy timeout, and write transactions opened with ``BEGIN IMMEDIATE`` so two writers
  queue on the lock instead of failing mid-transaction when one upgrades a read lock.
  PostgreSQL: psycopg 3, pre-ping, READ COMMITTED; services lock rows they decide on.
- The unit of work (commit, rollback, retries, events after commit) is ``store.unit``.
- ``upgrade(url)`` runs the Alembic migrations shipped inside the package.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

if TYPE_CHECKING:  # Alembic is imported only to migrate: every other command starts without it
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str, *, busy_timeout_ms: int = 5000, echo: bool = False) -> Engine:
    """An engine for ``url``; for SQLite the file's folder is created."""
    if is_sqlite(url):
        return _sqlite_engine(url, busy_timeout_ms, echo)
    return create_engine(url, pool_pre_ping=True, echo=echo, future=True)


def _sqlite_engine(url: str, busy_timeout_ms: int, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds ASCII only; PostgreSQL folds all of Unicode. Make them agree.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get("paas_write", True) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _unicode_lower(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    return value.lower() if isinstance(value, str) else value


def ping(session: Session) -> str:
    """Round-trip to the database; returns the backend's name."""
    session.execute(text("SELECT 1"))
    return session.get_bind().dialect.name


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's ini interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (creates a SQLite file if needed)."""
    from alembic import command

    with migrating(url) as config:
        command.upgrade(config, revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at ``url`` back to ``revision`` (what the migrations' tests go down with)."""
    from alembic import command

    with migrating(url) as config:
        command.downgrade(config, revision)


@contextmanager
def migrating(url: str) -> Iterator[Config]:
    """An Alembic config bound to one transaction on ``url``, committed if the migrations succeed.

    On SQLite, batch mode alters a table by copying it, dropping the old one and renaming the
    copy; with foreign keys enforced the drop fails as soon as another table's rows point at it.
    Enforcement is off for the migration (a pragma SQLite takes only outside a transaction), and
    ``PRAGMA foreign_key_check`` must come back empty before the commit.
    """
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            driver = connection.connection.driver_connection
            if sqlite and driver is not None:
                driver.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    config = alembic_config(url)
                    config.attributes["connection"] = connection
                    yield config
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all() if sqlite else []
                    if broken:
                        raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
            finally:
                if sqlite and driver is not None:
                    driver.execute("PRAGMA foreign_keys=ON")
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated), read without loading Alembic."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str:
    """The code's newest revision. Migrations are files numbered 0001, 0002, ... whose revision is
    their number (``tests/test_migrations.py`` checks both against Alembic's own reading)."""
    numbers = sorted(path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return numbers[-1]
