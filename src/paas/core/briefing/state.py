"""The State section and the Next step: done, in progress, blocked, and what to do next.

Design: nothing here is inferred beyond the evidence. "done" lines are commits, test runs that
passed and carried-over items the transcript closed; "in progress" is always the latest
request, with what happened since it (edits, a commit, a test run) as evidence, never a claim
that it is finished; "blocked" points at unresolved errors. The next step is chosen in order:
fix the latest unresolved error; carry out a request nobody answered yet; get the user's answer
to the assistant's last question; continue what the assistant said it would do next; pick up a
carried-over item; else check with the user that the latest request is complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from paas.core.briefing.budget import Item
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.previous import Carried
from paas.core.briefing.ranking import Salience, turn_ref
from paas.core.briefing.text import clip, code

RECENT_TESTS = 3  # test commands whose latest result ranks high; older ones are history
COMPACT_COMMIT_MESSAGES = 2  # small budgets: only the newest commits keep (a clip of) their message


def state_items(facts: Facts, carried: Carried, salience: Salience, compact: bool = False) -> list[Item]:
    """State lines. ``compact`` (small budgets): commits and commands become short inline lists
    (older commits by sha only) that outrank the in-progress prose, which repeats other sections."""
    items: list[Item] = []
    request = facts.latest_request
    if request is not None:
        items.append(Item("State", in_progress(facts), 78 if compact else 92, order=0))
    unresolved = facts.unresolved_errors
    if unresolved:
        latest = max(f.turn for f in unresolved)
        items.append(Item("State", f"blocked: unresolved errors, latest at {turn_ref(latest)} (see Errors)",
                          70 if compact else 91, order=1))
    commits = [f for f in facts.commits if f.key not in carried.done_keys]
    for rank, fact in enumerate(reversed(commits)):
        message = fact.text.split("` ", 1)[-1] if fact.text.startswith("`") and "` " in fact.text else ""
        if compact and rank >= COMPACT_COMMIT_MESSAGES:
            message = ""
        text = f"{code(fact.key)} {clip(message, 28 if compact else 48)}".rstrip()
        priority = 85.5 + 4 * salience.recency(fact.turn) + salience.past(fact.text)
        items.append(Item("State", text, priority, category="commit", group="done, commits", turn=fact.turn,
                          order=10 + fact.turn / 1e6, separator="; "))
    latest_tests = _latest_per_key(facts.tests)
    recent_tests = {f.key for f in sorted(latest_tests, key=lambda f: f.turn)[-RECENT_TESTS:]}
    for fact in latest_tests:
        label = {"failed": "tests failing", "passed": "tests passed"}.get(fact.status, "test run")
        subject = f"{code(fact.detail)}: " if fact.detail and fact.source == "tool" else ""
        text = f"{label}: {subject}{fact.text} ({turn_ref(fact.turn)})"
        if fact.source == "user":
            text += ", pasted by the user"
        base = (84 if fact.status == "failed" else 80) if fact.key in recent_tests else 50
        priority = base + 3 * salience.recency(fact.turn) + salience.past(fact.text)
        items.append(Item("State", text, priority, category="test", turn=fact.turn, order=20 + fact.turn / 1e6))
    for text, evidence in carried.now_done:
        items.append(Item("State", f"done: {text} (carried over) — {evidence}", 72, order=15))
    merged: dict[str, Fact] = {}  # commands that read the same once clipped: one line, latest run
    for fact in facts.commands:
        old = merged.pop(fact.text, None)
        if old is not None:
            fact = replace(fact, first_turn=old.first_turn, count=old.count + fact.count)
        merged[fact.text] = fact
    for fact in merged.values():
        failed = 4 if fact.status == "failed" else 0
        priority = 74 + 6 * salience.recency(fact.turn) + failed + salience.past(fact.text)
        if compact:
            note = f" ({fact.detail})" if fact.status == "failed" and fact.detail else ""
            items.append(Item("State", code(clip(fact.text, 48)) + note, priority + 6, category="command",
                              group="commands run", turn=fact.turn, order=40 + fact.turn / 1e6, separator="; "))
            continue
        count = f" ×{fact.count}" if fact.count > 1 else ""
        exit_note = f"{fact.detail}, " if fact.detail else ""
        text = f"ran {code(fact.text)} ({exit_note}{turn_ref(fact.turn)}{count})"
        items.append(Item("State", text, priority, category="command", turn=fact.turn, order=40 + fact.turn / 1e6))
    for fact in facts.markers:
        items.append(Item("State", f"assistant marked ({turn_ref(fact.turn)}): {fact.text}",
                          28 + 4 * salience.recency(fact.turn), category="marker", order=70 + fact.turn / 1e6))
    return items


def _latest_per_key(facts: Iterable[Fact]) -> list[Fact]:
    latest: dict[str, Fact] = {}
    for fact in facts:
        latest[fact.key] = fact
    return list(latest.values())


def _basename(path: str) -> str:
    return re.split(r"[/\\]", path.rstrip("/\\"))[-1] or path


def in_progress(facts: Facts) -> str:
    request = facts.latest_request
    assert request is not None
    after = request.turn
    if facts.last_assistant_turn <= after:
        return f"in progress: the latest request ({turn_ref(after)}), no reply yet"
    edited = [f for f in facts.edited_files if f.turn > after]
    commits = [f for f in facts.commits if f.turn > after]
    evidence: list[str] = []
    if edited:
        names = ", ".join(code(_basename(f.text)) for f in edited[:4]) + (", …" if len(edited) > 4 else "")
        evidence.append(f"edited {names}")
    if commits:
        evidence.append(f"committed {code(commits[-1].key)}")
    tests = [f for f in facts.tests if f.turn > after]
    if tests:
        evidence.append(f"tests {'failing' if tests[-1].status == 'failed' else 'passed'} ({turn_ref(tests[-1].turn)})")
    if not evidence:
        return (f"in progress: the latest request ({turn_ref(after)}); answered in words "
                f"({turn_ref(facts.last_assistant_turn)}), no edits since")
    return f"in progress: the latest request ({turn_ref(after)}); since then {'; '.join(evidence)}"


def next_step(facts: Facts, carried: Carried, compact: bool = False) -> str:
    request = facts.latest_request
    unresolved = facts.unresolved_errors
    if unresolved:
        latest = max(unresolved, key=lambda f: f.turn)
        if compact:
            return f"Fix the error of {turn_ref(latest.turn)} (see Errors)."
        return f"Fix the unresolved error from {turn_ref(latest.turn)} first (see Errors), then re-check it."
    if request is not None and facts.last_assistant_turn <= request.turn:
        return f"Carry out the latest request ({turn_ref(request.turn)}): nothing has been done for it yet."
    asked = [f for f in facts.open_items if f.status == "asked"]
    if asked:
        return f"Get the user's answer to the assistant's question ({turn_ref(asked[-1].turn)}): \"{asked[-1].text}\""
    upcoming = [f for f in facts.open_items if f.status == "next" and f.source == "assistant"
                and facts.latest_request is not None and f.turn > facts.latest_request.turn]
    if upcoming:
        return f"Continue where the assistant left off ({turn_ref(upcoming[-1].turn)}): \"{upcoming[-1].text}\""
    if carried.still_open:
        return f"Pick up the open item carried over: {carried.still_open[0]}"
    if request is not None:
        return f"Check with the user that the latest request ({turn_ref(request.turn)}) is complete, then go on."
    return "Ask the user what to work on."
