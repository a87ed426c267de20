"""The original's private endpoints: select-best-account, auto-rotate, batch-create-accounts,
analyze-credits (a read transaction: it only sums), export-project (a read transaction too) and
its counterpart import-project (``services.transfer``: checked whole, then one write).

Shapes follow ORIGINAL-API.md; each answer adds computed detail beside the original fields.
Auto-rotate builds its briefing body in a read transaction, then decides and saves in its own
retried write transaction (a lost race is retried, never a 500), and honours
``Idempotency-Key``: same key and body → the same answer and no second rotation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query

from paas.api.deps import Now, Operator, Reader, Runner, SessionDep, SettingsDep, UnscopedAdmin, Vault, Viewer
from paas.api.export_schemas import ExportEnvelope, ExportProject, ImportEnvelope, ImportOut
from paas.api.private_schemas import (
    AnalyzeCredits,
    AnalyzeCreditsEnvelope,
    AutoRotate,
    AutoRotateEnvelope,
    BatchCreate,
    BatchCreatedItem,
    BatchEnvelope,
    SelectBest,
    SelectBestEnvelope,
)
from paas.api.routes import errors
from paas.services import rotation, transfer
from paas.services.analytics import analyze_credits
from paas.services.batch import create_accounts
from paas.services.export import export_document
from paas.services.export_document import ExportDocument
from paas.services.import_write import OnConflict
from paas.services.selection import require_best_accounts

router = APIRouter(tags=["private"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)]


@router.post("/api/private/select-best-account", response_model=SelectBestEnvelope,
             responses=errors(400, 404, 413))
def select_best(body: SelectBest, session: SessionDep, now: Now, caller: Viewer) -> SelectBestEnvelope:
    ranked = require_best_accounts(session, now=now, specialization=body.specialization or "",
                                   platform=body.platform, min_credits=body.min_credits, project_id=body.project_id,
                                   limit=body.limit, session_type=body.session_type, task=body.task,
                                   scope=caller.scope)
    return SelectBestEnvelope(data=ranked[0], ranked=ranked)


@router.post("/api/private/auto-rotate", response_model=AutoRotateEnvelope, responses=errors(400, 404, 409, 413))
def rotate(body: AutoRotate, now: Now, read: Reader, run: Runner, settings: SettingsDep, caller: Operator,
           idempotency_key: IdempotencyKey = None) -> AutoRotateEnvelope:
    answer = rotation.rotate(read, run, key=idempotency_key, request=body.model_dump(mode="json"), now=now,
                             margin_percent=settings.rotation_margin_percent, scope=caller.scope,
                             **body.model_dump(exclude_none=True))
    return AutoRotateEnvelope.model_validate(answer.model_dump())


@router.post("/api/private/batch-create-accounts", status_code=201, response_model=BatchEnvelope,
             responses=errors(400, 409, 413))
def batch_create(body: BatchCreate, session: SessionDep, now: Now, vault: Vault,
                 _: UnscopedAdmin) -> BatchEnvelope:
    result = create_accounts(session, body.accounts, now=now, on_conflict=body.on_conflict, vault=vault)
    return BatchEnvelope(message=f"Created {len(result.created)} accounts",
                         accounts=[BatchCreatedItem(name=name, id=account_id) for account_id, name in result.created],
                         skipped=result.skipped)


@router.post("/api/private/analyze-credits", response_model=AnalyzeCreditsEnvelope, responses=errors(400, 404, 413))
def analyze(body: AnalyzeCredits, now: Now, read: Reader, caller: Viewer) -> AnalyzeCreditsEnvelope:
    """Credits per finished session in the last `days` days: the band, recommendations, credits per day,
    a per-account table, a histogram, credits left unused at rotation and handoffs."""
    analysis = read(lambda session: analyze_credits(session, now=now, project_id=body.project_id, days=body.days,
                                                    unit=body.unit, scope=caller.scope))
    return AnalyzeCreditsEnvelope(data=analysis)


@router.post("/api/private/export-project", response_model=ExportEnvelope, responses=errors(400, 404, 413))
def export_project(body: ExportProject, now: Now, read: Reader, caller: Operator) -> ExportEnvelope:
    """The project and everything of it (sessions, ledger, snapshots and transcripts, history, files,
    project-linked knowledge, handoffs, links; accounts by name with their settings, never credentials),
    in one read transaction. Past 20,000 rows: 413, use `paas export` (it streams)."""
    caller.scope.check_project(body.project_id)
    return ExportEnvelope(data=read(lambda session: export_document(session, body.project_id, now=now)))


@router.post("/api/private/import-project", response_model=ImportEnvelope, responses=errors(400, 409, 413))
def import_project(body: ExportDocument, now: Now, run: Runner, _: UnscopedAdmin,
                   on_conflict: OnConflict = Query("error", description=(
                       "When a project of the same name exists: error (409), skip (nothing imported), rename "
                       "(imported as 'NAME (2)'), replace (the existing project and its rows deleted first)."))
                   ) -> ImportEnvelope:
    """An export's `data`, checked whole (every row and every reference in it), then written in one
    transaction: a refused document changes nothing. Accounts are matched by name; missing ones are
    created without credentials."""
    result = transfer.import_document(run, body, on_conflict=on_conflict, now=now)
    return ImportEnvelope(data=ImportOut(**result.__dict__))
