"""What a token may see: every project (unscoped), or only the projects it is scoped to.

The rule, in one place for every door (API, web, MCP; the CLI is the database's owner and
unscoped):

- An unscoped token sees everything, as before scopes existed.
- A scoped token sees only its projects and what belongs to them (sessions, briefings, files,
  credit events, conversation, handoffs, knowledge taught by their sessions, alerts raised for
  them). Anything of another project is answered exactly as if it did not exist: 404 with the
  same message a missing record gets, never 403, so a scoped token cannot probe what exists.
  Listings hold only its projects' rows. A token whose projects were all deleted sees nothing,
  never everything (``project_ids`` is then empty, not None).
- The account pool is shared by every project: a scoped token reads it (accounts, select-best,
  report-limit on the account it works on), but changes to the pool or to the service itself
  (account writes, batch creation, webhooks) and creating projects need an unscoped token
  (403 ``forbidden``). Figures over every project (``GET /api/stats``, credit analytics without a
  project) are refused to a scoped token (403); with one of its projects named they answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from paas.core.errors import Forbidden, NotFound
from paas.core.types import Role


@dataclass(frozen=True)
class Scope:
    """The projects a caller sees: ``project_ids`` None means every project."""

    project_ids: frozenset[int] | None = None

    @property
    def limited(self) -> bool:
        return self.project_ids is not None

    def allows(self, project_id: int | None) -> bool:
        """Whether a row of ``project_id`` is visible (a row of no project is pool-wide: visible)."""
        return self.project_ids is None or project_id is None or project_id in self.project_ids

    def sees_project(self, project_id: int) -> bool:
        return self.project_ids is None or project_id in self.project_ids

    def check_project(self, project_id: int) -> None:
        """NotFound, worded as for a missing project, when ``project_id`` is outside the scope."""
        if not self.sees_project(project_id):
            raise NotFound(f"project {project_id} does not exist", {"id": project_id, "kind": "project"})

    def check_named(self, project_id: int, ref: str | int | None) -> None:
        """``check_project`` for a project a caller named: by name, the words a missing name gets."""
        text = str(ref).strip() if ref is not None else ""
        if text and not text.isdigit() and not self.sees_project(project_id):
            raise NotFound(f"no project named {text!r}", {"project": text, "suggestions": []})
        self.check_project(project_id)

    def check_row(self, project_id: int, label: str, row_id: int) -> None:
        """NotFound, worded as for a missing ``label`` row, when its project is outside the scope."""
        if not self.sees_project(project_id):
            raise NotFound(f"{label} {row_id} does not exist", {"id": row_id, "kind": label})

    def refuse_if_limited(self, action: str) -> None:
        """Forbidden for a scoped token: ``action`` concerns every project or the shared pool."""
        if self.limited:
            raise Forbidden(f"{action} needs a token that is not scoped to projects",
                            {"scoped": True})

    def visible(self, project_ids: Iterable[int]) -> list[int]:
        return [item for item in project_ids if self.sees_project(item)]


EVERY_PROJECT = Scope()
NO_PROJECT = Scope(frozenset())


def scope_of(project_scoped: bool, project_ids: Iterable[int]) -> Scope:
    """A token's scope from its stored flag and the (still existing) projects listed for it."""
    return Scope(frozenset(project_ids)) if project_scoped else EVERY_PROJECT


@dataclass(frozen=True)
class Principal:
    """Who a request is: the live token's id, name and role, and what it may see."""

    id: int
    name: str
    role: str
    last_used_at: datetime | None
    scope: Scope = EVERY_PROJECT
    expires_at: datetime | None = None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)
