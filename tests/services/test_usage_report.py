"""Imported usage per day and model (services.usage_report), both backends: typed-in usage is left
out, the window is respected, tokens and estimated dollars summed per UTC day, model and source."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import InvalidInput
from paas.services.usage_report import imported_usage
from paas.store.schema import CreditEvent
from paas.store.unit import transaction


def imported(engine: Engine, account_id: int, at: datetime, *, model: str | None, tokens: tuple[int, int, int, int],
             cost: float | None, source: str = "claude_code", credits: int = 1) -> None:
    with transaction(engine) as session:
        session.add(CreditEvent(account_id=account_id, credits=credits, occurred_at=at, source=source,
                                message_id=f"m-{at.isoformat()}-{model}", model=model, input_tokens=tokens[0],
                                output_tokens=tokens[1], cache_creation_tokens=tokens[2], cache_read_tokens=tokens[3],
                                cost_usd=cost))


def test_per_day_and_model_sums_imported_usage_only(engine: Engine, clock: Any, add_account: Any) -> None:
    account = add_account("Alpha")
    now = clock()
    yesterday = now - timedelta(days=1)
    imported(engine, account.id, yesterday, model="claude-sonnet-4-5", tokens=(10, 5, 100, 200), cost=0.5)
    imported(engine, account.id, yesterday + timedelta(minutes=1), model="claude-sonnet-4-5", tokens=(1, 1, 0, 0),
             cost=0.25)
    imported(engine, account.id, now - timedelta(hours=1), model="gpt-5", tokens=(600, 100, 0, 400), cost=None,
             source="codex")
    imported(engine, account.id, now - timedelta(days=40), model="gpt-5", tokens=(9, 9, 9, 9), cost=1.0)  # too old
    imported(engine, account.id, now - timedelta(hours=2), model=None, tokens=(3, 0, 0, 0), cost=None)
    with transaction(engine) as session:  # typed in: no source, no model
        session.add(CreditEvent(account_id=account.id, credits=50, occurred_at=now - timedelta(hours=3)))
    with transaction(engine, write=False) as session:
        report = imported_usage(session, now=now, days=30)
    assert [(row.date, row.model, row.source, row.records, row.input_tokens, row.output_tokens, row.cache_tokens,
             row.cost_usd) for row in report.rows] == [
        (yesterday.date(), "claude-sonnet-4-5", "claude_code", 2, 11, 6, 300, 0.75),
        (now.date(), "(no model)", "claude_code", 1, 3, 0, 0, None),
        (now.date(), "gpt-5", "codex", 1, 600, 100, 400, None),
    ]
    assert [(item.model, item.records, item.tokens, item.cost_usd) for item in report.models] == [
        ("gpt-5", 1, 1100, None), ("claude-sonnet-4-5", 2, 317, 0.75), ("(no model)", 1, 3, None)]


def test_days_outside_the_allowed_range_are_refused(engine: Engine, clock: Any) -> None:
    with transaction(engine, write=False) as session, pytest.raises(InvalidInput):
        imported_usage(session, now=clock(), days=0)
