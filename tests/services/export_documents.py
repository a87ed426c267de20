"""Hypothesis strategies for export documents: a random project with sessions, ledger, sources,
snapshots, history, files, knowledge, handoffs and links (unicode, nulls, big numbers), every
reference inside the document, every value one the tables store."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
NAMEISH = st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=12)
MOMENT = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z"))
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | TEXT
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
JSON_OBJECT = st.dictionaries(TEXT, JSON_VALUE, max_size=4)
BIG = st.integers(0, 2**62)


def maybe(strategy: Any) -> Any:
    return st.none() | strategy


@st.composite
def documents(draw: Any, max_sessions: int = 5) -> dict[str, Any]:
    stamp = draw(MOMENT)
    accounts = [{"account_name": f"acct {index} {draw(NAMEISH)}", "account_email": draw(maybe(st.just("a@b.c"))),
                 "platform": draw(st.sampled_from(["genspark", "claude", "chatgpt"])),
                 "specialization": draw(maybe(TEXT)), "notes": draw(maybe(TEXT)), "tags": draw(maybe(TEXT)),
                 "quota": 2**60, "quota_unit": draw(st.sampled_from(["credits", "tokens", "usd"])),
                 "window_kind": "daily", "window_reset_at": "03:30", "window_timezone": "Europe/Paris",
                 "window_hours": 24, "rotate_threshold": draw(maybe(st.integers(1, 2**59))),
                 "admin_state": draw(st.sampled_from(["enabled", "disabled"])),
                 "disabled_reason": draw(maybe(TEXT)), "exhausted_until": draw(maybe(MOMENT)),
                 "throttled_until": draw(maybe(MOMENT)), "last_used_at": draw(maybe(MOMENT)),
                 "created_at": draw(MOMENT), "updated_at": draw(MOMENT)}
                for index in range(draw(st.integers(1, 3)))]
    names = [account["account_name"] for account in accounts]
    count = draw(st.integers(len(accounts), max(len(accounts), max_sessions)))
    sessions = []
    for index in range(count):
        open_one = index < len(names) and draw(st.booleans())
        sessions.append({
            "id": index + 1, "session_number": index + 1, "account": names[index % len(names)],
            "session_type": draw(st.sampled_from(["development", "bugfix", "feature"])),
            "credits_used": draw(BIG), "duration_minutes": draw(maybe(st.integers(0, 2**31 - 1))),
            "objectives": draw(maybe(TEXT)), "accomplishments": draw(maybe(TEXT)), "blockers": draw(maybe(TEXT)),
            "handoff_notes": draw(maybe(TEXT)), "checkpoint_data": draw(maybe(TEXT)),
            "status": "in_progress" if open_one else draw(st.sampled_from(["completed", "failed", "handed_off"])),
            "started_at": draw(MOMENT), "completed_at": draw(maybe(MOMENT)), "git_head": draw(maybe(st.just("a" * 40))),
            "git_branch": draw(maybe(TEXT)), "updated_at": draw(MOMENT)})
    numbers = [session["session_number"] for session in sessions]
    session_ref = maybe(st.sampled_from(numbers))
    usage_files = [{"path": f"/logs/{index}/{draw(NAMEISH)}.jsonl", "source": "claude_code",
                    "account": draw(st.sampled_from(names)), "size_bytes": draw(BIG), "offset": draw(BIG),
                    "fingerprint": draw(maybe(st.just("f" * 64))), "lines": draw(BIG), "records": draw(BIG),
                    "state": draw(maybe(JSON_OBJECT)), "updated_at": draw(MOMENT)}
                   for index in range(draw(st.integers(0, 2)))]
    events = []
    for index in range(draw(st.integers(0, 6))):
        from_file = usage_files[index] if index < len(usage_files) else None
        events.append({
            "id": index + 1, "account": draw(st.sampled_from(names)), "session_number": draw(session_ref),
            "credits": draw(st.integers(1, 2**62)), "note": draw(maybe(TEXT)), "occurred_at": draw(MOMENT),
            "idempotency_key": draw(maybe(st.just(f"key-{index}"))), "overdrawn": draw(BIG),
            "source": "claude_code" if from_file else None, "usage_file": from_file["path"] if from_file else None,
            "message_id": draw(maybe(TEXT)), "request_id": draw(maybe(TEXT)), "sidechain": draw(st.booleans()),
            "agent_session": draw(maybe(TEXT)), "model": draw(maybe(TEXT)),
            "input_tokens": draw(maybe(BIG)), "output_tokens": draw(maybe(BIG)),
            "cache_creation_tokens": draw(maybe(BIG)), "cache_read_tokens": draw(maybe(BIG)),
            "cost_usd": draw(maybe(st.floats(0, 1e9)))})
    usage_files = usage_files[:len(events)]  # an export carries the usage files its events name
    sources = []
    for index in range(draw(st.integers(0, 2))):
        content = f"{index}:" + draw(TEXT)
        data = content.encode("utf-8")
        sources.append({"id": index + 1, "session_number": draw(session_ref), "format": "plain",
                        "filename": draw(maybe(TEXT)), "sha256": hashlib.sha256(data).hexdigest(),
                        "size_bytes": len(data), "content": content, "created_at": draw(MOMENT),
                        "last_saved_at": draw(MOMENT)})
    shas = [source["sha256"] for source in sources]
    snapshots = [{"id": index + 1, "session_number": draw(session_ref),
                  "snapshot_type": draw(st.sampled_from(["handoff", "checkpoint", "backup"])),
                  "compressed_context": draw(TEXT), "context_summary": draw(maybe(TEXT)),
                  "file_count": draw(maybe(st.integers(0, 2**31 - 1))), "code_lines": draw(maybe(st.integers(0, 99))),
                  "git_commit_hash": draw(maybe(st.just("c" * 40))), "created_at": draw(MOMENT),
                  "stats": draw(maybe(JSON_OBJECT)), "source_format": draw(maybe(st.just("plain"))),
                  "source_sha256": draw(maybe(st.sampled_from(shas))) if shas else None,
                  "git_state": draw(maybe(JSON_OBJECT))}
                 for index in range(draw(st.integers(0, 3)))]
    turns = [{"session_number": number, "turn_number": turn,
              "role": draw(st.sampled_from(["user", "assistant", "system"])), "content": draw(TEXT),
              "tokens_used": draw(maybe(st.integers(0, 2**31 - 1))), "timestamp": draw(MOMENT)}
             for number in numbers[:2] for turn in range(draw(st.integers(0, 3)))]
    files = [{"file_path": f"src/{index}/{draw(NAMEISH)}.py", "file_type": draw(maybe(st.just("py"))),
              "last_modified": draw(maybe(MOMENT)), "size_bytes": draw(maybe(st.integers(0, 2**31 - 1))),
              "git_status": draw(maybe(st.just("modified"))),
              "importance": draw(st.sampled_from(["critical", "high", "normal", "low"])),
              "notes": draw(maybe(TEXT)), "created_at": draw(MOMENT), "updated_at": draw(MOMENT)}
             for index in range(draw(st.integers(0, 3)))]
    knowledge = [{"category": draw(st.sampled_from(["pattern", "tip", "error_solution"])), "title": draw(TEXT),
                  "description": draw(maybe(TEXT)), "tags": draw(maybe(TEXT)), "usage_count": draw(st.integers(0, 99)),
                  "success_rate": draw(st.floats(0, 1)), "source_session_number": draw(st.sampled_from(numbers)),
                  "created_at": draw(MOMENT), "updated_at": draw(MOMENT)}
                 for _ in range(draw(st.integers(0, 2)))]
    handoffs = [{"session_number": draw(st.sampled_from(numbers)), "from_account": draw(st.sampled_from(names)),
                 "to_account": draw(maybe(st.sampled_from(names))), "priority": draw(st.integers(1, 10)),
                 "handoff_context": draw(TEXT), "status": draw(st.sampled_from(["pending", "completed"])),
                 "created_at": draw(MOMENT), "processed_at": draw(maybe(MOMENT))}
                for _ in range(draw(st.integers(0, 2)))]
    links = [{"path": f"/work/{index}/{draw(NAMEISH)}", "created_at": draw(MOMENT)}
             for index in range(draw(st.integers(0, 2)))]
    project = {"id": 1, "name": f"Project {draw(NAMEISH)}", "description": draw(maybe(TEXT)),
               "status": draw(st.sampled_from(["active", "paused", "archived"])), "total_credits_used": draw(BIG),
               "total_sessions": count, "rotate_threshold_percent": draw(maybe(st.integers(1, 100))),
               "auto_rotate": draw(st.booleans()), "rotation_strategy": "best", "repo_path": None,
               "auto_commit": False, "created_at": draw(MOMENT), "updated_at": draw(MOMENT)}
    return {"schema_version": 1, "alembic_revision": None, "exported_at": stamp, "project": project,
            "accounts": accounts, "usage_files": usage_files, "sessions": sessions, "credit_events": events,
            "transcript_sources": sources, "context_snapshots": snapshots, "conversation_history": turns,
            "files": files, "knowledge": knowledge, "handoff_queue": handoffs, "project_links": links}


def without_ids(document: Any) -> Any:
    """The document with what may differ between two exports left out: ids, exported_at, the revision."""
    if isinstance(document, dict):
        return {key: without_ids(value) for key, value in document.items()
                if key not in ("id", "exported_at", "alembic_revision")}
    if isinstance(document, list):
        return [without_ids(value) for value in document]
    return document

