"""``/signin`` (paste a token), ``/signout``; the printed one-time URL is the API's ``/login``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paas.api.deps import TOKEN_COOKIE, Now, SettingsDep, get_db, guarded_check
from paas.core.errors import Forbidden, TooManyAttempts, Unauthorized
from paas.services import tokens
from paas.web.auth import Checked, set_session_cookie, signed_in
from paas.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (``/x``), never ``//host`` or a full URL: no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str | None = None) -> Response:
    if signed_in(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    page = render(request, "signin.html", None, next=_safe_next(next), title="Sign in")
    if request.cookies.get(TOKEN_COOKIE):  # a dead session's: not sent again (each is a failed sign-in)
        page.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict")
    return page


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, token: Annotated[str, Form(max_length=200)], now: Now, settings: SettingsDep,
           next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    if not _same_origin(request):
        return render(request, "signin.html", None, status_code=403, next=_safe_next(next),
                      error="This sign-in form was posted from another site.")
    pasted = token.strip()
    try:  # throttled per client and token prefix, as every token check
        issued = guarded_check(request, pasted, lambda session: tokens.open_browser_session(
            session, pasted, now=now, browser_days=settings.browser_session_days), write=True)
    except (Unauthorized, Forbidden):
        return render(request, "signin.html", None, status_code=401, next=_safe_next(next),
                      error="That token is unknown, revoked or expired.")
    except TooManyAttempts as refused:
        seconds = refused.details["retry_after_seconds"]
        page = render(request, "signin.html", None, status_code=429, next=_safe_next(next),
                      error=f"Too many failed sign-ins from here; try again in {seconds} seconds.")
        page.headers["Retry-After"] = str(seconds)
        return page
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, issued.token, days=settings.browser_session_days,
                       secure=settings.base_url.startswith("https://"))
    return response


@router.post("/signout")
def signout(request: Request, user: Checked, now: Now) -> Response:
    token = request.cookies.get(TOKEN_COOKIE, "")
    get_db(request).run(lambda session: tokens.close_browser_session(session, token, now=now))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict")
    return response
