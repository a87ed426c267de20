"""Done means: an agent configured from the README's snippets (`.mcp.json` and the Claude Code
hooks) reports usage until `rotate_due`, calls `handoff`, and the next Claude Code session,
started through the `SessionStart` hook, opens with the briefing, git changes included.

Both snippets are read out of README.md and run as written (``paas`` found on PATH, as a user
has it); the agent's side is the MCP SDK's client over stdio, the hook a real process fed the
JSON Claude Code sends.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from sqlalchemy import Engine

from paas.services import accounts, git_state, project_links, projects
from paas.services.database import Database
from paas.store.unit import transaction
from tests.git_helpers import commit_file, make_repo
from tests.mcp.conftest import FIXTURE, answer

README = Path(__file__).parents[1] / "README.md"
BIN = str(Path(sys.executable).parent)  # where the venv's `paas` is


def readme_json(key: str) -> dict[str, Any]:
    """The README's ```json block whose top-level object has ``key``."""
    for block in re.findall(r"```json\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S):
        data = json.loads(block)
        if key in data:
            return data
    raise AssertionError(f"README.md has no json snippet with {key!r}")


def env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "PAAS_DATABASE_URL": database_url,
            "PAAS_DATA_DIR": str(data_dir), "HOME": str(data_dir), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.mark.usefixtures("isolated_git")
def test_an_agent_set_up_from_the_readme_hands_off_and_the_next_session_starts_briefed(
        engine: Engine, database_url: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    repo = make_repo(tmp_path / "shop")
    with transaction(engine) as session:
        shop = projects.create_project(session, name="Shop", description="http retry and checkout",
                                       repo_path=str(repo))
        for name in ("Alpha", "Beta"):
            accounts.create_account(session, account_name=name, quota=100, now=now)
        project_links.link(session, repo, shop.id, now=now)
    database = Database(engine)
    first = git_state.start_session_at_head(database.read, database.run, project_id=shop.id,
                                            account_id=1, now=now)
    # The agent's work in the repository: one commit, one file not yet committed.
    commit_file(repo, "src/shop/http_client.py", "RETRIES = 5\n", "feat(http): retry with backoff")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_http_retry.py").write_text("def test_retry(): ...\n")
    transcript = tmp_path / "claude-session.jsonl"
    shutil.copyfile(FIXTURE, transcript)

    server = readme_json("mcpServers")["mcpServers"]["paas"]
    hooks = readme_json("hooks")["hooks"]
    said: list[str] = []

    async def agent() -> dict[str, Any]:
        params = StdioServerParameters(command=server["command"], args=server["args"], cwd=repo,
                                       env=env(database_url, tmp_path))
        async with Client(params) as client:
            while True:
                used = answer(await client.call_tool("report_usage", {"credits": 30, "note": "a task"}))
                said.append(f"report_usage(credits=30) -> account_credits_used={used['account_credits_used']} "
                            f"rotate_threshold={used['rotate_threshold']} rotate_due={used['rotate_due']}")
                if used["rotate_due"]:
                    break
            saved = answer(await client.call_tool("save_context", {"transcript_path": str(transcript)}))
            said.append(f"save_context(transcript_path=...) -> snapshot {saved['snapshot']['id']}, "
                        f"{saved['source']['format']}")
            handed = answer(await client.call_tool("handoff", {
                "summary": "Retry with backoff is in src/shop/http_client.py.",
                "next_step": "Fix the rounding in src/shop/checkout.py so the whole suite passes."}))
            said.append(f"handoff(summary, next_step) -> next account {handed['next_account']['account_name']}, "
                        f"session {handed['data']['new_session_id']}")
            return handed

    handed = asyncio.run(agent())
    assert len(said) == 5 and said[2].endswith("rotate_due=True")  # 30, 60, 90: due at the threshold
    assert handed["next_account"]["account_name"] == "Beta"
    assert handed["data"]["ended_session_id"] == first.id

    (command,) = [hook["command"] for entry in hooks["SessionStart"] for hook in entry["hooks"]]
    assert "startup" in hooks["SessionStart"][0]["matcher"]
    payload = {"session_id": "next", "transcript_path": str(tmp_path / "next.jsonl"), "cwd": str(repo / "src"),
               "hook_event_name": "SessionStart", "source": "startup"}
    started = subprocess.run(command, shell=True, input=json.dumps(payload), capture_output=True, text=True,
                             env=env(database_url, tmp_path), timeout=120, check=False)
    assert started.returncode == 0, started.stderr
    context = json.loads(started.stdout)["hookSpecificOutput"]["additionalContext"]
    said.append(f"SessionStart hook -> additionalContext of {len(context)} characters")
    assert "**New**: Beta" in context and "src/shop/http_client.py" in context
    assert "Fix the rounding in src/shop/checkout.py" in context  # the session's own words
    git_part = context[context.index("## Git"):]
    assert "feat(http): retry with backoff" in git_part and "test_http_retry.py" in git_part
    again = subprocess.run(command, shell=True, input=json.dumps(payload), capture_output=True, text=True,
                           env=env(database_url, tmp_path), timeout=120, check=False)
    assert (again.returncode, again.stdout) == (0, "")  # given once
    print("\n".join(said))
