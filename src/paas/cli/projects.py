"""`paas projects list|add`."""

from __future__ import annotations

from typing import Annotated

import typer

from paas.cli import door

projects_app = typer.Typer(help="List and add projects.", no_args_is_help=True)
PROJECT_COLUMNS = ("id", "name", "status", "total_sessions", "total_credits_used", "description")


@projects_app.command("list")
def projects_list(as_json: door.JsonFlag = False, limit: door.Limit = 100) -> None:
    """List projects, newest first."""
    from paas.services import projects, views

    with door.unit_of_work(write=False) as session:
        page = projects.list_projects(session, limit=limit)
    rows = views.as_json(page.items)
    door.print_rows(rows, PROJECT_COLUMNS, f"Projects ({page.total})", as_json)


@projects_app.command("add")
def projects_add(name: Annotated[str, typer.Argument(help="Unique project name.")],
                 description: Annotated[str | None, typer.Option(help="What the project is.")] = None) -> None:
    """Add a project."""
    from paas.services import projects

    with door.unit_of_work() as session:
        project = projects.create_project(session, name=name, description=description)
        project_id = project.id
    door.say(f"project {project_id} added: {name}")
