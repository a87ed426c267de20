"""Briefings over HTTP: POST /api/handoff/compress and POST /api/private/smart-compress.

Both read the conversation (format detected), build the briefing with the engine, and save
it as the project's context snapshot; they differ only in the answer's shape (the original's).
The briefing is built in a read transaction and saved in a short write one, so a long
transcript (or a polishing model, when asked) never holds the database's write lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter

from paas.api.deps import Now, Operator, Reader, Runner, SettingsDep
from paas.api.routes import errors
from paas.api.schemas import (
    BriefingStats,
    HandoffCompress,
    HandoffEnvelope,
    HandoffOut,
    SmartCompress,
    SmartCompressEnvelope,
)
from paas.services.briefing import brief_and_save
from paas.services.polish import polisher_from_settings

router = APIRouter(tags=["handoff"])


def briefing_stats(stats: Mapping[str, Any]) -> BriefingStats:
    return BriefingStats(original_lines=stats["lines_before"], compressed_lines=stats["lines_after"],
                         compression_ratio=stats["ratio_lines"], **stats)


@router.post("/api/handoff/compress", response_model=HandoffEnvelope, responses=errors(400, 404, 413))
def compress(body: HandoffCompress, read: Reader, run: Runner, settings: SettingsDep, now: Now,
             caller: Operator) -> HandoffEnvelope:
    polisher = polisher_from_settings(settings) if body.polish else None
    saved = brief_and_save(read, run, polisher=polisher, project_id=body.project_id, context=body.context,
                           now=now, scope=caller.scope, level=body.compress_level, max_tokens=body.max_tokens,
                           from_account_id=body.from_account_id, credits_used=body.credits_used)
    stats = briefing_stats(saved.briefing.stats)
    git = saved.git.state if saved.git else None
    return HandoffEnvelope(briefing=saved.briefing.markdown, stats=stats, data=HandoffOut(
        snapshot_id=saved.snapshot.id, session_id=saved.snapshot.session_id, original_lines=stats.original_lines,
        compressed_lines=stats.compressed_lines, compression_ratio=stats.compression_ratio,
        git_commit_hash=git.committed if git else None, git_problem=git.problem if git else None))


@router.post("/api/private/smart-compress", response_model=SmartCompressEnvelope, responses=errors(400, 404, 413))
def smart_compress(body: SmartCompress, read: Reader, run: Runner, settings: SettingsDep, now: Now,
                   caller: Operator) -> SmartCompressEnvelope:
    polisher = polisher_from_settings(settings) if body.polish else None
    saved = brief_and_save(read, run, polisher=polisher, project_id=body.project_id, context=body.context,
                           now=now, scope=caller.scope, level=body.compress_level, max_tokens=body.max_tokens,
                           lines_mode=body.lines, filename=body.filename)
    return SmartCompressEnvelope(briefing=saved.briefing.markdown, stats=briefing_stats(saved.briefing.stats),
                                 snapshot_id=saved.snapshot.id)
