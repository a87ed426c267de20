"""`paas alerts [--all] | check | ack ID` and `paas webhooks add|list|remove|deliveries|deliver` (--json:
the API's JSON)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from paas.cli import door

alerts_app = typer.Typer(help="Alerts: conditions that need a person (see also `paas webhooks`).",
                         invoke_without_command=True)
webhooks_app = typer.Typer(help="Webhooks: where alerts are POSTed, signed, and their deliveries.",
                           no_args_is_help=True)
ALERT_COLUMNS = ("id", "severity", "key", "message", "raised_at")
WEBHOOK_COLUMNS = ("id", "url", "description", "enabled", "created_at")
DELIVERY_COLUMNS = ("id", "webhook_id", "event", "status", "attempts", "next_attempt_at", "last_status_code",
                    "last_error")


@alerts_app.callback()
def alerts_list(
    context: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Cleared alerts too (newest first).")] = False,
    limit: door.Limit = 50,
    as_json: door.JsonFlag = False,
) -> None:
    """List the active alerts, newest first (`paas alerts check` evaluates them now)."""
    if context.invoked_subcommand is not None:
        return
    from paas.services import alerts, views

    with door.unit_of_work(write=False) as session:
        page = alerts.list_alerts(session, status="all" if show_all else "active", limit=limit)
    rows = views.as_json(page.items)
    columns = (*ALERT_COLUMNS, "status", "cleared_at") if show_all else ALERT_COLUMNS
    kind = "Alerts" if show_all else "Active alerts"
    door.print_rows(rows, columns, f"{kind} (showing {len(rows)} of {page.total})", as_json)


@alerts_app.command("check")
def alerts_check(as_json: door.JsonFlag = False) -> None:
    """Evaluate the alert rules now; say what was raised and cleared (a window turning is not an event)."""
    from paas.services import alerts, views

    rules = alerts.rules_from(door.settings_or_fail())
    with door.database() as db:
        check = alerts.check_alerts(db.read, db.run, rules=rules, now=door.now())
    if as_json:
        door.console().print_json(data=views.as_json(check))
        return
    for alert in check.raised:
        door.say(f"raised {alert.id} [{alert.severity}] {alert.key}: {alert.message}", highlight=False,
                 soft_wrap=True, markup=False)
    for alert in check.cleared:
        door.say(f"cleared {alert.id} {alert.key}", highlight=False, markup=False)
    held = f"; held back by the cooldown: {', '.join(check.held_back)}" if check.held_back else ""
    door.say(f"{len(check.raised)} raised, {len(check.cleared)} cleared, {check.active} active{held}",
             highlight=False, markup=False)


@alerts_app.command("ack")
def alerts_ack(alert_id: Annotated[int, typer.Argument(help="Alert id (see `paas alerts`).")],
               by: Annotated[str, typer.Option(help="Who has seen it.")] = "cli",
               as_json: door.JsonFlag = False) -> None:
    """Acknowledge an alert: say it has been seen (it stays active until its condition ends)."""
    from paas.services import alerts, views

    with door.unit_of_work() as session:
        alert = alerts.acknowledge_alert(session, alert_id, by, door.now())
    if as_json:
        door.console().print_json(data=views.as_json(alert))
        return
    door.say(f"alert {alert.id} acknowledged by {alert.acknowledged_by} at {alert.acknowledged_at}",
             highlight=False, markup=False)


@webhooks_app.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument(help="Where to POST (http:// or https://).")],
    secret: Annotated[str | None, typer.Option(help="The signing secret (16+ characters); default: generated.")]
    = None,
    description: Annotated[str | None, typer.Option(help="What it is for.")] = None,
    as_json: door.JsonFlag = False,
) -> None:
    """Add a webhook; its secret is shown once."""
    from paas.services import views, webhooks

    with door.unit_of_work() as session:
        issued = webhooks.add_webhook(session, url=url, secret=secret, description=description,
                                      vault=door.vault_or_none(), now=door.now())
    if as_json:  # POST /api/webhooks's answer, without its envelope's "success"
        door.console().print_json(data={"id": issued.webhook.id, "data": views.as_json(issued.webhook),
                                        "secret": issued.secret})
        return
    door.say(f"webhook {issued.webhook.id} added: {issued.webhook.url}", highlight=False, markup=False)
    door.say("signing secret (shown once, keep it):", highlight=False)
    door.say(issued.secret, highlight=False, soft_wrap=True, markup=False)


@webhooks_app.command("list")
def webhooks_list(as_json: door.JsonFlag = False) -> None:
    """List webhooks (never their secrets)."""
    from paas.services import views, webhooks

    with door.unit_of_work(write=False) as session:
        rows = views.as_json(webhooks.list_webhooks(session))
    door.print_rows(rows, WEBHOOK_COLUMNS, "Webhooks", as_json)


@webhooks_app.command("remove")
def webhooks_remove(webhook_id: Annotated[int, typer.Argument(help="Webhook id (see `paas webhooks list`).")]
                    ) -> None:
    """Remove a webhook and its deliveries."""
    from paas.services import webhooks

    with door.unit_of_work() as session:
        webhooks.remove_webhook(session, webhook_id)
    door.say(f"webhook {webhook_id} removed")


@webhooks_app.command("deliveries")
def webhooks_deliveries(
    status: Annotated[str | None, typer.Option(help="pending, delivered or failed.")] = None,
    webhook_id: Annotated[int | None, typer.Option("--webhook", help="One webhook's only.")] = None,
    limit: door.Limit = 50,
    as_json: door.JsonFlag = False,
) -> None:
    """The outbox, newest first: each delivery's attempts and last error."""
    from paas.services import views, webhooks

    with door.unit_of_work(write=False) as session:
        page = webhooks.list_deliveries(session, status=status, webhook_id=webhook_id, limit=limit)
    rows = views.as_json(page.items)
    door.print_rows(rows, DELIVERY_COLUMNS, f"Deliveries (showing {len(rows)} of {page.total})", as_json)


@webhooks_app.command("deliver")
def webhooks_deliver(as_json: door.JsonFlag = False) -> None:
    """One pass of the delivery worker: POST what is due now and say what came of each."""
    from paas.services import views, webhooks

    vault = door.vault_or_none()
    if vault is None:
        door.fail("no credential key can read the webhook secrets (set PAAS_CREDENTIAL_KEYS)", 2)
    with door.database() as db:
        done = webhooks.deliver_due(db.run, vault=vault, now=door.now())
    if as_json:
        door.console().print_json(data=views.as_json(done))
        return
    for attempt in done.attempts:
        door.say(_attempt_line(views.as_json(attempt)), highlight=False, soft_wrap=True, markup=False)
    door.say(f"{done.attempted} attempted: {done.delivered} delivered, {done.retrying} to retry, "
             f"{done.failed} failed", highlight=False, markup=False)


def _attempt_line(attempt: dict[str, Any]) -> str:
    code = f" HTTP {attempt['status_code']}" if attempt["status_code"] is not None else ""
    line = f"delivery {attempt['delivery_id']} to {attempt['url']} (attempt {attempt['attempt']}):{code} " \
           f"{attempt['status']}"
    if attempt["status"] == "pending":
        line += f", next at {attempt['next_attempt_at']}"
    if attempt["error"] and attempt["status"] != "delivered":
        line += f" ({attempt['error']})"
    return line
