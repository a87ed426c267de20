"""From facts to prioritised briefing items: what each section says and what is cut first.

Design: every line a briefing can hold becomes an ``Item`` with a priority; ``budget.fit``
keeps the best that fit, item by item. The bands encode one judgement: what a successor could
not recover from the repository (what the user asked and insisted on, where the work stopped,
what is broken) outranks what it could (``git log``), and what is current outranks history.

The bands and every starting value are one table, ``priorities`` (read as ``P.NAME``): never
cut, then 90+ (the ask, where the work stopped, the strongest rules), 80-90 (what changed the
work, recent results, the user's other rules), 55-80 (history that still helps), and below
(what the repository or a search tells as well).

Within a band, later evidence ranks higher (``recency``) and a text naming a term past
briefings named (``past_terms``) gains up to 6 points. Texts are quoted from facts (user
messages and reports as digests: pastes summarised as what they are); the only words added
are labels ("done:", "unresolved:") and citations ("turn 12").
"""

from __future__ import annotations

import re

from paas.core.briefing import priorities as P
from paas.core.briefing.agent_rules import RULES_FILE
from paas.core.briefing.anchors import CODE_SPAN_RE, DOUBLE_SPAN_RE
from paas.core.briefing.budget import Item
from paas.core.briefing.digest import balanced_spans
from paas.core.briefing.failures import error_label, is_pre_existing, open_errors
from paas.core.briefing.files import current_since
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.next_step import next_step
from paas.core.briefing.paths import file_name, tail
from paas.core.briefing.previous import Carried
from paas.core.briefing.render_ask import goal_items, quote_inline, request_items
from paas.core.briefing.salience import NEVER, Salience, few_per_turn, top_keys, turn_ref
from paas.core.briefing.state import state_items
from paas.core.briefing.text import clip, code, normalise


def items_for(facts: Facts, carried: Carried, salience: Salience, compact: bool = False) -> list[Item]:
    """Every item the briefing could show; ``compact`` (small budgets) shortens lines and lists."""
    out: list[Item] = []
    out += request_items(facts, compact)
    out += goal_items(facts, salience, compact)
    out += _constraint_items(facts, carried, salience, compact)
    step = next_step(facts, carried, compact)
    out += state_items(facts, carried, salience, compact, step)
    out += _file_items(facts, salience, compact)
    out += _error_items(facts, salience, compact)
    out += _decision_items(facts, salience, compact, said_already=step)
    out += _open_items(facts, carried, salience)
    out += _message_items(facts, salience, compact)
    out.append(Item("Next step", step, NEVER, category=None, never_cut=True))
    out += _anchor_items(facts, salience)
    return out


def _constraint_items(facts: Facts, carried: Carried, salience: Salience, compact: bool) -> list[Item]:
    items = []
    # Strong rules that name something exact ("never touch config/prod.yml") outrank commits: the
    # repository's history shows commits again, nothing shows a successor the user's rules.
    # a spec pasted in one message is not ten rules: the top bands take a few from each turn
    spread = few_per_turn(facts.constraints, RULES_PER_TURN)
    specific = top_keys((f for f in spread if f.score >= 1.5), SPECIFIC_CONSTRAINT_TOP[compact])
    others = top_keys((f for f in spread if f.key not in specific), OTHER_CONSTRAINT_TOP)
    for fact in facts.constraints:
        band = (P.CONSTRAINT_SPECIFIC if fact.key in specific else P.CONSTRAINT_OTHER if fact.key in others
                else P.CONSTRAINT_WEAK)
        priority = band + 4 * min(fact.score, 2.5) + 3 * salience.recency(fact.turn) + salience.past(fact.text)
        where = f"in {code(file_name(fact.detail))}, " if fact.source == RULES_FILE else ""
        items.append(Item("Constraints", f"{balanced_spans(fact.text)} ({where}{turn_ref(fact.turn)})", priority,
                          category="constraint", turn=fact.turn, order=fact.turn))
    for text in carried.constraints:
        items.append(Item("Constraints", f"{text} (carried over)", P.CONSTRAINT_OTHER + salience.past(text), order=-1))
    return items


