"""`paas rotate` and `paas handoff`: move a project to the next account and print the briefing."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING, Annotated

import typer

from paas.cli import door

if TYPE_CHECKING:
    from paas.services.views import RotationAnswer

ProjectRef = Annotated[str, typer.Option("--project", "-p", help="Project name or id.")]
AccountRef = Annotated[str | None, typer.Option(
    "--account", help="Current account, name or id (default: the project's session in progress).")]
FinalCredits = Annotated[int | None, typer.Option(min=1, help="Credits to record before rotating.")]
# Clipboard tools, tried in order: Wayland, X11, macOS, Windows.
CLIPBOARDS = (("wl-copy",), ("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input"),
              ("pbcopy",), ("clip.exe",))


def _rotate(project: str, account: str | None, final_credits: int | None, level: str = "medium",
            transcript: tuple[str, str | None] | None = None) -> RotationAnswer:
    from paas.services import briefing, lookup, rotation, sessions

    settings = door.settings_or_fail()
    with door.read_and_run(details=True) as (read, run):
        project_id = read(lambda session: lookup.project_id(session, project))
        current = read(lambda session: lookup.account_id(session, account) if account
                       else sessions.current_account(session, project_id))
        if transcript is not None:  # what the session said becomes what the briefing is built from
            text, name = transcript
            briefing.save_context(read, run, project_id=project_id, context=text, now=door.now(), filename=name)
        return rotation.rotate(read, run, project_id=project_id, current_account_id=current, now=door.now(),
                               final_credits=final_credits, level=level,
                               margin_percent=settings.rotation_margin_percent)


def _print(answer: RotationAnswer, as_json: bool) -> None:
    import json

    from paas.services import views

    if as_json:
        door.console().print_json(json.dumps(views.as_json(answer)))  # the API's answer, without its envelope
        return
    from paas.core.units import exact_in_unit as in_unit
    from paas.services.accounts import show_account

    nxt = answer.next_account
    with door.unit_of_work(write=False) as session:  # usd counts cents: "$20.00", not "2000 credits"
        unit = show_account(session, nxt.id, door.now()).quota_unit
    door.say(f"[bold]next account:[/bold] {nxt.account_name} ({in_unit(nxt.credits_available, unit)}), "
             f"session {answer.data.new_session_id} (number {answer.data.new_session_number})")
    door.say(f"chosen because: {'; '.join(answer.data.reasons)}", highlight=False)
    door.say(answer.credit_savings, highlight=False)
    door.write_text(answer.briefing)


def rotate_project(project: ProjectRef, account: AccountRef = None, final_credits: FinalCredits = None,
                   as_json: door.JsonFlag = False) -> None:
    """Move a project to the best next account, atomically, and print the handoff briefing."""
    _print(_rotate(project, account, final_credits), as_json)


def copy_to_clipboard(text: str) -> str | None:
    """Put ``text`` on the clipboard with the first tool this machine has; the tool's name, or None."""
    for command in CLIPBOARDS:
        if shutil.which(command[0]):
            try:
                subprocess.run(command, input=text.encode("utf-8"), check=True, timeout=10,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except (OSError, subprocess.SubprocessError):
                continue
            return command[0]
    return None


def handoff(
    project: ProjectRef,
    transcript: Annotated[str | None, typer.Option(
        "--from", help="The session's transcript (a file, or - for standard input): saved first, briefed from.")]
    = None,
    level: Annotated[str, typer.Option(help="Briefing detail: low, medium or high.")] = "medium",
    copy: Annotated[bool, typer.Option("--copy", help="Also put the briefing on the clipboard.")] = False,
    account: AccountRef = None,
    final_credits: FinalCredits = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Hand a project off: save the transcript (--from), rotate to the next account, print the briefing."""
    from paas.cli.briefings import read_input

    if level not in ("low", "medium", "high"):
        door.fail("--level must be low, medium or high", 2)
    source = read_input(transcript) if transcript is not None else None
    answer = _rotate(project, account, final_credits, level, source)
    _print(answer, as_json)
    if copy:
        tool = copy_to_clipboard(answer.briefing)
        if tool:
            door.note(f"briefing copied to the clipboard ({tool})")
        else:
            door.note("no clipboard tool found (wl-copy, xclip, xsel, pbcopy): the briefing is printed above")
