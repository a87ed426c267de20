"""Errors with a life cycle: each failure, then the later turn that fixed, worked around or superseded it.

Design: ``collect_errors(transcript, log)`` gathers failures from five sources, drops what only
looks like an error (``housekeeping``), collapses repeats, and decides each one's status from
what happened after it (``lifecycle``):

* failed tool calls (from ``actions``), minus probes ("nothing found" exits, inspection of a
  missing path, a failure the agent announced) and read/search/list tools; plus runs of a
  build/test/check command whose exit status a pipe hid (``| tail``) and whose output reports
  errors;
* error lines of harness notices (``system`` turns; summaries and injected instructions
  skipped): API failures (resolved once the model answered again; recurring in three or more
  exchanges: still standing), edit-format failures (resolved once an edit applied), anything
  else (the general rules); aider's multi-line git messages keep their cause line;
* error lines the user pasted (``npm ERR! ...``, a traceback, "I get this error:" + the line);
* failures the user reports in words (``prose_errors``); a short "still doesn't work" adds
  itself to the latest error before it instead of standing alone;
* failures the assistant states in its last replies ("the build still fails because ...").

Fact shape: category ``error``; ``text`` verbatim from the transcript (clipped at 140
characters), ``turn`` the latest occurrence, ``first_turn`` the first, ``count`` the
occurrences; ``source`` tool / system / user / assistant; ``subject`` the command, file or
tool when the text does not say; ``status`` one of ``STATUSES``; ``detail`` how it was decided
("fixed: `npm run build` passed at turn 41"). Repeats are the same source, subject and line
once paths, numbers and ids are masked, and a build, test, lint or type check failing again,
however differently, is one error in its latest state; the latest occurrence decides the
status. ``is_open``: unresolved, or attempted with nobody having moved past it. ``score``
ranks errors for the briefing; ``open_errors`` returns at most ``OPEN_CAP`` open ones
(unresolved first, then attempted; later and tool-backed first), which is what a briefing
should show as open; open errors past the cap keep their status with a lower score.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace

from paas.core.briefing.actions import READ_NAMES, SEARCH_NAMES, ActionLog, Failure, command_key
from paas.core.briefing.evidence import Evidence, Run, build_evidence, normal_path
from paas.core.briefing.housekeeping import is_housekeeping_notice, is_summary_turn, is_tool_chatter
from paas.core.briefing.lifecycle import DECLINED_FIX, MOVED_ON, PRE_EXISTING, Occurrence, decide
from paas.core.briefing.model import Fact
from paas.core.briefing.outputs import error_line
from paas.core.briefing.pasted_errors import NOT_AN_ERROR_RE, error_lines
from paas.core.briefing.prose_errors import assistant_failures
from paas.core.briefing.text import clip, code
from paas.core.transcripts.model import Transcript

STATUSES: tuple[str, ...] = ("unresolved", "attempted", "worked_around", "superseded", "resolved")
OPEN_STATUSES: frozenset[str] = frozenset({"unresolved", "attempted"})
OPEN_CAP = 8  # open errors a briefing shows as open; more is a list nobody reads
TEXT_LIMIT = 140
_SUBJECT_LIMIT = 60  # a command named as an error's subject: enough to recognise it

# Error lines are found keyword first (a plain scan), then the keyword's line is checked: a
# line-anchored ``^.*(...)`` pattern would backtrack over every line of a long text.
_SYSTEM_ERROR_KEY_RE = re.compile(r"error|Error|Exception|failed|Failed|denied|Unable to|unable to|not found|"
                                  r"No such file|Traceback|fatal")
_SYSTEM_ERROR_RE = re.compile(
    r".*(?:\berror\b|Error\b|Exception\b|\bfailed\b|\bFailed\b|denied|Unable to|unable to|not found|No such file|"
    r"Traceback|fatal).*"
)
_HARNESS_RE = re.compile(
    r"litellm\.|APIError|API Error|RateLimit|rate.limit|InternalServerError|ServiceUnavailable|APIConnectionError|"
    r"Connection error|overloaded|Request body too large|AuthenticationError|API key|credit balance|quota|"
    r"context window|context size|max_num_tokens|token limit|BadRequestError",
    re.IGNORECASE,
)
_EDIT_FORMAT_RE = re.compile(r"SEARCH/REPLACE|edit format|SearchReplaceNoExactMatch|Malformed|Bad/missing filename",
                             re.IGNORECASE)
_CONTINUATIONS = ("cmdline:", "stderr:", "stdout:")
_CAUSE_LINE_RE = re.compile(r"^(?:stderr: |error: |fatal: )|\b(?:ignored|denied|not found|refused|invalid)\b",
                            re.IGNORECASE)
_REFUSAL_RE = re.compile(r"doesn't want to proceed|user (?:rejected|declined|denied)|rejected by the user|"
                         r"was blocked|Permission to use .* (?:was )?denied|interrupted by user", re.IGNORECASE)
_PATH_RE = re.compile(r"(?:[A-Za-z]:)?[\w.~-]*(?:[/\\]+[\w.@$+ -]*[\w.@$+-])+")
# Paths, numbers and ids masked: one error about many files, attempts or requests is one error.
_MASK_RE = re.compile(r"(?:[A-Za-z]:)?[\w.~-]*(?:[/\\][\w.@$+-]+)+|[\w-]*\d[\w-]*")
# Tools whose failure is an answer ("not there", "no match") or the harness's own bookkeeping.
_QUIET_TOOLS = READ_NAMES | SEARCH_NAMES | {"list", "list_directory", "ls_dir", "todoread", "todowrite", "drop_file",
                                            "add_file", "exitplanmode", "askuserquestion"}
_PER_NOTICE = 8  # distinct error lines kept from one harness notice (short, one per failed attempt)
_LAST_REPLIES = 3  # assistant turns at the end whose plain statements of failure count
_SHORT_AGAIN = 25  # words: a "still doesn't work" this short, with no error line of its own, adds to the one before
_RECURRING = 3  # an API failure seen in this many exchanges is a standing limit, not a blip


def group_key(source: str, subject: str, line: str) -> str:
    return f"{source}|{subject}|{_MASK_RE.sub('#', line.lower())}"


def collect_errors(transcript: Transcript, log: ActionLog) -> list[Fact]:
    evidence = build_evidence(transcript, log)
    occurrences = [*_tool_errors(log, evidence), *_notice_errors(transcript, evidence)]
    occurrences.sort(key=lambda o: o.pos)
    occurrences += [*_reported_errors(evidence, occurrences), *_stated_errors(transcript, evidence)]
    occurrences.sort(key=lambda o: o.pos)
    groups: dict[str, list[Occurrence]] = {}
    horizon = 1 << 62
    for index in range(len(occurrences) - 1, -1, -1):  # each occurrence learns where the next other error is
        occ = occurrences[index]
        occurrences[index] = replace(occ, horizon=horizon)
        if index == 0 or occurrences[index - 1].key != occ.key:
            horizon = occ.pos
    for occ in occurrences:
        groups.setdefault(occ.key, []).append(occ)
    facts = [_fact(group, evidence) for group in groups.values()]
    return _ranked(facts, transcript)


def is_open(fact: Fact) -> bool:
    """Still standing as far as the transcript shows: unresolved, or a fix nobody checked.

    An attempted fix after which the user moved on to something else (no failure reported,
    no confirmation either) stays ``attempted`` but is not counted as open: users report a fix
    that did not work, so silence is weak evidence; it is still not a confirmation.
    """
    return fact.status == "unresolved" or (fact.status == "attempted" and MOVED_ON not in fact.detail)


def is_pre_existing(fact: Fact) -> bool:
    """An unresolved error the assistant says predates this work (``lifecycle.PRE_EXISTING``)."""
    return fact.status == "unresolved" and fact.detail.startswith(PRE_EXISTING)


def error_label(fact: Fact) -> str:
    """How a briefing names an error's state: a fix the user declined leaves it standing, not gone."""
    if fact.status == "superseded" and fact.detail.startswith(DECLINED_FIX):
        return "left unfixed"
    return _LABELS.get(fact.status, fact.status.replace("_", " ") or "resolved")


