"""The `paas` command line: thin over the services, one transaction per command, Rich output.

Exit codes: 0 ok; 1 unexpected failure; 2 bad usage or input; 3 not found; 4 conflict;
5 database not ready (run `paas init`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from paas import __version__
from paas.config import Settings, get_settings, settings_problem
from paas.core import errors
from paas.services import accounts, demo, projects, tokens, views
from paas.services import sessions as work_sessions
from paas.services.credentials import CredentialKeyError, CredentialVault, vault_from_settings
from paas.services.database import Database, Transaction, display_url, migrate, open_database, schema_is_current

app = typer.Typer(help="PAAS AI Orchestrator: AI accounts, credits, sessions and handoff briefings.",
                  no_args_is_help=True, add_completion=False)
projects_app = typer.Typer(help="List and add projects.", no_args_is_help=True)
accounts_app = typer.Typer(help="List and add accounts.", no_args_is_help=True)
sessions_app = typer.Typer(help="List and start working sessions.", no_args_is_help=True)
token_app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
keys_app = typer.Typer(help="Credential encryption keys.", no_args_is_help=True)
context_app = typer.Typer(help="Save a project's conversation and its briefing.", no_args_is_help=True)
briefing_app = typer.Typer(help="Read saved briefings back.", no_args_is_help=True)
for sub, name in ((projects_app, "projects"), (accounts_app, "accounts"), (sessions_app, "sessions"),
                  (token_app, "token"), (db_app, "db"), (keys_app, "keys"), (context_app, "context"),
                  (briefing_app, "briefing")):
    app.add_typer(sub, name=name)

out = Console()
err = Console(stderr=True)
EXIT_CODES = {errors.InvalidInput: 2, errors.NotFound: 3, errors.Conflict: 4}

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Limit = Annotated[int, typer.Option(min=1, max=500, help="How many rows at most.")]


def now() -> datetime:
    return datetime.now(UTC)


def fail(message: str, code: int = 1) -> NoReturn:
    # One line however long (a path, a list of rows), and the message's own brackets are text, not markup.
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    """A remark on standard error that does not fail the command."""
    err.print(f"[yellow]note:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)


def settings_or_fail() -> Settings:
    try:
        return get_settings()
    except ValidationError as problem:
        fail(settings_problem(problem), 2)
    except ValueError as problem:
        fail(str(problem) or "invalid settings", 2)


@contextmanager
def database(*, check_schema: bool = True, details: bool = False) -> Iterator[Database]:
    """The configured database (``store.unit.Database``: the one way in); a domain error raised
    inside becomes one line and its exit code (``details``: the error's details follow its message)."""
    store = open_database(settings_or_fail())
    try:
        if check_schema:
            _require_current_schema(store)
        yield store
    except errors.PaasError as problem:
        code = next((c for kind, c in EXIT_CODES.items() if isinstance(problem, kind)), 1)
        shown = details and problem.details and not isinstance(problem, errors.NotFound)  # a 404's are its name
        fail(problem.message + (f" ({details_text(problem.details)})" if shown else ""), code)
    except OperationalError as problem:
        fail(f"database unavailable: {problem.orig}", 5)
    finally:
        store.dispose()


def details_text(details: dict[str, Any]) -> str:
    """An error's details as text a person reads: ``key: value`` pairs, nested values as JSON."""
    return ", ".join(f"{key}: {value if isinstance(value, str | int | float) else json.dumps(value)}"
                     for key, value in details.items())


@contextmanager
def unit_of_work(*, write: bool = True, check_schema: bool = True) -> Iterator[Session]:
    """One transaction on the configured database, errors as in ``database``."""
    with database(check_schema=check_schema) as store, store.unit(write=write) as session:
        yield session


@contextmanager
def read_and_run(*, details: bool = False) -> Iterator[tuple[Transaction, Transaction]]:
    """``(read, run)`` for commands that do slow work in a read transaction and save in a short
    write one (``run`` retries a lost race; ``store.unit.build_then_save``)."""
    with database(details=details) as store:
        yield store.read, store.run


def _require_current_schema(store: Database) -> None:
    current_ok, current, _ = schema_is_current(store)
    if not current_ok:
        state = "not initialised" if current is None else f"at revision {current}, not the latest"
        fail(f"the database is {state}: run `paas init` (or `paas db upgrade`)", 5)


def print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(rows, default=str))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(column) is None else str(row.get(column)) for column in columns))
    out.print(table)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


