"""GET /api/stats: the dashboard's figures, computed."""

from __future__ import annotations

from fastapi import APIRouter

from paas.api.deps import Now, SessionDep, Viewer
from paas.api.routes import errors
from paas.api.schemas import Ok
from paas.services.stats import StatsOut, show_stats

router = APIRouter(tags=["stats"])


@router.get("/api/stats", response_model=Ok[StatsOut], responses=errors())
def get_stats(session: SessionDep, now: Now, caller: Viewer) -> Ok[StatsOut]:
    """Figures over every project and account (403 to a token scoped to projects)."""
    return Ok(data=show_stats(session, now, scope=caller.scope))
