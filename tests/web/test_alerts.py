"""The Alerts page: active, cleared or all; acknowledging (operators only, CSRF checked, the first
acknowledgement kept, an unknown alert 404), stored text escaped, webhook deliveries' status; in a
browser, acknowledge an alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from paas.core.types import AlertStatus
from paas.services import webhooks
from paas.services.credentials import CredentialVault, new_key
from paas.store.unit import transaction
from tests.alert_helpers import stored_alert
from tests.api.api_helpers import rows
from tests.web.conftest import LiveServer, MakePage, WebClient, shoot

CANARY = '<script>alert(1)</script><img src=x onerror=alert(2)>'
HTMX = {"HX-Request": "true"}


def test_the_list_filters_active_cleared_and_all(web_client: Callable[[str], WebClient], engine: Engine,
                                                 clock: Any) -> None:
    stored_alert(engine, clock(), key="pool_low", message="Pool is low now")
    stored_alert(engine, clock() - timedelta(hours=1), key="runout:account:1", message="Ran out earlier",
                 status=AlertStatus.CLEARED)
    viewer = web_client("viewer").http
    active = viewer.get("/alerts").text
    assert "Pool is low now" in active and "Ran out earlier" not in active
    cleared = viewer.get("/alerts", params={"status": "cleared"}).text
    assert "Ran out earlier" in cleared and "Pool is low now" not in cleared
    both = viewer.get("/alerts", params={"status": "all", "part": "live"}).text
    assert "Ran out earlier" in both and "Pool is low now" in both and "<html" not in both


def test_a_viewer_sees_no_acknowledge_button_and_a_forged_one_is_403(web_client: Callable[[str], WebClient],
                                                                     engine: Engine, clock: Any) -> None:
    alert_id = stored_alert(engine, clock())
    viewer = web_client("viewer")
    assert "Acknowledge</button>" not in viewer.http.get("/alerts").text
    before = rows(engine)
    response = viewer.http.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": viewer.csrf})
    assert response.status_code == 403
    assert rows(engine) == before


def test_an_acknowledge_without_the_csrf_token_is_refused(web_client: Callable[[str], WebClient], engine: Engine,
                                                          clock: Any) -> None:
    alert_id = stored_alert(engine, clock())
    operator = web_client("operator")
    before = rows(engine)
    assert operator.http.post(f"/alerts/{alert_id}/acknowledge", data={}).status_code == 403
    assert operator.http.post(f"/alerts/{alert_id}/acknowledge", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert rows(engine) == before


def test_acknowledging_twice_keeps_the_first_and_an_unknown_alert_is_404(
        web_client: Callable[[str], WebClient], engine: Engine, clock: Any) -> None:
    alert_id = stored_alert(engine, clock())
    first, second = web_client("operator"), web_client("admin")
    done = first.http.post(f"/alerts/{alert_id}/acknowledge", headers={**HTMX, "X-CSRF-Token": first.csrf})
    assert done.status_code == 200 and "by test operator" in done.text and "Acknowledge</button>" not in done.text
    clock.now += timedelta(minutes=10)
    again = second.http.post(f"/alerts/{alert_id}/acknowledge", headers={**HTMX, "X-CSRF-Token": second.csrf})
    assert again.status_code == 200 and "by test operator, 2026-11-25 12:00 UTC" in again.text
    missing = first.http.post("/alerts/4242/acknowledge", headers={**HTMX, "X-CSRF-Token": first.csrf})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    plain = first.http.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": first.csrf},
                            follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == "/alerts"


def test_alert_text_is_escaped(web_client: Callable[[str], WebClient], engine: Engine, clock: Any) -> None:
    stored_alert(engine, clock(), message=f"Pool {CANARY}")
    page = web_client("viewer").http.get("/alerts").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_webhook_deliveries_show_their_status(web_client: Callable[[str], WebClient], engine: Engine,
                                              clock: Any) -> None:
    vault = CredentialVault([new_key()])
    with transaction(engine) as session:
        webhooks.add_webhook(session, url="https://hooks.example/secret-path", vault=vault, now=clock(),
                             description="ops room")
        webhooks.enqueue(session, event="alert.raised", alert_id=None, payload={"x": 1}, now=clock())
    page = web_client("viewer").http.get("/alerts").text
    assert "https://hooks.example/…" in page and "secret-path" not in page and "ops room" in page
    assert 'data-status="pending"' in page and "alert.raised" in page


def test_acknowledge_in_a_browser(new_page: MakePage, live_server: LiveServer) -> None:
    alert_id = stored_alert(live_server.engine, datetime.now(UTC), message="The pool is nearly dry")
    page = new_page("operator")
    page.goto(f"{live_server.url}/alerts")
    page.locator("#live-state[data-state=live]").wait_for()
    row = page.locator(f"#alert-{alert_id}")
    assert "The pool is nearly dry" in row.inner_text()
    row.get_by_role("button", name=f"Acknowledge alert {alert_id}").click()
    page.locator(f"#alert-{alert_id} .acknowledged").wait_for()
    assert "by browser session" in page.locator(f"#alert-{alert_id} .acknowledged").inner_text()
    shoot(page, "alerts")
    assert page.outside == []  # type: ignore[attr-defined]
