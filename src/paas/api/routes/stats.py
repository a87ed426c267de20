"""GET /api/stats: the dashboard's figures, computed."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from paas.api.deps import Now, SessionDep, Viewer
from paas.api.routes import errors
from paas.api.schemas import Ok, StatsOut
from paas.services.stats import compute_stats

router = APIRouter(tags=["stats"])


@router.get("/api/stats", response_model=Ok[StatsOut], responses=errors())
def get_stats(session: SessionDep, now: Now, _: Viewer) -> Ok[StatsOut]:
    stats = compute_stats(session, now)
    figures = asdict(stats)
    return Ok(data=StatsOut(
        active_accounts=stats.usable_accounts,
        total_credits=stats.credits_used_total,
        total_sessions=stats.sessions_total,
        **{key: value for key, value in figures.items() if key != "usable_accounts"},
    ))
