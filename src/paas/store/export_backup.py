"""Whole-database copies of a SQLite database, with SQLite's online backup API.

``backup(url, target)`` copies the live database page by page (``sqlite3.Connection.backup``:
a consistent copy while other processes go on reading and writing) into a new file made 0600.
``restore(url, source)`` first opens ``source`` read-only and refuses it unless it is a SQLite
database that passes ``PRAGMA quick_check`` and is at ``expected_revision`` (an older or newer
schema would be a database this code cannot serve); then it copies it over the live database
with the same API, which holds the write lock for the copy, so no writer sees half of it.
PostgreSQL has its own tools (pg_dump / pg_restore); ``sqlite_path`` refuses other URLs.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

PAGES = 1024
Progress = Callable[[int, int], None]  # (pages done, pages in all)


class NotSqlite(ValueError):
    """The configured database is not a SQLite file."""


class BadBackup(ValueError):
    """A file that is not a paas SQLite database at the expected schema."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise NotSqlite(parsed.get_backend_name())
    return Path(parsed.database)


def _progress(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None
    return lambda status, remaining, total: progress(total - remaining, total)


def backup(url: str, target: Path, *, overwrite: bool = False, progress: Progress | None = None) -> int:
    """Copy the database at ``url`` into ``target``; the size in bytes of the copy."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise FileNotFoundError(str(source_path))
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
            source.backup(copy, pages=PAGES, progress=_progress(progress))
        source.close()
        copy.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def check_backup(source: Path, expected_revision: str) -> None:
    """Refuse ``source`` unless it is a sound paas database at ``expected_revision``."""
    if not source.is_file():
        raise BadBackup(f"{source}: no such file")
    try:
        with sqlite3.connect(source) as connection:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = (connection.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
                if "alembic_version" in tables else None
        connection.close()
    except sqlite3.DatabaseError as problem:
        raise BadBackup(f"{source} is not a SQLite database ({problem})") from None
    if verdict != "ok":
        raise BadBackup(f"{source} is damaged (quick_check: {verdict})")
    if revision is None or "projects" not in tables:
        raise BadBackup(f"{source} is a SQLite database but not a paas one (no schema revision)")
    if revision != expected_revision:
        raise BadBackup(f"{source} is at schema revision {revision}; this version of paas needs {expected_revision}")


def restore(url: str, source: Path, expected_revision: str, *, progress: Progress | None = None) -> None:
    target_path = sqlite_path(url)
    check_backup(source, expected_revision)
    target_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not target_path.exists():
        os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with sqlite3.connect(source) as backup_file, \
            sqlite3.connect(target_path, timeout=30) as live:
        backup_file.backup(live, pages=PAGES, progress=_progress(progress))
    backup_file.close()
    live.close()
