"""`paas usage import`: usage read from the agents' own logs into the ledger, in each account's unit.

Shape (``build_then_save``): what is remembered of the files and the accounts is loaded in a read
transaction; the files are read in none (``usage_files``: only what grew); the write transaction
re-checks the files' rows, deduplicates against the ledger's copies (``core.usage_logs.dedup``),
and writes with one executemany per batch. A rerun over an unchanged tree opens no file.

Rules kept here:
- a file spends on the account named (``account``) or on the mapping whose folder holds it most
  closely; a file no mapping holds is reported, never guessed;
- units: ``tokens`` spends input + output + cache creation + cache reads; ``usd`` spends cents of
  the genai-prices estimate, charged so that the account's imported credits always equal the
  rounded sum of the exact costs (each row gets the step of the rounded running total); a model
  with no price spends 0 and is counted ``unpriced``; a ``credits`` account is refused whole;
  ``cost_usd`` is stored on every priced row whatever the unit;
- an event attaches to the account's session in progress when it happened at or after that
  session's start (its project's totals move with it), else to the account alone;
- a fuller copy of a record already imported replaces that row's figures, and the session's and
  project's totals move by the difference;
- one ``UsageImported`` event per account touched, after the commit.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session

from paas.adapters.prices import cost_usd
from paas.core.errors import Conflict, InvalidInput
from paas.core.events import UsageImported
from paas.core.rotation import project_threshold
from paas.core.types import QuotaUnit, UsageSource
from paas.core.usage_logs import Deduplicator, Kept, UsageRecord
from paas.services import lookup
from paas.services.accounts import describe_account, get_account
from paas.services.projects import get_project
from paas.services.usage_charges import Charge, copy_update, credit_delta, credits_for, event_row
from paas.services.usage_files import FileRead, LogFile, Pending, account_for, find_logs, log_stat, read_logs, unchanged
from paas.services.views import View
from paas.store import usage_imports as store
from paas.store.unit import Transaction, publish

BATCH = 20_000
Progress = Callable[[int, int], None]  # (bytes read so far, bytes to read)


class AccountImportOut(View):
    account_id: int
    account_name: str
    quota_unit: QuotaUnit
    records: int = Field(description="Records this run added to the account (fuller copies not counted).")
    credits: int = Field(description="What this run charged, in the account's unit.")
    session_id: int | None = Field(description="The session in progress the usage went to, if any.")
    credits_used: int = Field(description="The account's use in its current window, this run included.")
    rotate_threshold: int
    rotate_due: bool = Field(description="The account has reached its (or its project's) rotate threshold.")


class UsageImportOut(View):
    files: int = Field(description="Files read this run (new or grown).")
    skipped_files: int = Field(description="Files unchanged since the last run: not opened.")
    lines: int
    records: int = Field(description="Records kept (new ledger events).")
    duplicates: int = Field(description="Copies of a record already kept, skipped.")
    updated: int = Field(description="Imported events a fuller copy replaced the figures of.")
    bad_lines: int = Field(description="Lines that looked like usage but did not decode (skipped).")
    input_tokens: int
    output_tokens: int
    cache_creation_tokens: int
    cache_read_tokens: int
    unpriced: int = Field(description="Records on usd accounts whose model genai-prices does not know (0 cents).")
    unmapped_files: list[str] = Field(description="Files no --map folder holds (not read).")
    accounts: list[AccountImportOut]


@dataclass(frozen=True)
class ImportRequest:
    claude_dirs: tuple[Path, ...] = ()
    codex_dirs: tuple[Path, ...] = ()
    account: str | None = None
    mappings: tuple[tuple[Path, str], ...] = ()


@dataclass
class _Plan:
    account_id: int | None
    mappings: list[tuple[Path, int]]
    known: dict[str, store.KnownFile]
    reads: list[FileRead] = field(default_factory=list)
    skipped: int = 0
    unmapped: list[str] = field(default_factory=list)


def import_usage(read: Transaction, run: Transaction, *, now: datetime, request: ImportRequest,
                 progress: Progress | None = None) -> UsageImportOut:
    """Import what is new in the logs below ``request``'s folders (see the module's rules)."""
    if not request.claude_dirs and not request.codex_dirs:
        raise InvalidInput("name a folder of logs (--claude DIR or --codex DIR)", {"fields": ["claude", "codex"]})
    if (request.account is None) == (not request.mappings):
        raise InvalidInput("give --account (every file) or --map (per folder), not both" if request.mappings else
                           "name the account the usage spends on: --account A, or --map DIR=ACCOUNT per folder",
                           {"fields": ["account", "map"]})
    logs = [(path, session, UsageSource.CLAUDE_CODE) for path, session in
            find_logs(UsageSource.CLAUDE_CODE, request.claude_dirs)]
    logs += [(path, session, UsageSource.CODEX) for path, session in find_logs(UsageSource.CODEX, request.codex_dirs)]
    plan = read(lambda session: _load(session, request, [path for path, _, _ in logs]))
    pending: list[Pending] = []
    for path, agent_session, source in logs:
        account_id = account_for(path, plan.account_id, plan.mappings)
        if account_id is None:
            plan.unmapped.append(path)
            continue
        known = plan.known.get(path)
        if (stat := log_stat(path)) is None:  # gone, or a FIFO
            continue
        if unchanged(known, stat):
            plan.skipped += 1
            continue
        pending.append((LogFile(path=path, source=source, agent_session=agent_session, account_id=account_id),
                        known, stat))
    collecting = gc.isenabled()
    gc.disable()  # ~100,000 small objects that all live until the end: collecting them early only costs
    try:
        plan.reads = read_logs(pending, progress)
        # Nothing new (every file unchanged): the answer needs no write, nor SQLite's write lock.
        return (run if plan.reads else read)(lambda session: _save(session, plan, now))
    finally:
        if collecting:
            gc.enable()


def _load(session: Session, request: ImportRequest, paths: list[str]) -> _Plan:
    account_id = lookup.account_id(session, request.account) if request.account is not None else None
    mappings = [(folder.expanduser().resolve(), lookup.account_id(session, name)) for folder, name in request.mappings]
    for folder, mapped in mappings:  # one folder, two accounts: the first used to win silently
        if dict(mappings[::-1]).get(folder) != mapped:
            raise InvalidInput(f"{folder} is mapped to two accounts: give each folder one", {"field": "map"})
    for named in {account_id, *(mapped for _, mapped in mappings)} - {None}:
        account = get_account(session, named or 0)
        if account.quota_unit == QuotaUnit.CREDITS.value:
            raise InvalidInput(
                f"account {account.account_name!r} counts credits (a platform's own count), which tokens read from "
                f"logs cannot spend in; give it a unit first: `paas accounts edit {account.account_name} --unit "
                "tokens` (or --unit usd)", {"account_id": account.id, "quota_unit": account.quota_unit})
    return _Plan(account_id=account_id, mappings=mappings, known=store.known_files(session, paths))


@dataclass
class _Totals:
    lines: int = 0
    records: int = 0
    duplicates: int = 0
    updated: int = 0
    bad_lines: int = 0
    unpriced: int = 0
    tokens: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add_tokens(self, sign: int, values: tuple[int, int, int, int]) -> None:
        for index, value in enumerate(values):
            self.tokens[index] += sign * value


def _tokens(record: UsageRecord) -> tuple[int, int, int, int]:
    return record.input_tokens, record.output_tokens, record.cache_creation_tokens, record.cache_read_tokens


def _save(session: Session, plan: _Plan, now: datetime) -> UsageImportOut:
    current = store.known_files(session, [item.log.path for item in plan.reads])
    for item in plan.reads:
        if current.get(item.log.path) != item.known:
            raise Conflict("another import read these logs at the same time; run it again",
                           {"path": item.log.path})
    file_ids = _save_files(session, plan.reads, now)
    totals = _Totals(lines=sum(item.lines for item in plan.reads), bad_lines=sum(item.bad_lines for item in plan.reads))
    account_of = {item.log.path: item.log.account_id for item in plan.reads}
    account_ids = sorted(set(account_of.values()))
    units = {account_id: QuotaUnit(get_account(session, account_id).quota_unit) for account_id in account_ids}
    open_sessions = store.open_sessions(session, account_ids)
    charges: dict[int, Charge] = {}

    def charge_of(account_id: int) -> Charge:
        if account_id not in charges:
            unit = units.get(account_id) or QuotaUnit(get_account(session, account_id).quota_unit)
            stored_cost = store.imported_cost(session, account_id) if unit is QuotaUnit.USD else 0.0
            charges[account_id] = Charge.starting(unit, stored_cost)
        return charges[account_id]

    rows: list[list[Any]] = []
    updates: list[dict[str, Any]] = []
    session_deltas: dict[int, int] = {}
    project_deltas: dict[int, int] = {}
    for source in (UsageSource.CLAUDE_CODE, UsageSource.CODEX):
        reads = [item for item in plan.reads if item.log.source is source]
        if not reads:
            continue
        dedup = Deduplicator()
        stored: dict[int, store.StoredCopy] = {}
        if store.has_imported(session, source.value):
            ids = [record.message_id for item in reads for record in item.records if record.message_id]
            stored = {copy.id: copy for copy in store.stored_copies(session, source.value, ids)}
            dedup.seed(Kept(message_id=copy.message_id, request_id=copy.request_id, sidechain=copy.sidechain,
                            total_tokens=copy.total_tokens, stored_id=copy.id) for copy in stored.values())
        file_of: dict[int, FileRead] = {}
        for item in reads:
            for offered in item.records:
                file_of[id(offered)] = item
                dedup.offer(offered)
        totals.duplicates += dedup.duplicates
        for kept in dedup.kept():
            if kept.record is None:
                continue
            record = kept.record
            item = file_of[id(record)]
            cost = cost_usd(record.model, *_tokens(record))
            if kept.stored_id is None:
                account_id = item.log.account_id
                charge = charge_of(account_id)
                charged = credits_for(charge, record, cost)
                totals.unpriced += charged is None
                credits = charged or 0
                work = open_sessions.get(account_id)
                attached = work if work is not None and record.occurred_at >= work.started_at else None
                rows.append(event_row(record, account_id, file_ids[item.log.path], credits, cost, attached))
                totals.records += 1
                totals.add_tokens(1, _tokens(record))
                charge.records += 1
                charge.credits += credits
                charge.latest = max(charge.latest or record.occurred_at, record.occurred_at)
                if attached is not None:
                    session_deltas[attached.id] = session_deltas.get(attached.id, 0) + credits
                    project_deltas[attached.project_id] = project_deltas.get(attached.project_id, 0) + credits
                continue
            copy = stored[kept.stored_id]
            charge = charge_of(copy.account_id)
            delta = credit_delta(charge, record, copy, cost)
            totals.unpriced += cost is None and charge.unit is QuotaUnit.USD
            updates.append(copy_update(record, copy, file_ids[item.log.path], delta, cost))
            totals.updated += 1
            totals.add_tokens(1, _tokens(record))
            totals.add_tokens(-1, copy.tokens)
            charge.credits += delta
            if copy.session_id is not None:
                session_deltas[copy.session_id] = session_deltas.get(copy.session_id, 0) + delta
            if copy.project_id is not None:
                project_deltas[copy.project_id] = project_deltas.get(copy.project_id, 0) + delta
    for start in range(0, len(rows), BATCH):
        store.append_events(session, rows[start:start + BATCH])
    store.update_copies(session, updates)
    store.add_credits(session, sessions=session_deltas, projects=project_deltas)
    accounts = [_account_answer(session, account_id, charges[account_id], open_sessions.get(account_id), now)
                for account_id in sorted(charges)]
    return UsageImportOut(
        files=len(plan.reads), skipped_files=plan.skipped, lines=totals.lines, records=totals.records,
        duplicates=totals.duplicates, updated=totals.updated, bad_lines=totals.bad_lines,
        input_tokens=totals.tokens[0], output_tokens=totals.tokens[1], cache_creation_tokens=totals.tokens[2],
        cache_read_tokens=totals.tokens[3], unpriced=totals.unpriced, unmapped_files=plan.unmapped,
        accounts=accounts)


def _save_files(session: Session, reads: list[FileRead], now: datetime) -> dict[str, int]:
    new = [{"path": item.log.path, "source": item.log.source.value, "account_id": item.log.account_id,
            "size_bytes": item.size, "offset": item.offset, "fingerprint": item.fingerprint, "lines": item.lines,
            "records": len(item.records), "state": item.state, "updated_at": now}
           for item in reads if item.known is None]
    ids = store.add_files(session, new)
    changed = [{"file_id": item.known.id, "account_id": item.log.account_id, "size_bytes": item.size,
                "offset": item.offset, "fingerprint": item.fingerprint,
                "lines": (item.known.lines if item.start else 0) + item.lines,
                "records": (item.known.records if item.start else 0) + len(item.records), "state": item.state,
                "updated_at": now}
               for item in reads if item.known is not None]
    store.update_files(session, changed)
    ids.update({item.log.path: item.known.id for item in reads if item.known is not None})
    return ids


def _account_answer(session: Session, account_id: int, charge: Charge, work: store.OpenSession | None,
                    now: datetime) -> AccountImportOut:
    view = describe_account(session, account_id, now)
    threshold = view.quota.threshold
    if work is not None:
        threshold = project_threshold(view.quota, get_project(session, work.project_id).rotate_threshold_percent)
    if charge.latest is not None and (view.account.last_used_at is None or view.account.last_used_at < charge.latest):
        view.account.last_used_at = charge.latest
    if charge.records or charge.credits:
        publish(session, UsageImported(account_id=account_id, records=charge.records, credits=charge.credits,
                                       session_id=work.id if work else None,
                                       project_id=work.project_id if work else None,
                                       occurred_at=charge.latest or now))
    return AccountImportOut(account_id=account_id, account_name=view.account.account_name, quota_unit=charge.unit,
                            records=charge.records, credits=charge.credits, session_id=work.id if work else None,
                            credits_used=view.used, rotate_threshold=threshold, rotate_due=view.used >= threshold)
