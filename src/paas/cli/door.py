"""What every `paas` command shares: output, errors as one line and an exit code, the database.

Exit codes: 0 ok; 1 unexpected failure; 2 bad usage or input (a bad ``PAAS_*`` setting too);
3 not found; 4 conflict; 5 database not ready (run `paas init`) or unreachable.

Start-up is kept short (`paas --help` imports Typer and these modules only): the settings,
SQLAlchemy and the services are imported inside the functions that need them.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from paas.config import Settings
    from paas.core.errors import PaasError
    from paas.services.credentials import CredentialVault
    from paas.services.database import Database, Transaction

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Limit = Annotated[int, typer.Option(min=1, max=500, help="How many rows at most.")]
_consoles: dict[bool, Console] = {}


def console(stderr: bool = False) -> Console:
    """The console every command prints through: it shows control and bidirectional-override
    characters as escapes (``cli.printing``), whatever a stored name or note holds."""
    if stderr not in _consoles:
        from paas.cli.printing import EscapingConsole

        _consoles[stderr] = EscapingConsole(stderr=stderr)
    return _consoles[stderr]


def now() -> datetime:
    return datetime.now(UTC)


def say(text: str, **options: Any) -> None:
    console().print(text, **options)


def write_text(text: str) -> None:
    """Text for a pipe or a paste (a briefing) on standard output as it is, ending in a line break,
    but with control and bidirectional-override characters other than line breaks and tabs
    escaped: a transcript may carry them, and a terminal would act on them."""
    from paas.core.unprintable import visible

    shown = visible(text, keep="\n\t")
    sys.stdout.write(shown if shown.endswith("\n") else shown + "\n")


def one_line(text: str) -> str:
    """``text`` with its line breaks (a driver's two-line message, say) turned into spaces."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def fail(message: str, code: int = 1) -> NoReturn:
    from rich.markup import escape

    # One line however long (a path, a list of rows), and the message's own brackets are text, not markup.
    console(stderr=True).print(f"[red]error:[/red] {escape(one_line(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    """A remark on standard error that does not fail the command."""
    from rich.markup import escape

    console(stderr=True).print(f"[yellow]note:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)


def settings_or_fail(**overrides: Any) -> Settings:
    """The settings (``overrides`` win over the environment), or one line naming each bad
    ``PAAS_*`` variable and exit code 2."""
    from pydantic import ValidationError

    from paas.config import get_settings, settings_problem

    try:
        return get_settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as problem:
        fail(settings_problem(problem), 2)
    except ValueError as problem:
        fail(str(problem) or "invalid settings", 2)


def exit_code(problem: Exception) -> int:
    from paas.core import errors
    from paas.services.credentials import CredentialKeyError  # a bad PAAS_CREDENTIAL_KEYS

    codes = {errors.InvalidInput: 2, errors.PayloadTooLarge: 2, CredentialKeyError: 2, errors.NotFound: 3,
             errors.Conflict: 4}
    return next((code for kind, code in codes.items() if isinstance(problem, kind)), 1)


# Details every message already says in words: the field it names, the values allowed, the names
# suggested, the bad rows of a batch.
SAID_IN_THE_MESSAGE = frozenset({"field", "fields", "allowed", "suggestion", "suggestions", "rows"})


def details_text(details: dict[str, Any]) -> str:
    """An error's details as text a person reads: ``key: value`` pairs, lists joined with commas,
    nothing that looks like Python or JSON; what the message already says is left out."""
    return ", ".join(f"{key}: {_readable(value)}" for key, value in details.items()
                     if key not in SAID_IN_THE_MESSAGE and value not in (None, "", [], {}))


def problem_text(problem: PaasError, *, details: bool = True) -> str:
    """A domain error's message, and (``details``) what its details add, in words."""
    said = details_text(problem.details) if details else ""
    return problem.message + (f" ({said})" if said else "")


def _readable(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key} {_readable(item)}" for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_readable(item) for item in value)
    return str(value)


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """A database that cannot be reached (or a URL no driver reads) as one line and its exit code:
    5 unreachable, 2 a bad ``PAAS_DATABASE_URL``."""
    from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError

    try:
        yield
    except (ArgumentError, NoSuchModuleError) as problem:
        fail(f"PAAS_DATABASE_URL: {problem}", 2)
    except (OperationalError, InterfaceError) as problem:
        fail(f"database unavailable ({_where(url)}): {problem.orig}", 5)
    except OSError as problem:  # a SQLite file's folder that cannot be made
        fail(f"database unavailable ({_where(url)}): {problem.strerror or problem}", 5)


def _where(url: str) -> str:
    from sqlalchemy.exc import ArgumentError

    from paas.services.database import display_url

    try:
        return display_url(url)
    except ArgumentError:
        return "PAAS_DATABASE_URL"


@contextmanager
def database(*, check_schema: bool = True, details: bool = False) -> Iterator[Database]:
    """The configured database (``services.database.Database``: the one way in); a domain error
    raised inside becomes one line and its exit code (``details``: the error's details follow)."""
    from paas.core import errors
    from paas.services.database import open_database

    settings = settings_or_fail()
    url = settings.effective_database_url
    with database_errors(url):
        store = open_database(settings, clock=lambda: now())  # alerts evaluated at the door's clock
    try:
        with database_errors(url):
            if check_schema:
                _require_current_schema(store)
            yield store
    except errors.PaasError as problem:  # a 404's details are its name
        fail(problem_text(problem, details=details and not isinstance(problem, errors.NotFound)), exit_code(problem))
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

    from paas.cli.printing import cell

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(cell(row.get(column)) for column in columns))
    console().print(table)
