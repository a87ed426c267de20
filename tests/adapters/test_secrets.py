"""The detect-secrets finder: the key shapes it adds, what it never reports, and its bounds.

Every key here is made up and assembled at run time, so no secret scanner flags this file.
"""

from __future__ import annotations

from paas.adapters.secrets import DISABLED, ENABLED, MAX_SCAN, _candidates, find_secrets, kind_of, plugin_names
from paas.core.briefing.redact import redact

TWILIO = "SK" + "0123456789abcdef0123456789abcdef"
AZURE = "AccountKey=" + "Zm9vYmFyYmF6" * 7 + "YQ=="  # 88 characters, as Azure's are
TELEGRAM = "1234567890:" + "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
MAILCHIMP = "0123456789abcdef0123456789abcdef" + "-us12"
SQUARE = "sq0csp-" + "0123456789ABCDEFGHIJabcdefghij_-0123456789a"  # 43, as Square's are
SENDGRID = "SG." + "ngeVfQFYQlKU0ufo8x5d1A" + "." + "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr"
AWS_ID = "AKIA" + "Q3EXAMPLEZ7Y2X4W"

ORDINARY = """\
Commit e14ab36 (3586b6d1f0e2a9c8b7d6e5f4a3b2c1d0e9f8a7b6) fixed src/paas/core/briefing/redact.py.
Request 123e4567-e89b-12d3-a456-426614174000 took 1,250 ms on localhost:3000; port 8080 is free.
Upgraded fastapi 0.120.1 -> 0.121.0 and sqlalchemy 2.0.36; see https://docs.example.com/guide?page=2.
sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 for dist/app-1.2.3.tar.gz
const veryLongIdentifierNameForTheRenderer = computeSomethingWithAVeryLongName(arg1, arg2);
The server at 203.0.113.42 answered; ./node_modules/.bin/vite --host 0.0.0.0 started.
"""


def test_the_shapes_detect_secrets_adds_are_found() -> None:
    text = (f"twilio {TWILIO}\nDefaultEndpointsProtocol=https;AccountName=x;{AZURE};EndpointSuffix=core\n"
            f"bot {TELEGRAM}\nmailchimp {MAILCHIMP}\nsquare {SQUARE}\nsendgrid {SENDGRID}\naws {AWS_ID}\n")
    found = dict(find_secrets(text))
    assert found[TWILIO] == "Twilio API key"
    assert found[AZURE.removeprefix("AccountKey=")] == "Azure storage key"
    assert found[TELEGRAM] == "Telegram bot token"
    assert found[MAILCHIMP] == "Mailchimp key"
    assert found[SQUARE] == "Square OAuth secret"
    assert found[SENDGRID] == "SendGrid API key"
    assert found[AWS_ID] == "AWS access key"


def test_the_core_replaces_what_the_finder_reports() -> None:
    text = f"Use {TWILIO} for SMS and {TELEGRAM} for the bot; commit e14ab36."
    assert redact(text, find_secrets) == ("Use [redacted: Twilio API key] for SMS and "
                                          "[redacted: Telegram bot token] for the bot; commit e14ab36.")


def test_ordinary_briefing_text_has_no_findings() -> None:
    assert find_secrets(ORDINARY) == []
    assert redact(ORDINARY, find_secrets) == ORDINARY


def test_git_shas_are_never_reported() -> None:
    line = "token = '3586b6d1f0e2a9c8b7d6e5f4a3b2c1d0e9f8a7b6'  # cloudant_password = 'e14ab36e14ab36e14ab36'"
    assert all(value not in line or len(value) > 40 for value, _ in find_secrets(line))


def test_every_plugin_of_this_detect_secrets_has_a_decision() -> None:
    shipped = plugin_names()
    assert set(ENABLED) | set(DISABLED) >= shipped, f"decide on: {sorted(shipped - set(ENABLED) - set(DISABLED))}"
    assert set(ENABLED) <= shipped, f"gone upstream: {sorted(set(ENABLED) - shipped)}"
    assert not set(ENABLED) & set(DISABLED)


def test_kind_names_read_like_the_core_s() -> None:
    assert kind_of("Twilio API Key") == "Twilio API key"
    assert kind_of("JSON Web Token") == "JWT"
    assert kind_of("IBM Cloud IAM Key") == "IBM Cloud IAM key"


def test_scanning_is_bounded_on_a_megabyte() -> None:
    assert len(_candidates("x" * 1_000_000)) <= MAX_SCAN + 2000
    assert _candidates("short words only\n" * 50_000) == ""
    for text in ("/" * 1_000_000, ("aws key '" + "a" * 60 + " ") * 15_000, ("QUJD" * 20 + "\n") * 12_000):
        # what detect-secrets is handed stays bounded, whatever the megabyte looks like (the time
        # this takes is the scaling benchmark's business, not a test's)
        assert len(_candidates(text)) <= MAX_SCAN + 2000


def test_a_secret_after_a_long_line_is_still_found() -> None:
    text = "x" * 10_000 + " " + TWILIO + " " + "y" * 10_000
    assert (TWILIO, "Twilio API key") in find_secrets(text)
