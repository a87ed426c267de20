"""What an account accepts, whichever door it comes through: the API's request bodies are these
models, and ``create_account`` / the batch import check every row against them, so a value the
API answers with 422 (a 300-character name, ``not-an-email``, a quota of "abc", a misspelled
column) is refused by `paas accounts add` and `paas accounts import` too, row by row.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from paas.core.types import Platform, QuotaUnit
from paas.services.field_rules import (
    MAX_CREDITS,
    WHOLE,
    Credits,
    Email,
    Label,
    LongText,
    Moment,
    Name,
    Secret,
    invalid,
    not_nullable,
    problems,
)

CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def clock_time(value: str) -> str:
    if not CLOCK_TIME.match(value):
        raise ValueError("must be a 24-hour time as HH:MM, e.g. 00:00 or 17:30")
    return value


ClockTime = Annotated[str, AfterValidator(clock_time), Field(json_schema_extra={"pattern": CLOCK_TIME.pattern})]


# Files in the zone folder that are not IANA zones: ``localtime`` follows the host's clock setting
# (a window would move when the machine's does), ``posixrules`` and ``Factory`` are tooling.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def iana_zones() -> frozenset[str]:
    """The IANA zone names this machine knows, and ``UTC`` (read once: listing them walks a folder)."""
    return frozenset(available_timezones() - NOT_ZONES) | {"UTC"}


def known_zone(value: str) -> str:
    """An IANA time zone name (``Europe/Paris``, ``UTC``), named in the error by its field; a file
    path, ``localtime`` or a ``posix/`` alias is not one."""
    if value not in iana_zones():
        raise PydanticCustomError("time_zone", "unknown time zone {zone}; use an IANA name such as Europe/Paris",
                                  {"zone": repr(value)})
    return value


TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(known_zone),
                     Field(description="An IANA time zone name (Europe/Paris, UTC); any other name: 422.")]


class Input(BaseModel):
    """Unknown fields and numbers sent as strings are refused: a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")


DEFAULT_QUOTA = 100
UNIT_HELP = ("What the quota and every figure of the account count: credits (the platform's own count), "
             "tokens, or usd in US cents (a quota of 2000 is $20.00). Fixed once usage is recorded. "
             "An account counting tokens or usd needs its quota (the default of 100 is credits): 422 without.")


class QuotaFields(Input):
    quota: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS), WHOLE] | None = None
    quota_unit: QuotaUnit | None = Field(None, description=UNIT_HELP)
    window_kind: Literal["daily", "rolling"] | None = None
    window_reset_at: ClockTime | None = None
    window_timezone: TimeZone | None = None
    window_hours: Annotated[int, Field(strict=True, ge=1, le=744), WHOLE] | None = None
    rotate_threshold: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS), WHOLE] | None = None
    tags: Label | None = None
    credentials: Secret | None = Field(None, description="API key or token: stored encrypted, never returned.",
                                       json_schema_extra={"writeOnly": True})


class AccountCreate(QuotaFields):
    account_name: Name
    account_email: Email | None = None
    platform: Platform = Platform.GENSPARK
    specialization: Label | None = None
    notes: LongText | None = None
    credits_available: Credits | None = Field(
        None, description="Credits left right now, at most the quota: the difference is recorded as used.")

    @field_validator("credits_available")
    @classmethod
    def within_quota(cls, value: int | None, info: ValidationInfo) -> int | None:
        """More credits left than the quota holds is a mistake to say, not a figure to clamp."""
        if "quota" not in info.data:  # a bad quota is refused on its own
            return value
        quota = info.data["quota"] or DEFAULT_QUOTA
        if value is not None and value > quota:
            raise PydanticCustomError("above_quota", "credits_available ({left}) cannot exceed the quota ({quota})",
                                      {"left": value, "quota": quota})
        return value


