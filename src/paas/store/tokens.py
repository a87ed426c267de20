"""API tokens, stored as SHA-256 hashes. The plain token exists only in the response that made it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paas.store.schema import ApiToken


def find_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


def list_all(session: Session, *, include_revoked: bool) -> list[ApiToken]:
    statement = select(ApiToken).where(ApiToken.single_use.is_(False)).order_by(ApiToken.id)
    if not include_revoked:
        statement = statement.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(statement))


def count_usable_admins(session: Session) -> int:
    rows = session.scalars(
        select(ApiToken).where(
            ApiToken.role == "admin", ApiToken.revoked_at.is_(None), ApiToken.single_use.is_(False)
        )
    )
    return sum(1 for _ in rows)
