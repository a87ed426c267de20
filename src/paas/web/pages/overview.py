"""``/``: the overview. Stats, the pool's gauge per unit, credits per day, the pool forecast with
the next resets, the alerts feed and the sessions in progress, all computed at request time
from the same services as ``GET /api/stats``, ``paas status`` and ``GET /api/forecast``.

``?part=live`` answers the live region alone: what a page re-fetches when a change is announced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from paas.api.deps import Now, get_db
from paas.services.alerts import list_alerts
from paas.services.analytics import analyze_credits
from paas.services.forecast import show_forecast
from paas.services.stats import show_stats
from paas.services.status import pool_status
from paas.web.auth import Viewer
from paas.web.charts import day_series
from paas.web.templating import render

router = APIRouter(include_in_schema=False)
NEXT_RESETS = 6
CHART_DAYS = 14


def overview_figures(session: Session, now: datetime) -> dict[str, Any]:
    pool = pool_status(session, now)
    forecast = show_forecast(session, now)
    per_day = analyze_credits(session, now=now, days=CHART_DAYS).credits_per_day
    resets = sorted((item for item in pool.accounts if item.status != "disabled"), key=lambda item: item.resets_at)
    return {
        "stats": show_stats(session, now), "pool": pool, "forecast": forecast, "per_day": per_day,
        "per_day_chart": day_series(per_day, "Credits used"), "next_resets": resets[:NEXT_RESETS],
        "alerts": list_alerts(session, status="active", limit=10),
    }


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, user: Viewer, now: Now, part: str | None = None) -> Response:
    if user.scope.limited:  # its figures are over every project: a scoped user goes to its projects
        return RedirectResponse("/projects", status_code=303)
    figures = get_db(request).read(lambda session: overview_figures(session, now))
    name = "overview_live.html" if part == "live" else "overview.html"
    return render(request, name, user, active="/", title="Overview", now=now, **figures)