USER_PATH_TOP = 5  # paths the user named in prose that rank with specific constraints; the rest rank lower
USER_ANCHOR_TOP = 3  # identifier-like tokens the user typed that rank with specific constraints
SPECIFIC_CONSTRAINT_TOP = {False: 5, True: 1}  # small budgets (True): what the files gained and the report next
RULES_PER_TURN = 3
OTHER_CONSTRAINT_TOP = 5  # the other rules that rank with commits; the rest only fill what is left
RULE_REPEATED = 15.0
COMPACT_FILES_NAMED = 6  # small budgets: the latest-touched changed files named, the others counted
COMPACT_FILES_FROM = 4  # small budgets: from this many edited files on, list them grouped by directory


CHANGED = ("created", "edited", "edit failed", "deleted", "renamed")
DECISION_SCORE_CAP = 2.2  # a decision's own score lifts it within the 55-80 band, never above it
NAMES_SHOWN = 5  # names a changed file gained, per file
NAMES_SHOWN_COMPACT = 3
NAMES_DROPPED_SHOWN = 3
FILES_NAMED_WHEN_CAPPED = (24, 12, 6, 3, 1)  # the changed files named by the line's shorter forms
FILES_WITH_ROLES = 8  # up to this many changed files, each gets its own line with status and role
_STATUS_NOTES = {"created": "new", "edit failed": "edit failed", "deleted": "deleted", "renamed": "renamed"}


def _file_items(facts: Facts, salience: Salience, compact: bool) -> list[Item]:
    """Changed files are never cut: one line each with status and role (``detail``) while few, else one
    line grouped by directory; files read, code written for a file, and paths only named rank lower."""
    items = []
    changed = [f for f in facts.files if f.status in CHANGED]
    grouped = compact and len(changed) >= COMPACT_FILES_FROM or len(changed) > FILES_WITH_ROLES
    if changed and grouped:
        named = COMPACT_FILES_NAMED if compact else None
        line = _edited_by_directory(changed, named)
        # shorter forms of the same line, for a never-cut set past its share of the budget (``caps``)
        line.shorter = tuple(_edited_by_directory(changed, fewer).text for fewer in FILES_NAMED_WHEN_CAPPED
                             if fewer < min(named or len(changed), len(changed)))
        items.append(line)
    since = current_since(facts)
    user_top = top_keys((f for f in facts.files if f.status == "mentioned" and f.source == "user" and f.score >= 2.5),
                        USER_PATH_TOP)
    for fact in facts.files:
        if fact.status in CHANGED and (fact.names or fact.dropped):
            items.append(_names_item(fact, salience, since, compact, grouped))
        if fact.status in CHANGED:
            if grouped:
                continue
            items.append(Item("Files", _changed_line(fact, compact), NEVER, category="file",
                              group="changed" if compact else None, turn=fact.turn,
                              order=(0 if fact.turn >= since else 1) + fact.first_turn / 1e6, never_cut=True,
                              rank=fact.turn))
        elif fact.status == "proposed":
            priority = P.FILE_WRITTEN_FOR + 4 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Files", code(fact.text), priority, category="file", group="code written for",
                              turn=fact.turn, order=1.5 + fact.first_turn / 1e6))
        elif fact.status == "read":
            priority = P.FILE_READ + 6 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Files", code(fact.text), priority, category="file", group="read", turn=fact.turn,
                              order=2 + fact.first_turn / 1e6))
        elif fact.source == "user":
            base = P.FILE_USER_TOP if fact.key in user_top else P.FILE_USER
            priority = base + 2 * fact.score + 3 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Files", code(fact.text), priority, category="file", group="named by the user",
                              turn=fact.turn, order=3 + fact.first_turn / 1e6))
        else:
            priority = P.FILE_MENTIONED + 6 * salience.recency(fact.turn) + salience.past(fact.text)
            items.append(Item("Files", code(fact.text), priority, category="file", group="mentioned by the assistant",
                              turn=fact.turn, order=4 + fact.first_turn / 1e6))
    return items


