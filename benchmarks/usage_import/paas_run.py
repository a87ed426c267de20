"""paas's import as a user runs it: the ``paas`` CLI in a subprocess, on a fresh SQLite database.

``Workspace`` is a data dir with its own database (``PAAS_DATA_DIR``, ``PAAS_DATABASE_URL``):
``paas init``, then one account with ``quota_unit = tokens`` (``paas accounts add --unit tokens``).
``import_tree`` runs ``paas usage import --claude DIR --codex DIR --account NAME --json`` (that is
``python -m paas.cli``, the module the ``paas`` script runs) and times the whole process, start-up
included. ``ledger_totals`` reads back what the import stored, per (source, UTC day) and per
(source, agent session; a Codex session by its rollout's id), straight from the SQLite file:
the benchmark is not a door of paas, and the ledger is the figure every report is summed from.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.usage_import.ccusage import children_cpu, codex_session_id
from benchmarks.usage_import.reference import CODEX, Totals

ACCOUNT = "bench-claude"


def cli_exists() -> tuple[bool, str]:
    """Whether this checkout has ``paas usage import`` yet (and the reason when not)."""
    done = subprocess.run([sys.executable, "-m", "paas.cli", "usage", "import", "--help"], capture_output=True,
                          text=True, timeout=60)
    if done.returncode == 0:
        return True, ""
    return False, "paas usage import is not built yet (`paas usage import --help` exited " \
                  f"{done.returncode}: {(done.stderr or done.stdout).strip().splitlines()[-1:] or ['']}"


@dataclass
class Workspace:
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "bench.db"

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PAAS_")}
        env.update({"PAAS_DATA_DIR": str(self.folder), "PAAS_DATABASE_URL": f"sqlite:///{self.database}",
                    "NO_COLOR": "1", "COLUMNS": "200"})
        return env

    def paas(self, *args: str, timeout: float = 1_800) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "paas.cli", *args], capture_output=True, text=True,
                              env=self.env(), timeout=timeout)

    def check(self, *args: str) -> str:
        done = self.paas(*args)
        if done.returncode != 0:
            raise RuntimeError(f"paas {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[:400]}")
        return done.stdout

    def prepare(self) -> str:
        """A fresh database and the account the tree is imported into; says how the unit was set."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.check("init")
        added = self.paas("accounts", "add", ACCOUNT, "--platform", "claude", "--unit", "tokens",
                          "--quota", "1000000000")
        if added.returncode == 0:
            return "paas accounts add --unit tokens"
        # without `--unit` in this checkout: the account as it can be added, its unit set in the database
        self.check("accounts", "add", ACCOUNT, "--platform", "claude", "--quota", "1000000")
        with sqlite3.connect(self.database) as connection:
            connection.execute("UPDATE accounts SET quota_unit = 'tokens' WHERE account_name = ?", (ACCOUNT,))
        return f"quota_unit set in SQLite (paas accounts add --unit refused: {added.stderr.strip()[:120]})"

    def import_tree(self, claude_dir: Path, codex_dir: Path | None) -> tuple[float, float, dict[str, Any]]:
        """Wall seconds and CPU seconds of the whole process, and its ``--json`` answer."""
        args = ["usage", "import", "--claude", str(claude_dir), "--account", ACCOUNT, "--json"]
        if codex_dir is not None:
            args[4:4] = ["--codex", str(codex_dir)]
        cpu, start = children_cpu(), time.perf_counter()
        done = self.paas(*args)
        seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
        if done.returncode != 0:
            raise RuntimeError(f"paas {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[:400]}")
        answer = json.loads(done.stdout)
        return seconds, cpu, answer if isinstance(answer, dict) else {"answer": answer}

    def ledger_totals(self) -> tuple[dict[tuple[str, str], Totals], dict[tuple[str, str], Totals]]:
        """Imported tokens per (source, day) and per (source, agent session), from the ledger."""
        figures = ("COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), "
                   "COALESCE(SUM(cache_creation_tokens), 0), COALESCE(SUM(cache_read_tokens), 0), COUNT(*)")
        per_day: dict[tuple[str, str], Totals] = {}
        per_session: dict[tuple[str, str], Totals] = {}
        with sqlite3.connect(self.database) as connection:
            for source, day, *row in connection.execute(
                    f"SELECT source, substr(occurred_at, 1, 10), {figures} FROM credit_events "
                    "WHERE source IS NOT NULL GROUP BY 1, 2"):
                per_day[(source, day)] = Totals(*row)
            for source, session, *row in connection.execute(
                    f"SELECT source, agent_session, {figures} FROM credit_events "
                    "WHERE source IS NOT NULL GROUP BY 1, 2"):
                # a Codex session named by its rollout path (as ccusage names it) is its trailing id here
                name = codex_session_id({"sessionId": session}) if source == CODEX else str(session)
                per_session.setdefault((source, name), Totals()).add(Totals(*row))
        return per_day, per_session
