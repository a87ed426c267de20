"""The briefing a rotation hands over: re-read from the saved transcript, bounded when nothing is saved,
built outside the rotation's write transaction and checked again inside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.briefing import LEVEL_BUDGETS
from paas.core.errors import NotFound
from paas.services import briefing, projects
from paas.services.rotation import auto_rotate, rotate
from paas.services.tokenizer import count_tokens
from paas.services.views import RotationAnswer
from paas.store.schema import ContextSnapshot
from paas.store.unit import transaction
from tests.services.test_context_save import CLAUDE, FIXTURES, doors, engine_spy, save

AIDER = FIXTURES / "aider_parser_session.aider.chat.history.md"


def section(markdown: str, name: str) -> str:
    """The body of the ``## name`` section ("" when absent)."""
    start = markdown.find(f"\n## {name}\n")
    if start < 0:
        return ""
    rest = markdown[start + len(name) + 5:]
    end = rest.find("\n## ")
    return (rest if end < 0 else rest[:end]).strip()


def rotate_from(engine: Engine, clock: Any, project_id: int, account_id: int) -> RotationAnswer:
    read, run = doors(engine)
    return rotate(read, run, project_id=project_id, current_account_id=account_id, now=clock())


@pytest.fixture
def pool(add_account: Any) -> list[int]:
    return [add_account(f"acct-{n}").id for n in range(7)]


@pytest.mark.parametrize("transcript", [CLAUDE, AIDER], ids=["claude_code", "aider"])
def test_rotation_after_context_save_states_what_compress_states(engine: Engine, clock: Any, add_project: Any,
                                                                 start: Any, pool: list[int],
                                                                 transcript: Path) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    text = transcript.read_text(encoding="utf-8")
    save(engine, clock, project.id, text, transcript.name)
    compressed = briefing.compress_text(text, filename=transcript.name).markdown
    handed = rotate_from(engine, clock, project.id, pool[0]).briefing
    for name in ("Files", "Errors", "Next step"):
        assert section(compressed, name), (name, compressed)
        assert section(handed, name) == section(compressed, name), name


def test_the_rotation_briefing_keeps_the_edits_errors_and_next_step_of_a_claude_code_session(
        engine: Engine, clock: Any, add_project: Any, start: Any, pool: list[int]) -> None:
    """What the briefing used to lose when it was rebuilt from the stored turns as plain text."""
    project = add_project("Shop")
    start(project.id, pool[0])
    save(engine, clock, project.id, CLAUDE.read_text(encoding="utf-8"), CLAUDE.name)
    result = rotate_from(engine, clock, project.id, pool[0])
    files, errors = section(result.briefing, "Files"), section(result.briefing, "Errors")
    assert "http_client.py" in files and "test_http_retry.py" in files
    assert "unresolved" in errors and "test_checkout_total" in errors
    assert "test_checkout_total" in section(result.briefing, "Next step")
    assert result.briefing.count("AUTO-ROTATION HANDOFF") == 1
    assert [line for line in result.briefing.splitlines() if line.startswith("# ")] == [
        "# 🔄 AUTO-ROTATION HANDOFF"]
    assert "source #1, claude_code_jsonl" in result.briefing
    with transaction(engine, write=False) as session:
        snapshot = session.get(ContextSnapshot, result.data.snapshot_id)
        assert snapshot is not None
        assert (snapshot.source_id, snapshot.source_format) == (1, "claude_code_jsonl")
        assert snapshot.stats is not None and snapshot.stats["rotation_tokens"] == result.data.briefing_tokens


def test_the_rotation_briefing_with_its_header_fits_the_medium_budget(engine: Engine, clock: Any, add_project: Any,
                                                                      start: Any, pool: list[int]) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    long_session = AIDER.read_text(encoding="utf-8")
    save(engine, clock, project.id, long_session, AIDER.name)
    result = rotate_from(engine, clock, project.id, pool[0])
    assert result.data.briefing_tokens <= LEVEL_BUDGETS["medium"]
    assert result.data.briefing_tokens == count_tokens(result.briefing)


def test_five_rotations_with_nothing_saved_since_carry_one_body_under_one_header(
        engine: Engine, clock: Any, add_project: Any, start: Any, pool: list[int]) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    read, run = doors(engine)
    first = briefing.brief_and_save(read, run, project_id=project.id, now=clock(),
                                    context=AIDER.read_text(encoding="utf-8"), filename=AIDER.name).briefing
    body = briefing.engine_body(first.markdown).strip()
    current, handed = pool[0], []
    for _ in range(5):
        result = rotate_from(engine, clock, project.id, current)
        current = result.next_account.id
        handed.append(result)
    for result in handed:
        assert result.briefing.count("AUTO-ROTATION HANDOFF") == 1
        assert [line for line in result.briefing.splitlines() if line.startswith("# ")] == [
            "# 🔄 AUTO-ROTATION HANDOFF"]
        assert result.briefing.count("## Files") == 1
        assert result.briefing.rstrip().endswith(body)
    tokens = [result.data.briefing_tokens for result in handed]
    assert max(tokens) - min(tokens) <= 10, tokens


