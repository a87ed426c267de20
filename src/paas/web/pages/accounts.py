"""``/accounts``: every account with what it has left and when it resets, and the admin's writes.

- The table (``?part=table``) is a live region: re-fetched on every live event, sorted and
  filtered in the browser (status, platform, unit, specialization, tags, text).
- Writes are the API's account writes, with the API's role: an admin adds an account, edits its
  quota, window and threshold, disables or enables it (``services.accounts``, the same checks as
  ``POST``/``PATCH /api/accounts``). Viewers and operators see no write control and get 403 if
  they post anyway; a refused form answers its own fragment with 422 and the service's message.
- Bulk upload and "best account for…" are in ``accounts_bulk``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from paas.api.deps import Now, get_db, get_vault
from paas.core.errors import Forbidden, InvalidInput, PaasError
from paas.core.types import AccountStatus, Platform, QuotaUnit, Role
from paas.services.account_file import whole_numbers
from paas.services.accounts import create_account as create
from paas.services.accounts import list_accounts, show_account, update_account
from paas.services.field_rules import MAX_ID, SearchText
from paas.services.views import AccountOut
from paas.web.auth import Operator, Viewer, WebUser
from paas.web.templating import render

router = APIRouter(include_in_schema=False)
AccountId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_SHOWN = 500  # a live region re-fetched on every event: ~1.4 kB a row
ADD_FIELDS = ("account_name", "account_email", "platform", "quota_unit", "quota", "window_kind", "window_reset_at",
              "window_timezone", "window_hours", "rotate_threshold", "specialization", "tags", "credits_available")
EDIT_FIELDS = ("quota", "window_kind", "window_reset_at", "window_timezone", "window_hours", "rotate_threshold")
LIVE = {"HX-Trigger": "paas:live"}  # the page's live regions re-fetch at once, not only when the feed says so


def admin(user: Operator) -> WebUser:
    """An admin whose request carries its CSRF token: account writes need the admin role, as in the API."""
    if not user.is_admin:
        raise Forbidden(f"a {user.role.value} cannot change accounts; sign in with an admin token",
                        {"required": Role.ADMIN.value, "role": user.role.value})
    user.scope.refuse_if_limited("changing the account pool")
    return user


Admin = Annotated[WebUser, Depends(admin)]


async def posted_form(request: Request) -> dict[str, Any]:
    """The posted form: text fields stripped (an empty one is left out), uploaded files as bytes
    under their name, with ``<name>.filename``."""
    fields: dict[str, Any] = {}
    for name, value in (await request.form()).multi_items():
        if isinstance(value, str):
            if value.strip():
                fields[name] = value.strip()
        else:
            data = await value.read()
            if data:
                fields[name], fields[f"{name}.filename"] = data, value.filename or "the file"
    fields.pop("csrf_token", None)
    return fields


Posted = Annotated[dict[str, Any], Depends(posted_form)]


def chosen(form: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The fields ``names`` of a form, whole numbers as numbers (the service's own checks do the rest)."""
    return whole_numbers({name: form[name] for name in names if name in form})


def is_htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def table_figures(session: Session, now: Any, filters: dict[str, str] | None = None) -> dict[str, Any]:
    """The table's rows: every account, or (``filters``: search, status, platform, as ``GET /api/accounts``
    takes them) those the server keeps; past ``MAX_SHOWN`` the first by name."""
    filters = filters or {}
    page = list_accounts(session, now=now, limit=MAX_SHOWN, search=filters.get("search"),
                         status=filters.get("status"), platform=filters.get("platform"))
    tags = sorted({tag.strip() for item in page.items for tag in (item.tags or "").split(",") if tag.strip()},
                  key=str.casefold)
    specializations = sorted({item.specialization for item in page.items if item.specialization}, key=str.casefold)
    return {"accounts": page.items, "total": page.total, "tags": tags, "specializations": specializations,
            "filters": filters, "table_url": "/accounts?" + urlencode({"part": "table", **filters})}


