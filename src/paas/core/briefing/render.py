"""From facts to prioritised briefing items: what each section says and what is cut first.

Design: every line a briefing can hold becomes an ``Item`` with a priority; ``budget.fit``
keeps the best that fit. The priorities encode one judgement, in this order:

* never cut: the latest request (verbatim), what the user typed after it, unresolved errors,
  edited files, the next step;
* then what a successor most needs to not redo or break things: the in-progress/blocked state,
  commits, the goal, the user's constraints, test results, the assistant's unanswered question,
  carried-over open items, errors with an unverified fix, files the user named;
* then context: open items, identifiers the user typed, decisions, commands, files read,
  resolved errors, the assistant's code spans and mentions, its status markers.

Within a category, later evidence ranks higher (``recency``), and any text naming a term past
briefings named (``past_terms``) gains salience. Texts are quoted verbatim from facts; the only
words this module adds are labels ("done:", "unresolved:") and turn citations ("turn 12").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from paas.core.briefing.budget import Item
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.previous import Carried
from paas.core.briefing.text import clip, words

NEVER = 1000.0


class Salience:
    """Recency and past-terms boosts for one transcript."""

    def __init__(self, turn_count: int, past_terms: dict[str, int]) -> None:
        self.span = max(turn_count - 1, 1)
        self.words: dict[str, float] = {}  # plain words, matched as words
        self.others: list[tuple[str, float]] = []  # anything else (config.py, NEEDLE-1, two words): substring
        for term, count in past_terms.items():
            if not isinstance(term, str) or not term.strip() or not isinstance(count, int) or count <= 0:
                continue
            boost = min(6.0, 2.0 + math.log2(1 + count))
            key = term.strip().lower()
            if key.isalpha() and len(key) >= 3:
                self.words[key] = max(boost, self.words.get(key, 0.0))
            else:
                self.others.append((key, boost))

    def recency(self, turn: int) -> float:
        return max(0.0, min(1.0, turn / self.span))

    def past(self, text: str) -> float:
        """The boost of the most-used past term ``text`` names (0 when none)."""
        if not self.words and not self.others:
            return 0.0
        lowered = text.lower()
        best = max((self.words.get(w, 0.0) for w in words(lowered)), default=0.0)
        for term, boost in self.others:
            if boost > best and term in lowered:
                best = boost
        return best


def code(text: str) -> str:
    """``text`` as a Markdown code span (double backticks when it holds a backtick)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def turn_ref(turn: int) -> str:
    return f"turn {turn}"


def items_for(facts: Facts, carried: Carried, salience: Salience, compact: bool = False) -> list[Item]:
    """Every item the briefing could show; ``compact`` (small budgets) shortens commit messages."""
    out: list[Item] = []
    out += _request_items(facts)
    out += _goal_items(facts, salience)
    out += _constraint_items(facts, carried, salience)
    out += _state_items(facts, carried, salience, 28 if compact else 48)
    out += _file_items(facts, salience)
    out += _error_items(facts, salience)
    out += _decision_items(facts, salience)
    out += _open_items(facts, carried, salience)
    out.append(Item("Next step", next_step(facts, carried), NEVER, category=None, never_cut=True))
    out += _anchor_items(facts, salience)
    return out


def _request_items(facts: Facts) -> list[Item]:
    request = facts.latest_request
    if request is None:
        return [Item("Latest request", "(no user request in the transcript)", NEVER, raw=True, never_cut=True)]
    items = [Item("Latest request", quote(request.text), NEVER, category="request", turn=request.turn, raw=True,
                  never_cut=True, order=1)]
    items.append(Item("Latest request", f"\n(verbatim, {turn_ref(request.turn)})", NEVER, raw=True, never_cut=True,
                      order=1.5))
    if facts.request_context is not None:
        context = facts.request_context
        items.append(Item("Latest request", f"In reply to the assistant ({turn_ref(context.turn)}): "
                          f"\"{context.text}\"", 95, raw=True, order=2))
    if facts.later_inputs:
        typed = ", ".join(f"{code(f.text)} ({turn_ref(f.turn)})" for f in facts.later_inputs[-4:])
        items.append(Item("Latest request", f"Typed afterwards: {typed}", NEVER, raw=True, never_cut=True, order=3))
    return items


