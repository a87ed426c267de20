"""`paas compress`, `paas context save` and `paas briefing show`: briefings from the command line.

``paas compress FILE|-`` needs no database: it reads any supported transcript (format
detected), prints the briefing, or with ``--json`` one object ``{"briefing", "stats"}``.
``paas context save`` keeps the transcript itself for the project (rotation re-reads it) and
saves its briefing; ``paas briefing show`` prints a saved one (``--json``: the API's object).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from paas.cli import door

context_app = typer.Typer(help="Save a project's conversation and its briefing.", no_args_is_help=True)
briefing_app = typer.Typer(help="Read saved briefings back.", no_args_is_help=True)

Level = Annotated[str, typer.Option("--level", help="low (~2,500 tokens), medium (~1,200) or high (~400).")]


def read_input(file: str) -> tuple[str, str | None]:
    if file == "-":
        return sys.stdin.read(), None
    path = Path(file)
    if not path.is_file():
        door.fail(f"{file}: no such file", 2)
    try:
        return path.read_text(encoding="utf-8", errors="replace"), path.name
    except OSError as problem:
        door.fail(f"{file}: {problem.strerror}", 2)


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
    from paas.core import errors
    from paas.services import briefing
    from paas.services.polish import polish_briefing, polisher_from_settings

    text, name = read_input(file)
    try:
        polisher = polisher_from_settings(door.settings_or_fail()) if polish else None
        result = briefing.compress_text(text, level=level, max_tokens=max_tokens, lines_mode=lines, filename=name)
    except errors.PaasError as problem:
        door.fail(door.problem_text(problem), 2)
    if polisher is not None:
        result = polish_briefing(result, sources=text, polisher=polisher)
        outcome = result.stats["polish"]
        if not outcome["accepted"]:
            door.note(f"kept the plain briefing: {'; '.join(outcome['problems'])}")
    if as_json:
        sys.stdout.write(json.dumps({"briefing": result.markdown, "stats": result.stats}, default=str) + "\n")
    else:
        door.write_text(result.markdown)


@context_app.command("save")
def context_save(
    file: Annotated[str, typer.Argument(help="Transcript file, or - for standard input.")],
    project: Annotated[str, typer.Option(help="Project name or id.")],
) -> None:
    """Keep a conversation for the project (the file itself, once) and save its briefing as a snapshot."""
    from paas.services import briefing, lookup

    text, name = read_input(file)
    with door.read_and_run() as (read, run):
        project_id = read(lambda session: lookup.project_id(session, project))
        saved = briefing.save_context(read, run, project_id=project_id, context=text, now=door.now(),
                                      filename=name)
    stats, source = saved.briefing.stats, saved.source
    assert source is not None
    kept = (f"source {source.id} kept ({source.format}, {source.size_bytes:,} bytes, "
            f"{source.compressed_bytes:,} compressed)" if saved.source_stored
            else f"source {source.id} already kept (same SHA-256)")
    door.say(f"snapshot {saved.snapshot.id} saved: {stats['tokens_before']:,} → {stats['tokens_after']:,} tokens; "
              f"{kept}", highlight=False, soft_wrap=True)


@briefing_app.command("show")
def briefing_show(
    project: Annotated[str | None, typer.Option(help="Project name or id: its latest handoff briefing.")] = None,
    briefing_id: Annotated[int | None, typer.Option("--id", min=1, help="Briefing id (see the API's list).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON object for the briefing.")]
    = False,
) -> None:
    """Print a saved briefing: a project's latest handoff, or one by id."""
    from pydantic_core import to_jsonable_python

    from paas.services import briefing_views, lookup

    if project is None and briefing_id is None:
        door.fail("give --project P (its latest handoff) or --id N", 2)
    with door.unit_of_work(write=False) as session:
        project_id = lookup.project_id(session, project) if project is not None else None
        if briefing_id is not None:
            view = briefing_views.get_briefing(session, briefing_id, project_id=project_id)
        else:
            assert project_id is not None
            view = briefing_views.latest_handoff(session, project_id)
    if as_json:
        fields = to_jsonable_python(briefing_views.briefing_fields(view))
        sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
        return
    door.console(stderr=True).print(
        f"briefing {view.id} · project {view.project_id} · session {view.session_id or '-'} · "
              f"{view.snapshot_type} · {view.source_format or 'format unknown'} · {view.created_at.isoformat()}",
              highlight=False, soft_wrap=True, markup=False)
    door.write_text(view.markdown)
