"""The accounts page: the live table, the admin's writes (add, edit, disable/enable), bulk upload
and "best account for…", by HTTP (each rule) and in a browser (the flows)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from markupsafe import escape

from tests.web.conftest import LiveServer, MakePage, WebClient, shoot

HX = {"HX-Request": "true"}
CANARIES = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")


def make_account(server: LiveServer, name: str, **fields: Any) -> None:
    from datetime import UTC, datetime

    from paas.services.accounts import create_account

    server.app.state.db.run(lambda session: create_account(session, now=datetime.now(UTC), account_name=name,
                                                           **fields))


def names(client: TestClient) -> list[str]:
    return [item["account_name"] for item in client.get("/api/accounts?limit=500").json()["data"]]


def add(user: WebClient, **fields: Any) -> Any:
    return user.http.post("/accounts", data={"csrf_token": user.csrf, **fields}, headers=HX)


def test_the_table_lists_every_account_with_its_credits_left_and_reset(web_client: Callable[[str], WebClient],
                                                                      client: TestClient) -> None:
    client.post("/api/accounts", json={"account_name": "alpha", "quota": 200, "credits_available": 150,
                                       "platform": "claude", "specialization": "frontend", "tags": "fast, eu"})
    client.post("/api/accounts", json={"account_name": "beta", "quota_unit": "usd", "quota": 2000})
    page = web_client("viewer").http.get("/accounts?part=table")
    assert page.status_code == 200
    row = page.text.split('data-account="1"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status="available"' in row and 'data-platform="claude"' in row and 'data-tags="fast, eu"' in row
    assert '<meter min="0" max="200" value="150"' in row and "150 of 200 credits" in row
    assert "data-countdown=" in row
    assert "2,000 of 2,000 US cents" in page.text
    whole = web_client("viewer").http.get("/accounts")
    assert 'id="accounts-live"' in whole.text and 'hx-get="/accounts?part=table"' in whole.text
    assert '<option value="frontend">' in whole.text and '<option value="eu">' in whole.text


def test_the_server_narrows_the_rows_and_says_when_only_the_first_are_shown(
        web_client: Callable[[str], WebClient], client: TestClient, monkeypatch: Any) -> None:
    from paas.web.pages import accounts as page

    for name in ("alpha", "alpine", "beta"):
        client.post("/api/accounts", json={"account_name": name, "platform": "claude" if name == "beta" else "gemini"})
    viewer = web_client("viewer").http
    narrowed = viewer.get("/accounts?search=alp&status=available")
    assert 'hx-get="/accounts?part=table&amp;search=alp&amp;status=available"' in narrowed.text
    assert narrowed.text.count('class="account-name"') == 2 and ">beta<" not in narrowed.text
    assert 'value="alp"' in narrowed.text and '<option value="available" selected>' in narrowed.text
    table = viewer.get("/accounts?part=table&platform=claude").text
    assert table.count('class="account-name"') == 1 and ">beta<" in table
    monkeypatch.setattr(page, "MAX_SHOWN", 2)
    first = viewer.get("/accounts?part=table").text
    assert "3 accounts; the first 2 by name are shown" in first and ">beta<" not in first


def test_an_admin_adds_an_account_through_the_form(web_client: Callable[[str], WebClient], client: TestClient) -> None:
    admin = web_client("admin")
    answer = add(admin, account_name="gamma", platform="gemini", quota_unit="tokens", quota="50000",
                 window_kind="rolling", window_hours="5", window_timezone="Europe/Paris", rotate_threshold="40000",
                 specialization="backend", tags="big")
    assert answer.status_code == 200 and "Added gamma." in answer.text
    assert answer.headers["hx-trigger"] == "paas:live"
    made = client.get("/api/accounts?search=gamma").json()["data"][0]
    assert (made["platform"], made["quota_unit"], made["quota"], made["window_kind"], made["window_hours"],
            made["rotate_threshold"], made["window_timezone"]) == ("gemini", "tokens", 50000, "rolling", 5, 40000,
                                                                   "Europe/Paris")


def test_an_invalid_account_is_refused_with_the_services_message_and_nothing_is_made(
        web_client: Callable[[str], WebClient], client: TestClient) -> None:
    admin = web_client("admin")
    for fields, said in ((dict(account_name="x", quota="abc"), "quota: Input should be a valid integer"),
                         (dict(account_name="x", window_timezone="Mars/Base"), "unknown time zone 'Mars/Base'"),
                         (dict(account_name="x", window_reset_at="25:00"), "window_reset_at: must be a 24-hour"),
                         (dict(account_name="x", quota_unit="usd"), "needs its quota"),
                         (dict(quota="10"), "account_name")):
        answer = add(admin, **fields)
        assert answer.status_code == 422, fields
        assert escape(said) in answer.text, (fields, answer.text)
        assert 'id="add-error"' in answer.text and "hx-trigger" not in answer.headers
    assert names(client) == []
    add(admin, account_name="taken")
    again = add(admin, account_name="taken")
    assert again.status_code == 422 and "an account named &#39;taken&#39; already exists" in again.text
    assert names(client) == ["taken"]


def test_forms_posted_without_script_answer_whole_pages(web_client: Callable[[str], WebClient],
                                                        client: TestClient) -> None:
    admin = web_client("admin")
    done = admin.http.post("/accounts", data={"csrf_token": admin.csrf, "account_name": "plain"},
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/accounts"
    refused = admin.http.post("/accounts", data={"csrf_token": admin.csrf, "account_name": "p2", "quota": "-1"})
    assert refused.status_code == 422 and "<h1>Accounts</h1>" in refused.text
    assert 'id="add-error"' in refused.text and 'id="bulk-error"' not in refused.text
    assert 'value="p2"' in refused.text  # what was typed stays in the form
    bulk = admin.http.post("/accounts/import", data={"csrf_token": admin.csrf, "text": "account_name,quota\nb,x\n"})
    assert bulk.status_code == 422 and 'data-row="line 2"' in bulk.text and 'id="add-error"' not in bulk.text
    assert names(client) == ["plain"]


def test_a_form_without_its_csrf_token_is_refused(web_client: Callable[[str], WebClient], client: TestClient) -> None:
    admin = web_client("admin")
    assert admin.http.post("/accounts", data={"account_name": "nocsrf"}).status_code == 403
    wrong = admin.http.post("/accounts", data={"account_name": "nocsrf", "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    assert names(client) == []


def test_viewers_and_operators_see_no_write_control_and_are_refused(web_client: Callable[[str], WebClient],
                                                                    client: TestClient) -> None:
    account_id = client.post("/api/accounts", json={"account_name": "kept", "quota": 100}).json()["id"]
    for role in ("viewer", "operator"):
        user = web_client(role)
        page = user.http.get("/accounts").text
        assert "kept" in page
        assert 'hx-post="/accounts' not in page and "Add an account" not in page and "Bulk upload" not in page
        assert ">Disable</button>" not in page and ">Edit</button>" not in page
        assert add(user, account_name="forged").status_code == 403
        assert user.http.post(f"/accounts/{account_id}/status", data={"csrf_token": user.csrf, "status": "disabled"},
                              headers=HX).status_code == 403
        assert user.http.post(f"/accounts/{account_id}/edit", data={"csrf_token": user.csrf, "quota": "5"},
                              headers=HX).status_code == 403
        assert user.http.post("/accounts/import", data={"csrf_token": user.csrf, "text": "account_name\nforged2"},
                              headers=HX).status_code == 403
        assert user.http.get(f"/accounts/{account_id}/edit", headers=HX).status_code == 403
    assert names(client) == ["kept"]
    kept = client.get(f"/api/accounts/{account_id}").json()["data"]
    assert kept["quota"] == 100 and kept["status"] == "available"


def test_an_admin_edits_quota_window_and_threshold_and_disables_then_enables(
        web_client: Callable[[str], WebClient], client: TestClient) -> None:
    account_id = client.post("/api/accounts", json={"account_name": "editme", "quota": 100}).json()["id"]
    admin = web_client("admin")
    form = admin.http.get(f"/accounts/{account_id}/edit", headers=HX)
    assert form.status_code == 200 and 'value="100"' in form.text
    bad = admin.http.post(f"/accounts/{account_id}/edit", headers=HX,
                          data={"csrf_token": admin.csrf, "quota": "300", "rotate_threshold": "0"})
    assert bad.status_code == 422 and "rotate_threshold" in bad.text
    assert client.get(f"/api/accounts/{account_id}").json()["data"]["quota"] == 100
    saved = admin.http.post(f"/accounts/{account_id}/edit", headers=HX, data={
        "csrf_token": admin.csrf, "quota": "300", "rotate_threshold": "250", "window_kind": "daily",
        "window_reset_at": "17:30", "window_timezone": "Asia/Tokyo"})
    assert saved.status_code == 200 and "Saved editme." in saved.text
    data = client.get(f"/api/accounts/{account_id}").json()["data"]
    assert (data["quota"], data["rotate_threshold"], data["window_reset_at"], data["window_timezone"]) == (
        300, 250, "17:30", "Asia/Tokyo")
    status = f"/accounts/{account_id}/status"
    disable = {"csrf_token": admin.csrf, "status": "disabled"}
    assert admin.http.post(status, data=disable, headers=HX).status_code == 204
    assert client.get(f"/api/accounts/{account_id}").json()["data"]["status"] == "disabled"
    assert ">Enable</button>" in admin.http.get("/accounts?part=table").text
    enable = {"csrf_token": admin.csrf, "status": "available"}
    assert admin.http.post(status, data=enable, headers=HX).status_code == 204
    assert client.get(f"/api/accounts/{account_id}").json()["data"]["status"] == "available"
    odd = admin.http.post(status, data={"csrf_token": admin.csrf, "status": "active"}, headers=HX)
    assert odd.status_code == 422 and "status must be disabled or available" in odd.json()["error"]["message"]


def test_bulk_upload_with_one_bad_row_names_that_row_and_creates_none(web_client: Callable[[str], WebClient],
                                                                      client: TestClient) -> None:
    admin = web_client("admin")
    text = "account_name,quota,account_email\nbulk-a,100,\nbulk-b,abc,\nbulk-c,50,not-an-email\nbulk-d,10,\n"
    answer = admin.http.post("/accounts/import", data={"csrf_token": admin.csrf, "text": text}, headers=HX)
    assert answer.status_code == 422
    assert "2 of 4 rows are invalid (listed below); nothing was created" in answer.text
    assert '<tr data-row="line 3"><td>line 3</td><td>quota: Input should be a valid integer' in answer.text
    assert '<tr data-row="line 4"><td>line 4</td><td>account_email:' in answer.text
    assert 'data-row="line 2"' not in answer.text
    assert names(client) == []
    upload = admin.http.post("/accounts/import", data={"csrf_token": admin.csrf}, headers=HX, files={
        "file": ("pool.json", json.dumps([{"account_name": "json-a", "quota": 10}, {"account_name": "json-b"}]),
                 "application/json")})
    assert upload.status_code == 200 and "Created 2 accounts" in upload.text
    assert upload.headers["hx-trigger"] == "paas:live"
    assert names(client) == ["json-a", "json-b"]


def test_bulk_upload_refuses_a_file_that_is_not_accounts_whole(web_client: Callable[[str], WebClient]) -> None:
    admin = web_client("admin")
    for text, said in (("acount_name\nx", "unknown column 'acount_name' (did you mean 'account_name'?)"),
                       ("[1, 2", "not valid JSON"), ("", "choose a CSV or JSON file, or paste its rows")):
        answer = admin.http.post("/accounts/import", data={"csrf_token": admin.csrf, "text": text}, headers=HX)
        assert answer.status_code == 422 and escape(said) in answer.text, answer.text


def test_best_account_for_ranks_with_scores_and_reasons(web_client: Callable[[str], WebClient],
                                                        client: TestClient) -> None:
    client.post("/api/accounts", json={"account_name": "front", "specialization": "frontend", "quota": 100})
    client.post("/api/accounts", json={"account_name": "back", "specialization": "backend", "quota": 100})
    viewer = web_client("viewer")
    answer = viewer.http.get("/accounts/best?specialization=frontend&platform=&task=", headers=HX)
    assert answer.status_code == 200
    api = client.post("/api/private/select-best-account", json={"specialization": "frontend", "limit": 5}).json()
    ranked = answer.text.split('id="best-list"', 1)[1]
    assert ranked.index(">front<") < ranked.index(">back<")
    assert f"{api['ranked'][0]['score']:.3f}" in ranked
    assert api["ranked"][0]["reasons"][0].replace("'", "&#39;") in ranked
    none = viewer.http.get("/accounts/best?min_credits=5000", headers=HX)
    assert none.status_code == 200 and "no available account matches" in none.text
    bad = viewer.http.get("/accounts/best?min_credits=lots", headers=HX)
    assert bad.status_code == 422 and "min_credits" in bad.text


def test_names_with_markup_render_as_text(web_client: Callable[[str], WebClient], client: TestClient) -> None:
    for name in CANARIES:
        client.post("/api/accounts", json={"account_name": name, "specialization": name, "tags": name})
    admin = web_client("admin")
    for url in ("/accounts", "/accounts?part=table", "/accounts/best?specialization=x"):
        text = admin.http.get(url, headers=HX if "best" in url else {}).text
        assert "<script>alert" not in text and "<img src=x" not in text
    table = admin.http.get("/accounts?part=table").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table and "&lt;img src=x onerror=alert(2)&gt;" in table
    refused = add(admin, account_name=CANARIES[0])
    assert refused.status_code == 422 and "<script>alert" not in refused.text


def test_accounts_in_a_browser(new_page: MakePage, live_server: LiveServer) -> None:
    page: Any = new_page("admin")
    page.goto(f"{live_server.url}/accounts")
    page.locator("#live-state[data-state=live]").wait_for()
    page.fill("#add-name", "zeta <img src=x onerror=alert(3)>")
    page.fill("#add-quota", "300")
    page.fill("#add-specialization", "frontend")
    page.fill("#add-tags", "eu, fast")
    page.click("#add-account button[type=submit]")
    page.locator("#add-done").wait_for()
    page.locator("#accounts-table .account-name", has_text="zeta <img").wait_for()
    page.fill("#add-name", "alpha")
    page.fill("#add-quota", "50")
    page.click("#add-account button[type=submit]")
    page.locator("#accounts-table .account-name", has_text="alpha").wait_for()
    page.fill("#add-name", "bad")
    page.fill("#add-zone", "Nowhere/City")
    page.click("#add-account button[type=submit]")
    assert "unknown time zone" in page.locator("#add-error").inner_text()
    page.fill("#bulk-text", "account_name;quota\nbulk-ok;10\nbulk-bad;-5\n")
    page.click("#bulk-upload button[type=submit]")
    assert "quota" in page.locator('#bad-rows tr[data-row="line 3"]').inner_text()
    assert page.locator("#accounts-table .account-name", has_text="bulk-ok").count() == 0
    page.click("#accounts-table th:nth-child(4) button.sort")  # credits left, ascending
    page.locator("#accounts-table th[aria-sort=ascending]").wait_for()
    first = page.locator("#accounts-table tbody tr").first.locator(".account-name").inner_text()
    assert first == "alpha"
    make_account(live_server, "aaa-live", quota=1000)  # another door's write: the region is re-fetched, still sorted
    page.locator("#accounts-table .account-name", has_text="aaa-live").wait_for()
    names_now = page.locator("#accounts-table tbody .account-name").all_inner_texts()
    assert names_now[0] == "alpha" and names_now[-1] == "aaa-live"
    page.fill("#filter-tags", "eu")
    page.locator("#accounts-table tbody tr[hidden]").first.wait_for(state="attached")
    shown = page.locator("#accounts-table tbody tr:not([hidden]) .account-name").all_inner_texts()
    assert shown == ["zeta <img src=x onerror=alert(3)>"]
    page.fill("#filter-tags", "")
    page.fill("#filter-text", "alp")
    assert page.locator("#accounts-table tbody tr:not([hidden]) .account-name").all_inner_texts() == ["alpha"]
    page.fill("#filter-text", "")
    page.fill("#best-specialization", "frontend")
    page.click("#best-form button[type=submit]")
    assert "zeta" in page.locator("#best-list li").first.inner_text()
    assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    alpha = page.locator("#accounts-table tbody tr", has_text="alpha")
    alpha.get_by_role("button", name="Edit alpha").click()
    page.fill("#edit-quota", "80")
    page.click("#edit-account button[type=submit]")
    page.locator("#edit-done").wait_for()
    alpha.filter(has_text="80 of 80 credits").wait_for()
    alpha.get_by_role("button", name="Disable alpha").click()
    page.locator("#accounts-table tbody tr[data-status=disabled]", has_text="alpha").wait_for()
    shoot(page, "accounts")
    assert page.outside == []


def test_a_viewer_sees_no_write_controls_in_a_browser(new_page: MakePage, live_server: LiveServer) -> None:
    make_account(live_server, "seen")
    page: Any = new_page("viewer")
    page.goto(f"{live_server.url}/accounts")
    page.locator("#accounts-table .account-name", has_text="seen").wait_for()
    assert page.locator("#add-account, #bulk-upload, #edit-panel").count() == 0
    assert page.locator("#accounts-table button").count() == page.locator("#accounts-table button.sort").count() > 0
    assert page.locator("#best-form").count() == 1
