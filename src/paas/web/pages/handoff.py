"""``/handoff``: paste or upload a transcript, choose a project and a level, and get the briefing
beside its figures (``services.briefing.brief_and_save``, as ``POST /api/handoff/compress``: it
is saved as the project's handoff snapshot); and "Rotate now" for a project with a session in
progress (``services.rotation.rotate`` from the account it works on, as
``POST /api/private/auto-rotate``), showing the next account and the briefing.

Both are operator writes. What the services refuse (no session in progress, no account
available, an unreadable transcript) is said in place, in the form's result fragment, with status
422: the status htmx swaps (a 409 would only be said in a toast).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from paas.api.deps import Now, SettingsDep, get_db
from paas.core.errors import InvalidInput, PaasError
from paas.services import rotation, sessions
from paas.services.briefing import LEVELS, brief_and_save
from paas.services.project_views import project_rows
from paas.web.auth import Operator, Viewer, WebUser
from paas.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 20 * 1024 * 1024


def _page_context(request: Request, user: WebUser) -> dict[str, Any]:
    rows = get_db(request).read(lambda session: project_rows(session, scope=user.scope))
    return {"rows": rows, "working": [row for row in rows if row.working is not None], "levels": LEVELS}


@router.get("/handoff", response_class=HTMLResponse)
def handoff_page(request: Request, user: Viewer, part: str | None = None) -> HTMLResponse:
    name = "handoff_rotate_form.html" if part == "rotate" else "handoff.html"
    return render(request, name, user, active="/handoff", title="Handoff", **_page_context(request, user))


def _transcript(context: str, upload: UploadFile | str | None) -> tuple[str, str | None]:
    """The uploaded file's text and name when a file was chosen, else what was pasted."""
    if isinstance(upload, str) or upload is None or not upload.filename:
        return context, None
    raw = upload.file.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InvalidInput(f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB", {"field": "transcript"})
    try:
        return raw.decode("utf-8-sig"), upload.filename[-255:]
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text", {"field": "transcript"}) from None


@router.post("/handoff/compress", response_class=HTMLResponse)
def compress(request: Request, user: Operator, now: Now, project_id: Annotated[int, Form(ge=1)],
             level: Annotated[str, Form()] = "medium", context: Annotated[str, Form()] = "",
             transcript: Annotated[UploadFile | str | None, File()] = None) -> HTMLResponse:
    db = get_db(request)
    try:
        text, filename = _transcript(context, transcript)
        if not text.strip():
            raise InvalidInput("paste a transcript or choose a file", {"field": "context"})
        saved = brief_and_save(db.read, db.run, project_id=project_id, context=text, now=now, level=level,
                               filename=filename, scope=user.scope)
    except PaasError as error:
        return render(request, "handoff_result.html", user, status_code=422, error=error.message,
                      error_code=error.code)
    return render(request, "handoff_result.html", user, briefing=saved.briefing.markdown,
                  stats=saved.briefing.stats, snapshot=saved.snapshot, project_id=project_id)


@router.post("/handoff/rotate", response_class=HTMLResponse)
def rotate(request: Request, user: Operator, now: Now, settings: SettingsDep,
           project_id: Annotated[int, Form(ge=1)], level: Annotated[str, Form()] = "medium") -> HTMLResponse:
    db = get_db(request)
    try:
        user.scope.check_project(project_id)
        current = db.read(lambda session: sessions.current_account(session, project_id))
        answer = rotation.rotate(db.read, db.run, project_id=project_id, current_account_id=current, now=now,
                                 level=level, margin_percent=settings.rotation_margin_percent, scope=user.scope)
    except PaasError as error:
        return render(request, "handoff_rotated.html", user, status_code=422, error=error.message,
                      error_code=error.code)
    return render(request, "handoff_rotated.html", user, answer=answer, project_id=project_id)
