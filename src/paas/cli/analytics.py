"""`paas analytics`: credit analytics (POST /api/private/analyze-credits's `data` with --json)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from paas.cli import door

BAR_WIDTH = 30


def analytics(
    project: Annotated[str | None, typer.Option("--project", "-p", help="Project name or id (default: all).")]
    = None,
    days: Annotated[int, typer.Option(help="The window: sessions finished in the last N days (1-3650).")] = 30,
    unit: Annotated[str | None, typer.Option(help="Sum the accounts counting credits, tokens or usd (default: "
                                                   "credits, if an account counts them).")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """How sessions use their credits: the band, recommendations, accounts, a histogram, handoffs."""
    from paas.core.types import QuotaUnit
    from paas.services import lookup, views
    from paas.services.analytics import analyze_credits
    from paas.services.field_rules import parse_enum

    with door.unit_of_work(write=False) as session:
        project_id = lookup.project_id(session, project) if project is not None else None
        counted = parse_enum(QuotaUnit, unit, "unit") if unit is not None else None
        figures = views.as_json(analyze_credits(session, now=door.now(), project_id=project_id, days=days,
                                                unit=counted))
    if as_json:
        door.console().print_json(data=figures)
        return
    _print(figures)


def _print(figures: dict[str, Any]) -> None:
    say = door.say
    say(f"[bold]Credit analytics[/bold], last {figures['days']} days"
        + (f" · project {figures['project_id']}" if figures["project_id"] else " · all projects")
        + (f" · accounts counting {figures['unit']}" if figures["unit"] != "credits" else ""), highlight=False)
    if not figures["total_sessions"]:
        say(figures["recommendations"][0], highlight=False)
        return
    say(f"{figures['total_sessions']} sessions · {figures['total_credits']} credits · average "
        f"{figures['avg_credits_per_session']} (min {figures['min_credits']}, max {figures['max_credits']}) · "
        f"[bold]{figures['efficiency']}[/bold]", highlight=False)
    for line in figures["recommendations"]:
        say(f"- {line}", highlight=False, soft_wrap=True)
    door.print_rows(figures["accounts"], ("account_name", "sessions", "credits", "average", "efficiency",
                                          "times_exhausted"), "accounts", False)
    most = max(row["sessions"] for row in figures["histogram"]) or 1
    say("sessions by share of the quota", highlight=False)
    for row in figures["histogram"]:
        label = f"{row['from']:>3}-{row['to']:<3}" if row["to"] is not None else f"{row['from']:>3}+   "
        say(f"  {label} {'#' * round(BAR_WIDTH * row['sessions'] / most):<{BAR_WIDTH}} {row['sessions']}",
            highlight=False)
    unused, handoffs = figures["unused_at_rotation"], figures["handoffs"]
    between = handoffs["avg_hours_between"]
    say(f"handoffs {handoffs['count']}" + (f", {between} hours apart on average" if between is not None else "")
        + f"; left unused at rotation: {unused['credits_left_to_threshold']} credits below the threshold, "
        f"{unused['credits_left_to_quota']} below the quota", highlight=False, soft_wrap=True)
