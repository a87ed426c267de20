"""A cap on the never-cut set, so that a briefing holds its budget at every transcript size.

Design: the never-cut items (the latest request, where the work stands, the next step, the
unresolved errors, the changed files) are kept whatever the ranking says, but on a large
transcript they alone can outgrow any budget (thousands of changed files named in one line,
eight long error lines at a 400-token level). ``cap_never_cut`` runs before the ranked items
are chosen and leaves the set as it is while it takes at most ``NEVER_CUT_SHARE`` of the
budget: a briefing that fits keeps every never-cut line it had. Past that share:

1. every never-cut item but the quoted request (``build`` elides that one itself) is brought
   within ``ITEM_SHARE`` of the budget (at least ``ITEM_FLOOR`` tokens): by its own shorter
   renderings first (``Item.shorter``: the changed files naming fewer of them, each saying how
   many more), else clipped at a word boundary ("…", code spans kept balanced);
2. the sections that say what to do (latest request, where it stands, next step) stay whole;
3. the lists (one kind per section and category: unresolved errors, changed files) keep their
   first item each (the floor), then one more item of each kind in turn, best first
   (``Item.rank``: the errors in ``failures.open_errors`` order, files latest-touched first),
   while the set still fits its share; a kind stops at its first item that does not fit;
4. what a kind leaves out is counted in one line of its section ("+37 more unresolved errors,
   turns 12–2101, not shown …"), whose cost is part of the set's: the count and the turn range
   tell the next session that there are more and where the transcript has them.

The floor: the header, the request (elided to about 200 characters), the next step and where
it stands (each within ``ITEM_FLOOR`` tokens when the budget is small), one item of each list
and one count line per list: about 200 tokens (at most about 330), below the smallest level's
budget (400). Only an explicit ``max_tokens`` below the floor is exceeded (``over_budget`` says so). Line mode
(the original's 5/15/25-line budgets) counts whole lines, so nothing is clipped there: only
items beyond the floor are counted instead of shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from paas.core.briefing.digest import balanced_spans
from paas.core.briefing.text import clip

if TYPE_CHECKING:
    from paas.core.briefing.budget import Item

NEVER_CUT_SHARE = 0.75  # the never-cut set may take this share of the budget; the ranked items get the rest
ITEM_SHARE = 0.15  # past that share, one never-cut item takes at most this share of the budget ...
ITEM_FLOOR = 40  # ... and never less than this many tokens
ESSENTIAL = frozenset({"Latest request", "Where it stands", "Next step"})  # kept whole: what to do next
SUMMARY_ORDER = 1e12  # the count line comes last in its section
_KIND_NAMES = {"error": "unresolved errors", "file": "changed files"}
_CLIP_MIN_CHARS = 24


def cap_never_cut(fixed: list[Item], budget: int, spend: Callable[[list[Item]], int],
                  cost: Callable[[Item], int], lines_mode: bool = False) -> list[Item]:
    """``fixed`` (the never-cut items) within ``NEVER_CUT_SHARE`` of ``budget`` (see the module docstring).

    ``spend(items)``: what a set of items costs with the header and the section openings;
    ``cost(item)``: one item's cost (stored on it). Returns ``fixed`` itself when it fits.
    """
    room = max(int(budget * NEVER_CUT_SHARE), 1)
    if spend(fixed) <= room:
        return fixed
    limit = max(ITEM_FLOOR, int(budget * ITEM_SHARE))
    shortened = fixed if lines_mode else [item if _is_request(item) else _within(item, limit, cost) for item in fixed]
    essentials = [item for item in shortened if item.section in ESSENTIAL]
    kinds: dict[tuple[str, str | None, str | None], list[Item]] = {}
    for item in shortened:
        if item.section not in ESSENTIAL:
            kinds.setdefault((item.section, item.category, item.group), []).append(item)
    for members in kinds.values():
        members.sort(key=lambda i: -i.rank)  # stable: equal ranks keep the renderer's order
    taken = dict.fromkeys(kinds, 1)  # the floor: one item of each kind

    def chosen() -> list[Item]:
        out = list(essentials)
        for key, members in kinds.items():
            out += members[:taken[key]]
            rest = members[taken[key]:]
            if rest:
                line = _summary(rest, cost)
                # a count costing more than what it stands for (fragments of one inline list in line mode)
                out += rest if sum(i.cost for i in rest) <= line.cost else [line]
        return out

    growing = set(kinds)
    while growing:
        for key in list(growing):
            if taken[key] >= len(kinds[key]):
                growing.discard(key)
                continue
            taken[key] += 1
            if spend(chosen()) > room:
                taken[key] -= 1
                growing.discard(key)
    return chosen()


def _is_request(item: Item) -> bool:
    return item.section == "Latest request" and item.category == "request"


def _within(item: Item, limit: int, cost: Callable[[Item], int]) -> Item:
    """``item`` costing at most ``limit``: its first shorter rendering that does, else its text clipped."""
    if cost(item) <= limit:
        return item
    for text in item.shorter:
        candidate = replace(item, text=text, shorter=())
        if cost(candidate) <= limit:
            return candidate
    base = item.shorter[-1] if item.shorter else item.text
    candidate = replace(item, text=base, shorter=())
    spent = cost(candidate)
    chars = len(base)
    for _ in range(8):
        if spent <= limit or chars <= _CLIP_MIN_CHARS:
            break
        chars = max(_CLIP_MIN_CHARS, int(chars * limit / spent * 0.9))
        candidate = replace(item, text=balanced_spans(clip(base, chars)), shorter=())
        spent = cost(candidate)
    return candidate


def _summary(left_out: list[Item], cost: Callable[[Item], int]) -> Item:
    """One line counting the items of a kind left out, with the turns where the transcript has them."""
    first = left_out[0]
    name = _KIND_NAMES.get(first.category or "", f"{first.section.lower()} items")
    turns = sorted(i.turn for i in left_out if i.turn is not None and i.turn >= 0)
    where = "" if not turns else f", turn {turns[0]}" if turns[0] == turns[-1] else f", turns {turns[0]}–{turns[-1]}"
    text = f"+{len(left_out)} more {name}{where}, not shown (the transcript has them; a larger budget lists them)"
    line = replace(first, text=text, category=None, group=None, raw=False, turn=None, order=SUMMARY_ORDER,
                   rank=float("-inf"), shorter=(), weight=0, elided=False)
    cost(line)
    return line
