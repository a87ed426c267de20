"""A token scoped to projects over MCP: its tools see only its projects (another is "does not
exist", as a missing one), and the pool's sessions shown are its projects' only."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import Engine

from paas.services import projects, tokens
from paas.store.unit import transaction
from tests.conftest import FrozenClock
from tests.mcp.conftest import answer, over_http, refusal, start_day


def test_a_scoped_token_works_only_on_its_projects(engine: Engine, clock: FrozenClock, live: str,
                                                   tmp_path: Path) -> None:
    day = start_day(engine, tmp_path / "shop", clock())
    with transaction(engine) as session:
        other = projects.create_project(session, name="Other").id
        scoped = tokens.create_token(session, role="operator", name="agent", now=clock(), projects=[other]).token
        unscoped = tokens.create_token(session, role="operator", name="all", now=clock()).token

    async def scenario() -> None:
        async with over_http(live, scoped) as client:
            for tool, arguments in (("report_usage", {"credits": 5, "project": "Shop"}),
                                    ("get_briefing", {"project": day.project_id}),
                                    ("handoff", {"project": "Shop"}),
                                    ("save_context", {"project": "Shop", "text": "user: hi"})):
                said = refusal(await client.call_tool(tool, arguments))
                missing = "no project named 'Shop'" if arguments["project"] == "Shop" \
                    else f"project {day.project_id} does not exist"
                assert said.endswith(missing), (tool, said)
            said = refusal(await client.call_tool("report_usage", {"credits": 5, "project": "Other"}))
            assert "has no session in progress" in said  # its own project: found, just idle
            pool = answer(await client.call_tool("pool_status", {}))
            assert len(pool["accounts"]) == 2 and pool["sessions"] == []
            assert all(account["leased_project_name"] is None for account in pool["accounts"])
            assert answer(await client.call_tool("forecast", {}))["sessions"] == []
        async with over_http(live, unscoped) as client:
            assert [item["project_name"] for item in answer(await client.call_tool("pool_status", {}))["sessions"]] \
                == ["Shop"]
            assert answer(await client.call_tool("report_usage", {"credits": 5, "project": "Shop"}))["credits"] == 5

    asyncio.run(scenario())
    with transaction(engine, write=False) as session:
        assert projects.show_project(session, day.project_id).total_credits_used == 5
