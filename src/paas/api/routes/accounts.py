"""/api/accounts: list (by name), create, read, change, delete, and platform limit reports.

Credits left and status are computed at the request's moment (see services.accounts).
Writes need the admin role; a limit report needs an operator (the AI session itself sends it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from paas.api.deps import Now, Operator, SessionDep, UnscopedAdmin, Vault, Viewer
from paas.api.routes import errors, page_params
from paas.api.schemas import Created, Listing, Ok, PageInfo
from paas.core.types import Platform, Role
from paas.services import accounts as service
from paas.services.account_input import AccountCreate, AccountPatch, ReportLimit
from paas.services.field_rules import MAX_ID, SearchText
from paas.services.selection import report_limit
from paas.services.views import AccountOut

router = APIRouter(tags=["accounts"])
AccountId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageParams = Annotated[tuple[int, int], Depends(page_params())]


@router.get("/api/accounts", response_model=Listing[AccountOut], responses=errors())
def list_accounts(session: SessionDep, now: Now, _: Viewer, page: PageParams,
                  status: Literal["available", "active", "exhausted", "throttled", "disabled", "blocked"] | None = None,
                  platform: Platform | None = None,
                  search: Annotated[SearchText | None, Query(description="Text to find in the name, e-mail, "
                                                         "specialization or tags (any case).")] = None,
                  ) -> Listing[AccountOut]:
    limit, offset = page
    result = service.list_accounts(session, now=now, status=status, platform=platform, search=search, limit=limit,
                                   offset=offset)
    return Listing(data=result.items,
                   pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.post("/api/accounts", status_code=201, response_model=Created[AccountOut],
             responses=errors(400, 409, 413))
def create_account(body: AccountCreate, session: SessionDep, now: Now, vault: Vault,
                   _: UnscopedAdmin) -> Created[AccountOut]:
    account = service.create_account(session, now=now, vault=vault, **body.model_dump(exclude_none=True))
    return Created(id=account.id, data=account)


@router.get("/api/accounts/{account_id}", response_model=Ok[AccountOut], responses=errors(404))
def get_account(account_id: AccountId, session: SessionDep, now: Now, _: Viewer) -> Ok[AccountOut]:
    return Ok(data=service.show_account(session, account_id, now))


@router.patch("/api/accounts/{account_id}", response_model=Ok[AccountOut], responses=errors(400, 404, 409, 413))
def patch_account(account_id: AccountId, body: AccountPatch, session: SessionDep, now: Now, vault: Vault,
                  _: UnscopedAdmin) -> Ok[AccountOut]:
    return Ok(data=service.update_account(session, account_id, body.model_dump(exclude_unset=True), now=now,
                                          vault=vault))


@router.delete("/api/accounts/{account_id}", response_model=Ok[None], responses=errors(404, 409))
def delete_account(account_id: AccountId, session: SessionDep, _: UnscopedAdmin) -> Ok[None]:
    service.delete_account(session, account_id)
    return Ok(data=None)


@router.post("/api/accounts/{account_id}/report-limit", response_model=Ok[AccountOut],
             responses=errors(400, 404, 413))
def report_account_limit(account_id: AccountId, body: ReportLimit, session: SessionDep, now: Now,
                         caller: Operator) -> Ok[AccountOut]:
    """What the platform said when it refused work: `window_exhausted` (until `resets_at`, default the
    window's next reset), `throttled` (for `cooldown_seconds`, default 60) or `invalid_credentials`.
    From an admin token, `invalid_credentials` disables the account (an admin re-enables it); from an
    operator token it holds the account out of the pool as `throttled` for an hour, so an operator
    cannot put an account in a state only an admin can undo. `resets_at` with another reason than
    `window_exhausted`, or `cooldown_seconds` with another than `throttled`: 422 (never ignored)."""
    return Ok(data=report_limit(session, account_id, reason=body.reason, now=now, resets_at=body.resets_at,
                                cooldown_seconds=body.cooldown_seconds,
                                may_disable=Role(caller.role).allows(Role.ADMIN)))
