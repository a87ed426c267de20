"""`paas export`, `paas import`, `paas backup`, `paas restore`; and `kill -9` during an import
leaves nothing of the project."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import Result

from paas.services.demo import load_demo
from paas.store.db import make_engine, upgrade
from paas.store.schema import Project, WorkSession
from paas.store.unit import transaction
from tests.services.export_documents import without_ids

Cli = Callable[..., Result]


@pytest.fixture
def demo(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        load_demo(session, clock())


def test_export_then_import_renamed(cli: Cli, demo: None, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    done = cli("export", "PAAS AI Orchestrator - Private Edition", "-o", str(path))
    assert done.exit_code == 0, done.output
    assert "4 sessions" in done.output
    refused = cli("import", str(path))
    assert refused.exit_code == 4 and "--on-conflict" in refused.output
    renamed = cli("import", str(path), "--on-conflict", "rename")
    assert renamed.exit_code == 0 and "(2)" in renamed.output, renamed.output
    copy = tmp_path / "copy.json"
    assert cli("export", "PAAS AI Orchestrator - Private Edition (2)", "-o", str(copy)).exit_code == 0
    first, second = json.loads(path.read_text("utf-8")), json.loads(copy.read_text("utf-8"))
    second["project"]["name"] = first["project"]["name"]
    assert without_ids(first) == without_ids(second)


@pytest.mark.parametrize(("cut", "said"), [
    (lambda text: text[: len(text) // 2], "truncated"),
    (lambda text: text.replace('"schema_version": 1', '"schema_version": 7'), "schema_version 7"),
    (lambda text: re.sub(r'"session_number": ?1,', '"session_number": "one",', text, count=1),
     "sessions[0].session_number"),
])
def test_a_bad_file_is_one_line_exit_2_and_changes_nothing(cli: Cli, demo: None, tmp_path: Path, engine: Engine,
                                                           cut: Callable[[str], str], said: str) -> None:
    from tests.api.api_helpers import rows

    path = tmp_path / "p.json"
    assert cli("export", "1", "-o", str(path)).exit_code == 0
    path.write_text(cut(path.read_text("utf-8")).replace("PAAS AI Orchestrator", "Other"), "utf-8")
    before = rows(engine)
    failed = cli("import", str(path))
    assert failed.exit_code == 2, failed.output
    assert said in failed.output and "Traceback" not in failed.output
    assert rows(engine) == before


def test_backup_and_restore_sqlite(run_cli: Cli, tmp_path: Path, clock: Any) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    upgrade(url)
    engine = make_engine(url)
    with transaction(engine) as session:
        load_demo(session, clock())
    copy = tmp_path / "backup.db"
    made = run_cli(url, "backup", str(copy))
    assert made.exit_code == 0, made.output
    assert copy.stat().st_mode & 0o777 == 0o600
    assert run_cli(url, "backup", str(copy)).exit_code == 4  # exists: --force to overwrite
    assert run_cli(url, "projects", "add", "After the backup").exit_code == 0
    restored = run_cli(url, "restore", str(copy))
    assert restored.exit_code == 0, restored.output
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 4  # the demo's, not the fifth
    engine.dispose()
    not_a_db = tmp_path / "x.db"
    not_a_db.write_text("hello")
    refused = run_cli(url, "restore", str(not_a_db))
    assert refused.exit_code == 2 and "not a SQLite database" in refused.output


def test_backup_on_postgresql_says_pg_dump(run_cli: Cli, tmp_path: Path) -> None:
    refused = run_cli("postgresql+psycopg://nobody@127.0.0.1:1/none", "backup", str(tmp_path / "b"))
    assert refused.exit_code == 2 and "pg_dump" in refused.output
    refused = run_cli("postgresql+psycopg://nobody@127.0.0.1:1/none", "restore", str(tmp_path / "b"))
    assert refused.exit_code == 2 and "pg_restore" in refused.output


def big_document(path: Path, sessions: int) -> None:
    stamp = "2026-11-25T12:00:00Z"
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"schema_version": 1, "exported_at": stamp,
                              "project": {"name": "Big", "created_at": stamp, "updated_at": stamp}})[:-1])
        out.write(', "accounts": [' + json.dumps({"account_name": "A", "created_at": stamp, "updated_at": stamp})
                  + '], "sessions": [')
        out.write(",\n".join(json.dumps({"session_number": number, "account": "A", "status": "completed",
                                         "objectives": "x" * 200, "started_at": stamp, "updated_at": stamp})
                             for number in range(1, sessions + 1)))
        out.write("]}")


def test_kill_9_during_an_import_leaves_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/kill.db"
    upgrade(url)
    path = tmp_path / "big.json"
    big_document(path, 60_000)
    env = {**os.environ, "PAAS_DATABASE_URL": url}
    process = subprocess.Popen([sys.executable, "-m", "paas.cli", "import", str(path)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    for line in process.stderr:
        if line.startswith("importing: 20%"):
            break
        assert time.monotonic() < deadline, "no progress shown"
    else:
        pytest.fail(f"the import ended before it could be killed: {process.wait()}")
    process.send_signal(signal.SIGKILL)
    process.wait()
    engine = make_engine(url)
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 0
        assert session.scalar(select(func.count()).select_from(WorkSession)) == 0
    engine.dispose()
