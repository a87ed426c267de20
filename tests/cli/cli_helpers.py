"""What CLI tests share: ``printed`` (a command's --json, parsed, after it succeeded)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from typer.testing import Result

Cli = Callable[..., Result]


def printed(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
