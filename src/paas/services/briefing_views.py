"""Saved briefings read back: a project's briefings (newest first), one by id, the latest handoff.

A briefing is a context snapshot; doors get a ``BriefingView`` (never the row), and
``briefing_fields`` is the one mapping of a view to its fields, so `GET /api/briefings/{id}`
and `paas briefing show --json` answer the same JSON for the same briefing. ``stats``,
``source_format`` and ``source_id`` are None for snapshots saved before they were stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import NotFound
from paas.core.types import Page, SnapshotType
from paas.services.field_rules import parse_enum
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.store import snapshots
from paas.store.schema import ContextSnapshot


@dataclass(frozen=True)
class BriefingView:
    id: int
    project_id: int
    session_id: int | None
    snapshot_type: str
    source_format: str | None
    source_id: int | None
    markdown: str
    summary: str | None
    stats: dict[str, Any] | None
    created_at: datetime
    git_state: dict[str, Any] | None = None  # projects with a repo_path: what the "## Git" section told
    git_commit_hash: str | None = None  # the handoff's auto-commit


def briefing_view(snapshot: ContextSnapshot) -> BriefingView:
    return BriefingView(id=snapshot.id, project_id=snapshot.project_id, session_id=snapshot.session_id,
                        snapshot_type=snapshot.snapshot_type, source_format=snapshot.source_format,
                        source_id=snapshot.source_id, markdown=snapshot.compressed_context,
                        summary=snapshot.context_summary, stats=snapshot.stats, created_at=snapshot.created_at,
                        git_state=snapshot.git_state, git_commit_hash=snapshot.git_commit_hash)


def briefing_fields(view: BriefingView) -> dict[str, Any]:
    """The view's fields by name: what every door shows of a briefing."""
    return asdict(view)


def list_briefings(session: Session, project_id: int, *, snapshot_type: str | None = None, limit: int = 20,
                   offset: int = 0, scope: Scope = EVERY_PROJECT) -> Page[BriefingView]:
    """The project's briefings, newest first (a project that does not exist, or is outside
    ``scope``, is NotFound)."""
    scope.check_project(project_id)
    project = get_project(session, project_id)
    kind = parse_enum(SnapshotType, snapshot_type, "snapshot_type").value if snapshot_type else None
    page = snapshots.page_of_project(session, project.id, snapshot_type=kind, limit=limit, offset=offset)
    return Page(items=[briefing_view(item) for item in page.items], total=page.total, limit=limit, offset=offset)


def get_briefing(session: Session, briefing_id: int, *, project_id: int | None = None,
                 scope: Scope = EVERY_PROJECT) -> BriefingView:
    """One briefing by id; with ``project_id``, only if it belongs to that project; one of a
    project outside ``scope`` is NotFound, as a missing one."""
    snapshot = snapshots.get(session, briefing_id)
    if snapshot is None or (project_id is not None and snapshot.project_id != project_id) \
            or not scope.sees_project(snapshot.project_id):
        where = f" in project {project_id}" if project_id is not None else ""
        raise NotFound(f"briefing {briefing_id} does not exist{where}", {"id": briefing_id, "kind": "briefing"})
    return briefing_view(snapshot)


def latest_handoff(session: Session, project_id: int) -> BriefingView:
    """The project's latest handoff briefing: what the next session should read."""
    project = get_project(session, project_id)
    snapshot = snapshots.latest_handoff_of_project(session, project.id)
    if snapshot is None:
        raise NotFound(f"project {project.id} has no handoff briefing yet",
                       {"project_id": project.id, "kind": "briefing"})
    return briefing_view(snapshot)