def test_five_rotations_with_nothing_ever_saved_stay_one_header(engine: Engine, clock: Any, add_project: Any,
                                                                start: Any, pool: list[int]) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    current, tokens = pool[0], []
    for _ in range(5):
        result = rotate_from(engine, clock, project.id, current)
        current = result.next_account.id
        tokens.append(result.data.briefing_tokens)
        assert result.briefing.count("AUTO-ROTATION HANDOFF") == 1
        assert "nothing saved yet" in result.briefing
    assert max(tokens) - min(tokens) <= 10, tokens


def test_five_rotations_after_context_save_rebuild_from_the_source(engine: Engine, clock: Any, add_project: Any,
                                                                   start: Any, pool: list[int]) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    text = CLAUDE.read_text(encoding="utf-8")
    save(engine, clock, project.id, text, CLAUDE.name)
    files = section(briefing.compress_text(text, filename=CLAUDE.name).markdown, "Files")
    current, tokens = pool[0], []
    for _ in range(5):
        result = rotate_from(engine, clock, project.id, current)
        current = result.next_account.id
        tokens.append(result.data.briefing_tokens)
        assert result.briefing.count("AUTO-ROTATION HANDOFF") == 1
        assert section(result.briefing, "Files") == files
    assert max(tokens) - min(tokens) <= 10, tokens


def test_a_briefing_saved_after_the_transcript_is_what_rotation_carries(engine: Engine, clock: Any,
                                                                        add_project: Any, start: Any,
                                                                        pool: list[int]) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    save(engine, clock, project.id, CLAUDE.read_text(encoding="utf-8"), CLAUDE.name)
    clock.now = clock.now.replace(minute=5)
    read, run = doors(engine)
    later = briefing.brief_and_save(read, run, project_id=project.id, now=clock(),
                                    context=AIDER.read_text(encoding="utf-8"), filename=AIDER.name)
    result = rotate_from(engine, clock, project.id, pool[0])
    assert f"carried over from briefing #{later.snapshot.id}" in result.briefing
    assert "csvtool/parser.py" in section(result.briefing, "Files")


def test_the_body_is_built_outside_the_write_transaction(engine: Engine, clock: Any, add_project: Any, start: Any,
                                                         pool: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    save(engine, clock, project.id, CLAUDE.read_text(encoding="utf-8"), CLAUDE.name)
    read, run = doors(engine)
    where, run_noting = engine_spy(monkeypatch, run)
    result = rotate(read, run_noting, project_id=project.id, current_account_id=pool[0], now=clock())
    assert where == ["read"]
    assert "http_client.py" in section(result.briefing, "Files")


def test_a_transcript_saved_while_the_body_was_built_is_used_instead(engine: Engine, clock: Any, add_project: Any,
                                                                     start: Any, pool: list[int]) -> None:
    project = add_project("Shop")
    start(project.id, pool[0])
    save(engine, clock, project.id, CLAUDE.read_text(encoding="utf-8"), CLAUDE.name)
    read, run = doors(engine)
    stale = read(lambda session: briefing.build_rotation_body(session, project_id=project.id, now=clock()))
    newer = save(engine, clock, project.id, AIDER.read_text(encoding="utf-8"), AIDER.name)
    result = run(lambda session: auto_rotate(session, project_id=project.id, current_account_id=pool[0],
                                             now=clock(), body=stale))
    assert "csvtool/parser.py" in section(result.briefing, "Files")
    assert "http_client.py" not in section(result.briefing, "Files")
    with transaction(engine, write=False) as session:
        snapshot = session.get(ContextSnapshot, result.snapshot_id)
        assert snapshot is not None and snapshot.source_id == newer.source.id


def test_a_project_deleted_while_the_body_was_built_is_not_found_and_nothing_changes(
        engine: Engine, clock: Any, add_project: Any, pool: list[int], rows: Any) -> None:
    project = add_project("Gone soon")
    read, run = doors(engine)
    body = read(lambda session: briefing.build_rotation_body(session, project_id=project.id, now=clock()))
    with transaction(engine) as session:
        projects.delete_project(session, project.id)
    with pytest.raises(NotFound):
        run(lambda session: auto_rotate(session, project_id=project.id, current_account_id=pool[0], now=clock(),
                                        body=body))
    assert rows(ContextSnapshot) == 0


def test_engine_body_unwraps_briefings_nested_by_older_rotations() -> None:
    body = "## Latest request\n\n```text\nship it\n```\n\n## Files\n\n- edited: `a.py`\n"
    engine_made = "# Handoff briefing: P\n\n- Source: plain, 2 turns\n\n" + body
    nested = engine_made
    for _ in range(3):  # how rotations wrapped the previous briefing before revision 0003
        nested = ("# 🔄 AUTO-ROTATION HANDOFF\n\n**Project**: P\n\n"
                  "## Last Work (the project's latest briefing, carried over)\n\n" + nested)
    assert briefing.engine_body(engine_made) == body
    assert briefing.engine_body(nested) == body
    assert briefing.engine_body("# Handoff\n\nWorked on the login page.\n") == (
        "## Last briefing\n\nWorked on the login page.\n")
    assert briefing.engine_body("") == ""
    assert briefing.engine_body("# 🔄 AUTO-ROTATION HANDOFF\n\n**Project**: P\n**Briefing**: nothing saved yet\n") == ""
