"""POST /api/handoff/compress: a briefing from a conversation, saved as a context snapshot."""

from __future__ import annotations

from fastapi import APIRouter

from paas.api.deps import Now, Operator, SessionDep
from paas.api.routes import errors
from paas.api.schemas import HandoffCompress, HandoffEnvelope, HandoffOut
from paas.services.handoff import compress_handoff

router = APIRouter(tags=["handoff"])


@router.post("/api/handoff/compress", response_model=HandoffEnvelope, responses=errors(400, 404, 413))
def compress(body: HandoffCompress, session: SessionDep, now: Now, _: Operator) -> HandoffEnvelope:
    result = compress_handoff(session, project_id=body.project_id, context=body.context, now=now,
                              level=body.compress_level, credits_used=body.credits_used,
                              from_account_id=body.from_account_id)
    return HandoffEnvelope(briefing=result.briefing.markdown, data=HandoffOut(
        snapshot_id=result.snapshot.id, session_id=result.snapshot.session_id,
        original_lines=result.briefing.original_lines, compressed_lines=result.briefing.kept_lines,
        compression_ratio=result.briefing.compression_ratio,
    ))
