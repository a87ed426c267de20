"""Webhooks: where alerts are POSTed, and the worker that delivers the outbox.

- ``add_webhook``: an http(s) URL (anything else is refused, 422) and a secret, given or generated;
  the secret is returned once (``IssuedWebhook``) and stored only encrypted by the credential vault.
  No view has a field for it.
- ``enqueue``: one outbox row per enabled webhook, written in the caller's unit of work (the one that
  raised or cleared the alert), so a delivery exists exactly when the change was committed.
- ``deliver_due``: one pass of the worker. Due rows are claimed in a short write transaction (a
  conditional update with a lease, safe with several processes: ``store.webhooks``), POSTed with no
  transaction open (``adapters.webhooks``: signed, 5 s timeout), and each result recorded in
  another short write. A failed attempt is retried after 30 s, 2 min, 10 min, 1 h and 6 h; the
  sixth failure marks the delivery ``failed`` (visible in ``list_deliveries``).
- ``DeliveryWorker``: ``deliver_due`` every few seconds on a thread of ``paas serve``; stops cleanly.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from paas.adapters import webhooks as http
from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.core.types import DeliveryStatus, Page
from paas.services.credentials import CredentialKeyError, CredentialVault, remember_canary
from paas.services.field_rules import parse_enum, storable
from paas.services.views import View
from paas.store import webhooks as store
from paas.store.schema import Webhook, WebhookDelivery
from paas.store.unit import Transaction

log = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1),
                timedelta(hours=6))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(seconds=60)  # longer than a POST may take (its timeout), so a claim is never taken twice
MIN_SECRET_LENGTH, MAX_URL_LENGTH, MAX_DESCRIPTION_LENGTH = 16, 2000, 200
Post = http.Post


def shown_url(url: str) -> str:
    """A webhook URL as views show it: scheme, host and port. The path, query and any user:password
    are left out — for Slack- or Discord-style hooks the URL itself is the credential (given once)."""
    parts, host = urlsplit(url), urlsplit(url).hostname or ""
    where, port = (f"[{host}]" if ":" in host else host), (f":{parts.port}" if parts.port else "")
    hidden = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{parts.scheme}://{where}{port}{hidden}"


ShownUrl = Annotated[str, AfterValidator(shown_url)]


class WebhookOut(View):
    """A webhook as listed: never its secret, nor the URL's path (see ``shown_url``)."""

    id: int
    url: ShownUrl
    description: str | None
    enabled: bool
    created_at: datetime


class DeliveryOut(View):
    id: int
    webhook_id: int
    alert_id: int | None
    event: str = Field(description="alert.raised or alert.cleared (the X-PAAS-Event header).")
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime = Field(description="When a pending delivery is tried next.")
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class AttemptOut(View):
    """One POST of a worker's pass, and what became of its delivery."""

    delivery_id: int
    webhook_id: int
    url: ShownUrl
    event: str
    attempt: int
    status: DeliveryStatus
    status_code: int | None
    error: str | None
    next_attempt_at: datetime | None


class DeliveryPass(View):
    attempted: int
    delivered: int
    retrying: int
    failed: int
    attempts: list[AttemptOut]


@dataclass(frozen=True)
class IssuedWebhook:
    """A webhook just added: its secret (shown once) and how it is listed."""

    secret: str
    webhook: WebhookOut


def _storable(value: str, field: str) -> str:
    try:
        return storable(value)
    except ValueError as problem:
        raise InvalidInput(f"{field}: {problem}", {"field": field}) from None


def checked_url(url: str) -> str:
    text = _storable(url.strip(), "url")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises for a port that is no number or past 65535
    except ValueError:  # "http://[::1/x": an unclosed IPv6 host (a 500 before)
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput("a webhook URL must start with http:// or https:// and name a host (a port, if any, "
                           "up to 65535)", {"field": "url"})
    if len(text) > MAX_URL_LENGTH or any(character.isspace() for character in text):
        raise InvalidInput(f"a webhook URL has at most {MAX_URL_LENGTH} characters and no spaces", {"field": "url"})
    return text


def add_webhook(session: Session, *, url: str, vault: CredentialVault | None, now: datetime,
                secret: str | None = None, description: str | None = None) -> IssuedWebhook:
    """Add a webhook; without ``secret`` one is generated. The secret is in the answer, once."""
    target = checked_url(url)
    if secret is not None and (len(_storable(secret, "secret")) < MIN_SECRET_LENGTH or len(secret) > 200
                               or secret != secret.strip()):
        raise InvalidInput(f"a webhook secret has {MIN_SECRET_LENGTH} to 200 characters, no surrounding spaces",
                           {"field": "secret"})
    if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidInput(f"a description has at most {MAX_DESCRIPTION_LENGTH} characters", {"field": "description"})
    if any(hook.url == target for hook in store.all_webhooks(session)):  # each alert would be POSTed twice
        raise Conflict("a webhook with this URL exists already", {"field": "url"})
    if vault is None:
        raise CredentialKeyError("no credential key configured: webhook secrets are stored encrypted "
                                 "(set PAAS_CREDENTIAL_KEYS)")
    plain = secret if secret is not None else "whsec_" + secrets.token_urlsafe(32)
    remember_canary(session, vault)
    webhook = store.add(session, Webhook(url=target, secret_encrypted=vault.encrypt(plain),
                                         description=_storable(description, "description") if description else None,
                                         enabled=True, created_at=now))
    return IssuedWebhook(secret=plain, webhook=WebhookOut.model_validate(webhook))


def list_webhooks(session: Session) -> list[WebhookOut]:
    return [WebhookOut.model_validate(webhook) for webhook in store.all_webhooks(session)]


