"""Real git repositories for tests: ``git init`` in a temp folder, an identity set locally.

``isolated_git`` (a fixture the git tests use) points git's global and system configuration
away from the machine's, so a person's ``commit.gpgsign`` or hooks path cannot change a result.
``git_watch`` notes every git call and whether a write transaction was open during it.
Registered for every test in ``tests/conftest.py`` (``pytest_plugins``).
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    yield


def git(repo: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def make_repo(path: Path, *, first_commit: bool = True) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Test Person")
    git(path, "config", "user.email", "test@example.com")
    if first_commit:
        commit_file(path, "README.md", "hello\n", "docs: start")
    return path


def commit_file(repo: Path, name: str, text: str, message: str) -> str:
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def start_conflicting_rebase(repo: Path) -> None:
    """Leave ``repo`` mid-rebase: a branch and main change one line differently, the rebase stops."""
    commit_file(repo, "shared.txt", "base\n", "chore: shared file")
    git(repo, "checkout", "-q", "-b", "feature")
    commit_file(repo, "shared.txt", "feature\n", "feat: feature line")
    git(repo, "checkout", "-q", "main")
    commit_file(repo, "shared.txt", "main\n", "fix: main line")
    git(repo, "checkout", "-q", "feature")
    stopped = subprocess.run(["git", "-C", str(repo), "rebase", "main"], capture_output=True, text=True, check=False)
    assert stopped.returncode != 0, "the rebase was meant to stop on a conflict"


class GitWatch:
    """Every git call the adapter makes, and those made while a write transaction was open: on a
    watched engine (its ``begin`` with the write option, until its commit or rollback) or, on
    SQLite, while another connection holds the database's write lock (a probe tries to take it)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.in_write: list[tuple[str, ...]] = []
        self.open_writes = 0
        self.sqlite_files: list[str] = []
        self.engines = 0  # how many engines are watched (the test's, and each one a door made)

    def engine(self, engine: Engine) -> Engine:
        self.engines += 1

        @event.listens_for(engine, "begin")
        def began(connection: Any) -> None:
            if connection.get_execution_options().get("paas_write", True):
                connection.info["git_watch_write"] = True
                self.open_writes += 1

        def ended(connection: Any) -> None:
            if connection.info.pop("git_watch_write", False):
                self.open_writes -= 1

        event.listen(engine, "commit", ended)
        event.listen(engine, "rollback", ended)
        database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        if database and database not in self.sqlite_files:
            self.sqlite_files.append(database)
        return engine

    def sqlite_write_lock_held(self) -> bool:
        for path in self.sqlite_files:
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError as problem:
                if "locked" in str(problem):
                    return True
                raise
            finally:
                probe.close()
        return False

    def note(self, args: tuple[str, ...]) -> None:
        self.calls.append(args)
        if self.open_writes > 0 or self.sqlite_write_lock_held():
            self.in_write.append(args)


@pytest.fixture
def git_watch(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> GitWatch:
    """Watches the test's engine and every engine a door makes (the CLI's), and every git call."""
    from paas.adapters import git as adapter
    from paas.store import db

    watch = GitWatch()
    watch.engine(engine)
    real_run, real_make_engine = adapter.run, db.make_engine

    def run_watched(repo: str, *args: str, **options: Any) -> Any:
        watch.note(args)
        return real_run(repo, *args, **options)

    def make_engine_watched(*args: Any, **options: Any) -> Engine:
        return watch.engine(real_make_engine(*args, **options))

    monkeypatch.setattr(adapter, "run", run_watched)
    monkeypatch.setattr(db, "make_engine", make_engine_watched)
    return watch
