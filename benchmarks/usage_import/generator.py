"""A seeded, real-shaped tree of agents' logs to import: Claude Code and Codex CLI.

Claude Code (``CLAUDE_CONFIG_DIR/projects/<encoded-cwd>/<session>.jsonl``, subagents under
``<session>/subagents/agent-<id>.jsonl``): compact JSON lines as Claude Code writes them (user
prompts, assistant records, tool results of kilobytes with their ``toolUseResult`` copy,
file-history snapshots, summaries). The duplicates real logs carry, each on purpose:

- one API message streamed as several records (one per content block) sharing ``message.id`` and
  ``requestId``; the copies' usage is either identical or grows to the last copy's;
- copies of the parent's messages in subagent (sidechain) files, at the parent's timestamp, with
  the same or a new ``requestId`` and sometimes more tokens than the parent's copy (the parent's
  copy must still win);
- legacy sessions (version 1.0.x) whose records carry no ``requestId`` and no ``cache_creation``
  breakdown (deduplicated by message id alone, cache creation from the flat field);
- ``<synthetic>`` records (interruptions, API errors), with zero usage as Claude Code writes them;
- a few records whose flat ``cache_creation_input_tokens`` disagrees with their 5m + 1h breakdown
  (the breakdown counts).

The copies of one message never straddle a UTC midnight, and no message is copied into another
session, so every reader that follows the rules (paas, ccusage, the reference) must agree per day
and per session whichever equal copy it keeps.

Codex CLI (``CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl``): ``session_meta``,
``turn_context`` (the model, sometimes switched mid-session), ``response_item`` messages,
reasoning (encrypted, KBs), function calls and their outputs (KBs), and ``event_msg`` ``token_count``
with cumulative ``info.total_token_usage`` (input includes the cached part) and
``last_token_usage``; totals are repeated (rate-limit updates) and some events have ``info: null``.

``generate(root, claude_bytes, codex_bytes, seed)`` writes the tree and returns a ``Tree``;
``grow(tree, seed)`` appends a new turn to one Claude session file (the incremental run's input).
"""

from __future__ import annotations

import json
import random
import string
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CLAUDE_MODELS = ("claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001")
CODEX_MODELS = ("gpt-5-codex", "gpt-5")
END = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
DAYS = 30
PROJECTS = ("paas-orchestrator", "billing-api", "web-dashboard", "infra", "mobile-app", "data-pipeline",
            "docs-site", "auth-service", "search", "cli-tools", "ml-experiments", "payments")
BASE62 = string.ascii_letters + string.digits
WORDS = ("def", "return", "self", "import", "from", "class", "async", "await", "for", "in", "if", "else", "None",
         "True", "False", "session", "account", "credits", "quota", "window", "reset", "handoff", "briefing",
         "project", "config", "settings", "database", "engine", "commit", "rollback", "query", "select", "where",
         "join", "index", "error", "raise", "except", "try", "with", "open", "path", "file", "line", "offset",
         "json", "loads", "dumps", "record", "message", "usage", "tokens", "model", "request", "response",
         "status", "test", "assert", "fixture", "mock", "client", "server", "route", "view", "template")
SEPARATORS = (",", ":")


def dumps(record: dict[str, Any]) -> str:
    """One line as Claude Code and Codex write it: compact JSON, non-ASCII kept."""
    return json.dumps(record, separators=SEPARATORS, ensure_ascii=False)


def stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


@dataclass
class Tree:
    """What ``generate`` wrote: the two roots and every file with its size."""

    root: Path
    claude_dir: Path
    codex_dir: Path
    files: list[Path] = field(default_factory=list)
    claude_lines: int = 0
    codex_lines: int = 0

    @property
    def lines(self) -> int:
        return self.claude_lines + self.codex_lines

    @property
    def bytes(self) -> int:
        return sum(path.stat().st_size for path in self.files)

    def claude_files(self) -> list[Path]:
        return [path for path in self.files if path.is_relative_to(self.claude_dir)]

    def codex_files(self) -> list[Path]:
        return [path for path in self.files if path.is_relative_to(self.codex_dir)]


