"""adapters.prices answers what genai-prices itself answers, to the last decimal, in every price band."""

from __future__ import annotations

import random
from decimal import Decimal

from genai_prices import Usage, calc_price

from paas.adapters.prices import cost_usd, is_priced


def test_costs_equal_genai_prices_own_including_the_tiers_above_200k_input() -> None:
    pick = random.Random(7)
    for model in ("claude-sonnet-4-5", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022", "gpt-5",
                  "gpt-5-codex"):
        cases: list[tuple[int, ...]] = [(200_000, 0, 0, 0), (200_001, 10, 0, 0), (100_000, 5, 50_000, 50_001),
                                        (0, 0, 0, 0)]
        cases += [tuple(pick.choice([0, pick.randint(1, 300_000)]) for _ in range(4)) for _ in range(60)]
        for input_tokens, output_tokens, cache_creation, cache_read in cases:
            expected = calc_price(Usage(input_tokens=input_tokens + cache_creation + cache_read,
                                        output_tokens=output_tokens, cache_write_tokens=cache_creation,
                                        cache_read_tokens=cache_read), model_ref=model).total_price
            assert cost_usd(model, input_tokens, output_tokens, cache_creation, cache_read) == expected, model


def test_a_model_the_table_does_not_know_has_no_price() -> None:
    assert cost_usd("no-such-model-anywhere", 1000, 1000, 0, 0) is None
    assert cost_usd(None, 1000, 1000, 0, 0) is None
    assert not is_priced("<synthetic>") and is_priced("claude-sonnet-4-5")
    assert cost_usd("claude-sonnet-4-5", 100_000, 0, 0, 0) == Decimal("0.3")  # $3 a million, under 200k
