"""``/alerts``: the alerts, active, cleared or all (``services.alerts.list_alerts``, as ``GET /api/alerts``
and ``paas alerts``), each with who acknowledged it; operators acknowledge one
(``acknowledge_alert``, as ``POST /api/alerts/{id}/acknowledge``: the first acknowledgement is kept);
and the webhooks with their deliveries' status (``services.webhooks``, as ``GET /api/webhooks`` and
``/api/webhooks/deliveries``). The list and the deliveries are a live region.

``?part=live`` answers the live region alone. An unknown alert is a 404 (the API's error envelope,
which the page shows in a toast).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from paas.api.deps import Now, get_db
from paas.core.types import Page
from paas.services import alerts as service
from paas.services import webhooks
from paas.services.field_rules import MAX_ID
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.web.auth import Operator, Viewer
from paas.web.templating import render

router = APIRouter(include_in_schema=False)
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]
STATUSES = ("active", "cleared", "all")
SHOWN = 100
DELIVERIES = 20


def alerts_figures(session: Session, status: service.StatusFilter, scope: Scope = EVERY_PROJECT) -> dict[str, Any]:
    """A scoped user sees its projects' alerts and the pool's, and no webhooks (the service's own settings)."""
    return {"alerts": service.list_alerts(session, status=status, limit=SHOWN, scope=scope),
            "webhooks": [] if scope.limited else webhooks.list_webhooks(session),
            "deliveries": Page(items=[], total=0, limit=DELIVERIES, offset=0) if scope.limited
            else webhooks.list_deliveries(session, limit=DELIVERIES)}


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, user: Viewer, status: str = "active", part: str | None = None) -> HTMLResponse:
    chosen: service.StatusFilter = status if status in STATUSES else "active"  # type: ignore[assignment]
    figures = get_db(request).read(lambda session: alerts_figures(session, chosen, user.scope))
    name = "alerts_live.html" if part == "live" else "alerts.html"
    return render(request, name, user, active="/alerts", title="Alerts", status=chosen, statuses=STATUSES,
                  **figures)


@router.post("/alerts/{alert_id}/acknowledge", response_class=HTMLResponse)
def acknowledge(request: Request, alert_id: AlertId, user: Operator, now: Now) -> Response:
    alert = get_db(request).run(lambda session: service.acknowledge_alert(session, alert_id, user.name, now,
                                                                          scope=user.scope))
    if not request.headers.get("hx-request"):
        return RedirectResponse("/alerts", status_code=303)
    return render(request, "alerts_row.html", user, alert=alert)
