"""Hand-made agent log trees for the usage-import tests, with their totals computed by hand.

Claude Code (``claude/projects``), every dedup rule once:
  -p/s1.jsonl
    1  m1/r1 10:00:00  in 10 out 5 cc 100 (flat)          -> copy of m1, beaten by line 2
    2  m1/r1 10:00:01  in 10 out 50 cc 100 (flat)         -> KEPT m1 = 160 (same message+request, more tokens)
    3  m2 (no request) 11:00 in 20 out 10 cc 5m 30 + 1h 40 (flat 999 ignored) cr 200 -> KEPT m2 = 300
    4  <synthetic> m9                                      -> ignored
    5  a half line of JSON holding "usage"                 -> bad line
    6  m5/r5 next day 09:00 in 1 out 1                     -> KEPT m5 = 2
  -p/s1/subagents/agent-x.jsonl (sidechain)
    7  m1/r1 sidechain in 10 out 500                       -> duplicate (the main copy beats a sidechain one)
    8  m2/r2b sidechain in 20 out 10                       -> duplicate (sidechain: message id alone)
    9  m3/r3 sidechain 12:00 in 5 out 5                    -> KEPT m3 = 10 (its only copy)
  -q/s2.jsonl
    10 m1/r1 again in another file, same tokens as line 2  -> duplicate
    11 m4/r4 23:59:59 in 7 out 3                           -> KEPT m4 = 10 (session s2)
    12 m2/r2 in 20 out 10 cc 70 cr 200                     -> duplicate (the kept m2 has no request id; a tie)
Kept 5, duplicates 5, bad 1. Per day (UTC): 2026-11-25 480, 2026-11-26 2. Per session: s1 472, s2 10.
Tokens: input 43, output 69, cache creation 170, cache read 200.

Codex (``codex/sessions/2026/11/25/rollout-...-abc.jsonl``):
  turn_context gpt-5; total in 1000 (cached 400) out 100 -> in 600, cache read 400, out 100 (1100)
  the same total again                                    -> nothing
  turn_context gpt-5-codex; total in 2500 (cached 1400) out 300 -> in 500, cache read 1000, out 200 (1700)
Kept 2; tokens input 1100, output 300, cache read 1400.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DAY = "2026-11-25"
NEXT_DAY = "2026-11-26"
CODEX_FILE = "sessions/2026/11/25/rollout-2026-11-25T10-00-00-abc.jsonl"


def claude_line(message_id: str | None, request_id: str | None, at: str, *, input_tokens: int = 0,
                output_tokens: int = 0, cache_creation: int | None = None, breakdown: tuple[int, int] | None = None,
                cache_read: int = 0, sidechain: bool = False, session: str = "s1", model: str = "claude-sonnet-4-5",
                cwd: str = "/home/me/p") -> str:
    usage: dict[str, Any] = {"input_tokens": input_tokens, "output_tokens": output_tokens,
                             "cache_read_input_tokens": cache_read}
    if cache_creation is not None:
        usage["cache_creation_input_tokens"] = cache_creation
    if breakdown is not None:
        usage["cache_creation"] = {"ephemeral_5m_input_tokens": breakdown[0],
                                   "ephemeral_1h_input_tokens": breakdown[1]}
    record: dict[str, Any] = {
        "parentUuid": None, "isSidechain": sidechain, "userType": "external", "cwd": cwd, "sessionId": session,
        "version": "2.0.14", "type": "assistant", "timestamp": at, "uuid": f"u-{message_id}-{at}",
        "message": {"id": message_id, "type": "message", "role": "assistant", "model": model,
                    "content": [{"type": "text", "text": "a reply that mentions \"usage\" in passing"}],
                    "stop_reason": None, "usage": usage}}
    if request_id is not None:
        record["requestId"] = request_id
    return json.dumps(record, separators=(",", ":"))


def user_line(text: str, session: str = "s1") -> str:
    return json.dumps({"type": "user", "sessionId": session, "timestamp": f"{DAY}T09:59:00.000Z",
                       "message": {"role": "user", "content": text}})


def write_claude_tree(root: Path) -> Path:
    """The Claude Code config dir described above; answers ``root / "claude"``."""
    home = root / "claude"
    main = home / "projects" / "-p"
    (main / "s1" / "subagents").mkdir(parents=True)
    (home / "projects" / "-q").mkdir(parents=True)
    lines = [
        user_line("hello"),
        claude_line("m1", "r1", f"{DAY}T10:00:00.000Z", input_tokens=10, output_tokens=5, cache_creation=100),
        claude_line("m1", "r1", f"{DAY}T10:00:01.000Z", input_tokens=10, output_tokens=50, cache_creation=100),
        claude_line("m2", None, f"{DAY}T11:00:00.000Z", input_tokens=20, output_tokens=10, cache_creation=999,
                    breakdown=(30, 40), cache_read=200),
        claude_line("m9", "r9", f"{DAY}T11:30:00.000Z", model="<synthetic>"),
        '{"type":"assistant","message":{"usage":{"input_tokens":',
        claude_line("m5", "r5", f"{NEXT_DAY}T09:00:00.000Z", input_tokens=1, output_tokens=1),
    ]
    (main / "s1.jsonl").write_text("\n".join(lines) + "\n")
    side = [
        claude_line("m1", "r1", f"{DAY}T10:00:01.000Z", input_tokens=10, output_tokens=500, sidechain=True),
        claude_line("m2", "r2b", f"{DAY}T11:00:00.000Z", input_tokens=20, output_tokens=10, sidechain=True),
        claude_line("m3", "r3", f"{DAY}T12:00:00.000Z", input_tokens=5, output_tokens=5, sidechain=True),
    ]
    (main / "s1" / "subagents" / "agent-x.jsonl").write_text("\n".join(side) + "\n")
    other = [
        claude_line("m1", "r1", f"{DAY}T10:00:01.000Z", input_tokens=10, output_tokens=50, cache_creation=100,
                    session="s2"),
        claude_line("m4", "r4", f"{DAY}T23:59:59.000Z", input_tokens=7, output_tokens=3, session="s2"),
        claude_line("m2", "r2", f"{DAY}T11:00:00.000Z", input_tokens=20, output_tokens=10, cache_creation=70,
                    cache_read=200, session="s2"),
    ]
    (home / "projects" / "-q" / "s2.jsonl").write_text("\n".join(other) + "\n")
    return home


def codex_token_count(at: str, input_tokens: int, cached: int, output_tokens: int) -> str:
    total = {"input_tokens": input_tokens, "cached_input_tokens": cached, "output_tokens": output_tokens,
             "reasoning_output_tokens": 0, "total_tokens": input_tokens + output_tokens}
    return json.dumps({"timestamp": at, "type": "event_msg", "payload": {
        "type": "token_count", "info": {"total_token_usage": total, "last_token_usage": total,
                                        "model_context_window": 272000},
        "rate_limits": {"primary": {"used_percent": 1.0}}}})


def write_codex_tree(root: Path) -> Path:
    """The CODEX_HOME described above; answers ``root / "codex"``."""
    home = root / "codex"
    path = home / CODEX_FILE
    path.parent.mkdir(parents=True)
    lines = [
        json.dumps({"timestamp": f"{DAY}T10:00:00.000Z", "type": "session_meta",
                    "payload": {"id": "abc", "cwd": "/home/me/p", "cli_version": "0.46.0"}}),
        json.dumps({"timestamp": f"{DAY}T10:00:01.000Z", "type": "turn_context",
                    "payload": {"cwd": "/home/me/p", "model": "gpt-5", "approval_policy": "on-request"}}),
        codex_token_count(f"{DAY}T10:00:05.000Z", 1000, 400, 100),
        codex_token_count(f"{DAY}T10:00:06.000Z", 1000, 400, 100),
        json.dumps({"timestamp": f"{DAY}T10:05:00.000Z", "type": "turn_context",
                    "payload": {"cwd": "/home/me/p", "model": "gpt-5-codex"}}),
        json.dumps({"timestamp": f"{DAY}T10:05:01.000Z", "type": "event_msg",
                    "payload": {"type": "token_count", "info": None}}),
        codex_token_count(f"{DAY}T10:05:09.000Z", 2500, 1400, 300),
    ]
    path.write_text("\n".join(lines) + "\n")
    return home
