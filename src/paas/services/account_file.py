"""The rows of an accounts file: CSV with a header, or a JSON list (or ``{"accounts": [...]}``).

One reader for every door that takes a file of accounts (`paas accounts import FILE`, the
dashboard's bulk upload, file or pasted text). A text that cannot be a list of accounts at all
(not UTF-8, binary, no header, an unknown column, bad JSON) is refused whole with ``InvalidInput``
naming ``source``; otherwise each row comes with a label a person finds it by (``line 3`` of a CSV,
``rows[2]`` of a JSON list) and the errors found while reading it, for ``services.batch`` to report
beside its own checks (the API's limits) before anything is created.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from paas.core.errors import InvalidInput
from paas.services.account_input import IMPORT_COLUMNS, INTEGER_COLUMNS, column_problems

DELIMITERS = (",", ";", "\t")
WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,13}$")  # a quota of tokens runs to 10^12


@dataclass(frozen=True)
class AccountFile:
    rows: list[Any]
    labels: list[str]
    row_errors: dict[int, Any]


def whole_numbers(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (text cells or form fields) with its whole-number columns as numbers; anything else
    stays text, so the row's error says "valid integer"."""
    return {name: int(value) if name in INTEGER_COLUMNS and isinstance(value, str) and WHOLE_NUMBER.match(value)
            else value for name, value in row.items()}


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, {"field": "file"})


def read_account_file(data: bytes, source: str, *, suffix: str = "") -> AccountFile:
    """The accounts in ``data`` (``suffix`` ``.json`` reads it as JSON whatever it starts with)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(f"{source}: not UTF-8 text; give a CSV file or a JSON list") from None
    return read_account_text(text, source, suffix=suffix)


def read_account_text(text: str, source: str, *, suffix: str = "") -> AccountFile:
    if "\x00" in text:
        raise _refuse(f"{source}: a binary file, not CSV or JSON")
    if not text.strip():
        raise _refuse(f"{source}: empty; give a CSV file with a header or a JSON list")
    if suffix.lower() == ".json" or text.lstrip()[0] in "[{":
        return _json_rows(source, text)
    return _csv_rows(source, text)


def _json_rows(source: str, text: str) -> AccountFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        raise _refuse(f"{source}: not valid JSON (line {problem.lineno}, column {problem.colno}: {problem.msg})") \
            from None
    data = data.get("accounts", data) if isinstance(data, dict) else data
    if not isinstance(data, list):
        raise _refuse(f"{source}: expected a JSON list of account objects (or {{\"accounts\": [...]}})")
    if not data:
        raise _refuse(f"{source}: the list has no accounts")
    where: dict[str, list[int]] = {}
    for index, row in enumerate(data):
        for key in row if isinstance(row, dict) else ():
            where.setdefault(str(key), []).append(index)
    said = [f"{clause} in {_rows_named(where[key])}" for key in where
            for clause in column_problems([key], kind="field", required=False)]
    if said:
        raise _refuse(f"{source}: {'; '.join(said)}; nothing was created")
    return AccountFile(data, [f"rows[{index}]" for index in range(len(data))], {})


def _rows_named(indexes: list[int]) -> str:
    named = ", ".join(f"rows[{index}]" for index in indexes[:3])
    return named + (f" and {len(indexes) - 3} more" if len(indexes) > 3 else "")


def _csv_rows(source: str, text: str) -> AccountFile:
    first = next(line for line in text.splitlines() if line.strip())
    # The delimiter that makes the header most documented columns (a comma when none does better).
    delimiter = max(DELIMITERS, key=lambda mark: sum(cell.strip() in IMPORT_COLUMNS for cell in first.split(mark)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Any] = []
    labels: list[str] = []
    errors: dict[int, Any] = {}
    try:
        header = [cell.strip() for cell in next(reader)]
        while not any(header):
            header = [cell.strip() for cell in next(reader)]
        unnamed = [str(number) for number, cell in enumerate(header, 1) if not cell]
        said = column_problems([cell for cell in header if cell])
        if unnamed:
            said.append(f"column {', '.join(unnamed)} of the header has no name")
        if said:
            raise _refuse(f"{source}: {'; '.join(said)} (the first line is the header; the columns are "
                          f"{columns_said()})")
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            labels.append(f"line {reader.line_num}")
            if len(cells) > len(header):
                errors[len(rows)] = [{"loc": [], "msg": f"{len(cells)} cells, but the header has {len(header)} "
                                                        "columns (a value with the delimiter in it needs quotes)"}]
            row: dict[str, Any] = {name: value.strip() for name, value in zip(header, cells, strict=False)
                                   if value.strip()}
            rows.append(whole_numbers(row))
    except csv.Error as problem:
        raise _refuse(f"{source} line {reader.line_num}: not CSV ({problem})") from None
    except StopIteration:  # nothing but delimiters
        raise _refuse(f"{source}: no header; the first line names the columns ({columns_said()})") from None
    if not rows:
        raise _refuse(f"{source}: a header and no accounts")
    return AccountFile(rows, labels, errors)


def columns_said() -> str:
    return ", ".join(["account_name (required)"] + [name for name in IMPORT_COLUMNS if name != "account_name"])
