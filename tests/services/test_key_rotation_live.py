"""`paas keys rotate` while `paas serve` runs: nothing written before, during or after becomes
unreadable, later rotations still work, and the server restarts (its key check passes).

A real server process (SQLite, development key file), real CLI processes; one backend is enough:
what is at stake is the key file shared by processes, not the database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import httpx2
import pytest
from benchmarks.accounts.rotation import PAAS, Server

from paas.config import Settings
from paas.services.credentials import key_file, vault_from_settings


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PAAS), *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def add_account(server: Server, token: str, name: str, secret: str) -> None:
    answer = httpx2.post(f"{server.base}/api/accounts", headers={"Authorization": f"Bearer {token}"},
                         json={"account_name": name, "credentials": secret}, timeout=30)
    assert answer.status_code == 201, answer.text


def stored(database: Path) -> dict[str, str]:
    with sqlite3.connect(database) as connection:
        return dict(connection.execute(
            "SELECT account_name, credentials_encrypted FROM accounts WHERE credentials_encrypted IS NOT NULL"))


@pytest.mark.slow
def test_rotating_keys_under_a_running_server_loses_nothing(tmp_path: Path) -> None:
    database = tmp_path / "paas.db"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAAS_")}
    env |= {"PAAS_DATABASE_URL": f"sqlite:///{database}", "PAAS_DATA_DIR": str(tmp_path), "PAAS_ENV": "development"}
    assert cli(env, "init").returncode == 0
    token = cli(env, "token", "create", "--role", "admin", "--quiet").stdout.strip()
    server = Server(env, workers=1, log=tmp_path / "server.log")
    try:
        server.wait_ready()
        add_account(server, token, "before", "sk-before")  # the server creates the key file and uses it
        first = cli(env, "keys", "rotate")
        assert first.returncode == 0, first.stderr
        add_account(server, token, "after", "sk-after")  # the same server, after the rotation
        second = cli(env, "keys", "rotate")
        assert second.returncode == 0, second.stderr  # a later rotation reads everything
        add_account(server, token, "later", "sk-later")
    finally:
        server.stop()
    settings = Settings(database_url=f"sqlite:///{database}", data_dir=tmp_path, env="development")
    vault = vault_from_settings(settings)
    assert len(vault.keys) == 2  # the new key and the one before it; older ones retired
    assert {name: vault.decrypt(secret) for name, secret in stored(database).items()} == {
        "before": "sk-before", "after": "sk-after", "later": "sk-later"}
    assert key_file(settings).stat().st_mode & 0o777 == 0o600
    restarted = Server(env, workers=1, log=tmp_path / "restart.log")
    try:
        restarted.wait_ready()  # start-up checks the stored canary against the keys
    finally:
        restarted.stop()
