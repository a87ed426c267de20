"""The webhook delivery worker, with its database unreachable, logs one line per pass (no
traceback in the service log every few seconds) and keeps going."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from paas.services.credentials import CredentialVault, new_key
from paas.services.webhooks import DeliveryWorker


def test_a_pass_with_the_database_down_is_one_line_and_the_worker_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    def run(_work: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("connection refused\n\tIs the server running?"))

    worker = DeliveryWorker(run, lambda: CredentialVault((new_key(),)), lambda: datetime.now(UTC), interval=0.01)
    with caplog.at_level(logging.WARNING, logger="paas"):
        worker.start()
        deadline = time.monotonic() + 5
        while worker.passes < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        worker.stop()
    assert worker.passes >= 3
    records = [record for record in caplog.records if "webhook" in record.getMessage()]
    assert records and all(record.exc_info is None for record in records)
    assert all("\n" not in record.getMessage() for record in records)
    assert "connection refused Is the server running?" in records[0].getMessage()
