"""/api/accounts: list (by name), create, read, change, delete. Writes need the admin role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from paas.api.deps import Admin, SessionDep, Viewer
from paas.api.routes import errors, page_params
from paas.api.schemas import MAX_ID, AccountCreate, AccountOut, AccountPatch, Created, Listing, Ok, PageInfo
from paas.core.types import AccountStatus, Platform
from paas.services import accounts as service

router = APIRouter(tags=["accounts"])
AccountId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageParams = Annotated[tuple[int, int], Depends(page_params())]


@router.get("/api/accounts", response_model=Listing[AccountOut], responses=errors())
def list_accounts(session: SessionDep, _: Viewer, page: PageParams, status: AccountStatus | None = None,
                  platform: Platform | None = None) -> Listing[AccountOut]:
    limit, offset = page
    result = service.list_accounts(session, status=status, platform=platform, limit=limit, offset=offset)
    return Listing(data=[AccountOut.model_validate(row) for row in result.items],
                   pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.post("/api/accounts", status_code=201, response_model=Created[AccountOut], responses=errors(400, 409, 413))
def create_account(body: AccountCreate, session: SessionDep, _: Admin) -> Created[AccountOut]:
    account = service.create_account(session, **body.model_dump())
    return Created(id=account.id, data=AccountOut.model_validate(account))


@router.get("/api/accounts/{account_id}", response_model=Ok[AccountOut], responses=errors(404))
def get_account(account_id: AccountId, session: SessionDep, _: Viewer) -> Ok[AccountOut]:
    return Ok(data=AccountOut.model_validate(service.get_account(session, account_id)))


@router.patch("/api/accounts/{account_id}", response_model=Ok[AccountOut], responses=errors(400, 404, 409, 413))
def patch_account(account_id: AccountId, body: AccountPatch, session: SessionDep, _: Admin) -> Ok[AccountOut]:
    account = service.update_account(session, account_id, body.model_dump(exclude_unset=True))
    return Ok(data=AccountOut.model_validate(account))


@router.delete("/api/accounts/{account_id}", response_model=Ok[None], responses=errors(404, 409))
def delete_account(account_id: AccountId, session: SessionDep, _: Admin) -> Ok[None]:
    service.delete_account(session, account_id)
    return Ok(data=None)
