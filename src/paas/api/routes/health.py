"""GET /healthz and GET /ping (no auth) and the one-time login link exchange."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from paas import __version__
from paas.api.deps import TOKEN_COOKIE, Now, SessionDep, SettingsDep, guarded_check
from paas.api.routes import errors
from paas.services.database import backend
from paas.services.tokens import redeem_login_link

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    database: str


@router.get("/healthz", response_model=Health)
def healthz(session: SessionDep) -> Health:
    return Health(version=__version__, database=backend(session))


class Pong(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/ping", response_model=Pong)
async def ping() -> Pong:
    """The process answers: no token, no database (the load benchmark's hello-world baseline;
    /healthz is the check that reaches the database)."""
    return Pong()


@router.get("/login", response_class=RedirectResponse, status_code=303, responses=errors())
def login(request: Request, code: Annotated[str, Query(min_length=10, max_length=200)], now: Now,
          settings: SettingsDep) -> RedirectResponse:
    """Trade a one-time login code (printed by `paas serve`) for a browser token in an HttpOnly cookie.
    Failed codes are throttled like bad tokens: 429 with `Retry-After` once a client has failed too often."""
    issued = guarded_check(request, code, lambda session: redeem_login_link(
        session, code, now=now, browser_days=settings.browser_session_days), write=True)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, issued.token, httponly=True, samesite="strict",
                        max_age=settings.browser_session_days * 86400,
                        secure=settings.base_url.startswith("https://"))
    return response
