"""The load run's data: the demo data (``paas demo``), then, through the services, projects whose
sessions take the usage reports and projects that rotate among a pool of accounts.

Usage goes to sessions that never rotate (their accounts' quotas are far from any threshold),
so a usage report is never refused because a rotation closed its session; the rotating
projects are separate, with enough accounts for each of them to always find a free one.
Every seeded account has a daily window at 00:00 UTC (the checks sum the ledger in SQL).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.accounts.rotation import paas, server_env

USAGE_PROJECTS = 8
ROTATION_PROJECTS = 6
ROTATION_ACCOUNTS = 24
SPECIALITIES = ("React, Vue, UI/UX Design", "Python, FastAPI, PostgreSQL", "Kubernetes, Terraform, AWS",
                "Pandas, Machine Learning", "Technical Writing", "Playwright, CI/CD")


@dataclass(frozen=True)
class Seeded:
    env: dict[str, str]
    token: str
    usage_sessions: list[int]
    rotation_projects: dict[int, int]  # project id -> the account its session is on
    seeded_accounts: list[int]


def seed(url: str, data_dir: Path) -> Seeded:
    """``paas init`` + ``paas demo`` + the load's own projects and accounts + an admin token."""
    from paas.services.batch import create_accounts
    from paas.services.projects import create_project
    from paas.services.sessions import start_session
    from paas.store.db import make_engine
    from paas.store.unit import transaction

    env = server_env(url, data_dir)
    paas(["init"], env)
    paas(["demo"], env)
    now = datetime.now(UTC)
    rng = random.Random(43)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            usage_rows = [{"account_name": f"Load-Usage-{index:02d}", "platform": "other", "quota": 10**9,
                           "specialization": "Load testing"} for index in range(USAGE_PROJECTS)]
            rotation_rows = [{"account_name": f"Load-Rotation-{index:02d}", "platform": "genspark", "quota": 1000,
                              "specialization": rng.choice(SPECIALITIES)} for index in range(ROTATION_ACCOUNTS)]
            usage_ids = [account_id for account_id, _ in create_accounts(session, usage_rows, now=now).created]
            rotation_ids = [account_id for account_id, _ in create_accounts(session, rotation_rows, now=now).created]
            usage_sessions = []
            for index, account_id in enumerate(usage_ids):
                project = create_project(session, name=f"load-usage-{index:02d}", description="Load testing")
                usage_sessions.append(start_session(session, project_id=project.id, account_id=account_id,
                                                    now=now).id)
            rotation_projects = {}
            for index in range(ROTATION_PROJECTS):
                project = create_project(session, name=f"load-rotation-{index:02d}",
                                         description=rng.choice(SPECIALITIES))
                start_session(session, project_id=project.id, account_id=rotation_ids[index], now=now)
                rotation_projects[project.id] = rotation_ids[index]
    finally:
        engine.dispose()
    token = paas(["token", "create", "--role", "admin", "--name", "load", "--quiet"], env).strip()
    return Seeded(env=env, token=token, usage_sessions=usage_sessions, rotation_projects=rotation_projects,
                  seeded_accounts=usage_ids + rotation_ids)
