"""What the server says about HTTP methods: HEAD answers like GET, and a 405 names every method the path has.

``HeadAsGet`` serves a HEAD request as the GET of the same path, with the same status and headers
(``Content-Length`` included) and no body, except on GETs that change something or never end
(``NOT_LIKE_GET``: the login link exchange spends its code, the live stream runs until closed).
FastAPI's routes take one method each, so Starlette's own 405 says ``Allow`` with the method of the
first route it met on the path; ``method_not_allowed`` collects the methods of every route there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from paas.api.error_answers import error_response

Scope = dict[str, Any]
# GET routes a HEAD must not run: the one-time login code would be spent, the live stream never ends.
NOT_LIKE_GET = frozenset({"/login", "/live"})


def head_works(path: str) -> bool:
    return path not in NOT_LIKE_GET


class HeadAsGet:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or not head_works(scope.get("path", "")):
            await self.app(scope, receive, send)
            return

        async def without_body(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def _routes(app: FastAPI) -> Iterator[tuple[Any, set[str] | None]]:
    """Each route's path pattern and methods; an included router (FastAPI >= 0.16x keeps them nested)
    lists the routes it holds."""
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            for context in contexts():
                yield context.path_regex, context.methods
        else:
            yield getattr(route, "path_regex", None), getattr(route, "methods", None)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of ``path`` answers (HEAD with GET where ``HeadAsGet`` serves it)."""
    methods: set[str] = set()
    for pattern, route_methods in _routes(app):
        if pattern is not None and route_methods and pattern.match(path):
            methods |= route_methods
    if "GET" in methods and head_works(path):
        methods.add("HEAD")
    elif path in NOT_LIKE_GET:
        methods.discard("HEAD")
    return sorted(methods)


def install(app: FastAPI) -> None:
    async def method_not_allowed(request: Request, error: Exception) -> JSONResponse:
        allowed = allowed_methods(app, request.url.path)
        detail = error.detail if isinstance(error, HTTPException) else "Method Not Allowed"
        return error_response(405, "method_not_allowed", str(detail), {"allowed": allowed},
                              {"Allow": ", ".join(allowed)})

    app.add_exception_handler(405, method_not_allowed)
    app.add_middleware(HeadAsGet)
