"""/api/alerts (read, filtered by status; operators acknowledge) and /api/webhooks (add, list, remove, deliveries).

Viewers read (a token scoped to projects: its projects' alerts and the pool's, and no webhooks);
only admins add or remove a webhook. A webhook's secret is in the answer that
added it, once, and in no other answer. ``deliver_in_background`` runs the delivery worker
beside the app (``paas serve``'s workers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query
from pydantic import AfterValidator, Field, StringConstraints

from paas.api.deps import Now, Operator, SessionDep, UnscopedAdmin, UnscopedViewer, Vault, Viewer
from paas.api.routes import errors, page_params
from paas.api.schemas import Created, Listing, Ok, PageInfo, RequestBody
from paas.core.types import DeliveryStatus
from paas.services import alerts, webhooks
from paas.services.alerts import AlertOut
from paas.services.credentials import CredentialVault
from paas.services.database import Database
from paas.services.field_rules import MAX_ID, storable
from paas.services.webhooks import DeliveryOut, WebhookOut

router = APIRouter(tags=["alerts"])
PageParams = Annotated[tuple[int, int], Depends(page_params(default_limit=50))]
WebhookId = Annotated[int, Path(ge=1, le=MAX_ID)]
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/api/alerts", response_model=Listing[AlertOut], responses=errors())
def list_alerts(session: SessionDep, caller: Viewer, page: PageParams,
                status: Literal["active", "cleared", "all"] = "active") -> Listing[AlertOut]:
    """Alerts newest first (by when they were raised): the active ones by default."""
    limit, offset = page
    result = alerts.list_alerts(session, status=status, limit=limit, offset=offset, scope=caller.scope)
    return Listing(data=result.items, pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.post("/api/alerts/{alert_id}/acknowledge", response_model=Ok[AlertOut], responses=errors(404))
def acknowledge_alert(alert_id: AlertId, session: SessionDep, now: Now, token: Operator) -> Ok[AlertOut]:
    """Say you have seen an alert (your token's name is kept); a second acknowledgement keeps the first."""
    return Ok(data=alerts.acknowledge_alert(session, alert_id, token.name, now, scope=token.scope))


class WebhookCreate(RequestBody):
    url: Annotated[str, StringConstraints(max_length=webhooks.MAX_URL_LENGTH), AfterValidator(storable)] = Field(
        description="http:// or https:// only.")
    secret: Annotated[str, StringConstraints(min_length=webhooks.MIN_SECRET_LENGTH, max_length=200),
                      AfterValidator(storable)] | None = Field(
        None, description="The HMAC key; omitted: one is generated. Returned once.",
        json_schema_extra={"writeOnly": True})
    description: Annotated[str, StringConstraints(max_length=webhooks.MAX_DESCRIPTION_LENGTH),
                           AfterValidator(storable)] | None = None


class WebhookCreated(Created[WebhookOut]):
    secret: str = Field(description="The signing secret: shown in this answer only.")


@router.get("/api/webhooks", response_model=Ok[list[WebhookOut]], responses=errors())
def list_webhooks(session: SessionDep, _: UnscopedViewer) -> Ok[list[WebhookOut]]:
    return Ok(data=webhooks.list_webhooks(session))


@router.post("/api/webhooks", status_code=201, response_model=WebhookCreated, responses=errors(400, 409, 413))
def add_webhook(body: WebhookCreate, session: SessionDep, now: Now, vault: Vault, _: UnscopedAdmin) -> WebhookCreated:
    """Add a webhook: alerts raised and cleared are POSTed to it, signed (see the README)."""
    issued = webhooks.add_webhook(session, url=body.url, secret=body.secret, description=body.description,
                                  vault=vault, now=now)
    return WebhookCreated(id=issued.webhook.id, data=issued.webhook, secret=issued.secret)


@router.get("/api/webhooks/deliveries", response_model=Listing[DeliveryOut], responses=errors())
def list_deliveries(session: SessionDep, _: UnscopedViewer, page: PageParams, status: DeliveryStatus | None = None,
                    webhook_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Listing[DeliveryOut]:
    """The outbox, newest first: pending, delivered and failed deliveries with their last error."""
    limit, offset = page
    result = webhooks.list_deliveries(session, status=status, webhook_id=webhook_id, limit=limit, offset=offset)
    return Listing(data=result.items, pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.delete("/api/webhooks/{webhook_id}", response_model=Ok[None], responses=errors(404))
def remove_webhook(webhook_id: WebhookId, session: SessionDep, _: UnscopedAdmin) -> Ok[None]:
    webhooks.remove_webhook(session, webhook_id)
    return Ok(data=None)


def deliver_in_background(app: FastAPI, db: Database, vault: Callable[[], CredentialVault | None],
                          clock: Callable[[], datetime], *, interval: float = 5.0) -> webhooks.DeliveryWorker:
    """Run the webhook delivery worker while ``app`` runs (started and stopped with its lifespan)."""
    worker = webhooks.DeliveryWorker(db.run, vault, clock, interval=interval)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        worker.start()
        try:
            async with inner(application) as state:
                yield state
        finally:
            worker.stop()

    app.router.lifespan_context = lifespan
    return worker
