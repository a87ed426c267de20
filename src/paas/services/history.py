"""Learning from history, for every door: what a task will take (``estimate_task``) and the
accounts suited to it; selection uses the same answer (``services.selection``).

History is the newest ``HISTORY_LIMIT`` ended sessions that spent credits (one bounded query,
``store.history``), in one quota unit: credits, tokens and dollars do not average together, so
the estimate is in the unit asked for, else the one most of that history is in. The index over
them (``core.history.HistoryIndex``) is kept for the next call while the history is unchanged.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints
from sqlalchemy.orm import Session

from paas.core import history as core
from paas.core.errors import InvalidInput
from paas.core.types import SessionType
from paas.core.units import dollars
from paas.services.account_input import Input
from paas.services.field_rules import Id, parse_enum, required_text, storable
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import View
from paas.store import history as store

HISTORY_LIMIT = 5_000
MAX_TASK_CHARS = 20_000
TaskText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TASK_CHARS), AfterValidator(storable)]


class EstimateInput(Input):
    """POST /api/estimate's body (`paas estimate` passes the same fields)."""

    text: TaskText = Field(description="What the task is, in words (an objective, an issue's text).")
    project_id: Id | None = None
    session_type: SessionType | None = None


class NeighbourOut(View):
    session_id: int
    similarity: float = Field(description="Cosine similarity of the task's words to the session's, 0..1.")
    credits: int
    account_id: int


class SuitedOut(View):
    account_id: int
    account_name: str
    sessions: int = Field(description="Similar sessions on this account (failed ones included).")
    completed: int = Field(description="Of them, completed or handed off.")
    avg_credits: float
    credits_per_completed: float = Field(description="Credits spent per similar session that got done.")


class EstimateOut(View):
    estimate_credits: int | None = Field(description="Credits the task will likely take (none without history).")
    low: int | None = Field(description="The neighbours' weighted 20th percentile.")
    high: int | None = Field(description="The neighbours' weighted 80th percentile.")
    basis: Literal["similar_sessions", "global_mean", "no_history"]
    unit: str = Field(description="The quota unit of the figures (credits, tokens or usd).")
    sessions_considered: int = Field(description="Past sessions searched (newest first, in this unit).")
    neighbours: list[NeighbourOut]
    suited_accounts: list[SuitedOut] = Field(description="Accounts most efficient on similar work, best first.")


_lock = threading.Lock()
_cached: tuple[tuple[tuple[object, ...], ...], core.HistoryIndex] | None = None


def _index(rows: list[Any]) -> core.HistoryIndex:
    """The index of these rows (newest first): the last one built when the rows are the same again
    (compared whole, so a changed text, status or credit figure builds a new one)."""
    global _cached
    key = tuple(tuple(row) for row in rows)
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
    index = core.HistoryIndex([
        core.PastSession(id=row.id, account_id=row.account_id, project_id=row.project_id,
                         session_type=row.session_type, status=row.status, credits=int(row.credits_used),
                         text=_text(row)) for row in reversed(rows)])  # oldest first
    with _lock:
        _cached = (key, index)
    return index


def _text(row: object) -> str:
    parts = (getattr(row, name) for name in ("objectives", "accomplishments", "handoff_notes", "briefing_head"))
    return "\n".join(part for part in parts if part)


def estimate_task(session: Session, *, text: str, project_id: int | None = None, session_type: str | None = None,
                  now: datetime, unit: str | None = None, scope: Scope = EVERY_PROJECT) -> EstimateOut:
    """What a task described by ``text`` will take, from the past sessions most like it (a scoped
    caller's, from its projects' sessions only)."""
    text = required_text(text, "text")
    if len(text) > MAX_TASK_CHARS:
        raise InvalidInput(f"text must be at most {MAX_TASK_CHARS:,} characters", {"field": "text"})
    kind = parse_enum(SessionType, session_type, "session_type").value if session_type else None
    if project_id is not None:
        scope.check_project(project_id)
        get_project(session, project_id)
    rows = [row for row in store.past_sessions(session, now=now, limit=HISTORY_LIMIT)
            if scope.sees_project(row.project_id)]
    units = Counter(row.quota_unit or "credits" for row in rows)
    chosen = unit or min(units, key=lambda name: (-units[name], name != "credits", name), default="credits")
    rows = [row for row in rows if (row.quota_unit or "credits") == chosen]
    names = {row.account_id: row.account_name for row in rows}
    found = core.estimate(_index(rows), text, session_type=kind, project_id=project_id)
    return EstimateOut(
        estimate_credits=found.credits, low=found.low, high=found.high, basis=found.basis,  # type: ignore[arg-type]
        unit=chosen, sessions_considered=found.sessions_considered,
        neighbours=[NeighbourOut(session_id=item.session.id, similarity=item.similarity, credits=item.session.credits,
                                 account_id=item.session.account_id) for item in found.neighbours],
        suited_accounts=[SuitedOut(account_id=item.account_id, account_name=names[item.account_id],
                                   sessions=item.sessions, completed=item.completed, avg_credits=item.avg_credits,
                                   credits_per_completed=item.credits_per_completed) for item in found.suited],
    )


def describe_estimate(estimate: EstimateOut) -> str:
    """One line for people: "this task usually takes ~N credits (from K similar sessions)"."""
    if estimate.estimate_credits is None:
        return "no ended sessions with credits yet: nothing to estimate from"
    def shown(value: int | None) -> str:  # usd counts cents: say dollars, never cents called usd
        return dollars(value or 0) if estimate.unit == "usd" else f"{value}"

    unit = "" if estimate.unit == "usd" else f" {estimate.unit}"
    spread = f", {shown(estimate.low)}-{shown(estimate.high)}" if estimate.low != estimate.high else ""
    if estimate.basis == "similar_sessions":
        return (f"this task usually takes ~{shown(estimate.estimate_credits)}{unit}{spread} "
                f"(from {len(estimate.neighbours)} similar sessions)")
    return (f"no similar past sessions: a session takes ~{shown(estimate.estimate_credits)}{unit}{spread} "
            f"on average (global mean of {estimate.sessions_considered})")