class Text:
    """Cheap deterministic text: slices of one seeded pool (tool output, file contents, prose)."""

    def __init__(self, rng: random.Random, size: int = 1 << 20) -> None:
        lines = []
        total = 0
        while total < size:
            indent = "    " * rng.randint(0, 3)
            line = indent + " ".join(rng.choices(WORDS, k=rng.randint(3, 14)))
            if rng.random() < 0.15:
                line += f"  # {rng.choice(WORDS)} é→ {rng.randint(0, 9999)}"
            lines.append(line)
            total += len(line) + 1
        self.pool = "\n".join(lines)
        self.rng = rng

    def take(self, length: int) -> str:
        start = self.rng.randrange(0, len(self.pool) - length) if length < len(self.pool) else 0
        return self.pool[start:start + length]

    def sentence(self, low: int = 6, high: int = 30) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high))).capitalize() + "."


class Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, prefix: str, length: int) -> str:
        return prefix + "".join(self.rng.choices(BASE62, k=length))

    def message(self) -> str:
        return self.token("msg_01", 22)

    def request(self) -> str:
        return self.token("req_011C", 20)

    def tool(self) -> str:
        return self.token("toolu_01", 22)

    def hex(self, length: int) -> str:
        return f"{self.rng.getrandbits(length * 4):0{length}x}"


# ---- Claude Code ---------------------------------------------------------------------------------

@dataclass
class ClaudeSession:
    """One session being written: its identity, context size and the records of the main file."""

    session_id: str
    cwd: str
    version: str
    legacy: bool  # 1.0.x: no requestId, no cache_creation breakdown
    model: str
    moment: datetime
    context: int = 0
    parent_uuid: str | None = None
    lines: list[str] = field(default_factory=list)
    subagents: dict[str, list[str]] = field(default_factory=dict)
    # the winning copy of each main-chain message written so far (what subagent files copy)
    winners: list[dict[str, Any]] = field(default_factory=list)


