"""Optional polishing of a briefing by a language model, and the review that decides whether to keep it.

The deterministic briefing is the product; a model may only make it read better. Design:

* ``polish_request(briefing)`` splits the briefing into its header (project, accounts, token
  figures: ours, not the model's) and its body, and writes the chat messages that ask for the
  body rewritten, every heading, path, command, identifier, number and quoted line kept as is;
* ``review_polish(briefing, polished_body, ...)`` lists what is wrong with the answer: a
  heading missing or moved, the latest request or the state (what is done, what is not)
  reworded, an anchor of the original lost, an anchor that occurs nowhere in
  the sources (a made-up path or number), or more tokens than the budget allows. Any problem
  and the caller keeps the deterministic briefing;
* ``apply_polish`` puts the accepted body under the original header, with the token figures
  restated.

Pure code: the model is called by ``paas.services.polish``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from paas.core.briefing.budget import split_briefing
from paas.core.briefing.build import count_lines, percent_saved
from paas.core.briefing.faithfulness import bare_anchor, stated_anchors, unfaithful_anchors
from paas.core.briefing.model import Briefing, BriefingStats

HEADING_RE = re.compile(r"^## .+$", re.MULTILINE)
PROTECTED_SECTIONS = ("## Latest request", "## Where it stands")
_FIGURES_RE = re.compile(r"tokens (?P<before>[\d,]+) → (?P<after>[\d,]+) "
                         r"\((?P<saved>-?[\d.]+% saved|no savings: [^,)]*)")
_WRAPPING_FENCE_RE = re.compile(r"\A\s*```(?:markdown|md)?[ \t]*\n(?P<body>.*)\n```\s*\Z", re.DOTALL)

INSTRUCTIONS = """You edit handoff briefings that one AI coding session leaves for the next.
Rewrite the briefing you are given so that it reads clearly and briefly. Rules:
- Keep every "## " heading, word for word, in the same order. Add no heading.
- Keep every file path, command, identifier, version, port, URL, commit hash and number exactly as written.
- Keep every fenced block (```) exactly as written: it quotes the user.
- Copy the sections "## Latest request" and "## Where it stands" unchanged: they say what is done and what is not.
- Add no fact, file, command or number that is not already in the briefing. Do not call anything done that the
  briefing does not call done.
- Be no longer than the original. Answer with the rewritten briefing only, in Markdown, with no preamble."""


@dataclass(frozen=True)
class PolishRequest:
    header: str
    body: str
    messages: list[dict[str, str]]


def polish_request(briefing: Briefing) -> PolishRequest:
    header, body = split_briefing(briefing.markdown)
    return PolishRequest(header=header, body=body, messages=[
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": body},
    ])


def section(body: str, heading: str) -> str | None:
    """The text of the section under ``heading`` (stripped), None when there is no such section."""
    start = body.find(heading + "\n")
    if start < 0 or (start > 0 and body[start - 1] != "\n"):
        return None
    following = HEADING_RE.search(body, start + len(heading))
    return body[start:following.start() if following else len(body)].strip()


def clean_answer(answer: str) -> str:
    """The model's body: no fence wrapped around all of it, no preamble before the first heading,
    one final newline."""
    match = _WRAPPING_FENCE_RE.match(answer.strip())
    text = match.group("body") if match else answer
    first = HEADING_RE.search(text)
    if first is not None:
        text = text[first.start():]
    return text.strip() + "\n"


def review_polish(briefing: Briefing, polished_body: str, sources: str, *, previous_briefing: str | None,
                  count_tokens: Callable[[str], int]) -> list[str]:
    """What makes ``polished_body`` unfit to replace the briefing's body (empty: fit)."""
    header, body = split_briefing(briefing.markdown)
    problems: list[str] = []
    if not polished_body.strip():
        return ["the answer is empty"]
    wanted = HEADING_RE.findall(body)
    got = HEADING_RE.findall(polished_body)
    if got != wanted:
        problems.append(f"headings changed: expected {wanted}, got {got}")
    for heading in PROTECTED_SECTIONS:
        if section(polished_body, heading) != section(body, heading):
            problems.append(f"the section {heading!r} was changed")
    lost = sorted(anchor for anchor in stated_anchors(briefing.markdown) if bare_anchor(anchor) not in polished_body)
    if lost:
        problems.append(f"lost {len(lost)} anchor(s): {', '.join(bare_anchor(item) for item in lost[:10])}")
    invented = unfaithful_anchors(header + polished_body, sources, previous_briefing)
    if invented:
        problems.append(f"{len(invented)} anchor(s) found nowhere in the sources: {', '.join(invented[:10])}")
    budget = int(briefing.stats.get("budget", 0)) if briefing.stats.get("budget_unit") == "tokens" else 0
    limit = max(budget, int(briefing.stats.get("tokens_after", 0)))
    tokens = count_tokens(header + polished_body)
    if limit and tokens > limit:
        problems.append(f"{tokens} tokens, over the {limit} allowed")
    return problems


def apply_polish(briefing: Briefing, polished_body: str, count_tokens: Callable[[str], int],
                 outcome: dict[str, Any]) -> Briefing:
    """The briefing with the accepted body, its header's token figures and its stats restated."""
    original_header, _ = split_briefing(briefing.markdown)
    before = int(briefing.stats["tokens_before"])
    after = count_tokens(original_header + polished_body)
    for _ in range(3):  # the figure is part of what it counts: settle it
        header = _restate(original_header, before, after)
        markdown = header + polished_body
        counted = count_tokens(markdown)
        if counted == after:
            break
        after = counted
    lines_after = count_lines(markdown)
    lines_before = int(briefing.stats["lines_before"])
    stats: BriefingStats = {**briefing.stats, "tokens_after": after, "ratio_tokens": percent_saved(before, after),
                            "lines_after": lines_after, "ratio_lines": percent_saved(lines_before, lines_after),
                            "polish": outcome}
    return replace(briefing, markdown=markdown, stats=stats)


def _restate(header: str, before: int, after: int) -> str:
    saved = (f"{percent_saved(before, after)}% saved" if after < before
             else "no savings: the input is shorter than a briefing")
    figures = f"{after:,} ({saved}"
    return _FIGURES_RE.sub(lambda match: f"tokens {match['before']} → {figures}", header, count=1)
