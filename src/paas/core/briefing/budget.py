"""Fitting a briefing into its budget, item by item, and assembling the Markdown.

Design: the renderer turns facts into ``Item``s (one bullet, one fragment of an inline list,
or a raw block such as the quoted request), each with a priority. ``fit`` then:

1. measures every item once (tokens through the injected counter, or lines in line mode) and
   the fixed costs of opening a section or an inline group: the whole output is never counted
   again and again while fitting;
2. keeps the never-cut items (latest request, unresolved errors, edited files, next step),
   capped first (``caps.cap_never_cut``: past three quarters of the budget, long items are
   shortened and the lists keep their best items, the rest counted in one line per kind); if
   they still exceed the budget, the latest request is shortened by eliding its middle ("[…]"),
   verbatim at both ends;
3. adds the other items from the highest priority down, each one only if it still fits (so a
   long low-value item never pushes out several short high-value ones);
4. assembles the Markdown and counts it once; token counts of parts are not exactly additive,
   so if the total is over, the lowest-priority kept items go until it fits.

``assemble`` renders sections in a fixed order; inline groups become one bullet
"label (turns a–b): x, y, z" whose turn range is computed from the fragments actually kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from paas.core.briefing.caps import cap_never_cut

if TYPE_CHECKING:
    from paas.core.briefing.model import FactCategory

SECTIONS: tuple[str, ...] = (
    "Goal",
    "Latest request",
    "Where it stands",
    "Next step",
    "Open work",
    "Errors",
    "Constraints",
    "Decisions",
    "Files",
    "What the user said",
    "Anchor index",
)
ELISION = "[…]"
LINES_MODE_GROUP_LIMIT = 8  # fragments per inline list in line mode (a list is one line)


@dataclass
class Item:
    section: str
    text: str
    priority: float
    category: FactCategory | None = None  # fact category counted in stats (None: structure, not a fact)
    group: str | None = None  # inline list label; None: its own bullet (or raw block)
    turn: int | None = None
    order: float = 0.0  # display order inside its section or list
    never_cut: bool = False
    raw: bool = False  # rendered as is (no bullet)
    separator: str = ", "
    weight: int = 1  # facts this item stands for (a compact list of files is one item, many facts)
    cost: int = 0
    elided: bool = False
    rank: float = 0.0  # among never-cut items of one kind: which stay first when the set is capped (``caps``)
    shorter: tuple[str, ...] = ()  # shorter renderings of the same statement, longest first (``caps``)


@dataclass
class Fit:
    kept: list[Item]
    markdown: str
    tokens: int
    lines: int
    truncated_request: bool = False
    over_budget: bool = False


@dataclass
class _Costs:
    measure: Callable[[str], int]
    lines_mode: bool
    cache: dict[str, int] = field(default_factory=dict)

    def of(self, text: str) -> int:
        if self.lines_mode:
            return text.count("\n")
        value = self.cache.get(text)
        if value is None:
            value = self.cache[text] = self.measure(text)
        return value

    def item(self, item: Item) -> int:
        if item.group is not None:
            return self.of(item.text) + (0 if self.lines_mode else 1)
        return self.of(item.text + "\n") if item.raw else self.of(f"- {item.text}\n")

    def section(self, title: str) -> int:
        return 0 if self.lines_mode else self.of(f"\n## {title}\n\n")

    def group(self, label: str) -> int:
        return 1 if self.lines_mode else self.of(f"- {label} (turns 100–200): ") + 1


def assemble(header: str, items: list[Item], trailer: str = "") -> str:
    by_section: dict[str, list[Item]] = {}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    out = [header.rstrip("\n") + "\n"]
    for title in SECTIONS:
        chosen = sorted(by_section.get(title, ()), key=lambda i: i.order)
        if not chosen:
            continue
        out.append(f"\n## {title}\n\n")
        groups: dict[str, list[Item]] = {}
        for item in chosen:
            if item.group is None:
                out.append(item.text + "\n" if item.raw else f"- {item.text}\n")
            elif item.group not in groups:
                groups[item.group] = [item]
                out.append(f"\x00{item.group}\n")  # placeholder: the list is rendered once complete
            else:
                groups[item.group].append(item)
        for label, members in groups.items():
            out[out.index(f"\x00{label}\n")] = _group_line(label, members)
    if trailer:
        out.append("\n" + trailer.rstrip("\n") + "\n")
    return "".join(out)


def _group_line(label: str, members: list[Item]) -> str:
    turns = sorted(m.turn for m in members if m.turn is not None and m.turn >= 0)
    if not turns:
        cite = ""
    elif turns[0] == turns[-1]:
        cite = f" (turn {turns[0]})"
    else:
        cite = f" (turns {turns[0]}–{turns[-1]})"
    separator = members[0].separator
    return f"- {label}{cite}: {separator.join(m.text for m in members)}\n"


def elide_middle(text: str, keep_chars: int, head_share: float = 0.75) -> str:
    """``text`` with its middle replaced by "[…]", both ends kept verbatim up to word boundaries.

    The head gets the larger share: a request usually states what it wants first.
    """
    if keep_chars >= len(text) - len(ELISION):
        return text
    head = max(int(keep_chars * head_share), 24)
    tail = max(keep_chars - head, 24)
    head_end = text.rfind(" ", 0, head)
    head_end = head_end if head_end > head // 2 else head
    tail_start = text.find(" ", len(text) - tail)
    tail_start = tail_start + 1 if 0 <= tail_start < len(text) - tail // 2 else len(text) - tail
    if tail_start <= head_end:
        return text
    return f"{text[:head_end].rstrip()} {ELISION} {text[tail_start:].lstrip()}"


def fit(
    header: Callable[[int], str],
    items: list[Item],
    budget: int,
    count_tokens: Callable[[str], int],
    lines_mode: bool = False,
    trailer: str = "",
    shorten: Callable[[Item, int], Item] | None = None,
) -> Fit:
    """Choose the items that fit ``budget``; ``header(tokens_after)`` renders the header."""
    costs = _Costs(count_tokens, lines_mode)
    for item in items:
        item.cost = costs.item(item)
    fixed = [i for i in items if i.never_cut]
    overhead = 0 if lines_mode else costs.of(header(budget)) + (costs.of(trailer) if trailer else 0)

    def remeasure(item: Item) -> int:
        item.cost = costs.item(item)
        return item.cost

    def spend(chosen: list[Item]) -> int:
        seen: set[str] = set()
        total = overhead
        for item in chosen:
            if item.section not in seen:
                total += costs.section(item.section)
                seen.add(item.section)
            if item.group is not None and f"{item.section}/{item.group}" not in seen:
                total += costs.group(item.group)
                seen.add(f"{item.section}/{item.group}")
            total += item.cost
        return total

    fixed = cap_never_cut(fixed, budget, spend, remeasure, lines_mode)
    opened: set[str] = set()

    def opening(item: Item) -> int:
        extra = 0
        if item.section not in opened:
            extra += costs.section(item.section)
        if item.group is not None and f"{item.section}/{item.group}" not in opened:
            extra += costs.group(item.group)
        return extra

    def open_(item: Item) -> None:
        opened.add(item.section)
        if item.group is not None:
            opened.add(f"{item.section}/{item.group}")

    used = overhead
    for item in fixed:
        used += opening(item) + item.cost
        open_(item)
    truncated = False
    if used > budget and shorten is not None:
        for index, item in enumerate(fixed):
            if item.section == "Latest request" and item.category == "request":
                short = shorten(item, max(budget - (used - item.cost), 0))
                if short.text != item.text:
                    short.cost = costs.item(short)
                    used += short.cost - item.cost
                    fixed[index] = short
                    truncated = True
                break
    kept = list(fixed)
    in_group: dict[str, int] = {}
    for item in sorted((i for i in items if not i.never_cut), key=lambda i: -i.priority):
        if lines_mode and item.group is not None and in_group.get(item.group, 0) >= LINES_MODE_GROUP_LIMIT:
            continue
        extra = opening(item) + item.cost
        if used + extra <= budget:
            kept.append(item)
            used += extra
            open_(item)
            if item.group is not None:
                in_group[item.group] = in_group.get(item.group, 0) + 1
    # Exact figures: count the assembled Markdown (small), settle the header's own token figure,
    # and drop the lowest-priority items while the exact count is over (parts are not additive).
    guess = used
    markdown = ""
    measured = tokens = 0
    for _ in range(len(kept) + 8):
        markdown = assemble(header(guess), kept, trailer)
        tokens = count_tokens(markdown)
        measured = body_lines(markdown) if lines_mode else tokens
        cuttable = [i for i in kept if not i.never_cut]
        if measured > budget and cuttable:
            kept.remove(min(cuttable, key=lambda i: i.priority))
            continue
        if tokens == guess:
            break
        guess = tokens
    return Fit(kept, markdown, tokens, body_lines(markdown), truncated, measured > budget)


def split_briefing(markdown: str) -> tuple[str, str]:
    """``(header, body)`` of a briefing ``assemble`` wrote: the body starts at the first ``## `` heading."""
    start = markdown.find("\n## ")
    if start < 0:
        return markdown, ""
    return markdown[:start + 1], markdown[start + 1:]


def body_lines(markdown: str) -> int:
    """Non-empty lines under the section headings (header and headings excluded)."""
    body = split_briefing(markdown)[1]
    return sum(1 for line in body.splitlines()[1:] if line.strip() and not line.startswith("## "))
