"""``/projects``: every project with its status, the account it works on now, its sessions and
credits (a live region), and, for operators, a form that creates one (``services.projects``, as
``POST /api/projects`` does). ``/projects/{id}``: the session timeline, the latest briefing as
text with a Copy button, earlier briefings, tracked files, git state, linked directories and
knowledge (``services.project_views``); an unknown project answers a 404 page.

``?part=table`` and ``?part=live`` answer the live regions alone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paas.api.deps import get_db
from paas.core.errors import NotFound, PaasError
from paas.services import projects as service
from paas.services.field_rules import MAX_ID
from paas.services.project_views import project_detail, project_rows
from paas.web.auth import Operator, Viewer, WebUser
from paas.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/projects", response_class=HTMLResponse)
def projects_page(request: Request, user: Viewer, part: str | None = None) -> HTMLResponse:
    rows = get_db(request).read(lambda session: project_rows(session, scope=user.scope))
    name = "projects_table.html" if part == "table" else "projects.html"
    return render(request, name, user, active="/projects", title="Projects", rows=rows, form={})


@router.post("/projects", response_class=HTMLResponse)
def create_project(request: Request, user: Operator, name: Annotated[str, Form(max_length=200)] = "",
                   description: Annotated[str, Form(max_length=5000)] = "") -> Response:
    form = {"name": name, "description": description}
    try:
        project = get_db(request).run(lambda session: service.create_project(
            session, name=name, description=description.strip() or None, scope=user.scope))
    except PaasError as error:
        return render(request, "projects_form.html", user, status_code=422, form=form, error=error.message)
    if not request.headers.get("hx-request"):  # a plain form post: go and see it
        return RedirectResponse(f"/projects/{project.id}", status_code=303)
    rows = get_db(request).read(lambda session: project_rows(session, scope=user.scope))
    return render(request, "projects_form.html", user, form={}, created=project, rows=rows)


def _missing(request: Request, user: WebUser, message: str) -> HTMLResponse:
    return render(request, "project_missing.html", user, status_code=404, active="/projects",
                  title="No such project", message=message)


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, project_id: str, user: Viewer, part: str | None = None) -> HTMLResponse:
    if not project_id.isdecimal() or not 1 <= int(project_id) <= MAX_ID:  # /projects/abc: a page, not JSON
        return _missing(request, user, f"there is no project {project_id[:40]!r}")
    try:
        detail = get_db(request).read(lambda session: project_detail(session, int(project_id), scope=user.scope))
    except NotFound as error:
        return _missing(request, user, error.message)
    name = "project_live.html" if part == "live" else "project.html"
    return render(request, name, user, active="/projects", title=detail.project.name, detail=detail)
