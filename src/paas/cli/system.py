"""`paas version|init|db upgrade|demo|serve|login-link`: the service's own life."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from paas import __version__
from paas.cli import door

if TYPE_CHECKING:
    from pathlib import Path
    from types import FrameType

    from paas.config import Settings

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def version() -> None:
    """Print the version."""
    door.say(__version__)


def init() -> None:
    """Create the database, or bring it to the latest schema (the only way it migrates)."""
    from paas.services.database import display_url, migrate

    settings = door.settings_or_fail()
    with door.database_errors(settings.effective_database_url):
        migrate(settings)
    door.say(f"database ready: {display_url(settings.effective_database_url)}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    init()


def load_demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Only into a database with no projects or accounts.")]
    = False,
    scale: Annotated[int | None, typer.Option(
        "--scale", metavar="N", help="Also generate N credit events (1 to 10,000,000) over realistic sessions of "
        "the last 90 days, for analytics at scale (deterministic; adds to earlier runs).")] = None,
) -> None:
    """Load the original system's demo data (idempotent); --scale N adds N generated credit events."""
    from paas.services import demo

    if scale is not None:
        from paas.core.errors import InvalidInput
        from paas.services.demo_scale import check_scale

        try:  # a bad N is one line, before the database is opened
            check_scale(scale)
        except InvalidInput as problem:
            door.fail(problem.message, 2)
    with door.unit_of_work() as session:
        if if_empty and not demo.is_empty(session):
            door.say("database already has data; demo not loaded")
            return
        loaded = demo.load_demo(session, door.now())
        generated = _generate(session, scale) if scale is not None else None
    summary = ", ".join(f"{count} {kind}" for kind, count in loaded.added.items())
    door.say(f"demo data added: {summary}" if loaded.changed else "demo data already present; nothing added")
    if generated is not None:
        door.say(f"generated {generated.events:,} credit events ({generated.credits:,} credits) over "
                 f"{generated.sessions:,} sessions, {generated.projects} projects, {generated.accounts} accounts")


def _generate(session: Any, events: int) -> Any:
    from rich.progress import Progress

    from paas.services.demo_scale import generate

    shown_on = door.console(stderr=True)
    with Progress(console=shown_on, transient=True, disable=not shown_on.is_terminal) as progress:
        task = progress.add_task("generating credit events", total=events)
        return generate(session, now=door.now(), events=events, progress=lambda done: progress.advance(task, done))


GRACEFUL_SECONDS = 3  # open live streams (SSE) never end by themselves: stop waiting for them after this


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default from PAAS_HOST).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default from PAAS_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Make sure an admin token exists, print the login URL (in a terminal; a log gets no secret: see
    `paas login-link`), and serve the API (its address is kept in the data dir while it runs, for
    `paas login-link`). A database not at the latest schema is refused (exit 5): it is migrated
    once, by `paas db upgrade` (or `paas init`), never by each server as it starts."""
    import uvicorn

    from paas.cli import running_server

    settings = door.settings_or_fail(host=host, port=port)
    _check_credential_keys(settings)  # in a unit of work that refuses an old schema first
    announce_login(settings)
    recorded, remark = running_server.record_server(settings)
    if remark:
        door.note(remark)
    # uvicorn stops gracefully on SIGTERM, then passes the signal on to the handler it found: this
    # one ends the process through the `finally` below, so the address file goes with the server.
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run("paas.api.app:create_app_from_env", factory=True, host=settings.host, port=settings.port,
                    workers=workers, log_level="info", timeout_graceful_shutdown=GRACEFUL_SECONDS)
    finally:
        signal.signal(signal.SIGTERM, previous)
        running_server.forget_server(recorded)


def _check_credential_keys(settings: Settings) -> None:
    """What each worker checks as it starts (keys that read the stored credentials), here first:
    one line and exit 2 instead of a traceback per worker; a malformed PAAS_CREDENTIAL_KEYS too."""
    from paas.services import credentials

    with door.unit_of_work(write=False) as session:
        if settings.credential_keys is not None:
            credentials.vault_from_settings(settings)
        credentials.check_keys(session, lambda: credentials.vault_from_settings(settings))


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def print_login(settings: Settings) -> None:
    """A fresh login URL (and the first admin token, when there is none yet) on standard output:
    for a person who asked for it (`paas login-link`, or `paas serve` in a terminal)."""
    from paas.services import tokens

    with door.unit_of_work() as session:
        issued = tokens.login_tokens(session, now=door.now(), link_minutes=settings.login_link_minutes)
    if issued.first_admin:
        door.say("[bold]Admin API token (shown once, keep it):[/bold]")
        door.say(issued.first_admin.token, highlight=False, soft_wrap=True)
    door.say(f"[bold]Login URL[/bold] (one use, {settings.login_link_minutes} min): "
             f"{settings.base_url}/login?code={issued.login_link.token}", highlight=False, soft_wrap=True)


FIRST_ADMIN_FILE = "first-admin-token"


def announce_login(settings: Settings) -> None:
    """How `paas serve` tells a person how to sign in. In a terminal: the login URL (and the first
    admin token), as `print_login`. Otherwise its output is a service log (systemd's journal, a
    container's log), where no secret belongs: the first admin token goes to a 0600 file in the data
    dir, whose path is printed, and the log says to run `paas login-link` for a login URL."""
    import sys

    if sys.stdout.isatty():
        print_login(settings)
        return
    from paas.services import tokens

    with door.unit_of_work() as session:  # the bootstrap rule: an admin token exists once serving
        issued = tokens.login_tokens(session, now=door.now(), link_minutes=settings.login_link_minutes)
    if issued.first_admin:  # the link made with it is never shown: it dies unused
        path = write_secret(settings, FIRST_ADMIN_FILE, issued.first_admin.token)
        door.say(f"first admin API token written to {path} (readable by this user only): keep it, then delete "
                 "the file", highlight=False, soft_wrap=True)
    door.say("to sign in, run `paas login-link` on this machine: it prints a one-time login URL",
             highlight=False, soft_wrap=True)


def write_secret(settings: Settings, name: str, secret: str) -> Path:
    """``secret`` in ``name`` in the data dir, created 0600 (a file left from before is replaced)."""
    import os

    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = settings.data_dir / name
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")
    return path


def login_link(
    host: Annotated[str | None, typer.Option(help="The server's address (default: the running `paas serve`'s).")]
    = None,
    port: Annotated[int | None, typer.Option(
        min=1, max=65535, help="The server's port (default: the running `paas serve`'s, else PAAS_PORT).")] = None,
) -> None:
    """Print a fresh one-time login URL for the browser, naming the running server."""
    from paas.cli import running_server

    settings = door.settings_or_fail(host=host, port=port)
    remark = None
    if host is None and port is None:
        server, remark = running_server.server_for(settings)
        if server is not None:
            settings = door.settings_or_fail(host=server.host, port=server.port)
    print_login(settings)
    if remark:
        door.note(remark)
