"""The `paas` command line: thin over the services, one unit of work per command, Rich output.

One module per command group (``projects``, ``accounts``, ``sessions``, ``status``, ``tokens``,
``keys``, ``briefings``, ``rotate``, ``hook``, ``mcp``, ``system``) and one small door helper
(``door``: output, errors as one line and an exit code, the database). Exit codes: 0 ok;
1 unexpected failure; 2 bad usage or input; 3 not found; 4 conflict; 5 database not ready or
unreachable. Commands import what they use when they run, so `paas --help` starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from paas import __version__
from paas.cli import (
    accounts,
    alerts,
    analytics,
    briefings,
    estimate,
    forecast,
    hook,
    keys,
    knowledge,
    mcp,
    projects,
    rotate,
    sessions,
    stats,
    status,
    statusline,
    system,
    tokens,
    transfer,
    usage,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


app = typer.Typer(help="PAAS AI Orchestrator: AI accounts, credits, sessions and handoff briefings.",
                  no_args_is_help=True)


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """PAAS AI Orchestrator: AI accounts, credits, sessions and handoff briefings."""


COMMANDS = ((system.version, "version"), (system.init, "init"), (system.load_demo, "demo"), (system.serve, "serve"),
            (system.login_link, "login-link"), (status.status, "status"), (stats.stats, "stats"),
            (statusline.statusline, "statusline"),
            (analytics.analytics, "analytics"),
            (estimate.estimate, "estimate"),
            (forecast.forecast, "forecast"),
            (rotate.rotate_project, "rotate"), (rotate.handoff, "handoff"), (briefings.compress, "compress"),
            (mcp.serve_mcp, "mcp"), (transfer.export_project, "export"), (transfer.import_project, "import"),
            (transfer.backup, "backup"), (transfer.restore, "restore"))
GROUPS = ((projects.projects_app, "projects"), (accounts.accounts_app, "accounts"), (sessions.sessions_app, "session"),
          (knowledge.knowledge_app, "knowledge"), (briefings.context_app, "context"),
          (briefings.briefing_app, "briefing"), (hook.hook_app, "hook"), (tokens.token_app, "token"),
          (keys.keys_app, "keys"), (system.db_app, "db"), (usage.usage_app, "usage"),
          (alerts.alerts_app, "alerts"), (alerts.webhooks_app, "webhooks"))
for command, name in COMMANDS:
    app.command(name)(command)
for group, name in GROUPS:
    app.add_typer(group, name=name)
app.add_typer(sessions.sessions_app, name="sessions", hidden=True)  # the earlier name of `session`


def _click_exceptions() -> Any:
    """The exceptions of the click that typer runs on (typer ≥ 0.20 vendors its own copy)."""
    import importlib

    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:  # an older typer, on click itself
        return importlib.import_module("click.exceptions")


def main(argv: Sequence[str] | None = None) -> None:
    """The `paas` command. A usage mistake (unknown option or command, a value of the wrong type)
    is one line on stderr and exit code 2, like every other error; help is printed as usual."""
    import sys

    click = _click_exceptions()
    run: Callable[..., Any] = app
    try:
        code = run(args=list(argv) if argv is not None else None, prog_name="paas", standalone_mode=False)
    except click.NoArgsIsHelpError as shown:  # a group named alone: its help
        assert shown.ctx is not None
        click.echo(shown.ctx.get_help())
        code = 2
    except click.UsageError as problem:
        from paas.cli import door

        where = f"; see `{problem.ctx.command_path} --help`" if problem.ctx is not None else ""
        door.console(stderr=True).print(f"[red]error:[/red] {problem.format_message()}{where}", markup=True,
                                        highlight=False, soft_wrap=True)
        # An agent runs `paas hook ...`: Claude Code reads 2 as "block" (a PreCompact's 2 stops compaction).
        hooked = problem.ctx is not None and problem.ctx.command_path.startswith("paas hook ")
        code = 1 if hooked else 2
    except typer.Abort:
        code = 130
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