class ClaudeWriter:
    def __init__(self, rng: random.Random, text: Text) -> None:
        self.rng = rng
        self.text = text
        self.ids = Ids(rng)

    def base(self, session: ClaudeSession, *, sidechain: bool, agent_id: str | None) -> dict[str, Any]:
        record: dict[str, Any] = {"parentUuid": session.parent_uuid, "isSidechain": sidechain,
                                  "userType": "external", "cwd": session.cwd, "sessionId": session.session_id,
                                  "version": session.version, "gitBranch": "main"}
        if agent_id is not None:
            record["agentId"] = agent_id
        return record

    def tick(self, session: ClaudeSession, low_ms: int, high_ms: int) -> datetime:
        session.moment += timedelta(milliseconds=self.rng.randint(low_ms, high_ms))
        return session.moment

    def user_prompt(self, session: ClaudeSession, *, sidechain: bool = False, agent_id: str | None = None,
                    content: str | None = None) -> list[str]:
        record = self.base(session, sidechain=sidechain, agent_id=agent_id)
        record_uuid = self.ids.uuid()
        record.update({"type": "user", "message": {"role": "user", "content": content or self.text.sentence(8, 60)},
                       "uuid": record_uuid, "timestamp": stamp(self.tick(session, 5_000, 240_000))})
        session.parent_uuid = record_uuid
        return [dumps(record)]

    def usage(self, session: ClaudeSession) -> dict[str, Any]:
        rng = self.rng
        growth = rng.randint(200, 9_000) if rng.random() < 0.8 else rng.randint(10_000, 40_000)
        session.context = min(session.context + growth, 180_000)
        created = growth if rng.random() < 0.9 else 0
        read = max(session.context - created, 0)
        usage: dict[str, Any] = {"input_tokens": rng.choice((1, 2, 3, 4, 6, 8)) if rng.random() < 0.9
                                 else rng.randint(10, 4_000),
                                 "cache_creation_input_tokens": created, "cache_read_input_tokens": read}
        if not session.legacy:
            one_hour = created if rng.random() < 0.2 else 0
            breakdown = {"ephemeral_5m_input_tokens": created - one_hour, "ephemeral_1h_input_tokens": one_hour}
            if rng.random() < 0.03:
                # the flat field disagrees with its breakdown: the breakdown counts
                usage["cache_creation_input_tokens"] = created + rng.randint(1, 500)
            usage["cache_creation"] = breakdown
        usage["output_tokens"] = rng.randint(5, 600) if rng.random() < 0.8 else rng.randint(600, 8_000)
        usage["service_tier"] = "standard"
        return usage

    def assistant_message(self, session: ClaudeSession, blocks: list[dict[str, Any]]) -> list[str]:
        """One API message streamed as one record per content block (the copies ccusage dedups)."""
        rng = self.rng
        message_id = self.ids.message()
        request_id = None if session.legacy else self.ids.request()
        usage = self.usage(session)
        growing = len(blocks) > 1 and rng.random() < 0.5
        steps = [rng.randint(40, 900) for _ in blocks]
        start = self.tick(session, 1_000, 30_000)
        if (start + timedelta(milliseconds=sum(steps))).date() != start.date():
            # keep the copies of one message on one UTC day (see the module docstring)
            start = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), UTC) + \
                timedelta(seconds=1)
        moment = start
        lines = []
        winner: dict[str, Any] | None = None
        for index, (block, step) in enumerate(zip(blocks, steps, strict=True)):
            moment += timedelta(milliseconds=step)
            copy_usage = dict(usage)
            last = index == len(blocks) - 1
            if growing and not last:
                copy_usage["output_tokens"] = rng.randint(1, max(1, usage["output_tokens"] // 3))
            record = self.base(session, sidechain=False, agent_id=None)
            record_uuid = self.ids.uuid()
            record["message"] = {"model": session.model, "id": message_id, "type": "message", "role": "assistant",
                                 "content": [block], "stop_reason": "tool_use" if last and
                                 block["type"] == "tool_use" else None,
                                 "stop_sequence": None, "usage": copy_usage}
            if request_id is not None:
                record["requestId"] = request_id
            record.update({"type": "assistant", "uuid": record_uuid, "timestamp": stamp(moment)})
            session.parent_uuid = record_uuid
            lines.append(dumps(record))
            # the copy every rule keeps: the most tokens, the first of equals
            if winner is None or copy_usage["output_tokens"] > winner["message"]["usage"]["output_tokens"]:
                winner = record
        session.moment = moment
        assert winner is not None
        session.winners.append(winner)
        return lines

    def tool_result(self, session: ClaudeSession, tool_id: str, *, sidechain: bool = False,
                    agent_id: str | None = None) -> list[str]:
        rng = self.rng
        size = rng.randint(300, 6_000) if rng.random() < 0.7 else rng.randint(6_000, 60_000)
        output = self.text.take(size)
        record = self.base(session, sidechain=sidechain, agent_id=agent_id)
        record_uuid = self.ids.uuid()
        if rng.random() < 0.5:
            result: dict[str, Any] = {"stdout": output, "stderr": "", "interrupted": False, "isImage": False}
        else:
            path = f"{session.cwd}/src/{rng.choice(WORDS)}/{rng.choice(WORDS)}.py"
            result = {"type": "text", "file": {"filePath": path, "content": output,
                                               "numLines": output.count("\n") + 1, "startLine": 1,
                                               "totalLines": output.count("\n") + 1}}
        record.update({"type": "user", "message": {"role": "user", "content": [
            {"tool_use_id": tool_id, "type": "tool_result", "content": output}]},
            "uuid": record_uuid, "timestamp": stamp(self.tick(session, 50, 20_000)), "toolUseResult": result})
        session.parent_uuid = record_uuid
        return [dumps(record)]

    def synthetic(self, session: ClaudeSession) -> list[str]:
        record = self.base(session, sidechain=False, agent_id=None)
        record_uuid = self.ids.uuid()
        record["message"] = {"id": self.ids.uuid(), "model": "<synthetic>", "role": "assistant",
                             "stop_reason": "stop_sequence", "stop_sequence": "", "type": "message",
                             "usage": {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                                       "cache_read_input_tokens": 0,
                                       "server_tool_use": {"web_search_requests": 0}},
                             "content": [{"type": "text", "text": "No response requested."}]}
        record.update({"type": "assistant", "uuid": record_uuid, "timestamp": stamp(self.tick(session, 100, 2_000)),
                       "isApiErrorMessage": False})
        return [dumps(record)]

    def blocks(self, *, with_tool: bool) -> tuple[list[dict[str, Any]], str | None]:
        rng = self.rng
        blocks: list[dict[str, Any]] = []
        if rng.random() < 0.5:
            blocks.append({"type": "thinking", "thinking": self.text.take(rng.randint(200, 3_000)),
                           "signature": self.ids.token("Eq", rng.randint(200, 600))})
        if rng.random() < 0.7 or not with_tool:
            blocks.append({"type": "text", "text": self.text.sentence(10, 120)})
        tool_id = None
        if with_tool:
            tool_id = self.ids.tool()
            name = rng.choice(("Bash", "Read", "Edit", "Grep", "Glob", "Write"))
            arguments: dict[str, Any] = {"command": " ".join(rng.choices(WORDS, k=6))} if name == "Bash" else \
                {"file_path": f"/src/{rng.choice(WORDS)}.py"}
            if name in ("Edit", "Write"):
                arguments["content"] = self.text.take(rng.randint(200, 4_000))
            blocks.append({"type": "tool_use", "id": tool_id, "name": name, "input": arguments})
        return blocks, tool_id

    def subagent(self, session: ClaudeSession, task_id: str) -> None:
        """A Task tool's subagent: its own messages, and copies of the parent's in its file."""
        rng = self.rng
        agent_id = self.ids.hex(8)
        lines: list[str] = []
        parent = session.parent_uuid
        session.parent_uuid = None
        saved_context = session.context
        session.context = rng.randint(3_000, 12_000)
        lines += self.user_prompt(session, sidechain=True, agent_id=agent_id, content=self.text.sentence(20, 80))
        if session.winners and rng.random() < 0.6:
            for copied in rng.sample(session.winners, min(len(session.winners), rng.randint(1, 3))):
                lines.append(self.sidechain_copy(session, copied, agent_id))
        for _ in range(rng.randint(2, 10)):
            blocks, tool_id = self.blocks(with_tool=True)
            for line in self.assistant_message(session, blocks):
                record = json.loads(line)
                record["isSidechain"] = True
                record["agentId"] = agent_id
                lines.append(dumps(record))
            session.winners.pop()  # the subagent's own messages are not the parent's to copy
            assert tool_id is not None
            lines += self.tool_result(session, tool_id, sidechain=True, agent_id=agent_id)
        session.subagents[agent_id] = lines
        session.context = saved_context
        session.parent_uuid = parent
        session.lines += self.tool_result(session, task_id)

    def sidechain_copy(self, session: ClaudeSession, winner: dict[str, Any], agent_id: str) -> str:
        rng = self.rng
        record = json.loads(dumps(winner))
        record["isSidechain"] = True
        record["agentId"] = agent_id
        record["uuid"] = self.ids.uuid()
        if "requestId" in record and rng.random() < 0.5:
            record["requestId"] = self.ids.request()  # a replay under a new request id, same timestamp
        if rng.random() < 0.4:
            record["message"]["usage"]["output_tokens"] += rng.randint(1, 400)  # more tokens, still loses
        return dumps(record)

    def turn(self, session: ClaudeSession) -> None:
        rng = self.rng
        session.lines += self.user_prompt(session)
        for _ in range(rng.randint(1, 9)):
            with_tool = rng.random() < 0.8
            blocks, tool_id = self.blocks(with_tool=with_tool)
            if tool_id is not None and rng.random() < 0.06:
                blocks[-1]["name"] = "Task"
                blocks[-1]["input"] = {"description": self.text.sentence(3, 6), "prompt": self.text.sentence(20, 60),
                                       "subagent_type": "general-purpose"}
            session.lines += self.assistant_message(session, blocks)
            if tool_id is None:
                break
            if blocks[-1]["name"] == "Task":
                self.subagent(session, tool_id)
            else:
                session.lines += self.tool_result(session, tool_id)
        if rng.random() < 0.04:
            session.lines += self.synthetic(session)
        if rng.random() < 0.3:
            session.lines.append(dumps({"type": "file-history-snapshot", "messageId": self.ids.uuid(),
                                        "snapshot": {"messageId": self.ids.uuid(), "trackedFileBackups": {},
                                                     "timestamp": stamp(session.moment)},
                                        "isSnapshotUpdate": False}))

    def session(self, budget: int, moment: datetime, cwd: str) -> ClaudeSession:
        rng = self.rng
        legacy = rng.random() < 0.1
        session = ClaudeSession(session_id=self.ids.uuid(), cwd=cwd,
                                version=f"1.0.{rng.randint(30, 120)}" if legacy else f"2.0.{rng.randint(10, 76)}",
                                legacy=legacy, model=rng.choices(CLAUDE_MODELS, weights=(6, 2, 2))[0], moment=moment,
                                context=rng.randint(8_000, 20_000))
        if rng.random() < 0.2:
            session.lines.append(dumps({"type": "summary", "summary": self.text.sentence(4, 10),
                                        "leafUuid": self.ids.uuid()}))
        written = 0
        while written < budget:
            before = len(session.lines)
            self.turn(session)
            written += sum(len(line) + 1 for line in session.lines[before:])
        return session


def encoded_cwd(cwd: str) -> str:
    return cwd.replace("/", "-").replace(".", "-")


def session_budget(rng: random.Random) -> int:
    """Bytes of one session's main file: mostly hundreds of KB, a few of megabytes."""
    return int(min(rng.lognormvariate(12.4, 1.0), 8_000_000))


def write_lines(path: Path, lines: list[str]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def session_start(rng: random.Random) -> datetime:
    """A moment in the DAYS before END, early enough for a long session to end before END."""
    return END - timedelta(days=DAYS) + timedelta(seconds=rng.randint(0, DAYS * 86_400 - 6 * 3_600))


def generate_claude(tree: Tree, rng: random.Random, text: Text, target: int) -> None:
    writer = ClaudeWriter(rng, text)
    projects = tree.claude_dir / "projects"
    written = 0
    while written < target:
        cwd = f"/home/dev/work/{rng.choice(PROJECTS)}"
        moment = session_start(rng)
        session = writer.session(min(session_budget(rng), max(target - written, 20_000)), moment, cwd)
        folder = projects / encoded_cwd(cwd)
        main = folder / f"{session.session_id}.jsonl"
        tree.claude_lines += write_lines(main, session.lines)
        tree.files.append(main)
        written += main.stat().st_size
        for agent_id, lines in session.subagents.items():
            path = folder / session.session_id / "subagents" / f"agent-{agent_id}.jsonl"
            tree.claude_lines += write_lines(path, lines)
            tree.files.append(path)
            written += path.stat().st_size


# ---- Codex CLI -----------------------------------------------------------------------------------

@dataclass
class CodexTotals:
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0

    def as_json(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "cached_input_tokens": self.cached_input_tokens,
                "output_tokens": self.output_tokens, "reasoning_output_tokens": self.reasoning_output_tokens,
                "total_tokens": self.input_tokens + self.output_tokens}


def codex_session(rng: random.Random, text: Text, ids: Ids, budget: int, moment: datetime) -> tuple[str, list[str]]:
    session_id = ids.uuid()
    cwd = f"/home/dev/work/{rng.choice(PROJECTS)}"
    model = rng.choice(CODEX_MODELS)
    lines: list[str] = []

    def line(kind: str, payload: dict[str, Any]) -> None:
        lines.append(dumps({"timestamp": stamp(moment), "type": kind, "payload": payload}))

    def advance(low_ms: int, high_ms: int) -> None:
        nonlocal moment
        moment += timedelta(milliseconds=rng.randint(low_ms, high_ms))

    line("session_meta", {"id": session_id, "timestamp": stamp(moment), "cwd": cwd, "originator": "codex_cli_rs",
                          "cli_version": f"0.{rng.randint(40, 63)}.0", "instructions": None, "source": "cli",
                          "model_provider": "openai",
                          "git": {"commit_hash": ids.hex(40), "branch": "main",
                                  "repository_url": f"git@example.com:dev/{cwd.rsplit('/', 1)[1]}.git"}})
    line("response_item", {"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": f"<environment_context>\n  <cwd>{cwd}</cwd>\n  <approval_policy>on-request"
                                       f"</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n"
                                       f"</environment_context>"}]})
    totals = CodexTotals()
    context = rng.randint(6_000, 14_000)
    written = 0
    while written < budget:
        before = len(lines)
        advance(5_000, 300_000)
        prompt = text.sentence(8, 60)
        line("event_msg", {"type": "user_message", "message": prompt, "images": []})
        line("response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": prompt}]})
        if rng.random() < 0.08:
            model = rng.choice(CODEX_MODELS)
        line("turn_context", {"cwd": cwd, "approval_policy": "on-request",
                              "sandbox_policy": {"mode": "workspace-write", "network_access": False},
                              "model": model, "effort": rng.choice(("low", "medium", "high")), "summary": "auto"})
        for step in range(rng.randint(1, 8)):
            advance(800, 40_000)
            line("response_item", {"type": "reasoning", "summary": [{"type": "summary_text",
                                                                     "text": text.sentence(5, 20)}],
                                   "content": None, "encrypted_content": ids.token("gAAAAA", rng.randint(800, 6_000))})
            line("event_msg", {"type": "agent_reasoning", "text": text.sentence(5, 20)})
            context = min(context + rng.randint(300, 12_000), 250_000)
            cached = int(context * rng.uniform(0.5, 0.97)) if step or rng.random() < 0.7 else 0
            output = rng.randint(20, 3_000)
            delta = CodexTotals(context, cached, output, rng.randint(0, output))
            totals = CodexTotals(totals.input_tokens + delta.input_tokens,
                                 totals.cached_input_tokens + delta.cached_input_tokens,
                                 totals.output_tokens + delta.output_tokens,
                                 totals.reasoning_output_tokens + delta.reasoning_output_tokens)
            call_id = ids.token("call_", 24)
            command = ["bash", "-lc", " ".join(rng.choices(WORDS, k=5))]
            line("response_item", {"type": "function_call", "name": "shell",
                                   "arguments": json.dumps({"command": command, "workdir": cwd}), "call_id": call_id})
            advance(100, 20_000)
            output_text = text.take(rng.randint(300, 5_000) if rng.random() < 0.7 else rng.randint(5_000, 40_000))
            line("response_item", {"type": "function_call_output", "call_id": call_id,
                                   "output": json.dumps({"output": output_text,
                                                         "metadata": {"exit_code": 0, "duration_seconds": 0.4}})})
            rate_limits = {"primary": {"used_percent": round(rng.uniform(0, 100), 1), "window_minutes": 300,
                                       "resets_in_seconds": rng.randint(0, 18_000)},
                           "secondary": {"used_percent": round(rng.uniform(0, 100), 1), "window_minutes": 10_080,
                                         "resets_in_seconds": rng.randint(0, 604_800)}}
            info = {"total_token_usage": totals.as_json(), "last_token_usage": delta.as_json(),
                    "model_context_window": 272_000}
            line("event_msg", {"type": "token_count", "info": info, "rate_limits": rate_limits})
            if rng.random() < 0.3:
                # the same cumulative total again (a rate-limit update): not counted twice
                advance(5, 900)
                line("event_msg", {"type": "token_count", "info": info, "rate_limits": rate_limits})
            if rng.random() < 0.05:
                line("event_msg", {"type": "token_count", "info": None, "rate_limits": rate_limits})
        answer = text.sentence(10, 80)
        line("response_item", {"type": "message", "role": "assistant", "content": [{"type": "output_text",
                                                                                     "text": answer}]})
        line("event_msg", {"type": "agent_message", "message": answer})
        written += sum(len(text_line) + 1 for text_line in lines[before:])
    return session_id, lines


