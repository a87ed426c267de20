"""The web door: the live dashboard at ``/`` and the API's reference at ``/docs`` and ``/redoc``.

Server-rendered pages (Jinja2 with autoescape) that call the same services as the API and
render the same views; htmx swaps the fragments a form or a live event changes; charts use the
vendored uPlot, each beside a table of its figures. Every asset is served from ``static/``
(``static/vendor/VENDORED.md`` lists versions and licences): a page never reaches another host.

Security, in one place each: ``auth`` (the HttpOnly, SameSite=Strict session cookie, the
per-session CSRF token every form and htmx request carries, roles), ``headers`` (the
Content-Security-Policy without inline scripts, and the other security headers on every answer).
``live`` streams the domain events (``services.live.LiveFeed``: committed changes from any
process) to every open page as Server-Sent Events; a page re-fetches the fragments they touch.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from paas.web import auth, headers

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the dashboard's routes, its static files and the security headers to ``app``."""
    from paas.web import pages  # noqa: F401  (routers register themselves in pages.ROUTERS)
    from paas.web.pages import ROUTERS

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    auth.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(headers.SecurityHeaders)


def close(app: FastAPI) -> None:
    """Stop what the web door started in this process (the live feed's thread)."""
    from paas.web.live import close_feed

    close_feed(app)
