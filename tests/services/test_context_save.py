"""`context save` keeps the transcript itself: exact text, detected format, hash, compressed, once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paas.core.errors import InvalidInput, NotFound, TranscriptFormatError
from paas.services import briefing
from paas.store import sources
from paas.store.schema import ContextSnapshot, ConversationTurn, TranscriptSource
from paas.store.unit import run_in_transaction, transaction

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLAUDE = FIXTURES / "claude_code_retry_session.jsonl"


def doors(engine: Engine) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The (read, run) pair the doors hand to the services: a read transaction, a retried write one."""
    def read(work: Callable[..., Any]) -> Any:
        with transaction(engine, write=False) as session:
            return work(session)

    def run(work: Callable[..., Any]) -> Any:
        return run_in_transaction(engine, work)

    return read, run


def save(engine: Engine, clock: Any, project_id: int, text: str, filename: str | None = None) -> Any:
    return briefing.save_context(*doors(engine), project_id=project_id, context=text, now=clock(),
                                 filename=filename)


def test_the_source_is_kept_exactly_with_its_format_and_hash(engine: Engine, clock: Any, add_project: Any,
                                                             add_account: Any, start: Any) -> None:
    project = add_project("Shop")
    work = start(project.id, add_account("A").id)
    text = CLAUDE.read_text(encoding="utf-8")
    saved = save(engine, clock, project.id, text, CLAUDE.name)
    assert saved.source_stored is True
    with transaction(engine, write=False) as session:
        source = session.get(TranscriptSource, saved.source.id)
        assert source is not None
        assert sources.text_of(source) == text
        assert (source.project_id, source.session_id, source.format, source.filename) == (
            project.id, work.id, "claude_code_jsonl", CLAUDE.name)
        assert source.sha256 == sources.sha256_of(text)
        assert len(source.content_zlib) < source.size_bytes / 2
        snapshot = session.get(ContextSnapshot, saved.snapshot.id)
        assert snapshot is not None
        assert (snapshot.source_id, snapshot.source_format, snapshot.session_id) == (
            source.id, "claude_code_jsonl", work.id)
        assert snapshot.stats is not None and snapshot.stats == saved.briefing.stats
        assert snapshot.stats["tokens_after"] > 0


def test_saving_the_same_file_twice_keeps_one_source_and_one_set_of_turns(engine: Engine, clock: Any,
                                                                          add_project: Any, add_account: Any,
                                                                          start: Any) -> None:
    project, other = add_project("Shop"), add_project("Other")
    work = start(project.id, add_account("A").id)
    text = CLAUDE.read_text(encoding="utf-8")
    first = save(engine, clock, project.id, text, CLAUDE.name)
    second = save(engine, clock, project.id, text, CLAUDE.name)
    elsewhere = save(engine, clock, other.id, text, CLAUDE.name)
    assert (second.source.id, second.source_stored) == (first.source.id, False)
    assert elsewhere.source_stored is True and elsewhere.source.id != first.source.id
    with transaction(engine, write=False) as session:
        kept = session.scalars(select(TranscriptSource).order_by(TranscriptSource.id)).all()
        assert [(row.project_id, row.sha256) for row in kept] == [(project.id, sources.sha256_of(text)),
                                                                   (other.id, sources.sha256_of(text))]
        turns = session.scalars(select(ConversationTurn).where(ConversationTurn.session_id == work.id)).all()
        snapshots = session.scalars(select(ContextSnapshot).where(ContextSnapshot.project_id == project.id)).all()
    assert len(turns) == len({turn.turn_number for turn in turns}) > 0
    assert [turn.turn_number for turn in sorted(turns, key=lambda t: t.turn_number)] == list(range(1, len(turns) + 1))
    # The second save still saves a briefing (the user asked for one), built from the same source.
    assert [row.source_id for row in snapshots] == [first.source.id, first.source.id]


def test_the_second_save_of_a_file_does_not_merge_the_briefing_of_that_same_file(engine: Engine, clock: Any,
                                                                                 add_project: Any) -> None:
    project = add_project("Shop")
    text = CLAUDE.read_text(encoding="utf-8")
    first = save(engine, clock, project.id, text, CLAUDE.name)
    second = save(engine, clock, project.id, text, CLAUDE.name)
    assert "(carried over)" not in second.briefing.markdown
    assert second.briefing.markdown == first.briefing.markdown


@pytest.mark.parametrize(("text", "filename", "error"), [
    ("   \n", None, InvalidInput),
    ('{"type": "user", "message": {"content": "hi"}}\n{broken\n', "s.jsonl", TranscriptFormatError),
])
def test_bad_input_is_refused_and_nothing_is_kept(engine: Engine, clock: Any, add_project: Any, add_account: Any,
                                                  start: Any, rows: Any, text: str, filename: str | None,
                                                  error: type[Exception]) -> None:
    project = add_project("Shop")
    start(project.id, add_account("A").id)
    with pytest.raises(error):
        save(engine, clock, project.id, text, filename)
    assert (rows(TranscriptSource), rows(ContextSnapshot), rows(ConversationTurn)) == (0, 0, 0)


def test_an_unknown_project_is_not_found_and_nothing_is_kept(engine: Engine, clock: Any, rows: Any) -> None:
    with pytest.raises(NotFound):
        save(engine, clock, 999, CLAUDE.read_text(encoding="utf-8"), CLAUDE.name)
    assert (rows(TranscriptSource), rows(ContextSnapshot)) == (0, 0)


def engine_spy(monkeypatch: pytest.MonkeyPatch, run: Callable[..., Any]) -> tuple[list[str], Callable[..., Any]]:
    """Where the briefing engine runs: ``where`` gets "read" or "write" per call; use the returned
    ``run`` for write transactions."""
    where: list[str] = []
    writing = False
    real = briefing.build_briefing

    def engine_noting_where(*args: Any, **kwargs: Any) -> Any:
        where.append("write" if writing else "read")
        return real(*args, **kwargs)

    def run_noting(work: Callable[..., Any]) -> Any:
        nonlocal writing
        writing = True
        try:
            return run(work)
        finally:
            writing = False

    monkeypatch.setattr(briefing, "build_briefing", engine_noting_where)
    return where, run_noting


def test_the_briefing_is_built_in_the_read_transaction_and_saved_in_the_write_one(
        engine: Engine, clock: Any, add_project: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    project = add_project("Shop")
    read, run = doors(engine)
    where, run_noting = engine_spy(monkeypatch, run)
    briefing.save_context(read, run_noting, project_id=project.id, context=CLAUDE.read_text(encoding="utf-8"),
                          now=clock(), filename=CLAUDE.name)
    assert where == ["read"]
