"""The MCP tools over streamable HTTP at ``/mcp``, behind the API's bearer tokens and roles.

``McpHttp`` is an ASGI app the API mounts (``api.app.create_app``). Every request needs
``Authorization: Bearer <token>`` (a header only: a browser's cookie must not drive the tools)
of a live token; without one the answer is 401 in the API's error envelope, before the MCP
SDK sees the request. Inside, each tool checks the role it needs again
(``services.tokens.authenticate``: viewer for the reads, operator for the writes), so a viewer
token lists and reads but a write is a tool error naming the role it lacks.

Stateless and JSON answers (no session kept between requests, no event stream): any worker of
`paas serve --workers N` can answer any request, and no tool streams. The SDK's session manager
runs once, so ``lifespan`` makes a fresh one each time the app starts (a test client may start
one app several times); the tools are registered once. DNS-rebinding protection (a Host check) is off: it
guards servers a browser page can reach without credentials, and this one takes no cookie.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from sqlalchemy.exc import OperationalError

from paas.core import errors
from paas.core.types import Role
from paas.mcp.server import PaasMCPServer, build_server
from paas.mcp.tools import McpDoor
from paas.services import tokens
from paas.services.auth_throttle import AuthGuard, keys_for
from paas.services.database import Database
from paas.services.scopes import Principal
from paas.services.scopes import Scope as ProjectScope

PATH = "/mcp"
LAST_USED_RESOLUTION = timedelta(minutes=5)  # as the API: note a token's use at most this often
Scope = dict[str, Any]


def bearer(headers: Any) -> str | None:
    """The token of an ``Authorization: Bearer`` header (``headers``: a mapping, lower-case keys)."""
    scheme, _, value = (headers.get("authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class McpHttp:
    """The ASGI app at ``/mcp``: token check, then the SDK's streamable-HTTP handler."""

    def __init__(self, db: Database, clock: Callable[[], datetime], *, margin_percent: int,
                 auth_guard: AuthGuard | None = None) -> None:
        self.db = db
        self.clock = clock
        self.auth_guard = auth_guard  # failed tokens throttled as on /api (429 with Retry-After)
        self.margin_percent = margin_percent
        self._server: PaasMCPServer | None = None
        self._running: list[StreamableHTTPSessionManager] = []

    def guard(self, ctx: Context, role: Role) -> ProjectScope:
        """A tool's check: the request's token must be live and its role cover ``role``; answers the
        token's project scope (a scoped token's tools see only its projects)."""
        request = ctx.request_context.request
        token = bearer(request.headers) if request is not None else None
        now = self.clock()
        return self.db.read(lambda session: tokens.authenticate(session, token, now=now, required=role)).scope

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        if self._server is None:  # built once (~15 ms: each tool's argument model), on the first start
            door = McpDoor(self.db, self.clock, self.margin_percent)  # no directory: the project is named
            self._server = build_server(door, self.guard)
        server = self._server
        server.streamable_http_app(streamable_http_path=PATH, stateless_http=True, json_response=True,
                                   transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
        manager = server.session_manager
        async with manager.run():
            self._running.append(manager)
            try:
                yield
            finally:
                self._running.remove(manager)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        client = scope.get("client")
        try:
            await anyio.to_thread.run_sync(self._authenticate, bearer(headers), client[0] if client else None)
        except errors.TooManyAttempts as problem:
            seconds = problem.details["retry_after_seconds"]
            await _answer(send, 429, problem.code, problem.message, {"Retry-After": str(seconds)},
                          details=problem.details)
            return
        except errors.Unauthorized as problem:
            await _answer(send, 401, problem.code, problem.message, {"WWW-Authenticate": "Bearer"})
            return
        except OperationalError:
            await _answer(send, 503, "unavailable", "the database is busy or unreachable; retry shortly")
            return
        if not self._running:
            await _answer(send, 503, "unavailable", "the MCP server is not started (the app's lifespan did not run)")
            return
        await self._running[-1].handle_request(scope, receive, send)

    def _authenticate(self, token: str | None, client: str | None = None) -> None:
        now = self.clock()

        def check(session: Any) -> Principal:
            return tokens.authenticate(session, token, now=now, required=Role.VIEWER)

        if token and self.auth_guard is not None:
            record = self.auth_guard.guarded(self.db.read, self.db.run, keys_for(client, token), now, check)
        else:
            record = self.db.read(check)
        if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
            # Bookkeeping only: never fail or queue a request behind the write lock for it.
            with suppress(OperationalError), self.db.unit(wait=False) as session:
                tokens.note_use(session, record.id, now=now)


async def _answer(send: Any, status: int, code: str, message: str, headers: dict[str, str] | None = None, *,
                  details: dict[str, Any] | None = None) -> None:
    body = json.dumps({"success": False, "error": {"code": code, "message": message, "details": details}}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(key.lower().encode(), value.encode()) for key, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
