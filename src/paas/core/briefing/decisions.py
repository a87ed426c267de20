"""Decisions: choices made, with the alternative given up and the reason when the words give them.

Design: one cue regex over the user's prose and the assistant's latest replies (``prose``'s
conversation window): we'll use, decided, instead of, let's go with, switch or swap to, opted
for, rather than, "no Dockerfile needed" (a thing given up; "no changes needed" is a status).
A hit is scored by what a successor needs: the alternative given up, the reason, something
exact named, acted on in the same turn. A short choice is read with the sentence after it
("Nope, no Dockerfile needed. Render has a Static Site type ..."), a switch that does not say
from what with the code named just before it. A choice the person's next message takes back
("never mind, continue using bash") is dropped. Hits inside code fences, pasted terminal
output and code-looking lines are skipped (``prose._prose_hits``).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from paas.core.briefing.anchors import specificity
from paas.core.briefing.intents import takes_back
from paas.core.briefing.model import Fact
from paas.core.briefing.prose import conversation, merge_facts, prose_hits
from paas.core.briefing.text import normalise, sentence_at
from paas.core.transcripts.model import Transcript

# "no Dockerfile needed": a thing given up; "no changes needed" is a status, not a choice
_NOT_NEEDED = (r"no (?!(?:code |other |further |more )?(?:changes?|modifications?|updates?|action|edits?)\b)"
               r"(?:\S+ ){1,3}(?:needed|required|necessary)|(?:is|are)(?:n[’']?t| not) (?:needed|required|necessary)|"
               r"no need (?:for|to)")
_DECISION_RE = re.compile(
    r"\b(?:we[’']ll use|we will use|I[’']ll use|I will use|let[’']?s (?:go with|use|stick with|not)|decided|"
    r"decide to|decision|instead of|instead|rather than|switch(?:ed|ing)? (?:to|from)|going with|went with|"
    r"opted for|settled on|we[’']re using|chose(?: to)?|choose|stick with|better to|prefer(?:red)?|"
    r"replac(?:e|ed|ing) \S+ with|no longer|dropp?(?:ed|ing)? the|approach|swap(?:ped|ping)? (?:to|for|out|in)|"
    r"(?:needs|requires) no|" + _NOT_NEEDED + r")\b",
    re.IGNORECASE,
)
_ALTERNATIVE_RE = re.compile(r"\b(?:instead(?: of)?|rather than|not \S+ but|replac(?:e|ed|ing) \S+ with|"
                             r"switch(?:ed|ing)? from|no longer|dropp?(?:ed|ing)?|over|" + _NOT_NEEDED + r")\b",
                             re.IGNORECASE)
_REASON_RE = re.compile(r"\b(?:because|since|so that|as it|which (?:avoids|keeps|means)|to avoid|otherwise)\b",
                        re.IGNORECASE)
_DECISION_NEEDLES = ("'ll use", "’ll use", "will use", "let's", "lets ", "let’s", "decid", "decision", "instead",
                     "rather than", "switch", "going with", "went with", "opted for", "settled on", "re using", "chose",
                     "choose", "stick with", "better to", "prefer", "replac", "no longer", "drop", "approach", "swap",
                     "needed", "required", "necessary", "no need", "needs no", "requires no")


def decisions(transcript: Transcript) -> list[Fact]:
    """Choices made: the user's directives and the assistant's stated approach, scored by what a
    successor needs (the alternative given up, the reason, something exact named, acted on)."""
    found: list[Fact] = []
    for turn in conversation(transcript):
        hits = 0
        acted = turn.role == "assistant" and any(call.is_edit and not call.is_error for call in turn.tool_calls)
        for offset, sentence in prose_hits(_DECISION_RE, turn, 220, _DECISION_NEEDLES):
            if len(sentence) < 15 or sentence.endswith(("?", ":")) or _not_a_choice(sentence, turn.role):
                continue
            sentence = _in_context(turn.text, offset, sentence)
            alternative = _ALTERNATIVE_RE.search(sentence) is not None
            reason = _REASON_RE.search(sentence) is not None
            score = ((1.0 if turn.role == "user" else 0.5) + (0.8 if alternative else 0.0) + (0.4 if reason else 0.0)
                     + 0.6 * specificity(sentence) + (0.3 if acted else 0.0))
            found.append(Fact("decision", sentence, turn.index, status="with alternative" if alternative else "",
                              key=normalise(sentence), first_turn=turn.index, source=turn.role, score=score))
            hits += 1
            if hits >= 3:
                break
    said = [(t.index, t.text) for t in transcript.turns
            if t.role == "user" and not getattr(t, "sidechain", False) and t.text.strip()]
    return [f for f in merge_facts(found) if not _reversed_next(said, f.turn)]


_SHORT_CHOICE = 60  # "Nope, no Dockerfile needed.": the sentence after it says what instead
_SWITCH_TO_RE = re.compile(r"\b(?:swap(?:ped|ping)?|switch(?:ed|ing)?|mov(?:e|ed|ing)|chang(?:e|ed|ing)) to\b",
                           re.IGNORECASE)
_SPAN_BEFORE_RE = re.compile(r"`([^`\n]{2,80})`")


def _in_context(text: str, offset: int, sentence: str) -> str:
    """A choice with what it needs to be read alone: a short one with the sentence after it (same
    line); a switch that does not say from what (``I'll swap to `b()` ``) with the code named just
    before it in the same paragraph (``(from `a()`)``)."""
    found = text.find(sentence, max(0, offset - len(sentence) - 8))
    if found < 0:
        return sentence
    end = found + len(sentence)
    if len(sentence) < _SHORT_CHOICE and text[end : end + 1] == " " and sentence.endswith("."):
        following = sentence_at(text, end + 1, end + 1, 160)
        if following and not following.endswith(("?", ":")):
            return f"{sentence} {following}"
    if _SWITCH_TO_RE.search(sentence) and not _ALTERNATIVE_RE.search(sentence):
        before = text[max(0, found - 400) : found]
        paragraph = before[before.rfind("\n\n") + 1 :]
        spans = [m.group(1) for m in _SPAN_BEFORE_RE.finditer(paragraph)]
        if spans and f"`{spans[-1]}`" not in sentence:
            return f"{sentence} (from `{spans[-1]}`)"
    return sentence


# The user's next message takes the choice back: "never mind, continue using bash", "scratch that".
def _reversed_next(said: list[tuple[int, str]], turn: int) -> bool:
    """Whether the first message the person wrote after ``turn`` takes back what was chosen there.

    ``said``: ``(turn index, text)`` of the person's messages, in order (found by bisection).
    """
    position = bisect_right(said, turn, key=lambda pair: pair[0])
    return position < len(said) and takes_back(said[position][1])


# An offer, a hypothetical or an instruction to the reader is not a choice the work made.
_NOT_A_CHOICE_RE = re.compile(
    r"^(?:if|when|whether|for example|e\.g\.)\b|\b(?:you (?:can|could|might|may|would)|could also|optionally|"
    r"alternatively|if you (?:prefer|want|like|need)|feel free|for example|(?:you|you[’']ll|you will) need to|"
    r"make sure to|may not|might not)\b|^note\b",
    re.IGNORECASE,
)


# "OAuth 2.0 ... by using tokens instead of credentials": a comparison in an explanation. The
# assistant's choice says who chose (I, we, let's, you) or names something exact (a code span).
_COMPARISON_ONLY_RE = re.compile(r"^(?:(?!\b(?:instead|rather than|over)\b).)*\b(?:instead(?: of)?|rather than|over)\b",
                                 re.IGNORECASE)
_CHOOSER_RE = re.compile(r"\b(?:I|I[’']ll|I[’']ve|we|we[’']ll|we[’']re|let[’']s|you|your|us)\b|`|"
                         r"^(?:use|change|set|switch|replace|keep|move|add|remove|make|put|go|stick|pick|prefer)\b",
                         re.IGNORECASE)  # an instruction is a choice too


def _not_a_choice(sentence: str, role: str) -> bool:
    if role == "user":
        return False
    if _NOT_A_CHOICE_RE.search(sentence) is not None:
        return True
    only_compared = _COMPARISON_ONLY_RE.match(sentence) and len(_DECISION_RE.findall(sentence)) == 1
    return bool(only_compared) and _CHOOSER_RE.search(sentence) is None
