"""The MCP tools over streamable HTTP at /mcp on the API's server, driven by the SDK's client:
the same bearer tokens and roles as /api, the same JSON as /api."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.core.briefing.own_words import HEADING
from tests.conftest import FrozenClock
from tests.mcp.conftest import FIXTURE, TOOLS, answer, over_http, refusal, start_day

MakeToken = Callable[[str], str]


def api(base: str, token: str, path: str) -> Any:
    response = httpx2.get(f"{base}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_no_token_no_mcp(live: str, make_token: MakeToken) -> None:
    for headers in ({}, {"Authorization": "Bearer paas_not-a-token"}, {"Cookie": f"paas_token={make_token('admin')}"}):
        response = httpx2.post(f"{live}/mcp", headers=headers, timeout=30,
                               json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["success"] is False and response.json()["error"]["code"] == "unauthorized"


def test_a_viewer_reads_but_may_not_write(engine: Engine, clock: FrozenClock, live: str, make_token: MakeToken,
                                          tmp_path: Path) -> None:
    start_day(engine, tmp_path / "shop", clock())
    viewer = make_token("viewer")

    async def scenario() -> None:
        async with over_http(live, viewer) as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
            assert len(answer(await client.call_tool("pool_status", {}))["accounts"]) == 2
            assert answer(await client.call_tool("search_knowledge", {"query": "retry"}))["data"] == []
            said = refusal(await client.call_tool("report_usage", {"credits": 5, "project": "Shop"}))
            assert "this action needs the operator role; the token has viewer" in said
            assert "operator role" in refusal(await client.call_tool("add_knowledge",
                                                                     {"category": "tip", "title": "t"}))
            pool = answer(await client.call_tool("pool_status", {}))
            assert [account["credits_used"] for account in pool["accounts"]] == [0, 0]

    asyncio.run(scenario())


def test_a_working_day_over_http_answers_the_apis_json(engine: Engine, clock: FrozenClock, live: str,
                                                       make_token: MakeToken, tmp_path: Path) -> None:
    day = start_day(engine, tmp_path / "shop", clock())
    operator, admin = make_token("operator"), make_token("admin")
    transcript = FIXTURE.read_text(encoding="utf-8")

    async def scenario() -> None:
        async with over_http(live, operator) as client:
            # The server's directory is not the agent's: over HTTP the project is named.
            assert "name the project (its name or id)" in refusal(
                await client.call_tool("report_usage", {"credits": 5}))
            assert "over HTTP send the transcript's text" in refusal(await client.call_tool(
                "save_context", {"project": "Shop", "transcript_path": str(FIXTURE)}))
            used = answer(await client.call_tool("report_usage", {"credits": 60, "project": "Shop"}))
            assert (used["rotate_due"], used["next_reset_at"]) == (False, "2026-11-26T00:00:00Z")
            saved = answer(await client.call_tool("save_context", {"project": day.project_id, "text": transcript}))
            assert saved["source"]["format"] == "claude_code_jsonl"
            due = answer(await client.call_tool("report_usage", {"credits": 30, "project": "shop"}))
            assert (due["account_credits_used"], due["account_quota"], due["rotate_due"]) == (90, 100, True)
            handed = answer(await client.call_tool("handoff", {
                "project": "Shop", "summary": "Deployed to https://staging.example.com.", "level": "low"}))
            assert handed["next_account"]["account_name"] == "Beta"
            assert "✗ not found in the transcript: `https://staging.example.com`" in handed["briefing"]
            assert handed["briefing"].count(HEADING) == 1
            latest = answer(await client.call_tool("get_briefing", {"project": "Shop"}))
            assert latest == api(live, admin, f"/api/briefings/{latest['id']}")  # the API's object
            assert latest["markdown"] == handed["briefing"]
            entry = answer(await client.call_tool("add_knowledge", {
                "category": "error_solution", "title": "Decimal rounding in checkout",
                "description": "Round half up", "tags": ["decimal", "checkout"]}))
            assert [entry] == api(live, admin, "/api/knowledge?q=rounding")
            found = answer(await client.call_tool("search_knowledge", {"query": "rounding"}))
            assert found == {"data": [entry], "pagination": {"total": 1, "limit": 20, "offset": 0}}
            again = refusal(await client.call_tool("add_knowledge", {"category": "error_solution",
                                                                     "title": "Decimal rounding in checkout"}))
            assert "already exists" in again
            pool = answer(await client.call_tool("pool_status", {}))
            assert [(s["account_name"], s["progress_percent"]) for s in pool["sessions"]] == [("Beta", 0)]

    asyncio.run(scenario())


def test_a_project_that_rotates_by_itself_says_so_in_the_usage_answer(engine: Engine, clock: FrozenClock,
                                                                      live: str, make_token: MakeToken,
                                                                      tmp_path: Path) -> None:
    day = start_day(engine, tmp_path / "shop", clock(), auto_rotate=True)
    operator = make_token("operator")

    async def scenario() -> None:
        async with over_http(live, operator) as client:
            used = answer(await client.call_tool("report_usage", {"credits": 95, "project": day.project_id}))
            assert used["rotate_due"] is True
            assert used["rotation"]["next_account"]["id"] == day.beta_id
            assert used["rotation"]["data"]["ended_session_id"] == day.session_id

    asyncio.run(scenario())


def test_the_app_may_start_again_and_mcp_answers_each_time(app: Any, make_token: MakeToken) -> None:
    # The SDK's session manager runs once; each start of the app makes its own (TestClient starts it).
    token = make_token("viewer")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
    for _ in range(2):
        with TestClient(app) as client:
            response = client.post("/mcp", headers=headers,
                                   json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})
            assert response.status_code == 200, response.text
            assert {tool["name"] for tool in response.json()["result"]["tools"]} == TOOLS
    with TestClient(app) as client:  # and a refusal stays a 401 at every start
        assert client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).status_code == 401
