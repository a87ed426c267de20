"""The knowledge base: patterns, fixes and tips, most used first.

Search is a case-insensitive substring match over title, description and tags, every word
of the query required; it runs the same on SQLite and PostgreSQL (no FTS extension needed).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from paas.core.types import Page
from paas.store.records import paginate
from paas.store.schema import KnowledgeEntry, WorkSession


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(session: Session, *, category: str | None, query: str | None,
           limit: int, offset: int, projects: Collection[int] | None = None) -> Page[KnowledgeEntry]:
    """``projects``: only entries taught by these projects' sessions, and those of no session."""
    statement = select(KnowledgeEntry).order_by(
        KnowledgeEntry.usage_count.desc(), KnowledgeEntry.success_rate.desc(), KnowledgeEntry.id
    )
    if projects is not None:
        taught = select(WorkSession.id).where(WorkSession.project_id.in_(sorted(projects)))
        statement = statement.where(KnowledgeEntry.source_session_id.is_(None)
                                    | KnowledgeEntry.source_session_id.in_(taught))
    if category:
        statement = statement.where(KnowledgeEntry.category == category)
    for word in (query or "").split():
        pattern = f"%{_escape_like(word.lower())}%"
        statement = statement.where(
            or_(
                func.lower(KnowledgeEntry.title).like(pattern, escape="\\"),
                func.lower(func.coalesce(KnowledgeEntry.description, "")).like(pattern, escape="\\"),
                func.lower(func.coalesce(KnowledgeEntry.tags, "")).like(pattern, escape="\\"),
            )
        )
    return paginate(session, statement, limit, offset)


def find_same(session: Session, category: str, title: str) -> KnowledgeEntry | None:
    return session.scalars(
        select(KnowledgeEntry).where(
            KnowledgeEntry.category == category, func.lower(KnowledgeEntry.title) == title.lower()
        )
    ).first()


def most_used(session: Session, limit: int) -> list[KnowledgeEntry]:
    return list(session.scalars(
        select(KnowledgeEntry).order_by(KnowledgeEntry.usage_count.desc(), KnowledgeEntry.id).limit(limit)))


def linked(session: Session, ids: list[int], session_ids: list[int]) -> list[KnowledgeEntry]:
    """Entries among ``ids`` (a briefing linked them), or learned in one of ``session_ids``."""
    if not ids and not session_ids:
        return []
    return list(session.scalars(select(KnowledgeEntry).where(or_(
        KnowledgeEntry.id.in_(ids), KnowledgeEntry.source_session_id.in_(session_ids)))
        .order_by(KnowledgeEntry.usage_count.desc(), KnowledgeEntry.id)))
