"""Figures in an account's unit, as a narrow screen shows them (``core.units``)."""

from __future__ import annotations

import pytest

from paas.core.units import amount, dollars, pair, short_count, total


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (950, "950"), (999, "999"), (1000, "1k"), (1234, "1.2k"), (9949, "9.9k"), (9950, "10k"),
    (12_345, "12k"), (999_499, "999k"), (999_950, "1M"), (1_234_567, "1.2M"), (5_000_000, "5M"),
    (4_500_000_000, "4.5B"), (10**12, "1T"), (-1500, "-1.5k"),
])
def test_token_counts_are_short(value: int, shown: str) -> None:
    assert short_count(value) == shown


@pytest.mark.parametrize(("cents", "shown"), [
    (0, "$0.00"), (5, "$0.05"), (1234, "$12.34"), (2000, "$20.00"), (99_999, "$999.99"), (123_456, "$1,235"),
    (-250, "-$2.50"),
])
def test_cents_are_dollars(cents: int, shown: str) -> None:
    assert dollars(cents) == shown


def test_pairs_and_totals_name_their_unit() -> None:
    assert pair(1_200_000, 5_000_000, "tokens") == "1.2M/5M tok"
    assert pair(1234, 2000, "usd") == "$12.34/$20.00"
    assert pair(85, 100, "credits") == pair(85, 100, None) == "85/100"  # credits as always
    assert total(105, 200, "credits") == "105/200 credits"
    assert total(3_800_000, 5_000_000, "tokens") == "3.8M/5M tokens"
    assert total(766, 2000, "usd") == "$7.66/$20.00"
    assert amount(2**40, "tokens") == "1.1T" and amount(2**40, "credits") == str(2**40)  # no 32-bit limit
