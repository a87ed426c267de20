"""Figures in an account's unit, as people read them on a narrow screen.

An account's quota and every figure of it count one unit (``core.types.QuotaUnit``): the
platform's ``credits`` (shown as plain numbers, as always), ``tokens`` (shown short: ``1.2M``,
with ``tok`` after a pair) or ``usd`` (stored as US cents, shown as dollars: ``$12.34``).
Nothing here rounds a stored figure: these are words for a door, the ledger keeps whole units.
"""

from __future__ import annotations

from paas.core.types import QuotaUnit

# Short scales for token counts; each step is a thousand times the one after it.
SCALES = ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "k"))
WORDS = {QuotaUnit.CREDITS: "credits", QuotaUnit.TOKENS: "tokens", QuotaUnit.USD: "USD"}


def unit_of(value: str | QuotaUnit | None) -> QuotaUnit:
    """The unit a stored value names; none (an older row, a view without it) counts credits."""
    return QuotaUnit(value) if value else QuotaUnit.CREDITS


def short_count(value: int) -> str:
    """``950``, ``1.2k``, ``12k``, ``1.2M``, ``5M``, ``2.5B``: two significant figures past a thousand."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    for index, (scale, suffix) in enumerate(SCALES):
        if size >= scale:
            scaled = size / scale
            text = f"{scaled:.1f}" if scaled < 9.95 else f"{scaled:.0f}"
            if text == "1000" and index > 0:  # 999,950 is 1M, not 1000k
                return f"{sign}1{SCALES[index - 1][1]}"
            return sign + text.removesuffix(".0") + suffix
    return f"{sign}{size}"


def dollars(cents: int) -> str:
    """US cents as dollars: ``$12.34``; a thousand dollars and more without the cents (``$1,235``)."""
    sign, size = ("-" if cents < 0 else ""), abs(cents)
    if size >= 100_000:
        return f"{sign}${round(size / 100):,}"
    return f"{sign}${size // 100}.{size % 100:02d}"


def amount(value: int, unit: str | QuotaUnit | None) -> str:
    """One figure in ``unit``: ``85`` credits, ``1.2M`` tokens, ``$12.34``."""
    kind = unit_of(unit)
    if kind is QuotaUnit.TOKENS:
        return short_count(value)
    if kind is QuotaUnit.USD:
        return dollars(value)
    return str(value)


def pair(part: int, whole: int, unit: str | QuotaUnit | None) -> str:
    """``part`` of ``whole``: ``85/100``, ``1.2M/5M tok``, ``$12.34/$20.00``."""
    kind = unit_of(unit)
    text = f"{amount(part, kind)}/{amount(whole, kind)}"
    return text + " tok" if kind is QuotaUnit.TOKENS else text


def unit_word(unit: str | QuotaUnit | None) -> str:
    """What a total is counted in, for a sentence: ``credits``, ``tokens``, ``USD``."""
    return WORDS[unit_of(unit)]


def total(part: int, whole: int, unit: str | QuotaUnit | None) -> str:
    """A total for a sentence: ``105/200 credits``, ``1.2M/5M tokens``, ``$12.34/$20.00``."""
    kind = unit_of(unit)
    if kind is QuotaUnit.USD:
        return pair(part, whole, kind)
    return f"{amount(part, kind)}/{amount(whole, kind)} {WORDS[kind]}"


def part_of(part: int, whole: int, unit: str | QuotaUnit | None) -> str:
    """A share in words: ``90 of 100 credits``, ``4.9M of 5M tokens``, ``$0.88 of $20.00``."""
    kind = unit_of(unit)
    words = "" if kind is QuotaUnit.USD else f" {WORDS[kind]}"
    return f"{amount(part, kind)} of {amount(whole, kind)}{words}"


def exact(value: int, unit: str | QuotaUnit | None) -> str:
    """An exact figure in the account's unit: ``1,234`` (credits, tokens), ``$6.12`` (usd counts cents)."""
    return dollars(value) if unit_of(unit) is QuotaUnit.USD else f"{value:,}"


def exact_in_unit(value: int, unit: str | QuotaUnit | None) -> str:
    """``1,234 tokens``, ``$6.12``: never cents called dollars."""
    counted = unit_of(unit)
    return exact(value, counted) if counted is QuotaUnit.USD else f"{value:,} {counted.value}"
