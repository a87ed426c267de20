"""`store.usage_imports.known_files`: many files are found with one scan below their common folder."""

from __future__ import annotations

from sqlalchemy import Engine

from paas.store import usage_imports
from paas.store.schema import Account
from paas.store.unit import transaction


def test_known_files_answers_exactly_the_paths_asked_for_however_many(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(Account(account_name="tok", quota=10**9, quota_unit="tokens"))
        session.flush()
        paths = [f"/logs/claude/projects/p_{number % 7}/%{number}.jsonl" for number in range(1200)]
        others = ["/logs/claude/projects/p_1x/other.jsonl", "/logs/claudeX/a.jsonl", "/LOGS/claude/projects/b.jsonl"]
        usage_imports.add_files(session, [{"path": path, "source": "claude_code", "account_id": 1, "size_bytes": 10,
                                           "offset": 10, "state": {"mtime_ns": 5}} for path in paths + others])
    with transaction(engine, write=False) as session:
        many = usage_imports.known_files(session, paths[:1000] + ["/logs/claude/projects/never.jsonl"])
        few = usage_imports.known_files(session, [paths[3], others[0]])
    assert set(many) == set(paths[:1000]) and many[paths[5]].state == {"mtime_ns": 5}
    assert set(few) == {paths[3], others[0]}
