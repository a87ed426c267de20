"""CLI errors: one line on standard error, no traceback, no Python repr, the documented exit code
(2 bad input or setting, 3 not found, 4 conflict, 5 database not ready or unreachable); and
`paas login-link` names the server that is running."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from paas.cli import app, door, running_server
from paas.config import get_settings

Cli = Callable[..., Result]


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **env}, input=stdin)


def one_line(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "╭" not in result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    return result.stderr


@pytest.mark.parametrize(("variable", "value"), [
    ("PAAS_PORT", "abc"), ("PAAS_PORT", "0"), ("PAAS_ENV", "prod"), ("PAAS_MAX_BODY_BYTES", "1"),
    ("PAAS_ROTATION_MARGIN_PERCENT", "99"), ("PAAS_POLISH_URL", "ftp://x"), ("PAAS_LOGIN_LINK_MINUTES", "soon"),
])
@pytest.mark.parametrize("command", [("serve",), ("login-link",), ("init",), ("accounts", "list")],
                         ids=lambda command: " ".join(command))
def test_an_invalid_setting_is_one_line_naming_it_with_exit_2(database_url: str, variable: str, value: str,
                                                              command: tuple[str, ...]) -> None:
    error = one_line(run({"PAAS_DATABASE_URL": database_url, variable: value}, *command), 2)
    assert error.startswith(f"error: invalid settings: {variable}: ")
    assert "errors.pydantic.dev" not in error and "input_value" not in error


def test_serve_refuses_credential_keys_that_cannot_serve_in_one_line(database_url: str, client: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from paas.services.credentials import new_key
    from tests.api.api_helpers import new_account

    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("paas serve started serving"))
    error = one_line(run({"PAAS_DATABASE_URL": database_url, "PAAS_CREDENTIAL_KEYS": "bad"}, "serve"), 2)
    assert "not a valid Fernet key" in error
    new_account(client, "keyed", credentials="sk-secret-value")  # encrypted with the data dir's key
    error = one_line(run({"PAAS_DATABASE_URL": database_url, "PAAS_CREDENTIAL_KEYS": new_key()}, "serve"), 2)
    assert error == "error: stored credentials cannot be decrypted with the configured keys\n"


UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"


@pytest.mark.parametrize("command", [("serve",), ("init",), ("login-link",), ("accounts", "list"),
                                     ("accounts", "add", "x")], ids=lambda command: " ".join(command))
def test_an_unreachable_database_is_one_line_with_exit_5(command: tuple[str, ...]) -> None:
    error = one_line(run({"PAAS_DATABASE_URL": UNREACHABLE}, *command), 5)
    assert error.startswith(f"error: database unavailable ({UNREACHABLE}): ")


def test_a_sqlite_file_that_cannot_be_made_is_exit_5(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    error = one_line(run({"PAAS_DATABASE_URL": f"sqlite:///{tmp_path / 'a-file' / 'paas.db'}"}, "init"), 5)
    assert "database unavailable" in error


@pytest.mark.parametrize("url", ["bogus://x", "not a url"])
def test_a_url_no_driver_reads_names_the_setting_with_exit_2(url: str) -> None:
    for command in (("init",), ("accounts", "list")):
        assert one_line(run({"PAAS_DATABASE_URL": url}, *command), 2).startswith("error: PAAS_DATABASE_URL: ")


def test_details_are_words_and_what_the_message_says_is_not_repeated() -> None:
    assert door.details_text({"field": "level", "allowed": ["low", "high"]}) == ""
    assert door.details_text({"current_account_id": 2, "session_id": 2}) == "current_account_id: 2, session_id: 2"
    said = door.details_text({"next": {"id": 3, "name": "b"}, "ids": [1, 2], "empty": None})
    assert said == "next: id 3; name b, ids: 1, 2"
    assert not set("{}[]'\"") & set(said)


def test_a_refused_level_prints_no_details_dict(database_url: str) -> None:
    error = one_line(run({"PAAS_DATABASE_URL": database_url}, "compress", "-", "--level", "extreme", stdin="hi"), 2)
    assert error == "error: level must be low, medium or high\n"


def test_a_message_with_line_breaks_is_printed_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit):
        door.fail("connection refused\n\tIs the server running?", 5)
    assert capsys.readouterr().err == "error: connection refused Is the server running?\n"


# --- login-link names the running server -------------------------------------------------------


def settings_for(database_url: str, **overrides: Any) -> Any:
    return get_settings(database_url=database_url, **overrides)  # PAAS_DATA_DIR is the test's own


def link_port(result: Result) -> int:
    assert result.exit_code == 0, result.output
    url = next(word for word in result.stdout.split() if "/login?code=" in word)
    return int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


@pytest.fixture
def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_login_link_names_the_recorded_server_while_it_runs(cli: Cli, database_url: str) -> None:
    path, remark = running_server.record_server(settings_for(database_url, port=8311))  # this process: alive
    assert path is not None and remark is None
    assert link_port(cli("login-link")) == 8311
    assert link_port(cli("login-link", "--port", "9000")) == 9000  # asked for wins
    running_server.forget_server(path)
    assert not path.exists()
    result = cli("login-link")
    assert link_port(result) == 8000 and "no running `paas serve` recorded" in result.stderr


def test_a_stale_server_file_is_removed_and_not_used(cli: Cli, database_url: str, dead_pid: int) -> None:
    settings = settings_for(database_url)
    path = running_server.server_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{{"pid": {dead_pid}, "host": "127.0.0.1", "port": 8311, "url": "http://127.0.0.1:8311", '
                    f'"database": "{running_server._database(settings)}"}}', encoding="utf-8")
    result = cli("login-link")
    assert link_port(result) == 8000
    assert f"removed a stale {path} (server pid {dead_pid} is gone)" in " ".join(result.stderr.split())
    assert not path.exists()
    path.write_text("not json", encoding="utf-8")
    assert "did not describe a server" in cli("login-link").stderr and not path.exists()


def test_a_server_on_another_database_is_not_named(cli: Cli, database_url: str, tmp_path: Path) -> None:
    running_server.record_server(settings_for(f"sqlite:///{tmp_path / 'other.db'}", port=8311))
    result = cli("login-link")
    assert link_port(result) == 8000 and "uses sqlite:///" in result.stderr


def test_a_live_server_keeps_its_file_from_a_second_one(database_url: str) -> None:
    settings = settings_for(database_url, port=8311)
    path = running_server.server_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{{"pid": {os.getppid()}, "host": "127.0.0.1", "port": 8400, "url": "u", "database": "d"}}',
                    encoding="utf-8")
    recorded, remark = running_server.record_server(settings)
    assert recorded is None and remark is not None and f"pid {os.getppid()}" in remark
    running_server.forget_server(path)  # not ours: left alone
    assert '"port": 8400' in path.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def serving(database_url: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "paas.cli", "serve", "--port", str(port)],
                              env={**os.environ, "PAAS_DATABASE_URL": database_url},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield server, port
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def status_of(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_paas_serve_records_its_address_for_login_link_and_removes_it_on_sigterm(
        cli: Cli, database_url: str, serving: tuple[subprocess.Popen[bytes], int]) -> None:
    server, port = serving
    path = running_server.server_file(settings_for(database_url))
    for _ in range(1200):  # until it answers (a poll with an upper bound, not a timing assertion)
        assert server.poll() is None, "paas serve stopped"
        try:
            if path.exists() and status_of(port, "/healthz") == 200:
                break
        except OSError:
            pass
        try:
            server.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
    result = cli("login-link")
    assert link_port(result) == port
    url = next(word for word in result.stdout.split() if "/login?code=" in word)
    assert status_of(port, url.split(str(port), 1)[1]) == 303  # the running server takes the code
    server.terminate()
    assert server.wait(timeout=60) != 0
    assert not path.exists()
