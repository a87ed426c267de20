"""A project's rows for export and import: read in keyset pages, written in bulk.

Reads: ``pages(session, section, project_id)`` yields one section's rows as plain dicts named as
the export document names them (``services.export_document``), page by page in id order
(``WHERE id > last ORDER BY id LIMIT n``), so no section is ever held whole; references come out
as natural keys (the account's name, the session's number, the source's sha256, the file's path).
Knowledge is the project's when its source session is. Writes: ``insert_rows`` is one executemany
per chunk; ``insert_sessions`` answers the new ids by number. ``delete_project_rows`` removes
everything that hangs on a project and ``overwrite_project`` gives it the document's values
(``import --on-conflict replace``: the project keeps its id, so token scopes and alerts still
name it; alerts that named one of its sessions keep their history with that reference cleared).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, Select, delete, func, insert, select, text, update
from sqlalchemy.orm import Session, aliased

from paas.core.names import name_key
from paas.store.records import driver_insert_many
from paas.store.schema import (
    Account,
    Alert,
    ContextSnapshot,
    ConversationTurn,
    CreditEvent,
    HandoffQueueItem,
    KnowledgeEntry,
    Project,
    ProjectFile,
    ProjectLink,
    TranscriptSource,
    UsageImportFile,
    WorkSession,
)

PAGE = 1000
ACCOUNT_FIELDS = ("account_name", "account_email", "platform", "specialization", "notes", "tags", "quota",
                  "quota_unit", "window_kind", "window_reset_at", "window_timezone", "window_hours",
                  "rotate_threshold", "admin_state", "disabled_reason", "exhausted_until", "throttled_until",
                  "last_used_at", "created_at", "updated_at")  # never credentials_encrypted
PROJECT_FIELDS = ("id", "name", "description", "status", "total_credits_used", "total_sessions",
                  "rotate_threshold_percent", "auto_rotate", "rotation_strategy", "repo_path", "auto_commit",
                  "created_at", "updated_at")
To = aliased(Account)


def _columns(table: Any, names: Iterable[str]) -> list[Any]:
    return [getattr(table, name) for name in names]


def _session_ids(project_id: int) -> Any:
    return select(WorkSession.id).where(WorkSession.project_id == project_id).scalar_subquery()


def _statements(project_id: int) -> dict[str, tuple[Select[Any], Any]]:
    """Each section's select (its columns named as the document) and the id it is paged by."""
    number = WorkSession.session_number.label("session_number")
    return {
        "sessions": (select(WorkSession.id, number, Account.account_name.label("account"), *_columns(WorkSession, (
            "session_type", "credits_used", "duration_minutes", "objectives", "accomplishments", "blockers",
            "handoff_notes", "checkpoint_data", "status", "started_at", "completed_at", "git_head", "git_branch",
            "updated_at"))).join(Account, Account.id == WorkSession.account_id)
            .where(WorkSession.project_id == project_id), WorkSession.id),
        "credit_events": (select(CreditEvent.id, Account.account_name.label("account"), number, *_columns(CreditEvent, (
            "credits", "note", "occurred_at", "idempotency_key", "overdrawn", "source")),
            UsageImportFile.path.label("usage_file"), *_columns(CreditEvent, (
                "message_id", "request_id", "sidechain", "agent_session", "model", "input_tokens", "output_tokens",
                "cache_creation_tokens", "cache_read_tokens", "cost_usd")))
            .join(Account, Account.id == CreditEvent.account_id)
            .outerjoin(WorkSession, WorkSession.id == CreditEvent.session_id)
            .outerjoin(UsageImportFile, UsageImportFile.id == CreditEvent.source_file_id)
            .where(_event_in_project(project_id)), CreditEvent.id),
        "transcript_sources": (select(TranscriptSource.id, number, *_columns(TranscriptSource, (
            "format", "filename", "sha256", "size_bytes", "content_zlib", "created_at", "last_saved_at")))
            .outerjoin(WorkSession, WorkSession.id == TranscriptSource.session_id)
            .where(TranscriptSource.project_id == project_id), TranscriptSource.id),
        "context_snapshots": (select(ContextSnapshot.id, number, *_columns(ContextSnapshot, (
            "snapshot_type", "compressed_context", "context_summary", "file_count", "code_lines", "git_commit_hash",
            "created_at", "stats", "source_format")), TranscriptSource.sha256.label("source_sha256"),
            ContextSnapshot.git_state)
            .outerjoin(WorkSession, WorkSession.id == ContextSnapshot.session_id)
            .outerjoin(TranscriptSource, TranscriptSource.id == ContextSnapshot.source_id)
            .where(ContextSnapshot.project_id == project_id), ContextSnapshot.id),
        "conversation_history": (select(number, *_columns(ConversationTurn, (
            "turn_number", "role", "content", "tokens_used", "timestamp")))
            .join(WorkSession, WorkSession.id == ConversationTurn.session_id)
            .where(WorkSession.project_id == project_id), ConversationTurn.id),
        "files": (select(*_columns(ProjectFile, (
            "file_path", "file_type", "last_modified", "size_bytes", "git_status", "importance", "notes",
            "created_at", "updated_at"))).where(ProjectFile.project_id == project_id), ProjectFile.id),
        "knowledge": (select(*_columns(KnowledgeEntry, (
            "category", "title", "description", "tags", "usage_count", "success_rate")),
            WorkSession.session_number.label("source_session_number"), KnowledgeEntry.created_at,
            KnowledgeEntry.updated_at).join(WorkSession, WorkSession.id == KnowledgeEntry.source_session_id)
            .where(WorkSession.project_id == project_id), KnowledgeEntry.id),
        "handoff_queue": (select(number, Account.account_name.label("from_account"),
                                 To.account_name.label("to_account"), *_columns(HandoffQueueItem, (
                                     "priority", "handoff_context", "status", "created_at", "processed_at")))
            .join(WorkSession, WorkSession.id == HandoffQueueItem.session_id)
            .join(Account, Account.id == HandoffQueueItem.from_account_id)
            .outerjoin(To, To.id == HandoffQueueItem.to_account_id)
            .where(WorkSession.project_id == project_id), HandoffQueueItem.id),
        "project_links": (select(ProjectLink.path, ProjectLink.created_at)
                          .where(ProjectLink.project_id == project_id), ProjectLink.id),
        "usage_files": (select(UsageImportFile.path, UsageImportFile.source, Account.account_name.label("account"),
                               *_columns(UsageImportFile, ("size_bytes", "offset", "fingerprint", "lines", "records",
                                                           "state", "updated_at")))
                        .join(Account, Account.id == UsageImportFile.account_id)
                        .where(UsageImportFile.id.in_(select(CreditEvent.source_file_id)
                                                      .where(_event_in_project(project_id)))), UsageImportFile.id),
        "accounts": (select(*_columns(Account, ACCOUNT_FIELDS)).where(Account.id.in_(_account_ids(project_id))),
                     Account.id),
    }