def _names_item(fact: Fact, salience: Salience, since: int, compact: bool, grouped: bool) -> Item:
    """What a changed file gained: the names its edits added and kept (quoted from the edits)."""
    shown = fact.names[:NAMES_SHOWN_COMPACT if compact else NAMES_SHOWN]
    where = tail(fact.text, 2)  # the file and its folder, verbatim
    current = fact.turn >= since
    priority = ((P.FILE_GAINED_CURRENT_COMPACT if current else P.FILE_GAINED_OLDER_COMPACT) if compact
                else (P.FILE_GAINED_CURRENT if current else P.FILE_GAINED_OLDER))
    priority += 6 * salience.recency(fact.turn) + salience.past(" ".join(shown))
    parts = [("gained: " + ", ".join(code(name) for name in shown)) if shown else ""]
    if fact.dropped:
        parts.append("dropped: " + ", ".join(code(name) for name in fact.dropped[:NAMES_DROPPED_SHOWN]))
    return Item("Files", f"{code(where)} " + "; ".join(p for p in parts if p), priority,
                category="file", turn=fact.turn,
                order=(1.1 if grouped else 0 if current else 1) + (fact.first_turn + 0.5) / 1e6)


def _file_text(fact: Fact) -> str:
    if fact.status == "renamed" and " → " in fact.text:
        old, new = fact.text.split(" → ", 1)
        return f"{code(old)} → {code(new)}"
    return code(fact.text)


def _changed_line(fact: Fact, compact: bool) -> str:
    note = _STATUS_NOTES.get(fact.status, "")
    if compact:
        return _file_text(fact) + (f" ({note})" if note else "")
    status = {"created": "created", "edited": "changed", "edit failed": "edit failed", "deleted": "deleted",
              "renamed": "renamed"}[fact.status]
    role = f"; {balanced_spans(clip(fact.detail, 80))}" if fact.detail else ""
    return f"{_file_text(fact)} — {status}{role}"


def _edited_by_directory(edited: list[Fact], named: int | None = None) -> Item:
    """Changed files as one line grouped by directory, each directory once: every file named, or
    (``named``, small budgets) the latest-touched ones and how many more, in which directories."""
    everything = edited
    more: list[Fact] = []
    if named is not None and len(edited) > named:
        latest = {id(f) for f in sorted(edited, key=lambda f: f.turn)[-named:]}
        more = [f for f in edited if id(f) not in latest]
        edited = [f for f in edited if id(f) in latest]
    by_directory: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}  # one directory whatever its separators (``src\\x\\`` is ``src/x/``)
    for fact in sorted(edited, key=lambda f: f.first_turn):
        if fact.status == "renamed":
            by_directory.setdefault("", []).append(_file_text(fact) + " (renamed)")
            continue
        cut = len(fact.text) - len(file_name(fact.text))
        note = _STATUS_NOTES.get(fact.status, "")
        if named is not None and fact.status == "created":
            note = ""  # small budgets: counted once in the label, not noted per file
        directory = fact.text[:cut].replace("\\", "/")
        spelled.setdefault(directory, fact.text[:cut])
        by_directory.setdefault(directory, []).append(code(fact.text[cut:]) + (f" ({note})" if note else ""))
    parts = []
    for directory, names in by_directory.items():
        listed = ", ".join(names)
        parts.append(f"in {code(spelled[directory])}: {listed}" if directory else listed)
    if more:
        folders = list(dict.fromkeys(f.text[:len(f.text) - len(file_name(f.text))].replace("\\", "/") for f in more))
        where = ", ".join(code(folder) for folder in folders[:3] if folder) or "the project root"
        parts.append(f"and {len(more)} more (in {where}{', …' if len(folders) > 3 else ''})")
    first, last = min(f.first_turn for f in everything), max(f.turn for f in everything)
    cite = turn_ref(first) if first == last else f"turns {first}–{last}"
    created = sum(1 for f in everything if f.status == "created") if named is not None else 0
    label = f"changed, {created} of them new" if created else "changed"
    return Item("Files", f"{label} ({cite}): " + "; ".join(parts), NEVER, category="file", order=1, never_cut=True,
                weight=len(everything))


# An error with a name (``KeyError``, ``ENOENT``, ``error[E0382]``) or a failing command says more to a
# successor than a user's "it has some errors": among the resolved ones it ranks a band higher.
_NAMED_ERROR_RE = re.compile(r"\b[\w.]*(?:Error|Exception|Errno)\b|\bE[A-Z]{3,}\b|\berror\[|\b[A-Z]{2,}\d{3,}\b")
NAMED_ERROR_BOOST = 5.0


