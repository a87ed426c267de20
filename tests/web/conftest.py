"""Dashboard fixtures: a real server on a free loopback port (uvicorn in a thread, on each backend),
Debian's Chromium driven by Playwright, and signed-in pages and clients per role.

- Chromium runs headless with ``--no-sandbox`` (root) and no background networking; every page's
  requests to anything but the test server are aborted and recorded (``page.outside``), so a
  test proves the page needs no other host.
- Screenshots go to ``test-artifacts/screenshots/`` (``shoot(page, name)``: 1280 px and 390 px).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import Engine

from paas.api.app import create_app
from paas.api.deps import TOKEN_COOKIE
from paas.config import get_settings
from paas.web.auth import csrf_for

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@dataclass
class LiveServer:
    url: str
    app: Any
    engine: Engine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(app: Any, engine: Engine) -> Iterator[LiveServer]:
    """``app`` served by uvicorn in a thread on a free loopback port, until the block ends."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app, engine=engine)
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture
def live_server(engine: Engine, database_url: str) -> Iterator[LiveServer]:
    """The whole app served on loopback, with the system clock (the browser's countdowns use it)."""
    with serving(create_app(get_settings(database_url=database_url), engine=engine), engine) as server:
        yield server


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _guard_network(page: Page, origin: str) -> None:
    outside: list[str] = []
    page.outside = outside  # type: ignore[attr-defined]

    def route(route: Any) -> None:
        if route.request.url.startswith(origin) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)


MakePage = Callable[..., Page]


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[MakePage]:
    """``new_page(role=None, width=1280)``: a fresh browser context; signed in through the sign-in
    form with a new token of ``role`` when one is given."""
    contexts: list[Any] = []

    def make(role: str | None = "admin", width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      permissions=["clipboard-read", "clipboard-write"])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)
        _guard_network(page, live_server.url)
        if role is not None:
            page.goto(f"{live_server.url}/signin")
            page.fill("#token", mint_token(live_server, role))
            page.click("form[action='/signin'] button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield make
    for context in contexts:
        context.close()


def mint_token(server: LiveServer, role: str) -> str:
    from datetime import UTC, datetime

    from paas.services import tokens

    issued = server.app.state.db.run(lambda session: tokens.create_token(
        session, role=role, name=f"browser test {role}", now=datetime.now(UTC)))
    token: str = issued.token
    return token


def shoot(page: Page, name: str) -> list[Path]:
    """Full-page screenshots of ``page`` at 1280 px and 390 px wide (the page is reloaded at each)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)
        path = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    page.set_viewport_size({"width": 1280, "height": 900})
    return saved


@dataclass
class WebClient:
    """A TestClient signed in as ``role`` (cookie), with its CSRF token for forms."""

    http: TestClient
    csrf: str


@pytest.fixture
def web_client(app: Any, make_token: Callable[[str], str]) -> Iterator[Callable[[str], WebClient]]:
    clients: list[TestClient] = []

    def make(role: str = "admin") -> WebClient:
        token = make_token(role)
        http = TestClient(app, base_url="http://127.0.0.1")
        http.__enter__()
        clients.append(http)
        http.cookies.set(TOKEN_COOKIE, token)
        return WebClient(http=http, csrf=csrf_for(token))

    yield make
    for http in clients:
        http.__exit__(None, None, None)