_LABELS = {"resolved": "resolved", "worked_around": "worked around", "superseded": "superseded",
           "attempted": "fix attempted, not checked"}


def open_errors(errors: tuple[Fact, ...] | list[Fact]) -> tuple[Fact, ...]:
    """The errors a briefing shows as open: at most ``OPEN_CAP``, highest score first."""
    ranked = sorted((f for f in errors if is_open(f)), key=lambda f: (-f.score, -f.turn))
    return tuple(ranked[:OPEN_CAP])


def _fact(group: list[Occurrence], evidence: Evidence) -> Fact:
    latest = group[-1]
    status, detail = decide(latest, evidence)
    turns = sorted({occ.turn for occ in group})
    if latest.kind == "api" and len(turns) >= _RECURRING:
        status = "unresolved"
        detail = (f"recurring: in {len(turns)} exchanges (turns {turns[0]}–{turns[-1]}), "
                  f"each time cleared only by a retry or a restart")
    text = clip(latest.text, TEXT_LIMIT)
    return Fact("error", text, latest.turn, status, latest.key, group[0].turn, count=len(group), source=latest.source,
                detail=detail, subject=latest.subject)


_BASE_SCORE = {"unresolved": 2.0, "attempted": 1.6, "worked_around": 0.8, "superseded": 0.6, "resolved": 0.5}
_SOURCE_SCORE = {"tool": 0.3, "user": 0.25, "system": 0.2, "assistant": 0.2}


