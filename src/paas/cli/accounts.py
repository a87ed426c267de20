"""`paas accounts list|add|best|import`: the pool."""

from __future__ import annotations

import csv
import io
import json
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any

import typer

from paas.cli import door

accounts_app = typer.Typer(help="List, add, rank and import accounts.", no_args_is_help=True)
ACCOUNT_COLUMNS = ("id", "account_name", "platform", "status", "credits_available", "quota", "credits_refresh_date",
                   "specialization")


@accounts_app.command("list")
def accounts_list(as_json: door.JsonFlag = False, limit: door.Limit = 100,
                  status: Annotated[str | None, typer.Option(help="Only this status.")] = None) -> None:
    """List accounts by name, with credits left and status now."""
    from paas.services import accounts, views

    with door.unit_of_work(write=False) as session:
        page = accounts.list_accounts(session, now=door.now(), status=status, limit=limit)
        rows = views.as_json(page.items)  # the API's data, exactly
    door.print_rows(rows, ACCOUNT_COLUMNS, f"Accounts ({page.total})", as_json)


@accounts_app.command("add")
def accounts_add(
    name: Annotated[str, typer.Argument(help="Unique account name.")],
    platform: Annotated[str, typer.Option(help="genspark, claude, chatgpt, gemini or other.")] = "genspark",
    email: Annotated[str | None, typer.Option(help="The account's e-mail.")] = None,
    specialization: Annotated[str | None, typer.Option(help="What it is good at, free text.")] = None,
    credits: Annotated[int | None, typer.Option(min=0, help="Credits left now, if fewer than the quota.")] = None,
) -> None:
    """Add an account."""
    from paas.services import accounts

    with door.unit_of_work() as session:
        account = accounts.create_account(session, now=door.now(), account_name=name, platform=platform,
                                          account_email=email, specialization=specialization,
                                          credits_available=credits, vault=door.vault_or_none())
        account_id = account.id
    door.say(f"account {account_id} added: {name}")


@accounts_app.command("best")
def accounts_best(
    specialization: Annotated[str, typer.Argument(help="What the job needs, free text.")] = "",
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    min_credits: Annotated[int, typer.Option(min=0, help="At least this many credits left.")] = 0,
    project: Annotated[int | None, typer.Option(help="Project id (its history counts).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many to rank.")] = 3,
    as_json: door.JsonFlag = False,
) -> None:
    """Rank the accounts that can take a job now, with the reasons."""
    from paas.services import selection, views

    with door.unit_of_work(write=False) as session:
        ranked = selection.require_best_accounts(session, now=door.now(), specialization=specialization,
                                                 platform=platform, min_credits=min_credits, project_id=project,
                                                 limit=limit)
    rows = views.as_json(ranked)  # the API's ranked list, exactly
    if not as_json:
        rows = [{**row, "reasons": "; ".join(row["reasons"])} for row in rows]
    door.print_rows(rows, ("id", "account_name", "score", "credits_available", "reasons"), "Best accounts", as_json)


@accounts_app.command("import")
def accounts_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV (with a header) or JSON list.")],
    skip_existing: Annotated[bool, typer.Option("--skip-existing", help="Skip names already present.")] = False,
) -> None:
    """Create many accounts from CSV or JSON: all or nothing, every bad row reported."""
    from rich.progress import Progress

    from paas.services import batch

    rows = read_account_rows(file)
    with Progress(transient=True) as progress, door.unit_of_work() as session:
        task = progress.add_task("importing", total=len(rows))
        result = batch.create_accounts(session, rows, now=door.now(), vault=door.vault_or_none(),
                                       on_conflict="skip" if skip_existing else "error",
                                       progress=lambda done: progress.advance(task, done))
    skipped = f", skipped {len(result.skipped)}" if result.skipped else ""
    door.say(f"created {len(result.created)} accounts{skipped}")


def read_account_rows(file: Path) -> list[dict[str, Any]]:
    text = file.read_text(encoding="utf-8-sig")
    if file.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as problem:
            door.fail(f"{file}: not valid JSON (line {problem.lineno}, column {problem.colno})", 2)
        data = data.get("accounts", data) if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            door.fail(f"{file}: expected a JSON list of objects (or {{\"accounts\": [...]}})", 2)
        return data
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        cleaned: dict[str, Any] = {key.strip(): value.strip() for key, value in row.items() if key and value}
        for number in ("quota", "window_hours", "rotate_threshold", "credits_available"):
            if number in cleaned:
                with suppress(ValueError):
                    cleaned[number] = int(cleaned[number])
        rows.append(cleaned)
    return rows
