"""Bulk account creation: validated whole before anything is written, then all or nothing.

Every bad row is reported by its index (not just the first). Duplicate names inside the
batch or against the database are errors, or skipped with ``on_conflict="skip"``. Rows go
in with one executemany, and the opening ledger entries (credits already used) with another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from paas.core.errors import InvalidInput, PaasError, PayloadTooLarge
from paas.core.events import AccountsImported
from paas.core.names import name_key
from paas.services.account_input import row_fields
from paas.services.accounts import OPENING_NOTE, account_row, opening_credits
from paas.services.credentials import CredentialVault, remember_canary
from paas.store import accounts as store
from paas.store import ledger
from paas.store.unit import publish

MAX_BATCH = 10_000


@dataclass(frozen=True)
class BatchResult:
    created: list[tuple[int, str]]
    skipped: list[str]


def create_accounts(session: Session, rows: Sequence[dict[str, Any]], *, now: datetime,
                    on_conflict: Literal["error", "skip"] = "error", vault: CredentialVault | None = None,
                    row_errors: dict[int, Any] | None = None,
                    progress: Callable[[int], None] | None = None) -> BatchResult:
    """Create ``rows``: each checked as ``account_input.AccountCreate`` (the API's limits), every bad
    row listed with its reasons and nothing created if any is bad; ``row_errors`` are errors a
    door already found (index -> errors)."""
    if len(rows) > MAX_BATCH:
        raise PayloadTooLarge(f"at most {MAX_BATCH} accounts per batch; got {len(rows)}",
                              {"max": MAX_BATCH, "got": len(rows)})
    errors: dict[int, Any] = dict(row_errors or {})
    checked: list[tuple[int, dict[str, Any], int | None]] = []  # (index, row, opening credits)
    seen: dict[str, int] = {}
    skipped: list[str] = []
    for index, raw in enumerate(rows):
        if index in errors:
            continue
        fields, found = row_fields(raw)  # the API's limits, for every door (a CSV row as much as JSON)
        if fields is None:
            errors[index] = found
            continue
        try:
            row = account_row(fields, vault)
            opening = opening_credits(row.get("quota", 100), fields.get("credits_available"))
        except PaasError as problem:
            errors[index] = [{"msg": problem.message, **problem.details}]
            continue
        name, key = row["account_name"], name_key(row["account_name"])  # "X" and "x" are one name
        if key in seen:
            if on_conflict == "skip":
                skipped.append(name)
                continue
            errors[index] = [{"msg": f"duplicate of row {seen[key]}", "field": "account_name"}]
            continue
        seen[key] = index
        checked.append((index, row, opening))
    taken = store.existing_names(session, [row["account_name"] for _, row, _ in checked])
    if taken:
        if on_conflict == "skip":
            skipped += sorted(taken)
            checked = [item for item in checked if item[1]["account_name"] not in taken]
        else:
            for index, row, _ in checked:
                if row["account_name"] in taken:
                    errors[index] = [{"msg": "an account with this name already exists", "field": "account_name"}]
    if errors:
        listed = [{"index": index, "errors": errors[index]} for index in sorted(errors)]
        raise InvalidInput(f"{len(errors)} of {len(rows)} rows are invalid; nothing was created: "
                           f"{_said(listed)}", {"rows": listed})
    created: list[tuple[int, str]] = []
    for start in range(0, len(checked), 1000):
        chunk = checked[start:start + 1000]
        ids = store.insert_many(session, [row for _, row, _ in chunk])
        ledger.append_rows(session, [
            {"account_id": account_id, "credits": opening, "occurred_at": now, "note": OPENING_NOTE, "overdrawn": 0}
            for (account_id, _), (_, _, opening) in zip(ids, chunk, strict=True) if opening is not None])
        created += ids
        if progress:
            progress(len(chunk))
    if vault is not None and any("credentials_encrypted" in row for _, row, _ in checked):
        remember_canary(session, vault)
    if created:
        publish(session, AccountsImported(account_ids=tuple(account_id for account_id, _ in created)))
    return BatchResult(created=created, skipped=skipped)


SHOWN_ROWS = 5  # the message names this many bad rows; the details list every one


def row_reasons(errors: list[dict[str, Any]]) -> str:
    """One bad row's errors in words: ``account_email: must be an e-mail address; quota: ...``."""
    return "; ".join(
        (f"{'.'.join(map(str, item['loc']))}: " if item.get("loc") else
         (f"{item['field']}: " if item.get("field") else "")) + str(item.get("msg", "")).removeprefix("Value error, ")
        for item in errors)


def _said(listed: list[dict[str, Any]]) -> str:
    """The bad rows in words: ``rows[2] account_email: ...``, counted from 0 like the details' index."""
    parts = [f"rows[{row['index']}] {row_reasons(row['errors'])}" for row in listed[:SHOWN_ROWS]]
    more = len(listed) - SHOWN_ROWS
    return " | ".join(parts) + (f" | and {more} more" if more > 0 else "")
