"""`paas statusline`: Claude Code's status line command (``"statusLine": {"type": "command",
"command": "paas statusline"}`` in ``.claude/settings.json``).

Claude Code runs it after each message with its JSON on stdin and shows the first line it
prints. It must never break the bar: bad input, no database, an unknown account or a bug print
one short line on stdout and exit 0, with the reason on stderr. Reset times are shown in the
machine's local time; colours (ANSI) only with ``--color``.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from paas.cli import door

MAX_PAYLOAD = 1024 * 1024


def _payload() -> tuple[dict[str, Any] | None, str | None]:
    """Claude Code's JSON, or why it cannot be read."""
    if sys.stdin.isatty():  # run by hand in a terminal: nothing will come, so say so instead of waiting
        return None, "input comes from Claude Code on stdin (try: echo '{}' | paas statusline)"
    text = sys.stdin.read(MAX_PAYLOAD + 1)
    if not text.strip():
        return None, "input is empty"
    if len(text) > MAX_PAYLOAD:
        return None, "input larger than 1 MiB"
    try:
        payload = json.loads(text)
    except ValueError:
        return None, "input is not JSON"
    if not isinstance(payload, dict):
        return None, "input is not a JSON object"
    return payload, None


def _explain(message: str) -> None:
    door.console(stderr=True).print(f"paas statusline: {door.one_line(message)}", markup=False, highlight=False,
                                    soft_wrap=True)


def statusline(
    account: Annotated[str | None, typer.Option(
        help="Account name or id (default: the account of the session in progress of the project linked to cwd).")]
    = None,
    colour: Annotated[bool, typer.Option("--color", help="Colour the percentages (ANSI).")] = False,
) -> None:
    """Claude Code's status line: one line of the platform's windows beside our estimate (stdin JSON)."""
    from datetime import UTC, datetime

    from paas.core.errors import PaasError
    from paas.core.statusline import LineFacts, read_input, render_line

    payload, problem = _payload()
    if payload is None:
        _explain(problem or "no input")
        facts = LineFacts(note=f"status line {problem}")
    else:
        windows = read_input(payload).windows
        try:
            from paas.services import statusline as service

            with door.database() as database:
                try:
                    facts = service.status_line(database.read, database.run, payload, now=door.now(),
                                                account=account)
                except PaasError as refused:
                    _explain(door.problem_text(refused, details=False))
                    facts = LineFacts(windows=windows, note=door.one_line(refused.message)[:60])
        except typer.Exit:  # door.database said why on stderr
            facts = LineFacts(windows=windows, note="database unavailable")
        except Exception as failure:  # a bug must not break the status bar either
            _explain(f"failed: {type(failure).__name__}: {failure}")
            facts = LineFacts(windows=windows, note="failed (see stderr)")
    sys.stdout.write(render_line(facts, zone=datetime.now().astimezone().tzinfo or UTC,
                                 colour=colour) + "\n")
