"""/api/projects: list (newest first), create, read, change, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from paas.api.deps import Admin, Operator, SessionDep, Viewer
from paas.api.routes import errors, page_params
from paas.api.schemas import Created, Listing, Ok, PageInfo, ProjectCreate, ProjectPatch
from paas.core.types import ProjectStatus
from paas.services import projects as service
from paas.services.field_rules import MAX_ID
from paas.services.views import ProjectOut

router = APIRouter(tags=["projects"])
ProjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageParams = Annotated[tuple[int, int], Depends(page_params())]


@router.get("/api/projects", response_model=Listing[ProjectOut], responses=errors())
def list_projects(session: SessionDep, caller: Viewer, page: PageParams,
                  status: ProjectStatus | None = None) -> Listing[ProjectOut]:
    limit, offset = page
    result = service.list_projects(session, status=status, limit=limit, offset=offset, scope=caller.scope)
    return Listing(data=result.items,
                   pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.post("/api/projects", status_code=201, response_model=Created[ProjectOut], responses=errors(400, 409, 413))
def create_project(body: ProjectCreate, session: SessionDep, caller: Operator) -> Created[ProjectOut]:
    project = service.create_project(session, name=body.name, description=body.description, status=body.status,
                                     repo_path=body.repo_path, auto_commit=body.auto_commit,
                                     auto_rotate=body.auto_rotate, rotation_strategy=body.rotation_strategy,
                                     scope=caller.scope)
    return Created(id=project.id, data=project)


@router.get("/api/projects/{project_id}", response_model=Ok[ProjectOut], responses=errors(404))
def get_project(project_id: ProjectId, session: SessionDep, caller: Viewer) -> Ok[ProjectOut]:
    return Ok(data=service.show_project(session, project_id, scope=caller.scope))


@router.patch("/api/projects/{project_id}", response_model=Ok[ProjectOut], responses=errors(400, 404, 409, 413))
def patch_project(project_id: ProjectId, body: ProjectPatch, session: SessionDep,
                  caller: Operator) -> Ok[ProjectOut]:
    return Ok(data=service.update_project(session, project_id, body.model_dump(exclude_unset=True),
                                          scope=caller.scope))


@router.delete("/api/projects/{project_id}", response_model=Ok[None], responses=errors(404, 409))
def delete_project(project_id: ProjectId, session: SessionDep, caller: Admin) -> Ok[None]:
    service.delete_project(session, project_id, scope=caller.scope)
    return Ok(data=None)
