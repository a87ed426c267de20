"""PostgreSQL's server-side limits are set on every connection the engine opens, after the URL's
own options are kept (the tests' search_path lives there)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from paas.store.db import Timeouts, make_engine
from tests.conftest import BACKENDS

ON_POSTGRESQL = [backend for backend in BACKENDS if backend == "postgresql"]


@pytest.mark.parametrize("database_url", ON_POSTGRESQL, indirect=True)
def test_a_statement_past_the_statement_timeout_is_cancelled(database_url: str) -> None:
    engine = make_engine(database_url, timeouts=Timeouts(statement_ms=300, lock_ms=700))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "300ms"
            assert connection.execute(text("SHOW lock_timeout")).scalar() == "700ms"
            assert connection.execute(text("SELECT count(*) FROM accounts")).scalar() == 0  # search_path kept
            started = time.monotonic()
            with pytest.raises(OperationalError, match="statement timeout"):
                connection.execute(text("SELECT pg_sleep(3)"))
            assert time.monotonic() - started < 1.5
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", ON_POSTGRESQL, indirect=True)
def test_migrations_have_no_statement_timeout_but_requests_do(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "15s"
            assert connection.execute(text("SHOW lock_timeout")).scalar() == "2s"
    finally:
        engine.dispose()
    unlimited = make_engine(database_url, timeouts=Timeouts(statement_ms=0))
    try:
        with unlimited.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "0"
    finally:
        unlimited.dispose()
