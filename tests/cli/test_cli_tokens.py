"""`paas token`: create prints the token once, list never shows values or hashes, revoke ends it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from typer.testing import Result

from paas.core.errors import Unauthorized
from paas.core.types import Role
from paas.services import tokens
from paas.store.schema import ApiToken
from paas.store.unit import transaction

Cli = Callable[..., Result]


def authenticate(engine: Engine, token: str, required: Role = Role.VIEWER) -> ApiToken:
    with transaction(engine) as session:
        return tokens.authenticate(session, token, now=datetime.now(UTC), required=required)


def create_quiet(cli: Cli, *options: str) -> str:
    result = cli("token", "create", "--quiet", *options)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_create_quiet_prints_only_a_token_that_authenticates(cli: Cli, engine: Engine) -> None:
    result = cli("token", "create", "--role", "admin", "--quiet")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("paas_")
    record = authenticate(engine, lines[0], Role.ADMIN)
    assert (record.role, record.name) == ("admin", "cli")


def test_create_without_quiet_explains_and_shows_the_token_once(cli: Cli, engine: Engine) -> None:
    result = cli("token", "create", "--role", "viewer", "--name", "grafana", "--days", "7")
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[-1].strip()
    assert "will not be shown again" in result.stdout
    record = authenticate(engine, token)
    assert (record.role, record.name) == ("viewer", "grafana")
    assert record.expires_at is not None


def test_create_with_an_unknown_role_exits_2(cli: Cli, engine: Engine) -> None:
    result = cli("token", "create", "--role", "owner", "--quiet")
    assert result.exit_code == 2
    assert result.stdout == ""
    with transaction(engine, write=False) as session:
        assert session.scalars(select(ApiToken)).all() == []


@pytest.mark.parametrize("as_json", [False, True])
def test_list_never_prints_token_values_or_hashes(cli: Cli, engine: Engine, as_json: bool) -> None:
    token = create_quiet(cli, "--role", "admin", "--name", "deploy")
    with transaction(engine, write=False) as session:
        token_hash = session.scalars(select(ApiToken.token_hash)).one()
    result = cli("token", "list", *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    assert "deploy" in result.stdout
    assert token not in result.stdout
    assert token_hash not in result.stdout
    assert token[12:] not in result.stdout
    if as_json:
        (row,) = json.loads(result.stdout)
        assert "token_hash" not in row and row["prefix"] == token[:12]


def test_revoke_stops_the_token_and_hides_it_from_the_list(cli: Cli, engine: Engine) -> None:
    token = create_quiet(cli, "--role", "operator", "--name", "old")
    token_id = authenticate(engine, token).id
    result = cli("token", "revoke", str(token_id))
    assert result.exit_code == 0, result.output
    assert f"token {token_id} revoked" in result.stdout
    with pytest.raises(Unauthorized):
        authenticate(engine, token)
    assert json.loads(cli("token", "list", "--json").stdout) == []
    (row,) = json.loads(cli("token", "list", "--json", "--all").stdout)
    assert row["id"] == token_id and row["revoked_at"] is not None


def test_revoke_of_an_unknown_token_exits_3(cli: Cli) -> None:
    result = cli("token", "revoke", "42")
    assert result.exit_code == 3
    assert "token 42 does not exist" in result.stderr


def test_a_token_scoped_to_projects_by_name_lists_them(cli: Cli, engine: Engine) -> None:
    for name in ("Alpha", "Beta", "Gamma"):
        assert cli("projects", "add", name).exit_code == 0
    token = create_quiet(cli, "--role", "operator", "--project", "Alpha", "-p", "3")
    record = authenticate(engine, token, Role.OPERATOR)
    assert record.scope.project_ids == frozenset({1, 3})
    listed = {item["name"]: item for item in json.loads(cli("token", "list", "--json").stdout)}
    assert (listed["cli"]["project_ids"], listed["cli"]["projects"]) == ([1, 3], ["Alpha", "Gamma"])
    table = cli("token", "list").stdout
    assert "Alpha, Gamma" in table


def test_a_token_scoped_to_an_unknown_project_is_refused(cli: Cli, engine: Engine) -> None:
    result = cli("token", "create", "--project", "Nowhere", "--quiet")
    assert result.exit_code != 0
    assert "Nowhere" in result.output and "Traceback" not in result.output
    with transaction(engine, write=False) as session:
        assert session.scalars(select(ApiToken)).all() == []
