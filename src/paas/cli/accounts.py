"""`paas accounts list|show|add|edit|limit|best|import`: the pool.

Every value goes to the services unchecked by the CLI, so a value the API refuses with 422 is
refused here in the API's words (exit 2) and changes nothing; accounts are named by name or id.
``--json`` prints what the API answers under ``data`` (``services.views.AccountOut``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from paas.cli import door
from paas.cli.accounts_import import accounts_import

if TYPE_CHECKING:
    from paas.services.views import AccountOut

accounts_app = typer.Typer(help="List, show, add, change, rank and import accounts.", no_args_is_help=True)
accounts_app.command("import")(accounts_import)
ACCOUNT_COLUMNS = ("id", "account_name", "platform", "status", "credits_available", "quota", "quota_unit",
                   "credits_refresh_date", "specialization")

AccountRef = Annotated[str, typer.Argument(help="Account name or id.")]
Quota = Annotated[int | None, typer.Option(help="The allowance per window, in --unit (1 to 10^12).")]
Unit = Annotated[str | None, typer.Option(
    "--unit", help="What the quota counts: credits (default), tokens, or usd in US cents (2000 is $20.00); "
                   "fixed once usage is recorded.")]
Window = Annotated[str | None, typer.Option(
    "--window", help="daily (resets at --reset-at in --timezone) or rolling (over --hours).")]
ResetAt = Annotated[str | None, typer.Option("--reset-at", help="When a daily window resets, HH:MM (e.g. 00:00).")]
Timezone = Annotated[str | None, typer.Option(help="The daily reset's time zone, e.g. Europe/Paris (default UTC).")]
Hours = Annotated[int | None, typer.Option(help="Length of a rolling window in hours (1 to 744).")]
Threshold = Annotated[int | None, typer.Option(help="Used (in the unit) at which work rotates away (1 to the quota).")]
Tags = Annotated[str | None, typer.Option(help="Free-text tags, e.g. 'frontend, react' (selection reads them).")]
Notes = Annotated[str | None, typer.Option(help="Notes for people.")]
Email = Annotated[str | None, typer.Option("--email", help="The account's e-mail.")]
Specialization = Annotated[str | None, typer.Option(help="What it is good at, free text.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the account as the API answers it.")]


@accounts_app.command("list")
def accounts_list(
    as_json: door.JsonFlag = False,
    limit: door.Limit = 100,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many accounts first.")] = 0,
    status: Annotated[str | None, typer.Option(help="Only this status (available, active, ...).")] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    search: Annotated[str | None, typer.Option(
        help="Only accounts whose name, e-mail, specialization or tags contain this (any case).")] = None,
) -> None:
    """List accounts by name, with credits left and status now."""
    from paas.services import accounts, views

    with door.unit_of_work(write=False) as session:
        page = accounts.list_accounts(session, now=door.now(), status=status, platform=platform, search=search,
                                      limit=limit, offset=offset)
        rows = views.as_json(page.items)  # the API's data, exactly
    door.print_rows(rows, ACCOUNT_COLUMNS, "Accounts", as_json)
    if not as_json:
        shown = f"showing {len(rows)} of {page.total}" + (f" from number {offset + 1}" if offset and rows else "")
        more = offset + len(rows) < page.total
        door.say(shown + (f"; --offset {offset + len(rows)} for the next" if more else ""), highlight=False)


@accounts_app.command("show")
def accounts_show(account: AccountRef, as_json: AsJson = False) -> None:
    """Show one account: credits left, status, window, threshold, lease."""
    from paas.services import accounts, lookup

    with door.unit_of_work(write=False) as session:
        shown = accounts.show_account(session, lookup.account_id(session, account), door.now())
    _print_account(shown, as_json, detailed=True)


@accounts_app.command("add")
def accounts_add(
    name: Annotated[str, typer.Argument(help="Unique account name.")],
    platform: Annotated[str, typer.Option(help="genspark, claude, chatgpt, gemini or other.")] = "genspark",
    email: Email = None,
    specialization: Specialization = None,
    credits: Annotated[int | None, typer.Option(help="Credits left now, if fewer than the quota.")] = None,
    quota: Quota = None, unit: Unit = None, window: Window = None, reset_at: ResetAt = None,
    timezone: Timezone = None, hours: Hours = None, threshold: Threshold = None, tags: Tags = None, notes: Notes = None,
    disable: Annotated[bool, typer.Option("--disable", help="Add it out of the pool (enable it later).")] = False,
    as_json: AsJson = False,
) -> None:
    """Add an account: its quota and window, threshold, tags; checked as the API checks it."""
    from paas.services import accounts

    fields = _given(account_email=email, specialization=specialization, quota=quota, quota_unit=unit,
                    window_kind=window, window_reset_at=reset_at, window_timezone=timezone, window_hours=hours,
                    rotate_threshold=threshold, tags=tags, notes=notes)
    with door.unit_of_work() as session:
        added = accounts.create_account(session, now=door.now(), account_name=name, platform=platform,
                                        credits_available=credits, vault=door.vault_or_none(), **fields)
        if disable:  # in the same transaction: a refused add leaves nothing, a disabled one is never free
            added = accounts.update_account(session, added.id, {"status": "disabled"}, now=door.now())
    _print_account(added, as_json, verb="added")


@accounts_app.command("edit")
def accounts_edit(
    account: AccountRef,
    name: Annotated[str | None, typer.Option(help="A new unique name.")] = None,
    platform: Annotated[str | None, typer.Option(help="genspark, claude, chatgpt, gemini or other.")] = None,
    email: Email = None, specialization: Specialization = None,
    quota: Quota = None, unit: Unit = None, window: Window = None, reset_at: ResetAt = None,
    timezone: Timezone = None, hours: Hours = None, threshold: Threshold = None, tags: Tags = None, notes: Notes = None,
    clear: Annotated[list[str] | None, typer.Option(
        help="Empty a field: account_email, specialization, tags, notes or rotate_threshold (repeatable).")] = None,
    disable: Annotated[bool, typer.Option("--disable", help="Take it out of the pool.")] = False,
    enable: Annotated[bool, typer.Option(
        "--enable", help="Put it back in the pool (also clears the platform's exhausted/throttled reports).")] = False,
    as_json: AsJson = False,
) -> None:
    """Change an account; all or nothing (a refused value changes nothing)."""
    from paas.services import accounts, lookup

    if disable and enable:
        door.fail("give --disable or --enable, not both", 2)
    changes: dict[str, Any] = _given(
        account_name=name, platform=platform, account_email=email, specialization=specialization, quota=quota,
        quota_unit=unit, window_kind=window, window_reset_at=reset_at, window_timezone=timezone, window_hours=hours,
        rotate_threshold=threshold, tags=tags, notes=notes)
    for field in clear or []:
        if field in changes:
            door.fail(f"--clear {field} and a new value for it: give one", 2)
        changes[field] = None  # the service refuses what an account cannot be without, and unknown names
    if disable or enable:
        changes["status"] = "disabled" if disable else "available"
    if not changes:
        door.fail("nothing to change: give at least one option (see `paas accounts edit --help`)", 2)
    with door.unit_of_work() as session:
        changed = accounts.update_account(session, lookup.account_id(session, account), changes, now=door.now(),
                                          vault=door.vault_or_none())
    _print_account(changed, as_json, verb="updated")


@accounts_app.command("limit")
def accounts_limit(
    account: AccountRef,
    reason: Annotated[str, typer.Option(help="What the platform said: window_exhausted, throttled or "
                                             "invalid_credentials (only this one disables).")],
    resets_at: Annotated[str | None, typer.Option(
        "--resets-at", help="window_exhausted: when it comes back, ISO 8601 with a zone (2026-12-03T18:00Z); "
                            "default: the window's next reset.")] = None,
    cooldown: Annotated[int | None, typer.Option(
        help="throttled: seconds to wait (1 to 86400, default 60).")] = None,
    as_json: AsJson = False,
) -> None:
    """Report a platform's limit: the account leaves the pool until it passes (the API's report-limit)."""
    from paas.services import account_input, lookup, selection

    if resets_at is not None and reason != "window_exhausted":
        door.fail("--resets-at goes with --reason window_exhausted", 2)
    if cooldown is not None and reason != "throttled":
        door.fail("--cooldown goes with --reason throttled", 2)
    with door.unit_of_work() as session:
        report = account_input.limit_report({"reason": reason, "resets_at": resets_at, "cooldown_seconds": cooldown})
        changed = selection.report_limit(session, lookup.account_id(session, account), reason=report.reason,
                                         now=door.now(), resets_at=report.resets_at,
                                         cooldown_seconds=report.cooldown_seconds)
    _print_account(changed, as_json, verb="reported")


@accounts_app.command("best")
def accounts_best(
    specialization: Annotated[str, typer.Argument(help="What the job needs, free text.")] = "",
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    min_credits: Annotated[int, typer.Option(min=0, help="At least this many credits left.")] = 0,
    project: Annotated[str | None, typer.Option(help="Project name or id (its history counts).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many to rank.")] = 3,
    task: Annotated[str | None, typer.Option(help="What the job is, in words: history's estimate for it ranks "
                                                  "accounts short of credits lower, suited ones higher.")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Rank the accounts that can take a job now, with the reasons."""
    from paas.services import history, lookup, selection, views

    with door.unit_of_work(write=False) as session:
        project_id = lookup.project_id(session, project) if project is not None else None
        found = history.estimate_task(session, text=task, project_id=project_id, now=door.now()) if task else None
        ranked = selection.require_best_accounts(session, now=door.now(), specialization=specialization,
                                                 platform=platform, min_credits=min_credits, project_id=project_id,
                                                 limit=limit, task=task, estimate=found)
    rows = views.as_json(ranked)  # the API's ranked list, exactly
    if found is not None and not as_json:
        door.say(history.describe_estimate(found), highlight=False)
    if not as_json:
        rows = [{**row, "reasons": "; ".join(row["reasons"])} for row in rows]
    door.print_rows(rows, ("id", "account_name", "score", "credits_available", "reasons"), "Best accounts", as_json)


