"""What the dashboard's project pages show, each read in one transaction from the same services
the API's project, session and briefing routes use.

- ``project_rows``: every project with the account it works on now (its newest session in
  progress, as ``sessions.list_sessions(status="in_progress")`` lists them), newest project first.
- ``project_detail``: one project's story: the session timeline, its briefings (newest first; the
  first is the latest, what the next session reads), the files it tracks, the git state its latest
  briefing told, the directories linked to it, and the knowledge entries its briefings linked or
  its sessions taught. An unknown project is ``NotFound``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.core.types import SessionStatus
from paas.services.briefing_views import BriefingView, list_briefings
from paas.services.project_links import links_of
from paas.services.projects import list_projects, show_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.sessions import list_sessions
from paas.services.views import KnowledgeOut, ProjectOut, SessionOut, View
from paas.store import files as file_store
from paas.store import knowledge as knowledge_store

MAX_ROWS = 500


@dataclass(frozen=True)
class ProjectRow:
    project: ProjectOut
    working: SessionOut | None  # the newest session in progress, None when the project rests

    @property
    def account_name(self) -> str | None:
        return self.working.account_name if self.working else None


def _working_sessions(session: Session, scope: Scope) -> dict[int, SessionOut]:
    """Each project's newest session in progress (listed newest first: the first seen wins)."""
    working: dict[int, SessionOut] = {}
    for item in list_sessions(session, status=SessionStatus.IN_PROGRESS.value, limit=MAX_ROWS * 2,
                              scope=scope).items:
        working.setdefault(item.project_id, item)
    return working


def project_rows(session: Session, *, limit: int = MAX_ROWS, scope: Scope = EVERY_PROJECT) -> list[ProjectRow]:
    """The projects ``scope`` sees, each with the session working on it now."""
    working = _working_sessions(session, scope)
    return [ProjectRow(project=project, working=working.get(project.id))
            for project in list_projects(session, limit=limit, scope=scope).items]


class ProjectFileOut(View):
    """A file the project tracks."""

    file_path: str
    file_type: str | None
    importance: str
    git_status: str | None
    size_bytes: int | None
    last_modified: datetime | None
    notes: str | None


@dataclass(frozen=True)
class ProjectDetail:
    project: ProjectOut
    sessions: list[SessionOut]  # newest first
    sessions_total: int
    briefings: list[BriefingView]  # newest first
    briefings_total: int
    files: list[ProjectFileOut]
    links: list[str]
    knowledge: list[KnowledgeOut]

    @property
    def working(self) -> SessionOut | None:
        return next((item for item in self.sessions if item.status == SessionStatus.IN_PROGRESS), None)

    @property
    def latest(self) -> BriefingView | None:
        return self.briefings[0] if self.briefings else None

    @property
    def earlier(self) -> list[BriefingView]:
        return self.briefings[1:]

    @property
    def git(self) -> dict[str, Any] | None:
        """The git state the newest briefing that told one kept (projects with a repo_path)."""
        return next((item.git_state for item in self.briefings if item.git_state), None)


def _linked_ids(briefings: list[BriefingView]) -> list[int]:
    found: list[int] = []
    for item in briefings:
        for entry in (item.stats or {}).get("knowledge_linked") or []:
            if isinstance(entry, int) and entry not in found:
                found.append(entry)
    return found


def project_detail(session: Session, project_id: int, *, sessions_limit: int = 100,
                   briefings_limit: int = 20, files_limit: int = 200, scope: Scope = EVERY_PROJECT) -> ProjectDetail:
    project = show_project(session, project_id, scope=scope)  # outside the scope: NotFound, as a missing one
    timeline = list_sessions(session, project_id=project.id, limit=sessions_limit)
    briefings = list_briefings(session, project.id, limit=briefings_limit)
    files = [ProjectFileOut.model_validate(row) for row in file_store.of_project(session, project.id, files_limit)]
    knowledge = [KnowledgeOut.model_validate(row) for row in knowledge_store.linked(
        session, _linked_ids(briefings.items), [item.id for item in timeline.items])]
    return ProjectDetail(project=project, sessions=timeline.items, sessions_total=timeline.total,
                         briefings=briefings.items, briefings_total=briefings.total, files=files,
                         links=links_of(session, project.id), knowledge=knowledge)
