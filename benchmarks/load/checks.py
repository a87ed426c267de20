"""What must hold after the load, read straight from the database (SQL) and from the API.

- The ledger grew by exactly the credits of the usage reports answered 201.
- Counters equal the ledger: every session's ``credits_used``, every project's
  ``total_credits_used``, and each seeded account's ``credits_used`` as GET /api/accounts shows it
  (its daily window from 00:00 UTC, summed in SQL).
- No double lease: no account with two sessions in progress, no project with two.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text


def ledger_total(url: str) -> int:
    from paas.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT COALESCE(SUM(credits), 0) FROM credit_events")).scalar_one())
    finally:
        engine.dispose()


def shown_accounts(base: str, token: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        request = urllib.request.Request(f"{base}/api/accounts?limit=200&offset={offset}",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback only
            page = json.loads(answer.read())["data"]
        rows += page
        if len(page) < 200:
            return rows
        offset += 200


def check(url: str, base: str, token: str, *, ledger_before: int, accepted_credits: int,
          seeded_accounts: list[int]) -> dict[str, Any]:
    from paas.store.db import make_engine

    accounts = {row["id"]: row for row in shown_accounts(base, token)}
    now = datetime.now(UTC)
    window_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            def rows(sql: str, **values: Any) -> list[Any]:
                return list(connection.execute(text(sql), values).all())

            leased_twice = rows("SELECT account_id FROM sessions WHERE status = 'in_progress' "
                                "GROUP BY account_id HAVING count(*) > 1")
            projects_twice = rows("SELECT project_id FROM sessions WHERE status = 'in_progress' "
                                  "GROUP BY project_id HAVING count(*) > 1")
            sessions_off = rows("SELECT s.id FROM sessions s WHERE s.credits_used <> "
                                "(SELECT COALESCE(SUM(e.credits), 0) FROM credit_events e WHERE e.session_id = s.id)")
            projects_off = rows("SELECT p.id FROM projects p WHERE p.total_credits_used <> "
                                "(SELECT COALESCE(SUM(e.credits), 0) FROM credit_events e WHERE e.project_id = p.id)")
            window_sums = dict(rows(
                "SELECT account_id, SUM(credits) FROM credit_events WHERE occurred_at >= :start "
                "AND occurred_at <= :now GROUP BY account_id", start=window_start.replace(tzinfo=None),
                now=now.replace(tzinfo=None) + timedelta(seconds=1)))
            ledger_after = int(connection.execute(text(
                "SELECT COALESCE(SUM(credits), 0) FROM credit_events")).scalar_one())
    finally:
        engine.dispose()
    accounts_off = [account_id for account_id in seeded_accounts
                    if account_id not in accounts
                    or accounts[account_id]["credits_used"] != int(window_sums.get(account_id) or 0)]
    return {
        "ledger_growth": ledger_after - ledger_before, "accepted_credits": accepted_credits,
        "accounts_leased_twice": [row[0] for row in leased_twice],
        "projects_on_two_sessions": [row[0] for row in projects_twice],
        "sessions_off_ledger": [row[0] for row in sessions_off],
        "projects_off_ledger": [row[0] for row in projects_off],
        "accounts_off_ledger": accounts_off,
    }


def failures(result: dict[str, Any]) -> list[str]:
    """What broke, in words (empty: every invariant held)."""
    broken = []
    if result["ledger_growth"] != result["accepted_credits"]:
        broken.append(f"ledger grew by {result['ledger_growth']}, clients saw {result['accepted_credits']} accepted")
    for key, words in (("accounts_leased_twice", "accounts leased twice"),
                       ("projects_on_two_sessions", "projects with two sessions in progress"),
                       ("sessions_off_ledger", "sessions whose credits_used differs from the ledger"),
                       ("projects_off_ledger", "projects whose total_credits_used differs from the ledger"),
                       ("accounts_off_ledger", "accounts whose credits_used differs from the ledger")):
        if result[key]:
            broken.append(f"{len(result[key])} {words}: {result[key][:5]}")
    return broken