def page_context(now: Any) -> dict[str, Any]:
    return {"active": "/accounts", "title": "Accounts", "platforms": [item.value for item in Platform],
            "units": [item.value for item in QuotaUnit], "statuses": [item.value for item in AccountStatus]}


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, user: Viewer, now: Now, part: str | None = None, search: SearchText | None = None,
                  status: str | None = None, platform: str | None = None) -> HTMLResponse:
    """``search``, ``status`` and ``platform`` narrow the rows on the server (the filters' form sent
    without script, or a pool larger than ``MAX_SHOWN``); the browser filters what is shown."""
    filters = {key: value.strip() for key, value in (("search", search), ("status", status), ("platform", platform))
               if value and value.strip()}
    figures = get_db(request).read(lambda session: table_figures(session, now, filters))
    name = "accounts_table.html" if part == "table" else "accounts.html"
    return render(request, name, user, **page_context(now), **figures, form={}, form_error=None,
                  fragment=None)


def answer_form(request: Request, user: WebUser, now: Any, fragment: str, error: PaasError | None,
                **context: Any) -> Response:
    """A form's answer: its fragment for htmx (422 when refused), else the whole page (a form posted
    without script: 303 back to the page when it worked)."""
    if is_htmx(request):
        answer = render(request, fragment, user, status_code=422 if error else 200, fragment=fragment,
                        form_error=error.message if error else None, **context)
        if error is None:
            answer.headers.update(LIVE)
        return answer
    if error is None:
        return RedirectResponse("/accounts", status_code=303)
    figures = get_db(request).read(lambda session: table_figures(session, now))
    return render(request, "accounts.html", user, status_code=422, **{**page_context(now), **figures, "form": {},
                  **context}, fragment=fragment, form_error=error.message)


def attempt(request: Request, work: Callable[[Session], Any]) -> tuple[Any, PaasError | None]:
    try:
        return get_db(request).run(work), None
    except PaasError as error:
        return None, error


@router.post("/accounts", response_class=HTMLResponse)
def add_account(request: Request, user: Admin, now: Now, form: Posted) -> Response:
    fields = chosen(form, ADD_FIELDS)
    vault = get_vault(request)
    created, error = attempt(request, lambda session: create(session, now=now, vault=vault, **fields))
    return answer_form(request, user, now, "accounts_add.html", error, form=form if error else {},
                       created=created, **page_context(now))


@router.get("/accounts/{account_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, user: Viewer, now: Now, account_id: AccountId) -> HTMLResponse:
    if not user.is_admin:
        raise Forbidden(f"a {user.role.value} cannot change accounts; sign in with an admin token")
    account: AccountOut = get_db(request).read(lambda session: show_account(session, account_id, now))
    return render(request, "accounts_edit.html", user, account=account, form={}, form_error=None, saved=False)


@router.post("/accounts/{account_id}/edit", response_class=HTMLResponse)
def edit_account(request: Request, user: Admin, now: Now, form: Posted, account_id: AccountId) -> Response:
    changes = chosen(form, EDIT_FIELDS)
    saved, error = attempt(request, lambda session: update_account(session, account_id, changes, now=now))
    account = saved or get_db(request).read(lambda session: show_account(session, account_id, now))
    return answer_form(request, user, now, "accounts_edit.html", error, account=account,
                       form=form if error else {}, saved=error is None)


@router.post("/accounts/{account_id}/status")
def set_status(request: Request, user: Admin, now: Now, form: Posted, account_id: AccountId) -> Response:
    """Disable or enable: ``status`` is ``disabled`` or ``available`` (errors go to the toast as JSON)."""
    status = form.get("status", "")
    if status not in ("disabled", "available"):
        raise InvalidInput("status must be disabled or available", {"field": "status"})
    get_db(request).run(lambda session: update_account(session, account_id, {"status": status}, now=now))
    if not is_htmx(request):
        return RedirectResponse("/accounts", status_code=303)
    return Response(status_code=204, headers=LIVE)
