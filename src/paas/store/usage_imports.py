"""What ``paas usage import`` keeps: the log files read and how far (``usage_import_files``), and the
ledger rows it wrote (``credit_events`` with a ``source``).

Everything here is bulk: the files of a tree in one query, the stored copies of a batch's message
ids in chunked ``IN`` queries over ``ix_credit_events_source_message_id``, new events with one
executemany (``ledger.append_rows``), a fuller copy's figures and the sessions'/projects' totals
with one executemany each. An imported row is only ever changed by ``update_copies`` (the one
change the ledger allows it: a fuller copy of the same record replaces its figures).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from paas.core.types import SessionStatus
from paas.store.schema import CreditEvent, Project, UsageImportFile, WorkSession

CHUNK = 900  # bound parameters per IN query (SQLite's old limit is 999)


@dataclass(frozen=True)
class KnownFile:
    id: int
    path: str
    source: str
    account_id: int
    size_bytes: int
    offset: int
    fingerprint: str | None
    lines: int
    records: int
    state: dict[str, Any]


@dataclass(frozen=True)
class StoredCopy:
    id: int
    message_id: str
    request_id: str | None
    sidechain: bool
    tokens: tuple[int, int, int, int]  # input, output, cache creation, cache reads
    account_id: int
    session_id: int | None
    project_id: int | None
    credits: int
    cost_usd: float | None

    @property
    def total_tokens(self) -> int:
        return sum(self.tokens)


@dataclass(frozen=True)
class OpenSession:
    id: int
    project_id: int
    started_at: datetime


def known_files(session: Session, paths: Iterable[str] | None = None) -> dict[str, KnownFile]:
    """What is remembered of the files at ``paths`` (of every file when None)."""
    columns = select(UsageImportFile.id, UsageImportFile.path, UsageImportFile.source, UsageImportFile.account_id,
                     UsageImportFile.size_bytes, UsageImportFile.offset, UsageImportFile.fingerprint,
                     UsageImportFile.lines, UsageImportFile.records, UsageImportFile.state)
    if paths is None:
        return _known(session, columns)
    wanted = list(paths)
    if len(wanted) > CHUNK:  # one scan below the paths' common folder, not thousands of bound parameters
        prefix = os.path.commonpath(wanted) if all(os.path.isabs(path) for path in wanted) else ""
        below = _known(session, columns.where(UsageImportFile.path.startswith(prefix, autoescape=True)))
        chosen = set(wanted)
        return {path: known for path, known in below.items() if path in chosen}
    return _known(session, columns.where(UsageImportFile.path.in_(wanted))) if wanted else {}


def _known(session: Session, statement: Any) -> dict[str, KnownFile]:
    return {row[1]: KnownFile(id=row[0], path=row[1], source=row[2], account_id=row[3], size_bytes=row[4],
                              offset=row[5], fingerprint=row[6], lines=row[7], records=row[8],
                              state=dict(row[9] or {}))
            for row in session.execute(statement)}


def add_files(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert file rows (column dicts); answers path -> id."""
    if not rows:
        return {}
    session.execute(insert(UsageImportFile), rows)
    paths = [row["path"] for row in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(paths), CHUNK):
        ids.update({path: int(file_id) for path, file_id in session.execute(
            select(UsageImportFile.path, UsageImportFile.id).where(
                UsageImportFile.path.in_(paths[start:start + CHUNK])))})
    return ids


