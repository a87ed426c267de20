"""The Jinja2 environment (autoescape on for every template) and the one way a page is rendered.

Stored text (names, knowledge, briefings, transcripts) is only ever rendered through ``{{ }}``,
which escapes it; no template marks stored text ``|safe``. Numbers are formatted by filters here
so every page writes them the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from paas.web.auth import WebUser

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.autoescape = True


def _number(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _moment(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


TEMPLATES.env.filters["number"] = _number
TEMPLATES.env.filters["moment"] = _moment
TEMPLATES.env.filters["iso"] = _iso


def render(request: Request, name: str, user: WebUser | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """``name`` rendered for ``user`` (``None`` on the sign-in page); ``context`` goes to the template."""
    return TEMPLATES.TemplateResponse(request, name, {"user": user, **context}, status_code=status_code)
