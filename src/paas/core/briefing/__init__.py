"""Handoff briefings: a transcript in, the facts a fresh AI session needs out, within a budget.

``build_briefing(transcript, options, count_tokens)`` reads a ``Transcript`` (see
``paas.core.transcripts``) and returns a ``Briefing``: Markdown in fixed sections (latest
request, goal, constraints, state, files, errors, decisions, open items, next step, anchor
index), the ``Facts`` it was built from and its figures (``stats``). The pipeline:

* ``extract`` -> ``Facts``: deterministic, tool calls first (``actions``, their outputs read by
  ``outputs``; ``stated`` for transcripts without tool calls), then ``errors`` and their
  resolution, then words (``prose``, ``mentions``, ``anchors``); every fact verbatim, cited by
  turn;
* ``previous``: carry-over of open items from the previous briefing, done items not repeated,
  knowledge entries linked, past terms made salient;
* ``render`` (with ``state`` and ``salience``) -> prioritised items; ``budget`` -> what fits the
  level's token budget (``LEVEL_BUDGETS``; ``max_tokens`` overrides; ``lines_mode`` uses
  ``LINE_BUDGETS``). The latest request, unresolved errors, edited files and the next step are
  never cut, but capped (``caps``: past three quarters of the budget they are shortened and
  counted), so every level's budget holds at any transcript size;
* ``faithfulness(briefing, transcript_text)`` checks every anchor the briefing states against
  the sources.

Pure code: no I/O, no clock; the token counter is injected by the caller.
"""

from __future__ import annotations

from paas.core.briefing.build import build_briefing, transcript_text
from paas.core.briefing.extract import extract_facts
from paas.core.briefing.faithfulness import faithfulness, unfaithful_anchors
from paas.core.briefing.model import (
    LEVEL_BUDGETS,
    LINE_BUDGETS,
    TOKENIZER,
    Briefing,
    BriefingOptions,
    Fact,
    Facts,
    KnowledgeRef,
)

__all__ = [
    "LEVEL_BUDGETS",
    "LINE_BUDGETS",
    "TOKENIZER",
    "Briefing",
    "BriefingOptions",
    "Fact",
    "Facts",
    "KnowledgeRef",
    "build_briefing",
    "extract_facts",
    "faithfulness",
    "transcript_text",
    "unfaithful_anchors",
]