def _named(fact: Fact) -> float:
    return NAMED_ERROR_BOOST if fact.subject or _NAMED_ERROR_RE.search(fact.text) else 0.0




def _sealed(text: str) -> str:
    """``text`` whose backticks cannot pair with the line's later spans: a stray run (a fence's
    "```python" quoted in an error) is dropped rather than left to open a span with the citation."""
    text = balanced_spans(text)
    left = CODE_SPAN_RE.sub(" ", DOUBLE_SPAN_RE.sub(" ", text))
    return text if "`" not in left else re.sub(r"`+", "", text)


def _error_items(facts: Facts, salience: Salience, compact: bool) -> list[Item]:
    """One bullet per error with its life cycle; the open ones (``errors.open_errors``) are never cut.

    Small budgets get shorter lines; resolved, worked-around and superseded errors say how
    (``detail``) at roomy budgets only, and rank below the open ones.
    """
    items = []
    shown_open = {f.key: rank for rank, f in enumerate(open_errors(facts.errors))}  # best first
    for fact in facts.errors:
        count = f" ×{fact.count}" if fact.count > 1 else ""
        detail = f"; {_sealed(clip(fact.detail, 120))}" if fact.detail and not compact else ""
        cite = f"({turn_ref(fact.turn)}{count}{detail})"
        what = f"{fact.subject}: " if fact.subject else ""
        line = _sealed(clip(fact.text, 80 if compact else 140))
        if fact.key in shown_open and fact.status == "unresolved":
            label = "unresolved, pre-existing" if is_pre_existing(fact) else "unresolved"
            if compact and is_pre_existing(fact):
                cite = f"({turn_ref(fact.turn)}{count}; not from this work, per the assistant)"
            items.append(Item("Errors", f"{label}: {what}{line} {cite}", NEVER, category="error", turn=fact.turn,
                              never_cut=True, order=fact.turn, rank=-shown_open[fact.key]))
            continue
        label = error_label(fact)
        if fact.key in shown_open:  # an unchecked fix still counts as open
            priority = P.ERROR_OPEN_BEYOND_CAP + 4 * salience.recency(fact.turn)
        elif fact.status == "unresolved":  # beyond the cap of open errors
            priority = P.ERROR_UNRESOLVED_BEYOND_CAP + 4 * salience.recency(fact.turn)
        elif fact.status in ("resolved", "worked_around"):
            priority = ((P.ERROR_RESOLVED_COMPACT if compact else P.ERROR_RESOLVED + _named(fact))
                        + 6 * salience.recency(fact.turn))
        else:
            priority = P.ERROR_OTHER + 6 * salience.recency(fact.turn)
        items.append(Item("Errors", f"{label}: {what}{line} {cite}", priority + salience.past(fact.text),
                          category="error", turn=fact.turn, order=1e6 + fact.turn))
    return items


_SAID_PREFIX = 80  # characters of a decision that, found in the next step, mean it is quoted there
DECISIONS_PROMOTED = 2  # the decisions that name what they turned down rank with the user's rules


def _decision_items(facts: Facts, salience: Salience, compact: bool = False, said_already: str = "") -> list[Item]:
    """Choices; one the next step already quotes ("Let's try 1.3.0 instead of 1.4.36") is not said twice."""
    items = []
    decisions = [f for f in facts.decisions if not (said_already and f.text[:_SAID_PREFIX] in said_already)]
    with_alternative = sorted((f for f in decisions if f.status == "with alternative"),
                              key=lambda f: (f.score + salience.past(f.text), f.turn), reverse=True)
    promoted = {f.key for f in with_alternative[:DECISIONS_PROMOTED]}
    for fact in decisions:
        who = "user" if fact.source == "user" else "assistant"
        priority = (P.DECISION + 8 * min(fact.score, DECISION_SCORE_CAP) + 6 * salience.recency(fact.turn)
                    + salience.past(fact.text))
        if fact.key in promoted:
            priority = max(priority, P.DECISION_PROMOTED + 2 * salience.recency(fact.turn) + salience.past(fact.text))
        text = balanced_spans(clip(fact.text, 140)) if compact else balanced_spans(fact.text)
        items.append(Item("Decisions", f"{text} ({turn_ref(fact.turn)}, {who})", priority,
                          category="decision",
                          turn=fact.turn, order=fact.turn))
    return items


