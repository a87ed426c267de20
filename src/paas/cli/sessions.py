"""`paas session start|usage|end|show|list`: a working day from the terminal.

A session is named by its id, or by its project (``--project``: the project's session in
progress); projects and accounts by name or id. Usage answers say when rotation is due, and a
project with auto_rotate rotates on the usage that makes it due (the new account is printed).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from paas.cli import door

sessions_app = typer.Typer(help="Start, record usage on, end, show and list working sessions.",
                           no_args_is_help=True)
SESSION_COLUMNS = ("id", "project_name", "session_number", "account_name", "session_type", "status",
                   "credits_used", "started_at")
ProjectRef = Annotated[str | None, typer.Option("--project", "-p", help="Project name or id.")]
SessionId = Annotated[int | None, typer.Argument(help="Session id (or name the project with --project).")]


def _session_of(session: Any, session_id: int | None, project: str | None, *, open_only: bool = True) -> int:
    """The session named by id, or the project's session in progress (its newest, for ``show``)."""
    from paas.core.errors import InvalidInput
    from paas.services import lookup, sessions

    if (session_id is None) == (project is None):
        raise InvalidInput("name the session (its id) or the project (--project), one of them")
    if session_id is not None:
        return session_id
    project_id = lookup.project_id(session, project or "")
    if open_only:
        return sessions.in_progress_id(session, project_id)
    newest = sessions.list_sessions(session, project_id=project_id, limit=1).items
    if not newest:
        raise InvalidInput(f"project {project} has no sessions yet; start one with `paas session start`")
    return newest[0].id


@sessions_app.command("list")
def sessions_list(as_json: door.JsonFlag = False, limit: door.Limit = 50,
                  project: ProjectRef = None,
                  account: Annotated[str | None, typer.Option(help="Only this account (name or id).")] = None,
                  status: Annotated[str | None, typer.Option(help="Only this status.")] = None) -> None:
    """List sessions, newest first."""
    from paas.services import lookup, sessions, views

    with door.unit_of_work(write=False) as session:
        project_id = lookup.project_id(session, project) if project else None
        account_id = lookup.account_id(session, account) if account else None
        page = sessions.list_sessions(session, project_id=project_id, account_id=account_id, status=status,
                                      limit=limit)
    rows = views.as_json(page.items)
    door.print_rows(rows, SESSION_COLUMNS, f"Sessions (showing {len(rows)} of {page.total})", as_json)


