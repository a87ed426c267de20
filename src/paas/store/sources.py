"""Transcript sources: the exact text `context save` received, compressed at rest, once per project.

Contract: ``pack`` hashes and compresses a text (UTF-8, zlib level 6) with no database, so the
slow part happens before the write transaction; ``keep`` stores a packed text with its detected
format and answers ``(source, stored)``. The same text saved again for the same project is not
stored a second time: the existing row's ``last_saved_at`` moves to ``now`` and ``stored`` is
False. ``text_of`` gives back the very string that was kept (checked against the hash).
"Latest" means the most recently saved (``last_saved_at``, then id), so re-saving an older
text makes it the latest again.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from paas.store.schema import TranscriptSource

COMPRESSION_LEVEL = 6


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find(session: Session, project_id: int, sha256: str) -> TranscriptSource | None:
    return session.scalars(select(TranscriptSource).where(
        TranscriptSource.project_id == project_id, TranscriptSource.sha256 == sha256)).first()


@dataclass(frozen=True)
class Packed:
    """A text as it is stored: its hash, its UTF-8 size and its compressed bytes."""

    sha256: str
    size_bytes: int
    content_zlib: bytes


def pack(text: str) -> Packed:
    """Hash and compress ``text`` (no database: the slow part, done before the write transaction)."""
    raw = text.encode("utf-8")
    return Packed(sha256=hashlib.sha256(raw).hexdigest(), size_bytes=len(raw),
                  content_zlib=zlib.compress(raw, COMPRESSION_LEVEL))


def keep(session: Session, *, project_id: int, session_id: int | None, packed: Packed, format: str,
         filename: str | None, now: datetime) -> tuple[TranscriptSource, bool]:
    """The project's stored copy of the packed text: added now (True), or found and re-dated (False)."""
    existing = find(session, project_id, packed.sha256)
    if existing is not None:
        existing.last_saved_at = now
        session.flush()
        return existing, False
    source = TranscriptSource(project_id=project_id, session_id=session_id, format=format,
                              filename=filename[:255] if filename else None, sha256=packed.sha256,
                              size_bytes=packed.size_bytes, content_zlib=packed.content_zlib, created_at=now,
                              last_saved_at=now)
    session.add(source)
    session.flush()
    return source, True


def text_of(source: TranscriptSource) -> str:
    """The kept text, exactly; a copy that no longer matches its hash is an error, never a briefing."""
    text = zlib.decompress(source.content_zlib).decode("utf-8")
    if sha256_of(text) != source.sha256:
        raise ValueError(f"transcript source {source.id} does not match its SHA-256")
    return text


def latest_of_project(session: Session, project_id: int) -> TranscriptSource | None:
    return session.scalars(
        select(TranscriptSource).where(TranscriptSource.project_id == project_id)
        .order_by(TranscriptSource.last_saved_at.desc(), TranscriptSource.id.desc())
    ).first()


def latest_id_of_project(session: Session, project_id: int) -> int | None:
    return session.scalar(
        select(TranscriptSource.id).where(TranscriptSource.project_id == project_id)
        .order_by(TranscriptSource.last_saved_at.desc(), TranscriptSource.id.desc()).limit(1))
