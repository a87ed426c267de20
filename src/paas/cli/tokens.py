"""`paas token create|list|revoke`."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Annotated

import typer

from paas.cli import door

token_app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="viewer, operator or admin.")] = "operator",
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[int | None, typer.Option(min=1, help="Expire after this many days.")] = None,
    project: Annotated[list[str] | None, typer.Option(
        "--project", "-p", help="Scope the token to this project (name or id; repeat for several): it then "
                                "sees only these projects, 404 for any other.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the token.")] = False,
) -> None:
    """Create an API token; it is shown once."""
    from paas.services import lookup, tokens

    with door.unit_of_work() as session:
        projects = [lookup.project_id(session, ref) for ref in project] if project else None
        issued = tokens.create_token(session, role=role, name=name, now=door.now(),
                                     valid_for=timedelta(days=days) if days else None, projects=projects)
        token_id = issued.record.id
    if quiet:
        sys.stdout.write(issued.token + "\n")
        return
    scope = f", projects {', '.join(str(item) for item in project)}" if project else ""
    door.say(f"token {token_id} ({role}{scope}) created; it will not be shown again:")
    door.say(issued.token, highlight=False, soft_wrap=True)


@token_app.command("list")
def token_list(as_json: door.JsonFlag = False,
               all_tokens: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False) -> None:
    """List tokens (never their values)."""
    from paas.services import tokens, views

    with door.unit_of_work(write=False) as session:
        rows = views.as_json(tokens.list_tokens(session, include_revoked=all_tokens))
    if not as_json:  # a person reads names; --json keeps the view's project_ids and projects
        rows = [{**row, "projects": "all" if row["projects"] is None else ", ".join(row["projects"]) or "none left"}
                for row in rows]
    door.print_rows(rows, ("id", "name", "role", "projects", "prefix", "created_at", "expires_at", "last_used_at",
                           "revoked_at"), "API tokens", as_json)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="Token id (see `paas token list`).")]) -> None:
    """Revoke a token; it stops working at once."""
    from paas.services import tokens

    with door.unit_of_work() as session:
        tokens.revoke_token(session, token_id, now=door.now())
    door.say(f"token {token_id} revoked")
