"""`paas mcp`: serve the MCP tools over stdio to an agent on this machine.

The agent (Claude Code, Cursor, Cline, Codex CLI...) starts this command and talks to it on
standard input and output, so nothing else is printed there; errors before the server starts
are one line on standard error with the usual exit codes (5: run `paas init` first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paas.cli import door


def serve_mcp(
    project: Annotated[str | None, typer.Option(
        "--project", "-p", help="Project name or id for every tool call that names none.")] = None,
    directory: Annotated[Path | None, typer.Option(
        "--directory", file_okay=False, help="Working directory whose `paas projects link` names the project "
                                             "(default: the current one).")] = None,
) -> None:
    """Serve the MCP tools (report_usage, save_context, get_briefing, handoff...) over stdio."""
    from paas.mcp.stdio import serve_stdio
    from paas.services import lookup

    settings = door.settings_or_fail()
    with door.database() as store:
        if project is not None:
            store.read(lambda session: lookup.project_id(session, project))  # a wrong name fails now, not per call
        serve_stdio(store, door.now, margin_percent=settings.rotation_margin_percent, project=project,
                    directory=(directory or Path.cwd()).resolve())
