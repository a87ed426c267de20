"""Finding a row's id by id or by name (services.lookup decides what a reference means)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def id_if_exists(session: Session, model: Any, row_id: int) -> int | None:
    found: int | None = session.scalar(select(model.id).where(model.id == row_id))
    return found


def ids_named(session: Session, model: Any, column: Any, value: str) -> list[int]:
    return list(session.scalars(select(model.id).where(column == value).order_by(model.id).limit(2)))


def all_names(session: Session, name_column: Any) -> list[str]:
    return list(session.scalars(select(name_column).limit(10_000)))
