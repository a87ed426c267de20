"""`paas accounts import FILE`: many accounts from a CSV file or a JSON list, all or nothing.

The file is read by ``services.account_file`` (as the dashboard's bulk upload is), the rows are
judged by ``services.batch`` (the API's batch-create, the API's limits): a file that is neither
CSV with a known header nor a JSON list is refused whole, an unknown column is named with the
documented one it was probably meant to be, and every bad row is listed with its reasons (its
CSV line, or its index in the JSON list) before one error
line; nothing is created unless every row is good.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from paas.cli import door


class _BadRows(Exception):
    """Bad rows found inside the unit of work: it rolls back, and they are listed once it is closed."""

    def __init__(self, listed: list[dict[str, Any]], total: int) -> None:
        super().__init__(f"{len(listed)} bad rows")
        self.listed, self.total = listed, total


def accounts_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV (with a header) or JSON list.")],
    skip_existing: Annotated[bool, typer.Option("--skip-existing", help="Skip names already present.")] = False,
) -> None:
    """Create many accounts from CSV or JSON: all or nothing, every bad row reported.

    CSV: a header line, then one account a line (comma, semicolon or tab between cells; an
    empty cell leaves the field out). JSON: a list of objects, or {"accounts": [...]}. At most
    10,000 accounts. Columns (the API's fields): account_name (required), platform,
    account_email, specialization, tags, notes, quota, quota_unit, window_kind, window_reset_at,
    window_timezone, window_hours, rotate_threshold, credits_available, credentials. A
    quota_unit is credits (the default), tokens, or usd (the quota then counts US cents).
    """
    from rich.progress import Progress

    from paas.core.errors import InvalidInput
    from paas.services import batch

    rows, labels, row_errors = read_account_rows(file)
    shown_on = door.console(stderr=True)  # standard output stays the answer alone; no bar when not a terminal
    try:
        with Progress(console=shown_on, transient=True, disable=not shown_on.is_terminal) as progress, \
                door.unit_of_work() as session:
            task = progress.add_task("importing", total=len(rows))
            try:
                result = batch.create_accounts(session, rows, now=door.now(), vault=door.vault_or_none(),
                                               on_conflict="skip" if skip_existing else "error",
                                               row_errors=row_errors,
                                               progress=lambda done: progress.advance(task, done))
            except InvalidInput as problem:
                if "rows" not in problem.details:
                    raise
                raise _BadRows(problem.details["rows"], len(rows)) from None
    except _BadRows as bad:
        for row in bad.listed:
            door.console(stderr=True).print(f"  {labels[row['index']]}: {batch.row_reasons(row['errors'])}",
                                            markup=False, highlight=False, soft_wrap=True)
        door.fail(f"{len(bad.listed)} of {bad.total} rows are invalid (listed above); nothing was created", 2)
    skipped = f", skipped {len(result.skipped)} already present" if result.skipped else ""
    door.say(f"created {len(result.created)} accounts{skipped}")


def read_account_rows(file: Path) -> tuple[list[Any], list[str], dict[int, Any]]:
    """The file's rows, a label for each (``line 3``, ``rows[2]``), and the errors found reading them
    (index -> errors), read by ``services.account_file`` (the dashboard's bulk upload reads the same
    way); a file that cannot be a list of accounts stops the command (exit 2)."""
    from paas.core.errors import InvalidInput
    from paas.services.account_file import read_account_file

    try:
        data = file.read_bytes()
    except OSError as problem:
        door.fail(f"{file}: {problem.strerror or problem}", 2)
    try:
        read = read_account_file(data, str(file), suffix=file.suffix)
    except InvalidInput as problem:
        door.fail(problem.message, 2)
    return read.rows, read.labels, read.row_errors
