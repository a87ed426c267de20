"""Where secrets are: the built-in rules behind ``redact``, each one finding secret spans.

Design: each rule is one compiled regex anchored on a literal or a keyword, with possessive or
bounded quantifiers only, so every rule is linear in the text (no catastrophic backtracking,
even on a megabyte without a newline). Case-insensitive rules run case-sensitively on an
ASCII-lowercased copy (same length, so offsets hold), which is several times faster than
``(?i)``. A rule returns ``Span``s of the secret alone:
``postgres://app:[redacted: password]@db.internal:5432/app`` keeps the user, host, port and
database, ``DB_PASSWORD=[redacted: password]`` keeps the name.

The rules: passwords in URLs (any ``scheme://user:pass@host``), in ``mysql -p``, ``sshpass -p``
and ``curl -u``; ``password``/``passwd``/``pwd``/``secret``/``token``/``api_key``/... assignments
(``=``, ``:``, ``=>``, JSON keys, ``--flag value``) and "the password is ..."; credential query
parameters (``client_id``, ``client_secret``, ``access_token``, signatures); Authorization
headers and Bearer tokens; the Flask debugger PIN; key shapes (AWS, GitHub, GitLab, OpenAI,
Anthropic, Slack, Stripe, Google, JWT, npm, PyPI, Hugging Face, SendGrid, Shopify,
DigitalOcean); PEM private key blocks, whole, even cut short.

Never matched: placeholders (``<password>``, ``your_password``, ``${DB_PASSWORD}``, ``$PASS``,
``****``, ``process.env.X``, ``os.environ[...]``, ``[redacted: ...]`` itself, so redacting twice
changes nothing), code that reads a secret rather than stating it (``password =
form.password``, ``token: str``, ``password: string``), quoted values with spaces (form
messages such as ``password: "Password is required"``; a passphrase with spaces is missed),
paths, URLs without credentials, and keys the rules do not name (``max_tokens=1200``,
``password_min_length=8``, ``token_type: bearer``). Git SHAs, UUIDs, versions and ports are
never matched on their own shape: no rule looks for bare hex or bare UUIDs (a UUID goes only in
a credential position, e.g. ``client_id=`` in a URL or ``_authToken=``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Where a secret is (``text[start:end]``) and what it is (``kind``, as the marker names it)."""

    start: int
    end: int
    kind: str


# ---- key shapes: (kind, regex, needs a digit) -----------------------------------------------------

# No look-behind before the literal: a pattern that starts with a literal is searched for at C speed
# (the left token boundary is checked in Python, only where the literal occurs).
_E = r"(?![A-Za-z0-9_-])"
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_SHAPES: tuple[tuple[str, re.Pattern[str], bool], ...] = tuple(
    (kind, re.compile(pattern), digit)
    for kind, pattern, digit in (
        ("AWS access key", r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])", False),
        ("GitHub token", r"(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,247})" + _E, False),
        ("GitLab token", r"glpat-[A-Za-z0-9_-]{20,}+", False),
        ("Anthropic API key", r"sk-ant-[A-Za-z0-9_-]{20,}+", False),
        ("OpenAI API key", r"sk-(?!ant-)[A-Za-z0-9_-]{20,}+", True),
        ("Slack token", r"xox[abposr]-[A-Za-z0-9-]{10,}+", True),
        ("Slack webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9_/]{20,}+", False),
        ("Stripe key", r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}+", False),
        ("Stripe webhook secret", r"whsec_[A-Za-z0-9]{24,}+", False),
        ("Google API key", r"AIza[0-9A-Za-z_-]{35}" + _E, False),
        ("Google OAuth secret", r"GOCSPX-[0-9A-Za-z_-]{28}" + _E, False),
        ("JWT", r"eyJ[A-Za-z0-9_-]{5,}+\.eyJ[A-Za-z0-9_-]{5,}+\.[A-Za-z0-9_-]*+", False),
        ("npm token", r"npm_[A-Za-z0-9]{36}" + _E, False),
        ("PyPI token", r"pypi-AgE[A-Za-z0-9_-]{50,}+", False),
        ("Hugging Face token", r"hf_[A-Za-z0-9]{34,}+", True),
        ("SendGrid API key", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _E, False),
        ("Shopify token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + _E, False),
        ("DigitalOcean token", r"do[opr]_v1_[a-f0-9]{64}" + _E, False),
    )
)

