"""`paas rotate`: move a project to the best next account and print the briefing."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from paas.cli import door


def rotate_project(
    project: Annotated[int, typer.Option(help="Project id.")],
    account: Annotated[int | None, typer.Option(help="Current account id (default: the project's open session).")]
    = None,
    final_credits: Annotated[int | None, typer.Option(min=1, help="Credits to record before rotating.")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Move a project to the best next account, atomically, and print the handoff briefing."""
    from paas.services import rotation, sessions

    with door.read_and_run(details=True) as (read, run):
        current = account or read(lambda session: sessions.current_account(session, project))
        result = rotation.rotate(read, run, project_id=project, current_account_id=current, now=door.now(),
                                 final_credits=final_credits)
    if as_json:
        door.console().print_json(json.dumps({"next_account": result.next_view.account.account_name,
                                              "briefing": result.briefing,
                                              "credit_savings": result.credit_savings}))
        return
    door.say(f"[bold]next account:[/bold] {result.next_view.account.account_name} "
             f"({result.next_view.remaining} credits), session {result.new_session.session_number}")
    door.say(result.credit_savings, highlight=False)
    sys.stdout.write(result.briefing)