@app.command()
def init() -> None:
    """Create the database, or bring it to the latest schema."""
    settings = settings_or_fail()
    migrate(settings)
    out.print(f"database ready: {display_url(settings.effective_database_url)}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    init()


@app.command("demo")
def load_demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Only into a database with no projects or accounts.")]
    = False,
) -> None:
    """Load the original system's demo data (idempotent)."""
    with unit_of_work() as session:
        if if_empty and not demo.is_empty(session):
            out.print("database already has data; demo not loaded")
            return
        loaded = demo.load_demo(session, now())
    summary = ", ".join(f"{count} {kind}" for kind, count in loaded.added.items())
    out.print(f"demo data added: {summary}" if loaded.changed else "demo data already present; nothing added")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default from PAAS_HOST).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default from PAAS_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Migrate, make sure an admin token exists, print the login URL, and serve the API."""
    import uvicorn

    overrides: dict[str, Any] = {"host": host, "port": port}
    settings = get_settings(**{key: value for key, value in overrides.items() if value is not None})
    migrate(settings)
    _print_login(settings)
    uvicorn.run("paas.api.app:create_app_from_env", factory=True, host=settings.host, port=settings.port,
                workers=workers, log_level="info")


def _print_login(settings: Settings) -> None:
    with unit_of_work() as session:
        issued = tokens.login_tokens(session, now=now(), link_minutes=settings.login_link_minutes)
    first_admin, link = issued.first_admin, issued.login_link
    if first_admin:
        out.print("[bold]Admin API token (shown once, keep it):[/bold]")
        out.print(first_admin.token, highlight=False, soft_wrap=True)
    out.print(f"[bold]Login URL[/bold] (one use, {settings.login_link_minutes} min): "
              f"{settings.base_url}/login?code={link.token}", highlight=False, soft_wrap=True)


@app.command("login-link")
def login_link() -> None:
    """Print a fresh one-time login URL for the browser."""
    _print_login(settings_or_fail())


# ---- projects ---------------------------------------------------------------------------------

PROJECT_COLUMNS = ("id", "name", "status", "total_sessions", "total_credits_used", "description")


@projects_app.command("list")
def projects_list(as_json: JsonFlag = False, limit: Limit = 100) -> None:
    """List projects, newest first."""
    with unit_of_work(write=False) as session:
        page = projects.list_projects(session, limit=limit)
        rows = views.as_json(views.ProjectOut.model_validate(project) for project in page.items)
    print_rows(rows, PROJECT_COLUMNS, f"Projects ({page.total})", as_json)


@projects_app.command("add")
def projects_add(name: Annotated[str, typer.Argument(help="Unique project name.")],
                 description: Annotated[str | None, typer.Option(help="What the project is.")] = None) -> None:
    """Add a project."""
    with unit_of_work() as session:
        project = projects.create_project(session, name=name, description=description)
        project_id = project.id
    out.print(f"project {project_id} added: {name}")


# ---- accounts ---------------------------------------------------------------------------------

ACCOUNT_COLUMNS = ("id", "account_name", "platform", "status", "credits_available", "quota", "credits_refresh_date",
                   "specialization")


def account_row(view: accounts.AccountView) -> dict[str, Any]:
    """The account as the API's ``data`` shows it (``services.views.AccountOut``)."""
    row: dict[str, Any] = views.as_json(views.AccountOut.of(view))
    return row


@accounts_app.command("list")
def accounts_list(as_json: JsonFlag = False, limit: Limit = 100,
                  status: Annotated[str | None, typer.Option(help="Only this status.")] = None) -> None:
    """List accounts by name, with credits left and status now."""
    with unit_of_work(write=False) as session:
        page = accounts.list_accounts(session, now=now(), status=status, limit=limit)
        rows = [account_row(view) for view in page.items]
    print_rows(rows, ACCOUNT_COLUMNS, f"Accounts ({page.total})", as_json)


def vault_or_none() -> CredentialVault | None:
    try:
        return vault_from_settings(settings_or_fail())
    except CredentialKeyError:
        return None


