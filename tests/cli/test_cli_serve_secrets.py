"""`paas serve` keeps secrets out of service logs (issue 12: the admin token and every login code
were printed to standard output, so into the journal): in a terminal it prints the login URL; into
a log it writes the first admin token to a 0600 file and names the file; the access log hides a
login link's code."""

from __future__ import annotations

import http.client
import os
import pty
import re
import select
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from paas.api import access_log
from paas.core.types import Role
from paas.services import tokens
from paas.store.unit import transaction
from tests.cli.test_cli_errors import free_port, status_of

TOKEN = re.compile(r"paas_[A-Za-z0-9_-]{20,}")


@contextmanager
def paas_serve(database_url: str, port: int, stdout: int) -> Iterator[subprocess.Popen[bytes]]:
    server = subprocess.Popen([sys.executable, "-m", "paas.cli", "serve", "--port", str(port)],
                              env={**os.environ, "PAAS_DATABASE_URL": database_url, "COLUMNS": "300"},
                              stdout=stdout, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, "paas serve stopped"
            try:
                if status_of(port, "/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.05)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def login_code(engine: Engine) -> str:
    with transaction(engine) as session:
        return tokens.create_token(session, role="admin", name="login link", now=datetime.now(UTC), single_use=True,
                                   valid_for=timedelta(minutes=15)).token


def test_serve_into_a_log_prints_no_secret_and_leaves_the_first_admin_token_in_a_0600_file(
        database_url: str, engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "service.log"
    port = free_port()
    code = login_code(engine)
    with log.open("wb") as output, paas_serve(database_url, port, output.fileno()):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/login?code={code}")
        assert connection.getresponse().status == 303
        connection.close()
    said = log.read_text(encoding="utf-8")
    assert TOKEN.findall(said) == [], said  # neither the admin token, nor a login code, nor the one used
    assert code not in said and "/login?code=[hidden]" in said  # the access log line, without its secret
    secret_file = Path(os.environ["PAAS_DATA_DIR"]) / "first-admin-token"
    assert str(secret_file) in said and "paas login-link" in said
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    admin = secret_file.read_text(encoding="utf-8").strip()
    with transaction(engine, write=False) as session:
        tokens.authenticate(session, admin, now=datetime.now(UTC), required=Role.ADMIN)  # a live admin token


def test_serve_in_a_terminal_still_prints_the_login_url(database_url: str) -> None:
    controller, terminal = pty.openpty()
    port = free_port()
    try:
        with paas_serve(database_url, port, terminal):
            said = b""
            deadline = time.monotonic() + 30
            while b"/login?code=" not in said and time.monotonic() < deadline:
                if select.select([controller], [], [], 0.5)[0]:
                    said += os.read(controller, 65536)
    finally:
        os.close(terminal)
        os.close(controller)
    text = said.decode("utf-8", "replace")
    assert f"127.0.0.1:{port}/login?code=paas_" in text and "Admin API token" in text


def test_the_access_log_filter_hides_codes_and_tokens_in_any_query() -> None:
    assert access_log.hide_secrets("/login?code=paas_abc&next=/x") == "/login?code=[hidden]&next=/x"
    assert access_log.hide_secrets("/x?a=1&TOKEN=s3cret") == "/x?a=1&TOKEN=[hidden]"
    assert access_log.hide_secrets("/api/projects?limit=5") == "/api/projects?limit=5"
