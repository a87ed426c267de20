"""``/analytics``: credit analytics for a window and a unit (``services.analytics.analyze_credits``, as
``POST /api/private/analyze-credits`` and ``paas analytics``): sessions per 10 points of quota with the
optimal 85–92 band, credits per day, each account's efficiency; imported usage per day and model
(``services.usage_report``); the forecast (``services.forecast``); and, for a task described in the
form, the history's estimate (``services.history.estimate_task``, as ``POST /api/estimate``). Every
chart has its figures in a table. A GET form chooses the unit and the days.

``?part=live`` answers the live region alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from paas.api.deps import Now, get_db
from paas.core.errors import PaasError
from paas.core.types import QuotaUnit
from paas.services.analytics import analyze_credits
from paas.services.forecast import show_forecast
from paas.services.history import describe_estimate, estimate_task
from paas.services.usage_report import ImportedUsageOut, imported_usage
from paas.web.auth import Viewer
from paas.web.charts import chart, day_series
from paas.web.templating import render

router = APIRouter(include_in_schema=False)
DAY_CHOICES = (7, 14, 30, 90, 365)
OPTIMAL_BAND = (85, 92)
CHARTED_MODELS = 5


def _seconds(day: Any) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def usage_chart(usage: ImportedUsageOut) -> str:
    """Tokens per UTC day for the models with the most tokens (the table lists every row)."""
    days = sorted({row.date for row in usage.rows})
    models = [item.model for item in usage.models[:CHARTED_MODELS]]
    tokens = {(row.date, row.model): 0 for row in usage.rows}
    for row in usage.rows:
        tokens[(row.date, row.model)] += row.input_tokens + row.output_tokens + row.cache_tokens
    series = [{"label": model, "values": [tokens.get((day, model), 0) for day in days]} for model in models]
    return chart(kind="bars", x=[_seconds(day) for day in days], series=series, time=True)


def analytics_figures(session: Session, now: datetime, *, days: int, unit: QuotaUnit | None,
                      task: str) -> dict[str, Any]:
    analysis = analyze_credits(session, now=now, days=days, unit=unit)
    usage = imported_usage(session, now=now, days=days)
    histogram = chart(kind="bars", x=[item.from_ for item in analysis.histogram],
                      series=[{"label": "Sessions", "values": [item.sessions for item in analysis.histogram]}],
                      band=OPTIMAL_BAND, x_label="% of quota")
    estimate = estimate_task(session, text=task, now=now, unit=analysis.unit.value) if task.strip() else None
    return {"analysis": analysis, "histogram_chart": histogram, "usage": usage, "usage_chart": usage_chart(usage),
            "per_day_chart": day_series(analysis.credits_per_day, f"{analysis.unit.value} used"),
            "forecast": show_forecast(session, now), "estimate": estimate,
            "estimate_line": describe_estimate(estimate) if estimate else None}


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(request: Request, user: Viewer, now: Now, days: str = "30", unit: str = "", task: str = "",
                   part: str | None = None) -> HTMLResponse:
    user.scope.refuse_if_limited("the analytics over every project")  # 403 to a scoped user
    form = {"days": days, "unit": unit, "task": task[:2000]}
    error: str | None = None
    try:
        chosen_days = int(days)
        chosen_unit = QuotaUnit(unit) if unit else None
    except ValueError:
        chosen_days, chosen_unit, error = 30, None, "days must be a whole number and unit one of credits, tokens, usd"
    try:
        figures = get_db(request).read(lambda session: analytics_figures(
            session, now, days=chosen_days, unit=chosen_unit, task=form["task"]))
    except PaasError as problem:
        error = problem.message
        figures = get_db(request).read(lambda session: analytics_figures(session, now, days=30, unit=None, task=""))
    query = f"days={chosen_days}&unit={unit if chosen_unit else ''}"
    name = "analytics_live.html" if part == "live" else "analytics.html"
    return render(request, name, user, status_code=200 if error is None else 422, active="/analytics",
                  title="Analytics", form=form, error=error, day_choices=DAY_CHOICES, units=list(QuotaUnit),
                  live_url=f"/analytics?part=live&{query}", **figures)
