"""What each MCP tool does: open the one unit of work, call the services, answer the API's JSON.

Shared by both transports (``paas mcp`` over stdio, streamable HTTP at ``/mcp``); ``server``
registers these with the descriptions an agent reads. The same thing answers the same JSON as
the API (``views.as_json``; a saved briefing is the object of `GET /api/briefings/{id}`). A
domain error (``core.errors``) becomes a tool error carrying its message and details as text;
an unreachable database, one saying so. Nothing here speaks SQL or holds a row.

Which project: the tool's ``project`` argument (a name or an id), else the door's default
(``paas mcp --project P``), else the project linked to the working directory
(``paas projects link DIR --project P``; stdio only: over HTTP the server's directory is not
the agent's). Slow work (a briefing, the session's own words) runs in a read transaction
before the short write that saves it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic_core import to_jsonable_python
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from paas.core import errors
from paas.services import agent_briefing, briefing, knowledge, project_links, rotation, sessions, status, usage
from paas.services.briefing_views import BriefingView, briefing_fields
from paas.services.database import Database
from paas.services.forecast import show_forecast
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import as_json

# A long agent session's log is tens of megabytes (Claude Code JSONL); the engine reads 10 MB in ~1.4 s.
MAX_TRANSCRIPT_BYTES = 32 * 1024 * 1024
T = TypeVar("T")


def error_text(problem: errors.PaasError) -> str:
    """The error's message, and its details as ``key: value`` text (a not-found's details are its name)."""
    if not problem.details or isinstance(problem, errors.NotFound):
        return problem.message
    said = ", ".join(f"{key}: {value if isinstance(value, str | int | float) else json.dumps(value, default=str)}"
                     for key, value in problem.details.items())
    return f"{problem.message} ({said})"


@contextmanager
def tool_errors() -> Iterator[None]:
    """Domain and database failures as tool errors with a clear message (never a traceback)."""
    try:
        yield
    except errors.PaasError as problem:
        raise ToolError(error_text(problem)) from problem
    except OperationalError as problem:
        raise ToolError(f"database unavailable or busy; retry shortly ({problem.orig})") from problem


def briefing_json(found: BriefingView | agent_briefing.FreshBriefing) -> dict[str, Any]:
    fields = briefing_fields(found) if isinstance(found, BriefingView) else asdict(found)
    answer: dict[str, Any] = to_jsonable_python(fields)
    return answer


@dataclass
class McpDoor:
    """The database, the clock, and what names the project when a tool does not."""

    db: Database
    clock: Callable[[], datetime]
    margin_percent: int
    default_project: str | None = None
    directory: Path | None = None  # the working directory whose link names the project (stdio)
    reads_files: bool = False  # stdio only: over HTTP a path would be the server's file, not the agent's

    def _project(self, session: Session, project: str | int | None, scope: Scope) -> int:
        named = project if project is not None and str(project).strip() else self.default_project
        found = project_links.require_project(session, named, self.directory)
        scope.check_named(found, named)  # another project than the token's: as if it did not exist
        return found

    def _read(self, work: Callable[[Session], T]) -> T:
        return self.db.read(work)

    def report_usage(self, *, credits: int, note: str | None, project: str | int | None,
                     scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
        project_id = self._read(lambda session: self._project(session, project, scope))
        answer = usage.report_usage(self.db.read, self.db.run, now=self.clock(), credits=credits, note=note,
                                    project_id=project_id, margin_percent=self.margin_percent, scope=scope)
        result: dict[str, Any] = as_json(answer)
        return result

    def save_context(self, *, transcript_path: str | None, text: str | None,
                     project: str | int | None, scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
        if (transcript_path is None) == (text is None):
            raise errors.InvalidInput("give the transcript's path or its text (one of them)",
                                      {"fields": ["transcript_path", "text"]})
        filename = None
        if transcript_path is not None:
            text, filename = self._read_transcript(transcript_path)
        assert text is not None
        if len(text.encode("utf-8", errors="replace")) > MAX_TRANSCRIPT_BYTES:
            raise errors.InvalidInput(f"the transcript is over {MAX_TRANSCRIPT_BYTES:,} bytes",
                                      {"max_bytes": MAX_TRANSCRIPT_BYTES})
        project_id = self._read(lambda session: self._project(session, project, scope))
        saved = briefing.save_context(self.db.read, self.db.run, project_id=project_id, context=text,
                                      now=self.clock(), filename=filename, scope=scope)
        return {"snapshot": as_json(saved.snapshot), "source": as_json(saved.source) if saved.source else None,
                "source_stored": saved.source_stored, "briefing": saved.briefing.markdown,
                "stats": to_jsonable_python(saved.briefing.stats)}

    def _read_transcript(self, transcript_path: str) -> tuple[str, str]:
        if not self.reads_files:
            raise errors.InvalidInput("over HTTP send the transcript's text: transcript_path is read only by a "
                                      "local `paas mcp` (the server's files are not yours)",
                                      {"field": "transcript_path"})
        path = Path(transcript_path).expanduser()
        if not path.is_absolute() and self.directory is not None:
            path = self.directory / path
        if not path.is_file():
            raise errors.InvalidInput(f"{path}: no such file", {"field": "transcript_path"})
        size = path.stat().st_size
        if size > MAX_TRANSCRIPT_BYTES:
            raise errors.InvalidInput(f"{path} is {size:,} bytes, over the {MAX_TRANSCRIPT_BYTES:,} a transcript "
                                      "may be", {"field": "transcript_path", "max_bytes": MAX_TRANSCRIPT_BYTES})
        try:
            return path.read_text(encoding="utf-8", errors="replace"), path.name
        except OSError as problem:
            raise errors.InvalidInput(f"{path}: {problem.strerror}", {"field": "transcript_path"}) from problem

    def get_briefing(self, *, level: str | None, project: str | int | None,
                     scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
        now = self.clock()
        return briefing_json(self._read(lambda session: agent_briefing.current_briefing(
            session, project_id=self._project(session, project, scope), now=now, level=level)))

    def handoff(self, *, summary: str | None, next_step: str | None, level: str,
                project: str | int | None, scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
        def prepare(session: Session) -> tuple[int, int, str]:
            project_id = self._project(session, project, scope)
            words = agent_briefing.own_words(session, project_id=project_id, summary=summary, next_step=next_step)
            return project_id, sessions.current_account(session, project_id), words

        project_id, current, words = self._read(prepare)
        answer = rotation.rotate(self.db.read, self.db.run, project_id=project_id, current_account_id=current,
                                 now=self.clock(), level=level, own_words=words or None,
                                 margin_percent=self.margin_percent, scope=scope)
        result: dict[str, Any] = as_json(answer)
        return result

    def pool_status(self, scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
        now = self.clock()
        result: dict[str, Any] = as_json(self._read(lambda session: status.pool_status(session, now, scope=scope)))
        return result

    def forecast(self, scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
        now = self.clock()
        result: dict[str, Any] = as_json(self._read(lambda session: show_forecast(session, now, scope=scope)))
        return result

    def search_knowledge(self, *, query: str, category: str | None, limit: int,
                         scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
        page = self._read(lambda session: knowledge.search_knowledge(session, category=category, query=query,
                                                                     limit=limit, scope=scope))
        return {"data": as_json(page.items), "pagination": {"total": page.total, "limit": limit, "offset": 0}}

    def add_knowledge(self, *, category: str, title: str, description: str | None,
                      tags: list[str] | None) -> dict[str, Any]:
        def add(session: Session) -> dict[str, Any]:
            entry: dict[str, Any] = as_json(knowledge.add_knowledge(session, category=category, title=title,
                                                                    description=description, tags=tags))
            return entry

        return self.db.run(add)
