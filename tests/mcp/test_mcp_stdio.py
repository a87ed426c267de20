"""`paas mcp` over stdio, driven by the SDK's client: a real process on the test database, started
in the project's linked folder, as Claude Code or Cursor start it."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

from mcp import Client
from sqlalchemy import Engine

from paas.core.briefing.own_words import HEADING
from tests.mcp.conftest import FIXTURE, TOOLS, answer, refusal, start_day, stdio_params


def test_tools_say_when_to_call_them(engine: Engine, database_url: str, tmp_path: Path) -> None:
    day = start_day(engine, tmp_path / "shop", datetime.now(UTC))

    async def scenario() -> None:
        async with Client(stdio_params(database_url, day.folder, tmp_path)) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert set(tools) == TOOLS
            assert all(tool.description and len(tool.description) > 60 for tool in tools.values())
            assert "after EACH task" in (tools["report_usage"].description or "")
            assert "rotate_due" in (tools["handoff"].description or "")
            reads = {name for name, tool in tools.items() if tool.annotations and tool.annotations.read_only_hint}
            assert reads == {"get_briefing", "pool_status", "search_knowledge", "forecast"}
            assert tools["report_usage"].input_schema["required"] == ["credits"]

    asyncio.run(scenario())


def test_a_working_day_report_usage_until_due_then_hand_off(engine: Engine, database_url: str,
                                                              tmp_path: Path) -> None:
    day = start_day(engine, tmp_path / "shop", datetime.now(UTC))
    shutil.copyfile(FIXTURE, day.folder / "session.jsonl")

    async def scenario() -> None:
        async with Client(stdio_params(database_url, day.folder, tmp_path)) as client:
            pool = answer(await client.call_tool("pool_status", {}))
            assert [(a["account_name"], a["status"], a["leased_project_name"]) for a in pool["accounts"]] == [
                ("Alpha", "active", "Shop"), ("Beta", "available", None)]
            # No project named: the folder's link says which.
            first = answer(await client.call_tool("report_usage", {"credits": 50, "note": "retry loop"}))
            assert (first["session_id"], first["credits"], first["note"]) == (day.session_id, 50, "retry loop")
            assert (first["account_credits_used"], first["rotate_threshold"], first["rotate_due"]) == (50, 90, False)
            planned = answer(await client.call_tool("forecast", {}))
            assert [(line["session_id"], line["account_used"], line["threshold"]) for line in planned["sessions"]] == [
                (day.session_id, 50, 90)]
            assert planned["pools"][0]["credits_left"] == 150

            saved = answer(await client.call_tool("save_context", {"transcript_path": "session.jsonl"}))
            assert saved["source_stored"] is True and saved["source"]["format"] == "claude_code_jsonl"
            assert "src/shop/http_client.py" in saved["briefing"]
            latest = answer(await client.call_tool("get_briefing", {}))
            assert (latest["id"], latest["markdown"]) == (saved["snapshot"]["id"], saved["briefing"])
            high = answer(await client.call_tool("get_briefing", {"level": "high", "project": "Shop"}))
            assert (high["level"], high["source_id"], high["stats"]["level"]) == ("high", saved["source"]["id"],
                                                                                   "high")
            assert high["stats"]["tokens_after"] < latest["stats"]["tokens_after"]

            due = answer(await client.call_tool("report_usage", {"credits": 45}))
            assert (due["account_credits_used"], due["rotate_due"], due["rotation"]) == (95, True, None)

            handed = answer(await client.call_tool("handoff", {
                "summary": "Added retry with exponential backoff to `src/shop/http_client.py`. All tests pass.",
                "next_step": "Look at the rounding in src/shop/checkout.py."}))
            assert handed["next_account"]["account_name"] == "Beta"
            assert handed["data"]["ended_session_id"] == day.session_id
            section = handed["briefing"][handed["briefing"].index(HEADING):]
            assert "✓ supported by file `src/shop/http_client.py` edited (turn 5)" in section
            assert "⚠ contradicted by test `1 failed, 11 passed in 0.94s` failed (turn 7)" in section
            assert "✓ supported by file `src/shop/checkout.py`" in section
            # What the next session reads is that briefing; the pool shows the work on Beta.
            assert answer(await client.call_tool("get_briefing", {}))["markdown"] == handed["briefing"]
            pool = answer(await client.call_tool("pool_status", {}))
            assert [(s["account_name"], s["session_id"]) for s in pool["sessions"]] == [
                ("Beta", handed["data"]["new_session_id"])]

    asyncio.run(scenario())


def test_bad_arguments_are_tool_errors_that_change_nothing(engine: Engine, database_url: str,
                                                            tmp_path: Path) -> None:
    start_day(engine, tmp_path / "shop", datetime.now(UTC))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    async def scenario() -> None:
        async with Client(stdio_params(database_url, elsewhere, tmp_path)) as client:
            said = refusal(await client.call_tool("report_usage", {"credits": 0, "project": "Shop"}))
            assert said == "Error executing tool report_usage: credits: Input should be greater than or equal to 1"
            assert "credits: Input should be a valid integer" in refusal(
                await client.call_tool("report_usage", {"credits": "lots", "project": "Shop"}))
            assert "is not linked to a project" in refusal(await client.call_tool("report_usage", {"credits": 5}))
            assert "no project named 'Shopp'; did you mean 'Shop'?" in refusal(
                await client.call_tool("report_usage", {"credits": 5, "project": "Shopp"}))
            neither = refusal(await client.call_tool("save_context", {"project": "Shop"}))
            assert "give the transcript's path or its text (one of them)" in neither
            both = refusal(await client.call_tool("save_context", {"project": "Shop", "text": "hi",
                                                                   "transcript_path": str(FIXTURE)}))
            assert "one of them" in both
            assert f"{elsewhere / 'missing.jsonl'}: no such file" in refusal(
                await client.call_tool("save_context", {"project": "Shop", "transcript_path": "missing.jsonl"}))
            assert "no such file" in refusal(await client.call_tool(
                "save_context", {"project": "Shop", "transcript_path": str(tmp_path)}))  # a folder
            assert "level must be low, medium or high" in refusal(
                await client.call_tool("get_briefing", {"project": "Shop", "level": "extreme"}))
            assert "has no handoff briefing yet" in refusal(await client.call_tool("get_briefing", {"project": 1}))
            assert "category: Input should be 'pattern'" in refusal(
                await client.call_tool("add_knowledge", {"category": "gossip", "title": "x"}))
            pool = answer(await client.call_tool("pool_status", {}))
            assert [account["credits_used"] for account in pool["accounts"]] == [0, 0]  # nothing recorded
            assert answer(await client.call_tool("search_knowledge", {"query": "x"}))["data"] == []

    asyncio.run(scenario())
