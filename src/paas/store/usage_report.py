"""Usage read from agents' logs, summed per UTC day, model and source: one grouped query over the
imported rows of the ledger (``source`` set) in a window. Tokens and the estimated dollar cost are
summed, not credits: an account's credits are in its own unit, and units do not add up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paas.store.schema import CreditEvent


@dataclass(frozen=True)
class ModelDay:
    day: date
    model: str | None
    source: str
    records: int
    input_tokens: int
    output_tokens: int
    cache_tokens: int
    cost_usd: float | None


def imported_by_day_and_model(session: Session, *, since: datetime, until: datetime) -> list[ModelDay]:
    """Per (UTC day, model, source) of ``[since, until]``, oldest day first (stored datetimes are naive
    UTC, so the database's ``date()`` is the UTC day on both backends)."""
    day = func.date(CreditEvent.occurred_at)
    statement = (
        select(day.label("day"), CreditEvent.model, CreditEvent.source, func.count().label("records"),
               func.coalesce(func.sum(CreditEvent.input_tokens), 0),
               func.coalesce(func.sum(CreditEvent.output_tokens), 0),
               func.coalesce(func.sum(CreditEvent.cache_creation_tokens), 0)
               + func.coalesce(func.sum(CreditEvent.cache_read_tokens), 0),
               func.sum(CreditEvent.cost_usd))
        .where(CreditEvent.source.is_not(None), CreditEvent.occurred_at >= since, CreditEvent.occurred_at <= until)
        .group_by(day, CreditEvent.model, CreditEvent.source)
        .order_by(day, CreditEvent.model, CreditEvent.source))
    return [ModelDay(day=value if isinstance(value, date) else date.fromisoformat(str(value)), model=model,
                     source=str(source), records=int(records), input_tokens=int(tokens_in),
                     output_tokens=int(tokens_out),
                     cache_tokens=int(cache), cost_usd=None if cost is None else float(cost))
            for value, model, source, records, tokens_in, tokens_out, cache, cost in session.execute(statement)]
