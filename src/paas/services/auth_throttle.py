"""Failed authentication throttled per client address and per token prefix (``core.auth_throttle``
is the rule, ``store.auth_throttle`` the shared counts).

Every door that checks a presented secret (a bearer token or the browser's cookie, a login link's
code, a token pasted on the sign-in page) runs the check through ``AuthGuard.guarded``:

1. a key this process knows to be blocked is refused at once (429), no database touched;
2. in the check's own transaction, before the token is looked at, a key blocked by any process
   is refused (one primary-key lookup: the only cost a successful request pays);
3. a check that fails (``Unauthorized``) is counted for both keys in a short write transaction of
   its own (the check's may be rolled back), then the 401 goes on; the failure that reaches the
   limit blocks the keys, and this process remembers the block until it ends.

A success writes nothing. Keys: ``client:<address>`` (the address uvicorn reports: behind a
reverse proxy, the forwarded one when the proxy is trusted, ``--forwarded-allow-ips``) and
``prefix:<first 12 characters>`` of the presented secret.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from paas.config import Settings
from paas.core.auth_throttle import FailureCount, ThrottlePolicy, after_failure, is_blocked, retry_after_seconds
from paas.core.errors import TooManyAttempts, Unauthorized
from paas.services.database import Transaction
from paas.store import auth_throttle as store

T = TypeVar("T")
PREFIX_LENGTH = 12  # as stored in api_tokens.prefix: "paas_" and 7 characters
CACHE_LIMIT = 10_000  # blocked keys remembered in-process; past it, the ended ones are dropped first


def policy_from(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(failures_allowed=settings.auth_failures_allowed,
                          window=timedelta(seconds=settings.auth_failure_window_seconds),
                          block=timedelta(seconds=settings.auth_block_seconds))


def keys_for(client: str | None, secret: str | None) -> tuple[str, ...]:
    """The keys a presented secret counts against: its client's address, and its prefix."""
    keys = [f"client:{client or 'unknown'}"]
    if secret:
        keys.append(f"prefix:{secret[:PREFIX_LENGTH]}")
    return tuple(keys)


class AuthGuard:
    """One per app (``app.state.auth_guard``): the policy and this process's memory of blocks."""

    def __init__(self, policy: ThrottlePolicy) -> None:
        self.policy = policy
        self._blocked: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def guarded(self, transaction: Transaction, run: Transaction, keys: tuple[str, ...], now: datetime,
                check: Callable[[Session], T]) -> T:
        """``check`` (it raises ``Unauthorized`` for a bad secret) in ``transaction``, refused first
        when a key is blocked, its failure counted with ``run``; see the module's docstring."""
        self._refuse_remembered(keys, now)

        def checked(session: Session) -> T:
            blocked = store.blocks(session, keys, now)
            if blocked:
                self._remember(blocked)
                raise self._refusal(max(blocked.values()), now)
            return check(session)

        try:
            return transaction(checked)
        except Unauthorized:
            self._remember(run(lambda session: self.count_failure(session, keys, now)))
            raise

    def count_failure(self, session: Session, keys: tuple[str, ...], now: datetime) -> dict[str, datetime]:
        """One more failure for each key; the keys now blocked, and until when."""
        store.forget_stale(session, now, now - self.policy.window)
        blocked = {}
        for key in keys:
            count: FailureCount = after_failure(store.locked_count(session, key, now), now, self.policy)
            store.save_count(session, key, count)
            if count.blocked_until is not None:
                blocked[key] = count.blocked_until
        return blocked

    def _refuse_remembered(self, keys: tuple[str, ...], now: datetime) -> None:
        with self._lock:
            moments = [self._blocked[key] for key in keys if key in self._blocked]
        latest = max((moment for moment in moments if is_blocked(moment, now)), default=None)
        if latest is not None:
            raise self._refusal(latest, now)

    def _remember(self, blocked: dict[str, datetime]) -> None:
        with self._lock:
            if len(self._blocked) + len(blocked) > CACHE_LIMIT:  # the blocks that end first go first
                for key, _ in sorted(self._blocked.items(), key=lambda item: item[1])[: CACHE_LIMIT // 2]:
                    del self._blocked[key]
            for key, until in blocked.items():
                self._blocked[key] = max(until, self._blocked.get(key, until))

    @staticmethod
    def _refusal(until: datetime, now: datetime) -> TooManyAttempts:
        seconds = retry_after_seconds(until, now)
        return TooManyAttempts(f"too many failed authentications from this client or for this token; retry in "
                               f"{seconds} s", {"retry_after_seconds": seconds})
