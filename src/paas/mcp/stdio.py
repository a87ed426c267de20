"""`paas mcp`: the tools over stdio, for an agent on this machine (Claude Code, Cursor, Cline, Codex).

The agent starts the process and speaks JSON-RPC on its standard input and output; the process
runs as the person who started the agent, so it answers every tool without a token (as the CLI
does) and may read a transcript file by its path. Its working directory (or ``--directory``) names
the project through `paas projects link`; ``--project`` names one for every tool that omits it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from paas.mcp.server import build_server
from paas.mcp.tools import McpDoor
from paas.services.database import Database


def serve_stdio(db: Database, clock: Callable[[], datetime], *, margin_percent: int, project: str | None,
                directory: Path) -> None:
    """Serve until the agent closes standard input."""
    door = McpDoor(db, clock, margin_percent, default_project=project, directory=directory, reads_files=True)
    build_server(door).run("stdio")
