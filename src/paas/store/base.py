"""The schema's foundation: the declarative base and its naming convention, UTC timestamps,
and CHECK constraints generated from the ``core.types`` enums (``store.schema`` has the tables)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Dialect, MetaData, event, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from paas.core.names import name_key
from paas.core.types import enum_values

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive so both databases agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def one_of(column: str, enum: type[StrEnum]) -> CheckConstraint:
    """CHECK that ``column`` holds one of the enum's values (NULL allowed where the column is)."""
    allowed = ", ".join(f"'{value}'" for value in enum_values(enum))
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def name_key_of(column: str) -> Callable[[Any], str]:
    """A column default: the ``core.names.name_key`` of the row's ``column``, for inserts made
    without the ORM (bulk inserts). ORM writes are kept current by ``keep_name_key``."""
    return lambda context: name_key(context.get_current_parameters()[column])


def keep_name_key(table: type, column: str, key_column: str) -> None:
    """Set ``key_column`` from ``column`` on every ORM insert and update, so a rename re-keys."""

    def rekey(_mapper: Any, _connection: Any, target: Any) -> None:
        setattr(target, key_column, name_key(getattr(target, column)))

    event.listen(table, "before_insert", rekey)
    event.listen(table, "before_update", rekey)
