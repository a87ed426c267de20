"""`services.usage_import` on hand-made log trees (tests/usage_log_helpers.py), both backends: the
totals computed by hand, incremental reruns, units, sessions, refusals that change nothing."""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from paas.adapters.prices import cost_usd
from paas.core.errors import InvalidInput
from paas.core.events import Event, EventBus, UsageImported
from paas.services.usage_import import ImportRequest, UsageImportOut, import_usage
from paas.store.schema import Account, CreditEvent, Project, UsageImportFile, WorkSession
from paas.store.unit import Database, transaction
from tests.usage_log_helpers import CODEX_FILE, DAY, claude_line, write_claude_tree, write_codex_tree

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(engine: Engine) -> Database:
    return Database(engine, EventBus())


@pytest.fixture
def unit_account(engine: Engine, add_account: Any) -> Callable[..., int]:
    def make(name: str, unit: str = "tokens", quota: int = 10_000_000) -> int:
        account_id: int = add_account(name, quota=quota).id
        with transaction(engine) as session:
            row = session.get(Account, account_id)
            assert row is not None
            row.quota_unit = unit
        return account_id

    return make


def run_import(database: Database, now: datetime = NOW, **fields: Any) -> UsageImportOut:
    return import_usage(database.read, database.run, now=now, request=ImportRequest(**fields))


def ledger(engine: Engine, *columns: Any) -> list[Any]:
    with transaction(engine, write=False) as session:
        return [tuple(row) for row in session.execute(select(*columns).order_by(CreditEvent.id))]


def test_a_tree_imports_with_the_totals_computed_by_hand(database: Database, engine: Engine, tmp_path: Path,
                                                         unit_account: Any) -> None:
    unit_account("claude-1")
    answer = run_import(database, claude_dirs=(write_claude_tree(tmp_path),), codex_dirs=(write_codex_tree(tmp_path),),
                        account="claude-1")
    assert (answer.files, answer.skipped_files, answer.records, answer.duplicates, answer.bad_lines) == (4, 0, 7, 5, 1)
    assert answer.lines == 7 + 3 + 3 + 7
    assert (answer.input_tokens, answer.output_tokens, answer.cache_creation_tokens, answer.cache_read_tokens) == (
        43 + 1100, 69 + 300, 170, 200 + 1400)
    [account] = answer.accounts
    assert (account.account_name, account.records, account.credits) == ("claude-1", 7, 482 + 2800)
    rows = ledger(engine, CreditEvent.source, CreditEvent.agent_session, CreditEvent.occurred_at, CreditEvent.credits)
    by_day: dict[tuple[str, str], int] = {}
    by_session: dict[tuple[str, str], int] = {}
    for source, agent_session, occurred_at, credits in rows:
        by_day[(source, occurred_at.date().isoformat())] = by_day.get((source, occurred_at.date().isoformat()), 0) \
            + credits
        by_session[(source, agent_session)] = by_session.get((source, agent_session), 0) + credits
    assert by_day == {("claude_code", "2026-11-25"): 480, ("claude_code", "2026-11-26"): 2, ("codex", DAY): 2800}
    assert by_session == {("claude_code", "s1"): 472, ("claude_code", "s2"): 10,
                          ("codex", "2026/11/25/rollout-2026-11-25T10-00-00-abc"): 2800}
    models = ledger(engine, CreditEvent.model, CreditEvent.message_id, CreditEvent.request_id, CreditEvent.sidechain)
    assert ("claude-sonnet-4-5", "m3", "r3", True) in models and models[-1][:1] == ("gpt-5-codex",)
    # cost_usd is kept on every priced row whatever the unit
    assert all(cost is not None for (cost,) in ledger(engine, CreditEvent.cost_usd))


def test_a_second_run_reads_nothing_and_adds_nothing(database: Database, engine: Engine, tmp_path: Path,
                                                    unit_account: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    unit_account("a")
    request: dict[str, Any] = {"claude_dirs": (write_claude_tree(tmp_path),),
                               "codex_dirs": (write_codex_tree(tmp_path),), "account": "a"}
    run_import(database, **request)
    before = ledger(engine, CreditEvent.id, CreditEvent.credits)
    opened: list[str] = []
    real_open = open

    def watched_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watched_open)
    again = run_import(database, **request)
    assert (again.files, again.skipped_files, again.lines, again.records, again.duplicates) == (0, 4, 0, 0, 0)
    assert again.accounts == []
    assert [path for path in opened if path.endswith(".jsonl")] == []
    assert ledger(engine, CreditEvent.id, CreditEvent.credits) == before


