"""Selection prefilters in SQL (enabled, not throttled or reported exhausted, not leased, not
excluded) and lets only eligible accounts into the pool: over random pools and requests its answer
is the full scan's answer (every enabled account described, then ranked), on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from paas.core.selection import Ranked, SelectionPool, SelectionRequest
from paas.services import projects
from paas.services.accounts import describe_accounts
from paas.services.batch import create_accounts
from paas.services.selection import candidate_of, select_best_accounts
from paas.services.sessions import complete_session, start_session
from paas.store import accounts as store
from paas.store.schema import Account

SKILLS = ("React", "Vue", "Python", "FastAPI", "Pandas", "Kubernetes", "Technical Writing", "UI/UX Design")
STATES = ("plain", "plain", "plain", "disabled", "leased", "throttled", "throttle_over", "reported_out",
          "report_over", "used_up", "history")

account_strategy = st.fixed_dictionaries({
    "state": st.sampled_from(STATES),
    "platform": st.sampled_from(("genspark", "claude")),
    "skills": st.lists(st.sampled_from(SKILLS), min_size=0, max_size=3, unique=True),
    "quota": st.sampled_from((10, 100, 500)),
    "spent_share": st.sampled_from((0.0, 0.0, 0.3, 0.8, 0.95)),
    "threshold": st.sampled_from((None, None, 5)),
    "used_hours_ago": st.sampled_from((None, 1, 30)),
})
request_strategy = st.fixed_dictionaries({
    "specialization": st.sampled_from(("", "react", "front vue", "python pandas", "writing", "fast ui")),
    "platform": st.sampled_from((None, None, "genspark", "claude")),
    "min_credits": st.sampled_from((0, 1, 50, 400)),
    "limit": st.sampled_from((1, 3, 100)),
    "exclude_first": st.booleans(),
    "margin_percent": st.sampled_from((0, 5)),
})


def full_scan(session: Session, now: datetime, request: SelectionRequest) -> list[Ranked]:
    """The selection before the prefilter: every enabled account described, all ranked."""
    views = describe_accounts(session, store.account_rows(session, enabled_only=True), now)
    rates = store.completion_rates(session)
    return SelectionPool(candidate_of(view, now, rates.get(view.account.id)) for view in views).rank(request)


def seed(session: Session, now: datetime, pool: list[dict[str, Any]]) -> list[int]:
    rows = []
    for index, spec in enumerate(pool):
        row: dict[str, Any] = {"account_name": f"{spec['platform'].capitalize()}-Seat-{index:02d}",
                               "platform": spec["platform"], "specialization": ", ".join(spec["skills"]),
                               "quota": spec["quota"], "rotate_threshold": spec["threshold"]}
        spent = spec["quota"] if spec["state"] == "used_up" else int(spec["quota"] * spec["spent_share"])
        if spent:
            row["credits_available"] = spec["quota"] - spent
        rows.append(row)
    ids = [account_id for account_id, _ in create_accounts(session, rows, now=now - timedelta(hours=2)).created]
    project = projects.create_project(session, name="prefilter", description="React")
    for account_id, spec in zip(ids, pool, strict=True):
        account = session.get(Account, account_id)
        assert account is not None
        state = spec["state"]
        if state == "disabled":
            account.admin_state = "disabled"
        elif state in ("throttled", "throttle_over"):
            account.throttled_until = now + timedelta(minutes=10 if state == "throttled" else -10)
        elif state in ("reported_out", "report_over"):
            account.exhausted_until = now + timedelta(hours=1 if state == "reported_out" else -1)
        elif state in ("leased", "history"):
            work = start_session(session, project_id=project.id, account_id=account_id, now=now - timedelta(hours=1))
            if state == "history":
                complete_session(session, work.id, now=now - timedelta(minutes=30))
        if spec["used_hours_ago"] is not None:
            account.last_used_at = now - timedelta(hours=spec["used_hours_ago"])
    session.flush()
    return ids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pool=st.lists(account_strategy, min_size=1, max_size=14), asked=st.lists(request_strategy, min_size=1,
                                                                               max_size=4))
def test_the_prefiltered_choice_is_the_full_scans_choice(engine: Engine, clock: Any, pool: list[dict[str, Any]],
                                                         asked: list[dict[str, Any]]) -> None:
    now = clock()
    with Session(engine) as session:
        try:
            ids = seed(session, now, pool)
            for spec in asked:
                exclude = frozenset(ids[:1]) if spec["exclude_first"] else frozenset()
                request = SelectionRequest(specialization=spec["specialization"], platform=spec["platform"],
                                           min_credits=spec["min_credits"], limit=spec["limit"], exclude=exclude,
                                           margin_percent=spec["margin_percent"])
                chosen = select_best_accounts(session, now=now, specialization=request.specialization,
                                              platform=request.platform, min_credits=request.min_credits,
                                              limit=request.limit, exclude=exclude,
                                              margin_percent=request.margin_percent)
                expected = full_scan(session, now, request)
                assert [(item.candidate.id, item.score, item.reasons) for item in chosen] == \
                       [(item.candidate.id, item.score, item.reasons) for item in expected]
        finally:
            session.rollback()
