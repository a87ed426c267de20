"""What the app writes in its data dir is private: the folder 0700, every file 0600 (the SQLite
database and its -wal/-shm: tests/api/test_database_unavailable.py; backups: the transfer tests)."""

from __future__ import annotations

import os
from pathlib import Path

from paas.cli import running_server
from paas.config import get_settings
from paas.services.credentials import key_file, vault_from_settings


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_the_key_file_and_the_server_file_are_private_in_a_private_data_dir(tmp_path: Path) -> None:
    previous = os.umask(0o002)  # a permissive umask must not widen them
    try:
        settings = get_settings(data_dir=tmp_path / "fresh" / "data")
        vault_from_settings(settings)  # development: makes the key file
        assert mode(settings.data_dir) == "0o700"
        assert mode(key_file(settings)) == "0o600"
        recorded, remark = running_server.record_server(settings)
        assert recorded is not None and remark is None
        assert mode(recorded) == "0o600"
        running_server.forget_server(recorded)
    finally:
        os.umask(previous)
