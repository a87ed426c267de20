"""Export and import as the doors use them: a project to a file or a document, and back.

- ``export_to_file``: one read transaction (a consistent view), the document streamed to
  ``FILE.partial`` and renamed to ``FILE`` once whole, so an interrupted export leaves no file
  that looks finished.
- ``import_file``: the file is read and checked with no transaction open (``import_check``),
  then written in one write transaction (``import_write``); a refusal at any point writes nothing.
- ``import_document``: the same for a document the API has parsed, retried on a lost race.
Progress: ``progress(n)`` as rows are done, after ``started(total)`` says how many there are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from paas.services.database import Database, Transaction
from paas.services.export import ExportSummary, counts, write_export
from paas.services.export_document import ExportDocument
from paas.services.import_check import DocumentSource, check
from paas.services.import_write import ImportResult, OnConflict, import_checked
from paas.services.lookup import project_id as project_id_of

Progress = Callable[[int], None]
Started = Callable[[str, int | None], None]  # a stage's name and its total (None: not known yet)


def _quiet(_: int) -> None:
    return None


def export_to_file(database: Database, project: str | int, path: Path, *, now: datetime,
                   started: Started | None = None, progress: Progress = _quiet) -> ExportSummary:
    partial = path.with_name(path.name + ".partial")
    with database.unit(write=False) as session:
        project_id = project_id_of(session, project)
        if started is not None:
            started("exporting", sum(counts(session, project_id).values()))
        try:
            with open(partial, "w", encoding="utf-8") as out:
                summary = write_export(session, project_id, out, now=now, progress=progress)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return summary


def import_file(database: Database, path: Path, *, on_conflict: OnConflict, now: datetime,
                started: Started | None = None, progress: Progress = _quiet) -> ImportResult:
    with open(path, "rb") as file:
        if started is not None:
            started("reading", None)
        source = DocumentSource.of_file(file, progress=progress)
        if started is not None:
            started("checking", source.total)
        checked = check(source, progress)
        if started is not None:
            started("importing", source.total)
        with database.unit(write=True) as session:
            return import_checked(session, source, checked, on_conflict=on_conflict, now=now, progress=progress)


def import_document(run: Transaction, document: ExportDocument, *, on_conflict: OnConflict,
                    now: datetime) -> ImportResult:
    source = DocumentSource.of_model(document)
    checked = check(source)
    return run(lambda session: import_checked(session, source, checked, on_conflict=on_conflict, now=now))


PG_GUIDANCE = ("paas backup and restore copy SQLite databases; for PostgreSQL use its own tools: "
               "`pg_dump --format=custom --file=FILE DATABASE_URL`, and to restore "
               "`pg_restore --clean --if-exists --dbname=DATABASE_URL FILE`")


def backup_database(url: str, target: Path, *, overwrite: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """The whole SQLite database at ``url`` copied to ``target`` (SQLite's online backup); its size."""
    from paas.core.errors import Conflict, InvalidInput, NotFound
    from paas.store import export_backup

    try:
        return export_backup.backup(url, target, overwrite=overwrite, progress=progress)
    except export_backup.NotSqlite:
        raise InvalidInput(PG_GUIDANCE, {"backend": "postgresql"}) from None
    except FileExistsError:
        raise Conflict(f"{target} exists; give --force to overwrite it", {"file": str(target)}) from None
    except FileNotFoundError as missing:
        raise NotFound(f"the database file {missing} does not exist: nothing to back up", {}) from None


def restore_database(url: str, source: Path, *, progress: Callable[[int, int], None] | None = None) -> None:
    """Replace the SQLite database at ``url`` by the backup ``source``, once ``source`` is checked."""
    from paas.core.errors import InvalidInput
    from paas.store import db, export_backup

    try:
        export_backup.restore(url, source, db.head_revision(), progress=progress)
    except export_backup.NotSqlite:
        raise InvalidInput(PG_GUIDANCE, {"backend": "postgresql"}) from None
    except export_backup.BadBackup as problem:
        raise InvalidInput(f"not restored: {problem}", {"file": str(source)}) from None