# ---- credentials in a position: URLs, assignments, flags, headers ------------------------------

# Rules marked "lower" run on an ASCII-lowercased copy of the text (same length, so offsets hold):
# a case-sensitive search that starts with a literal is several times faster than (?i). Left
# boundaries ("bearer" not "unbearer") are checked in Python, only where the literal occurs.

# scheme://user:PASSWORD@host: the password runs to the last "@" before the path (RFC 3986 wants
# "@" percent-encoded in it, people do not); "?" and "#" end it, so host:port?q=a@b is no password.
_URL_PASSWORD_RE = re.compile(r"://[^\s:/?#@'\"`<>\[\]]*+:([^\s/?#'\"`<>]*)@")
_KEYWORD = r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"
_VALUE = (r"(?:\"(?P<dq>[^\"\n]{0,500}+)\"|'(?P<sq>[^'\n]{0,500}+)'|`(?P<bq>[^`\n]{0,500}+)`"
          r"|(?P<bare>[^\s\"'`,;&<>)\]}]++))")
_ASSIGNMENT_RE = re.compile(  # lower
    rf"(?P<kw>{_KEYWORD})(?P<suffix>[a-z0-9_-]{{0,40}}+)[\"'`\]*]{{0,3}}+[ \t]*+"
    rf"(?P<op>:=|=>|===?|!==?|=|:)[ \t*]*+{_VALUE}"
)
_FLAG_RE = re.compile(  # lower; --password hunter2 (the "=" form is an assignment)
    rf"--(?P<kw>password|passwd|pass|secret|token|api-key|apikey|client-secret|auth-token|access-token)[ \t]++{_VALUE}"
)
_PROSE_RE = re.compile(  # lower; "the password is S3cr3t!" (a value with a digit or a symbol only)
    r"pass(?:word|phrase)[ \t]++(?:is|was|set to|to)[ \t]++[\"'`]?(?P<bare>[^\s\"'`]{4,200}+)"
)
_CLI_PASSWORD_RE = re.compile(r"-p(?P<v>[^\s-][^\s]*+)")  # mysql -pSECRET (no space: "-p name" names a database)
_SSHPASS_RE = re.compile(r"sshpass[ \t]++-p[ \t]*+(?P<v>[^\s-][^\s]*+)")
_CURL_USER_RE = re.compile(r"-(?:u|-user)[ \t]++[\"']?[^\s:\"']++:(?P<v>[^\s\"'@]++)")  # curl -u user:SECRET
_CLI_LOOKBACK = 300  # how far back on its line "-p" looks for mysql, "-u" for curl
_QUERY_RE = re.compile(  # lower
    r"[?&;](?P<name>client_id|client_secret|access_token|refresh_token|id_token|api_key|apikey|api-key|key|"
    r"token|auth|password|passwd|pwd|secret|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential)"
    r"=(?P<v>[^&#;\s'\"`<>)\]]++)"
)
_QUERY_KINDS = {"client_id": "client id", "client_secret": "client secret", "password": "password",
                "passwd": "password", "pwd": "password", "sig": "signature", "signature": "signature",
                "x-amz-signature": "signature", "x-amz-credential": "AWS credential", "key": "API key",
                "api_key": "API key", "apikey": "API key", "api-key": "API key", "secret": "secret"}
