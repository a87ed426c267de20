"""Checks every service applies to the values it is handed, whichever door they came through."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from paas.core.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


def parse_enum(enum: type[E], value: str | E, field: str) -> E:
    """``value`` as a member of ``enum``, or InvalidInput listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        allowed = [member.value for member in enum]
        raise InvalidInput(
            f"{field} must be one of {', '.join(allowed)}", {"field": field, "allowed": allowed}
        ) from None


def required_text(value: str | None, field: str) -> str:
    """A stripped, non-empty string, or InvalidInput naming the field."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput(f"{field} must not be empty", {"field": field})
    return cleaned


def refuse_nulls(changes: dict[str, object], fields: tuple[str, ...]) -> None:
    """A PATCH may not clear a field the record cannot be without."""
    cleared = [field for field in fields if field in changes and changes[field] is None]
    if cleared:
        raise InvalidInput(f"{', '.join(cleared)} cannot be null", {"fields": cleared})