def quote(text: str) -> str:
    """``text`` verbatim in a fenced block (longer fence than any backtick run inside it)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.strip(chr(10))}\n{fence}"


def _goal_items(facts: Facts, salience: Salience) -> list[Item]:
    goal = facts.goal
    if goal is None:
        return []
    items = []
    if goal.source == "title":
        items.append(Item("Goal", f"Session title: \"{goal.text}\"", 87, category="goal", turn=None))
        return items
    label = f"First request ({turn_ref(goal.turn)}): "
    items.append(Item("Goal", label + quote_inline(goal.text), 85 + salience.past(goal.text), category="goal"))
    if goal.detail:
        items.append(Item("Goal", f"Session title: \"{clip(goal.detail, 160)}\"", 70, order=1))
    return items


def quote_inline(text: str) -> str:
    return "\"" + " ".join(text.split()) + "\""


def _constraint_items(facts: Facts, carried: Carried, salience: Salience) -> list[Item]:
    items = []
    # Strong rules that name something exact ("never touch config/prod.yml") outrank commits: the
    # repository's history shows commits again, nothing shows a successor the user's rules.
    specific = _top_keys((f for f in facts.constraints if f.score >= 1.5), SPECIFIC_CONSTRAINT_TOP)
    for fact in facts.constraints:
        band = 90.0 if fact.key in specific else 78.0
        priority = band + 1.5 * fact.score + 3 * salience.recency(fact.turn) + salience.past(fact.text)
        items.append(Item("Constraints", f"{fact.text} ({turn_ref(fact.turn)})", priority, category="constraint",
                          turn=fact.turn, order=fact.turn))
    for text in carried.constraints:
        items.append(Item("Constraints", f"{text} (carried over)", 74 + salience.past(text), order=-1))
    return items


def _state_items(facts: Facts, carried: Carried, salience: Salience, message_chars: int) -> list[Item]:
    items: list[Item] = []
    request = facts.latest_request
    if request is not None:
        items.append(Item("State", in_progress(facts), 92, order=0))
    unresolved = facts.unresolved_errors
    if unresolved:
        latest = max(f.turn for f in unresolved)
        items.append(Item("State", f"blocked: unresolved errors, latest at {turn_ref(latest)} (see Errors)", 91,
                          order=1))
    for fact in facts.commits:
        if fact.key in carried.done_keys:
            continue
        message = fact.text.split("` ", 1)[-1] if fact.text.startswith("`") and "` " in fact.text else ""
        text = f"{code(fact.key)} {clip(message, message_chars)}".rstrip()
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
            fact = Fact(fact.category, fact.text, fact.turn, fact.status, fact.key, old.first_turn,
                        old.count + fact.count, fact.source, fact.detail)
        merged[fact.text] = fact
    for fact in merged.values():
        count = f" ×{fact.count}" if fact.count > 1 else ""
        exit_note = f"{fact.detail}, " if fact.detail else ""
        text = f"ran {code(fact.text)} ({exit_note}{turn_ref(fact.turn)}{count})"
        failed = 4 if fact.status == "failed" else 0
        priority = 64 + 8 * salience.recency(fact.turn) + failed + salience.past(fact.text)
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


_FILE_GROUPS = {
    "edited": ("edited", None),
    "created": ("edited", None),
    "edit failed": ("edited", None),
    "read": ("read", 50.0),
}


USER_PATH_TOP = 5  # paths the user named in prose that rank with specific constraints; the rest rank lower
USER_ANCHOR_TOP = 3  # identifier-like tokens the user typed that rank with specific constraints
SPECIFIC_CONSTRAINT_TOP = 5
RECENT_TESTS = 3  # test commands whose latest result ranks high; older ones are history


def _top_keys(facts: Iterable[Fact], limit: int) -> set[str]:
    ranked = sorted(facts, key=lambda f: (f.score, f.turn), reverse=True)
    return {f.key for f in ranked[:limit]}


def _file_items(facts: Facts, salience: Salience) -> list[Item]:
    items = []
    user_top = _top_keys((f for f in facts.files if f.status == "mentioned" and f.source == "user"), USER_PATH_TOP)
    for fact in facts.files:
        if fact.status in ("edited", "created", "edit failed"):
            note = {"created": " (new)", "edit failed": " (edit failed)"}.get(fact.status, "")
            items.append(Item("Files", code(fact.text) + note, NEVER, category="file", group="edited",
                              turn=fact.turn, order=1 + fact.first_turn / 1e6, never_cut=True))
        elif fact.status == "read":
            priority = 46 + 6 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Files", code(fact.text), priority, category="file", group="read", turn=fact.turn,
                              order=2 + fact.first_turn / 1e6))
        elif fact.source == "user":
            base = 89.0 if fact.key in user_top else 66.0
            priority = base + 2 * fact.score + 3 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Files", code(fact.text), priority, category="file", group="named by the user",
                              turn=fact.turn, order=3 + fact.first_turn / 1e6))
        else:
            priority = 34 + 6 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Files", code(fact.text), priority, category="file", group="mentioned by the assistant",
                              turn=fact.turn, order=4 + fact.first_turn / 1e6))
    return items


def _error_items(facts: Facts, salience: Salience) -> list[Item]:
    items = []
    for fact in facts.errors:
        count = f" ×{fact.count}" if fact.count > 1 else ""
        detail = f"; {fact.detail}" if fact.detail else ""
        cite = f"({turn_ref(fact.turn)}{count}{detail})"
        if fact.status == "unresolved":
            items.append(Item("Errors", f"unresolved: {fact.text} {cite}", NEVER, category="error", turn=fact.turn,
                              never_cut=True, order=fact.turn))
        elif fact.status == "attempted":
            priority = 72 + 4 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Errors", f"fix offered, not confirmed: {fact.text} {cite}", priority,
                              category="error", turn=fact.turn, order=1e6 + fact.turn))
        else:
            priority = 58 + 6 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Errors", f"resolved: {fact.text} {cite}", priority, category="error",
                              turn=fact.turn, order=2e6 + fact.turn))
    return items


def _decision_items(facts: Facts, salience: Salience) -> list[Item]:
    items = []
    for fact in facts.decisions:
        who = "user" if fact.source == "user" else "assistant"
        priority = 52 + 6 * fact.score + 8 * salience.recency(fact.turn) + salience.past(fact.text)
        items.append(Item("Decisions", f"{fact.text} ({turn_ref(fact.turn)}, {who})", priority, category="decision",
                          turn=fact.turn, order=fact.turn))
    return items


def _open_items(facts: Facts, carried: Carried, salience: Salience) -> list[Item]:
    items = []
    for text in carried.still_open:
        items.append(Item("Open items", f"[ ] {text} (carried over)", 78 + salience.past(text), category=None,
                          order=-1))
    for fact in facts.open_items:
        if fact.key in carried.done_keys:
            continue
        if fact.status == "asked":
            text = f"[ ] the assistant asked, no answer yet ({turn_ref(fact.turn)}): \"{fact.text}\""
            priority = 82.0
        else:
            text = f"[ ] {fact.text} ({turn_ref(fact.turn)})"
            base = {"next": 60, "unchecked": 58, "todo": 56}.get(fact.status, 55)
            priority = base + 10 * salience.recency(fact.turn) + salience.past(fact.text)
        items.append(Item("Open items", text, priority, category="open_item", turn=fact.turn, order=fact.turn))
    return items


def _anchor_items(facts: Facts, salience: Salience) -> list[Item]:
    shown = {f.text for f in facts.files} | {f.key for f in facts.commits}
    request_text = facts.latest_request.text if facts.latest_request else ""
    offered = [f for f in facts.anchors if f.text not in shown and f.text not in request_text]
    # The user's most identifier-like tokens (ids, keys, tickets, versions) rank with constraints:
    # nothing else in the repository would let a successor reconstruct them.
    top = _top_keys((f for f in offered if f.source == "user" and f.score >= 5.0), USER_ANCHOR_TOP)
    items = []
    for fact in offered:
        if fact.key in top:
            priority = 90 + 2 * salience.recency(fact.turn) + 2 * salience.past(fact.text)
        else:
            priority = 40 + 6 * min(fact.score, 6.0) + 4 * salience.recency(fact.turn) + 2 * salience.past(fact.text)
        items.append(Item("Anchor index", code(fact.text), priority, category="anchor", group="anchors",
                          turn=fact.turn, order=fact.first_turn))
    return items


def next_step(facts: Facts, carried: Carried) -> str:
    request = facts.latest_request
    unresolved = facts.unresolved_errors
    if unresolved:
        latest = max(unresolved, key=lambda f: f.turn)
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
        return (f"Check with the user that the latest request ({turn_ref(request.turn)}) is complete "
                f"(last assistant reply: {turn_ref(facts.last_assistant_turn)}), then take the next task.")
    return "Ask the user what to work on."
