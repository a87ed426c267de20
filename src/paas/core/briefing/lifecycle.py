"""An error's life cycle: what happened after it decides whether it still stands.

Design: one pass over the transcript builds an ``Evidence`` index (command runs by family, edits,
drops, undos and reverts, the user's verdicts, the assistant's "instead"); each error
occurrence is then decided with a few bisects, so the cost stays linear. Positions order calls
and turn texts together (``position``): a turn's text comes before its own calls.

Statuses, first match wins:

* ``resolved``: the same thing later succeeded: the same command or a clean run of its family
  (program and subcommand: ``npm run build`` is not ``npm run dev``; ``pio`` and
  ``~/.platformio/penv/bin/pio`` are one program), a later successful edit of the same file, a
  later commit, a later call of the same tool, the model answering again after an API error;
  or the user confirmed ("works now", "that fixed it"; an approving "great, ..." only as the
  first reply to a fix, and only when that reply reports no failure itself), before any other
  error came up (a confirmation is about the latest problem). A clean run is exit 0 whose
  output reports no error; a run whose exit status a pipe hides (``| tail``, ``| grep``,
  ``|| true``) is clean only when its output shows a clean summary.
* ``superseded``: the work it belonged to went away: ``/undo``, a revert (``git revert``,
  ``git reset --hard``, ``git checkout --``, ``git restore``, ``git stash``) or the user
  abandoning it ("never mind", "I undid your changes") within the next two exchanges; the file
  it concerns dropped from the chat or deleted; a fix the user declined (``DECLINED_FIX``: shown as
  "left unfixed", since the failure itself still stands by the user's choice).
* ``worked_around``: the same arguments succeeded under another program (``python`` ->
  ``python3``), or the assistant's reaction (or the user's next message) says "instead",
  "workaround", "skip" and a different step then succeeded.
* ``attempted``: a fix was made (an edit after a failed run or notice, or for an error the
  user reported, a reply with code or edits) within the next exchange, and nothing checked it
  since. When the user's next message went on to something else without reporting that it
  still fails, the detail says so (``MOVED_ON``): silence after a fix is weak evidence that it
  worked, never a confirmation. A failed commit, edit or tool call is not fixed by edits.
* ``unresolved``: none of the above; or the user's next message reports a failure naming the
  same identifier (``redirect_uri``) or says it still fails; or the same command family failed
  again; or the assistant stated the failure at the end. A failing run the assistant later
  calls pre-existing ("the 4 remaining errors are all pre-existing") stays unresolved with
  that detail (``PRE_EXISTING``): it still stands, but it is not the next thing to fix.

A resolution always beats an abandonment or workaround (the original works now); between a
supersession and a workaround the earlier wins. Each status comes with a short ``detail``
naming the evidence and its turn ("fixed: `npm run build` passed at turn 41").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from paas.core.briefing.evidence import (
    SCAN,
    Evidence,
    Run,
    exchange_end,
    exchange_start,
    family_match,
    first_after,
    run_of,
    runs_after,
)
from paas.core.briefing.text import clip, code

DECLINED_FIX = "the user declined the fix"  # a superseded error's detail: it still stands, by the user's choice
PRE_EXISTING = "pre-existing, not from this work"  # in an unresolved error's detail: the assistant says so
MOVED_ON = "the user moved on"  # in an attempted error's detail: the next message was about something else


@dataclass(frozen=True)
class Occurrence:
    """One sighting of an error, before repeats are collapsed."""

    pos: int
    turn: int
    source: str  # "tool", "system", "user", "assistant"
    kind: str  # "command", "edit", "commit", "tool", "api", "edit_format", "notice", "reported"
    text: str
    key: str  # repeats share it
    subject: str = ""
    keys: tuple[str, ...] = ()  # ActionLog success keys
    seq: int = 0
    command: str = ""
    paths: tuple[str, ...] = ()
    reopened: bool = False  # a user message saying it still fails
    horizon: int = 1 << 62  # position of the next other error: a confirmation after it is about that one


def decide(occ: Occurrence, evidence: Evidence) -> tuple[str, str]:
    """``(status, detail)`` of one occurrence from the evidence after it (see the module docstring)."""
    resolved = _resolution(occ, evidence)
    if resolved is not None:
        return "resolved", resolved[1]
    ended = _supersession(occ, evidence)
    around = _workaround(occ, evidence)
    if ended is not None and (around is None or ended[0] <= around[0]):
        return "superseded", ended[1]
    if around is not None:
        return "worked_around", around[1]
    status, detail = _still_open(occ, evidence)
    prior = first_after(evidence.prior, occ.pos)
    if status == "unresolved" and prior is not None and occ.kind == "command":
        return status, PRE_EXISTING + f" (the assistant, turn {prior[1]})"
    return status, detail


def _resolution(occ: Occurrence, evidence: Evidence) -> tuple[int, str] | None:
    found: list[tuple[int, str]] = []
    if occ.kind == "command" and occ.command:
        failing = _failing(occ, evidence)
        for run in runs_after(evidence.by_family.get(failing.family, []), occ.pos):
            if run.outcome == "ok" and (run.key == failing.key or family_match(failing, run)):
                found.append((run.pos, f"fixed: {code(clip(run.text, 60))} passed at turn {run.turn}"))
                break
    elif occ.keys:
        turn = evidence.log.success_after(occ.keys, occ.seq)
        if turn is not None:
            what = {"edit": "an edit of it applied", "commit": "a commit went through"}.get(occ.kind, "it succeeded")
            found.append((evidence.turn_pos.get(turn, occ.pos + 1), f"fixed: {what} at turn {turn}"))
    elif occ.kind == "api":
        answer = first_after(evidence.answers, occ.pos)
        if answer is not None:
            found.append((answer[0], f"the model answered again at turn {answer[1]}"))
    elif occ.kind == "edit_format":
        edit = first_after(evidence.edits, occ.pos)
        if edit is not None:
            found.append((edit[0], f"fixed: an edit applied at turn {edit[1]}"))
    confirmed = _confirmation(occ, evidence)
    if confirmed is not None:
        found.append(confirmed)
    return min(found) if found else None


def _confirmation(occ: Occurrence, evidence: Evidence) -> tuple[int, str] | None:
    """The user saying it works: strongly before any "still failing", or approvingly as the first reply to a fix."""
    at = bisect_right(evidence.people, (occ.pos, 1 << 62, ""))
    if at >= len(evidence.people):
        return None
    strong, still = evidence.next_strong[at], evidence.next_still[at]
    if strong < still and evidence.people[strong][0] < occ.horizon:
        pos, turn, text = evidence.people[strong]
        return pos, f"fixed: the user confirmed at turn {turn} (\"{clip(' '.join(text.split()), 40)}\")"
    verdict = evidence.verdicts[at]
    fix = first_after(evidence.fixes, occ.pos)
    pos, turn, text = evidence.people[at]
    if pos > occ.horizon:
        return None
    if verdict.confirmed == "weak" and not verdict.failing and fix is not None and fix[0] < pos:
        return pos, f"fixed: the user approved the fix at turn {turn} (\"{clip(' '.join(text.split()), 40)}\")"
    return None


def _supersession(occ: Occurrence, evidence: Evidence) -> tuple[int, str] | None:
    found: list[tuple[int, str]] = []
    window = exchange_end(evidence, occ.pos)
    end = first_after(evidence.ends, occ.pos)
    if end is not None and end[0] <= window:
        found.append((end[0], end[2]))
    if occ.paths:
        start = exchange_start(evidence, occ.pos)
        at = bisect_right(evidence.drops, (start, 1 << 62, ""))
        for pos, turn, path in evidence.drops[at : at + SCAN]:
            if any(_same_path(path, mine) for mine in occ.paths):
                found.append((pos, f"superseded: {code(path)} dropped at turn {turn}"))
                break
    declined = first_after(evidence.declines, occ.pos - 1)
    if declined is not None and declined[1] == occ.turn:
        found.append((declined[0], f"{DECLINED_FIX} at turn {declined[1]}"))
    return min(found) if found else None


def _same_path(dropped: str, mine: str) -> bool:
    """``mine`` (a path in an error, maybe followed by words) ends with the path ``dropped``, not a file inside it."""
    if not dropped:
        return False
    at = mine.find(dropped)
    while at >= 0:
        before = mine[at - 1] if at else "/"
        after = mine[at + len(dropped)] if at + len(dropped) < len(mine) else " "
        if before in "/ '\"" and after in " '\":,)":
            return True
        at = mine.find(dropped, at + 1)
    return dropped.endswith("/" + mine)


def _workaround(occ: Occurrence, evidence: Evidence) -> tuple[int, str] | None:
    failing = _failing(occ, evidence) if occ.kind == "command" and occ.command else None
    if failing is not None:
        for run in runs_after(evidence.ok_by_args.get(failing.args, []), occ.pos):
            if run.program != failing.program and _related(failing, run):
                return run.pos, f"worked around at turn {run.turn}: switched to {code(clip(run.text, 60))}"
    words = first_after(evidence.arounds, occ.pos)
    if words is None or words[0] > exchange_end(evidence, occ.pos, 1):
        return None
    step = first_after(evidence.steps, words[0])
    if step is None or step[0] > exchange_end(evidence, words[0], 1):
        return None
    if failing is not None and failing.text in step[2]:
        return None  # the same command again: a fix, not a way around
    return step[0], f"worked around at turn {step[1]}: {step[2]}"


def _related(failing: Run, run: Run) -> bool:
    """Two programs taking the same arguments for one purpose (``python``/``python3``, ``pip``/``pip3``)."""
    shared = failing.program[:3] == run.program[:3]
    substantial = len(failing.args.split()) >= 2 or any(c in failing.args for c in "./\\")
    return bool(failing.args) and (shared or substantial)


def _still_open(occ: Occurrence, evidence: Evidence) -> tuple[str, str]:
    window = exchange_end(evidence, occ.pos)
    if occ.kind == "command" and occ.command:
        failing = _failing(occ, evidence)
        for run in runs_after(evidence.by_family.get(failing.family, []), occ.pos):
            if run.outcome == "fail" and family_match(failing, run) and run.key != failing.key:
                return "unresolved", f"failed again at turn {run.turn} ({code(clip(run.text, 50))})"
    fix = _fix_after(occ, evidence, window)
    if occ.kind == "stated":
        return "unresolved", f"stated by the assistant at turn {occ.turn}"
    if fix is not None:
        return ("unresolved" if fix[1].startswith("reported again") else "attempted"), fix[1]
    if occ.reopened:
        return "unresolved", f"still failing per the user at turn {occ.turn}"
    return "unresolved", ""


_IDENTIFIER_RE = re.compile(r"[A-Za-z_][\w-]*[_.:][\w.:-]*\w|[a-z]+[A-Z]\w+|\b\w*\d\w*[A-Za-z]\w*\b")


def _shares_identifier(error: str, message: str) -> bool:
    """The message names a distinctive token of the error (``redirect_uri``, ``t.forEach``): the same problem."""
    tokens = {t for t in _IDENTIFIER_RE.findall(error) if len(t) >= 6 and "//" not in t}
    return any(token in message for token in tokens)


def _fix_after(occ: Occurrence, evidence: Evidence, window: int) -> tuple[int, str] | None:
    """A fix made within the next exchange: code or edits answering a report, edits after a failed run."""
    if occ.kind == "reported":
        fix = first_after(evidence.fixes, occ.pos)
        if fix is None or fix[0] > window:
            return None
        detail = f"fix offered at turn {fix[1]}, not confirmed"
        at = bisect_right(evidence.people, (fix[0], 1 << 62, ""))
        if at < len(evidence.people):
            verdict, (_, turn, text) = evidence.verdicts[at], evidence.people[at]
            if verdict.failing and _shares_identifier(occ.text, text):
                return fix[0], f"reported again at turn {turn} (\"{clip(' '.join(text.split()), 48)}\")"
            if not verdict.again:  # the next message is not "still failing": the user went past it
                detail += f"; {MOVED_ON} at turn {turn}"
        return fix[0], detail
    if occ.kind not in ("command", "notice"):
        return None  # a failed commit, edit or tool call is not fixed by editing other code
    at = bisect_right(evidence.edits, (occ.pos, 1 << 62, ""))
    last = None
    for item in evidence.edits[at : at + SCAN]:
        if item[0] > window:
            break
        last = item
    if last is None:
        return None
    return last[0], f"fix edited at turn {last[1]} ({code(clip(last[2], 60))}), not re-run"


def _failing(occ: Occurrence, evidence: Evidence) -> Run:
    return run_of(evidence, occ.seq, occ.command, occ.pos, occ.turn)
