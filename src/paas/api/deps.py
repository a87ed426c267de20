"""Request dependencies: the per-request unit of work, the clock, and the caller's token.

Everything goes through the app's ``store.unit.Database`` (``app.state.db``). ``SessionDep`` is
the request's unit of work: it commits when the route returns (before the response is sent,
so a failed commit is an error answer, not a lie), rolls back if it raises, and publishes the
events of the work after the commit. GET requests get a read transaction. ``Runner`` and
``Reader`` are ``Database.run`` (a write retried on a lost race) and ``Database.read``, for
routes that build something slow before a short write (``store.unit.build_then_save``).
Token checks run in their own short transaction, so a viewer's read never takes SQLite's
write lock.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from paas.config import Settings
from paas.core.errors import Forbidden
from paas.core.types import Role
from paas.services import tokens
from paas.services.auth_throttle import AuthGuard, keys_for
from paas.services.credentials import CredentialKeyError, CredentialVault, vault_from_settings
from paas.services.database import Database, Transaction
from paas.services.scopes import Principal

T = TypeVar("T")
TOKEN_COOKIE = "paas_token"
LAST_USED_RESOLUTION = timedelta(minutes=5)
# Declares the ``bearerAuth`` scheme in the OpenAPI document (and so on every operation that
# requires a token); it checks nothing itself: ``bearer_token`` still reads the header or the cookie.
BEARER = HTTPBearer(scheme_name="bearerAuth", auto_error=False,
                    description="An API token (`paas tokens create`); the dashboard's cookie works too.")


def system_clock() -> datetime:
    return datetime.now(UTC)


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def request_session(request: Request) -> Iterator[Session]:
    with get_db(request).unit(write=request.method not in ("GET", "HEAD")) as session:
        yield session


def request_write_session(request: Request) -> Iterator[Session]:
    """For the few GETs that write (the login link exchange)."""
    with get_db(request).unit(write=True) as session:
        yield session


def get_now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(request_session, scope="function")]
WriteSessionDep = Annotated[Session, Depends(request_write_session, scope="function")]
Now = Annotated[datetime, Depends(get_now)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(TOKEN_COOKIE)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _check_cookie_csrf(request: Request) -> None:
    """A write authenticated by the browser's cookie alone (no Authorization header) must carry the
    session's CSRF token in ``X-CSRF-Token``, as the dashboard's requests do: another site's page
    cannot make the browser change anything, even where SameSite is not honoured."""
    header = request.headers.get("authorization", "")
    cookie = request.cookies.get(TOKEN_COOKIE)
    if request.method in SAFE_METHODS or header.strip() or not cookie:
        return
    sent = request.headers.get("x-csrf-token", "")
    if not hmac.compare_digest(sent, tokens.csrf_for(cookie)):
        raise Forbidden("a write signed in by the browser's cookie needs its X-CSRF-Token header")


def get_guard(request: Request) -> AuthGuard:
    guard: AuthGuard = request.app.state.auth_guard
    return guard


def guarded_check(request: Request, secret: str | None, check: Callable[[Session], T], *,
                  write: bool = False) -> T:
    """``check`` of the presented ``secret`` (a token, a login code) throttled per client address and
    secret prefix (``services.auth_throttle``: 429 while blocked, failures counted); a request that
    presents nothing is no guess and is checked as it is."""
    db = get_db(request)
    transaction = db.run if write else db.read
    if not secret:
        return transaction(check)
    client = request.client.host if request.client else None
    return get_guard(request).guarded(transaction, db.run, keys_for(client, secret), get_now(request), check)


def require(role: Role, *, unscoped: bool = False) -> Callable[..., Principal]:
    """A dependency that lets the request through only with a live token of ``role`` or above; the
    caller it answers carries the token's project scope for the services' object checks. With
    ``unscoped``, a token scoped to projects is refused (403): the route acts on the shared pool or on
    the service itself (``services.scopes``)."""

    def check(request: Request,
              _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None) -> Principal:
        now = get_now(request)
        db = get_db(request)
        _check_cookie_csrf(request)
        token = bearer_token(request)
        record = guarded_check(request, token, lambda session: tokens.authenticate(session, token, now=now,
                                                                                   required=role))
        if unscoped:
            record.scope.refuse_if_limited("this action")
        if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
            # Bookkeeping only: never fail or queue a request behind the write lock for it.
            with suppress(OperationalError), db.unit(wait=False) as session:
                tokens.note_use(session, record.id, now=now)
        return record

    check.__name__ = f"require_{role.value}" + ("_unscoped" if unscoped else "")
    return check


def get_vault(request: Request) -> CredentialVault | None:
    """The credential vault now (a key file is re-read when it changes: ``paas keys rotate`` may run
    while this server does; in development the file is created on first use)."""
    try:
        return vault_from_settings(request.app.state.settings)
    except CredentialKeyError:
        return None


def get_runner(request: Request) -> Transaction:
    """``Database.run``: a write transaction of its own, retried on a lost race (locks, lease index)."""
    return get_db(request).run


def get_reader(request: Request) -> Transaction:
    """``Database.read``: a read transaction (no write lock held while it computes)."""
    return get_db(request).read


Vault = Annotated[CredentialVault | None, Depends(get_vault)]
Runner = Annotated[Transaction, Depends(get_runner)]
Reader = Annotated[Transaction, Depends(get_reader)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
# The routes that act on the shared pool or the service (account writes, webhooks): no scoped token.
UnscopedViewer = Annotated[Principal, Depends(require(Role.VIEWER, unscoped=True))]
UnscopedAdmin = Annotated[Principal, Depends(require(Role.ADMIN, unscoped=True))]
