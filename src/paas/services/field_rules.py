"""What a field may hold, for every door: the limit types and the checks services apply.

The limit types (``Name``, ``Email``, ``ShortText``, ``Credits`` ...) are pydantic annotations:
the API's request models are made of them, and so are the service-side input models
(``services.account_input``), so a value the API refuses with 422 is refused by the CLI, the
CSV import and the MCP door with the same words. Text refuses NUL characters and lone
surrogates, which PostgreSQL cannot store. Names and labels (``Name``, ``Label``: account and
project names, token names, knowledge titles, tags) also refuse every control character (C0, DEL,
C1: ESC, BEL, CR, backspace, line breaks) and the bidirectional overrides and isolates: a name is
one line that reads as it prints. Free text (notes, descriptions) keeps line breaks and tabs, and
the CLI escapes what it prints (``cli.printing``). The functions are the checks a
service applies to values already typed (an enum's name, a required text, a PATCH that clears a field).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from paas.core.errors import InvalidInput
from paas.core.unprintable import UNPRINTABLE

E = TypeVar("E", bound=StrEnum)
MAX_ID = 2**31 - 1
# A figure in an account's unit: tokens run to billions a week; 10^12 keeps every sum exact in 64 bits
# and in a JSON number (2^53).
MAX_CREDITS = 10**12


def storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


def whole_number(value: object) -> object:
    """JSON has one kind of number and JSON Schema counts ``2.0`` as the integer 2: an integral float
    is that integer. ``2.5``, ``"2"`` and ``true`` are left as they are, for the strict check to refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Goes after a whole number's ``Field(strict=True, ge=..., le=...)`` (placed before it, the published
# minimum and maximum are lost from the JSON schema).
WHOLE = BeforeValidator(whole_number)


def one_line_plain(value: str) -> str:
    """A name or label: no control or bidirectional-override character (``core.unprintable``),
    the first one named by its code point."""
    found = UNPRINTABLE.search(value)
    if found:
        raise ValueError("must not contain control or bidirectional-override characters "
                         f"(found U+{ord(found.group()):04X} at position {found.start() + 1})")
    return value


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("date is outside the storable range once converted to UTC") from None


Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WHOLE]
# The same rule published in the JSON schemas, so the document refuses what the server does (a
# name must also hold something other than white space: it is stripped, then must not be empty).
_UNPRINTABLE_CLASS = UNPRINTABLE.pattern[1:-1]
ONE_LINE_PATTERN = Field(json_schema_extra={"pattern": f"^[^{_UNPRINTABLE_CLASS}]*$"})
NAME_PATTERN = Field(json_schema_extra={
    "pattern": f"^[^{_UNPRINTABLE_CLASS}]*[^\\s{_UNPRINTABLE_CLASS}][^{_UNPRINTABLE_CLASS}]*$"})
Moment = Annotated[AwareDatetime, AfterValidator(_utc)]
SearchText = Annotated[str, StringConstraints(max_length=200), AfterValidator(storable)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 AfterValidator(storable), AfterValidator(one_line_plain), NAME_PATTERN]
Label = Annotated[str, StringConstraints(max_length=2_000), AfterValidator(storable), AfterValidator(one_line_plain),
                  ONE_LINE_PATTERN]
ShortText = Annotated[str, StringConstraints(max_length=2_000), AfterValidator(storable)]
LongText = Annotated[str, StringConstraints(max_length=200_000), AfterValidator(storable)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=10_000), AfterValidator(storable)]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
EMAIL_PATTERN = f"^[^@\\s{_UNPRINTABLE_CLASS}]+@[^@\\s{_UNPRINTABLE_CLASS}]+$"  # EMAIL, and one plain line


def email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError("must be an e-mail address (name@host)")
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320), AfterValidator(storable),
                  AfterValidator(one_line_plain), AfterValidator(email),
                  Field(json_schema_extra={"pattern": EMAIL_PATTERN})]
_NAME: TypeAdapter[str] = TypeAdapter(Name)
Credits = Annotated[int, Field(strict=True, ge=0, le=MAX_CREDITS), WHOLE]
Minutes = Annotated[int, Field(strict=True, ge=0, le=10_000_000), WHOLE]


def problems(error: ValidationError) -> list[dict[str, Any]]:
    """A validation error as the API shows it: one ``{"loc", "msg"}`` per field."""
    return [{"loc": list(item["loc"]), "msg": item["msg"]} for item in error.errors()]


def invalid(error: ValidationError) -> InvalidInput:
    """A validation error as the one domain error, its message naming each field (no Python repr)."""
    listed = problems(error)
    said = "; ".join(f"{'.'.join(map(str, item['loc'])) or 'input'}: {item['msg'].removeprefix('Value error, ')}"
                     for item in listed)
    return InvalidInput(said, {"fields": listed})


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


def required_name(value: str | None, field: str) -> str:
    """``value`` checked as a ``Name`` (stripped, 1-200 characters, one plain line), or InvalidInput
    naming the field: for services called with a name no request model has checked (the CLI's)."""
    cleaned = required_text(value, field)
    try:
        return _NAME.validate_python(cleaned)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"{field}: {message}", {"fields": [{"loc": [field], "msg": message}]}) from None


def taken_message(kind: str, wanted: str, existing: str) -> str:
    """The 409 of a unique name: it names the one already there, which may differ in case or form."""
    if wanted == existing:
        return f"{kind} named {existing!r} already exists"
    return f"{kind} named {existing!r} already exists ({wanted!r} is the same name: case and Unicode form are ignored)"


def not_nullable(*fields: str) -> Callable[[dict[str, Any]], None]:
    """A PATCH model's ``json_schema_extra``: ``fields`` may be left out but not sent as null (the
    service's ``refuse_nulls``), so the published schema drops their null branch and null default."""

    def strip_null(schema: dict[str, Any]) -> None:
        for name in fields:
            published = schema["properties"][name]
            published.pop("default", None)
            kept = [branch for branch in published.pop("anyOf", []) if branch != {"type": "null"}]
            if len(kept) == 1:
                published.update(kept[0])
            elif kept:
                published["anyOf"] = kept

    return strip_null


def refuse_nulls(changes: dict[str, object], fields: tuple[str, ...]) -> None:
    """A PATCH may not clear a field the record cannot be without."""
    cleared = [field for field in fields if field in changes and changes[field] is None]
    if cleared:
        raise InvalidInput(f"{', '.join(cleared)} cannot be null", {"fields": cleared})
