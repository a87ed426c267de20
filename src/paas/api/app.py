"""The FastAPI application, built by ``create_app(settings)``; nothing happens at import.

``create_app_from_env`` is the factory uvicorn calls in each worker process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from starlette.routing import Route

from paas import __version__, web
from paas.api import access_log, error_answers, http_methods, openapi_links
from paas.api.deps import system_clock
from paas.api.limits import BodyLimit
from paas.api.routes import accounts, briefings, handoff, health, knowledge, private, projects, sessions, stats
from paas.api.routes import alerts as alerts_routes
from paas.api.routes import forecast as forecast_routes
from paas.api.routes import history as history_routes
from paas.config import Settings, get_settings
from paas.mcp.http import PATH as MCP_PATH
from paas.mcp.http import McpHttp
from paas.services.auth_throttle import AuthGuard, policy_from
from paas.services.credentials import CredentialKeyError, CredentialVault, check_keys, vault_from_settings
from paas.services.database import open_database


def create_app(settings: Settings | None = None, *, engine: Engine | None = None,
               clock: Callable[[], datetime] = system_clock) -> FastAPI:
    settings = settings or get_settings()
    db = open_database(settings, engine, clock)  # the one way in; its bus carries the events after commit
    auth_guard = AuthGuard(policy_from(settings))  # failed authentications throttled (every door)
    mcp = McpHttp(db, clock, margin_percent=settings.rotation_margin_percent,  # the MCP tools, at /mcp
                  auth_guard=auth_guard)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with mcp.lifespan(app):
            try:
                yield
            finally:
                web.close(app)  # the live feed's thread

    app = FastAPI(title="PAAS AI Orchestrator", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # web.docs serves both from the vendored bundles
                  description="AI account pool, credit ledger, sessions and handoff briefings.")
    app.state.settings = settings
    app.state.db = db
    app.state.clock = clock
    app.state.auth_guard = auth_guard
    app.router.routes.append(Route(MCP_PATH, mcp))  # an ASGI app: every method, no OpenAPI entry
    error_answers.install(app)
    access_log.install()  # no login code in uvicorn's access log
    for module in (health, stats, projects, accounts, sessions, handoff, briefings, knowledge, private):
        app.include_router(module.router)
    app.include_router(forecast_routes.router)
    app.include_router(history_routes.router)
    app.include_router(alerts_routes.router)

    http_methods.install(app)  # HEAD answered as GET; a 405's Allow names every method of the path
    openapi_links.install(app)  # a create's answer links to the operations on what it made
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       larger={"/api/private/batch-create-accounts": settings.max_batch_body_bytes})
    web.install(app)  # the dashboard at /, its static files, the security headers (outermost: on the 413 too)
    return app


def create_app_from_env() -> FastAPI:
    """The worker factory: also proves the credential keys can read what is stored (fails loudly)."""
    settings = get_settings()
    app = create_app(settings)
    app.state.db.read(lambda session: check_keys(session, lambda: vault_from_settings(settings)))
    alerts_routes.deliver_in_background(app, app.state.db, lambda: _vault_or_none(settings), system_clock)
    return app


def _vault_or_none(settings: Settings) -> CredentialVault | None:
    try:
        return vault_from_settings(settings)
    except CredentialKeyError:
        return None  # no keys: nothing can be signed, the deliveries wait
