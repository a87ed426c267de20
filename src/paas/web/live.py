"""``GET /live``: Server-Sent Events, one ``change`` event per committed domain event, from any
process (``services.live.LiveFeed``: SQLite's outbox table, PostgreSQL's LISTEN/NOTIFY).

Each open page holds one stream; the feed's thread hands each event to the stream's asyncio
queue (bounded: a page that cannot keep up loses events, not memory, and still refreshes on the
next). A comment line every ``HEARTBEAT`` seconds keeps proxies from closing an idle stream and
tells the server that a page went away. A browser signed in with a scoped token hears only the
events of its projects and the pool's (``services.scopes``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import StreamingResponse

from paas.api.deps import get_db
from paas.services.live import LiveFeed
from paas.web.auth import Viewer

router = APIRouter(include_in_schema=False)
HEARTBEAT = 15.0
QUEUE_SIZE = 256


def feed_of(app: FastAPI, request: Request) -> LiveFeed:
    feed: LiveFeed | None = getattr(app.state, "live_feed", None)
    if feed is None:
        feed = app.state.live_feed = LiveFeed(get_db(request))
    return feed


def close_feed(app: FastAPI) -> None:
    feed: LiveFeed | None = getattr(app.state, "live_feed", None)
    if feed is not None:
        feed.close()
        app.state.live_feed = None


def frame(number: int, event: dict[str, Any]) -> str:
    return f"id: {number}\nevent: change\ndata: {json.dumps(event, separators=(',', ':'))}\n\n"


@router.get("/live")
async def live(request: Request, user: Viewer) -> StreamingResponse:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)

    def hand_over(event: dict[str, Any]) -> None:
        project_id = event.get("project_id")
        if not user.scope.allows(project_id if isinstance(project_id, int) else None):
            return  # a scoped user hears nothing of another project's events
        def put() -> None:
            if not queue.full():
                queue.put_nowait(event)
        loop.call_soon_threadsafe(put)

    unsubscribe = feed_of(request.app, request).subscribe(hand_over)

    async def stream() -> AsyncIterator[str]:
        number = 0
        try:
            yield "retry: 1000\n: connected\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": heartbeat\n\n"
                    continue
                number += 1
                yield frame(number, event)
        finally:
            unsubscribe()

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
