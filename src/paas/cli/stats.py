"""`paas stats`: the dashboard's figures (GET /api/stats's JSON with --json)."""

from __future__ import annotations

from paas.cli import door

LABELS = (("active_projects", "active projects"), ("projects_total", "projects"),
          ("active_accounts", "accounts that can work now"), ("accounts_total", "accounts"),
          ("sessions_active", "sessions in progress"), ("sessions_completed", "sessions completed"),
          ("total_sessions", "sessions"), ("credits_used_today", "credits used today (UTC)"),
          ("credits_used_total", "credits used, all time"),
          ("avg_credits_per_completed_session", "average credits per completed session"))


def stats(as_json: door.JsonFlag = False) -> None:
    """Projects, accounts, sessions and credits, computed now."""
    from paas.services import views
    from paas.services.stats import show_stats

    with door.unit_of_work(write=False) as session:
        figures = views.as_json(show_stats(session, door.now()))
    if as_json:
        door.console().print_json(data=figures)
        return
    width = max(len(label) for _, label in LABELS)
    for key, label in LABELS:
        value = figures[key]
        shown = "-" if value is None else (f"{value:.1f}" if isinstance(value, float) else str(value))
        door.say(f"{label:<{width}}  {shown}", highlight=False)
    by_status = ", ".join(f"{count} {status}" for status, count in sorted(figures["accounts_by_status"].items()))
    door.say(f"{'accounts by status':<{width}}  {by_status or '-'}", highlight=False, soft_wrap=True)