def _ranked(facts: list[Fact], transcript: Transcript) -> list[Fact]:
    """Scores (status, source, recency, repeats); open errors past ``OPEN_CAP`` drop below the rest."""
    last = max((t.index for t in transcript.turns), default=0) or 1
    scored = []
    for fact in facts:
        score = (_BASE_SCORE.get(fact.status, 0.5) + _SOURCE_SCORE.get(fact.source, 0.1)
                 + 0.3 * fact.turn / last + 0.02 * min(fact.count, 5))
        scored.append(replace(fact, score=round(score, 4)))
    shown = {id(f) for f in open_errors(scored)}
    out = [f if id(f) in shown or f.status not in OPEN_STATUSES else replace(f, score=round(f.score - 1.0, 4))
           for f in scored]
    out.sort(key=lambda f: (f.turn, f.first_turn))
    return out


# --- sources ---------------------------------------------------------------------------------


def _tool_errors(log: ActionLog, evidence: Evidence) -> Iterator[Occurrence]:
    for failure in log.failures:
        occ = _tool_occurrence(failure, evidence)
        if occ is not None:
            yield occ
    for seq, run in evidence.masked:  # exit 0 behind a pipe, but the output reports errors
        line = error_line(run.output) or "failed"
        subject = code(clip(run.text, _SUBJECT_LIMIT))
        yield Occurrence(run.pos, run.turn, "tool", "command", line, _check_key(run), subject=subject,
                         keys=(f"cmd:{run.key}",), seq=seq, command=run.key)


def _check_key(run: Run) -> str:
    return f"check|{run.family}|{run.sub}"


def _tool_occurrence(failure: Failure, evidence: Evidence) -> Occurrence | None:
    line = failure.line or "failed"
    if _REFUSAL_RE.search(line) or (failure.kind != "command" and is_tool_chatter(line)):
        return None  # the person declined the call, or the harness had nothing to say: not a failure
    run = evidence.runs_by_seq.get(failure.seq)
    pos = evidence.call_pos.get(failure.seq, evidence.turn_pos.get(failure.turn, 0))
    if failure.kind == "command":
        if run is not None and run.outcome != "fail":
            return None  # a probe: "nothing found", a missing path it was checking, an announced failure
        what, command = code(clip(failure.subject, _SUBJECT_LIMIT)), command_key(failure.subject.removesuffix(" …"))
    elif failure.kind == "edit":
        what, command = f"edit of {code(failure.subject)} failed", ""
    elif failure.kind == "commit":
        what, command = ("commit failed" if failure.subject == "commit" else code(failure.subject)), ""
    else:
        if failure.subject.lower() in _QUIET_TOOLS:
            return None  # reading, listing or searching what is not there is finding out, not failing
        what, command = f"{failure.subject.replace('_', ' ')} call failed", ""  # a label, not transcript text
    subject_key = "" if failure.kind == "commit" else failure.subject  # every commit attempt failing alike: one
    paths = (normal_path(failure.subject),) if failure.kind == "edit" else ()
    key = group_key("tool", subject_key, line)
    if run is not None and run.check:
        key = _check_key(run)  # a check failing again, however differently: one error, its latest state
    return Occurrence(pos, failure.turn, "tool", failure.kind, line, key,
                      subject=what, keys=failure.keys, seq=failure.seq, command=command, paths=paths)


