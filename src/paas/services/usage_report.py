"""Imported usage per day and model (the dashboard's analytics page): what agents' logs said they
spent, in tokens and estimated dollars, summed by ``store.usage_report`` in one query."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import Field
from sqlalchemy.orm import Session

from paas.core import analytics as core
from paas.services.views import View
from paas.store import usage_report as store

UNKNOWN_MODEL = "(no model)"


class ModelDayOut(View):
    date: date
    model: str = Field(description=f"The model the agent named; {UNKNOWN_MODEL!r} when its log named none.")
    source: str = Field(description="Which agent's logs: claude_code or codex.")
    records: int
    input_tokens: int
    output_tokens: int
    cache_tokens: int = Field(description="Cache creation and cache read tokens.")
    cost_usd: float | None = Field(description="Estimated cost (genai-prices); null: the model is not priced.")


class ModelTotalOut(View):
    model: str
    records: int
    tokens: int = Field(description="Input, output and cache tokens.")
    cost_usd: float | None


class ImportedUsageOut(View):
    days: int
    since: datetime
    until: datetime
    rows: list[ModelDayOut] = Field(description="Per UTC day, model and source, oldest day first.")
    models: list[ModelTotalOut] = Field(description="The window's totals per model, most tokens first.")


def imported_usage(session: Session, *, now: datetime, days: int = 30) -> ImportedUsageOut:
    """The ``days`` before ``now`` of imported usage (days outside 1..3650: InvalidInput)."""
    core.check_days(days)
    since = now - timedelta(days=days)
    found = store.imported_by_day_and_model(session, since=since, until=now)
    rows = [ModelDayOut(date=item.day, model=item.model or UNKNOWN_MODEL, source=item.source, records=item.records,
                        input_tokens=item.input_tokens, output_tokens=item.output_tokens,
                        cache_tokens=item.cache_tokens,
                        cost_usd=None if item.cost_usd is None else round(item.cost_usd, 4)) for item in found]
    rows.sort(key=lambda row: (row.date, row.model, row.source))  # NULLs sort apart on each backend: sort here
    records: dict[str, int] = {}
    tokens: dict[str, int] = {}
    costs: dict[str, float] = {}
    for row in rows:
        records[row.model] = records.get(row.model, 0) + row.records
        tokens[row.model] = tokens.get(row.model, 0) + row.input_tokens + row.output_tokens + row.cache_tokens
        if row.cost_usd is not None:
            costs[row.model] = costs.get(row.model, 0.0) + row.cost_usd
    models = [ModelTotalOut(model=model, records=count, tokens=tokens[model],
                            cost_usd=round(costs[model], 4) if model in costs else None)
              for model, count in records.items()]
    models.sort(key=lambda item: (-item.tokens, item.model))
    return ImportedUsageOut(days=days, since=since, until=now, rows=rows, models=models)
