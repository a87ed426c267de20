"""Request dependencies: the per-request transaction, the clock, and the caller's token.

``SessionDep`` is the unit of work: it commits when the route returns (before the response
is sent, so a failed commit is an error answer, not a lie) and rolls back if it raises.
GET requests get a read transaction. Token checks run in their own short transaction, so a
viewer's read never takes SQLite's write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from paas.config import Settings
from paas.core.types import Role
from paas.services import tokens
from paas.services.credentials import CredentialKeyError, CredentialVault, vault_from_settings
from paas.store.db import run_in_transaction, transaction
from paas.store.schema import ApiToken

T = TypeVar("T")
TOKEN_COOKIE = "paas_token"
LAST_USED_RESOLUTION = timedelta(minutes=5)


def system_clock() -> datetime:
    return datetime.now(UTC)


def get_session(request: Request) -> Iterator[Session]:
    with transaction(request.app.state.engine, write=request.method not in ("GET", "HEAD")) as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """For the few GETs that write (the login link exchange)."""
    with transaction(request.app.state.engine, write=True) as session:
        yield session


def get_now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[Session, Depends(get_write_session, scope="function")]
Now = Annotated[datetime, Depends(get_now)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(TOKEN_COOKIE)


def require(role: Role) -> Callable[[Request], ApiToken]:
    """A dependency that lets the request through only with a live token of ``role`` or above."""

    def check(request: Request) -> ApiToken:
        now = get_now(request)
        engine = request.app.state.engine
        with transaction(engine, write=False) as session:
            record = tokens.authenticate(session, bearer_token(request), now=now, required=role)
        if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
            # Bookkeeping only: never fail or queue a request behind the write lock for it.
            with suppress(OperationalError), transaction(engine) as session:
                tokens.note_use(session, record.id, now=now)
        return record

    check.__name__ = f"require_{role.value}"
    return check


def get_vault(request: Request) -> CredentialVault | None:
    """The credential vault, built on first use (in development it may create a key file)."""
    state = request.app.state
    if getattr(state, "vault", None) is None:
        try:
            state.vault = vault_from_settings(state.settings)
        except CredentialKeyError:
            return None
    vault: CredentialVault = state.vault
    return vault


def get_runner(request: Request) -> Callable[[Callable[[Session], T]], T]:
    """Runs a unit of work in its own write transaction, retrying lost races (locks, lease index)."""
    engine = request.app.state.engine

    def run(work: Callable[[Session], T]) -> T:
        return run_in_transaction(engine, work)

    return run


def get_reader(request: Request) -> Callable[[Callable[[Session], T]], T]:
    """Runs a unit of work in a read transaction (no write lock held while it computes)."""
    engine = request.app.state.engine

    def read(work: Callable[[Session], T]) -> T:
        with transaction(engine, write=False) as session:
            return work(session)

    return read


Vault = Annotated[CredentialVault | None, Depends(get_vault)]
Runner = Annotated[Callable[[Callable[[Session], Any]], Any], Depends(get_runner)]
Reader = Annotated[Callable[[Callable[[Session], Any]], Any], Depends(get_reader)]
Viewer = Annotated[ApiToken, Depends(require(Role.VIEWER))]
Operator = Annotated[ApiToken, Depends(require(Role.OPERATOR))]
Admin = Annotated[ApiToken, Depends(require(Role.ADMIN))]
