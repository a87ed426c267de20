"""What tokens cost in US dollars, from ``genai-prices`` (the maintained price table), behind one call.

``cost_usd(model, input, output, cache_creation, cache_read)`` answers a ``Decimal`` of dollars,
or None for a model the table does not know. ``genai-prices`` counts ``input_tokens`` WITH the
cache reads and writes (it prices them apart from the rest of the input), so the total input
passed is input + cache reads + cache creation.

Speed: a price lookup in genai-prices takes ~150 µs, too slow for an import of 100,000 records.
Within one price band (tiered models charge a whole request more above a total input of, say,
200,000 tokens) a price is linear in each kind of token, so the dollars per token of each kind are
found once per model and band, by asking genai-prices itself, and a record costs four
multiplications. ``tests/adapters/test_prices.py`` checks the result equals genai-prices' own.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

_PRICED_FIELDS = ("input_mtok", "output_mtok", "cache_write_mtok", "cache_read_mtok")


@dataclass(frozen=True)
class _Rates:
    input: Decimal
    output: Decimal
    cache_write: Decimal
    cache_read: Decimal


@dataclass(frozen=True)
class _ModelPrices:
    starts: tuple[int, ...]  # where a higher band begins (a request's total input strictly above it)
    bands: tuple[_Rates, ...]  # one per band: len(starts) + 1


def cost_usd(model: str | None, input_tokens: int, output_tokens: int, cache_creation_tokens: int,
             cache_read_tokens: int) -> Decimal | None:
    """The estimated cost of one request in US dollars, or None when the model is not priced."""
    if not model:
        return None
    prices = _model_prices(model)
    if prices is None:
        return None
    total_input = input_tokens + cache_creation_tokens + cache_read_tokens
    rates = prices.bands[bisect_left(prices.starts, total_input)] if prices.starts else prices.bands[0]
    return (rates.input * input_tokens + rates.output * output_tokens + rates.cache_write * cache_creation_tokens
            + rates.cache_read * cache_read_tokens)


def is_priced(model: str | None) -> bool:
    return bool(model) and _model_prices(model or "") is not None


@lru_cache(maxsize=1024)
def _model_prices(model: str) -> _ModelPrices | None:
    # Imported here: genai-prices costs 0.17 s of start-up, and a rerun with nothing new never asks a price.
    from genai_prices import Usage, calc_price
    from genai_prices.types import TieredPrices

    try:
        found = calc_price(Usage(input_tokens=1), model_ref=model)
    except LookupError:
        return None
    starts: set[int] = set()
    for name in _PRICED_FIELDS:
        price = getattr(found.model_price, name, None)
        if isinstance(price, TieredPrices):
            starts.update(tier.start for tier in price.tiers)
    ordered = tuple(sorted(starts))
    # A band's probe: a request whose total input lies inside it (just above the band's start).
    probes = [1] + [start + 1 for start in ordered]
    return _ModelPrices(starts=ordered, bands=tuple(_rates_at(model, probe) for probe in probes))


def _rates_at(model: str, tokens: int) -> _Rates:
    """Dollars per token of each kind for requests whose total input is ``tokens``."""
    from genai_prices import Usage, calc_price

    def total(**usage: int) -> Decimal:
        return Decimal(calc_price(Usage(**usage), model_ref=model).total_price)

    plain = total(input_tokens=tokens)
    return _Rates(
        input=plain / tokens,
        output=(total(input_tokens=tokens, output_tokens=tokens) - plain) / tokens,
        cache_write=total(input_tokens=tokens, cache_write_tokens=tokens) / tokens,
        cache_read=total(input_tokens=tokens, cache_read_tokens=tokens) / tokens,
    )
