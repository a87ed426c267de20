"""`paas estimate TEXT`: what a task will take, from similar past sessions (POST /api/estimate's
``data`` with --json), and the accounts that did such work most efficiently."""

from __future__ import annotations

from typing import Annotated

import typer

from paas.cli import door


def estimate(
    text: Annotated[str, typer.Argument(help="What the task is, in words (an objective, an issue's text).")],
    project: Annotated[str | None, typer.Option("--project", "-p", help="Project name or id (its sessions weigh "
                                                                       "more).")] = None,
    session_type: Annotated[str | None, typer.Option("--type", help="development, bugfix, feature, refactor, "
                                                                     "deployment.")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Estimate a task's credits from the most similar past sessions, and the accounts suited to it."""
    from paas.services import history, lookup, views

    with door.unit_of_work(write=False) as session:
        project_id = lookup.project_id(session, project) if project is not None else None
        found = history.estimate_task(session, text=text, project_id=project_id, session_type=session_type,
                                      now=door.now())
    if as_json:
        door.console().print_json(data=views.as_json(found))
        return
    door.say(history.describe_estimate(found), highlight=False)
    if found.neighbours:
        evidence = ", ".join(f"#{item.session_id} {item.credits} ({item.similarity:.2f})" for item in found.neighbours)
        door.say(f"similar sessions (credits, similarity): {evidence}", highlight=False, soft_wrap=True)
    for item in found.suited_accounts:
        door.say(f"suited: {item.account_name} (id {item.account_id}): ~{item.credits_per_completed:.0f} "
                 f"{found.unit} per completed session, {item.completed} of {item.sessions} similar sessions done",
                 highlight=False)
