"""The original system's demo data (ORIGINAL-API.md, "Demo data"), loaded through the services.

Idempotent: each record is looked up by its natural key (project name, account name,
project + session number, knowledge title) and only missing ones are added, so running it
twice changes nothing. Session credits go through the ledger like real usage, dated in the
past; each account's credit level today is recorded as usage earlier in its window, so
every figure stays a sum of credit events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from paas.core.types import HandoffStatus, SnapshotType
from paas.services import accounts, knowledge, projects
from paas.store import accounts as account_store
from paas.store import files as file_store
from paas.store import knowledge as knowledge_store
from paas.store import ledger
from paas.store import projects as project_store
from paas.store import sessions as session_store
from paas.store import snapshots as snapshot_store
from paas.store.records import get_or_raise
from paas.store.schema import (
    ContextSnapshot,
    CreditEvent,
    HandoffQueueItem,
    KnowledgeEntry,
    ProjectFile,
    WorkSession,
)

PROJECTS = [
    ("PAAS AI Orchestrator - Private Edition", "Multi-account AI orchestration with rotation and smart handoffs"),
    ("Agentica Ecosystem", "Agent framework and marketplace"),
    ("Barber SaaS Platform", "Booking and payments for barbershops"),
    ("Portfolio & Documentation", "Personal portfolio site and project docs"),
]

# name, credits available, status, specialization, platform
ACCOUNTS = [
    ("GenSpark-Main", 92, "active", "Full-Stack Development, Architecture", "genspark"),
    ("GenSpark-Frontend", 78, "available", "React, Vue, UI/UX Design", "genspark"),
    ("GenSpark-Backend", 85, "available", "Node.js, Hono, API Design", "genspark"),
    ("GenSpark-Database", 95, "available", "PostgreSQL, D1, Data Modeling", "genspark"),
    ("GenSpark-DevOps", 88, "available", "Cloudflare, GitHub, CI/CD", "genspark"),
    ("GenSpark-Backup-01", 100, "available", "General Development", "genspark"),
    ("GenSpark-Backup-02", 100, "available", "General Development", "genspark"),
    ("GenSpark-Backup-03", 100, "available", "General Development", "genspark"),
    ("Claude-Sonnet", 45, "exhausted", "Reasoning, Code Review, Documentation", "claude"),
    ("ChatGPT-4", 20, "exhausted", "General Purpose, Brainstorming", "chatgpt"),
]

# project index, account index, number, type, credits, minutes, days ago
SESSIONS = [
    (0, 0, 1, "development", 88, 45, 6),
    (0, 1, 2, "feature", 92, 50, 5),
    (0, 2, 3, "development", 85, 40, 4),
    (0, 4, 4, "deployment", 72, 35, 3),
    (1, 0, 1, "development", 95, 55, 5),
    (1, 3, 2, "development", 88, 48, 2),
    (2, 1, 1, "development", 82, 42, 1),
]

# category, title, description, tags, usage count, success rate
KNOWLEDGE = [
    ("best_practice", "Always Build Before Starting Dev Server",
     "Run the build first: the dev server serves dist/, which is missing on a fresh clone.",
     "build,dev-server,startup", 25, 1.0),
    ("pattern", "Hono Route Grouping", "Group related routes with app.route() and one file per area.",
     "hono,routing,api", 12, 0.95),
    ("pattern", "D1 Prepared Statements", "Bind parameters with prepare().bind(); never build SQL strings.",
     "d1,sql,security", 10, 1.0),
    ("pattern", "Handoff Briefing Template",
     "Latest request, files, commands, errors, decisions, next step: in that order.",
     "handoff,briefing,context", 9, 0.9),
    ("error_solution", "Port 3000 Already In Use", "Free the port with fuser -k 3000/tcp before starting.",
     "port,pm2,dev-server", 15, 1.0),
    ("error_solution", "D1 Migration Not Applied Locally",
     "Apply migrations with --local before seeding the local database.", "d1,migrations,wrangler", 8, 0.9),
    ("error_solution", "Wrangler Authentication Failed",
     "Set up the Cloudflare API key before deploying.", "cloudflare,wrangler,auth", 6, 0.85),
    ("best_practice", "Commit Before Handoff", "Commit and push before rotating to another account.",
     "git,handoff", 14, 1.0),
    ("best_practice", "Keep Sessions Under 90 Credits",
     "Hand off near 90 credits so the briefing itself still fits in the quota.", "credits,rotation", 11, 0.95),
    ("optimization", "Compress Context Before Handoff",
     "Send the briefing, not the whole transcript: it saves credits on the next account.",
     "compression,credits", 7, 0.9),
    ("optimization", "Batch Similar Tasks", "Group small related changes into one session.",
     "credits,planning", 5, 0.8),
    ("tip", "Use Specialized Accounts", "Pick the account whose specialization matches the task.",
     "accounts,specialization", 4, 0.9),
]

FILES = [
    ("src/index.tsx", "typescript", "critical", "Main application and API routes"),
    ("migrations/0001_initial_schema.sql", "sql", "critical", "Database schema"),
    ("wrangler.jsonc", "config", "high", "Cloudflare configuration"),
    ("ecosystem.config.cjs", "config", "normal", "PM2 configuration"),
    ("seed.sql", "sql", "normal", "Demo data"),
    ("README.md", "markdown", "high", "Documentation"),
]


@dataclass(frozen=True)
class DemoLoaded:
    added: dict[str, int]

    @property
    def changed(self) -> bool:
        return any(self.added.values())


def is_empty(session: Session) -> bool:
    """No projects and no accounts yet: a fresh install."""
    return project_store.count_all(session) == 0 and account_store.count_all(session) == 0


def load_demo(session: Session, now: datetime) -> DemoLoaded:
    added = dict.fromkeys(("projects", "accounts", "sessions", "snapshots", "knowledge", "files",
                           "handoffs"), 0)
    project_rows = []
    for name, description in PROJECTS:
        project_row = project_store.find_by_name(session, name)
        if project_row is None:
            created = projects.create_project(session, name=name, description=description)
            project_row = projects.get_project(session, created.id)
            added["projects"] += 1
        project_rows.append(project_row)
    account_rows = []
    for name, credits, status, specialization, platform in ACCOUNTS:
        account_row = account_store.find_by_name(session, name)
        if account_row is None:
            account_id = accounts.create_account(session, now=now, account_name=name, platform=platform,
                                                 specialization=specialization, credits_available=credits).id
            account_row = accounts.get_account(session, account_id)
            if status == "exhausted":
                accounts.update_account(session, account_row.id, {"status": "exhausted"}, now=now)
            added["accounts"] += 1
        account_rows.append(account_row)
    session_rows = []
    for project_index, account_index, number, kind, credits, minutes, days_ago in SESSIONS:
        project, account = project_rows[project_index], account_rows[account_index]
        row = session_store.find_by_number(session, project.id, number)
        if row is None:
            started = now - timedelta(days=days_ago, minutes=minutes)
            row = WorkSession(project_id=project.id, account_id=account.id, session_number=number,
                              session_type=kind, credits_used=credits, duration_minutes=minutes,
                              status="completed", started_at=started,
                              completed_at=started + timedelta(minutes=minutes),
                              objectives=f"Demo {kind} session {number}")
            session.add(row)
            session.flush()
            ended = started + timedelta(minutes=minutes)
            ledger.append(session, CreditEvent(account_id=account.id, session_id=row.id,
                                               project_id=project.id, credits=credits,
                                               occurred_at=ended, note="demo data"))
            project.total_sessions += 1
            project.total_credits_used += credits
            if account.last_used_at is None or account.last_used_at < ended:
                account.last_used_at = ended
            added["sessions"] += 1
        session_rows.append(row)
    added["snapshots"] = _add_snapshots(session, project_rows[0].id, session_rows, now)
    for category, title, description, tags, usage, success in KNOWLEDGE:
        if knowledge_store.find_same(session, category, title) is None:
            added_id = knowledge.add_knowledge(session, category=category, title=title, description=description,
                                               tags=tags).id
            entry = get_or_raise(session, KnowledgeEntry, added_id, "knowledge entry")
            entry.usage_count, entry.success_rate = usage, success
            added["knowledge"] += 1
    added["files"] = _add_files(session, project_rows[0].id, now)
    added["handoffs"] = _add_handoff(session, session_rows[3], account_rows[4].id, account_rows[0].id)
    session.flush()
    return DemoLoaded(added=added)


def _add_snapshots(session: Session, project_id: int, sessions: list[WorkSession], now: datetime) -> int:
    if snapshot_store.latest_of_project(session, project_id) is not None:
        return 0
    rows = [
        (sessions[0], SnapshotType.HANDOFF, "Database schema and base API done; next: account rotation."),
        (sessions[1], SnapshotType.HANDOFF, "Dashboard UI done; next: smart compression endpoint."),
        (sessions[2], SnapshotType.CHECKPOINT, "Compression endpoint works; deployment pending."),
    ]
    for work, kind, summary in rows:
        session.add(ContextSnapshot(project_id=project_id, session_id=work.id, snapshot_type=kind.value,
                                    compressed_context=f"# Handoff\n\n{summary}\n", context_summary=summary,
                                    file_count=6, created_at=work.completed_at or now))
    return len(rows)


def _add_files(session: Session, project_id: int, now: datetime) -> int:
    count = 0
    for path, file_type, importance, notes in FILES:
        if file_store.find(session, project_id, path) is None:
            session.add(ProjectFile(project_id=project_id, file_path=path, file_type=file_type,
                                    importance=importance, notes=notes, git_status="committed",
                                    last_modified=now))
            count += 1
    return count


def _add_handoff(session: Session, work: WorkSession, from_id: int, to_id: int) -> int:
    if snapshot_store.handoff_of_session(session, work.id) is not None:
        return 0
    session.add(HandoffQueueItem(session_id=work.id, from_account_id=from_id, to_account_id=to_id, priority=8,
                                 handoff_context="Deployment done on GenSpark-DevOps; continue on GenSpark-Main.",
                                 status=HandoffStatus.PENDING.value))
    return 1

