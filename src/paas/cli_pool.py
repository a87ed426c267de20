"""`paas` commands for the account pool: best account, bulk import, rotation, credential keys.

Registered on the Typer apps of :mod:`paas.cli` (imported at its end); same habits: thin over
the services, one transaction per command, errors as one line and an exit code.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from paas.cli import (
    JsonFlag,
    accounts_app,
    app,
    fail,
    keys_app,
    now,
    out,
    print_rows,
    read_and_run,
    settings_or_fail,
    unit_of_work,
    vault_or_none,
)
from paas.services import batch, credentials, rotation, selection
from paas.services import sessions as work_sessions


@accounts_app.command("best")
def accounts_best(
    specialization: Annotated[str, typer.Argument(help="What the job needs, free text.")] = "",
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    min_credits: Annotated[int, typer.Option(min=0, help="At least this many credits left.")] = 0,
    project: Annotated[int | None, typer.Option(help="Project id (its history counts).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many to rank.")] = 3,
    as_json: JsonFlag = False,
) -> None:
    """Rank the accounts that can take a job now, with the reasons."""
    with unit_of_work(write=False) as session:
        ranked = selection.require_best_accounts(session, now=now(), specialization=specialization,
                                                 platform=platform, min_credits=min_credits, project_id=project,
                                                 limit=limit)
    rows = [{"id": item.candidate.id, "account_name": item.candidate.name, "score": item.score,
             "credits_available": item.candidate.remaining, "reasons": "; ".join(item.reasons)} for item in ranked]
    print_rows(rows, ("id", "account_name", "score", "credits_available", "reasons"), "Best accounts", as_json)


@accounts_app.command("import")
def accounts_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV (with a header) or JSON list.")],
    skip_existing: Annotated[bool, typer.Option("--skip-existing", help="Skip names already present.")] = False,
) -> None:
    """Create many accounts from CSV or JSON: all or nothing, every bad row reported."""
    rows = read_account_rows(file)
    with Progress(transient=True) as progress, unit_of_work() as session:
        task = progress.add_task("importing", total=len(rows))
        result = batch.create_accounts(session, rows, now=now(), vault=vault_or_none(),
                                       on_conflict="skip" if skip_existing else "error",
                                       progress=lambda done: progress.advance(task, done))
    skipped = f", skipped {len(result.skipped)}" if result.skipped else ""
    out.print(f"created {len(result.created)} accounts{skipped}")


def read_account_rows(file: Path) -> list[dict[str, Any]]:
    text = file.read_text(encoding="utf-8-sig")
    if file.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as problem:
            fail(f"{file}: not valid JSON (line {problem.lineno}, column {problem.colno})", 2)
        data = data.get("accounts", data) if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            fail(f"{file}: expected a JSON list of objects (or {{\"accounts\": [...]}})", 2)
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


@app.command("rotate")
def rotate_project(
    project: Annotated[int, typer.Option(help="Project id.")],
    account: Annotated[int | None, typer.Option(help="Current account id (default: the project's open session).")]
    = None,
    final_credits: Annotated[int | None, typer.Option(min=1, help="Credits to record before rotating.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Move a project to the best next account, atomically, and print the handoff briefing."""
    with read_and_run(details=True) as (read, run):
        current = account or read(lambda session: work_sessions.current_account(session, project))
        result = rotation.rotate(read, run, project_id=project, current_account_id=current, now=now(),
                                 final_credits=final_credits)
    if as_json:
        out.print_json(json.dumps({"next_account": result.next_view.account.account_name,
                                   "briefing": result.briefing, "credit_savings": result.credit_savings}))
        return
    out.print(f"[bold]next account:[/bold] {result.next_view.account.account_name} "
              f"({result.next_view.remaining} credits), session {result.new_session.session_number}")
    out.print(result.credit_savings, highlight=False)
    sys.stdout.write(result.briefing)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored credential under a new key (key file) or the first PAAS_CREDENTIAL_KEYS key."""
    settings = settings_or_fail()
    if settings.credential_keys is None:
        path = credentials.key_file(settings)
        old = credentials.vault_from_settings(settings).keys
        credentials.write_key_file(path, (credentials.new_key(), *old))
        with unit_of_work() as session:
            count = credentials.rotate_keys(session, credentials.vault_from_settings(settings))
        credentials.write_key_file(path, credentials.vault_from_settings(settings).keys[:1])
        out.print(f"re-encrypted {count} credential(s) under a new key in {path}")
        return
    with unit_of_work() as session:
        count = credentials.rotate_keys(session, credentials.vault_from_settings(settings))
    out.print(f"re-encrypted {count} credential(s) under the first key of PAAS_CREDENTIAL_KEYS; "
              "older keys can now be removed")


@keys_app.command("new")
def keys_new() -> None:
    """Print a fresh key to put first in PAAS_CREDENTIAL_KEYS before `paas keys rotate`."""
    sys.stdout.write(credentials.new_key() + "\n")


