"""What an agent's own hooks do (`paas hook claude-code`): the next session starts briefed, and
the transcript is kept before the agent compacts or ends it.

- SessionStart: the project's newest pending handoff briefing (left by a rotation) is handed to
  the new session as context, and every pending handoff of the project is marked completed in
  the same unit of work, so a second session start does not deliver it again. No pending
  handoff: nothing is added (an old briefing is not pressed on every session). Only a session
  that starts afresh (``source`` startup or clear, or none given) takes it: a conversation resumed
  or just compacted already has its own history, and taking the briefing there would use it up
  before the session it was left for starts.
- PreCompact, SessionEnd: the transcript at ``transcript_path`` is saved for the project
  (``briefing.save_context``: kept once, its briefing saved as a snapshot).
- Stop (after every reply) and any other event: nothing; saving each reply would be noise.
The project is the one linked to the hook's working directory (``paas projects link``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import InvalidInput, PayloadTooLarge
from paas.core.events import HandoffDelivered
from paas.core.types import HandoffStatus
from paas.services import briefing
from paas.services.project_links import require_project
from paas.services.views import SnapshotRef, View
from paas.store import handoffs as store
from paas.store.unit import Transaction, publish

MAX_TRANSCRIPT_BYTES = 32 * 1024 * 1024
SAVES_ON = ("PreCompact", "SessionEnd")
FRESH_STARTS = ("startup", "clear")


class Delivered(View):
    """A pending handoff briefing given to a new session."""

    handoff_id: int
    project_id: int
    briefing: str
    superseded: int  # older pending handoffs of the project, marked completed with it


class HookAnswer(View):
    event: str
    project_id: int | None = None
    delivered: Delivered | None = None
    saved: SnapshotRef | None = None
    note: str | None = None  # why nothing was done


def deliver_pending(session: Session, project_id: int, *, now: datetime) -> Delivered | None:
    waiting = store.pending_of_project(session, project_id, for_update=True)
    if not waiting:
        return None
    for item in waiting:
        item.status, item.processed_at = HandoffStatus.COMPLETED.value, now
    session.flush()
    newest = waiting[0]
    publish(session, HandoffDelivered(handoff_id=newest.id, project_id=project_id))
    return Delivered(handoff_id=newest.id, project_id=project_id, briefing=newest.handoff_context,
                     superseded=len(waiting) - 1)


def read_transcript(path_text: Any) -> tuple[str, str]:
    if not isinstance(path_text, str) or not path_text.strip():
        raise InvalidInput("the hook gave no transcript_path", {"field": "transcript_path"})
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file", {"field": "transcript_path"})
    if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
        raise PayloadTooLarge(f"{path} is larger than {MAX_TRANSCRIPT_BYTES // (1024 * 1024)} MiB")
    return path.read_text(encoding="utf-8", errors="replace"), path.name


def claude_code(read: Transaction, run: Transaction, payload: dict[str, Any], *, now: datetime,
                project: str | None = None) -> HookAnswer:
    """Do what Claude Code's hook ``payload`` (its stdin JSON) calls for; see the module's rules."""
    event = payload.get("hook_event_name")
    if not isinstance(event, str) or not event:
        raise InvalidInput("the hook payload has no hook_event_name", {"field": "hook_event_name"})
    if event != "SessionStart" and event not in SAVES_ON:
        return HookAnswer(event=event, note=f"nothing to do on {event}")
    source = payload.get("source")
    if event == "SessionStart" and source is not None and source not in FRESH_STARTS:
        return HookAnswer(event=event, note=f"nothing to do on a SessionStart from {source}")
    cwd = payload.get("cwd")
    directory = cwd if isinstance(cwd, str) and cwd.strip() else None
    project_id = read(lambda session: require_project(session, project, directory))
    if event == "SessionStart":
        delivered = run(lambda session: deliver_pending(session, project_id, now=now))
        return HookAnswer(event=event, project_id=project_id, delivered=delivered,
                          note=None if delivered else "no pending handoff for this project")
    text, name = read_transcript(payload.get("transcript_path"))
    saved = briefing.save_context(read, run, project_id=project_id, context=text, now=now, filename=name)
    return HookAnswer(event=event, project_id=project_id, saved=saved.snapshot)


def session_start_output(answer: HookAnswer) -> dict[str, Any] | None:
    """What Claude Code reads from a SessionStart hook's stdout: the briefing as added context."""
    if answer.delivered is None:
        return None
    context = ("PAAS handoff: this session continues work handed off from another account. "
               "Read this briefing and take over from it.\n\n" + answer.delivered.briefing)
    return {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": context}}
