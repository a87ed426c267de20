"""POST /api/estimate: what a task will take, from similar past sessions (a read transaction)."""

from __future__ import annotations

from fastapi import APIRouter

from paas.api.deps import Now, Reader, Viewer
from paas.api.routes import errors
from paas.api.schemas import Ok
from paas.services.history import EstimateInput, EstimateOut, estimate_task

router = APIRouter(tags=["history"])


@router.post("/api/estimate", response_model=Ok[EstimateOut], responses=errors(400, 404, 413))
def estimate(body: EstimateInput, now: Now, read: Reader, caller: Viewer) -> Ok[EstimateOut]:
    """Credits the task will likely take (weighted median of its nearest past sessions, with a
    20th-80th percentile spread and the sessions as evidence) and the accounts suited to it."""
    fields = body.model_dump(mode="json", exclude_none=True)
    return Ok(data=read(lambda session: estimate_task(session, now=now, scope=caller.scope, **fields)))