def _given(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _print_account(account: AccountOut, as_json: bool, *, verb: str = "", detailed: bool = False) -> None:
    from paas.core import units
    from paas.services import views

    shown = views.as_json(account)
    if as_json:
        door.console().print_json(data=shown)
        return
    window = (f"resets daily at {account.window_reset_at} {account.window_timezone}" if account.window_kind == "daily"
              else f"rolling {account.window_hours}h window")
    unit = account.quota_unit
    door.say(f"account {account.id}{' ' + verb if verb else ''}: {account.account_name} · {account.status.value} · "
             f"{units.total(account.credits_available, account.quota, unit)} · {window} · "
             f"threshold {units.amount(account.rotate_threshold, unit)}", highlight=False, soft_wrap=True)
    if detailed:
        door.print_rows([{"field": key, "value": value} for key, value in shown.items() if key != "platform_readings"],
                        ("field", "value"), account.account_name, as_json=False)
        for line in platform_lines(account):
            door.say(line, highlight=False, soft_wrap=True)


def platform_lines(account: AccountOut) -> list[str]:
    """The platform's latest readings beside our estimate: ``platform 5h: 42% (est 38%) · resets ...``."""
    from paas.core.statusline import WINDOWS

    lines = []
    for window, reading in (account.platform_readings or {}).items():
        label = WINDOWS[window][0] if window in WINDOWS else window
        estimate = (f" (our estimate {reading.estimated_percentage:.0f}%)"
                    if reading.estimated_percentage is not None else "")
        resets = f" · resets {reading.resets_at:%Y-%m-%d %H:%M} UTC" if reading.resets_at else ""
        lines.append(f"platform {label}: {reading.used_percentage:.0f}% used{estimate}{resets} · "
                     f"read {reading.read_at:%Y-%m-%d %H:%M} UTC")
    return lines
