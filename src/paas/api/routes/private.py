"""The original's private endpoints: select-best-account, auto-rotate, batch-create-accounts.

Shapes follow ORIGINAL-API.md; each answer adds computed detail beside the original fields.
Auto-rotate builds its briefing body in a read transaction, then decides and saves in its own
retried write transaction (a lost race is retried, never a 500), and honours
``Idempotency-Key``: same key and body → the same answer and no second rotation.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from paas.api.deps import Admin, Now, Operator, Reader, Runner, SessionDep, Vault, Viewer
from paas.api.private_schemas import (
    AutoRotate,
    AutoRotateEnvelope,
    BatchCreate,
    BatchCreatedItem,
    BatchEnvelope,
    NextAccountOut,
    RotationOut,
    SelectBest,
    SelectBestEnvelope,
)
from paas.api.routes import errors
from paas.services.batch import create_accounts
from paas.services.rotation import RotationResult, rotate_once
from paas.services.selection import require_best_accounts
from paas.services.views import RankedOut

router = APIRouter(tags=["private"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)]


@router.post("/api/private/select-best-account", response_model=SelectBestEnvelope,
             responses=errors(400, 404, 413))
def select_best(body: SelectBest, session: SessionDep, now: Now, _: Viewer) -> SelectBestEnvelope:
    ranked = require_best_accounts(session, now=now, specialization=body.specialization or "",
                                   platform=body.platform, min_credits=body.min_credits, project_id=body.project_id,
                                   limit=body.limit, session_type=body.session_type)
    items = [RankedOut.of(item) for item in ranked]
    return SelectBestEnvelope(data=items[0], ranked=items)


def rotation_answer(result: RotationResult) -> dict[str, Any]:
    nxt = result.next_view
    envelope = AutoRotateEnvelope(
        next_account=NextAccountOut(id=nxt.account.id, account_name=nxt.account.account_name,
                                    credits_available=nxt.remaining, specialization=nxt.account.specialization),
        briefing=result.briefing, credit_savings=result.credit_savings,
        data=RotationOut(
            previous_account_id=result.previous.account.id, previous_credits_used=result.previous.used,
            previous_quota=result.previous.quota.credits, credits_left_unused=result.plan.credits_left_unused,
            rotate_threshold=result.plan.threshold, marked_exhausted=result.plan.mark_exhausted,
            exhausted_until=result.plan.exhausted_until, ended_session_id=result.ended_session_id,
            new_session_id=result.new_session.id, new_session_number=result.new_session.session_number,
            snapshot_id=result.snapshot_id, handoff_id=result.handoff_id, briefing_tokens=result.briefing_tokens,
            score=result.plan.next.score, reasons=list(result.plan.next.reasons)))
    return envelope.model_dump(mode="json")


@router.post("/api/private/auto-rotate", response_model=AutoRotateEnvelope, responses=errors(400, 404, 409, 413))
def rotate(body: AutoRotate, now: Now, read: Reader, run: Runner, _: Operator,
           idempotency_key: IdempotencyKey = None) -> JSONResponse:
    status, answer = rotate_once(read, run, key=idempotency_key, request=body.model_dump(mode="json"),
                                 answer=rotation_answer, now=now, **body.model_dump(exclude_none=True))
    return JSONResponse(answer, status_code=status)


@router.post("/api/private/batch-create-accounts", status_code=201, response_model=BatchEnvelope,
             responses=errors(400, 409, 413))
def batch_create(body: BatchCreate, session: SessionDep, now: Now, vault: Vault, _: Admin) -> BatchEnvelope:
    result = create_accounts(session, body.accounts, now=now, on_conflict=body.on_conflict, vault=vault)
    return BatchEnvelope(message=f"Created {len(result.created)} accounts",
                         accounts=[BatchCreatedItem(name=name, id=account_id) for account_id, name in result.created],
                         skipped=result.skipped)
