"""What an agent reads and says at a handoff: the project's briefing, and its own words checked.

- ``current_briefing``: with no level, the latest handoff briefing as saved (what
  `paas briefing show --project P` prints, the same fields as `GET /api/briefings/{id}`); with a
  level, one built now from the project's latest saved transcript at that level's budget
  (nothing is saved: a rotation or `context save` saves).
- ``own_words``: the section ``core.briefing.own_words`` writes for a handoff, each claim of the
  session's summary and next step checked against the project's latest saved transcript (read
  back exactly, in the format it was saved as), secrets redacted like the rest of the briefing.

Both read only, so a door runs them in a read transaction before any write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.adapters.secrets import find_secrets
from paas.core.briefing import extract_facts, transcript_text
from paas.core.briefing.own_words import own_words_section
from paas.core.errors import InvalidInput, NotFound
from paas.core.transcripts import read_transcript
from paas.services.briefing import LEVELS, build_handoff
from paas.services.briefing_views import BriefingView, latest_handoff
from paas.services.projects import get_project
from paas.store import sources


@dataclass(frozen=True)
class FreshBriefing:
    """A briefing built at a level from the project's latest saved transcript, not saved."""

    project_id: int
    level: str
    markdown: str
    stats: dict[str, Any]
    source_id: int
    source_format: str
    source_filename: str | None


def current_briefing(session: Session, *, project_id: int, now: datetime,
                     level: str | None = None) -> BriefingView | FreshBriefing:
    """The latest saved handoff briefing, or with ``level`` one built now from the latest saved transcript."""
    if level is None:
        return latest_handoff(session, project_id)
    if level not in LEVELS:
        raise InvalidInput("level must be low, medium or high", {"field": "level", "allowed": list(LEVELS)})
    project = get_project(session, project_id)
    source = sources.latest_of_project(session, project.id)
    if source is None:
        raise NotFound(f"project {project.id} has no saved transcript to brief at a level; save the "
                       "conversation first (save_context, `paas context save`)",
                       {"project_id": project.id, "kind": "transcript"})
    built = build_handoff(session, project_id=project.id, context=sources.text_of(source), now=now,
                          filename=source.filename, level=level, not_from_source=source.id)
    return FreshBriefing(project_id=project.id, level=level, markdown=built.markdown, stats=dict(built.stats),
                         source_id=source.id, source_format=source.format, source_filename=source.filename)


def own_words(session: Session, *, project_id: int, summary: str | None, next_step: str | None) -> str:
    """The briefing's section in the session's own words ("" when it gave none), checked against the
    project's latest saved transcript (with none saved, the section says nothing could be checked)."""
    project = get_project(session, project_id)
    if not (summary or "").strip() and not (next_step or "").strip():
        return ""
    source = sources.latest_of_project(session, project.id)
    if source is None:
        return own_words_section(summary, next_step, None, None, secret_finder=find_secrets)
    transcript = read_transcript(sources.text_of(source), filename=source.filename, format=source.format)
    name = f" `{source.filename}`" if source.filename else ""
    return own_words_section(summary, next_step, extract_facts(transcript), transcript_text(transcript),
                             source=f"the saved transcript{name} (source #{source.id}, {source.format})",
                             secret_finder=find_secrets)