def test_a_grown_file_adds_only_its_new_lines_and_a_half_line_waits(database: Database, engine: Engine,
                                                                    tmp_path: Path, unit_account: Any) -> None:
    unit_account("a")
    home = write_claude_tree(tmp_path)
    run_import(database, claude_dirs=(home,), account="a")
    log = home / "projects" / "-q" / "s2.jsonl"
    line = claude_line("m6", "r6", f"{DAY}T13:00:00Z", input_tokens=40, output_tokens=2, session="s2")
    with log.open("a") as handle:
        handle.write(line[:50])
    half = run_import(database, claude_dirs=(home,), account="a")
    assert (half.files, half.skipped_files, half.lines, half.records) == (1, 2, 0, 0)
    with log.open("a") as handle:
        handle.write(line[50:] + "\n")
    grown = run_import(database, claude_dirs=(home,), account="a")
    assert (grown.files, grown.lines, grown.records, grown.duplicates, grown.input_tokens) == (1, 1, 1, 0, 40)
    with transaction(engine, write=False) as session:
        row = session.scalars(select(UsageImportFile).where(UsageImportFile.path == str(log.resolve()))).one()
        assert (row.offset, row.size_bytes, row.lines, row.records) == (log.stat().st_size,) * 2 + (4, 4)


def test_a_replaced_file_is_read_again_and_its_old_records_do_not_count_twice(
        database: Database, engine: Engine, tmp_path: Path, unit_account: Any) -> None:
    unit_account("a")
    home = write_claude_tree(tmp_path)
    run_import(database, claude_dirs=(home,), account="a")
    log = home / "projects" / "-q" / "s2.jsonl"
    old = log.read_text()
    new = claude_line("m7", "r7", f"{DAY}T14:00:00Z", input_tokens=9, session="s2")
    log.write_text(new + "\n" + old)  # other first bytes: a new file under the old name
    answer = run_import(database, claude_dirs=(home,), account="a")
    assert (answer.files, answer.lines, answer.records, answer.duplicates, answer.input_tokens) == (1, 4, 1, 3, 9)
    assert sum(credits for (credits,) in ledger(engine, CreditEvent.credits)) == 482 + 9


def test_a_fuller_copy_found_later_replaces_the_row_and_moves_the_session_totals(
        database: Database, engine: Engine, tmp_path: Path, unit_account: Any, add_project: Any, start: Any,
        clock: Any) -> None:
    account_id = unit_account("a")
    project = add_project("p")
    clock.now = datetime(2026, 11, 25, 11, 30, tzinfo=UTC)
    work = start(project.id, account_id)
    home = write_claude_tree(tmp_path)
    first = run_import(database, claude_dirs=(home,), account="a")
    assert first.accounts[0].session_id == work.id
    # m1 (10:00) and m2 (11:00) came before the session started: the account's alone
    attached = ledger(engine, CreditEvent.message_id, CreditEvent.session_id, CreditEvent.project_id)
    assert {message: session_id for message, session_id, _ in attached} == {
        "m1": None, "m2": None, "m3": work.id, "m4": work.id, "m5": work.id}
    log = home / "projects" / "-q" / "s2.jsonl"
    with log.open("a") as handle:
        handle.write(claude_line("m4", "r4", f"{DAY}T23:59:59Z", input_tokens=7, output_tokens=300,
                                 session="s2") + "\n")
    later = run_import(database, claude_dirs=(home,), account="a")
    assert (later.records, later.updated, later.duplicates, later.output_tokens) == (0, 1, 0, 297)
    assert later.accounts[0].credits == 297
    with transaction(engine, write=False) as session:
        m4 = session.scalars(select(CreditEvent).where(CreditEvent.message_id == "m4")).one()
        assert (m4.output_tokens, m4.credits) == (300, 307)
        sums = session.scalar(select(func.sum(CreditEvent.credits)).where(CreditEvent.session_id == work.id))
        work_row = session.get(WorkSession, work.id)
        project_row = session.get(Project, project.id)
        assert work_row is not None and project_row is not None
        assert work_row.credits_used == project_row.total_credits_used == sums == 10 + 307 + 2
        assert session.scalar(select(func.count()).select_from(CreditEvent)) == 5


def test_files_no_mapping_holds_are_reported_not_guessed(database: Database, engine: Engine, tmp_path: Path,
                                                         unit_account: Any) -> None:
    unit_account("p-account")
    unit_account("sub-account")
    home = write_claude_tree(tmp_path)
    projects = home / "projects"
    answer = run_import(database, claude_dirs=(home,),
                        mappings=((projects / "-p", "p-account"), (projects / "-p" / "s1", "sub-account")))
    assert answer.unmapped_files == [str((projects / "-q" / "s2.jsonl").resolve())]
    by_account = {item.account_name: item.records for item in answer.accounts}
    # m1, m2, m5 from the main file (its copies beat the sub-agent's); m3 only the sub-agent logged
    assert by_account == {"p-account": 3, "sub-account": 1}
    assert answer.records == 4


def test_a_credits_account_is_refused_and_nothing_changes(database: Database, engine: Engine, tmp_path: Path,
                                                          add_account: Any, rows: Any) -> None:
    add_account("genspark")
    with pytest.raises(InvalidInput, match="paas accounts edit genspark --unit tokens"):
        run_import(database, claude_dirs=(write_claude_tree(tmp_path),), account="genspark")
    assert (rows(CreditEvent), rows(UsageImportFile)) == (0, 0)


