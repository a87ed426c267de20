"""``/accounts``: bulk upload and "best account for…".

- Bulk upload (``POST /accounts/import``, admin): a CSV or JSON file, or the same text pasted, read
  by ``services.account_file`` and created by ``services.batch`` — the reader of
  `paas accounts import` and the checks of ``POST /api/private/batch-create-accounts``. Every bad
  row is listed by its CSV line or JSON index with its reasons, and then nothing is created.
- Best account (``GET /accounts/best``, any role): ``services.selection.require_best_accounts``,
  the ranking of ``POST /api/private/select-best-account``, with each account's score and reasons.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from paas.api.deps import Now, get_db, get_vault
from paas.api.private_schemas import SelectBest
from paas.core.errors import InvalidInput, NotFound, PaasError
from paas.core.types import Platform
from paas.services.account_file import AccountFile, read_account_file, read_account_text, whole_numbers
from paas.services.batch import create_accounts, row_reasons
from paas.services.field_rules import invalid
from paas.services.selection import require_best_accounts
from paas.web.auth import Viewer
from paas.web.pages.accounts import Admin, Posted, answer_form, is_htmx
from paas.web.templating import render

router = APIRouter(include_in_schema=False)
PASTED = "the pasted text"
BEST_LIMIT = 5


def uploaded(form: dict[str, Any]) -> AccountFile:
    """The rows of the uploaded file, else of the pasted text."""
    if isinstance(form.get("file"), bytes):
        name = str(form.get("file.filename") or "the file")
        return read_account_file(form["file"], name, suffix="." + name.rsplit(".", 1)[-1] if "." in name else "")
    if isinstance(form.get("text"), str):
        return read_account_text(form["text"], PASTED)
    raise InvalidInput("choose a CSV or JSON file, or paste its rows", {"field": "file"})


@router.post("/accounts/import", response_class=HTMLResponse)
def import_accounts(request: Request, user: Admin, now: Now, form: Posted) -> Response:
    vault = get_vault(request)
    bad_rows: list[dict[str, str]] = []
    created: list[tuple[int, str]] = []
    error: PaasError | None = None
    read: AccountFile | None = None
    try:
        read = uploaded(form)
        result = get_db(request).run(lambda session: create_accounts(
            session, read.rows, now=now, vault=vault, row_errors=read.row_errors,
            on_conflict="skip" if form.get("skip_existing") else "error"))
        created, skipped = result.created, result.skipped
    except PaasError as problem:
        error, skipped = problem, []
        bad_rows = [{"label": read.labels[row["index"]], "reasons": row_reasons(row["errors"])}
                    for row in problem.details.get("rows", [])] if read is not None else []
        if bad_rows and read is not None:
            error = InvalidInput(f"{len(bad_rows)} of {len(read.rows)} rows are invalid (listed below); "
                                 "nothing was created", problem.details)
    return answer_form(request, user, now, "accounts_bulk.html", error, bad_rows=bad_rows, created=created,
                       skipped=skipped, pasted=form.get("text", "") if error else "")


def best_request(params: dict[str, str]) -> SelectBest:
    """The query as select-best's own body (its limits); whole numbers as numbers, empty fields left out."""
    fields = {key: value.strip() for key, value in params.items()
              if key in ("specialization", "platform", "task", "min_credits") and value.strip()}
    if "min_credits" in fields:
        fields["min_credits"] = whole_numbers({"quota": fields["min_credits"]})["quota"]
    try:
        return SelectBest.model_validate({**fields, "limit": BEST_LIMIT})
    except ValidationError as error:
        raise invalid(error) from None


@router.get("/accounts/best", response_class=HTMLResponse)
def best_accounts(request: Request, user: Viewer, now: Now) -> Response:
    ranked: list[Any] = []
    error: PaasError | None = None
    try:
        body = best_request(dict(request.query_params))
        ranked = get_db(request).read(lambda session: require_best_accounts(
            session, now=now, specialization=body.specialization or "", platform=body.platform,
            min_credits=body.min_credits, limit=body.limit, task=body.task))
    except NotFound as nothing:
        error = nothing
    except PaasError as problem:
        error = problem
    status = 422 if error is not None and not isinstance(error, NotFound) else 200
    context = {"ranked": ranked, "form_error": error.message if error else None,
               "query": dict(request.query_params), "platforms": [item.value for item in Platform]}
    name = "accounts_best.html" if is_htmx(request) else "accounts_best_page.html"
    return render(request, name, user, status_code=status, active="/accounts", title="Best account", **context)
