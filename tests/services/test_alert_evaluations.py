"""Alert evaluations after commits: at once when none runs, folded into one follow-up when one does."""

from __future__ import annotations

import contextlib
import threading
import time

from paas.services import alerts
from paas.services.alerts import Evaluations


def test_commits_heard_during_an_evaluation_make_one_follow_up() -> None:
    started, release = threading.Event(), threading.Event()
    runs: list[float] = []

    def evaluate() -> None:
        runs.append(time.monotonic())
        if len(runs) == 1:
            started.set()
            release.wait(5)

    evaluations = Evaluations(evaluate)
    first = threading.Thread(target=evaluations.heard)
    first.start()
    assert started.wait(5)
    began = time.monotonic()
    for _ in range(20):  # the other writers: none waits for the running evaluation
        evaluations.heard()
    assert time.monotonic() - began < 0.5 and len(runs) == 1
    release.set()
    first.join(5)
    deadline = time.monotonic() + 5
    while len(runs) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(alerts.FOLLOW_UP_SECONDS + 0.2)
    assert len(runs) == 2  # one follow-up for all twenty
    evaluations.heard()  # idle again: evaluated at once, in the caller's thread
    assert len(runs) == 3


def test_a_failing_evaluation_leaves_the_next_commit_evaluated() -> None:
    runs: list[int] = []

    def evaluate() -> None:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("the database went away")

    evaluations = Evaluations(evaluate)
    with contextlib.suppress(RuntimeError):
        evaluations.heard()
    evaluations.heard()
    assert len(runs) == 2