def _event_in_project(project_id: int) -> ColumnElement[bool]:
    """The project's ledger: its events carry its id (denormalised at write time, as every figure
    per project is summed)."""
    return CreditEvent.project_id == project_id


def _account_ids(project_id: int) -> Any:
    """Every account the project's rows name: sessions, ledger, handoffs, usage files."""
    sessions = select(WorkSession.id).where(WorkSession.project_id == project_id)
    events = select(CreditEvent.account_id).where(_event_in_project(project_id))
    files = select(UsageImportFile.account_id).where(UsageImportFile.id.in_(
        select(CreditEvent.source_file_id).where(_event_in_project(project_id))))
    return (select(WorkSession.account_id).where(WorkSession.project_id == project_id)
            .union(events, files, select(HandoffQueueItem.from_account_id).where(HandoffQueueItem.session_id.in_(
                sessions)), select(HandoffQueueItem.to_account_id).where(HandoffQueueItem.session_id.in_(sessions))))


def pages(session: Session, section: str, project_id: int, size: int = PAGE) -> Iterator[dict[str, Any]]:
    """``section``'s rows for the project, one keyset page at a time."""
    statement, key = _statements(project_id)[section]
    statement = statement.add_columns(key.label("_key"))
    last: Any = None
    while True:
        page = statement if last is None else statement.where(key > last)
        found = session.execute(page.order_by(key).limit(size)).mappings().all()
        for row in found:
            values = dict(row)
            del values["_key"]
            if "content_zlib" in values:
                values["content"] = zlib.decompress(values.pop("content_zlib")).decode("utf-8")
            yield values
        if len(found) < size:
            return
        last = found[-1]["_key"]


def count(session: Session, section: str, project_id: int) -> int:
    statement, _ = _statements(project_id)[section]
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def project_row(session: Session, project_id: int) -> dict[str, Any] | None:
    found = session.execute(select(*_columns(Project, PROJECT_FIELDS)).where(Project.id == project_id)).mappings()
    row = found.first()
    return dict(row) if row is not None else None


