"""Auto-rotation: move a project from its current account to the best next one, in one transaction.

Steps, all or nothing: lock the project and the current account; record the final usage;
end the current session (handed_off); rank the other accounts; mark the old account
exhausted only if it reached its threshold; lease the best one to a new session (next
number); write the briefing as a context snapshot and a handoff_queue row. A second
rotation racing the first sees the project already moved and gets a conflict naming the
account it is on now. The caller runs this through ``Database.run`` so a lost race
on the lease index is retried, never a 500.

The briefing's body (reading the saved transcript, the engine) is the slow part: ``rotate``
builds it in a read transaction first (``services.briefing.build_rotation_body``) and hands it
to ``auto_rotate``, which adds the header naming the chosen account and uses the body only if
what it was built on is still the latest (else rebuilds it there). Called without a body,
``auto_rotate`` builds it inside its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import Conflict, InvalidInput
from paas.core.events import AccountStateChanged, ProjectRotated, SessionEnded, SessionStarted
from paas.core.rotation import CurrentAccount, RotationPlan, order_by_strategy, plan_rotation, project_threshold
from paas.core.selection import SelectionRequest, eligible
from paas.core.types import HandoffStatus, RotationStrategy, SessionStatus, SessionType, SnapshotType
from paas.services import git_state, idempotency
from paas.services.accounts import AccountView, describe_account
from paas.services.briefing import LEVELS, RotationBody, build_rotation_body, keep_snapshot, rotation_briefing
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.selection import candidate_of, select_best_accounts, soonest_reset
from paas.services.sessions import end_session, get_work_session, spend
from paas.services.tokenizer import count_tokens
from paas.services.views import RotationAnswer
from paas.store import sessions as session_store
from paas.store.schema import ContextSnapshot, HandoffQueueItem, WorkSession
from paas.store.unit import Transaction, publish


@dataclass(frozen=True)
class RotationResult:
    plan: RotationPlan
    previous: AccountView
    next_view: AccountView
    ended_session_id: int | None
    new_session: WorkSession
    briefing: str
    briefing_tokens: int
    snapshot_id: int
    handoff_id: int

    @property
    def credit_savings(self) -> str:
        """The original's free-text field, now stating computed figures."""
        old = self.previous
        until = self.plan.exhausted_until
        state = (f"marked exhausted until {until.isoformat()}" if self.plan.mark_exhausted and until
                 else "left available")
        return (f"Rotated off {old.account.account_name} at {old.used}/{old.quota.credits} credits "
                f"(threshold {self.plan.threshold}): {self.plan.credits_left_unused} credits left unused there, "
                f"{state}. Handoff briefing: {self.briefing_tokens} tokens.")


ROTATE_SCOPE = "auto-rotate"
DEFAULT_MARGIN_PERCENT = 5  # Settings.rotation_margin_percent's default; doors pass the setting
ALL = 100_000  # rank every eligible account when a strategy other than the ranking chooses


def rotate(read: Transaction, run: Transaction, *, project_id: int, now: datetime, key: str | None = None,
           request: dict[str, Any] | None = None, level: str = "medium", scope: Scope = EVERY_PROJECT,
           **options: Any) -> RotationAnswer:
    """``auto_rotate`` as every door answers it, with its briefing body built first in a read
    transaction (``read``), so the write transaction (``run``, retried on a lost race) holds the
    lock only to decide and save. Made idempotent by ``key`` (``services.idempotency``): the first
    call with a key keeps its answer in the rotation's own transaction; a retry with the same key
    and ``request`` gets that answer back and rotates nothing, builds no briefing; the same key
    with another request is a conflict. Without a key, every call rotates. A project outside
    ``scope`` is NotFound."""
    scope.check_project(project_id)
    digest = idempotency.request_hash(request if request is not None else {"project_id": project_id, **options})
    if level not in LEVELS:
        raise InvalidInput("level must be low, medium or high", {"field": "level"})

    def build(session: Session) -> RotationBody | None:
        if key and idempotency.earlier_answer(session, ROTATE_SCOPE, key, digest):
            return None  # a replay needs no briefing
        return build_rotation_body(session, project_id=project_id, now=now, level=level)

    def save(session: Session, body: RotationBody | None) -> RotationAnswer:
        if key:
            earlier = idempotency.earlier_answer(session, ROTATE_SCOPE, key, digest)
            if earlier is not None:
                return RotationAnswer.model_validate(earlier.body)
        answer = RotationAnswer.of(auto_rotate(session, project_id=project_id, now=now, body=body, **options))
        if key:
            idempotency.remember_answer(session, ROTATE_SCOPE, key, digest, 200, answer.model_dump(mode="json"))
        return answer

    built = read(build)
    if built is not None and built.git is not None:
        # auto_commit: the handoff's commit runs here, between the read and the write, in no transaction
        built = replace(built, git=git_state.commit_at_handoff(built.git, built.markdown))
    return run(lambda session: save(session, built))


