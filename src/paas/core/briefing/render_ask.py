"""What the user asked, as a briefing shows it: the latest request (quoted, never cut) and the Goal.

Design: the latest request is the user's own words, pastes summarised (``digest.request_digest``),
in a fence that no backtick run inside it can close; what was typed after it follows (at small
budgets in one short line, harness commands by their paths' last segments). The Goal quotes the
first ask (of three words or more, ``intents``) and each later change of intent, the latest
ranking highest; the first ask keeps ``FIRST_ASK_WIDTH`` characters, since it often lists the
requirements. Priorities follow the bands described in ``render``.
"""

from __future__ import annotations

import re

from paas.core.briefing import priorities as P
from paas.core.briefing.budget import Item
from paas.core.briefing.digest import balanced_spans, request_digest
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.paths import tail
from paas.core.briefing.salience import NEVER, Salience, turn_ref
from paas.core.briefing.text import clip, code


def request_items(facts: Facts, compact: bool) -> list[Item]:
    request = facts.latest_request
    if request is None:
        return [Item("Latest request", "(no user request in the transcript)", NEVER, raw=True, never_cut=True)]
    items = [Item("Latest request", quote(request_digest(request.text)), NEVER, category="request",
                  turn=request.turn, raw=True, never_cut=True, order=1)]
    context = facts.request_context
    if compact:  # one short line: where the request is, what it answers, what was typed after it
        typed = _typed_briefly(facts.later_inputs)
        after = f"; then typed {typed}" if typed else ""
        items.append(Item("Latest request", f"({turn_ref(request.turn)}{after})", NEVER, raw=True, never_cut=True,
                          order=1.5))
        if context is not None:
            items.append(Item("Latest request", f"In reply to the assistant ({turn_ref(context.turn)}): "
                              f"\"{clip(context.text, 160)}\"{_it_being(context)}", P.REQUEST_CONTEXT_COMPACT, raw=True,
                              order=2))
        return items
    items.append(Item("Latest request", f"\n(the user's words, {turn_ref(request.turn)}; pastes summarised)", NEVER,
                      raw=True, never_cut=True, order=1.5))
    if context is not None:
        items.append(Item("Latest request", f"In reply to the assistant ({turn_ref(context.turn)}): "
                          f"\"{context.text}\"{_it_being(context)}", P.REQUEST_CONTEXT, raw=True, order=2))
    if facts.later_inputs:
        typed = ", ".join(f"{code(f.text)} ({turn_ref(f.turn)})" for f in facts.later_inputs[-4:])
        items.append(Item("Latest request", f"Typed afterwards: {typed}", NEVER, raw=True, never_cut=True, order=3))
    return items


def _it_being(context: Fact) -> str:
    """What the question's "it" is, when the reply named it just before (``prose.last_question_before``)."""
    return f" — \"it\" being {code(context.detail)}" if context.detail else ""


def _typed_briefly(inputs: tuple[Fact, ...]) -> str:
    """What was typed after the request, for small budgets: each line, a harness command's path by
    its last segments (``/add scenes/car/Car.cs`` -> ``/add `car/Car.cs```: the span stays verbatim; a
    URL kept); the latest four."""
    lines: list[str] = []
    for fact in inputs:
        for line in (part.strip() for part in fact.text.splitlines()):
            command, _, argument = line.partition(" ")
            if command.startswith("/") and argument and ("://" not in argument or argument.startswith("oil:")):
                shown = f"{command} {code(tail(argument.strip().rstrip('/'), 2))}"
            else:
                shown = code(clip(line, 48)) if line else ""
            if shown and shown not in lines:
                lines.append(shown)
    more = len(lines) - 4
    return ", ".join(lines[-4:]) + (f" and {more} more" if more > 0 else "")


def quote(text: str) -> str:
    """``text`` verbatim in a fenced block (longer fence than any backtick run inside it)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.strip(chr(10))}\n{fence}"


_LIST_ITEM_RE = re.compile(r"(?:^|\s)(?:\d{1,2}[.)]|[-*•])\s+\S")
FIRST_ASK_WIDTH = {False: 420, True: 150}  # characters of the first ask the Goal quotes (compact: True)


def goal_items(facts: Facts, salience: Salience, compact: bool) -> list[Item]:
    """The project, the first request, and the later requests that changed the work."""
    items = []
    request_turn = facts.latest_request.turn if facts.latest_request else -1
    shown = [f for f in facts.intents if f.turn != request_turn]
    width = 150 if compact else 240
    for rank, fact in enumerate(reversed(shown)):
        if fact.status == "first":
            label, priority = f"Asked first ({turn_ref(fact.turn)})", P.FIRST_ASK
        else:  # small budgets: the latest change of intent only competes with the report and the rules
            label, priority = f"Then ({turn_ref(fact.turn)})", (P.INTENT_CHANGE_COMPACT - 3 * rank if compact
                                                                 else P.INTENT_CHANGE - rank)
            if fact.status == "taken back":
                label = f"Then ({turn_ref(fact.turn)}; taken back by the user at {turn_ref(int(fact.detail))})"
            priority += 4 * salience.recency(fact.turn)
        fact_text = clip(fact.text, 110) if compact and fact.status != "first" else fact.text
        limit = FIRST_ASK_WIDTH[compact] if fact.status == "first" else width  # the first ask lists requirements
        if not compact and len(_LIST_ITEM_RE.findall(fact.text)) >= 3:
            limit = max(limit, FIRST_ASK_WIDTH[False])  # a changed list of requirements: every item
        items.append(Item("Goal", f"{label}: {quote_inline(clip(fact_text, limit))}",
                          priority + salience.past(fact.text), category="goal", turn=fact.turn, order=1 + fact.turn))
    if not shown and facts.goal is not None and facts.goal.source == "title" and not facts.project:
        items.append(Item("Goal", f"Session title: \"{facts.goal.text}\"", P.SESSION_TITLE, category="goal"))
    return items


def quote_inline(text: str) -> str:
    return "\"" + balanced_spans(" ".join(text.split())) + "\""
