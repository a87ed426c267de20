"""services.handoff: a briefing of the project's context, saved as a handoff snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paas.core.errors import InvalidInput, NotFound
from paas.services import handoff
from paas.store.db import transaction
from paas.store.schema import ContextSnapshot

Make = Callable[..., Any]
CONTEXT = "\n".join(f"step {number}" for number in range(1, 21))


def compress(engine: Engine, clock: Any, **arguments: Any) -> handoff.HandoffResult:
    with transaction(engine) as session:
        return handoff.compress_handoff(session, now=clock(), **arguments)


def test_saves_a_handoff_snapshot_of_the_briefing(
    engine: Engine, clock: Any, add_project: Make, add_account: Make, start: Make
) -> None:
    project, account = add_project("Barber"), add_account("GenSpark-Main")
    start(project.id, add_account("other").id)
    latest = start(project.id, account.id)
    result = compress(engine, clock, project_id=project.id, context=CONTEXT, level="high",
                      credits_used=88, from_account_id=account.id)
    assert (result.briefing.kept_lines, result.briefing.original_lines) == (5, 20)
    assert "- From account: GenSpark-Main" in result.briefing.markdown
    with transaction(engine, write=False) as session:
        snapshot = session.scalars(select(ContextSnapshot)).one()
    assert (snapshot.project_id, snapshot.session_id, snapshot.snapshot_type) == (project.id, latest.id, "handoff")
    assert snapshot.compressed_context == result.briefing.markdown
    assert snapshot.context_summary == "5 of 20 lines kept"
    assert snapshot.created_at == clock()


def test_a_project_without_sessions_gets_a_snapshot_without_session(
    engine: Engine, clock: Any, add_project: Make
) -> None:
    result = compress(engine, clock, project_id=add_project("p").id, context=CONTEXT)
    assert result.snapshot.session_id is None
    assert result.briefing.kept_lines == 15


def test_unknown_project_or_account_is_not_found(engine: Engine, clock: Any, add_project: Make) -> None:
    with pytest.raises(NotFound, match="project"):
        compress(engine, clock, project_id=5, context=CONTEXT)
    with pytest.raises(NotFound, match="account"):
        compress(engine, clock, project_id=add_project("p").id, context=CONTEXT, from_account_id=5)


def test_blank_context_is_invalid(engine: Engine, clock: Any, add_project: Make,
                                  rows: Callable[[type[Any]], int]) -> None:
    with pytest.raises(InvalidInput, match="context"):
        compress(engine, clock, project_id=add_project("p").id, context=" \n\n ")
    assert rows(ContextSnapshot) == 0


def test_unknown_level_is_invalid_input(engine: Engine, clock: Any, add_project: Make,
                                        rows: Callable[[type[Any]], int]) -> None:
    # A service must answer with a domain error whichever door called it, not a bare ValueError.
    with pytest.raises(InvalidInput):
        compress(engine, clock, project_id=add_project("p").id, context=CONTEXT, level="extreme")
    assert rows(ContextSnapshot) == 0
