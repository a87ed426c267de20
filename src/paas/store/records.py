"""Generic row access shared by the area repositories: fetch by id or fail, paginate, apply changes.

Kept deliberately small: each area module (projects, accounts, sessions...) states its own
queries; this module only removes the four patterns they would otherwise all repeat.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Column, FromClause, Select, Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paas.core.errors import NotFound, PaasError
from paas.core.types import Page

RowT = TypeVar("RowT")


def get_or_raise(session: Session, model: type[RowT], row_id: int, label: str,
                 *, for_update: bool = False) -> RowT:
    """The row with ``row_id`` or :class:`NotFound` naming what was looked for.

    ``for_update`` locks the row and reloads it: an object this session loaded earlier (say, while
    ranking accounts) may hold values another transaction has since committed over, and a lock
    is only worth taking on the values as they are now."""
    statement = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    row = session.scalars(statement).first()
    if row is None:
        raise NotFound(f"{label} {row_id} does not exist", {"id": row_id, "kind": label})
    return row


def paginate(session: Session, statement: Select[Any], limit: int, offset: int,
             *, scalars: bool = True) -> Page[Any]:
    """Run ``statement`` for one page and count all its rows in the same transaction."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    page_statement = statement.limit(limit).offset(offset)
    items: list[Any]
    if scalars:
        items = list(session.scalars(page_statement))
    else:
        items = [tuple(row) for row in session.execute(page_statement)]
    return Page(items=items, total=total, limit=limit, offset=offset)


def delete_unless_referenced(session: Session, row: Any, conflict: PaasError) -> None:
    """Delete ``row``; if a foreign key still points at it, nothing changes and ``conflict`` is raised."""
    try:
        with session.begin_nested():
            session.delete(row)
            session.flush()
    except IntegrityError:
        raise conflict from None


def driver_insert_many(session: Session, mapped: FromClause, rows: list[dict[str, Any]]) -> None:
    """Insert rows with the driver's own executemany: for bulk imports, where SQLAlchemy's per-row
    parameter processing costs more than the database. Missing columns get the column's scalar
    default (so NOT NULL columns with defaults stay valid); datetimes are stored as the UTCDateTime
    type stores them (naive UTC; on SQLite in SQLAlchemy's text format)."""
    table = cast(Table, mapped)  # a mapped class's __table__
    if not rows:
        return
    connection = session.connection()
    names = sorted({name for row in rows for name in row})
    defaults = {name: _scalar_default(table.c[name]) for name in names}
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"

    converted: dict[datetime, Any] = {}  # a batch repeats one or two timestamps

    def stored(value: Any) -> Any:
        if not isinstance(value, datetime):
            return value
        if value not in converted:
            naive = value.astimezone(UTC).replace(tzinfo=None)
            converted[value] = naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive
        return converted[value]

    statement = (f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{name}{chr(34)}" for name in names)}) '
                 f"VALUES ({', '.join([mark] * len(names))})")
    connection.exec_driver_sql(statement, [tuple(stored(row.get(name, defaults[name])) for name in names)
                                           for row in rows])


def _scalar_default(column: Column[Any]) -> Any:
    default = column.default
    return getattr(default, "arg", None) if default is not None and getattr(default, "is_scalar", False) else None


def apply_changes(row: Any, changes: Mapping[str, Any]) -> None:
    """Set each given column; callers pass only what the request named."""
    for name, value in changes.items():
        setattr(row, name, value)
