"""The MCP door's Database evaluates the alerts after its tools' commits, like the API's and the CLI's."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from mcp import Client
from sqlalchemy import Engine

from paas.services import alerts
from paas.store.unit import transaction
from tests.mcp.conftest import answer, start_day, stdio_params


def test_usage_reported_over_stdio_past_the_threshold_raises_an_alert(engine: Engine, database_url: str,
                                                                        tmp_path: Path) -> None:
    day = start_day(engine, tmp_path / "shop", datetime.now(UTC))

    async def scenario() -> None:
        async with Client(stdio_params(database_url, day.folder, tmp_path)) as client:
            due = answer(await client.call_tool("report_usage", {"credits": 92}))
            assert due["rotate_due"] is True

    asyncio.run(scenario())
    with transaction(engine, write=False) as session:
        keys = {alert.key for alert in alerts.list_alerts(session).items}
    assert f"threshold:session:{day.session_id}" in keys
