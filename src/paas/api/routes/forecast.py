"""GET /api/forecast: burn rates, pace, run-out and threshold times, the pool's dry time and tomorrow's
credits, at the app's clock."""

from __future__ import annotations

from fastapi import APIRouter

from paas.api.deps import Now, SessionDep, Viewer
from paas.api.routes import errors
from paas.api.schemas import Ok
from paas.services.forecast import ForecastOut, show_forecast

router = APIRouter(tags=["forecast"])


@router.get("/api/forecast", response_model=Ok[ForecastOut], responses=errors())
def get_forecast(session: SessionDep, now: Now, caller: Viewer) -> Ok[ForecastOut]:
    """The shared pool's forecast; a token scoped to projects sees only its projects' sessions."""
    return Ok(data=show_forecast(session, now, scope=caller.scope))