def _open_items(facts: Facts, carried: Carried, salience: Salience) -> list[Item]:
    items = []
    for text in carried.still_open:
        items.append(Item("Open work", f"[ ] {text} (carried over)", 84 + salience.past(text), category=None,
                          order=-1))
    for fact in facts.plan:
        if fact.status == "completed":
            continue
        label = fact.status.replace("_", " ")
        priority = P.PLAN_IN_PROGRESS if fact.status == "in_progress" else P.PLAN_ITEM - fact.score / 10
        items.append(Item("Open work", f"[ ] {label} (the agent's plan, {turn_ref(fact.turn)}): {fact.text}",
                          priority, category="plan", turn=fact.turn, order=fact.score / 1e3))
    for fact in facts.open_items:
        if fact.key in carried.done_keys:
            continue
        if fact.status == "asked":
            text = f"[ ] the assistant asked, no answer yet ({turn_ref(fact.turn)}): \"{fact.text}\""
            priority = P.OPEN_QUESTION
        else:
            text = f"[ ] {fact.text} ({turn_ref(fact.turn)})"
            base = {"next": P.OPEN_NEXT, "unchecked": P.OPEN_UNCHECKED, "todo": P.OPEN_TODO}.get(fact.status,
                                                                                              P.OPEN_OTHER)
            priority = base + 14 * salience.recency(fact.turn) + salience.past(fact.text)
        items.append(Item("Open work", text, priority, category="open_item", turn=fact.turn, order=fact.turn))
    return items


ANCHORS_SHOWN = 10  # identifier lists are capped: an anchor index is a pointer, not a copy


def _anchor_items(facts: Facts, salience: Salience) -> list[Item]:
    shown = {f.text for f in facts.files} | {f.key for f in facts.commits}
    request_text = facts.latest_request.text if facts.latest_request else ""
    offered = [f for f in facts.anchors if f.text not in shown and f.text not in request_text]
    # The user's most identifier-like tokens (ids, keys, tickets, versions) rank with constraints:
    # nothing else in the repository would let a successor reconstruct them.
    top = top_keys((f for f in offered if f.source == "user" and f.score >= 5.0), USER_ANCHOR_TOP)
    ranked = []
    for fact in offered:
        if fact.key in top:
            priority = P.ANCHOR_USER_TOP + 2 * salience.recency(fact.turn) + 2 * salience.past(fact.text)
        else:
            priority = (P.ANCHOR_BAND + 5 * min(fact.score, 6.0) + 4 * salience.recency(fact.turn)
                        + 2 * salience.past(fact.text))
        ranked.append((priority, fact))
    ranked.sort(key=lambda pair: -pair[0])
    return [Item("Anchor index", code(fact.text), priority, category="anchor", group="anchors", turn=fact.turn,
                 order=fact.first_turn) for priority, fact in ranked[:ANCHORS_SHOWN]]


def _message_items(facts: Facts, salience: Salience, compact: bool) -> list[Item]:
    """What the user said, most recent first: every message but the latest request, digested."""
    request_turn = facts.latest_request.turn if facts.latest_request else -1
    intent_turns = {f.turn for f in facts.intents}
    earlier = [f for f in facts.messages if f.turn != request_turn and f.turn not in intent_turns]
    items = []
    width = 180 if compact else 320
    rules = [normalise(f.text) for f in facts.constraints if f.source == "user"]
    for rank, fact in enumerate(reversed(earlier)):
        if fact.status == "reply" and len(fact.text) < 12:
            continue  # "yes", "ok": nothing a successor needs beyond the request it answered
        priority = P.MESSAGE_LATEST - 1.5 * rank + salience.past(fact.text)
        said = normalise(fact.text)
        if any(said in rule or (rule in said and len(said) < len(rule) + 40) for rule in rules):
            priority -= RULE_REPEATED  # the message is one of the rules above: said there, ranked after
        items.append(Item("What the user said", f"{turn_ref(fact.turn)}: {quote_inline(clip(fact.text, width))}",
                          max(priority, P.MESSAGE_FLOOR), category="message", turn=fact.turn, order=-fact.turn))
    return items


