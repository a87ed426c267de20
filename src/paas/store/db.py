"""Engines, transactions and migrations: how the rest of the code reaches the database.

Contract:
- ``make_engine(url)`` gives an engine tuned per backend. SQLite: WAL journal, foreign keys
  on, a busy timeout, and write transactions opened with ``BEGIN IMMEDIATE`` so two writers
  queue on the lock instead of failing mid-transaction when one upgrades a read lock; the file
  (and so its -wal and -shm, which SQLite creates with the file's mode) is 0600, a folder it
  makes 0700. PostgreSQL: psycopg 3, pre-ping, READ COMMITTED; services lock rows they decide
  on. Nothing waits without bound: a connect timeout, a lock timeout and a statement timeout
  (server-side, set at connect) and a pool timeout; each ends as an ``OperationalError`` (or
  the pool's ``TimeoutError``) that the doors answer as "unavailable, retry".
- A transaction opened with the execution option ``paas_wait=False`` (bookkeeping that must
  never queue a request) gives up at once when the write lock is taken: SQLite's busy timeout is
  0 for its BEGIN, PostgreSQL's lock timeout a few milliseconds.
- The unit of work (commit, rollback, retries, events after commit) is ``store.unit``.
- ``upgrade(url)`` runs the Alembic migrations shipped inside the package.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
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


NO_WAIT_LOCK_MS = 20  # PostgreSQL's lock timeout for a paas_wait=False transaction (0 there means "forever")


@dataclass(frozen=True)
class Timeouts:
    """How long the database may keep a request waiting (0 turns a server-side limit off)."""

    connect_seconds: int = 3  # libpq's minimum is 2
    lock_ms: int = 2000
    statement_ms: int = 15000
    pool_seconds: float = 5.0


def make_engine(url: str, *, busy_timeout_ms: int = 5000, timeouts: Timeouts | None = None,
                echo: bool = False) -> Engine:
    """An engine for ``url``; for SQLite the file's folder is created."""
    if is_sqlite(url):
        return _sqlite_engine(url, busy_timeout_ms, echo)
    return _postgres_engine(url, timeouts or Timeouts(), echo)


def _postgres_engine(url: str, timeouts: Timeouts, echo: bool) -> Engine:
    parsed = make_url(url)
    # Server-side limits go in the startup packet's options, before the URL's own (which win: a
    # later -c overrides an earlier one), so a search_path given there is kept.
    given = parsed.query.get("options", ())
    own = [given] if isinstance(given, str) else list(given)
    limits = f"-c lock_timeout={int(timeouts.lock_ms)} -c statement_timeout={int(timeouts.statement_ms)}"
    connect_args: dict[str, Any] = {"options": " ".join([limits, *own])}
    # A peer gone silent mid-connection (a host down, a network cut): TCP gives up on unacknowledged
    # data after 10 s and idle pooled connections are probed, so no socket waits for the kernel's
    # 15-minute retransmission limit. A slow statement is not cut by it (its packets are acknowledged).
    tcp = {"connect_timeout": int(timeouts.connect_seconds), "keepalives": 1, "keepalives_idle": 30,
           "keepalives_interval": 10, "keepalives_count": 3, "tcp_user_timeout": 10_000}
    connect_args |= {key: value for key, value in tcp.items() if key not in parsed.query}
    engine = create_engine(url, pool_pre_ping=True, pool_timeout=timeouts.pool_seconds, echo=echo, future=True,
                           connect_args=connect_args)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        if not connection.get_execution_options().get("paas_wait", True):
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {NO_WAIT_LOCK_MS}")

    _fail_fast_while_down(engine)
    return engine


DOWN_SECONDS = 1.0  # after a failed connect, others fail at once for this long (the 503's Retry-After)


def _fail_fast_while_down(engine: Engine) -> None:
    """A connect that just failed (refused, or the connect timeout) is not tried again by every
    other request for ``DOWN_SECONDS``: they fail at once, so a dead database answers 503 in
    milliseconds instead of holding a worker thread per request for the connect timeout."""
    down: dict[str, Any] = {"until": 0.0, "why": ""}

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        if time.monotonic() < down["until"]:
            raise dialect.loaded_dbapi.OperationalError(f"database unreachable moments ago: {down['why']}")
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as problem:
            down["until"], down["why"] = time.monotonic() + DOWN_SECONDS, " ".join(str(problem).split())
            raise


def _sqlite_engine(url: str, busy_timeout_ms: int, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        _private_file(Path(database).expanduser())
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
        options = connection.get_execution_options()
        mode = "IMMEDIATE" if options.get("paas_write", True) else "DEFERRED"
        if options.get("paas_wait", True):
            connection.exec_driver_sql(f"BEGIN {mode}")
            return
        connection.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")

    return engine


def _private_file(path: Path) -> None:
    """The database file exists with mode 0600 before SQLite opens it (its -wal and -shm take the
    file's mode); a folder made for it is 0700. A file already there is tightened, never loosened."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is filtered by the umask
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(OSError):  # not there, or not ours to change
            if name.stat().st_mode & 0o077:
                name.chmod(0o600)


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
    # A migration may rewrite a big table: no statement timeout (locks still time out, and retry).
    engine = make_engine(url, timeouts=Timeouts(statement_ms=0))
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
