"""`paas sessions list|add`."""

from __future__ import annotations

from typing import Annotated

import typer

from paas.cli import door

sessions_app = typer.Typer(help="List and start working sessions.", no_args_is_help=True)
SESSION_COLUMNS = ("id", "project_name", "session_number", "account_name", "session_type", "status",
                   "credits_used", "started_at")


@sessions_app.command("list")
def sessions_list(as_json: door.JsonFlag = False, limit: door.Limit = 50,
                  project: Annotated[int | None, typer.Option(help="Only this project id.")] = None,
                  account: Annotated[int | None, typer.Option(help="Only this account id.")] = None,
                  status: Annotated[str | None, typer.Option(help="Only this status.")] = None) -> None:
    """List sessions, newest first."""
    from paas.services import sessions, views

    with door.unit_of_work(write=False) as session:
        page = sessions.list_sessions(session, project_id=project, account_id=account, status=status, limit=limit)
    rows = views.as_json(page.items)
    door.print_rows(rows, SESSION_COLUMNS, f"Sessions ({page.total})", as_json)


@sessions_app.command("add")
def sessions_add(
    project: Annotated[int, typer.Option(help="Project id.")],
    account: Annotated[int, typer.Option(help="Account id to lease.")],
    session_type: Annotated[str, typer.Option("--type", help="development, bugfix, feature, refactor, deployment.")]
    = "development",
    objectives: Annotated[str | None, typer.Option(help="What this session is for.")] = None,
) -> None:
    """Start a session: lease an account to a project."""
    from paas.services import sessions

    with door.unit_of_work() as session:
        work = sessions.start_session(session, project_id=project, account_id=account, now=door.now(),
                                      session_type=session_type, objectives=objectives)
        work_id, number = work.id, work.session_number
    door.say(f"session {work_id} started (number {number} of project {project})")