def test_usd_spends_cents_whose_sum_is_the_rounded_exact_cost(database: Database, engine: Engine, tmp_path: Path,
                                                              unit_account: Any) -> None:
    unit_account("dollars", unit="usd", quota=100_000)
    home = tmp_path / "claude"
    log = home / "projects" / "-p" / "s.jsonl"
    log.parent.mkdir(parents=True)
    lines = [claude_line(f"m{index}", "r", f"{DAY}T10:{index:02d}:00Z", input_tokens=333 + index, output_tokens=77,
                         cache_read=1000 * index, cache_creation=50) for index in range(40)]
    lines.append(claude_line("x", "r", f"{DAY}T11:00:00Z", input_tokens=5000, model="no-such-model-anywhere"))
    log.write_text("\n".join(lines[:20]) + "\n")
    first = run_import(database, claude_dirs=(home,), account="dollars")
    log.write_text("\n".join(lines) + "\n")
    second = run_import(database, claude_dirs=(home,), account="dollars")
    assert (first.unpriced, second.unpriced, second.records) == (0, 1, 21)
    rows = ledger(engine, CreditEvent.credits, CreditEvent.cost_usd, CreditEvent.model)
    exact = sum((cost_usd("claude-sonnet-4-5", 333 + index, 77, 50, 1000 * index) or Decimal(0)
                 for index in range(40)), Decimal(0))
    assert math.isclose(sum(cost for _, cost, _ in rows if cost is not None), float(exact), rel_tol=1e-12)
    assert sum(credits for credits, _, _ in rows) == round(exact * 100)
    assert first.accounts[0].credits + second.accounts[0].credits == round(exact * 100)
    assert [(credits, cost) for credits, cost, model in rows if model == "no-such-model-anywhere"] == [(0, None)]


def test_one_event_per_account_after_the_commit(database: Database, tmp_path: Path, unit_account: Any) -> None:
    account_id = unit_account("a")
    heard: list[Event] = []
    database.bus.subscribe(heard.append)
    run_import(database, claude_dirs=(write_claude_tree(tmp_path),), account="a")
    assert [type(event) for event in heard] == [UsageImported]
    event = heard[0]
    assert isinstance(event, UsageImported)
    assert (event.account_id, event.records, event.credits, event.session_id) == (account_id, 5, 482, None)
    assert event.occurred_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert json.dumps(event.as_dict())


def test_the_answer_says_rotate_due_at_the_threshold(database: Database, tmp_path: Path, unit_account: Any) -> None:
    unit_account("small", quota=500)  # threshold 450 (90 %)
    answer = run_import(database, now=datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC),
                        claude_dirs=(write_claude_tree(tmp_path),), account="small")
    [account] = answer.accounts
    assert (account.credits_used, account.rotate_threshold, account.rotate_due) == (480, 450, True)


def test_a_folder_that_does_not_exist_or_no_account_is_refused(database: Database, tmp_path: Path,
                                                               unit_account: Any, rows: Any) -> None:
    unit_account("a")
    with pytest.raises(InvalidInput, match="no such folder"):
        run_import(database, claude_dirs=(tmp_path / "missing",), account="a")
    with pytest.raises(InvalidInput, match="--account"):
        run_import(database, claude_dirs=(write_claude_tree(tmp_path),))
    assert rows(UsageImportFile) == 0


def test_an_unchanged_size_with_a_new_mtime_is_opened_but_adds_nothing(database: Database, tmp_path: Path,
                                                                       unit_account: Any) -> None:
    unit_account("a")
    home = write_codex_tree(tmp_path)
    run_import(database, codex_dirs=(home,), account="a")
    path = home / CODEX_FILE
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    touched = run_import(database, codex_dirs=(home,), account="a", now=NOW + timedelta(minutes=1))
    assert (touched.files, touched.lines, touched.records) == (1, 0, 0)


def test_progress_counts_the_bytes_to_read_up_to_all_of_them(database: Database, tmp_path: Path,
                                                             unit_account: Any) -> None:
    unit_account("a")
    home = write_claude_tree(tmp_path)
    seen: list[tuple[int, int]] = []
    import_usage(database.read, database.run, now=NOW, request=ImportRequest(claude_dirs=(home,), account="a"),
                 progress=lambda done, total: seen.append((done, total)))
    total = sum(path.stat().st_size for path in (home / "projects").rglob("*.jsonl"))
    assert len(seen) == 3 and seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_fifo_named_like_a_log_is_passed_over_not_waited_on(database: Database, tmp_path: Path,
                                                              unit_account: Any) -> None:
    unit_account("a")
    home = write_claude_tree(tmp_path)
    pipe = home / "projects" / "-p" / "pipe.jsonl"
    os.mkfifo(pipe)  # opened, it waited for a writer forever
    done = threading.Event()

    def writer() -> None:  # a reader that waits is released with one record, so the test fails, never hangs
        while not done.wait(0.05):
            try:
                end = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader
                continue
            os.write(end, (claude_line("fifo", "r", f"{DAY}T10:00:00Z", input_tokens=1) + "\n").encode())
            os.close(end)
            return

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        answer = run_import(database, claude_dirs=(home,), account="a")
    finally:
        done.set()
        thread.join()
    assert (answer.files, answer.records) == (3, 5)
