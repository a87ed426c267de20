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
    from paas.services import rotation, sessions, views

    with door.read_and_run(details=True) as (read, run):
        current = account or read(lambda session: sessions.current_account(session, project))
        answer = rotation.rotate(read, run, project_id=project, current_account_id=current, now=door.now(),
                                 final_credits=final_credits)
    if as_json:
        door.console().print_json(json.dumps(views.as_json(answer)))  # the API's answer, without its envelope
        return
    nxt = answer.next_account
    door.say(f"[bold]next account:[/bold] {nxt.account_name} ({nxt.credits_available} credits), "
             f"session {answer.data.new_session_id} (number {answer.data.new_session_number})")
    door.say(f"chosen because: {'; '.join(answer.data.reasons)}", highlight=False)
    door.say(answer.credit_savings, highlight=False)
    sys.stdout.write(answer.briefing)