_BEARER_RE = re.compile(r"bearer[ \t]++(?P<v>[a-z0-9._~+/-]{12,}+=*+)")  # lower
_AUTHORIZATION_RE = re.compile(  # lower
    r"authorization[\"']?[ \t]*+[:=][ \t]*+[\"']?(?:(?P<scheme>basic|token|bearer|digest|apikey)[ \t]++)?"
    r"(?P<v>[a-z0-9._~+/-]{8,}+=*+)"
)
_DEBUGGER_PIN_RE = re.compile(r"debugger pin:?[ \t]*+(?P<v>\d{3}-\d{3}-\d{3})(?!\d)")  # lower (Flask/Werkzeug)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_PEM_BEGIN_RE = re.compile(r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END_RE = re.compile(r"-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY_RE = re.compile(r"(?:(?:\s|\\[nr])*+[A-Za-z0-9+/=]{16,}+)*+")  # base64 lines of a key whose end is missing
_BASE64_TOKEN_RE = re.compile(r"(?:\\[nr])*+[A-Za-z0-9+/=]{16,}+(?:\\[nr])*+")

# ---- what is not a secret ---------------------------------------------------------------------

_PLACEHOLDER_RE = re.compile(
    r"(?i)(?:"
    r"[<{\[(].*|.*[>}]"  # <password>, {{ token }}, [redacted: x], (hidden)
    r"|\$.*|%.*"  # $PASS, ${DB_PASSWORD}, $(cat key), %DB_PASS%, %(password)s
    r"|[*xX•.…#?_-]{3,}"  # ****, xxxx, ..., ???
    r"|(?:your|my|the|an?|some|insert|enter|replace|put|paste|add|example|sample|dummy|fake|placeholder|"
    r"redacted|changeme|change|todo|fixme|xxx+)(?:[\W_].*)?"  # your_password, your-api-key, my_secret
    r"|.*[_-](?:here|goes|placeholder|example|redacted|changeme)"  # api_key_here
    r"|(?:process\.env|os\.environ|os\.getenv|import\.meta\.env|env|getenv|config|settings|secrets|vault|"
    r"ENV|System\.getenv)\b.*"
    r"|pass(?:word|wd)?|secret|token|key|none|null|nil|undefined|true|false|str|string|text|bytes|int|"
    r"required|optional|empty|default|hidden|masked|value|any|object|char|varchar|number|bool|boolean"
    r")"
)
_CODE_RE = re.compile(r"[(\[{]|^[A-Za-z_]+(?:\.[A-Za-z_]+)+$")  # a call, an index, a member (form.password)
_PATH_START = ("/", "~/", "./", "../", "\\\\")
_DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")
_SUFFIX_RE = re.compile(r"(?:[_-]?(?:key|value|string|secret|token|access[_-]?key|\d{1,2}))?")
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_DIGIT_RE = re.compile(r"\d")
_LETTER_RE = re.compile(r"[A-Za-z]")
_SYMBOL_RE = re.compile(r"[^A-Za-z0-9]")


def is_placeholder(value: str) -> bool:
    """True for a value that stands for a secret without being one (``<password>``, ``${X}``, ``****``)."""
    return bool(_PLACEHOLDER_RE.fullmatch(value.strip()))


def _kind_of(keyword: str) -> str:
    word = keyword.lower().replace("-", "_")
    if word.startswith(("pass", "pwd")):
        return "password"
    if word.startswith("api"):
        return "API key"
    if word.startswith(("access", "private")):
        return word.replace("_", " ")  # access key, private key
    return "secret" if "secret" in word else "token"


