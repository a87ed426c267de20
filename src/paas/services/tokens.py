"""API tokens: mint, check, list, revoke, and the one-time login links `paas serve` prints.

A token is 32 random bytes (URL-safe), prefixed ``paas_`` so it is recognisable in a leak
scan. Only its SHA-256 is stored; the plain token is returned once, by ``create_token``.
A token made with ``projects`` is scoped to them (``services.scopes`` says what that means);
``authenticate`` answers the caller as a ``Principal`` carrying that scope, and a browser signed in
with a scoped token gets a browser token of the same scope.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import Field
from sqlalchemy.orm import Session

from paas.core.errors import Forbidden, NotFound, Unauthorized
from paas.core.types import Role
from paas.services.field_rules import parse_enum, required_name
from paas.services.scopes import Principal, scope_of
from paas.services.views import TokenOut
from paas.store import tokens as store
from paas.store.schema import ApiToken, Project

TOKEN_PREFIX = "paas_"
BROWSER_SESSION = "browser session"  # the name of tokens made for a signed-in browser


class ScopedTokenOut(TokenOut):
    """A token as listed, with the projects it is scoped to."""

    project_ids: list[int] | None = Field(None, description="Scoped: the only projects it sees (empty: none "
                                                            "left); null: every project.")
    projects: list[str] | None = Field(None, description="The names of those projects.")


def _listed(session: Session, records: list[ApiToken]) -> list[ScopedTokenOut]:
    scopes = store.scope_rows(session, [record.id for record in records if record.project_scoped])
    return [ScopedTokenOut.model_validate({
        **TokenOut.model_validate(record).model_dump(),
        "project_ids": [item[0] for item in scopes[record.id]] if record.project_scoped else None,
        "projects": [item[1] for item in scopes[record.id]] if record.project_scoped else None,
    }) for record in records]


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: its value (shown once) and how it is listed."""

    token: str
    record: TokenOut


def csrf_for(token: str) -> str:
    """The CSRF token of a browser session: an HMAC of its own secret token (no server state, one per
    session, and a page that cannot read the HttpOnly cookie cannot compute it)."""
    return hmac.new(token.encode("utf-8"), b"paas-csrf-v1", hashlib.sha256).hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, role: str, name: str, now: datetime,
                 valid_for: timedelta | None = None, single_use: bool = False,
                 projects: list[int] | frozenset[int] | None = None) -> IssuedToken:
    """A new token; with ``projects`` (ids, each must exist) it sees only those projects."""
    parsed = parse_enum(Role, role, "role")
    wanted = sorted(set(projects)) if projects is not None else None
    for project_id in wanted or ():
        if session.get(Project, project_id) is None:
            raise NotFound(f"project {project_id} does not exist", {"id": project_id, "kind": "project"})
    name = required_name(name, "name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        name=name, role=parsed.value, token_hash=hash_token(token), prefix=token[:12],
        single_use=single_use, created_at=now, expires_at=(now + valid_for) if valid_for else None,
        project_scoped=wanted is not None,
    )
    session.add(record)
    session.flush()
    if wanted:
        store.add_projects(session, record.id, wanted)
    return IssuedToken(token=token, record=_listed(session, [record])[0])


def authenticate(session: Session, token: str | None, *, now: datetime, required: Role) -> Principal:
    """The caller, if the token is live and its role covers ``required``; else Unauthorized/Forbidden."""
    if not token:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    record = store.find_by_hash(session, hash_token(token))
    if record is None or record.revoked_at is not None or record.single_use:
        raise Unauthorized("unknown or revoked token")
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("token expired")
    if not Role(record.role).allows(required):
        raise Forbidden(f"this action needs the {required.value} role; the token has {record.role}",
                        {"required": required.value, "role": record.role})
    ids = store.project_ids_of(session, record.id) if record.project_scoped else ()
    return Principal(id=record.id, name=record.name, role=record.role, last_used_at=record.last_used_at,
                     scope=scope_of(record.project_scoped, ids), expires_at=record.expires_at)


def note_use(session: Session, token_id: int, *, now: datetime) -> None:
    """Remember when a token was last seen (callers throttle this; it is a write)."""
    record = session.get(ApiToken, token_id)
    if record is not None:
        record.last_used_at = now


def redeem_login_link(session: Session, code: str, *, now: datetime, browser_days: int) -> IssuedToken:
    """Exchange a one-time login code for a browser token of the same role; the code dies."""
    record = store.find_by_hash(session, hash_token(code))
    if record is None or not record.single_use or record.revoked_at is not None:
        raise Unauthorized("this login link is unknown or was already used")
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("this login link has expired; restart `paas serve` or run `paas login-link`")
    record.revoked_at = now
    return create_token(session, role=record.role, name=BROWSER_SESSION, now=now,
                        valid_for=timedelta(days=browser_days))


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[ScopedTokenOut]:
    return _listed(session, store.list_all(session, include_revoked=include_revoked))


def revoke_token(session: Session, token_id: int, *, now: datetime) -> TokenOut:
    record = session.get(ApiToken, token_id)
    if record is None or record.single_use:
        raise NotFound(f"token {token_id} does not exist", {"id": token_id})
    if record.revoked_at is None:
        record.revoked_at = now
    session.flush()
    return TokenOut.model_validate(record)


def has_admin_token(session: Session) -> bool:
    return store.count_usable_admins(session) > 0


@dataclass(frozen=True)
class LoginTokens:
    login_link: IssuedToken
    first_admin: IssuedToken | None  # only when no admin token existed: shown once


def login_tokens(session: Session, *, now: datetime, link_minutes: int) -> LoginTokens:
    """A one-time login link, and the first admin token when there is none yet (the bootstrap rule,
    one place for every door that starts the service)."""
    first_admin = None
    if not has_admin_token(session):
        first_admin = create_token(session, role="admin", name="first admin", now=now)
    link = create_token(session, role="admin", name="login link", now=now, single_use=True,
                        valid_for=timedelta(minutes=link_minutes))
    return LoginTokens(login_link=link, first_admin=first_admin)



def open_browser_session(session: Session, token: str, *, now: datetime, browser_days: int) -> IssuedToken:
    """Sign a browser in with a token pasted on the sign-in page: a new browser token of the same
    role and scope (so signing out can revoke it without touching the token that was pasted)."""
    record = authenticate(session, token, now=now, required=Role.VIEWER)
    return create_token(session, role=record.role, name=BROWSER_SESSION, now=now,
                        valid_for=timedelta(days=browser_days), projects=record.scope.project_ids)


def close_browser_session(session: Session, token: str, *, now: datetime) -> None:
    """Sign out: the browser token dies (a token that is not a browser session is left alone)."""
    record = store.find_by_hash(session, hash_token(token))
    if record is not None and record.name == BROWSER_SESSION and record.revoked_at is None:
        record.revoked_at = now
