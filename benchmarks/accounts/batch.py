"""Part 1: 10,000 accounts through ``services.batch.create_accounts`` in one transaction.

Each run starts from a fresh copy of a migrated SQLite file (migration time is not counted;
engine creation and the first connection are not counted either). The baseline is the
floor: the standard library's ``sqlite3`` ``executemany`` of the same rows (the same account
columns, plus the same opening ledger rows) into the same schema, with the same PRAGMAs, in
one transaction. On PostgreSQL (when it answers) each run gets a fresh schema, and the
baseline is psycopg's ``executemany`` of the same rows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.accounts.common import Table, account_rows, pg_answers, pg_schema, seconds

from paas.core.names import name_key

TARGET_SECONDS = 1.0
ACCOUNT_COLUMNS = ("account_name", "account_name_key", "account_email", "platform", "specialization", "tags", "quota",
                   "window_kind", "window_reset_at", "window_timezone", "window_hours", "admin_state", "created_at",
                   "updated_at")
EVENT_COLUMNS = ("account_id", "credits", "note", "occurred_at", "overdrawn")
OPENING_NOTE = "used before the account was added"


def _service_run(url: str, rows: list[dict[str, Any]], statements: list[int] | None = None
                 ) -> tuple[float, int, int]:
    from sqlalchemy import event, func, select, text

    from paas.services.batch import create_accounts
    from paas.store.db import make_engine
    from paas.store.schema import Account, CreditEvent
    from paas.store.unit import transaction

    engine = make_engine(url)
    try:
        with engine.connect() as connection:  # the first connection (and its PRAGMAs) is not the batch
            connection.execute(text("SELECT 1"))
        sent = [0]

        def count(*_: Any) -> None:
            sent[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        now = datetime.now(UTC)
        started = time.perf_counter()
        with transaction(engine) as session:
            result = create_accounts(session, rows, now=now)
        elapsed = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", count)
        if statements is not None:
            statements.append(sent[0])
        with transaction(engine, write=False) as session:
            accounts = session.scalar(select(func.count()).select_from(Account)) or 0
            events = session.scalar(select(func.count()).select_from(CreditEvent)) or 0
        assert len(result.created) == len(rows) == accounts, (len(result.created), len(rows), accounts)
        return elapsed, accounts, events
    finally:
        engine.dispose()


def _raw_values(rows: list[dict[str, Any]], now: datetime) -> list[tuple[Any, ...]]:
    stamp = now.astimezone(UTC).replace(tzinfo=None)
    return [(row["account_name"], name_key(row["account_name"]), row.get("account_email"), row["platform"],
             row.get("specialization"),
             row.get("tags"), row.get("quota", 100), "daily", "00:00", "UTC", 24, "enabled", stamp, stamp)
            for row in rows]


def _openings(rows: list[dict[str, Any]], ids: list[int], now: datetime) -> list[tuple[Any, ...]]:
    stamp = now.astimezone(UTC).replace(tzinfo=None)
    events = []
    for account_id, row in zip(ids, rows, strict=True):
        available, quota = row.get("credits_available"), row.get("quota", 100)
        if available is not None and available < quota:
            events.append((account_id, quota - available, OPENING_NOTE, stamp, 0))
    return events


def _sqlite_raw_run(path: Path, rows: list[dict[str, Any]]) -> tuple[float, int, int]:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            connection.execute(f"PRAGMA {pragma}")
        now = datetime.now(UTC)
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        values = [tuple(v.isoformat(" ", "microseconds") if isinstance(v, datetime) else v for v in row)
                  for row in _raw_values(rows, now)]
        connection.executemany(
            f"INSERT INTO accounts ({', '.join(ACCOUNT_COLUMNS)}) VALUES ({', '.join('?' * len(ACCOUNT_COLUMNS))})",
            values)
        ids = [row[0] for row in connection.execute("SELECT id FROM accounts ORDER BY id")]
        events = [tuple(v.isoformat(" ", "microseconds") if isinstance(v, datetime) else v for v in event)
                  for event in _openings(rows, ids, now)]
        connection.executemany(
            f"INSERT INTO credit_events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
            events)
        connection.execute("COMMIT")
        elapsed = time.perf_counter() - started
        accounts = connection.execute("SELECT count(*) FROM accounts").fetchone()[0]
        ledger = connection.execute("SELECT count(*) FROM credit_events").fetchone()[0]
        return elapsed, accounts, ledger
    finally:
        connection.close()


def _pg_raw_run(url: str, rows: list[dict[str, Any]]) -> tuple[float, int, int]:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    options = parsed.query.get("options")
    conninfo = parsed.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, options=options if isinstance(options, str) else None) as connection:
        now = datetime.now(UTC)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO accounts ({', '.join(ACCOUNT_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(ACCOUNT_COLUMNS))}) RETURNING id",
                _raw_values(rows, now), returning=True)
            ids = []
            while True:
                ids.append(cursor.fetchone()[0])  # type: ignore[index]
                if not cursor.nextset():
                    break
            cursor.executemany(
                f"INSERT INTO credit_events ({', '.join(EVENT_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})", _openings(rows, ids, now))
        connection.commit()
        elapsed = time.perf_counter() - started
        accounts = connection.execute("SELECT count(*) FROM accounts").fetchone()[0]  # type: ignore[index]
        ledger = connection.execute("SELECT count(*) FROM credit_events").fetchone()[0]  # type: ignore[index]
    return elapsed, accounts, ledger


def run(quick: bool = False, *, count: int = 10_000) -> tuple[Table, dict[str, Any]]:
    from paas.store.db import upgrade

    runs = 1 if quick else 3
    rows = account_rows(count)
    table = Table(f"Batch create: {count:,} accounts in one transaction (median of {runs} run(s), fresh database each)")
    data: dict[str, Any] = {"accounts": count, "runs": runs,
                            "opening_ledger_rows": sum(1 for r in rows if "credits_available" in r)}
    with tempfile.TemporaryDirectory(prefix="paas-bench-batch-") as folder:
        template = Path(folder) / "template.db"
        upgrade(f"sqlite:///{template}")
        service_times, raw_times, sent = [], [], []
        for attempt in range(runs):
            service_file = Path(folder) / f"service-{attempt}.db"
            raw_file = Path(folder) / f"raw-{attempt}.db"
            shutil.copyfile(template, service_file)
            shutil.copyfile(template, raw_file)
            elapsed, accounts, events = _service_run(f"sqlite:///{service_file}", rows, sent)
            raw_elapsed, raw_accounts, raw_events = _sqlite_raw_run(raw_file, rows)
            assert (accounts, events) == (raw_accounts, raw_events), ((accounts, events), (raw_accounts, raw_events))
            service_times.append(elapsed)
            raw_times.append(raw_elapsed)
        service, raw = statistics.median(service_times), statistics.median(raw_times)
        data["sqlite"] = {"service_seconds": service_times, "raw_sqlite3_seconds": raw_times,
                          "service_median": service, "raw_median": raw, "ledger_rows": events}
        table.add("SQLite: create_accounts (median)", seconds(service), f"target ≤ {seconds(TARGET_SECONDS)}",
                  service <= TARGET_SECONDS)
        table.add("SQLite: raw sqlite3 executemany (median)", seconds(raw), "baseline (floor)")
        table.add("SQLite: service / raw", f"{service / raw:.1f}×", "baseline = 1.0×")
        table.add("SQLite: accounts per second (service)", f"{count / service:,.0f}/s", f"raw {count / raw:,.0f}/s")
        table.add("SQLite: statements sent to the driver (service)", f"{sent[-1]:,}", "raw: 3 (2 executemany)")

    if pg_answers():
        pg_service, pg_raw = [], []
        for attempt in range(runs):
            with pg_schema(f"paas_bench_batch_{os.getpid()}_{attempt}") as url:
                upgrade(url)
                pg_service.append(_service_run(url, rows)[0])
            with pg_schema(f"paas_bench_batch_raw_{os.getpid()}_{attempt}") as url:
                upgrade(url)
                pg_raw.append(_pg_raw_run(url, rows)[0])
        service, raw = statistics.median(pg_service), statistics.median(pg_raw)
        data["postgresql"] = {"service_seconds": pg_service, "raw_psycopg_seconds": pg_raw,
                              "service_median": service, "raw_median": raw}
        table.add("PostgreSQL: create_accounts (median)", seconds(service), f"target ≤ {seconds(TARGET_SECONDS)}",
                  service <= TARGET_SECONDS)
        table.add("PostgreSQL: raw psycopg executemany (median)", seconds(raw), "baseline")
        table.add("PostgreSQL: service / raw", f"{service / raw:.1f}×", "baseline = 1.0×")
    else:
        data["postgresql"] = None
        table.notes.append("PostgreSQL not reached (PAAS_BENCH_DATABASE_URL); PostgreSQL rows skipped")
    table.notes.append(f"{data['opening_ledger_rows']:,} of the rows carry credits_available < quota, so both sides "
                       "also write that many opening ledger rows")
    return table, data