def generate_codex(tree: Tree, rng: random.Random, text: Text, target: int) -> None:
    ids = Ids(rng)
    written = 0
    while written < target:
        moment = session_start(rng)
        session_id, lines = codex_session(rng, text, ids, min(session_budget(rng), max(target - written, 20_000)),
                                          moment)
        name = f"rollout-{moment:%Y-%m-%dT%H-%M-%S}-{session_id}.jsonl"
        path = tree.codex_dir / "sessions" / f"{moment:%Y/%m/%d}" / name
        tree.codex_lines += write_lines(path, lines)
        tree.files.append(path)
        written += path.stat().st_size


def generate(root: Path, claude_bytes: int, codex_bytes: int, seed: int = 10) -> Tree:
    """Write the tree under ``root`` (``claude/`` and ``codex/``); the same seed writes the same bytes."""
    rng = random.Random(seed)
    text = Text(rng)
    tree = Tree(root=root, claude_dir=root / "claude", codex_dir=root / "codex")
    (tree.claude_dir / "projects").mkdir(parents=True, exist_ok=True)
    (tree.codex_dir / "sessions").mkdir(parents=True, exist_ok=True)
    generate_claude(tree, rng, text, claude_bytes)
    generate_codex(tree, rng, text, codex_bytes)
    tree.files.sort()
    return tree


