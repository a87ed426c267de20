"""Idempotency keys for requests that must not happen twice (rotations, batch imports).

The first request with a key stores its answer in the same transaction as its effects; a
retry with the same key and the same body gets that answer back and changes nothing; the
same key with another body is a conflict. Two concurrent first requests race on the
unique (scope, key) index: the loser's transaction is retried and then replays.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import Conflict
from paas.store import idempotency as store
from paas.store.schema import IdempotentRequest


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: dict[str, Any]


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def earlier_answer(session: Session, scope: str, key: str, digest: str) -> StoredAnswer | None:
    earlier = store.find(session, scope, key)
    if earlier is None:
        return None
    if earlier.request_hash != digest:
        raise Conflict("this Idempotency-Key was already used with a different request", {"key": key})
    return StoredAnswer(status_code=earlier.status_code, body=json.loads(earlier.response_json))


def remember_answer(session: Session, scope: str, key: str, digest: str, status_code: int,
                    body: dict[str, Any]) -> None:
    session.add(IdempotentRequest(scope=scope, key=key, request_hash=digest, status_code=status_code,
                                  response_json=json.dumps(body, default=str)))
    session.flush()
