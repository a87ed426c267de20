"""The live feed: every committed unit's events, from any process on the database, for one server.

A server process holds one ``LiveFeed`` (built on its ``Database``) and the live pages subscribe
to it. One daemon thread, started by the first ``subscribe`` (or ``start``), tails the channel
``store.live`` writes in each unit's own transaction: on SQLite it reads the new ``live_events``
rows every ``POLL_SECONDS`` (starting after the newest one: nothing old is replayed); on
PostgreSQL it LISTENs. Events this very process committed come the same way, so a subscriber
hears each event once, whichever process made it. Subscribers are told from the feed's thread
(a web door hands the dict over to its event loop with ``loop.call_soon_threadsafe``); one that
raises is logged and skipped.

On PostgreSQL a lost connection is logged once and retried after a short back-off; what was
told while it was down is lost, so once it is back subscribers hear ``{"kind": "live_resumed"}``
(reload everything). On SQLite nothing is lost: reading goes on after the last id it saw.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from paas.services.database import Database
from paas.store import live

log = logging.getLogger(__name__)

LiveSubscriber = Callable[[dict[str, Any]], None]
POLL_SECONDS = 0.2
READ_LIMIT = 500
LISTEN_TIMEOUT = 0.5
BACK_OFF_SECONDS = (0.2, 0.5, 1.0, 2.0)
READY_TIMEOUT = 5.0
RESUMED = {"kind": "live_resumed"}


class LiveFeed:
    """Committed domain events (``event.as_dict()``: ``{"kind": ..., **fields}``), told to subscribers."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._subscribers: list[LiveSubscriber] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start tailing (once); returns when an event committed from now on will be heard
        (or after ``READY_TIMEOUT`` if the database cannot be reached: it keeps trying)."""
        with self._lock:
            if self._thread is None:
                self._stop = threading.Event()  # the thread's own: a late one from before close() stays stopped
                self._ready.clear()
                self._thread = threading.Thread(target=self._run, args=(self._stop,), name="paas-live-feed",
                                                daemon=True)
                self._thread.start()
        self._ready.wait(READY_TIMEOUT)

    def subscribe(self, subscriber: LiveSubscriber) -> Callable[[], None]:
        """Tell ``subscriber`` each event committed from now on; returns the function that stops it."""
        with self._lock:
            self._subscribers.append(subscriber)
        self.start()

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def close(self, timeout: float = 1.0) -> None:
        """Stop the thread (within about ``LISTEN_TIMEOUT``) and forget the subscribers."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._subscribers.clear()
            self._stop.set()
        if thread is not None:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def _tell(self, data: dict[str, Any]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(data)
            except Exception:  # noqa: BLE001 - one broken page must not silence the others
                log.exception("live subscriber failed on %s", data.get("kind"))

    def _run(self, stop: threading.Event) -> None:
        if self.database.engine.dialect.name == "postgresql":
            self._listen(stop)
        else:
            self._poll(stop)

    def _poll(self, stop: threading.Event) -> None:
        last: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                if last is None:
                    last = self.database.read(live.latest_id)
                    self._ready.set()
                batch = self.database.read(partial(live.read_after, last_id=last, limit=READ_LIMIT))
                failures = 0
            except Exception:  # noqa: BLE001 - a busy or missing database: keep trying
                failures = self._failed(failures, stop)
                continue
            for row_id, data in batch:
                last = row_id
                self._tell(data)
            if len(batch) < READ_LIMIT:  # a full batch: more are waiting
                stop.wait(POLL_SECONDS)

    def _listen(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                batches = live.listen(self.database.engine, timeout=LISTEN_TIMEOUT)
                try:
                    for batch in batches:
                        if failures:
                            failures = 0
                            self._tell(dict(RESUMED))
                        self._ready.set()
                        for data in batch:
                            self._tell(data)
                        if stop.is_set():
                            break
                finally:
                    batches.close()
            except Exception:  # noqa: BLE001 - the connection went: reconnect after a back-off
                failures = self._failed(failures, stop)

    def _failed(self, failures: int, stop: threading.Event) -> int:
        if failures == 0:
            log.exception("the live feed lost the database; retrying")
        stop.wait(BACK_OFF_SECONDS[min(failures, len(BACK_OFF_SECONDS) - 1)])
        return failures + 1