def auto_rotate(session: Session, *, project_id: int, current_account_id: int, now: datetime,
                final_credits: int | None = None, note: str | None = None, specialization: str | None = None,
                platform: str | None = None, min_credits: int = 1, session_type: str | None = None,
                body: RotationBody | None = None, own_words: str | None = None,
                margin_percent: int = DEFAULT_MARGIN_PERCENT) -> RotationResult:
    """Rotate the project off ``current_account_id`` now, in the caller's transaction: end its
    session there, choose the next account by the project's strategy (with the hysteresis margin),
    start the next session and save the briefing (``own_words``: the session's own section)."""
    project = get_project(session, project_id, for_update=True)
    current = describe_account(session, current_account_id, now, for_update=True)
    open_sessions = session_store.open_sessions_of_project(session, project.id)
    work = next((item for item in open_sessions if item.account_id == current_account_id), None)
    elsewhere = [item for item in open_sessions if item.account_id != current_account_id]
    if work is None and elsewhere:
        # Nothing open on the named account but something open elsewhere: the project has moved
        # (a racing rotation won). With a session open on the named account, that one rotates and
        # the project's other sessions in progress (people working in parallel) are left alone.
        raise Conflict(
            f"project {project.id} is already working on account {elsewhere[0].account_id} "
            f"(session {elsewhere[0].id}); rotate from that account",
            {"current_account_id": elsewhere[0].account_id, "session_id": elsewhere[0].id},
        )
    if work is not None:
        # Completing a session locks only the session: lock it too and look again.
        work = get_work_session(session, work.id, for_update=True)
        if work.status != SessionStatus.IN_PROGRESS.value:
            work = None
    if final_credits:
        if work is None:
            raise Conflict("final usage needs a session in progress on the current account",
                           {"current_account_id": current_account_id})
        spend(session, work, credits=final_credits, now=now, note=note or "final usage before rotation")
        current = describe_account(session, current_account_id, now)
    threshold = project_threshold(current.quota, project.rotate_threshold_percent)
    strategy = RotationStrategy(project.rotation_strategy)
    excluded = {current_account_id}
    while True:
        ranked = order_by_strategy(select_best_accounts(
            session, now=now, specialization=specialization or project.description or project.name,
            platform=platform, min_credits=min_credits, project_id=project.id,
            limit=1 if strategy is RotationStrategy.BEST else ALL, exclude=frozenset(excluded),
            session_type=session_type, margin_percent=margin_percent), strategy, current.account.account_name)[:1]
        plan = plan_rotation(
            current=CurrentAccount(id=current.account.id, name=current.account.account_name, quota=current.quota,
                                   used_in_window=current.used, next_reset=current.next_reset),
            open_session_id=work.id if work else None, ranked=ranked,
            next_session_number=session_store.next_session_number(session, project.id), threshold=threshold,
            soonest_reset=None if ranked else soonest_reset(session, now, exclude=frozenset(excluded)))
        # Lock the choice and look again: the ranking read rows statement by statement, and another
        # rotation may have leased this account, or rotated off it and marked it exhausted, since.
        next_view = describe_account(session, plan.next.candidate.id, now, for_update=True)
        if eligible(candidate_of(next_view, now), SelectionRequest(platform=platform, min_credits=min_credits,
                                                                   margin_percent=margin_percent)):
            break
        excluded.add(next_view.account.id)
    if work is not None:
        end_session(work, SessionStatus.HANDED_OFF, now=now)
        publish(session, SessionEnded(session_id=work.id, project_id=project.id, account_id=work.account_id,
                                      status=work.status))
    if plan.mark_exhausted:
        current.account.exhausted_until = plan.exhausted_until
        publish(session, AccountStateChanged(account_id=current.account.id, change="exhausted by rotation"))
    new_session = WorkSession(
        project_id=project.id, account_id=next_view.account.id, session_number=plan.next_session_number,
        session_type=(work.session_type if work else session_type) or SessionType.DEVELOPMENT.value,
        objectives=work.objectives if work else None, status=SessionStatus.IN_PROGRESS.value, started_at=now)
    session.add(new_session)
    next_view.account.last_used_at = now
    project.total_sessions += 1
    session.flush()
    text, tokens, used = rotation_briefing(session, project=project, previous=current, next_view=next_view,
                                           ended=work, plan=plan, now=now, body=body)
    head = git_state.session_head(used.git)  # the next session starts at HEAD after the handoff (and its commit)
    if head is not None:
        new_session.git_head, new_session.git_branch = head.sha, head.branch
    if own_words and own_words.strip():
        text = f"{text.rstrip()}\n\n{own_words.strip()}\n"
        tokens = count_tokens(text)
    publish(session, SessionStarted(session_id=new_session.id, project_id=project.id,
                                    account_id=next_view.account.id, session_number=new_session.session_number))
    snapshot = keep_snapshot(session, ContextSnapshot(
        project_id=project.id, session_id=work.id if work else new_session.id,
        snapshot_type=SnapshotType.HANDOFF.value, compressed_context=text,
        context_summary=f"rotation {current.account.account_name} -> {next_view.account.account_name}",
        created_at=now, stats={**(used.stats or {}), "rotation_tokens": tokens},
        source_format=used.source_format, source_id=used.source_id, **git_state.snapshot_fields(used.git)))
    handoff = HandoffQueueItem(
        session_id=work.id if work else new_session.id, from_account_id=current.account.id,
        to_account_id=next_view.account.id, priority=8 if plan.mark_exhausted else 5, handoff_context=text,
        status=HandoffStatus.PENDING.value, created_at=now)
    session.add(handoff)
    session.flush()
    publish(session, ProjectRotated(project_id=project.id, from_account_id=current.account.id,
                                    to_account_id=next_view.account.id, ended_session_id=work.id if work else None,
                                    new_session_id=new_session.id, snapshot_id=snapshot.id,
                                    marked_exhausted=plan.mark_exhausted))
    return RotationResult(plan=plan, previous=current, next_view=describe_account(session, next_view.account.id, now),
                          ended_session_id=work.id if work else None, new_session=new_session, briefing=text,
                          briefing_tokens=tokens, snapshot_id=snapshot.id, handoff_id=handoff.id)
