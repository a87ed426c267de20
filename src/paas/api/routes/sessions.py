"""/api/sessions: list (filtered, newest first), start, read, change, delete; usage and completion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query

from paas.api.deps import Now, Operator, Reader, Runner, SessionDep, SettingsDep, Viewer
from paas.api.routes import errors, page_params
from paas.api.schemas import (
    Listing,
    Ok,
    PageInfo,
    SessionComplete,
    SessionCreate,
    SessionCreated,
    SessionPatch,
    UsageCreate,
)
from paas.core.types import SessionStatus
from paas.services import git_state, usage
from paas.services import sessions as service
from paas.services.field_rules import MAX_ID
from paas.services.views import SessionOut, UsageOut

router = APIRouter(tags=["sessions"])
SessionId = Annotated[int, Path(ge=1, le=MAX_ID)]
FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
PageParams = Annotated[tuple[int, int], Depends(page_params(default_limit=50))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)]


@router.get("/api/sessions", response_model=Listing[SessionOut], responses=errors())
def list_sessions(session: SessionDep, caller: Viewer, page: PageParams, project_id: FilterId = None,
                  account_id: FilterId = None, status: SessionStatus | None = None) -> Listing[SessionOut]:
    limit, offset = page
    result = service.list_sessions(session, project_id=project_id, account_id=account_id, status=status,
                                   limit=limit, offset=offset, scope=caller.scope)
    return Listing(data=result.items,
                   pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.post("/api/sessions", status_code=201, response_model=SessionCreated, responses=errors(400, 404, 409, 413))
def start_session(body: SessionCreate, read: Reader, run: Runner, now: Now, caller: Operator) -> SessionCreated:
    # The project's git HEAD is read between a read transaction and the write that starts the session.
    work = git_state.start_session_at_head(read, run, project_id=body.project_id, account_id=body.account_id,
                                           now=now, session_type=body.session_type, objectives=body.objectives,
                                           scope=caller.scope)
    return SessionCreated(id=work.id, session_number=work.session_number, data=work)


@router.get("/api/sessions/{session_id}", response_model=Ok[SessionOut], responses=errors(404))
def show_session(session_id: SessionId, session: SessionDep, caller: Viewer) -> Ok[SessionOut]:
    return Ok(data=service.show_session(session, session_id, scope=caller.scope))


@router.patch("/api/sessions/{session_id}", response_model=Ok[SessionOut], responses=errors(400, 404, 413))
def patch_session(session_id: SessionId, body: SessionPatch, session: SessionDep,
                  caller: Operator) -> Ok[SessionOut]:
    return Ok(data=service.update_session(session, session_id, body.model_dump(exclude_unset=True),
                                          scope=caller.scope))


@router.delete("/api/sessions/{session_id}", response_model=Ok[None], responses=errors(404, 409))
def delete_session(session_id: SessionId, session: SessionDep, caller: Operator) -> Ok[None]:
    service.delete_session(session, session_id, scope=caller.scope)
    return Ok(data=None)


@router.post("/api/sessions/{session_id}/usage", status_code=201, response_model=Ok[UsageOut],
             responses=errors(400, 404, 409, 413))
def record_usage(session_id: SessionId, body: UsageCreate, read: Reader, run: Runner, now: Now,
                 settings: SettingsDep, caller: Operator, idempotency_key: IdempotencyKey = None) -> Ok[UsageOut]:
    """Record usage; the answer says `rotate_due`. A project with `auto_rotate` rotates here when due."""
    return Ok(data=usage.report_usage(read, run, now=now, credits=body.credits, note=body.note,
                                      session_id=session_id, idempotency_key=idempotency_key,
                                      margin_percent=settings.rotation_margin_percent, scope=caller.scope))


@router.post("/api/sessions/{session_id}/complete", response_model=Ok[SessionOut],
             responses=errors(400, 404, 409, 413))
def complete_session(session_id: SessionId, session: SessionDep, now: Now, caller: Operator,
                     body: SessionComplete | None = None) -> Ok[SessionOut]:
    body = body or SessionComplete()
    return Ok(data=service.complete_session(session, session_id, now=now, scope=caller.scope, **body.model_dump()))
