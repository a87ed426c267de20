"""Claude Code's status line JSON read part by part, and the one line printed back (``core.statusline``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from paas.core.statusline import LineFacts, WindowReport, estimate_window, moment, read_input, render_line

RESET = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    1796393100, 1796393100.0, "1796393100", 1796393100_000, "2026-12-04T14:05:00Z", "2026-12-04T14:05:00+00:00",
    "2026-12-04T15:05:00+01:00", "2026-12-04T14:05:00",
])
def test_resets_at_is_read_as_unix_seconds_milliseconds_or_iso(value: object) -> None:
    assert moment(value) == RESET


@pytest.mark.parametrize("value", [None, True, "", "soon", -5, 0, float("nan"), float("inf"), 10**30, [], {}])
def test_a_resets_at_that_is_no_time_is_left_out(value: object) -> None:
    assert moment(value) is None


def test_the_documented_payload_is_read() -> None:
    given = read_input({
        "session_id": "abc", "transcript_path": "/t.jsonl", "cwd": "/work/shop", "model": {"id": "claude-opus-4",
                                                                                          "display_name": "Opus"},
        "workspace": {"current_dir": "/work/shop/src", "project_dir": "/work/shop"}, "cost": {"total_cost_usd": 0.4},
        "rate_limits": {"five_hour": {"used_percentage": 42, "resets_at": 1796393100},
                        "seven_day": {"used_percentage": 61.2, "resets_at": "2026-12-10T00:00:00Z"}}})
    assert (given.session_id, given.cwd, given.model) == ("abc", "/work/shop", "Opus")
    assert given.windows == (WindowReport("five_hour", 42.0, RESET),
                             WindowReport("seven_day", 61.2, datetime(2026, 12, 10, tzinfo=UTC)))


def test_malformed_parts_are_left_out_never_an_error() -> None:
    given = read_input({"cwd": 7, "workspace": {"current_dir": "/w"}, "model": "Opus",
                        "rate_limits": {"five_hour": {"used_percentage": "42"}, "seven_day": {"used_percentage": -1},
                                        "one_minute": {"used_percentage": 3}}})
    assert (given.cwd, given.model, given.windows) == ("/w", None, ())
    assert read_input({"rate_limits": [1]}) == read_input({})
    assert read_input({"rate_limits": {"five_hour": {"used_percentage": 150}}}).windows[0].used_percentage == 150


@pytest.mark.parametrize("absurd", [1e308, 1e20, 1000.5])
def test_a_percentage_no_platform_reports_is_left_out(absurd: float) -> None:
    # 1e308 printed 300 digits on the bar and was stored as the platform's reading
    given = read_input({"rate_limits": {"five_hour": {"used_percentage": absurd},
                                        "seven_day": {"used_percentage": 1000}}})
    assert [report.window for report in given.windows] == ["seven_day"]


@pytest.mark.parametrize(("hours", "window"), [(5, "five_hour"), (24, "five_hour"), (28, "five_hour"),
                                               (30, "seven_day"), (168, "seven_day"), (744, "seven_day")])
def test_our_estimate_goes_beside_the_window_closest_in_length(hours: int, window: str) -> None:
    assert estimate_window(hours) == window


WINDOWS = (WindowReport("five_hour", 42.0, RESET), WindowReport("seven_day", 61.4, RESET + timedelta(days=5)))


def test_the_line_of_an_account_in_a_session() -> None:
    facts = LineFacts(account_name="Claude-Main", windows=WINDOWS, estimated_percentage=38.2,
                      estimate_window="five_hour", session_number=8, threshold_percentage=90.0)
    assert render_line(facts) == "Claude-Main · 5h 42% (est 38%, resets 14:05) · 7d 61% · session 8 due at 90%"
    paris = timezone(timedelta(hours=1))
    assert "resets 15:05" in render_line(facts, zone=paris)  # the machine's local time
    due = LineFacts(account_name="A", windows=WINDOWS[1:], estimated_percentage=97.0, estimate_window="seven_day",
                    session_number=3, threshold_percentage=90.0, rotate_due=True)
    assert render_line(due) == "A · 7d 61% (est 97%) · session 3 due now"


def test_without_platform_figures_or_without_an_account() -> None:
    ours = LineFacts(account_name="Key", estimated_percentage=12.5, estimate_window="five_hour")
    assert render_line(ours) == "Key · used 12%"  # no rate_limits (an API key): our figure alone
    nobody = LineFacts(windows=WINDOWS, note="folder not linked (paas projects link)")
    assert render_line(nobody) == "paas · 5h 42% (resets 14:05) · 7d 61% · folder not linked (paas projects link)"


def test_colour_only_when_asked_and_the_line_stays_short() -> None:
    facts = LineFacts(account_name="A", windows=(WindowReport("five_hour", 95.0, None),), session_number=1,
                      rotate_due=True)
    plain = render_line(facts)
    assert "\x1b[" not in plain
    coloured = render_line(facts, colour=True)
    assert "\x1b[31m95%\x1b[0m" in coloured and "\x1b[31mdue now\x1b[0m" in coloured
    long = LineFacts(account_name="A-very-long-account-name-from-a-spreadsheet-export", windows=WINDOWS,
                     estimated_percentage=38.0, estimate_window="five_hour", session_number=12_345,
                     threshold_percentage=90.0, note="x" * 40)
    line = render_line(long)
    assert len(line) <= 100 and line.startswith("A-very-long-account…")
