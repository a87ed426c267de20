"""What imported usage costs an account, in its unit: the rules ``usage_import`` charges rows by.

- ``tokens``: input + output + cache creation + cache reads;
- ``usd``: cents of the genai-prices estimate, charged so that the account's imported credits
  always equal the rounded sum of the exact costs: each row gets the step of the rounded running
  total, starting from the account's stored imported cost; a model with no price spends 0 (counted
  ``unpriced``); a fuller copy replacing a stored row moves the running total by its difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from paas.core.types import QuotaUnit
from paas.core.usage_logs import UsageRecord
from paas.store import usage_imports as store


@dataclass
class Charge:
    """One account's running figures while rows are charged."""

    unit: QuotaUnit
    exact_usd: Decimal  # every imported row's exact cost so far
    charged_cents: int  # round(exact_usd * 100) as charged so far
    records: int = 0
    credits: int = 0
    latest: datetime | None = None

    @classmethod
    def starting(cls, unit: QuotaUnit, stored_cost: float) -> Charge:
        exact = Decimal(repr(stored_cost)) if unit is QuotaUnit.USD else Decimal(0)
        return cls(unit=unit, exact_usd=exact, charged_cents=cents(exact))

    def cents_for(self, cost: Decimal) -> int:
        self.exact_usd += cost
        target = cents(self.exact_usd)
        step, self.charged_cents = target - self.charged_cents, target
        return step


def cents(dollars: Decimal) -> int:
    return int((dollars * 100).to_integral_value(ROUND_HALF_EVEN))


def credits_for(charge: Charge, record: UsageRecord, cost: Decimal | None) -> int | None:
    """A new row's credits; None when the account counts usd and the model is not priced (0 then)."""
    if charge.unit is QuotaUnit.TOKENS:
        return record.total_tokens
    if cost is None:
        return None
    return max(0, charge.cents_for(cost))


def credit_delta(charge: Charge, record: UsageRecord, copy: store.StoredCopy, cost: Decimal | None) -> int:
    """How a stored row's credits change when a fuller copy replaces it (never below 0 in all)."""
    if charge.unit is QuotaUnit.TOKENS:
        return record.total_tokens - copy.credits
    before = Decimal(repr(copy.cost_usd)) if copy.cost_usd is not None else Decimal(0)
    return max(-copy.credits, charge.cents_for((cost or Decimal(0)) - before))


def event_row(record: UsageRecord, account_id: int, file_id: int, credits: int, cost: Decimal | None,
              attached: store.OpenSession | None) -> list[Any]:
    """A new event's values in ``store.usage_imports.EVENT_COLUMNS`` order."""
    return [account_id, attached.id if attached else None, attached.project_id if attached else None, credits, 0,
            record.source, file_id, record.message_id, record.request_id, record.sidechain,
            _fit(record.agent_session), _fit(record.model), record.input_tokens, record.output_tokens,
            record.cache_creation_tokens, record.cache_read_tokens, float(cost) if cost is not None else None,
            record.occurred_at]


def copy_update(record: UsageRecord, copy: store.StoredCopy, file_id: int, delta: int,
            cost: Decimal | None) -> dict[str, Any]:
    return {
        "event_id": copy.id, "request_id": record.request_id, "sidechain": record.sidechain,
        "model": _fit(record.model),
        "input_tokens": record.input_tokens, "output_tokens": record.output_tokens,
        "cache_creation_tokens": record.cache_creation_tokens, "cache_read_tokens": record.cache_read_tokens,
        "cost_usd": float(cost) if cost is not None else None, "credits": copy.credits + delta,
        "source_file_id": file_id, "agent_session": _fit(record.agent_session),
    }


def _fit(text: str | None) -> str | None:
    """A name as the ledger keeps it (200 characters)."""
    return text if text is None or len(text) <= 200 else text[:200]
