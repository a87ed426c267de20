"""``extract_facts``: one deterministic pass from a ``Transcript`` to ``Facts``.

Design: tool calls first (``actions``: what was really done), then errors (``errors``: what
failed and whether it recovered), then words (``prose``: what people asked, decided and left
open). Every fact keeps the turn of its latest evidence. Nothing here ranks or cuts: that is
``render``'s job, so the facts stay a faithful inventory other code can inspect.

The latest request is the last user turn that says something: housekeeping commands typed
after it (``/exit``, ``/diff``, ``/drop``) are kept separately as ``later_inputs`` so the
briefing shows both the real request and what the user typed last. When the request is a
short reply ("yes please"), the assistant question it answers is kept as ``request_context``.
"""

from __future__ import annotations

import re

from paas.core.briefing.actions import ActionLog, read_actions
from paas.core.briefing.agent_rules import rules_file_constraints
from paas.core.briefing.closing import closing_words
from paas.core.briefing.decisions import decisions
from paas.core.briefing.failures import collect_errors
from paas.core.briefing.files import file_facts
from paas.core.briefing.intents import (
    intents,
    is_confirm_answer,
    is_housekeeping,
    is_person,
    project_name,
    user_messages,
)
from paas.core.briefing.mentions import anchors_and_mentions
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.outputs import TEST_SUMMARY_RE
from paas.core.briefing.progress import interruptions, last_report, plan_items, refusals
from paas.core.briefing.prose import (
    constraints,
    last_question_before,
    markers,
    open_items,
)
from paas.core.briefing.text import clip, normalise
from paas.core.transcripts.model import Transcript, Turn

_SHORT_REPLY_WORDS = 12


def extract_facts(transcript: Transcript) -> Facts:
    turns = transcript.turns
    log = read_actions(transcript)
    request, later = _latest_request(turns)
    context = None
    if request is not None and len(request.text.split()) <= _SHORT_REPLY_WORDS:
        context = last_question_before(transcript, request.turn)
    anchors, mentioned = anchors_and_mentions(transcript)
    last_assistant = next((t.index for t in reversed(turns) if t.role == "assistant"), -1)
    messages = user_messages(transcript)
    files = _files(log, mentioned)
    edited = [f.subject or f.text for f in files if f.status in ("edited", "created")]
    return Facts(
        latest_request=request,
        later_inputs=tuple(later),
        request_context=context,
        goal=_goal(transcript, request),
        constraints=tuple(_rules(transcript, log)),
        files=tuple(files),
        commands=tuple(_commands(log)),
        errors=tuple(collect_errors(transcript, log)),
        tests=tuple(_tests(transcript, log)),
        commits=tuple(log.commits),
        decisions=tuple(decisions(transcript)),
        open_items=tuple(open_items(transcript)),
        anchors=tuple(anchors),
        markers=tuple(markers(transcript)),
        project=transcript.title or project_name(transcript, edited),
        messages=tuple(messages),
        intents=tuple(intents(messages)),
        plan=tuple(plan_items(transcript)),
        refusals=tuple(refusals(transcript)),
        interruptions=tuple(interruptions(transcript)),
        edit_turns=tuple(log.edit_turns),
        last_report=last_report(transcript, request.turn if request is not None else -1),
        closing=closing_words(transcript),
        turn_count=len(turns),
        last_assistant_turn=last_assistant,
    )


def _rules(transcript: Transcript, log: ActionLog) -> list[Fact]:
    """The user's rules: typed in the chat, and written into the agent's rules file (not twice)."""
    typed = constraints(transcript)
    known = {f.key for f in typed}
    return typed + [f for f in rules_file_constraints(log.rule_edits) if f.key not in known]


def _latest_request(turns: tuple[Turn, ...]) -> tuple[Fact | None, list[Fact]]:
    later: list[Fact] = []
    last_user: Turn | None = None
    for turn in reversed(turns):
        if not is_person(turn):
            continue
        last_user = last_user or turn
        if not is_housekeeping(turn.text):
            later.reverse()
            return Fact("request", turn.text.strip(), turn.index, key="request", first_turn=turn.index,
                        source="user"), later
        if turn.text.strip() and not is_confirm_answer(turn.text):  # "[Yes]: all" tells a successor nothing
            later.append(Fact("request", clip(turn.text.strip(), 200), turn.index, status="housekeeping",
                              key=normalise(turn.text), first_turn=turn.index, source="user"))
    if last_user is None:
        return None, []
    # nothing but housekeeping: the last input is the request
    return Fact("request", last_user.text.strip(), last_user.index, key="request", first_turn=last_user.index,
                source="user"), []


def _goal(transcript: Transcript, request: Fact | None) -> Fact | None:
    for turn in transcript.turns:
        if not is_person(turn) or is_housekeeping(turn.text) or len(turn.text.split()) < 4:
            continue
        if request is not None and turn.index == request.turn:
            break
        return Fact("goal", clip(turn.text.strip(), 200), turn.index, key="goal", first_turn=turn.index,
                    source="user", detail=transcript.title or "")
    if transcript.title:
        return Fact("goal", clip(transcript.title, 200), 0, key="goal", source="title")
    return None


def _files(log: ActionLog, mentioned: list[Fact]) -> list[Fact]:
    """One fact per file, its status, role and normalised path: see ``files``."""
    return file_facts(log, mentioned)


def _commands(log: ActionLog) -> list[Fact]:
    facts = []
    for record in log.commands.values():
        status = "failed" if record.failed else ("ok" if record.exit_status == 0 else "unknown")
        detail = f"exit {record.exit_status}" if record.exit_status is not None else ""
        facts.append(Fact("command", record.text, record.turn, status=status, key=record.key,
                          first_turn=record.first_turn, count=record.count, source="tool", detail=detail))
    facts.sort(key=lambda f: f.turn)
    return facts


def _tests(transcript: Transcript, log: ActionLog) -> list[Fact]:
    facts = list(log.tests.values())
    for turn in transcript.turns:
        if turn.role != "user" or not (" passed" in turn.text or " failed" in turn.text):
            continue
        summary = ""
        for match in TEST_SUMMARY_RE.finditer(turn.text):
            summary = match.group(0)
        summary = clip(summary.strip(" =-*\t"), 160)
        if summary:
            summary = " ".join(summary.split())
            failed = re.search(r"\b[1-9]\d* (?:failed|failing|errors?)\b", summary) is not None
            passed = re.search(r"\b[1-9]\d* (?:passed|passing)\b", summary) is not None
            status = "failed" if failed else "passed" if passed else "ran"
            facts.append(Fact("test", summary, turn.index, status=status,
                              key=f"user:{normalise(summary)}", first_turn=turn.index, source="user",
                              detail="pasted by the user"))
    facts.sort(key=lambda f: f.turn)
    return facts