@sessions_app.command("start")
def session_start(
    project: Annotated[str, typer.Option("--project", "-p", help="Project name or id.")],
    account: Annotated[str, typer.Option(help="Account name or id, or `best` for the best account now.")]
    = "best",
    session_type: Annotated[str, typer.Option("--type", help="development, bugfix, feature, refactor, deployment.")]
    = "development",
    objective: Annotated[str | None, typer.Option("--objective", "--objectives", help="What this session is for.")]
    = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Start a session: lease an account (named, or the best one now) to a project; with an objective,
    say what such a task usually takes (similar past sessions) and rank accounts for it."""
    from paas.services import accounts, git_state, history, lookup, selection, views

    def choose(session: Any) -> tuple[int, int, str, str]:
        project_id = lookup.project_id(session, project)
        named = None if account.strip().lower() == "best" else lookup.account_id(session, account)
        unit = accounts.show_account(session, named, door.now()).quota_unit if named is not None else None
        found = (history.estimate_task(session, text=objective, project_id=project_id, session_type=session_type,
                                       now=door.now(), unit=unit) if objective and objective.strip() else None)
        expected = history.describe_estimate(found) if found is not None else ""
        if account.strip().lower() == "best":
            best = selection.best_for_project(session, project_id, now=door.now(), session_type=session_type,
                                              task=objective if found is not None else None, estimate=found)
            return project_id, best.id, "; ".join(best.reasons), expected
        return project_id, named or 0, "", expected

    with door.read_and_run() as (read, run):
        project_id, account_id, why, expected = read(choose)
        # the project's git HEAD is read between the read and the short write that starts the session
        started = git_state.start_session_at_head(read, run, project_id=project_id, account_id=account_id,
                                                  now=door.now(), session_type=session_type, objectives=objective)
    if as_json:
        door.console().print_json(data=views.as_json(started))
        return
    door.say(f"session {started.id} started: {started.project_name} #{started.session_number} on "
             f"{started.account_name}", highlight=False)
    if why:
        door.say(f"chosen because: {why}", highlight=False)
    if expected:
        door.say(expected, highlight=False)


@sessions_app.command("add", hidden=True)
def sessions_add(
    project: Annotated[str, typer.Option(help="Project name or id.")],
    account: Annotated[str, typer.Option(help="Account name or id.")],
    session_type: Annotated[str, typer.Option("--type", help="development, bugfix, feature, refactor, deployment.")]
    = "development",
    objectives: Annotated[str | None, typer.Option(help="What this session is for.")] = None,
) -> None:
    """Start a session (the earlier name of `session start`)."""
    from paas.services import git_state, lookup

    with door.read_and_run() as (read, run):
        project_id = read(lambda session: lookup.project_id(session, project))
        account_id = read(lambda session: lookup.account_id(session, account))
        started = git_state.start_session_at_head(read, run, project_id=project_id, account_id=account_id,
                                                  now=door.now(), session_type=session_type, objectives=objectives)
    door.say(f"session {started.id} started (number {started.session_number} of project {started.project_id})")


@sessions_app.command("usage")
def session_usage(
    credits: Annotated[int, typer.Option("--credits", "-c", min=1, help="Credits used since the last report.")],
    session_id: SessionId = None,
    project: ProjectRef = None,
    note: Annotated[str | None, typer.Option(help="What they were spent on.")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Record credits used; says when rotation is due (and rotates, for a project with auto_rotate)."""
    from paas.services import usage, views

    settings = door.settings_or_fail()
    with door.read_and_run() as (read, run):
        target = read(lambda session: _session_of(session, session_id, project))
        answer = usage.report_usage(read, run, now=door.now(), credits=credits, note=note, session_id=target,
                                    margin_percent=settings.rotation_margin_percent)
    if as_json:
        door.console().print_json(data=views.as_json(answer))
        return
    from paas.core.units import exact as figure
    from paas.core.units import exact_in_unit as in_unit
    from paas.services.accounts import show_account

    with door.unit_of_work(write=False) as session:  # the figures count the account's unit (usd: cents)
        unit = show_account(session, answer.account_id, door.now()).quota_unit
    door.say(f"{in_unit(answer.credits, unit)} recorded on session {answer.session_id}: the account has used "
             f"{figure(answer.account_credits_used, unit)} of {figure(answer.account_quota, unit)} "
             f"({figure(answer.account_credits_available, unit)} left, "
             f"rotate at {figure(answer.rotate_threshold, unit)})", highlight=False)
    if answer.overdrawn:
        door.note(f"{in_unit(answer.overdrawn, unit)} beyond what the account had left (recorded anyway)")
    if answer.rotation is not None:
        nxt = answer.rotation.next_account
        with door.unit_of_work(write=False) as session:
            next_unit = show_account(session, nxt.id, door.now()).quota_unit
        door.say(f"[bold]rotated[/bold] to {nxt.account_name} ({in_unit(nxt.credits_available, next_unit)}): session "
                 f"{answer.rotation.data.new_session_id}; `paas briefing show --id {answer.rotation.data.snapshot_id}`"
                 " prints the briefing", highlight=False)
    elif answer.rotate_due:
        resets = answer.next_reset_at.strftime("%Y-%m-%d %H:%M UTC")
        door.note(f"rotation due: {figure(answer.account_credits_used, unit)} of "
                  f"{in_unit(answer.rotate_threshold, unit)} used; run "
                  f"`paas handoff --project {project or answer.project_id}` (the account resets {resets})"
                  + (f"; {answer.rotation_error}" if answer.rotation_error else ""))


@sessions_app.command("end")
def session_end(
    session_id: SessionId = None,
    project: ProjectRef = None,
    status: Annotated[str, typer.Option(help="completed, failed or handed_off.")] = "completed",
    notes: Annotated[str | None, typer.Option(help="Handoff notes for whoever continues.")] = None,
    accomplishments: Annotated[str | None, typer.Option(help="What was done.")] = None,
    blockers: Annotated[str | None, typer.Option(help="What stands in the way.")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """End a session; its account is free again."""
    from paas.core.units import exact_in_unit as in_unit
    from paas.services import sessions, views
    from paas.services.accounts import show_account

    with door.unit_of_work() as session:
        ended = sessions.complete_session(session, _session_of(session, session_id, project), now=door.now(),
                                          status=status, handoff_notes=notes, accomplishments=accomplishments,
                                          blockers=blockers)
        unit = show_account(session, ended.account_id, door.now()).quota_unit
    if as_json:
        door.console().print_json(data=views.as_json(ended))
        return
    door.say(f"session {ended.id} {ended.status}: {ended.project_name} #{ended.session_number} on "
             f"{ended.account_name}, {in_unit(ended.credits_used, unit)}, {ended.duration_minutes} min",
             highlight=False)


@sessions_app.command("show")
def session_show(session_id: SessionId = None, project: ProjectRef = None, as_json: door.JsonFlag = False) -> None:
    """Show a session (by id, or the project's session in progress, else its newest)."""
    from paas.core.errors import InvalidInput
    from paas.services import sessions, views

    with door.unit_of_work(write=False) as session:
        try:
            target = _session_of(session, session_id, project)
        except InvalidInput:  # the project has no session in progress: its newest one
            if project is None:
                raise
            target = _session_of(session, None, project, open_only=False)
        shown = views.as_json(sessions.show_session(session, target))
    if as_json:
        door.console().print_json(data=shown)
        return
    width = max(len(key) for key in shown)
    for key, value in shown.items():
        door.say(f"{key:<{width}}  {'' if value is None else value}", highlight=False, soft_wrap=True)
