"""Sending one webhook delivery: a signed JSON POST, and what came of it.

What is signed (the receiver checks it the same way, see README "Alerts and webhooks"):

    signed  = f"{timestamp}.".encode() + body        # body: the raw request bytes, as sent
    header  = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()

sent as ``X-PAAS-Signature``, with ``X-PAAS-Timestamp`` (Unix seconds, the ``timestamp`` above:
a receiver refuses an old one, so a captured request cannot be replayed later), ``X-PAAS-Event``
(``alert.raised``, ``alert.cleared``) and ``X-PAAS-Delivery`` (the outbox row's id, the same on
every retry: a receiver can drop a repeat). Any 2xx answer is a delivery; anything else, a
redirect included (never followed), a timeout or a refused connection is a failed attempt.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the HTTP client loads only when something is delivered: every command starts without it
    import httpx2

TIMEOUT_SECONDS = 5.0
USER_AGENT = "paas-orchestrator-webhooks"
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None
    error: str | None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-PAAS-Signature`` header's value for ``body`` sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def headers(*, secret: str, timestamp: int, body: bytes, event: str, delivery_id: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-PAAS-Event": event,
        "X-PAAS-Delivery": str(delivery_id),
        "X-PAAS-Timestamp": str(timestamp),
        "X-PAAS-Signature": signature(secret, timestamp, body),
    }


Post = Callable[[str, bytes, dict[str, str]], Outcome]


@contextmanager
def poster(timeout: float = TIMEOUT_SECONDS) -> Iterator[Post]:
    """A POST of a body to a URL (never raising for what the network or the receiver does), over one
    client for many deliveries (a worker's pass): connections and TLS set-up reused."""
    import httpx2

    with httpx2.Client(timeout=timeout, follow_redirects=False) as client:
        yield lambda url, body, request_headers: _send(client, url, body, request_headers, timeout)


def _send(client: httpx2.Client, url: str, body: bytes, request_headers: dict[str, str], timeout: float) -> Outcome:
    import httpx2

    try:
        response = client.post(url, content=body, headers=request_headers)
    except httpx2.TimeoutException:
        return Outcome(False, None, f"no answer within {timeout:g} s")
    except (httpx2.HTTPError, httpx2.InvalidURL) as problem:
        return Outcome(False, None, _short(f"{type(problem).__name__}: {problem}"))
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code, None)
    return Outcome(False, response.status_code, _short(f"HTTP {response.status_code}: {response.text}"))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 1] + "…"
