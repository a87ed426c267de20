"""Claude Code's status line: what its JSON says of the platform's own windows, and the one line
`paas statusline` prints back for the status bar.

Input (Claude Code pipes it on stdin after each message): ``session_id``, ``transcript_path``,
``cwd`` (also ``workspace.current_dir``), ``model.display_name``, ``cost`` and, for Claude.ai
subscribers once the session's first answer came, ``rate_limits.five_hour`` / ``seven_day``
with ``used_percentage`` (0-100) and ``resets_at``: Unix seconds in the documented payload,
ISO 8601 in some versions; both are read (milliseconds too), anything else is left out. A
payload without ``rate_limits`` (an API key, an older version) is normal: the line then shows
our own figure only.

Output: one line, plain unless colour is asked, at most ``width`` characters:
``Claude-Main · 5h 42% (est 38%, resets 14:05) · 7d 61% · session 8 due at 90%``. The estimate
(the ledger's used/quota for the account's own window) sits beside the platform window closest
in length to that window: a 5-hour rolling account beside ``5h``, a weekly one beside ``7d``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from paas.core.unprintable import visible

WINDOWS = {"five_hour": ("5h", 5), "seven_day": ("7d", 24 * 7)}  # the payload's name: (label, hours)
# A window this long or shorter is compared with five_hour, a longer one with seven_day (the
# geometric mean of 5 h and 168 h: nearest by ratio, so a daily window goes beside five_hour).
SPLIT_HOURS = math.sqrt(5 * 24 * 7)
MILLISECONDS_FROM = 10**11  # a Unix time this large is in milliseconds (year 5138 in seconds)
WIDTH = 100
# Documented 0-100; a little past 100 may be an overage, a thousand and more is no percentage a
# platform reports (1e308 would print 300 digits on the bar and be stored as a reading).
MAX_REPORTED_PERCENTAGE = 1000.0
COLOURS = {"ok": "\x1b[32m", "warn": "\x1b[33m", "high": "\x1b[31m", "dim": "\x1b[2m"}
RESET = "\x1b[0m"


@dataclass(frozen=True)
class WindowReport:
    """What the platform said of one window."""

    window: str  # five_hour, seven_day
    used_percentage: float
    resets_at: datetime | None


@dataclass(frozen=True)
class StatusInput:
    """The parts of Claude Code's status line JSON paas reads."""

    session_id: str | None = None
    cwd: str | None = None
    model: str | None = None
    windows: tuple[WindowReport, ...] = ()


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def moment(value: Any) -> datetime | None:
    """``resets_at`` as an aware UTC time: Unix seconds (or milliseconds), a numeric string, or
    ISO 8601 (no zone: UTC); None for anything else."""
    number = _number(value)
    if number is None and isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                return None
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
        number = number if math.isfinite(number) else None
    if number is None or number <= 0:
        return None
    try:
        return datetime.fromtimestamp(number / 1000 if number >= MILLISECONDS_FROM else number, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def read_input(payload: Mapping[str, Any]) -> StatusInput:
    """What ``payload`` says, each part read on its own: a malformed part is left out, never an error."""
    workspace = payload.get("workspace")
    model = payload.get("model")
    limits = payload.get("rate_limits")
    windows = []
    for name in WINDOWS:
        said = limits.get(name) if isinstance(limits, Mapping) else None
        used = _number(said.get("used_percentage")) if isinstance(said, Mapping) else None
        if isinstance(said, Mapping) and used is not None and 0 <= used <= MAX_REPORTED_PERCENTAGE:
            windows.append(WindowReport(window=name, used_percentage=used, resets_at=moment(said.get("resets_at"))))
    return StatusInput(
        session_id=_text(payload.get("session_id")),
        cwd=_text(payload.get("cwd")) or (_text(workspace.get("current_dir")) if isinstance(workspace, Mapping)
                                          else None),
        model=(_text(model.get("display_name")) or _text(model.get("id"))) if isinstance(model, Mapping) else None,
        windows=tuple(windows))


def estimate_window(window_hours: float) -> str:
    """The platform window our estimate for an account with a window this long is compared with."""
    return "five_hour" if window_hours <= SPLIT_HOURS else "seven_day"


@dataclass(frozen=True)
class LineFacts:
    """What the line says: the account (None: none found), the platform's windows, our figures."""

    account_name: str | None = None
    windows: tuple[WindowReport, ...] = ()
    estimated_percentage: float | None = None  # the ledger's used/quota in the account's window
    estimate_window: str | None = None  # the platform window it is compared with
    session_number: int | None = None
    threshold_percentage: float | None = None  # where the session rotates, as a share of the quota
    rotate_due: bool = False
    note: str | None = None  # why there are no account figures


def percent(value: float) -> str:
    return f"{value:.0f}%"


def _level(value: float) -> str:
    return "ok" if value < 70 else "warn" if value < 90 else "high"


def _segments(facts: LineFacts, zone: tzinfo) -> list[tuple[str, str]]:
    """The line as (text, style) pieces; style names a colour or is empty."""
    parts: list[list[tuple[str, str]]] = [[(facts.account_name or "paas", "")]]
    estimate_shown = False
    for report in facts.windows:
        label = WINDOWS[report.window][0]
        part = [(f"{label} ", ""), (percent(report.used_percentage), _level(report.used_percentage))]
        extra = []
        if facts.estimated_percentage is not None and report.window == facts.estimate_window:
            extra.append(f"est {percent(facts.estimated_percentage)}")
            estimate_shown = True
        if report.window == "five_hour" and report.resets_at is not None:
            extra.append(f"resets {report.resets_at.astimezone(zone):%H:%M}")
        if extra:
            part.append((f" ({', '.join(extra)})", "dim"))
        parts.append(part)
    if facts.estimated_percentage is not None and not estimate_shown:
        parts.append([("used ", ""), (percent(facts.estimated_percentage), _level(facts.estimated_percentage))])
    if facts.session_number is not None:
        if facts.rotate_due:
            parts.append([(f"session {facts.session_number} ", ""), ("due now", "high")])
        elif facts.threshold_percentage is not None:
            parts.append([(f"session {facts.session_number} due at {percent(facts.threshold_percentage)}", "")])
        else:
            parts.append([(f"session {facts.session_number}", "")])
    if facts.note:
        parts.append([(facts.note, "dim")])
    joined: list[tuple[str, str]] = []
    for index, part in enumerate(parts):
        joined += ([(" · ", "")] if index else []) + part
    return joined


def render_line(facts: LineFacts, *, zone: tzinfo = UTC, colour: bool = False, width: int = WIDTH) -> str:
    """The status bar's line: at most ``width`` characters (a long account name is shortened first),
    ANSI colours only with ``colour``; a control character in a name shows as its escape
    (``core.unprintable``): the line is printed on the terminal."""
    segments = [(visible(text), style) for text, style in _segments(facts, zone)]
    plain = "".join(text for text, _ in segments)
    if len(plain) > width and facts.account_name and len(facts.account_name) > 20:
        segments[0] = (visible(facts.account_name)[:19] + "…", "")
        plain = "".join(text for text, _ in segments)
    if len(plain) > width:
        return plain[:width - 1] + "…"
    if not colour:
        return plain
    return "".join(f"{COLOURS[style]}{text}{RESET}" if style else text for text, style in segments)