def update_files(session: Session, rows: list[dict[str, Any]]) -> None:
    """Update file rows: each dict has ``file_id`` and the columns to set (the same columns in every row)."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "file_id"]
    statement = update(UsageImportFile).where(UsageImportFile.id == bindparam("file_id")).values(
        {name: bindparam(name) for name in columns})
    session.connection().execute(statement, rows)


def stored_copies(session: Session, source: str, message_ids: Iterable[str]) -> list[StoredCopy]:
    """The imported rows of ``source`` with one of ``message_ids``, oldest first."""
    wanted = list(dict.fromkeys(message_ids))
    found: list[StoredCopy] = []
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(CreditEvent.id, CreditEvent.message_id, CreditEvent.request_id, CreditEvent.sidechain,
                   CreditEvent.input_tokens, CreditEvent.output_tokens, CreditEvent.cache_creation_tokens,
                   CreditEvent.cache_read_tokens, CreditEvent.account_id, CreditEvent.session_id,
                   CreditEvent.project_id, CreditEvent.credits,
                   CreditEvent.cost_usd)
            .where(CreditEvent.source == source, CreditEvent.message_id.in_(wanted[start:start + CHUNK]))
            .order_by(CreditEvent.id))
        found.extend(StoredCopy(id=int(row[0]), message_id=row[1] or "", request_id=row[2], sidechain=bool(row[3]),
                                tokens=(int(row[4] or 0), int(row[5] or 0), int(row[6] or 0), int(row[7] or 0)),
                                account_id=int(row[8]), session_id=row[9], project_id=row[10], credits=int(row[11]),
                                cost_usd=row[12]) for row in rows)
    return found


def has_imported(session: Session, source: str) -> bool:
    return session.scalar(select(CreditEvent.id).where(CreditEvent.source == source).limit(1)) is not None


def imported_cost(session: Session, account_id: int) -> float:
    """The exact (unrounded) dollars of every imported row of the account."""
    return float(session.scalar(select(func.coalesce(func.sum(CreditEvent.cost_usd), 0.0)).where(
        CreditEvent.account_id == account_id, CreditEvent.source.is_not(None))) or 0.0)


# The columns of an imported event, in the order ``append_events`` takes them (occurred_at last).
EVENT_COLUMNS = ("account_id", "session_id", "project_id", "credits", "overdrawn", "source", "source_file_id",
                 "message_id", "request_id", "sidechain", "agent_session", "model", "input_tokens", "output_tokens",
                 "cache_creation_tokens", "cache_read_tokens", "cost_usd", "occurred_at")


def append_events(session: Session, rows: list[list[Any]]) -> None:
    """Insert imported events (lists in ``EVENT_COLUMNS`` order, occurred_at aware) with one executemany
    of the driver's own: the bulk path of an import of 100,000 records, where building a dict and
    converting every value per row costs more than the database does. occurred_at is stored as the
    ``UTCDateTime`` type stores it (naive UTC; on SQLite in SQLAlchemy's text format)."""
    if not rows:
        return
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    converted: dict[datetime, Any] = {}
    for row in rows:
        moment = row[-1]
        stored = converted.get(moment)
        if stored is None:
            naive = moment.astimezone(UTC).replace(tzinfo=None)
            stored = converted[moment] = naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive
        row[-1] = stored
    names = ", ".join(f'"{name}"' for name in EVENT_COLUMNS)
    connection.exec_driver_sql(f'INSERT INTO "{CreditEvent.__tablename__}" ({names}) '
                               f"VALUES ({', '.join([mark] * len(EVENT_COLUMNS))})", [tuple(row) for row in rows])


def update_copies(session: Session, rows: list[dict[str, Any]]) -> None:
    """A fuller copy's figures onto stored rows: each dict has ``event_id`` and every column below."""
    if not rows:
        return
    columns = ("request_id", "sidechain", "model", "input_tokens", "output_tokens", "cache_creation_tokens",
               "cache_read_tokens", "cost_usd", "credits", "source_file_id", "agent_session")
    statement = update(CreditEvent).where(CreditEvent.id == bindparam("event_id")).values(
        {name: bindparam(name) for name in columns})
    session.connection().execute(statement, rows)


def add_credits(session: Session, *, sessions: Mapping[int, int], projects: Mapping[int, int]) -> None:
    """Move sessions' and projects' denormalised totals by the given credits (one executemany each)."""
    for model, column, deltas in ((WorkSession, "credits_used", sessions), (Project, "total_credits_used", projects)):
        rows = [{"row_id": key, "delta": delta} for key, delta in deltas.items() if delta]
        if rows:
            session.connection().execute(
                update(model).where(model.id == bindparam("row_id"))
                .values({column: getattr(model, column) + bindparam("delta")}), rows)


def open_sessions(session: Session, account_ids: Iterable[int]) -> dict[int, OpenSession]:
    """account id -> the session in progress leasing it."""
    statement = select(WorkSession.account_id, WorkSession.id, WorkSession.project_id, WorkSession.started_at).where(
        WorkSession.status == SessionStatus.IN_PROGRESS.value, WorkSession.account_id.in_(list(account_ids)))
    return {int(account_id): OpenSession(id=int(session_id), project_id=int(project_id), started_at=started_at)
            for account_id, session_id, project_id, started_at in session.execute(statement)}
