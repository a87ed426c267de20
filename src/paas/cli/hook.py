"""`paas hook claude-code`: Claude Code's hooks call it with their JSON on stdin.

A hook must never break the session it serves: bad input, an unlinked folder or a missing
transcript print one note on stderr and exit 0 (nothing changed). A broken install (no database
or one not initialised, a bad ``PAAS_*`` setting) or an unexpected failure is one line on stderr
and exit 1, which Claude Code shows as a non-blocking error — never 2, the other CLI commands'
code for bad input, which Claude Code reads as "block" (a PreCompact hook's 2 stops the compaction).
On SessionStart a pending handoff briefing is printed as ``hookSpecificOutput.additionalContext``
(Claude Code adds it to the new session's context); nothing else is ever printed on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from paas.cli import door

hook_app = typer.Typer(help="Hooks that agents call: the next session starts briefed.", no_args_is_help=True)
MAX_PAYLOAD = 1024 * 1024
NON_BLOCKING = 1  # Claude Code: shown to the user, the session goes on (2 would block)


def _payload() -> dict[str, Any] | None:
    text = sys.stdin.read(MAX_PAYLOAD + 1)
    if len(text) > MAX_PAYLOAD:
        door.note("hook input larger than 1 MiB: ignored")
        return None
    try:
        payload = json.loads(text)
    except ValueError:
        door.note("hook input is not JSON: ignored")
        return None
    if not isinstance(payload, dict):
        door.note("hook input is not a JSON object: ignored")
        return None
    return payload


@hook_app.command("claude-code")
def claude_code(project: Annotated[str | None, typer.Option(
        help="Project name or id (default: the one linked to the hook's cwd).")] = None) -> None:
    """Claude Code hook (SessionStart, PreCompact, SessionEnd): brief the new session, keep the transcript."""
    from paas.core.errors import PaasError
    from paas.services import hooks

    payload = _payload()
    if payload is None:
        return
    try:
        with door.database() as database:
            try:
                answer = hooks.claude_code(database.read, database.run, payload, now=door.now(), project=project)
            except PaasError as problem:
                door.note(f"paas hook: {problem.message}")
                return
    except typer.Exit as stopped:  # door.database said why on stderr already
        raise typer.Exit(NON_BLOCKING if stopped.exit_code else 0) from None
    except Exception as problem:  # a bug here must not break the session either
        door.console(stderr=True).print(f"paas hook failed: {type(problem).__name__}: {door.one_line(str(problem))}",
                                        markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(NON_BLOCKING) from None
    output = hooks.session_start_output(answer)
    if output is not None:
        sys.stdout.write(json.dumps(output, ensure_ascii=False) + "\n")
    elif answer.saved is not None:
        door.note(f"paas: transcript saved for project {answer.project_id} (briefing {answer.saved.id})")
