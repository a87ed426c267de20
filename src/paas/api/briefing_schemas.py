"""Response models of the briefing read-back endpoints; the envelopes come from ``schemas``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from paas.core.types import SnapshotType


class BriefingOut(BaseModel):
    id: int = Field(description="The briefing's id (its context snapshot's).")
    project_id: int
    session_id: int | None = Field(description="The session it hands off from (the project's latest when saved).")
    snapshot_type: SnapshotType
    source_format: str | None = Field(description="The transcript format it was read as (null before it was kept).")
    source_id: int | None = Field(description="The stored transcript it was built from (`paas context save`).")
    markdown: str = Field(description="The briefing, ready to paste into the next session.")
    summary: str | None = Field(description="One line: token figures, or the rotation's accounts.")
    stats: dict[str, Any] | None = Field(
        description="The engine's figures (tokens, facts kept per category, budget...); null before they were kept.")
    created_at: datetime
    git_state: dict[str, Any] | None = Field(
        None, description="The project's git state the briefing told (branch, head, commits since the session "
                          "started, diff, uncommitted files, problem); null for a project without a repo_path.")
    git_commit_hash: str | None = Field(None, description="The commit the handoff made (auto_commit), if any.")
