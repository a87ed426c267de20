"""Who is signed in, what they may do, and the CSRF token their forms carry.

- The browser holds one HttpOnly, SameSite=Strict cookie with a browser token (made from the
  one-time login link `paas serve` prints, or from a token pasted on ``/signin``); the token's
  role is the user's role. Signing out revokes that browser token.
- CSRF: every form and htmx request that changes something carries ``csrf_token`` (a form field,
  or the ``X-CSRF-Token`` header htmx sends from ``<body hx-headers>``). It is an HMAC of the
  session's own secret token, so it needs no server-side state, differs per session, and cannot
  be computed by a page that cannot read the HttpOnly cookie.
- Roles: a viewer sees no write controls, and a write it forges anyway is refused (403).
- Scope: a browser signed in with a token scoped to projects (``services.scopes``) sees only those
  projects on every page (another's is the "no such project" page); the overview, whose figures
  are over every project, sends it to its projects; the account pool's writes are refused (403).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from paas.api.deps import TOKEN_COOKIE, get_now, guarded_check
from paas.core.errors import Forbidden, Unauthorized
from paas.core.types import Role
from paas.services import tokens
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.tokens import csrf_for

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class WebUser:
    name: str
    role: Role
    csrf: str
    scope: Scope = EVERY_PROJECT  # a browser signed in with a scoped token sees only its projects

    @property
    def can_write(self) -> bool:
        return self.role.allows(Role.OPERATOR)

    @property
    def is_admin(self) -> bool:
        return self.role.allows(Role.ADMIN)


class SignInNeeded(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def signed_in(request: Request) -> WebUser | None:
    """The user of the request's session cookie, or None (no cookie, or a dead token)."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    now = get_now(request)
    try:
        record = guarded_check(request, token, lambda session: tokens.authenticate(  # throttled: 429 when blocked
            session, token, now=now, required=Role.VIEWER))
    except (Unauthorized, Forbidden):
        return None
    return WebUser(name=record.name, role=Role(record.role), csrf=csrf_for(token), scope=record.scope)


def viewer(request: Request) -> WebUser:
    user = signed_in(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(target)
    return user


async def checked(request: Request) -> WebUser:
    """A signed-in user (any role) whose request carries the session's CSRF token."""
    user = viewer(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        field = (await request.form()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not sent or not hmac.compare_digest(sent, user.csrf):
        raise Forbidden("this form is missing its CSRF token or the token is stale; reload the page")
    return user


async def operator(request: Request) -> WebUser:
    """A signed-in operator or admin, CSRF token checked: what every write needs."""
    user = await checked(request)
    if not user.can_write:
        raise Forbidden(f"a {user.role.value} cannot change anything; sign in with an operator token",
                        {"required": Role.OPERATOR.value, "role": user.role.value})
    return user


async def admin(request: Request) -> WebUser:
    """A signed-in admin, CSRF token checked: what account writes need (as on the API)."""
    user = await checked(request)
    if not user.is_admin:
        raise Forbidden(f"this action needs the admin role; you are signed in as {user.role.value}",
                        {"required": Role.ADMIN.value, "role": user.role.value})
    user.scope.refuse_if_limited("changing the account pool")
    return user


Viewer = Annotated[WebUser, Depends(viewer)]
Checked = Annotated[WebUser, Depends(checked)]
Operator = Annotated[WebUser, Depends(operator)]
Admin = Annotated[WebUser, Depends(admin)]


def set_session_cookie(response: Response, token: str, *, days: int, secure: bool) -> None:
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", max_age=days * 86400,
                        secure=secure, path="/")


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    async def on_sign_in_needed(request: Request, error: SignInNeeded) -> Response:
        target = f"/signin?next={quote(error.path, safe='')}"
        response: Response = RedirectResponse(target, status_code=303)
        if request.headers.get("hx-request"):  # an htmx fragment: send the whole page to sign in
            response = Response(status_code=401, headers={"HX-Redirect": target})
        if request.cookies.get(TOKEN_COOKIE):  # a dead session's: not sent again (each is a failed sign-in)
            response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict")
        return response
