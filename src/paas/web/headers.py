"""Security headers on every answer (pure ASGI middleware: streaming answers such as the live
feed pass through untouched).

HTML pages get a Content-Security-Policy that allows scripts and styles from this origin only:
no inline script, no ``eval``, no other host. A route that needs a looser policy for styles
(Redoc's bundle injects its own ``<style>`` elements) sets its own header, which is kept.

An answer that sets a cookie (the browser's token) and every answer of the sign-in paths is
``Cache-Control: no-store``: no browser or proxy cache keeps a token or a login code's answer.

The middleware is the outermost of the app's own (``api.app`` adds it last), so the body limit's
413 gets the headers too; the 500 of an unexpected failure is answered outside every middleware
(Starlette's error middleware), so its handler adds ``security_headers()`` itself.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
NO_STORE_PATHS = frozenset({"/login", "/signin", "/signout"})  # they take or set a token


def security_headers() -> dict[str, str]:
    """The headers every answer carries, for an answer made outside this middleware."""
    return {**{name.decode(): value.decode() for name, value in ALWAYS},
            "content-security-policy": PAGE_POLICY}


def _added(headers: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    extra = [(name, value) for name, value in ALWAYS if name not in present]
    if b"content-security-policy" not in present:
        extra.append((b"content-security-policy", PAGE_POLICY.encode()))
    if b"cache-control" not in present and (b"set-cookie" in present or path in NO_STORE_PATHS):
        extra.append((b"cache-control", b"no-store"))
    return extra


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                message["headers"] = [*headers, *_added(headers, path)]
            await send(message)

        await self.app(scope, receive, with_headers)
