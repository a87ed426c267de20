"""Where the running `paas serve` listens, so `paas login-link` names the server people can reach.

`paas serve` writes ``server.json`` in the data dir (its pid, host, port, URL and database) just
before it starts listening and removes it when it stops. A reader trusts the file only while that
pid is alive (a server killed with SIGKILL leaves one behind: it is stale, and removed) and only
when the server uses the same database (a login code is valid in the database that issued it).
A second server on the same data dir does not take the file over from a live first one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paas.config import Settings

FILE_NAME = "server.json"


@dataclass(frozen=True)
class RunningServer:
    pid: int
    host: str
    port: int
    url: str
    database: str


def server_file(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def _database(settings: Settings) -> str:
    from paas.services.database import display_url

    return display_url(settings.effective_database_url)


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill would end the process there; take the file's word for it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def read_server(settings: Settings) -> tuple[RunningServer | None, str | None]:
    """The live server the data dir records, and a remark when there was a file not to trust
    (stale: its pid is gone, so it is removed; unreadable)."""
    path = server_file(settings)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        server = RunningServer(pid=int(raw["pid"]), host=str(raw["host"]), port=int(raw["port"]),
                               url=str(raw["url"]), database=str(raw["database"]))
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError, KeyError, TypeError):
        _remove(path)
        return None, f"removed {path}: it did not describe a server"
    if not pid_alive(server.pid):
        _remove(path)
        return None, f"removed a stale {path} (server pid {server.pid} is gone)"
    return server, None


def record_server(settings: Settings) -> tuple[Path | None, str | None]:
    """Record this process as the server of ``settings``; ``(path, None)``, or ``(None, why not)``
    when a live server on another pid already holds the file."""
    path = server_file(settings)
    other, _ = read_server(settings)
    if other is not None and other.pid != os.getpid():
        return None, f"{path} names another live server (pid {other.pid}, {other.url}); left as it is"
    entry = {"pid": os.getpid(), "host": settings.host, "port": settings.port, "url": settings.base_url,
             "database": _database(settings)}
    partial = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data dir is private
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
        os.replace(partial, path)  # a reader sees the old file or the new one, never half of one
    except OSError as problem:  # the server still serves; only login-link loses its address
        return None, f"cannot record the server's address in {path}: {problem.strerror or problem}"
    return path, None


def forget_server(path: Path | None) -> None:
    """Remove the file this process wrote (not one a later server wrote over it)."""
    if path is None:
        return
    try:
        if int(json.loads(path.read_text(encoding="utf-8"))["pid"]) == os.getpid():
            _remove(path)
    except (OSError, ValueError, KeyError, TypeError):
        return


def server_for(settings: Settings) -> tuple[RunningServer | None, str | None]:
    """The running server a login link for ``settings``' database should name, and a remark when
    none is used (none recorded, a stale file, a server on another database)."""
    server, remark = read_server(settings)
    if server is None:
        return None, remark or "no running `paas serve` recorded; the link uses PAAS_HOST and PAAS_PORT"
    if server.database != _database(settings):
        return None, (f"the running server ({server.url}) uses {server.database}, not {_database(settings)}; "
                      "the link uses PAAS_HOST and PAAS_PORT")
    return server, None


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # gone already, or not ours to remove: a reader checks the pid anyway
        return
