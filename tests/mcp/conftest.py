"""MCP door fixtures: a working day to act on, the SDK's client over stdio (a real `paas mcp`
process) and over HTTP (the app served by uvicorn on a free port, in a thread)."""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult
from sqlalchemy import Engine

from paas.services import accounts, project_links, projects, sessions
from paas.store.unit import transaction

FIXTURE = Path(__file__).parents[1] / "fixtures" / "claude_code_retry_session.jsonl"
TOOLS = {"report_usage", "save_context", "get_briefing", "handoff", "pool_status", "search_knowledge",
         "add_knowledge", "forecast"}


@dataclass(frozen=True)
class Day:
    """Project "Shop" (linked to ``folder``), accounts Alpha (in use) and Beta, session 1 on Alpha."""

    project_id: int
    alpha_id: int
    beta_id: int
    session_id: int
    folder: Path


def start_day(engine: Engine, folder: Path, now: datetime, **project: Any) -> Day:
    folder.mkdir(parents=True, exist_ok=True)
    with transaction(engine) as session:
        shop = projects.create_project(session, name="Shop", description="retry and checkout", **project)
        alpha = accounts.create_account(session, account_name="Alpha", quota=100, now=now)
        beta = accounts.create_account(session, account_name="Beta", quota=100, now=now)
        project_links.link(session, folder, shop.id, now=now)
        work = sessions.start_session(session, project_id=shop.id, account_id=alpha.id, now=now)
    return Day(project_id=shop.id, alpha_id=alpha.id, beta_id=beta.id, session_id=work.id, folder=folder)


def answer(result: CallToolResult) -> dict[str, Any]:
    """A successful tool call's JSON (its structured content, which its text repeats)."""
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert json.loads(result.content[0].text) == result.structured_content  # type: ignore[union-attr]
    return result.structured_content


def refusal(result: CallToolResult) -> str:
    """A failed tool call's message: a tool error with one line a person (or a model) reads."""
    assert result.is_error, result.structured_content
    text: str = result.content[0].text  # type: ignore[union-attr]
    assert "Traceback" not in text and "pydantic" not in text and "input_value" not in text, text
    return text


def stdio_params(database_url: str, cwd: Path, data_dir: Path, *args: str) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "paas.cli", "mcp", *args], cwd=cwd,
                                 env={"PAAS_DATABASE_URL": database_url, "PAAS_DATA_DIR": str(data_dir)})


@asynccontextmanager
async def over_http(base: str, token: str | None) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http, \
            Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client:
        yield client


@pytest.fixture
def live(app: Any) -> Iterator[str]:
    """The app (test database, frozen clock) served on 127.0.0.1:<free port>; its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    ready = threading.Event()
    while not ready.wait(0.02):
        if server.started:
            ready.set()
        assert thread.is_alive(), "the server stopped before it started"
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()
