"""`paas projects list|add|edit|link|unlink|links`."""

from __future__ import annotations

import os
from typing import Annotated, Any

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


Repo = Annotated[str | None, typer.Option(
    "--repo", help="The project's git work tree (a relative path is taken from the current directory).")]


def _absolute(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path))


@projects_app.command("add")
def projects_add(name: Annotated[str, typer.Argument(help="Unique project name.")],
                 description: Annotated[str | None, typer.Option(help="What the project is.")] = None,
                 repo: Repo = None,
                 auto_commit: Annotated[bool, typer.Option(
                     "--auto-commit", help="Commit pending work in --repo at each handoff.")] = False) -> None:
    """Add a project."""
    from paas.services import projects

    with door.unit_of_work() as session:
        project = projects.create_project(session, name=name, description=description,
                                          repo_path=_absolute(repo) if repo is not None else None,
                                          auto_commit=auto_commit)
        project_id = project.id
    door.say(f"project {project_id} added: {name}" + (f" (git work tree {project.repo_path})"
                                                      if project.repo_path else ""), highlight=False)


@projects_app.command("edit")
def projects_edit(
    project: Annotated[str, typer.Argument(help="Project name or id.")],
    repo: Repo = None,
    no_repo: Annotated[bool, typer.Option("--no-repo", help="Forget the project's git work tree.")] = False,
    auto_commit: Annotated[bool | None, typer.Option(
        "--auto-commit/--no-auto-commit", help="Commit pending work in the git work tree at each handoff.")] = None,
    auto_rotate: Annotated[bool | None, typer.Option(
        "--auto-rotate/--no-auto-rotate", help="Rotate by itself when usage reaches the threshold.")] = None,
    strategy: Annotated[str | None, typer.Option(
        "--strategy", help="How the next account is chosen: best, next_available or use_first_to_reset.")] = None,
    threshold_percent: Annotated[int | None, typer.Option(
        "--threshold-percent", min=1, max=100, help="Rotate when an account has used this share of its quota.")]
    = None,
    description: Annotated[str | None, typer.Option(help="What the project is.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the project as the API answers it.")] = False,
) -> None:
    """Change a project: its git work tree, auto-commit, auto-rotation, strategy, threshold, description."""
    from paas.services import lookup, projects, views

    if repo is not None and no_repo:
        door.fail("give --repo PATH or --no-repo, not both", 2)
    changes: dict[str, Any] = {key: value for key, value in (
        ("auto_commit", auto_commit), ("auto_rotate", auto_rotate), ("rotation_strategy", strategy),
        ("rotate_threshold_percent", threshold_percent), ("description", description)) if value is not None}
    if repo is not None or no_repo:
        changes["repo_path"] = _absolute(repo) if repo is not None else None
    if not changes:
        door.fail("nothing to change: give at least one option (see `paas projects edit --help`)", 2)
    with door.database() as db:
        project_id = db.read(lambda session: lookup.project_id(session, project))
        # A write of its own after the lookup: a --repo is checked by git before its first statement.
        changed = db.run(lambda session: projects.update_project(session, project_id, changes))
    if as_json:
        door.console().print_json(data=views.as_json(changed))
        return
    door.say(f"project {changed.id} updated: {changed.name} · repo {changed.repo_path or '-'} · "
             f"auto-commit {'on' if changed.auto_commit else 'off'} · "
             f"auto-rotate {'on' if changed.auto_rotate else 'off'} · strategy {changed.rotation_strategy.value} · "
             f"threshold {f'{changed.rotate_threshold_percent}%' if changed.rotate_threshold_percent else '-'}",
             highlight=False, soft_wrap=True)


@projects_app.command("link")
def projects_link(
    directory: Annotated[str, typer.Argument(help="Working directory (it and everything below it).")],
    project: Annotated[str, typer.Option("--project", "-p", help="Project name or id.")],
) -> None:
    """Link a working directory to a project: `paas mcp` (and tools run there) then need no project."""
    from paas.services import project_links

    with door.unit_of_work() as session:
        path, project_id = project_links.link(session, directory, project, now=door.now())
    door.say(f"{path} -> project {project_id}", highlight=False, soft_wrap=True)


@projects_app.command("unlink")
def projects_unlink(directory: Annotated[str, typer.Argument(help="A linked working directory.")]) -> None:
    """Forget a working directory's link to its project."""
    from paas.services import project_links

    with door.unit_of_work() as session:
        path = project_links.unlink(session, directory)
    door.say(f"{path} unlinked", highlight=False, soft_wrap=True)


@projects_app.command("links")
def projects_links(
    project: Annotated[str | None, typer.Option("--project", "-p", help="Only this project's (name or id).")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """List linked working directories and their projects."""
    from paas.services import project_links, views

    with door.unit_of_work(write=False) as session:
        links = project_links.list_links(session, project)
    door.print_rows(views.as_json(links), ("path", "project_id", "project_name"), f"Links ({len(links)})", as_json)
