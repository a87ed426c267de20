"""Request and response models of the original's private endpoints (select-best-account,
auto-rotate, batch-create-accounts, analyze-credits); the envelopes and field types come from ``schemas``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from paas.api.schemas import RequestBody
from paas.core.analytics import MAX_DAYS, MIN_DAYS
from paas.core.types import Platform, QuotaUnit, SessionType
from paas.services.account_input import AccountCreate
from paas.services.analytics import CreditAnalysis
from paas.services.batch import MAX_BATCH
from paas.services.field_rules import MAX_CREDITS, WHOLE, Id, ShortText
from paas.services.history import TaskText
from paas.services.views import RankedOut, RotationAnswer


class SelectBest(RequestBody):
    specialization: ShortText | None = None
    platform: Platform | None = None
    min_credits: Annotated[int, Field(strict=True, ge=0, le=MAX_CREDITS), WHOLE] = 0
    project_id: Id | None = None
    session_type: SessionType | None = None
    limit: Annotated[int, Field(strict=True, ge=1, le=100), WHOLE] = 1
    task: TaskText | None = Field(None, description="What the job is, in words: history's estimate for it ranks "
                                  "accounts short of credits lower and those suited to similar work higher.")


class SelectBestEnvelope(BaseModel):
    success: Literal[True] = True
    data: RankedOut = Field(description="The best account (the original's answer).")
    ranked: list[RankedOut] = Field(description="The best `limit` accounts, best first.")


class AutoRotate(RequestBody):
    current_account_id: Id
    project_id: Id
    final_credits: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS), WHOLE] | None = None
    note: ShortText | None = None
    specialization: ShortText | None = None
    platform: Platform | None = None
    min_credits: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS), WHOLE] = 1
    session_type: SessionType | None = None


class AutoRotateEnvelope(RotationAnswer):
    success: Literal[True] = True


# A row is published as what it must be, a new account (POST /api/accounts' body), though it is parsed
# as a plain object: the service checks the rows one by one, so every bad row is reported by its index.
BatchRow = Annotated[dict[str, Any], WithJsonSchema({"$ref": f"#/components/schemas/{AccountCreate.__name__}"})]


class BatchCreate(BaseModel):
    """Rows are validated one by one by the route, so every bad row can be reported by index."""

    model_config = ConfigDict(extra="forbid")
    accounts: list[BatchRow] = Field(description=f"Up to {MAX_BATCH:,} accounts (the fields of POST /api/accounts; "
                                     "more: 413).", json_schema_extra={"maxItems": MAX_BATCH})
    on_conflict: Literal["error", "skip"] = "error"


class BatchCreatedItem(BaseModel):
    name: str
    id: int


class BatchEnvelope(BaseModel):
    success: Literal[True] = True
    message: str
    accounts: list[BatchCreatedItem]
    skipped: list[str]


class AnalyzeCredits(RequestBody):
    project_id: Id | None = Field(default=None, description="One project; none: all of them.")
    days: Annotated[int, Field(strict=True, ge=MIN_DAYS, le=MAX_DAYS), WHOLE] = Field(
        default=30, description="The window: sessions finished in the last `days` days.")
    unit: QuotaUnit | None = Field(default=None, description="Sum the accounts counting this unit; none: credits "
                                                             "when an account counts credits, else the first unit.")


class AnalyzeCreditsEnvelope(BaseModel):
    success: Literal[True] = True
    data: CreditAnalysis
