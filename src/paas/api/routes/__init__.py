"""Route modules, one per area; each parses, calls one service, and shapes the answer."""

from __future__ import annotations

from typing import Any

from fastapi import Query

from paas.api.schemas import ErrorEnvelope
from paas.services.field_rules import MAX_ID


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give (401/403/422/429 always apply)."""
    described = {
        400: "Malformed JSON body.",
        401: "Missing, unknown, revoked or expired token.",
        403: "The token's role does not allow this.",
        404: "A named record does not exist.",
        409: "Conflicts with the current state (duplicate, leased, already done, replayed key).",
        413: "Body over the size limit.",
        422: "Input does not match the schema or a domain rule.",
        429: "Too many failed authentications from this client or for this token prefix; see Retry-After.",
    }
    wanted = sorted({401, 403, 422, 429, *statuses})
    return {status: {"model": ErrorEnvelope, "description": described[status]} for status in wanted}


def page_params(default_limit: int = 100) -> Any:
    def params(limit: int = Query(default_limit, ge=1, le=500, description="Page size."),
               offset: int = Query(0, ge=0, le=MAX_ID, description="Rows to skip.")) -> tuple[int, int]:
        return limit, offset

    return params
