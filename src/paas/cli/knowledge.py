"""`paas knowledge list|search|add`: the knowledge base (the API's JSON with --json)."""

from __future__ import annotations

from typing import Annotated

import typer

from paas.cli import door

knowledge_app = typer.Typer(help="List, search and add knowledge entries.", no_args_is_help=True)
COLUMNS = ("id", "category", "title", "tags", "usage_count", "success_rate")
Category = Annotated[str | None, typer.Option(help="pattern, error_solution, optimization, best_practice or tip.")]


def _show(category: str | None, query: str | None, limit: int, offset: int, as_json: bool) -> None:
    from paas.services import knowledge, views

    with door.unit_of_work(write=False) as session:
        page = knowledge.search_knowledge(session, category=category, query=query, limit=limit, offset=offset)
    rows = views.as_json(page.items)
    more = f"; --offset {offset + len(rows)} for the next" if offset + len(rows) < page.total else ""
    door.print_rows(rows, COLUMNS, f"Knowledge (showing {len(rows)} of {page.total}{more})", as_json)


@knowledge_app.command("list")
def knowledge_list(category: Category = None, limit: door.Limit = 100,
                   offset: Annotated[int, typer.Option(min=0, help="Skip this many entries.")] = 0,
                   as_json: door.JsonFlag = False) -> None:
    """List entries, most used first."""
    _show(category, None, limit, offset, as_json)


@knowledge_app.command("search")
def knowledge_search(words: Annotated[list[str], typer.Argument(help="Words to find (all must match).")],
                     category: Category = None, limit: door.Limit = 100, as_json: door.JsonFlag = False) -> None:
    """Find entries whose title, description or tags hold every word."""
    _show(category, " ".join(words), limit, 0, as_json)


@knowledge_app.command("add")
def knowledge_add(
    title: Annotated[str, typer.Option(help="A short title.")],
    category: Annotated[str, typer.Option(help="pattern, error_solution, optimization, best_practice or tip.")],
    description: Annotated[str | None, typer.Option(help="What to know.")] = None,
    tags: Annotated[str | None, typer.Option(help="Comma-separated tags.")] = None,
    session_id: Annotated[int | None, typer.Option("--session", help="The session it came from.")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Add an entry (the same limits as POST /api/knowledge)."""
    from paas.services import knowledge, views

    with door.unit_of_work() as session:
        entry = knowledge.add_knowledge(session, **knowledge.checked_entry({
            "category": category, "title": title, "description": description, "tags": tags,
            "source_session_id": session_id}))
    if as_json:
        door.console().print_json(data=views.as_json(entry))
        return
    door.say(f"knowledge entry {entry.id} added: {entry.title}", highlight=False)
