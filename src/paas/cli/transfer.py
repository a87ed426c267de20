"""`paas export`, `paas import`, `paas backup`, `paas restore`: projects and whole databases to
files and back.

Export and import stream (a project of any size in flat memory) and show a progress bar on
standard error; when standard error is not a terminal the bar is a line at every tenth of each
stage (``importing: 30% (3000 of 10000 rows)``). Exit codes as every command: 2 bad input (a
corrupt, truncated or wrong-version file; backup or restore asked of PostgreSQL, with the
pg_dump / pg_restore lines to use instead), 3 not found, 4 conflict (a project of that name, a
backup file that exists), 5 database not ready.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from paas.cli import door

OnConflictOption = Annotated[str, typer.Option(
    "--on-conflict", help="When a project of the same name exists: error (refuse), skip (import nothing), "
    "rename (import as 'NAME (2)'), replace (delete the existing project and its rows first).")]


class _Bar:
    """Progress on standard error: a Rich bar on a terminal, else a line at each tenth."""

    def __init__(self) -> None:
        from rich.progress import Progress

        self.shown_on = door.console(stderr=True)
        self.live = self.shown_on.is_terminal
        self.progress = Progress(console=self.shown_on, transient=True, disable=not self.live)
        self.task: Any = None
        self.stage, self.total, self.done, self.told = "", 0, 0, 0
        self.unit = "rows"

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]

    def started(self, stage: str, total: int | None) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(stage, total=total)
        self.stage, self.total, self.done, self.told = stage, total or 0, 0, 0
        if not self.live:
            self._line(f"{stage}...")

    def advance(self, rows: int) -> None:
        self.progress.advance(self.task, rows)
        self.done += rows
        if not self.live and self.total:
            tenth = self.done * 10 // self.total
            if tenth > self.told:
                self.told = tenth
                self._line(f"{self.stage}: {tenth * 10}% ({self.done} of {self.total} {self.unit})")

    def pages(self, done: int, total: int) -> None:
        if self.task is None:
            self.unit = "pages"
            self.started("copying", total)
        self.advance(done - self.done)

    def _line(self, text: str) -> None:
        self.shown_on.print(text, markup=False, highlight=False, soft_wrap=True)
        self.shown_on.file.flush()


def export_project(
    project: Annotated[str, typer.Argument(help="Project name or id.")],
    output: Annotated[Path, typer.Option("--output", "-o", dir_okay=False, help="The JSON file to write.")],
) -> None:
    """Export a project and everything of it (sessions, ledger, snapshots, transcripts, history, files,
    knowledge, handoffs, links; accounts by name, never credentials) to one JSON file, streamed."""
    from paas.services import transfer

    with door.database() as database, _Bar() as bar:
        try:
            summary = transfer.export_to_file(database, project, output, now=door.now(), started=bar.started,
                                              progress=bar.advance)
        except OSError as problem:
            door.fail(f"{output}: {problem.strerror or problem}", 2)
    rows = sum(summary.counts.values())
    door.say(f"exported project {summary.project_id} ({summary.project_name}): {summary.counts['sessions']} "
             f"sessions, {rows} rows in all, to {output}", markup=False, highlight=False, soft_wrap=True)


def import_project(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="A file written by `paas export`.")],
    on_conflict: OnConflictOption = "error",
) -> None:
    """Import a project from an export file: checked whole first, then written in one transaction;
    a corrupt, truncated or wrong-version file changes nothing and says what is wrong (exit 2)."""
    from paas.services import transfer
    from paas.services.import_write import ON_CONFLICT

    if on_conflict not in ON_CONFLICT:
        door.fail(f"--on-conflict must be one of {', '.join(ON_CONFLICT)}, not {on_conflict!r}", 2)
    if not file.is_file():
        door.fail(f"{file}: no such file", 2)
    with door.database() as database, _Bar() as bar:
        try:
            result = transfer.import_file(database, file, on_conflict=on_conflict,
                                          now=door.now(), started=bar.started, progress=bar.advance)
        except OSError as problem:
            door.fail(f"{file}: {problem.strerror or problem}", 2)
    if result.outcome == "skipped":
        door.say(f"skipped: project {result.project_id} ({result.project_name}) exists; nothing imported",
                 markup=False, highlight=False, soft_wrap=True)
        return
    made = f", created accounts {', '.join(result.accounts_created)}" if result.accounts_created else ""
    door.say(f"{result.outcome} project {result.project_id} ({result.project_name}): {result.counts['sessions']} "
             f"sessions, {sum(result.counts.values())} rows{made}", markup=False, highlight=False, soft_wrap=True)
    for note in result.notes:
        door.note(note)


def backup(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the copy (made 0600).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Copy the whole SQLite database to FILE while it runs (SQLite's online backup). On PostgreSQL
    this refuses (exit 2) and prints the pg_dump command to use."""
    from paas.core.errors import PaasError
    from paas.services import transfer

    url = door.settings_or_fail().effective_database_url
    with _Bar() as bar:
        try:
            size = transfer.backup_database(url, file, overwrite=force, progress=bar.pages)
        except PaasError as problem:
            door.fail(problem.message, door.exit_code(problem))
        except OSError as problem:
            door.fail(f"{file}: {problem.strerror or problem}", 2)
    door.say(f"backed up the database to {file} ({size} bytes)", markup=False, highlight=False, soft_wrap=True)


def restore(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="A file written by `paas backup`.")],
) -> None:
    """Replace the whole SQLite database by a backup, once the backup is checked (a sound SQLite file,
    a paas database at this version's schema; else exit 2 and nothing changes). Stop `paas serve`
    first. On PostgreSQL this refuses (exit 2) and prints the pg_restore command to use."""
    from paas.core.errors import PaasError
    from paas.services import transfer

    url = door.settings_or_fail().effective_database_url
    with _Bar() as bar:
        try:
            transfer.restore_database(url, file, progress=bar.pages)
        except PaasError as problem:
            door.fail(problem.message, door.exit_code(problem))
        except OSError as problem:
            door.fail(f"{file}: {problem.strerror or problem}", 2)
    door.say(f"restored the database from {file}", markup=False, highlight=False, soft_wrap=True)
