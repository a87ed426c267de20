"""Transcript sources in the database: exact round trip, compressed at rest, one copy per project."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from paas.store import sources
from paas.store.schema import Project, TranscriptSource
from paas.store.unit import transaction

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# Trailing spaces, CRLF, a BOM-free Unicode mix and a repeated body (so zlib has something to do).
TEXT = "User: fix `ß` → ü in src/app.py  \r\n\r\nAssistant: done.\n" + "Assistant: ran pytest -q: 3 passed\n" * 200


@pytest.fixture
def project_ids(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as session:
        first, second = Project(name="One"), Project(name="Two")
        session.add_all([first, second])
        session.flush()
        return first.id, second.id


def keep(engine: Engine, project_id: int, text: str = TEXT, now: datetime = NOW) -> tuple[int, bool]:
    with transaction(engine) as session:
        source, stored = sources.keep(session, project_id=project_id, session_id=None, packed=sources.pack(text),
                                      format="plain", filename="chat.md", now=now)
        return source.id, stored


def test_the_text_comes_back_exactly_and_is_compressed_at_rest(engine: Engine, project_ids: tuple[int, int]) -> None:
    source_id, stored = keep(engine, project_ids[0])
    assert stored is True
    with transaction(engine, write=False) as session:
        source = session.get(TranscriptSource, source_id)
        assert source is not None
        assert sources.text_of(source) == TEXT
        assert source.size_bytes == len(TEXT.encode("utf-8"))
        assert len(source.content_zlib) < source.size_bytes / 10
        assert zlib.decompress(source.content_zlib) == TEXT.encode("utf-8")
        assert source.sha256 == sources.sha256_of(TEXT) and len(source.sha256) == 64
        assert (source.format, source.filename, source.created_at) == ("plain", "chat.md", NOW)


def test_the_same_text_is_kept_once_per_project(engine: Engine, project_ids: tuple[int, int]) -> None:
    first, second = project_ids
    original, _ = keep(engine, first)
    again, stored = keep(engine, first, now=NOW + timedelta(minutes=5))
    elsewhere, stored_elsewhere = keep(engine, second)
    assert (again, stored) == (original, False)
    assert stored_elsewhere is True and elsewhere != original
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(TranscriptSource)) == 2
        row = session.get(TranscriptSource, original)
        assert row is not None and (row.created_at, row.last_saved_at) == (NOW, NOW + timedelta(minutes=5))


def test_the_database_refuses_a_second_copy_of_a_text_in_one_project(engine: Engine,
                                                                      project_ids: tuple[int, int]) -> None:
    keep(engine, project_ids[0])
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(TranscriptSource(project_id=project_ids[0], format="plain", sha256=sources.sha256_of(TEXT),
                                     size_bytes=1, content_zlib=b"x", created_at=NOW, last_saved_at=NOW))
        session.flush()


def test_saving_an_older_text_again_makes_it_the_latest(engine: Engine, project_ids: tuple[int, int]) -> None:
    project = project_ids[0]
    older, _ = keep(engine, project, "User: one", NOW)
    newer, _ = keep(engine, project, "User: two", NOW + timedelta(minutes=1))
    with transaction(engine, write=False) as session:
        assert sources.latest_id_of_project(session, project) == newer
    keep(engine, project, "User: one", NOW + timedelta(minutes=2))
    with transaction(engine, write=False) as session:
        assert sources.latest_id_of_project(session, project) == older
        latest = sources.latest_of_project(session, project)
        assert latest is not None and latest.id == older
        assert sources.latest_id_of_project(session, project_ids[1]) is None


def test_a_copy_that_no_longer_matches_its_hash_is_refused(engine: Engine, project_ids: tuple[int, int]) -> None:
    source_id, _ = keep(engine, project_ids[0])
    with transaction(engine) as session:
        source = session.get(TranscriptSource, source_id)
        assert source is not None
        source.content_zlib = zlib.compress(b"User: something else")
    with transaction(engine, write=False) as session:
        source = session.get(TranscriptSource, source_id)
        assert source is not None
        with pytest.raises(ValueError, match="does not match its SHA-256"):
            sources.text_of(source)
