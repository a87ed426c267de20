"""Shared pieces: the rows every part uses, percentiles, PostgreSQL schemas, the printed tables."""

from __future__ import annotations

import os
import random
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "benchmarks" / "results" / "accounts.json"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

PLATFORMS = ("genspark", "claude", "chatgpt", "gemini", "other")
ROLES = ("Frontend", "Backend", "Fullstack", "Mobile", "Data", "DevOps", "Design", "Docs", "Testing", "Security")
SKILLS = ("React", "Vue", "UI/UX Design", "Python", "FastAPI", "Django", "PostgreSQL", "Kubernetes", "Terraform",
          "Swift", "Kotlin", "Flutter", "Pandas", "Machine Learning", "Rust", "Go", "Node.js", "TypeScript",
          "GraphQL", "Security Audits", "Technical Writing", "Playwright", "CI/CD", "AWS")
TAGS = ("fast", "cheap", "long-context", "vision", "team", "personal", "backup", "eu", "us")


def account_name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(('GenSpark', 'Claude', 'ChatGPT', 'Gemini', 'Other'))}-{rng.choice(ROLES)}-{index:05d}"


def specialization(rng: random.Random) -> str:
    return ", ".join(rng.sample(SKILLS, rng.randint(1, 3)))


def account_rows(count: int, seed: int = 7, *, opening_share: float = 0.3) -> list[dict[str, Any]]:
    """Rows for ``create_accounts``: unique names, a few skills, some with credits already used."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        quota = rng.choice((50, 100, 200, 500))
        row: dict[str, Any] = {
            "account_name": account_name(rng, index),
            "account_email": f"seat{index:05d}@example.com",
            "platform": rng.choice(PLATFORMS),
            "specialization": specialization(rng),
            "tags": ",".join(rng.sample(TAGS, 2)),
            "quota": quota,
        }
        if rng.random() < opening_share:
            row["credits_available"] = rng.randint(0, quota - 1)
        rows.append(row)
    return rows


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(share: float) -> float:
        # nearest-rank percentile
        rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
        return ordered[rank - 1]

    return {"n": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": ordered[-1],
            "mean_ms": statistics.fmean(ordered)}


# ---- PostgreSQL ----------------------------------------------------------------------------------

def pg_url() -> str:
    return os.environ.get("PAAS_BENCH_DATABASE_URL", PG_DEFAULT)


def pg_answers(url: str | None = None) -> bool:
    try:
        import psycopg

        plain = (url or pg_url()).replace("postgresql+psycopg://", "postgresql://")
        psycopg.connect(plain, connect_timeout=3).close()
        return True
    except Exception:
        return False


def url_in_schema(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def pg_schema(name: str) -> Iterator[str]:
    """A fresh schema (dropped first and after); yields a URL whose search_path is that schema."""
    from sqlalchemy import create_engine, text

    base = pg_url()

    def run(statement: str) -> None:
        admin = create_engine(base)
        try:
            with admin.begin() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()

    run(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    run(f'CREATE SCHEMA "{name}"')
    try:
        yield url_in_schema(base, name)
    finally:
        run(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


# ---- tables ------------------------------------------------------------------------------------

@dataclass
class Measure:
    name: str
    value: str
    baseline: str = ""
    verdict: str = ""  # PASS, FAIL or "" (information only)

    def as_json(self) -> dict[str, str]:
        return {"measure": self.name, "value": self.value, "baseline_or_target": self.baseline,
                "verdict": self.verdict}


@dataclass
class Table:
    title: str
    rows: list[Measure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: str, baseline: str = "", ok: bool | None = None) -> None:
        self.rows.append(Measure(name, value, baseline, "" if ok is None else ("PASS" if ok else "FAIL")))

    @property
    def passed(self) -> bool:
        return all(row.verdict != "FAIL" for row in self.rows)

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "passed": self.passed, "rows": [row.as_json() for row in self.rows],
                "notes": self.notes}

    def print(self) -> None:
        from rich.console import Console
        from rich.table import Table as RichTable

        console = Console(width=160) if not Console().is_terminal else Console()
        table = RichTable(title=self.title, title_justify="left")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_column("baseline / target")
        table.add_column("PASS/FAIL")
        for row in self.rows:
            style = {"PASS": "green", "FAIL": "bold red"}.get(row.verdict, "")
            table.add_row(row.name, row.value, row.baseline, f"[{style}]{row.verdict}[/]" if style else row.verdict)
        console.print(table)
        for note in self.notes:
            console.print(f"  note: {note}", highlight=False)


def ms(value: float) -> str:
    return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
