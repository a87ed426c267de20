"""Stored answers of requests made with an Idempotency-Key."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paas.store.schema import IdempotentRequest


def find(session: Session, scope: str, key: str) -> IdempotentRequest | None:
    return session.scalars(
        select(IdempotentRequest).where(IdempotentRequest.scope == scope, IdempotentRequest.key == key)
    ).first()
