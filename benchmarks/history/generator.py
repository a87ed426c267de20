"""A seeded, realistic history of working sessions for the task-cost backtest.

Ten task families, each with its own vocabulary (some words shared: "webhook" is backend and
payments work, "react" frontend and mobile, "pipeline" devops and data) and its own typical cost;
size words ("quick fix", "complete rewrite") scale it; the session type scales it a little; each
project works mostly on two or three families. Eight accounts differ in efficiency overall, are
cheaper on their two specialties (x0.7) and fail now and then (a failed session spends 50-100 % of
what it would have and does nothing). Costs carry log-normal noise (sigma 0.25). Objectives are what
a person types before starting (family words, a size word, filler, sometimes a stray word of another
family); accomplishments and handoff notes are written after, from the same vocabulary.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

FAMILIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "frontend": (55, ("react", "component", "css", "layout", "responsive", "button", "form", "modal", "tailwind",
                      "vue", "page", "navbar", "theme", "accessibility", "animation")),
    "backend": (70, ("api", "endpoint", "route", "handler", "rest", "validation", "auth", "middleware", "json",
                     "pagination", "rate", "limit", "webhook", "jwt")),
    "database": (40, ("migration", "schema", "index", "query", "postgres", "table", "column", "sql", "orm",
                      "foreign", "key", "constraint", "backup")),
    "devops": (30, ("deploy", "pipeline", "ci", "docker", "kubernetes", "github", "actions", "cloudflare", "build",
                    "release", "helm", "terraform")),
    "testing": (35, ("test", "pytest", "coverage", "fixture", "mock", "flaky", "regression", "unit", "integration",
                     "snapshot", "e2e")),
    "docs": (18, ("readme", "documentation", "guide", "tutorial", "example", "changelog", "docstring", "diagram")),
    "data": (85, ("etl", "pipeline", "pandas", "csv", "ingest", "batch", "transform", "parquet", "airflow",
                  "dedupe")),
    "ml": (95, ("model", "training", "embedding", "inference", "dataset", "evaluation", "tokenizer", "finetune", "gpu",
                "prompt")),
    "payments": (65, ("stripe", "checkout", "invoice", "subscription", "refund", "billing", "webhook", "tax")),
    "mobile": (75, ("ios", "android", "swift", "kotlin", "react", "native", "push", "notification", "offline")),
}
SIZES = ((0.25, 0.55, ("quick", "small", "minor", "tweak", "typo")),
         (0.15, 1.7, ("major", "complete", "rewrite", "overhaul", "entire")),
         (0.60, 1.0, ()))
TYPES = {"development": 1.0, "bugfix": 0.8, "feature": 1.15, "refactor": 1.05, "deployment": 0.75}
VERBS = ("Implement", "Add", "Fix", "Refactor", "Build", "Update", "Improve", "Finish", "Continue")
FILLER = ("for the project", "per the issue", "as discussed", "continue work", "before the release", "", "", "")
OUTCOMES = ("done", "merged", "works", "tested", "partly done", "needs review")
NOISE_SIGMA = 0.25
SPECIALTY_FACTOR = 0.7
FAILED_SHARE = (0.5, 1.0)


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    efficiency: float  # multiplies every cost
    specialties: tuple[str, ...]
    fail_rate: float

    def factor(self, family: str) -> float:
        return self.efficiency * (SPECIALTY_FACTOR if family in self.specialties else 1.0)

    def cost_per_completed(self, family: str) -> float:
        """Expected credits per completed session on ``family`` (failures spend for nothing)."""
        failed_spend = sum(FAILED_SHARE) / 2
        spend = self.factor(family) * ((1 - self.fail_rate) + self.fail_rate * failed_spend)
        return spend / (1 - self.fail_rate)


@dataclass(frozen=True)
class Session:
    id: int
    project_id: int
    account_id: int
    family: str
    session_type: str
    status: str
    credits: int
    objectives: str
    accomplishments: str
    handoff_notes: str
    started_at: datetime
    expected: float  # the family's cost x size x type, before the account and the noise


def accounts(rng: random.Random, count: int = 8) -> list[Account]:
    families = sorted(FAMILIES)
    made = []
    for index in range(count):
        made.append(Account(id=index + 1, name=f"seat-{index + 1}", efficiency=round(rng.uniform(0.8, 1.25), 3),
                            specialties=tuple(rng.sample(families, 2)), fail_rate=round(rng.uniform(0.03, 0.15), 3)))
    return made


def _words(rng: random.Random, vocabulary: tuple[str, ...], low: int, high: int) -> list[str]:
    return rng.sample(vocabulary, min(len(vocabulary), rng.randint(low, high)))


def generate(count: int, *, seed: int = 10, days: int = 180, projects: int = 12) -> tuple[list[Account], list[Session]]:
    """``count`` sessions over ``days`` days, oldest first."""
    rng = random.Random(seed)
    pool = accounts(rng)
    families = sorted(FAMILIES)
    project_families = {project: rng.sample(families, rng.randint(2, 3)) for project in range(1, projects + 1)}
    start = datetime(2026, 5, 1, tzinfo=UTC)
    sessions = []
    for index in range(count):
        project = rng.randint(1, projects)
        family = rng.choice(project_families[project]) if rng.random() < 0.8 else rng.choice(families)
        base, vocabulary = FAMILIES[family]
        roll, size_factor, size_words = rng.random(), 1.0, ()
        for share, factor, words in SIZES:
            if roll < share:
                size_factor, size_words = factor, words
                break
            roll -= share
        kind = rng.choices(list(TYPES), weights=(5, 3, 3, 1, 1))[0]
        account = rng.choice(pool)
        credits = base * size_factor * TYPES[kind] * account.factor(family) * math.exp(rng.gauss(0, NOISE_SIGMA))
        status = "completed"
        if rng.random() < account.fail_rate:
            status, credits = "failed", credits * rng.uniform(*FAILED_SHARE)
        elif rng.random() < 0.1:
            status = "handed_off"
        words = _words(rng, vocabulary, 2, 4)
        if rng.random() < 0.2:
            words.append(rng.choice(FAMILIES[rng.choice(families)][1]))  # a stray word of other work
        size = [rng.choice(size_words)] if size_words else []
        objectives = " ".join([rng.choice(VERBS), *size, *words, rng.choice(FILLER)]).strip()
        accomplishments = (f"{' and '.join(_words(rng, vocabulary, 1, 3))} {rng.choice(OUTCOMES)}"
                           if status != "failed" else "")
        notes = f"next: {' '.join(_words(rng, vocabulary, 1, 2))}" if rng.random() < 0.5 else ""
        sessions.append(Session(id=index + 1, project_id=project, account_id=account.id, family=family,
                                session_type=kind, status=status, credits=max(3, min(400, round(credits))),
                                objectives=objectives, accomplishments=accomplishments, handoff_notes=notes,
                                started_at=start + timedelta(minutes=round(index * days * 24 * 60 / count)),
                                expected=base * size_factor * TYPES[kind]))
    return pool, sessions
