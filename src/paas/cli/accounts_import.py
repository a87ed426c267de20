"""`paas accounts import FILE`: many accounts from a CSV file or a JSON list, all or nothing.

The file is read here, the rows are judged by ``services.batch`` (the API's batch-create, the
API's limits): a file that is neither CSV with a known header nor a JSON list is refused whole,
an unknown column is named with the documented one it was probably meant to be, and every bad
row is listed with its reasons (its CSV line, or its index in the JSON list) before one error
line; nothing is created unless every row is good.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from paas.cli import door

DELIMITERS = (",", ";", "\t")
WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,13}$")  # a quota of tokens runs to 10^12


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
    (index -> errors); a file that cannot be a list of accounts stops the command (exit 2)."""
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        door.fail(f"{file}: not UTF-8 text; give a CSV file or a JSON list", 2)
    except OSError as problem:
        door.fail(f"{file}: {problem.strerror or problem}", 2)
    if "\x00" in text:
        door.fail(f"{file}: a binary file, not CSV or JSON", 2)
    if not text.strip():
        door.fail(f"{file}: empty; give a CSV file with a header or a JSON list", 2)
    if file.suffix.lower() == ".json" or text.lstrip()[0] in "[{":
        return _json_rows(file, text)
    return _csv_rows(file, text)


def _json_rows(file: Path, text: str) -> tuple[list[Any], list[str], dict[int, Any]]:
    from paas.services.account_input import column_problems

    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        door.fail(f"{file}: not valid JSON (line {problem.lineno}, column {problem.colno}: {problem.msg})", 2)
    data = data.get("accounts", data) if isinstance(data, dict) else data
    if not isinstance(data, list):
        door.fail(f"{file}: expected a JSON list of account objects (or {{\"accounts\": [...]}})", 2)
    if not data:
        door.fail(f"{file}: the list has no accounts", 2)
    where: dict[str, list[int]] = {}
    for index, row in enumerate(data):
        for key in row if isinstance(row, dict) else ():
            where.setdefault(str(key), []).append(index)
    said = [f"{clause} in {_rows_named(where[key])}" for key in where
            for clause in column_problems([key], kind="field", required=False)]
    if said:
        door.fail(f"{file}: {'; '.join(said)}; nothing was created", 2)
    return data, [f"rows[{index}]" for index in range(len(data))], {}


def _rows_named(indexes: list[int]) -> str:
    named = ", ".join(f"rows[{index}]" for index in indexes[:3])
    return named + (f" and {len(indexes) - 3} more" if len(indexes) > 3 else "")


def _csv_rows(file: Path, text: str) -> tuple[list[Any], list[str], dict[int, Any]]:
    from paas.services.account_input import IMPORT_COLUMNS, INTEGER_COLUMNS, column_problems

    first = next(line for line in text.splitlines() if line.strip())
    # The delimiter that makes the header most documented columns (a comma when none does better).
    delimiter = max(DELIMITERS, key=lambda mark: sum(cell.strip() in IMPORT_COLUMNS for cell in first.split(mark)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
        while not any(header):
            header = [cell.strip() for cell in next(reader)]
        unnamed = [str(number) for number, cell in enumerate(header, 1) if not cell]
        said = column_problems([cell for cell in header if cell])
        if unnamed:
            said.append(f"column {', '.join(unnamed)} of the header has no name")
        if said:
            door.fail(f"{file}: {'; '.join(said)} (the first line is the header; the columns are {_columns()})", 2)
        rows: list[Any] = []
        labels: list[str] = []
        errors: dict[int, Any] = {}
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            labels.append(f"line {reader.line_num}")
            if len(cells) > len(header):
                errors[len(rows)] = [{"loc": [], "msg": f"{len(cells)} cells, but the header has {len(header)} "
                                                        "columns (a value with the delimiter in it needs quotes)"}]
            row: dict[str, Any] = {name: value.strip() for name, value in zip(header, cells, strict=False)
                                   if value.strip()}
            for name in INTEGER_COLUMNS:
                if name in row and WHOLE_NUMBER.match(row[name]):
                    row[name] = int(row[name])  # anything else stays text: the row's error says "valid integer"
            rows.append(row)
    except csv.Error as problem:
        door.fail(f"{file} line {reader.line_num}: not CSV ({problem})", 2)
    except StopIteration:  # nothing but delimiters
        door.fail(f"{file}: no header; the first line names the columns ({_columns()})", 2)
    if not rows:
        door.fail(f"{file}: a header and no accounts", 2)
    return rows, labels, errors


def _columns() -> str:
    from paas.services.account_input import IMPORT_COLUMNS

    return ", ".join(["account_name (required)"] + [name for name in IMPORT_COLUMNS if name != "account_name"])
