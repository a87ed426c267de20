"""``/docs`` and ``/redoc`` from the vendored bundles only, and the ``bearerAuth`` scheme that makes
Swagger UI's "Authorize" work: declared once, on exactly the operations that need a token."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import ConsoleMessage, Page

from tests.web.conftest import LiveServer, MakePage, mint_token, shoot

ASSET = re.compile(r'(?:src|href)="([^"]*)"')
BEARER = [{"bearerAuth": []}]
FIRST_RENDER_MS = 15_000  # the bundles parse a 60-operation document: seconds on a loaded machine
# Redoc's menu footer always renders the Redocly logo from its CDN (an <img> that hides itself on
# error); the page's img-src keeps the browser from fetching it, which the console reports.
SCREENSHOT_MS = 30_000  # Redoc's page is tens of thousands of pixels tall: a full-page shot takes a while
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_the_doc_pages_load_only_assets_from_static(anonymous: TestClient) -> None:
    for path, bundle in (("/docs", "/static/vendor/swagger-ui/swagger-ui-bundle.js"),
                         ("/redoc", "/static/vendor/redoc/redoc.standalone.js")):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert 'data-openapi-url="/openapi.json"' in response.text
        assets = [url for url in ASSET.findall(response.text) if url not in ("/openapi.json", "data:,")]
        assert bundle in assets
        assert assets and all(url.startswith("/static/") for url in assets), (path, assets)
        assert "<script>" not in response.text and "<style" not in response.text
        for asset in assets:
            assert anonymous.get(asset).status_code == 200, asset


def test_only_redoc_may_use_inline_styles_and_scripts_stay_same_origin(anonymous: TestClient) -> None:
    docs = anonymous.get("/docs").headers["content-security-policy"]
    redoc = anonymous.get("/redoc").headers["content-security-policy"]
    assert "style-src 'self';" in docs and "'unsafe-inline'" not in docs
    assert "style-src 'self' 'unsafe-inline'" in redoc and "worker-src blob:" in redoc
    for policy in (docs, redoc):
        assert "script-src 'self';" in policy and "'unsafe-eval'" not in policy


def test_the_openapi_document_declares_bearer_auth_on_every_api_operation(anonymous: TestClient) -> None:
    spec: dict[str, Any] = anonymous.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"]
        ["description"]}
    operations = {(method, path): operation for path, methods in spec["paths"].items()
                  for method, operation in methods.items()}
    api = [key for key in operations if key[1].startswith("/api")]
    assert len(api) > 30
    for key in api:
        assert operations[key].get("security") == BEARER, key
    assert "security" not in operations[("get", "/healthz")]
    assert "security" not in operations[("get", "/login")]
    assert "security" not in spec  # no global requirement: the public routes stay public
    assert "/docs" not in spec["paths"] and "/redoc" not in spec["paths"]


def test_the_declared_scheme_changes_no_answer(anonymous: TestClient, make_token: Any) -> None:
    assert anonymous.get("/api/stats").json()["error"]["code"] == "unauthorized"
    assert anonymous.get("/api/stats", headers={"Authorization": "Basic abc"}).status_code == 401
    token = make_token("viewer")
    assert anonymous.get("/api/stats", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    anonymous.cookies.set("paas_token", token)
    assert anonymous.get("/api/stats").status_code == 200


# ---- in a browser ---------------------------------------------------------------------------

def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_swagger_ui_renders_offline_and_tries_an_operation_with_a_token(new_page: MakePage,
                                                                        live_server: LiveServer) -> None:
    page: Any = new_page(None)
    errors = _console_errors(page)
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector("#operations-stats-get_stats_api_stats_get", timeout=FIRST_RENDER_MS)
    assert page.locator(".opblock").count() > 30
    authorize = page.locator("button.authorize")
    assert authorize.is_visible()
    shoot(page, "docs")

    authorize.click()
    page.fill(".auth-container input", mint_token(live_server, "viewer"))
    page.click(".auth-btn-wrapper button.authorize")
    page.click(".auth-btn-wrapper button.btn-done")
    operation = page.locator("#operations-stats-get_stats_api_stats_get")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    status.first.wait_for()
    assert status.first.inner_text().strip() == "200"
    assert "total_credits" in operation.locator(".live-responses-table .microlight").first.inner_text()
    assert page.outside == []
    assert errors == []


def test_redoc_renders_offline(new_page: MakePage, live_server: LiveServer) -> None:
    page: Any = new_page(None)
    errors = _console_errors(page)
    page.goto(f"{live_server.url}/redoc")
    page.wait_for_selector("h1:has-text('PAAS AI Orchestrator')", timeout=FIRST_RENDER_MS)
    page.wait_for_selector("h2:has-text('Get Stats')")
    assert page.locator("h2").count() > 30  # one per operation
    page.click("[role=menuitem][data-item-id='tag/stats']")
    page.click("[role=menuitem][data-item-id='tag/stats/operation/get_stats_api_stats_get']")
    page.wait_for_url("**#tag/stats/operation/get_stats_api_stats_get")
    page.set_default_timeout(SCREENSHOT_MS)
    shoot(page, "redoc")
    assert page.outside == []
    assert page.locator(f"img[src='{REDOC_LOGO}']").count() == 0  # blocked, so it hid itself
    assert [error for error in errors if REDOC_LOGO not in error] == []
