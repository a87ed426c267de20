"""GET /api/projects/{id}/briefings and GET /api/briefings/{id}: saved briefings read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.api_helpers import bearer, fails, new_account, new_project, ok, start

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIELDS = {"id", "project_id", "session_id", "snapshot_type", "source_format", "source_id", "markdown", "summary",
          "stats", "created_at", "git_state", "git_commit_hash"}


def compress(client: TestClient, project_id: int, context: str, **fields: Any) -> dict[str, Any]:
    return ok(client.post("/api/handoff/compress", json={"project_id": project_id, "context": context, **fields}))


def test_a_saved_briefing_reads_back_with_its_stats_and_format(client: TestClient) -> None:
    project = new_project(client, "Shop")
    work = start(client, project["id"], new_account(client, "a")["id"])
    text = (FIXTURES / "claude_code_retry_session.jsonl").read_text(encoding="utf-8")
    saved = compress(client, project["id"], text, credits_used=12)
    briefing = ok(client.get(f"/api/briefings/{saved['data']['snapshot_id']}"))["data"]
    assert set(briefing) == FIELDS
    assert briefing["markdown"] == saved["briefing"]
    assert (briefing["id"], briefing["project_id"], briefing["session_id"], briefing["snapshot_type"]) == (
        saved["data"]["snapshot_id"], project["id"], work["id"], "handoff")
    assert (briefing["source_format"], briefing["source_id"]) == ("claude_code_jsonl", None)
    assert briefing["created_at"].startswith("2026-11-25T12:00:00")
    answered = saved["stats"]
    for key in ("tokens_before", "tokens_after", "ratio_tokens", "facts_kept", "facts_total", "tokenizer"):
        assert briefing["stats"][key] == answered[key], key
    # The original's three line figures are the answer's names for the engine's own figures.
    assert (briefing["stats"]["lines_before"], briefing["stats"]["lines_after"]) == (
        answered["original_lines"], answered["compressed_lines"])


def test_a_projects_briefings_are_listed_newest_first_in_pages(client: TestClient, clock: Any) -> None:
    project, other = new_project(client, "Shop"), new_project(client, "Other")
    ids = []
    for minute in range(3):
        clock.now = clock.now.replace(minute=minute)
        ids.append(compress(client, project["id"], f"User: step {minute}")["data"]["snapshot_id"])
    compress(client, other["id"], "User: elsewhere")
    listing = ok(client.get(f"/api/projects/{project['id']}/briefings"))
    assert [item["id"] for item in listing["data"]] == ids[::-1]
    assert listing["pagination"] == {"total": 3, "limit": 20, "offset": 0}
    assert all(set(item) == FIELDS and item["project_id"] == project["id"] for item in listing["data"])
    page = ok(client.get(f"/api/projects/{project['id']}/briefings", params={"limit": 1, "offset": 1}))
    assert [item["id"] for item in page["data"]] == [ids[1]]
    assert page["pagination"] == {"total": 3, "limit": 1, "offset": 1}
    checkpoints = ok(client.get(f"/api/projects/{project['id']}/briefings", params={"snapshot_type": "checkpoint"}))
    assert (checkpoints["data"], checkpoints["pagination"]["total"]) == ([], 0)


def test_a_project_without_briefings_lists_none(client: TestClient) -> None:
    project = new_project(client, "Fresh")
    listing = ok(client.get(f"/api/projects/{project['id']}/briefings"))
    assert (listing["data"], listing["pagination"]["total"]) == ([], 0)


def test_unknown_ids_are_404_with_the_error_envelope(client: TestClient) -> None:
    assert fails(client.get("/api/briefings/999"), 404, "not_found")["details"] == {"id": 999, "kind": "briefing"}
    assert fails(client.get("/api/projects/999/briefings"), 404, "not_found")["details"]["kind"] == "project"
    fails(client.get("/api/briefings/0"), 422)
    fails(client.get("/api/projects/1/briefings", params={"snapshot_type": "nope"}), 422)
    fails(client.get("/api/projects/1/briefings", params={"limit": 501}), 422)


def test_a_viewer_may_read_briefings(client: TestClient, make_token: Any) -> None:
    project = new_project(client, "Shop")
    snapshot_id = compress(client, project["id"], "User: ship it")["data"]["snapshot_id"]
    viewer = bearer(make_token("viewer"))
    assert ok(client.get(f"/api/briefings/{snapshot_id}", headers=viewer))["data"]["id"] == snapshot_id
    assert ok(client.get(f"/api/projects/{project['id']}/briefings", headers=viewer))["pagination"]["total"] == 1


def test_a_rotation_briefing_reads_back_as_the_rotation_answered_it(client: TestClient) -> None:
    project = new_project(client, "Shop")
    current = new_account(client, "current")
    new_account(client, "spare")
    start(client, project["id"], current["id"])
    compress(client, project["id"], "User: edit src/app.py and run pytest")
    answer = client.post("/api/private/auto-rotate", json={"current_account_id": current["id"],
                                                            "project_id": project["id"]}).json()
    latest = ok(client.get(f"/api/projects/{project['id']}/briefings", params={"limit": 1}))["data"][0]
    assert latest["id"] == answer["data"]["snapshot_id"]
    assert latest["markdown"] == answer["briefing"]
    assert latest["markdown"].count("AUTO-ROTATION HANDOFF") == 1
    assert latest["stats"]["rotation_tokens"] == answer["data"]["briefing_tokens"]
    assert latest["source_format"] == "plain"


def test_auto_rotate_after_a_kept_transcript_hands_over_what_compress_shows(client: TestClient, engine: Any,
                                                                            clock: Any) -> None:
    from paas.services import briefing
    from tests.services.test_context_save import doors
    from tests.services.test_rotation_briefing import section

    project = new_project(client, "Shop")
    current = new_account(client, "current")
    new_account(client, "spare")
    start(client, project["id"], current["id"])
    path = FIXTURES / "claude_code_retry_session.jsonl"
    text = path.read_text(encoding="utf-8")
    briefing.save_context(*doors(engine), project_id=project["id"], context=text, now=clock(), filename=path.name)
    answer = client.post("/api/private/auto-rotate", json={"current_account_id": current["id"],
                                                            "project_id": project["id"]}).json()
    compressed = briefing.compress_text(text, filename=path.name).markdown
    for name in ("Files", "Errors", "Next step"):
        assert section(answer["briefing"], name) == section(compressed, name) != "", name
    saved = ok(client.get(f"/api/briefings/{answer['data']['snapshot_id']}"))["data"]
    assert (saved["source_id"], saved["source_format"]) == (1, "claude_code_jsonl")
