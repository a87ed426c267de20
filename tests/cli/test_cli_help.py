"""Every `paas` command, group and option explains itself in --help."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from paas.cli import app


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command in the tree (Typer ships its own click, so groups are found by their ``commands``)."""
    yield path, command
    if isinstance(getattr(command, "commands", None), dict):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))


def test_the_tree_has_the_expected_commands() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "demo", "serve", "projects add", "projects list", "accounts add", "accounts list",
            "sessions add", "sessions list", "token create", "token list", "token revoke", "db upgrade"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(path) or "paas" for path, _ in COMMANDS])
def test_every_command_has_help_text(path: tuple[str, ...], command: Any) -> None:
    assert (command.help or "").strip(), f"`paas {' '.join(path)}` has no help"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(path) or "paas" for path, _ in COMMANDS])
def test_every_parameter_has_help_text(path: tuple[str, ...], command: Any) -> None:
    undocumented = [param.name for param in command.params if not (getattr(param, "help", None) or "").strip()]
    assert undocumented == [], f"`paas {' '.join(path)}`: {undocumented}"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=[" ".join(p) or "paas" for p, _ in COMMANDS])
def test_help_of_every_command_prints_usage(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
