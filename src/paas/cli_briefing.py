"""`paas compress` and `paas context save`: briefings from the command line.

``paas compress FILE|-`` needs no database: it reads any supported transcript (format
detected), prints the briefing, or with ``--json`` one object ``{"briefing", "stats"}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from paas.cli import app, context_app, fail, note, now, out, settings_or_fail, unit_of_work
from paas.core import errors
from paas.services import briefing
from paas.services.polish import polish_briefing, polisher_from_settings

Level = Annotated[str, typer.Option("--level", help="low (~2,500 tokens), medium (~1,200) or high (~400).")]


def read_input(file: str) -> tuple[str, str | None]:
    if file == "-":
        return sys.stdin.read(), None
    path = Path(file)
    if not path.is_file():
        fail(f"{file}: no such file", 2)
    try:
        return path.read_text(encoding="utf-8", errors="replace"), path.name
    except OSError as problem:
        fail(f"{file}: {problem.strerror}", 2)


@app.command("compress")
def compress(
    file: Annotated[str, typer.Argument(help="Transcript file, or - for standard input.")],
    level: Level = "medium",
    max_tokens: Annotated[int | None, typer.Option(min=50, help="Token budget (overrides --level).")] = None,
    lines: Annotated[bool, typer.Option("--lines", help="The original's 25/15/5-line mode.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"briefing": ..., "stats": {...}}.')] = False,
    polish: Annotated[bool, typer.Option(
        "--polish", help="Let the model at PAAS_POLISH_URL reword it; kept only if it loses and invents nothing.",
    )] = False,
) -> None:
    """Turn a conversation into a handoff briefing (no database needed)."""
    text, name = read_input(file)
    try:
        polisher = polisher_from_settings(settings_or_fail()) if polish else None
        result = briefing.compress_text(text, level=level, max_tokens=max_tokens, lines_mode=lines, filename=name)
    except errors.PaasError as problem:
        fail(problem.message + (f" ({problem.details})" if problem.details else ""), 2)
    if polisher is not None:
        result = polish_briefing(result, sources=text, polisher=polisher)
        outcome = result.stats["polish"]
        if not outcome["accepted"]:
            note(f"kept the plain briefing: {'; '.join(outcome['problems'])}")
    if as_json:
        sys.stdout.write(json.dumps({"briefing": result.markdown, "stats": result.stats}, default=str) + "\n")
    else:
        sys.stdout.write(result.markdown if result.markdown.endswith("\n") else result.markdown + "\n")


@context_app.command("save")
def context_save(
    file: Annotated[str, typer.Argument(help="Transcript file, or - for standard input.")],
    project: Annotated[int, typer.Option(help="Project id.")],
) -> None:
    """Store a conversation on the project's latest session and save its briefing as a snapshot."""
    text, name = read_input(file)
    with unit_of_work() as session:
        saved = briefing.save_context(session, project_id=project, context=text, now=now(), filename=name)
        snapshot_id = saved.snapshot.id
    stats = saved.briefing.stats
    out.print(f"snapshot {snapshot_id} saved: {stats['tokens_before']} → {stats['tokens_after']} tokens")
