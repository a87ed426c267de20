"""CLI helpers: run `paas` in-process against the test database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from paas.cli import app


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """``run_cli(url, *args)``: invoke the CLI with PAAS_DATABASE_URL=url."""
    runner = CliRunner()

    def run(url: str, *args: str) -> Result:
        return runner.invoke(app, list(args), env={"PAAS_DATABASE_URL": url, "COLUMNS": "200"})

    return run


@pytest.fixture
def cli(run_cli: Callable[..., Result], database_url: str) -> Callable[..., Result]:
    """``cli(*args)`` on the migrated test database (SQLite and PostgreSQL)."""

    def run(*args: str) -> Result:
        return run_cli(database_url, *args)

    return run


@pytest.fixture
def same_clock(monkeypatch: pytest.MonkeyPatch, clock: Any) -> None:
    """The CLI computes at the test's clock (credits left, resets and limits are computed at the moment)."""
    monkeypatch.setattr("paas.cli.door.now", clock)