def _notice_errors(transcript: Transcript, evidence: Evidence) -> Iterator[Occurrence]:
    for turn in transcript.turns:
        if turn.role != "system" or not turn.text or is_summary_turn(turn.text):
            continue
        seen: set[str] = set()
        pos = evidence.turn_pos.get(turn.index, 0)
        for end, full in error_lines(turn.text, _SYSTEM_ERROR_KEY_RE, _SYSTEM_ERROR_RE):
            if NOT_AN_ERROR_RE.match(full) or is_housekeeping_notice(full):
                continue
            key = group_key("notice", "", full)
            if key in seen:
                continue
            if len(seen) >= _PER_NOTICE:
                break
            seen.add(key)
            kind = "api" if _HARNESS_RE.search(full) else "edit_format" if _EDIT_FORMAT_RE.search(full) else "notice"
            text = _with_cause(full, turn.text, end) if kind == "notice" else full
            paths = tuple(normal_path(p) for p in _PATH_RE.findall(full[:400]) if len(p) > 3)
            yield Occurrence(pos, turn.index, "system", kind, text, key, paths=paths)


def _with_cause(line: str, text: str, end: int) -> str:
    """A git failure aider reports on several lines keeps its cause (``stderr: '...ignored...:`` + the path)."""
    following = [part.strip() for part in text[end : end + 1200].splitlines()[1:7]]
    if not following or not following[0].startswith(_CONTINUATIONS):
        return line  # the next line is not this message's ``cmdline:`` / ``stderr:``
    for index, cause in enumerate(following):
        if cause and _CAUSE_LINE_RE.search(cause) and not NOT_AN_ERROR_RE.match(cause):
            if cause.endswith(":") and index + 1 < len(following) and following[index + 1]:
                cause = f"{cause} {following[index + 1]}"  # "...ignored by one of your .gitignore files: a/b"
            head = clip(line, 48)
            return f"{head}{' ' if head.endswith('…') else ' … '}{clip(cause, TEXT_LIMIT - len(head) - 3)}"
    return line


def _reported_errors(evidence: Evidence, earlier: list[Occurrence]) -> Iterator[Occurrence]:
    """What the user pasted or said went wrong; a short "still failing" joins the latest error before it."""
    earlier_pos = [occ.pos for occ in earlier]  # sorted: ``earlier`` is in transcript order
    previous: Occurrence | None = None
    for (pos, turn_index, text), verdict in zip(evidence.people, evidence.verdicts, strict=True):
        pasted, words = verdict.pasted, verdict.reports
        if verdict.again and not pasted and len(text.split()) <= _SHORT_AGAIN:
            at = bisect_left(earlier_pos, pos) - 1
            before = earlier[at] if at >= 0 else None
            if previous is None or (before is not None and before.pos > previous.pos):
                previous = before
            if previous is not None:
                yield replace(previous, pos=pos, turn=turn_index, reopened=True)
                continue
        for line in (*pasted, *words):
            occ = Occurrence(pos, turn_index, "user", "reported", clip(line, TEXT_LIMIT), group_key("user", "", line))
            previous = occ
            yield occ


def _stated_errors(transcript: Transcript, evidence: Evidence) -> Iterator[Occurrence]:
    """Failures the assistant states plainly in its last replies, after the last person message."""
    last_person = evidence.people[-1][1] if evidence.people else -1
    replies = [t for t in transcript.turns if t.role == "assistant" and t.index > last_person and t.text.strip()]
    for turn in replies[-_LAST_REPLIES:]:
        for sentence in assistant_failures(turn.text):
            line = clip(sentence, TEXT_LIMIT)
            yield Occurrence(evidence.turn_pos.get(turn.index, 0), turn.index, "assistant", "stated", line,
                             group_key("assistant", "", line))
