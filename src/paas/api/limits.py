"""Request body limit, enforced on the bytes that arrive (a missing or lying Content-Length
does not get past it). The body is read up front, at most ``max_bytes`` + one chunk, and
replayed to the app: simpler and safer than failing half-way through a route's parsing.

A body over the limit is still read to its end (``DRAIN_BYTES`` at most, in the server's chunks,
each dropped as it comes) before the 413 is sent: a server that closes a connection with unread
bytes in it makes the kernel answer with a TCP reset, and the client then sees a broken connection
instead of the 413. A body declared larger than ``DRAIN_BYTES``, or still coming past it, is
answered at once (that client may see the reset; reading on would cost time for nothing)."""

from __future__ import annotations

import json
from typing import Any

Scope = dict[str, Any]
DRAIN_BYTES = 256 * 1024 * 1024


class BodyLimit:
    def __init__(self, app: Any, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_max = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.default_max)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            if int(declared) > DRAIN_BYTES or await _drained(receive, 0):
                await self._refuse(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                if not message.get("more_body", False) or await _drained(receive, size):
                    await self._refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Any:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Any, limit: int) -> None:
        body = json.dumps({"success": False, "error": {
            "code": "payload_too_large",
            "message": f"request body over {limit} bytes",
            "details": {"max_bytes": limit}}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


async def _drained(receive: Any, size: int) -> bool:
    """Read and drop the rest of the body, up to ``DRAIN_BYTES``: False if the client went away
    (no one to answer), else True."""
    while size <= DRAIN_BYTES:
        message = await receive()
        if message["type"] != "http.request":
            return False
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return True
