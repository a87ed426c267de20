"""Import, step two: write a checked document in the caller's one write transaction.

Before the first write it settles what the target database decides: a project of the same name
(``on_conflict``: ``error`` refuses, ``skip`` imports nothing, ``rename`` takes the first free
``NAME (2)``, ``NAME (3)``..., ``replace`` deletes the existing project's rows first and
gives the project, under its own id, the document's values),
an account named by an open session that is leased to another open session here (refused), and
the accounts the document names: an existing account of that name is used as it is, a missing
one is created from the document's settings, without credentials. An idempotency key the target
already holds is dropped from the imported event (it still counts; counted in ``notes``), and a
project link whose path another project holds is left out. Rows are written section by section,
in chunks (``store.export``). The caller's transaction is the only commit: a failure or a
``kill -9`` leaves nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from sqlalchemy.orm import Session

from paas.core.errors import Conflict
from paas.core.events import ProjectChanged
from paas.services.export_document import SECTIONS, Row
from paas.services.import_check import Checked, DocumentSource
from paas.store import export as store
from paas.store.schema import (
    Account,
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
from paas.store.unit import publish

OnConflict = Literal["error", "skip", "rename", "replace"]
ON_CONFLICT: tuple[OnConflict, ...] = ("error", "skip", "rename", "replace")
CHUNK = 1000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    outcome: Literal["imported", "renamed", "replaced", "skipped"]
    project_id: int | None
    project_name: str
    counts: dict[str, int] = field(default_factory=dict)
    accounts_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _free_name(session: Session, name: str) -> str:
    for number in range(2, 10_000):
        suffix = f" ({number})"
        candidate = name[:200 - len(suffix)] + suffix
        if not store.name_taken(session, candidate):
            return candidate
    raise Conflict(f"no free name for a copy of project {name!r}", {"name": name})


def _fields(row: Row) -> dict[str, Any]:
    values = {name: value.value if isinstance(value, Enum) else value for name, value in row.__dict__.items()}
    values.pop("id", None)
    return values


def import_checked(session: Session, source: DocumentSource, checked: Checked, *, on_conflict: OnConflict,
                   now: datetime, progress: Progress | None = None) -> ImportResult:
    """Write the document; ``progress(n)`` after each ``n`` rows."""
    del now  # every timestamp comes from the document
    name = source.project.name
    outcome: Literal["imported", "renamed", "replaced"] = "imported"
    existing = store.project_id_named(session, name)
    if existing is not None:
        if on_conflict == "error":
            raise Conflict(f"a project named {name!r} exists; choose --on-conflict skip, rename or replace",
                           {"name": name, "id": existing})
        if on_conflict == "skip":
            return ImportResult(outcome="skipped", project_id=existing, project_name=name)
        if on_conflict == "rename":
            name, outcome = _free_name(session, name), "renamed"
        else:
            store.delete_project_rows(session, existing)
            outcome = "replaced"
    writer = _Writer(session, checked, progress)
    project_id = writer.project(source.project, name, existing if outcome == "replaced" else None)
    for section in SECTIONS:
        writer.section(section, source, project_id)
    change = "updated" if outcome == "replaced" else "created"
    publish(session, ProjectChanged(project_id=project_id, change=change))
    return ImportResult(outcome=outcome, project_id=project_id, project_name=name, counts=writer.counts,
                        accounts_created=writer.created, notes=writer.notes)


class _Writer:
    def __init__(self, session: Session, checked: Checked, progress: Progress | None) -> None:
        self.session, self.checked, self.progress = session, checked, progress
        self.accounts: dict[str, int] = store.account_ids(session, checked.account_names)
        self.usage: dict[str, int] = {}
        self.sessions: dict[int, int] = {}
        self.sources: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.created: list[str] = []
        self.notes: list[str] = []
        self.dropped_keys = store.taken_idempotency_keys(session, checked.idempotency_keys)
        self.taken_links = store.taken_link_paths(session, checked.link_paths)
        self._check_leases()

    def _check_leases(self) -> None:
        known = {name: self.accounts[name] for name in self.checked.leased if name in self.accounts}
        leased = store.leased_accounts(self.session, list(known.values()))
        for name, account_id in known.items():
            if account_id in leased:
                raise Conflict(f"account {name!r} is leased to an open session of project {leased[account_id]} "
                               f"here; the document's open session {self.checked.leased[name]} needs it",
                               {"account": name, "project_id": leased[account_id]})

    def project(self, row: Row, name: str, replacing: int | None) -> int:
        values = {**_fields(row), "name": name}
        if replacing is not None:
            store.overwrite_project(self.session, replacing, values)
            return replacing
        return next(iter(store.insert_returning(self.session, Project, Project.__table__.c.name, [values]).values()))

    def section(self, section: str, source: DocumentSource, project_id: int) -> None:
        chunk: list[dict[str, Any]] = []
        done = 0
        for row in source.rows(section):
            values = self._columns(section, row, project_id)
            if values is not None:
                chunk.append(values)
                done += 1
            if len(chunk) >= CHUNK:
                self._flush(section, chunk)
                chunk = []
            if self.progress is not None:
                self.progress(1)
        self._flush(section, chunk)
        self.counts[section] = done
        if section == "sessions":
            self.sessions = store.session_ids(self.session, project_id)
        if section == "credit_events" and self.dropped_keys:
            self.notes.append(f"{len(self.dropped_keys)} idempotency keys already used here were left off the "
                              "imported events")
        if section == "project_links" and self.taken_links:
            self.notes.append(f"{len(self.taken_links)} project links left out: another project holds their path")

    def _columns(self, section: str, row: Row, project_id: int) -> dict[str, Any] | None:
        values = _fields(row)
        number = values.pop("session_number", None)
        session_id = self.sessions[number] if number is not None and section != "sessions" else None
        if "account" in values:
            values["account_id"] = self.accounts[values.pop("account")]
        if section == "accounts":
            return None if values["account_name"] in self.accounts else values
        if section == "sessions":
            values.update(project_id=project_id, session_number=number)
        elif section == "credit_events":
            path = values.pop("usage_file")
            if values["idempotency_key"] in self.dropped_keys:
                values["idempotency_key"] = None
            values.update(session_id=session_id, project_id=project_id,
                          source_file_id=self.usage[path] if path is not None else None)
        elif section == "transcript_sources":
            values.update(content_zlib=zlib.compress(values.pop("content").encode("utf-8")), project_id=project_id,
                          session_id=session_id)
        elif section == "context_snapshots":
            sha = values.pop("source_sha256")
            values.update(project_id=project_id, session_id=session_id,
                          source_id=self.sources[sha] if sha is not None else None)
        elif section == "conversation_history":
            values["session_id"] = session_id
        elif section == "project_links" and values["path"] in self.taken_links:
            return None
        elif section in ("files", "project_links"):
            values["project_id"] = project_id
        elif section == "knowledge":
            values["source_session_id"] = self.sessions[values.pop("source_session_number")]
        elif section == "handoff_queue":
            to = values.pop("to_account")
            values.update(session_id=session_id, from_account_id=self.accounts[values.pop("from_account")],
                          to_account_id=self.accounts[to] if to is not None else None)
        return values

    def _flush(self, section: str, chunk: list[dict[str, Any]]) -> None:
        if not chunk:
            return
        if section == "accounts":
            made = store.insert_returning(self.session, Account, Account.__table__.c.account_name, chunk)
            self.accounts.update(made)
            self.created.extend(made)
        elif section == "usage_files":
            have = store.usage_file_ids(self.session, [row["path"] for row in chunk])
            self.usage.update(have)
            fresh = [row for row in chunk if row["path"] not in have]
            self.usage.update(store.insert_returning(self.session, UsageImportFile,
                                                     UsageImportFile.__table__.c.path, fresh))
        elif section == "sessions":
            store.insert_rows(self.session, WorkSession, chunk)
        elif section == "transcript_sources":
            self.sources.update(store.insert_returning(self.session, TranscriptSource,
                                                       TranscriptSource.__table__.c.sha256, chunk))
        else:
            store.insert_rows(self.session, TABLES[section], chunk)


TABLES = {"credit_events": CreditEvent, "context_snapshots": ContextSnapshot,
          "conversation_history": ConversationTurn, "files": ProjectFile, "knowledge": KnowledgeEntry,
          "handoff_queue": HandoffQueueItem, "project_links": ProjectLink}
