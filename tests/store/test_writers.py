"""SQLite's writers of one process queue in the process (``store.writers``), not in SQLite's busy
handler, which sleeps and polls. The tests run on an engine with no busy timeout at all: without
the queue, a second writer fails at once with "database is locked"."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from paas.store.db import make_engine
from paas.store.unit import transaction


@pytest.fixture
def impatient(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}", busy_timeout_ms=0)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE marks (n INTEGER)"))
    yield engine
    engine.dispose()


def count(engine: Engine) -> int:
    with transaction(engine, write=False) as session:
        return int(session.execute(text("SELECT count(*) FROM marks")).scalar_one())


def test_a_second_writer_waits_its_turn_instead_of_failing(impatient: Engine) -> None:
    first_holds, let_go = threading.Event(), threading.Event()
    problems: list[BaseException] = []

    def first() -> None:
        with transaction(impatient) as session:
            session.execute(text("INSERT INTO marks VALUES (1)"))
            first_holds.set()
            let_go.wait(5)

    def second() -> None:
        try:
            with transaction(impatient) as session:
                session.execute(text("INSERT INTO marks VALUES (2)"))
        except BaseException as problem:  # noqa: BLE001 - reported below
            problems.append(problem)

    holder = threading.Thread(target=first)
    holder.start()
    assert first_holds.wait(5)
    waiter = threading.Thread(target=second)
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive()  # queued behind the first writer
    assert count(impatient) == 0  # readers never queue: the first writer has not committed yet
    let_go.set()
    holder.join(5)
    waiter.join(5)
    assert problems == [] and count(impatient) == 2


def test_many_writers_of_one_process_all_commit(impatient: Engine) -> None:
    problems: list[BaseException] = []

    def writer(mark: int) -> None:
        try:
            for _ in range(20):
                with transaction(impatient) as session:
                    session.execute(text("INSERT INTO marks VALUES (:n)"), {"n": mark})
        except BaseException as problem:  # noqa: BLE001 - reported below
            problems.append(problem)

    threads = [threading.Thread(target=writer, args=(mark,)) for mark in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert problems == [] and count(impatient) == 160


def test_a_failed_unit_hands_its_turn_on(impatient: Engine) -> None:
    with pytest.raises(ZeroDivisionError), transaction(impatient) as session:
        session.execute(text("INSERT INTO marks VALUES (1)"))
        _ = 1 / 0
    done = threading.Event()

    def writer() -> None:
        with transaction(impatient) as session:
            session.execute(text("INSERT INTO marks VALUES (2)"))
        done.set()

    threading.Thread(target=writer).start()
    assert done.wait(2) and count(impatient) == 1


def test_a_unit_that_never_touches_the_database_takes_no_turn(impatient: Engine) -> None:
    with transaction(impatient):
        done = threading.Event()

        def writer() -> None:
            with transaction(impatient) as session:
                session.execute(text("INSERT INTO marks VALUES (1)"))
            done.set()

        threading.Thread(target=writer).start()
        assert done.wait(2)
    assert count(impatient) == 1