class AccountPatch(QuotaFields):
    # Left out: unchanged; null: refused (services.accounts.update_account), so not published as nullable.
    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable(
        "account_name", "platform", "quota", "quota_unit", "window_kind", "window_reset_at", "window_timezone",
        "window_hours", "status"))
    account_name: Name | None = None
    account_email: Email | None = None
    platform: Platform | None = None
    specialization: Label | None = None
    notes: LongText | None = None
    status: Literal["available", "exhausted", "throttled", "disabled", "blocked"] | None = Field(
        None, description="available clears platform reports; disabled (or blocked) takes it out of the pool.")


class ReportLimit(Input):
    """What a platform said when it refused work (``POST /api/accounts/{id}/report-limit``,
    `paas accounts limit`)."""

    reason: Literal["window_exhausted", "throttled", "invalid_credentials"]
    resets_at: Moment | None = None
    cooldown_seconds: Annotated[int, Field(strict=True, ge=1, le=86_400), WHOLE] | None = None


def limit_report(raw: dict[str, Any]) -> ReportLimit:
    """``raw`` checked as a limit report (a text ``resets_at`` is read as ISO 8601 with its zone)."""
    try:
        return ReportLimit.model_validate(raw)
    except ValidationError as error:
        raise invalid(error) from None


def new_account_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` checked as a new account (``InvalidInput`` naming each bad field), fields left out dropped."""
    try:
        return AccountCreate.model_validate(raw).model_dump(exclude_none=True, mode="json")
    except ValidationError as error:
        raise invalid(error) from None


def account_changes(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` checked as a PATCH of an account; a field set to null stays (the service refuses the
    ones an account cannot be without)."""
    try:
        return AccountPatch.model_validate(raw).model_dump(exclude_unset=True, mode="json")
    except ValidationError as error:
        raise invalid(error) from None


def row_fields(raw: object) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """One row of a batch, checked once: ``(fields, [])`` for a valid new account (as
    ``new_account_fields`` gives them), ``(None, problems)`` for a bad one."""
    if not isinstance(raw, dict):
        return None, [{"loc": [], "msg": "a row must be an object of account fields"}]
    try:
        return AccountCreate.model_validate(raw).model_dump(exclude_none=True, mode="json"), []
    except ValidationError as error:
        return None, problems(error)



# A file's columns are the fields of a new account (in the order a reader meets them; a test holds
# them equal to AccountCreate's); these hold whole numbers (a CSV cell is text).
IMPORT_COLUMNS = ("account_name", "platform", "account_email", "specialization", "tags", "notes", "quota",
                  "quota_unit", "window_kind", "window_reset_at", "window_timezone", "window_hours",
                  "rotate_threshold", "credits_available", "credentials")
INTEGER_COLUMNS = ("quota", "window_hours", "rotate_threshold", "credits_available")


def close_column(name: str) -> str | None:
    """The documented column ``name`` was probably meant to be: a close spelling (``acount_name``),
    else the one it is the last word of (``email`` -> ``account_email``)."""
    close = difflib.get_close_matches(name.lower(), IMPORT_COLUMNS, n=1, cutoff=0.6)
    if close:
        return close[0]
    ending = [column for column in IMPORT_COLUMNS if column.endswith("_" + name.lower())]
    return ending[0] if len(ending) == 1 else None


def column_problems(names: list[str], *, kind: str = "column", required: bool = True) -> list[str]:
    """What is wrong with a file's columns (or a JSON row's keys: ``kind="field"``), one clause each,
    empty when they are fine: unknown ones (with the documented one each was probably meant to be),
    repeated ones, and (``required``) no ``account_name`` where no unknown one was meant to be it."""
    said = []
    meant_name = False
    for name in dict.fromkeys(names):
        if name not in IMPORT_COLUMNS:
            meant = close_column(name)
            meant_name = meant_name or meant == "account_name"
            said.append(f"unknown {kind} {name!r}" + (f" (did you mean {meant!r}?)" if meant else ""))
        elif names.count(name) > 1:
            said.append(f"{kind} {name!r} appears {names.count(name)} times")
    if required and "account_name" not in names and not meant_name:
        said.append(f"no 'account_name' {kind}")
    return said
