"""What every `paas` command shares: output, errors as one line and an exit code, the database.

Exit codes: 0 ok; 1 unexpected failure; 2 bad usage or input; 3 not found; 4 conflict;
5 database not ready (run `paas init`) or unreachable.

Start-up is kept short (`paas --help` imports Typer and these modules only): the settings,
SQLAlchemy and the services are imported inside the functions that need them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from paas.config import Settings
    from paas.services.credentials import CredentialVault
    from paas.services.database import Database, Transaction

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Limit = Annotated[int, typer.Option(min=1, max=500, help="How many rows at most.")]
_consoles: dict[bool, Console] = {}


def console(stderr: bool = False) -> Console:
    if stderr not in _consoles:
        from rich.console import Console

        _consoles[stderr] = Console(stderr=stderr)
    return _consoles[stderr]


def now() -> datetime:
    return datetime.now(UTC)


def say(text: str, **options: Any) -> None:
    console().print(text, **options)


def fail(message: str, code: int = 1) -> NoReturn:
    from rich.markup import escape

    # One line however long (a path, a list of rows), and the message's own brackets are text, not markup.
    console(stderr=True).print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    """A remark on standard error that does not fail the command."""
    from rich.markup import escape

    console(stderr=True).print(f"[yellow]note:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)


def settings_or_fail() -> Settings:
    from pydantic import ValidationError

    from paas.config import get_settings, settings_problem

    try:
        return get_settings()
    except ValidationError as problem:
        fail(settings_problem(problem), 2)
    except ValueError as problem:
        fail(str(problem) or "invalid settings", 2)


def exit_code(problem: Exception) -> int:
    from paas.core import errors

    codes = {errors.InvalidInput: 2, errors.NotFound: 3, errors.Conflict: 4}
    return next((code for kind, code in codes.items() if isinstance(problem, kind)), 1)


def details_text(details: dict[str, Any]) -> str:
    """An error's details as text a person reads: ``key: value`` pairs, nested values as JSON."""
    return ", ".join(f"{key}: {value if isinstance(value, str | int | float) else json.dumps(value)}"
                     for key, value in details.items())


@contextmanager
def database(*, check_schema: bool = True, details: bool = False) -> Iterator[Database]:
    """The configured database (``services.database.Database``: the one way in); a domain error
    raised inside becomes one line and its exit code (``details``: the error's details follow)."""
    from sqlalchemy.exc import OperationalError

    from paas.core import errors
    from paas.services.database import open_database

    store = open_database(settings_or_fail())
    try:
        if check_schema:
            _require_current_schema(store)
        yield store
    except errors.PaasError as problem:
        shown = details and problem.details and not isinstance(problem, errors.NotFound)  # a 404's are its name
        fail(problem.message + (f" ({details_text(problem.details)})" if shown else ""), exit_code(problem))
    except OperationalError as problem:
        fail(f"database unavailable: {problem.orig}", 5)
    finally:
        store.dispose()


@contextmanager
def unit_of_work(*, write: bool = True, check_schema: bool = True) -> Iterator[Any]:
    """One transaction (a ``Session``) on the configured database, errors as in ``database``."""
    with database(check_schema=check_schema) as store, store.unit(write=write) as session:
        yield session


@contextmanager
def read_and_run(*, details: bool = False) -> Iterator[tuple[Transaction, Transaction]]:
    """``(read, run)`` for commands that do slow work in a read transaction and save in a short
    write one (``run`` retries a lost race; ``store.unit.build_then_save``)."""
    with database(details=details) as store:
        yield store.read, store.run


def _require_current_schema(store: Database) -> None:
    from paas.services.database import schema_is_current

    current_ok, current, _ = schema_is_current(store)
    if not current_ok:
        state = "not initialised" if current is None else f"at revision {current}, not the latest"
        fail(f"the database is {state}: run `paas init` (or `paas db upgrade`)", 5)


def vault_or_none() -> CredentialVault | None:
    from paas.services.credentials import CredentialKeyError, vault_from_settings

    try:
        return vault_from_settings(settings_or_fail())
    except CredentialKeyError:
        return None


def print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str, as_json: bool) -> None:
    if as_json:
        console().print_json(json.dumps(rows, default=str))
        return
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(column) is None else str(row.get(column)) for column in columns))
    console().print(table)
