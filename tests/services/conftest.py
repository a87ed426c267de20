"""Builders for service tests: each makes rows through the services in its own committed transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.store.schema import Account, Project, WorkSession
from paas.store.unit import transaction


@pytest.fixture
def add_project(engine: Engine) -> Callable[..., Project]:
    def make(name: str = "Project", **fields: Any) -> Project:
        with transaction(engine) as session:
            return projects.create_project(session, name=name, **fields)

    return make


@pytest.fixture
def add_account(engine: Engine, clock: Any) -> Callable[..., Account]:
    def make(name: str = "Account", **fields: Any) -> Account:
        fields.setdefault("now", clock())
        with transaction(engine) as session:
            return accounts.create_account(session, account_name=name, **fields)

    return make


@pytest.fixture
def start(engine: Engine, clock: Any) -> Callable[..., WorkSession]:
    def make(project_id: int, account_id: int, **fields: Any) -> WorkSession:
        with transaction(engine) as session:
            return work_sessions.start_session(session, project_id=project_id, account_id=account_id,
                                               now=clock(), **fields)

    return make


@pytest.fixture
def rows(engine: Engine) -> Callable[[type[Any]], int]:
    """How many rows a table holds now."""

    def count(model: type[Any]) -> int:
        with transaction(engine, write=False) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0

    return count
