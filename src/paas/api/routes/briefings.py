"""Saved briefings read back: GET /api/projects/{id}/briefings (newest first) and GET /api/briefings/{id}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from paas.api.briefing_schemas import BriefingOut
from paas.api.deps import SessionDep, Viewer
from paas.api.routes import errors, page_params
from paas.api.schemas import Listing, Ok, PageInfo
from paas.core.types import SnapshotType
from paas.services import briefing_views as service
from paas.services.field_rules import MAX_ID

router = APIRouter(tags=["briefings"])
PageParams = Annotated[tuple[int, int], Depends(page_params(20))]


def briefing_out(view: service.BriefingView) -> BriefingOut:
    return BriefingOut.model_validate(service.briefing_fields(view))


@router.get("/api/projects/{project_id}/briefings", response_model=Listing[BriefingOut], responses=errors(404))
def list_briefings(project_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, caller: Viewer,
                   page: PageParams, snapshot_type: SnapshotType | None = None) -> Listing[BriefingOut]:
    limit, offset = page
    result = service.list_briefings(session, project_id, snapshot_type=snapshot_type, limit=limit, offset=offset,
                                    scope=caller.scope)
    return Listing(data=[briefing_out(view) for view in result.items],
                   pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.get("/api/briefings/{briefing_id}", response_model=Ok[BriefingOut], responses=errors(404))
def get_briefing(briefing_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep,
                 caller: Viewer) -> Ok[BriefingOut]:
    return Ok(data=briefing_out(service.get_briefing(session, briefing_id, scope=caller.scope)))