# ---- import ----------------------------------------------------------------------------------

def ids_by(session: Session, column: Any, id_column: Any, values: Sequence[Any]) -> dict[Any, int]:
    found: dict[Any, int] = {}
    for start in range(0, len(values), PAGE):
        chunk = list(values[start:start + PAGE])
        found.update(session.execute(select(column, id_column).where(column.in_(chunk))).all())
    return found


def account_ids(session: Session, names: Sequence[str]) -> dict[str, int]:
    """The ids of the accounts with these names (compared as names are: ``core.names.name_key``)."""
    keys = ids_by(session, Account.account_name_key, Account.id, sorted({name_key(name) for name in names}))
    return {name: keys[name_key(name)] for name in names if name_key(name) in keys}


def usage_file_ids(session: Session, paths: Sequence[str]) -> dict[str, int]:
    return ids_by(session, UsageImportFile.path, UsageImportFile.id, paths)


def taken_idempotency_keys(session: Session, keys: Sequence[str]) -> set[str]:
    return set(ids_by(session, CreditEvent.idempotency_key, CreditEvent.id, keys))


def taken_link_paths(session: Session, paths: Sequence[str]) -> set[str]:
    return set(ids_by(session, ProjectLink.path, ProjectLink.id, paths))


def leased_accounts(session: Session, account_ids: Sequence[int]) -> dict[int, int]:
    """account id -> the project of its open session, for those of ``account_ids`` that have one."""
    found: dict[int, int] = {}
    for start in range(0, len(account_ids), PAGE):
        found.update(session.execute(select(WorkSession.account_id, WorkSession.project_id).where(
            WorkSession.status == "in_progress", WorkSession.account_id.in_(account_ids[start:start + PAGE])))
            .all())
    return found


def insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany: the driver's own for tables without JSON columns (SQLAlchemy's per-row
    parameter processing costs more than the database there), SQLAlchemy's for the others."""
    if not rows:
        return
    if any(isinstance(column.type, JSON) for column in table.__table__.columns):
        session.execute(insert(table.__table__), rows)
    else:
        driver_insert_many(session, table.__table__, rows)


def session_ids(session: Session, project_id: int) -> dict[int, int]:
    """The project's sessions: number -> id."""
    return dict(session.execute(select(WorkSession.session_number, WorkSession.id)
                                .where(WorkSession.project_id == project_id)).all())


def insert_returning(session: Session, table: Any, key: Any, rows: list[dict[str, Any]]) -> dict[Any, int]:
    """Insert ``rows``; the new ids by ``key`` (a session's number, an account's name, a path...)."""
    if not rows:
        return {}
    statement = insert(table.__table__).returning(table.__table__.c.id, key)
    return {found_key: new_id for new_id, found_key in session.execute(statement, rows).all()}


def delete_project_rows(session: Session, project_id: int) -> None:
    """Every row of the project's but the project's own (its id, token scopes and alerts stay)."""
    sessions = _session_ids(project_id)
    session.execute(update(Alert).where(Alert.session_id.in_(sessions)).values(session_id=None))
    session.execute(delete(HandoffQueueItem).where(HandoffQueueItem.session_id.in_(sessions)))
    session.execute(delete(ConversationTurn).where(ConversationTurn.session_id.in_(sessions)))
    session.execute(delete(KnowledgeEntry).where(KnowledgeEntry.source_session_id.in_(sessions)))
    session.execute(delete(CreditEvent).where(_event_in_project(project_id)))
    session.execute(delete(ContextSnapshot).where(ContextSnapshot.project_id == project_id))
    session.execute(delete(TranscriptSource).where(TranscriptSource.project_id == project_id))
    session.execute(delete(ProjectFile).where(ProjectFile.project_id == project_id))
    session.execute(delete(ProjectLink).where(ProjectLink.project_id == project_id))
    session.execute(delete(WorkSession).where(WorkSession.project_id == project_id))


def overwrite_project(session: Session, project_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Project).where(Project.id == project_id).values(
        **values, name_key=name_key(values["name"])))


def project_id_named(session: Session, name: str) -> int | None:
    return session.scalar(select(Project.id).where(Project.name_key == name_key(name)))


def schema_revision(session: Session) -> str | None:
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def name_taken(session: Session, name: str) -> bool:
    return project_id_named(session, name) is not None