def grow(tree: Tree, seed: int = 11) -> tuple[Path, int]:
    """Append one new turn (a prompt, messages, tool results) to the largest Claude session file.

    Returns the file and the bytes appended; the session goes on from its last record's time.
    """
    rng = random.Random(seed)
    main_files = [path for path in tree.claude_files() if "subagents" not in path.parts]
    path = max(main_files, key=lambda candidate: (candidate.stat().st_size, str(candidate)))
    last = json.loads(path.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)[-1])
    with path.open(encoding="utf-8") as handle:
        first = next(json.loads(line) for line in handle if '"type":"assistant"' in line and "<synthetic>" not in line)
    moment = datetime.fromisoformat(last.get("timestamp", stamp(END)).replace("Z", "+00:00"))
    writer = ClaudeWriter(rng, Text(rng, 1 << 18))
    session = ClaudeSession(session_id=first["sessionId"], cwd=first["cwd"], version=first["version"],
                            legacy=first["version"].startswith("1."), model=first["message"]["model"],
                            moment=moment, context=50_000)
    while not session.lines or session.subagents:
        session.lines, session.subagents = [], {}
        writer.turn(session)
    appended = "\n".join(session.lines) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(appended)
    tree.claude_lines += len(session.lines)
    return path, len(appended.encode("utf-8"))