@accounts_app.command("add")
def accounts_add(
    name: Annotated[str, typer.Argument(help="Unique account name.")],
    platform: Annotated[str, typer.Option(help="genspark, claude, chatgpt, gemini or other.")] = "genspark",
    email: Annotated[str | None, typer.Option(help="The account's e-mail.")] = None,
    specialization: Annotated[str | None, typer.Option(help="What it is good at, free text.")] = None,
    credits: Annotated[int | None, typer.Option(min=0, help="Credits left now, if fewer than the quota.")] = None,
) -> None:
    """Add an account."""
    with unit_of_work() as session:
        account = accounts.create_account(session, now=now(), account_name=name, platform=platform,
                                          account_email=email, specialization=specialization,
                                          credits_available=credits, vault=vault_or_none())
        account_id = account.id
    out.print(f"account {account_id} added: {name}")


# ---- sessions ---------------------------------------------------------------------------------

SESSION_COLUMNS = ("id", "project_name", "session_number", "account_name", "session_type", "status",
                   "credits_used", "started_at")


@sessions_app.command("list")
def sessions_list(as_json: JsonFlag = False, limit: Limit = 50,
                  project: Annotated[int | None, typer.Option(help="Only this project id.")] = None,
                  account: Annotated[int | None, typer.Option(help="Only this account id.")] = None,
                  status: Annotated[str | None, typer.Option(help="Only this status.")] = None) -> None:
    """List sessions, newest first."""
    with unit_of_work(write=False) as session:
        page = work_sessions.list_sessions(session, project_id=project, account_id=account, status=status,
                                           limit=limit)
        rows = views.as_json(views.SessionOut.of(row) for row in page.items)
    print_rows(rows, SESSION_COLUMNS, f"Sessions ({page.total})", as_json)


@sessions_app.command("add")
def sessions_add(
    project: Annotated[int, typer.Option(help="Project id.")],
    account: Annotated[int, typer.Option(help="Account id to lease.")],
    session_type: Annotated[str, typer.Option("--type", help="development, bugfix, feature, refactor, deployment.")]
    = "development",
    objectives: Annotated[str | None, typer.Option(help="What this session is for.")] = None,
) -> None:
    """Start a session: lease an account to a project."""
    with unit_of_work() as session:
        work = work_sessions.start_session(session, project_id=project, account_id=account, now=now(),
                                           session_type=session_type, objectives=objectives)
        work_id, number = work.id, work.session_number
    out.print(f"session {work_id} started (number {number} of project {project})")


# ---- tokens -----------------------------------------------------------------------------------

@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="viewer, operator or admin.")] = "operator",
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[int | None, typer.Option(min=1, help="Expire after this many days.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the token.")] = False,
) -> None:
    """Create an API token; it is shown once."""
    with unit_of_work() as session:
        issued = tokens.create_token(session, role=role, name=name, now=now(),
                                     valid_for=timedelta(days=days) if days else None)
        token_id = issued.record.id
    if quiet:
        sys.stdout.write(issued.token + "\n")
        return
    out.print(f"token {token_id} ({role}) created; it will not be shown again:")
    out.print(issued.token, highlight=False, soft_wrap=True)


@token_app.command("list")
def token_list(as_json: JsonFlag = False,
               all_tokens: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False) -> None:
    """List tokens (never their values)."""
    with unit_of_work(write=False) as session:
        rows = views.as_json(views.TokenOut.model_validate(record)
                             for record in tokens.list_tokens(session, include_revoked=all_tokens))
    print_rows(rows, ("id", "name", "role", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"),
               "API tokens", as_json)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="Token id (see `paas token list`).")]) -> None:
    """Revoke a token; it stops working at once."""
    with unit_of_work() as session:
        tokens.revoke_token(session, token_id, now=now())
    out.print(f"token {token_id} revoked")


# Commands for the account pool live beside this module; importing registers them on the apps above.
from paas import cli_briefing, cli_pool  # noqa: E402,F401  (imported for their side effect)


def main(argv: Sequence[str] | None = None) -> None:
    run: Callable[..., Any] = app
    run(args=list(argv) if argv is not None else None, prog_name="paas")


if __name__ == "__main__":
    main()