def _is_credential(value: str, kind: str, quoted: bool, key: str = "", op: str = "=") -> bool:
    """Whether a value in a credential position is a literal secret (not code, a placeholder or a path)."""
    if not value or value != value.strip() or " " in value or "\t" in value:
        return False  # empty, or a sentence ("Password is required"): passwords with spaces are missed
    if is_placeholder(value) or value.startswith(_PATH_START) or _DRIVE_RE.match(value) or "://" in value:
        return False
    if value.lower() == key.lower() or value.lower().endswith(key.lower().lstrip("_-.")) and len(key) > 3:
        return False  # password=password, token: authToken
    if not quoted and _CODE_RE.search(value):
        return False  # password = form.password, token = tokens[0], secret = get_secret()
    has_digit, has_letter = bool(_DIGIT_RE.search(value)), bool(_LETTER_RE.search(value))
    plain_word = has_letter and not has_digit and not _SYMBOL_RE.search(value.replace("_", ""))
    if plain_word and not quoted and not (key.isupper() and op in ("=", ":")):
        return False  # password: hashed, token=token_value (code); POSTGRES_PASSWORD=postgres (.env) is a secret
    if kind == "password":
        return len(value) >= 4
    if not has_letter:
        return False  # max_token=4096: numbers are counts and ids, not tokens
    return len(value) >= 8 and (has_digit or len(value) >= 16 or bool(_SYMBOL_RE.search(value)))


def _full_key(text: str, start: int, rest: str) -> tuple[str, str]:
    """``(prefix, whole key)`` of an assignment whose keyword starts at ``start`` (prefix: at most 64 chars)."""
    begin = start
    while begin > 0 and start - begin < 64 and text[begin - 1] in _KEY_CHARS:
        begin -= 1
    prefix = text[begin:start]
    return prefix, prefix + rest


