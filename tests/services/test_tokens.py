"""services.tokens: only hashes are stored; authenticate refuses what is not a live token of a high enough role."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paas.core.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from paas.core.types import Role
from paas.services import tokens
from paas.store.schema import ApiToken
from paas.store.unit import transaction


@pytest.fixture
def issue(engine: Engine, clock: Any) -> Callable[..., tokens.IssuedToken]:
    def make(role: str = "operator", **options: Any) -> tokens.IssuedToken:
        with transaction(engine) as session:
            return tokens.create_token(session, role=role, name=f"{role} token", now=clock(), **options)

    return make


def authenticate(engine: Engine, clock: Any, token: str | None, required: Role = Role.VIEWER) -> ApiToken:
    with transaction(engine) as session:
        return tokens.authenticate(session, token, now=clock(), required=required)


def test_tokens_are_random_prefixed_and_stored_only_as_sha256(
    engine: Engine, issue: Callable[..., tokens.IssuedToken]
) -> None:
    first, second = issue(), issue()
    assert first.token.startswith("paas_") and first.token != second.token
    assert len(first.token) > 40
    with transaction(engine, write=False) as session:
        stored = session.scalars(select(ApiToken).where(ApiToken.id == first.record.id)).one()
        values = [str(getattr(stored, column.key)) for column in ApiToken.__table__.columns]
    assert stored.token_hash == hashlib.sha256(first.token.encode()).hexdigest()
    assert not any(first.token in value for value in values)
    assert stored.prefix == first.token[:12]


def test_unknown_role_is_invalid(issue: Callable[..., tokens.IssuedToken]) -> None:
    with pytest.raises(InvalidInput, match="role"):
        issue(role="owner")


def test_a_live_token_authenticates_and_returns_its_record(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    issued = issue("admin")
    record = authenticate(engine, clock, issued.token, Role.ADMIN)
    assert (record.id, record.role) == (issued.record.id, "admin")


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token_is_unauthorized(engine: Engine, clock: Any, token: str | None) -> None:
    with pytest.raises(Unauthorized, match="missing bearer token"):
        authenticate(engine, clock, token)


def test_unknown_token_is_unauthorized(engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]) -> None:
    issued = issue()
    with pytest.raises(Unauthorized, match="unknown or revoked"):
        authenticate(engine, clock, issued.token + "x")


def test_revoked_token_is_unauthorized_at_once(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    issued = issue()
    with transaction(engine) as session:
        revoked = tokens.revoke_token(session, issued.record.id, now=clock())
        assert revoked.revoked_at == clock()
    with pytest.raises(Unauthorized, match="unknown or revoked"):
        authenticate(engine, clock, issued.token)


def test_expired_token_is_unauthorized_from_its_expiry_on(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    issued = issue(valid_for=timedelta(hours=1))
    clock.now += timedelta(minutes=59)
    assert authenticate(engine, clock, issued.token).id == issued.record.id
    clock.now += timedelta(minutes=1)
    with pytest.raises(Unauthorized, match="expired"):
        authenticate(engine, clock, issued.token)


def test_single_use_login_code_is_not_a_bearer_token(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    link = issue("admin", single_use=True)
    with pytest.raises(Unauthorized):
        authenticate(engine, clock, link.token)


@pytest.mark.parametrize(("role", "required"), [("viewer", Role.OPERATOR), ("viewer", Role.ADMIN),
                                                ("operator", Role.ADMIN)])
def test_role_too_low_is_forbidden(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken], role: str, required: Role
) -> None:
    issued = issue(role)
    with pytest.raises(Forbidden) as raised:
        authenticate(engine, clock, issued.token, required)
    assert raised.value.details == {"required": required.value, "role": role}


def test_login_link_redeems_once_for_a_browser_token_of_the_same_role(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    link = issue("operator", single_use=True, valid_for=timedelta(minutes=15))
    with transaction(engine) as session:
        browser = tokens.redeem_login_link(session, link.token, now=clock(), browser_days=30)
    assert browser.record.role == "operator"
    assert browser.record.expires_at == clock() + timedelta(days=30)
    with transaction(engine, write=False) as session:
        assert not session.get(ApiToken, browser.record.id).single_use
    assert authenticate(engine, clock, browser.token, Role.OPERATOR).id == browser.record.id
    with pytest.raises(Unauthorized, match="already used"), transaction(engine) as session:
        tokens.redeem_login_link(session, link.token, now=clock(), browser_days=30)


def test_expired_login_link_and_plain_tokens_cannot_be_redeemed(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    link = issue("admin", single_use=True, valid_for=timedelta(minutes=15))
    plain = issue("admin")
    clock.now += timedelta(minutes=15)
    with pytest.raises(Unauthorized, match="expired"), transaction(engine) as session:
        tokens.redeem_login_link(session, link.token, now=clock(), browser_days=30)
    with pytest.raises(Unauthorized), transaction(engine) as session:
        tokens.redeem_login_link(session, plain.token, now=clock(), browser_days=30)


def test_list_hides_login_links_and_revoked_tokens_unless_asked(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    kept, revoked = issue("viewer"), issue("admin")
    issue("admin", single_use=True)
    with transaction(engine) as session:
        tokens.revoke_token(session, revoked.record.id, now=clock())
        assert [t.id for t in tokens.list_tokens(session)] == [kept.record.id]
        assert [t.id for t in tokens.list_tokens(session, include_revoked=True)] == [kept.record.id, revoked.record.id]


def test_revoking_an_unknown_token_or_a_login_link_is_not_found(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    link = issue("admin", single_use=True)
    for token_id in (999, link.record.id):
        with pytest.raises(NotFound), transaction(engine) as session:
            tokens.revoke_token(session, token_id, now=clock())


def test_has_admin_token_counts_only_live_reusable_admin_tokens(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    issue("operator")
    issue("admin", single_use=True)
    with transaction(engine, write=False) as session:
        assert not tokens.has_admin_token(session)
    admin = issue("admin")
    with transaction(engine) as session:
        assert tokens.has_admin_token(session)
        tokens.revoke_token(session, admin.record.id, now=clock())
        assert not tokens.has_admin_token(session)


def test_note_use_remembers_when_a_token_was_last_seen(
    engine: Engine, clock: Any, issue: Callable[..., tokens.IssuedToken]
) -> None:
    issued = issue()
    with transaction(engine) as session:
        tokens.note_use(session, issued.record.id, now=clock())
    with transaction(engine, write=False) as session:
        assert session.get(ApiToken, issued.record.id).last_used_at == clock()
