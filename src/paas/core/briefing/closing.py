"""The assistant's closing words: a step it announced and never took, or one it proposed.

Design: a session cut off by a quota often ends with the assistant saying what it is about to
do ("I'll update the task specification with these requirements.") and nothing after it; or
with a proposal the person has not acted on yet ("Let's try version 1.3.0 instead of 1.4.36
to see if this resolves the error."). Either is the concrete next step a successor needs, in
the assistant's own words. ``closing_words`` reads only the final assistant reply, when no
user message follows it, and only its prose (fenced blocks and code-looking lines are not
sentences):

* ``announced``: its last sentence opens with a first-person intention ("I'll", "Let me",
  "Je vais", "Voy a"...) and the reply made no tool call; whether an edit or command came
  after it is for the caller to check against the harness log;
* ``cut``: its last tool call is a command that never got a result: the session ended during it;
* ``proposed``: one of its last sentences proposes an action ("Let's try", "You should",
  "I recommend", "Try ...", "Make sure ..."); conditional offers ("If you want ...") and
  optional extras ("You can also ...") are not proposals.

Cost: one pass over the last reply's prose; every returned text is a substring of it (or of its last
call's command).
"""

from __future__ import annotations

import re

from paas.core.briefing.model import Fact
from paas.core.briefing.text import Fences, clip, looks_like_code, normalise
from paas.core.transcripts.model import Transcript, Turn

_SENTENCE_END_RE = re.compile(r"(?<=[.!?:…])\s+|\n+")
_ANNOUNCE_RE = re.compile(
    r"^(?:(?:now|next|ok(?:ay)?|alright|great|sure|perfect|got it|understood)[,!.]?\s+)?"
    r"(?:I[’']ll|I will|I[’']m going to|I am going to|let me|we[’']ll|I[’']ll now|now let me|"
    r"je vais|nous allons|voy a|vamos a|vou|ich werde|lass mich|procedo a|ora (?:vado|faccio))\b",
    re.IGNORECASE,
)
_PROPOSE_RE = re.compile(
    r"\b(?:let[’']s|let us) (?:try|use|switch|change|update|add|remove|replace|check|test|see if|run|revert|"
    r"downgrade|upgrade|install|move|rename|restart)\b|"
    r"^(?:please )?(?:try|make sure|ensure|run|re-?run|install|restart|replace|remove|change|update|set|add|check|"
    r"verify|paste|share|send|open|upload)\b|"
    r"\byou (?:should|need to|must|may want to|might want to|might need to|will need to|[’']ll need to|"
    r"can now|could try|can try)\b|"
    r"\bI (?:recommend|suggest|[’']d recommend|[’']d suggest|would recommend|would suggest)\b",
    re.IGNORECASE,
)
_OPTIONAL_RE = re.compile(r"^(?:if|when|once|whenever|feel free)\b|\b(?:can also|could also|optional(?:ly)?|"
                          r"if you (?:want|prefer|like|wish|need)|if needed|if necessary)\b", re.IGNORECASE)
# handing the turn back, not a step
_HAND_BACK_RE = re.compile(r"^let me know\b|\blet me know (?:if|when|whether)\b|"
                           r"\b(?:wait|await|be here|stand(?:ing)? by|be happy to|be glad to|"
                           r"leave (?:it|that|the rest)|leave\b.{0,40}\bas (?:it is|is)|stop here|pause here)\b",
                           re.IGNORECASE)
_LIST_ITEM_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,2}[.)])[ \t]+")
_LAST_SENTENCES = 4  # a proposal is among the reply's closing sentences, not in its narration
_MIN_CHARS = 16


def closing_words(transcript: Transcript) -> Fact | None:
    """The announced or proposed step ending the final assistant reply (None when it ends otherwise)."""
    turn = _final_reply(transcript)
    if turn is None:
        return None
    cut = _cut_call(turn)
    if cut is not None:
        return cut
    sentences = _sentences(turn.text) if turn.text.strip() else []
    if not sentences:
        return None
    last = sentences[-1]
    if not turn.tool_calls and _ANNOUNCE_RE.match(last) and not last.endswith("?") and not _HAND_BACK_RE.search(last):
        return _fact(last, turn, "announced")
    for sentence in reversed(sentences[-_LAST_SENTENCES:]):
        if sentence.endswith("?") or _OPTIONAL_RE.search(sentence):
            continue
        if _PROPOSE_RE.search(sentence):
            return _fact(sentence, turn, "proposed")
    return None


def _final_reply(transcript: Transcript) -> Turn | None:
    for turn in reversed(transcript.turns):
        if turn.role == "user":
            return None
        if turn.role == "assistant" and not turn.sidechain and (turn.text.strip() or turn.tool_calls):
            return turn
    return None


def _cut_call(turn: Turn) -> Fact | None:
    """``cut``: the reply's last tool call never got its result (the session ended during it)."""
    if not turn.tool_calls:
        return None
    call = turn.tool_calls[-1]
    if call.output is not None or call.call_id is None:  # no id: a harness that logs no results (aider)
        return None
    command = call.input_value("command") or call.input_value("cmd")
    if not command:
        return None
    text = clip(str(command).split("\n", 1)[0], 220)
    return Fact("closing", text, turn.index, status="cut", key=normalise(text), first_turn=turn.index,
                source="assistant", detail=call.name)


def _sentences(text: str) -> list[str]:
    prose, _ = Fences(text).split(text)
    # a list closing a reply says what the changes do ("These changes will: 1. ..."), not what is next
    prose = "\n".join(line for line in prose.splitlines() if not _LIST_ITEM_RE.match(line))
    out: list[str] = []
    for piece in _SENTENCE_END_RE.split(prose):
        sentence = piece.strip(" \t*_#>-")
        if len(sentence) >= _MIN_CHARS and not looks_like_code(sentence) and "`" * 3 not in sentence:
            out.append(sentence)
    return out


def _fact(sentence: str, turn: Turn, status: str) -> Fact:
    text = clip(sentence, 220)
    return Fact("closing", text, turn.index, status=status, key=normalise(text), first_turn=turn.index,
                source="assistant")
