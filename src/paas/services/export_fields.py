"""The value types of the export document's rows: the tables' column limits (32- and 64-bit
integers, text lengths, storable text and JSON on SQLite and PostgreSQL alike)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from paas.services.field_rules import WHOLE, storable

Int32 = Annotated[int, Field(strict=True, ge=-(2**31), le=2**31 - 1), WHOLE]
Count32 = Annotated[int, Field(strict=True, ge=0, le=2**31 - 1), WHOLE]
Count64 = Annotated[int, Field(strict=True, ge=0, le=2**63 - 1), WHOLE]
Int64 = Annotated[int, Field(strict=True, ge=-(2**63), le=2**63 - 1), WHOLE]
Number = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1), WHOLE]
Text = Annotated[str, AfterValidator(storable)]


def _storable_json(value: Any) -> Any:
    """Every text inside a JSON value (keys too) storable on both databases (no NUL, no lone surrogate)."""
    if isinstance(value, str):
        storable(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            storable(key)
            _storable_json(item)
    elif isinstance(value, list):
        for item in value:
            _storable_json(item)
    elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("JSON numbers must be finite")
    return value


Json = Annotated[dict[str, Any], AfterValidator(_storable_json)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


def text_of(length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=length), AfterValidator(storable)]


def name_of(length: int) -> Any:
    return Annotated[str, StringConstraints(min_length=1, max_length=length), AfterValidator(storable)]
