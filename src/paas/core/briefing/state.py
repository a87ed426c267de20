"""Where it stands, and the next step: the latest request, what was done for it, its result, what is left.

Design: nothing here is inferred beyond the evidence. The "since the latest request" line
lists what the harness logged after it (edits, commits, test runs, commands); the result is
the assistant's last report, quoted as a digest, never a claim that the work is finished;
interruptions (``[Request interrupted by user]``, ``^C``, ``/undo`` and the commit it took
back) and refusals (a command or new file the person declined) are stated as such. A request
made of numbered or bulleted parts is listed part by part, each with the files edited since
that name it. Commits an ``/undo`` removed are shown as undone, never as done.

The next step is chosen from where the work stopped, in order: a request nobody answered yet;
an interruption or undo after the last reply; a failure still standing after the last edit;
the assistant's closing question; what the person declined; the agent's own plan (in
progress, then pending); a command the assistant's last report asks to run; what the
assistant said it would do next; an open item carried over; else confirm the latest request
with the user, quoting the assistant's last report. Each choice quotes its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from paas.core.briefing import priorities as P
from paas.core.briefing.budget import Item
from paas.core.briefing.digest import summarise_pastes
from paas.core.briefing.failures import is_pre_existing
from paas.core.briefing.file_ops import shown_command
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.paths import distinct_tails
from paas.core.briefing.previous import Carried
from paas.core.briefing.prose_errors import confirmation
from paas.core.briefing.salience import NEVER, Salience, turn_ref
from paas.core.briefing.text import clip, code, looks_like_code

RECENT_TESTS = 3  # test commands whose latest result ranks high; older ones are history
COMPACT_COMMIT_MESSAGES = 2  # small budgets: only the newest commits keep (a clip of) their message
COMMIT_MESSAGES = 5  # otherwise the newest five; older commits are listed by sha (``git log`` has the rest)
MAX_PARTS = 8
SHORT_REQUEST_CHARS = 300
PROBE_PENALTY = 12.0  # a look around (ls, wc, pwd) ranks below the commands that did or checked something
_LOOK_RE = re.compile(r"^(?:ls|wc|pwd|echo|tree|stat|file|du|df|which|type|clear)\b")
_PART_RE = re.compile(r"^[ \t]*(?:\d{1,2}[.)]|[-*•]|\(\w\))[ \t]+(\S.{3,})$", re.MULTILINE)
_KEY_VALUE_RE = re.compile(r"[\w.-]+:\s")  # "- name: Run tests": a pasted YAML list item, not a part of the request

def short_sha(fact: Fact) -> str:
    return fact.key[:7]


def state_items(facts: Facts, carried: Carried, salience: Salience, compact: bool = False,
                step: str = "") -> list[Item]:
    """The "Where it stands" section: progress since the request, result, interruptions, history."""
    items: list[Item] = []
    request = facts.latest_request
    undone = {f.key for f in facts.interruptions if f.status == "undone"}
    if request is not None:
        # never cut at roomy budgets; at small ones (and in line mode) only the first thing after them
        items.append(Item("Where it stands", in_progress(facts), P.SINCE_REQUEST_COMPACT if compact else NEVER,
                          never_cut=not compact, order=0))
        items += _parts(facts, request)
    check = verification(facts)
    if check:
        items.append(Item("Where it stands", check, P.VERIFICATION, category=None, order=1.5))
    report = facts.last_report
    if report is not None:
        text = clip(report.text, 240 if compact else 480)
        items.append(Item("Where it stands", f"the assistant's last report ({turn_ref(report.turn)}): \"{text}\"",
                          P.LAST_REPORT, category="report", turn=report.turn, order=2))
    for fact in facts.interruptions:
        if request is not None and fact.turn < request.turn and fact.status != "undone":
            continue
        if fact.status == "undone":
            text = f"undone by `/undo` ({turn_ref(fact.turn)}): {code(fact.detail[:7])} {clip(fact.text, 60)}"
        elif fact.status == "undo":
            continue
        else:
            text = f"interrupted ({turn_ref(fact.turn)}): {fact.text}"
        items.append(Item("Where it stands", text, P.INTERRUPTION + salience.recency(fact.turn),
                          category="interruption", turn=fact.turn, order=3 + fact.turn / 1e6))
    for fact in facts.refusals:  # ``step``: the next step's text, when the caller has it
        if code(fact.text) in step:
            continue  # the next step names what was declined: once is enough
        # a command declined before the current request is history; a declined new file may still be missing
        before = request is not None and fact.turn < request.turn and fact.status in ("command", "tool use")
        priority = (P.REFUSAL_EARLIER if before else P.REFUSAL) + 3 * salience.recency(fact.turn)
        items.append(Item("Where it stands", code(fact.text), priority,
                          category="refusal", group=f"declined by the user ({fact.status})", turn=fact.turn,
                          order=4 + fact.turn / 1e6, separator="; "))
    done_plan = [f for f in facts.plan if f.status == "completed"]
    for fact in done_plan:
        items.append(Item("Where it stands", fact.text, P.PLAN_DONE, category="plan", group="done (the agent's plan)",
                          turn=fact.turn, order=5 + fact.score / 1e3, separator="; "))
    commits = [f for f in facts.commits if f.key not in carried.done_keys]
    for rank, fact in enumerate(reversed(commits)):
        message = fact.text.split("` ", 1)[-1] if fact.text.startswith("`") and "` " in fact.text else ""
        if rank >= (COMPACT_COMMIT_MESSAGES if compact else COMMIT_MESSAGES):
            message = ""
        gone = short_sha(fact) in undone
        text = f"{code(fact.key)} {clip(message, 28 if compact else 60)}".rstrip() + (" (undone)" if gone else "")
        # a sha costs a few tokens and lets a successor read the rest in git: kept whole above small budgets
        if compact:
            priority = P.COMMIT_COMPACT + 4 * salience.recency(fact.turn)
        else:  # the newest few with their message; older ones by sha, fading with age (no raw commit flood)
            priority = (P.COMMIT_RECENT + salience.recency(fact.turn) if rank < COMMIT_MESSAGES
                        else P.COMMIT_OLDER - 0.1 * rank)
        priority += salience.past(fact.text)
        items.append(Item("Where it stands", text, priority, category="commit", group="commits", turn=fact.turn,
                          order=10 + fact.turn / 1e6, separator="; "))
    latest_tests = _latest_per_key(facts.tests)
    before_work = pre_existing_failures(facts)
    recent_tests = {f.key for f in sorted(latest_tests, key=lambda f: f.turn)[-RECENT_TESTS:]}
    for fact in latest_tests:
        label = {"failed": "tests failing", "passed": "tests passed"}.get(fact.status, "test run")
        if fact.status == "failed" and fact.text in before_work:
            label = "failing before this work"
        subject = f"{code(clip(shown_command(fact.detail), 60))}: " if fact.detail and fact.source == "tool" else ""
        text = f"{label}: {subject}{fact.text} ({turn_ref(fact.turn)})"
        if fact.source == "user":
            text += ", pasted by the user"
        base = ((P.TEST_FAILED if fact.status == "failed" else P.TEST_PASSED) if fact.key in recent_tests
                else P.TEST_OLDER)
        priority = base + 3 * salience.recency(fact.turn) + salience.past(fact.text)
        items.append(Item("Where it stands", text, priority, category="test", turn=fact.turn,
                          order=20 + fact.turn / 1e6))
    for text, evidence in carried.now_done:
        items.append(Item("Where it stands", f"done: {text} (carried over) — {evidence}", P.CARRIED_DONE, order=15))
    items += _command_items(facts, salience)
    return items


PROBE_RE = re.compile(r"^(?:ls|cat|tail|head|less|grep|rg|find|echo|pwd|wc|which|type|cd|tree|stat|file|du|df|"
                       r"sed -n|awk|git (?:status|diff|log|show|branch|add|commit|push|pull|checkout|stash|init)|open|"
                       r"code|clear|mkdir|cp|mv|rm|chmod|touch|ln)\b")


def verification(facts: Facts) -> str:
    """Whether the last edit was checked: the commands run after it (probes such as ``ls`` or
    ``tail`` are not checks) and how they ended."""
    last_edit = max([f.turn for f in facts.edited_files] + list(facts.edit_turns), default=-1)
    if last_edit < 0:
        return ""
    after = [f for f in facts.commands if f.turn > last_edit and not PROBE_RE.match(f.key)]
    refused = [f for f in facts.refusals if f.turn >= last_edit and f.status == "command"]
    confirmed = next((f for f in facts.messages if f.turn > last_edit and confirmation(f.text) == "strong"), None)
    if confirmed is not None and not [f for f in after if f.status == "failed"]:
        return f"confirmed by the user ({turn_ref(confirmed.turn)}): \"{clip(confirmed.text, 80)}\""
    if not after:
        declined = f"; the user declined {code(clip(refused[0].text, 60))}" if refused else ""
        return f"not verified: no command was run after the last edit ({turn_ref(last_edit)}){declined}"
    failed = [f for f in after if f.status == "failed"]
    if failed:
        return (f"checked after the last edit: {code(clip(shown_command(failed[-1].text), 60))} failed "
                f"({turn_ref(failed[-1].turn)})")
    last = after[-1]
    return f"checked after the last edit: {code(clip(shown_command(last.text), 60))} ran ({turn_ref(last.turn)})"


def pre_existing_failures(facts: Facts) -> set[str]:
    """The texts of failures the assistant says predate this work (a test summary among them is not
    this work's result)."""
    return {f.text for f in facts.errors if is_pre_existing(f)}


def _command_items(facts: Facts, salience: Salience) -> list[Item]:
    """Commands as one inline list, newest first in rank: history, never a flood."""
    merged: dict[str, Fact] = {}
    for fact in facts.commands:
        old = merged.pop(fact.text, None)
        if old is not None:
            fact = replace(fact, first_turn=old.first_turn, count=old.count + fact.count)
        merged[fact.text] = fact
    items = []
    for fact in merged.values():
        failed = 4 if fact.status == "failed" else 0
        probe = PROBE_PENALTY if _LOOK_RE.match(fact.key) and fact.status != "failed" else 0.0
        priority = P.COMMAND + 10 * salience.recency(fact.turn) + failed - probe + salience.past(fact.text)
        note = " (failed)" if fact.status == "failed" else ""
        count = f" ×{fact.count}" if fact.count > 1 else ""
        items.append(Item("Where it stands", code(clip(shown_command(fact.text), 48)) + note + count, priority,
                          category="command", group="commands run", turn=fact.turn, order=40 + fact.turn / 1e6,
                          separator="; "))
    return items


def _parts(facts: Facts, request: Fact) -> list[Item]:
    """The parts of a multi-part request, each with the files edited since that it names."""
    prose = summarise_pastes(request.text)  # list items inside pasted code are not parts of the request
    parts = [m.group(1).strip() for m in _PART_RE.finditer(prose)
             if not looks_like_code(m.group(1)) and not _KEY_VALUE_RE.match(m.group(1))]
    parts = parts[:MAX_PARTS + 1]
    if len(parts) < 2:
        return []
    edited = [f for f in facts.edited_files if f.turn > request.turn]
    lines = []
    for number, part in enumerate(parts[:MAX_PARTS], 1):
        lowered = part.lower()
        touched = [f for f in edited if _basename(f.text).lower() in lowered or _stem(f.text) in lowered]
        evidence = f" — edited {', '.join(code(_basename(f.text)) for f in touched[:3])}" if touched else ""
        lines.append(f"#{number} {clip(part, 70)}{evidence}")
    if len(prose) < SHORT_REQUEST_CHARS and not any(" — edited " in line for line in lines):
        return []  # the request is quoted whole above: its parts again, with nothing to add, repeat it
    more = f" (+{len(parts) - MAX_PARTS} more)" if len(parts) > MAX_PARTS else ""
    text = f"the request has {len(parts)} parts{more}: " + "; ".join(lines)
    return [Item("Where it stands", text, P.MULTI_PART, category=None, order=1)]


def _stem(path: str) -> str:
    name = _basename(path).lower()
    stem = name.rsplit(".", 1)[0]
    return stem if len(stem) >= 4 else "\x00"


def _latest_per_key(facts: Iterable[Fact]) -> list[Fact]:
    latest: dict[str, Fact] = {}
    for fact in facts:
        latest[fact.key] = fact
    return list(latest.values())


def _basename(path: str) -> str:
    return re.split(r"[/\\]", path.rstrip("/\\"))[-1] or path


_TEST_SAID = {"failed": "tests failing", "passed": "tests passed"}


def in_progress(facts: Facts) -> str:
    request = facts.latest_request
    assert request is not None
    after = request.turn
    if facts.last_assistant_turn <= after:
        return f"the latest request ({turn_ref(after)}) has no reply yet"
    edited = [f for f in facts.edited_files if f.turn > after]
    deleted = [f for f in facts.files if f.status == "deleted" and f.turn > after]
    renamed = [f for f in facts.files if f.status == "renamed" and f.turn > after]
    commits = [f for f in facts.commits if f.turn > after]
    evidence: list[str] = []
    unnamed = [t for t in facts.edit_turns if t > after]
    if edited:
        everything = [f.text for f in facts.edited_files][-200:]  # the session's names, bounded
        shown = list(zip(edited[:5], distinct_tails([f.text for f in edited[:5]], everything), strict=True))
        more = ", …" if len(edited) > 5 else ""
        for verb, new in (("created", True), ("edited", False)):
            # created since the request: a file new in the session but made before it was only edited now
            names = [code(name) for fact, name in shown
                     if (fact.status == "created" and fact.first_turn > after) == new]
            if names:
                evidence.append(f"{verb} {', '.join(names)}" + (more if not new else ""))
    elif unnamed:  # the export logged the edits without their paths
        plural = "s" if len(unnamed) != 1 else ""
        span = turn_ref(unnamed[0]) if unnamed[0] == unnamed[-1] else f"turns {unnamed[0]}–{unnamed[-1]}"
        evidence.append(f"{len(unnamed)} edit{plural} applied ({span}; the export logs them without their paths)")
    if deleted:
        evidence.append("deleted " + ", ".join(code(_basename(f.text)) for f in deleted[:3]))
    if renamed:
        evidence.append("renamed " + ", ".join(code(f.text.split(" → ")[0]) for f in renamed[:3]))
    if commits:
        evidence.append(f"committed {code(commits[-1].key)}")
    tests = [f for f in facts.tests if f.turn > after]
    if tests:
        said = _TEST_SAID.get(tests[-1].status, "a test run without a summary")
        if tests[-1].text in pre_existing_failures(facts):
            said = "only pre-existing check failures"
        evidence.append(f"{said} ({turn_ref(tests[-1].turn)})")
    ran = [f for f in facts.commands if f.turn > after]
    if ran:
        failed = sum(1 for f in ran if f.status == "failed")
        plural = "s" if len(ran) != 1 else ""
        if not failed:
            outcome = ""
        elif ran[-1].status == "failed":
            outcome = ", the last one failing"
        else:  # a failure the agent went past: not a standing one (the Errors section says which)
            outcome = f", {failed} failed along the way"
        evidence.append(f"{len(ran)} command{plural} run{outcome}")
    if not evidence:
        return (f"since the latest request ({turn_ref(after)}): answered in words "
                f"({turn_ref(facts.last_assistant_turn)}), no edits or commands since")
    return f"since the latest request ({turn_ref(after)}): {'; '.join(evidence)}"