def remove_webhook(session: Session, webhook_id: int) -> None:
    """Remove a webhook and its deliveries (404 when there is none)."""
    webhook = store.get(session, webhook_id)
    if webhook is None:
        raise NotFound(f"webhook {webhook_id} does not exist", {"id": webhook_id, "kind": "webhook"})
    store.remove(session, webhook)


def list_deliveries(session: Session, *, status: str | None = None, webhook_id: int | None = None,
                    limit: int = 50, offset: int = 0) -> Page[DeliveryOut]:
    """Deliveries newest first; ``status`` pending, delivered or failed."""
    wanted = parse_enum(DeliveryStatus, status, "status").value if status else None
    return store.newest_deliveries(session, status=wanted, webhook_id=webhook_id, limit=limit,
                                   offset=offset).map(DeliveryOut.model_validate)


def enqueue(session: Session, *, event: str, alert_id: int | None, payload: dict[str, Any], now: datetime) -> int:
    """One pending delivery of ``payload`` per enabled webhook, in the caller's unit; how many."""
    body = json.dumps({"event": event, **payload}, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    rows = [WebhookDelivery(webhook_id=webhook_id, alert_id=alert_id, event=event, payload=body,
                            status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now, created_at=now)
            for webhook_id in store.enabled_ids(session)]
    store.add_deliveries(session, rows)
    return len(rows)


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    webhook_id: int
    url: str
    secret_encrypted: str
    event: str
    payload: str
    attempts: int  # before this one


def _claim(session: Session, now: datetime, limit: int) -> list[_Claimed]:
    claimed = []
    for delivery_id, attempts in store.due(session, now, limit):
        if store.claim(session, delivery_id, attempts, now, now + LEASE):
            delivery, webhook = store.with_webhook(session, delivery_id)
            claimed.append(_Claimed(delivery_id, webhook.id, webhook.url, webhook.secret_encrypted, delivery.event,
                                    delivery.payload, attempts))
    return claimed


def _send(item: _Claimed, vault: CredentialVault, now: datetime, post: Post) -> http.Outcome:
    try:
        secret = vault.decrypt(item.secret_encrypted)
    except CredentialKeyError as problem:
        return http.Outcome(False, None, f"the webhook's secret cannot be read: {problem}")
    body = item.payload.encode("utf-8")
    timestamp = int(now.timestamp())
    return post(item.url, body, http.headers(secret=secret, timestamp=timestamp, body=body, event=item.event,
                                             delivery_id=item.delivery_id))


def _record(session: Session, item: _Claimed, outcome: http.Outcome, now: datetime) -> AttemptOut | None:
    attempt = item.attempts + 1
    next_at: datetime | None = None
    if outcome.delivered:
        status = DeliveryStatus.DELIVERED
        values: dict[str, Any] = {"status": status.value, "delivered_at": now, "last_error": None,
                                  "next_attempt_at": now}  # not the claim's lease: nothing is next
    elif attempt >= MAX_ATTEMPTS:
        status = DeliveryStatus.FAILED
        values = {"status": status.value, "last_error": outcome.error, "next_attempt_at": now}
    else:
        status, next_at = DeliveryStatus.PENDING, now + RETRY_DELAYS[attempt - 1]
        values = {"next_attempt_at": next_at, "last_error": outcome.error}
    values["last_status_code"] = outcome.status_code
    if not store.record(session, item.delivery_id, item.attempts, values):
        return None  # the lease ran out and another worker took it over: its result stands
    return AttemptOut(delivery_id=item.delivery_id, webhook_id=item.webhook_id, url=item.url, event=item.event,
                      attempt=attempt, status=status, status_code=outcome.status_code, error=outcome.error,
                      next_attempt_at=next_at)


def deliver_due(run: Transaction, *, vault: CredentialVault, now: datetime, post: Post | None = None,
                limit: int = 100) -> DeliveryPass:
    """One pass: every delivery due at ``now`` (up to ``limit``) tried once; what came of each.
    ``post`` defaults to one HTTP client for the whole pass (``adapters.webhooks.poster``)."""
    claimed = run(lambda session: _claim(session, now, limit))
    attempts: list[AttemptOut] = []
    if not claimed:
        return DeliveryPass(attempted=0, delivered=0, retrying=0, failed=0, attempts=[])
    with ExitStack() as stack:
        send = post if post is not None else stack.enter_context(http.poster())
        for item in claimed:
            outcome = _send(item, vault, now, send)
            recorded = run(lambda session, item=item, outcome=outcome: _record(session, item, outcome, now))  # type: ignore[misc]
            if recorded is not None:
                attempts.append(recorded)
    counts = {status: sum(1 for attempt in attempts if attempt.status is status) for status in DeliveryStatus}
    return DeliveryPass(attempted=len(attempts), delivered=counts[DeliveryStatus.DELIVERED], attempts=attempts,
                        retrying=counts[DeliveryStatus.PENDING], failed=counts[DeliveryStatus.FAILED])


class DeliveryWorker:
    """``deliver_due`` every ``interval`` seconds on a daemon thread, until ``stop``."""

    def __init__(self, run: Transaction, vault: Callable[[], CredentialVault | None], clock: Callable[[], datetime],
                 *, interval: float = 5.0) -> None:
        self._run, self._vault, self._clock, self._interval = run, vault, clock, interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="paas-webhook-deliveries", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                vault = self._vault()
                if vault is not None:
                    deliver_due(self._run, vault=vault, now=self._clock())
            except OperationalError as problem:  # the database down or busy: one line, not a traceback
                log.warning("webhook pass skipped, database unavailable: %s", " ".join(str(problem.orig).split()))
            except Exception:  # noqa: BLE001 - a pass that fails is logged; the next one tries again
                log.exception("webhook delivery pass failed")
            self.passes += 1
