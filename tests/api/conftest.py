"""Fixtures local to the HTTP API tests (plain helpers live in api_helpers.py).

``client`` and ``anonymous`` are redefined here so that a server error reaches the test as the
500 answer a real caller would get (with the traceback in the captured log) instead of being
raised inside the test client: the API tests assert on statuses, including "never 500".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.services.demo import load_demo
from paas.store.unit import transaction


@pytest.fixture
def client(app: Any, make_token: Callable[[str], str]) -> Iterator[TestClient]:
    """An HTTP client carrying an admin token; server errors come back as responses."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.headers["Authorization"] = f"Bearer {make_token('admin')}"
        yield test_client


@pytest.fixture
def anonymous(app: Any) -> Iterator[TestClient]:
    """An HTTP client with no token; server errors come back as responses."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def demo(engine: Engine, clock: Any) -> None:
    """The original's demo data, loaded through the services."""
    with transaction(engine) as session:
        load_demo(session, clock())
