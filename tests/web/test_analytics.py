"""The Analytics page: the same figures as ``analyze_credits`` (the histogram with the 85–92 band, each
account's efficiency), imported usage per day and model, the forecast and the history's estimate; the
unit and days form; in a browser, every chart drawn with its table."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

from sqlalchemy import Engine

from paas.services.accounts import create_account
from paas.services.analytics import analyze_credits
from paas.services.demo import load_demo
from paas.store.unit import transaction
from tests.services.test_usage_report import imported
from tests.web.conftest import LiveServer, MakePage, WebClient, shoot


def chart_spec(page: str, chart_id: str) -> dict[str, Any]:
    start = page.index(f'id="{chart_id}" data-chart="') + len(f'id="{chart_id}" data-chart="')
    spec: dict[str, Any] = json.loads(unescape(page[start:page.index('"', start)]))
    return spec


def test_the_page_shows_analyze_credits_figures(web_client: Callable[[str], WebClient], engine: Engine,
                                                clock: Any) -> None:
    with transaction(engine) as session:
        load_demo(session, clock())
    with transaction(engine, write=False) as session:
        expected = analyze_credits(session, now=clock(), days=30)
    page = web_client("viewer").http.get("/analytics").text
    histogram = chart_spec(page, "chart-histogram")
    assert histogram["band"] == [85, 92] and histogram["kind"] == "bars"
    assert histogram["series"][0]["values"] == [item.sessions for item in expected.histogram]
    assert histogram["x"] == [item.from_ for item in expected.histogram]
    assert f'data-stat="total_sessions">{expected.total_sessions:,}<' in page
    for account in expected.accounts:
        assert f'data-account="{account.account_id}"><td>{account.account_name}</td>' in page
    assert 'id="efficiency-table"' in page and 'id="histogram-table"' in page and 'id="forecast-pools"' in page


def test_the_unit_and_days_form_changes_the_window(web_client: Callable[[str], WebClient], engine: Engine,
                                                   clock: Any) -> None:
    viewer = web_client("viewer").http
    page = viewer.get("/analytics", params={"days": "7", "unit": "tokens"}).text
    assert "7 days to" in page and "counting tokens only" in page
    assert '<option value="7" selected>' in page and '<option value="tokens" selected>' in page
    live = viewer.get("/analytics", params={"days": "7", "unit": "tokens", "part": "live"}).text
    assert "<html" not in live and "counting tokens only" in live
    for params in ({"days": "0"}, {"days": "many"}, {"unit": "euros"}):
        refused = viewer.get("/analytics", params=params)
        assert refused.status_code == 422 and 'id="analytics-error"' in refused.text
        assert "30 days to" in refused.text  # the default window is shown beside the error


def test_imported_usage_per_day_and_model_is_charted_and_tabled(web_client: Callable[[str], WebClient],
                                                                engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        account_id = create_account(session, now=clock(), account_name="Alpha").id
    imported(engine, account_id, clock() - timedelta(days=1), model="claude-sonnet-4-5", tokens=(10, 5, 0, 0),
             cost=0.5)
    imported(engine, account_id, clock() - timedelta(hours=1), model="gpt-5", tokens=(100, 0, 0, 0), cost=None,
             source="codex")
    page = web_client("viewer").http.get("/analytics").text
    spec = chart_spec(page, "chart-imported")
    assert [series["label"] for series in spec["series"]] == ["gpt-5", "claude-sonnet-4-5"]
    assert spec["series"][0]["values"] == [0, 100] and spec["series"][1]["values"] == [15, 0]
    row = "<td>claude-sonnet-4-5</td><td>claude_code</td><td>1</td><td>10</td><td>5</td><td>0</td><td>0.50</td>"
    assert row in page


def test_a_task_gets_the_history_estimate(web_client: Callable[[str], WebClient], engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        load_demo(session, clock())
    page = web_client("viewer").http.get("/analytics", params={"task": "<b>add</b> an API endpoint"}).text
    assert 'id="estimate-line"' in page and "Sessions considered" in page and "<b>add" not in page


def test_the_charts_draw_with_their_tables_in_a_browser(new_page: MakePage, live_server: LiveServer) -> None:
    with transaction(live_server.engine) as session:
        load_demo(session, datetime.now(UTC))
    page = new_page("viewer")
    page.goto(f"{live_server.url}/analytics")
    for chart_id in ("chart-histogram", "chart-analytics-per-day"):
        page.locator(f"#{chart_id}.chart-area canvas").wait_for()
    assert page.locator(".chart-area canvas").count() >= 2
    assert page.locator("#histogram-table tbody tr").count() == 11
    assert page.locator("#efficiency-table tbody tr[data-account]").count() >= 1
    page.select_option("#analytics-days", "7")
    page.click("#analytics-form button[type=submit]")
    page.wait_for_url("**/analytics?days=7*")
    page.locator("#chart-histogram canvas").wait_for()
    shoot(page, "analytics")
    assert page.outside == []  # type: ignore[attr-defined]