def _word_start(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_-")


def _assignment_spans(text: str, low: str) -> list[Span]:
    spans = []
    for match in _ASSIGNMENT_RE.finditer(low):
        keyword, suffix = match.group("kw"), match.group("suffix")
        if not _SUFFIX_RE.fullmatch(suffix):
            continue  # password_reset_url, tokens, tokenizer, secretName: not the secret itself
        prefix, key = _full_key(text, match.start(), text[match.start("kw"):match.end("suffix")])
        if keyword in ("pass", "pwd") and prefix and prefix[-1] not in "_-.":
            continue  # bypass, compass, cwd
        if keyword == "pass" and suffix:
            continue  # passenger, passes
        spans.extend(_value_span(text, match, _kind_of(keyword), key, match.group("op")))
    for match in _FLAG_RE.finditer(low):
        if _word_start(low, match.start()):
            spans.extend(_value_span(text, match, _kind_of(match.group("kw")), match.group("kw"), "="))
    for match in _PROSE_RE.finditer(low):
        start = match.start("bare")
        value = text[start:match.end("bare")].rstrip(".,;:!?)")
        if (_DIGIT_RE.search(value) or _SYMBOL_RE.search(value)) and _is_credential(value, "password", True):
            spans.append(Span(start, start + len(value), "password"))
    return spans


def _value_span(text: str, match: re.Match[str], kind: str, key: str, op: str) -> list[Span]:
    for group, quoted in (("dq", True), ("sq", True), ("bq", True), ("bare", False)):
        if match.group(group) is None:
            continue
        value = text[match.start(group):match.end(group)]
        if not quoted:
            value = value.rstrip(".,:")  # sentence punctuation after a bare value
        if _is_credential(value, kind, quoted, key, op):
            return [Span(match.start(group), match.start(group) + len(value), kind)]
        return []
    return []


def _line_before(low: str, at: int) -> str:
    start = max(0, at - _CLI_LOOKBACK)
    return low[max(start, low.rfind("\n", start, at) + 1):at]


def _position_spans(text: str, low: str) -> list[Span]:
    spans = []

    def add(match: re.Match[str], group: str | int, kind: str) -> None:
        start, end = match.start(group), match.end(group)
        if end - start > 2 and text[start] == text[end - 1] and text[start] in "'\"":
            start, end = start + 1, end - 1  # sshpass -p 'SECRET': the quotes stay
        spans.append(Span(start, end, kind))

    for match in _URL_PASSWORD_RE.finditer(text):
        if match.group(1) and not is_placeholder(match.group(1)):
            add(match, 1, "password")
    if "-p" in text:
        for match in _CLI_PASSWORD_RE.finditer(text):
            line = _line_before(low, match.start())
            if line[-1:] in (" ", "\t") and ("mysql" in line or "mariadb" in line) and not is_placeholder(
                    match.group("v").strip("'\"")):
                add(match, "v", "password")
    for match in _SSHPASS_RE.finditer(low):
        if not is_placeholder(text[match.start("v"):match.end("v")].strip("'\"")):
            add(match, "v", "password")
    for match in _CURL_USER_RE.finditer(text):
        if "curl" in _line_before(low, match.start()) and not is_placeholder(match.group("v")):
            add(match, "v", "password")
    for match in _QUERY_RE.finditer(low):
        name, value = match.group("name"), text[match.start("v"):match.end("v")]
        kind = _QUERY_KINDS.get(name, "token")
        if kind in ("client id", "signature", "AWS credential"):
            keep = len(value) >= 8 and not is_placeholder(value)
        else:
            keep = _is_credential(value, kind, True, name)
        if keep:
            add(match, "v", kind)
    for match in _BEARER_RE.finditer(low):
        if _word_start(low, match.start()) and _is_credential(text[match.start("v"):match.end("v")], "token", True):
            add(match, "v", "bearer token")
    for match in _AUTHORIZATION_RE.finditer(low):
        scheme = match.group("scheme") or ""
        value = text[match.start("v"):match.end("v")]
        if scheme == "basic" and not is_placeholder(value) or _is_credential(value, "token", True):
            add(match, "v", {"basic": "basic auth", "bearer": "bearer token"}.get(scheme, "token"))
    for match in _DEBUGGER_PIN_RE.finditer(low):
        add(match, "v", "debugger PIN")
    return spans


def _shape_spans(text: str) -> list[Span]:
    spans = []
    for kind, regex, needs_digit in _SHAPES:
        for match in regex.finditer(text):
            if match.start() and text[match.start() - 1] in _TOKEN_CHARS and not kind.startswith("Slack webhook"):
                continue  # inside a longer token
            if needs_digit and not _DIGIT_RE.search(match.group(0)):
                continue  # sk-button-primary-outline: a CSS class, not a key
            spans.append(Span(match.start(), match.end(), kind))
    return spans


def _pem_spans(text: str) -> list[Span]:
    """Private key blocks, header to footer; a block cut short loses its header and its base64 lines."""
    if "PRIVATE KEY" not in text:
        return []
    spans = []
    covered = 0
    end_missing = False
    for begin in _PEM_BEGIN_RE.finditer(text):
        if begin.start() < covered:
            continue
        footer = None if end_missing else _PEM_END_RE.search(text, begin.end())
        if footer is None:
            end_missing = True  # no footer after this header, so none after any later one: stop looking
            body = _PEM_BODY_RE.match(text, begin.end())
            covered = body.end() if body else begin.end()
        else:
            covered = footer.end()
        spans.append(Span(begin.start(), covered, "private key"))
    blocks = iter(list(spans))
    block = next(blocks, None)
    floor = 0  # orphan footers look back no further than the previous footer: linear overall
    for footer in _PEM_END_RE.finditer(text):  # a footer whose header was cut (an elided paste)
        while block is not None and block.end <= footer.start():
            block = next(blocks, None)
        if block is not None and block.start <= footer.start():
            floor = block.end
            continue
        start = footer.start()
        window = text[max(floor, start - 10_000):start]
        offset = start - len(window)
        tokens = list(re.finditer(r"\S+", window))
        while tokens and _BASE64_TOKEN_RE.fullmatch(tokens[-1].group(0)):
            start = offset + tokens.pop().start()
        spans.append(Span(start, footer.end(), "private key"))
        floor = footer.end()
    return spans


def rule_spans(text: str) -> list[Span]:
    """Every secret span the rules find in ``text`` (they may overlap: ``redact`` merges them)."""
    low = text.translate(_ASCII_LOWER)
    return _pem_spans(text) + _shape_spans(text) + _position_spans(text, low) + _assignment_spans(text, low)
