"""Anchors: the exact tokens a successor must not get wrong (paths, identifiers, versions, URLs...).

Design: one set of regexes serves two readers. Extraction (``find_anchors``, ``find_paths``)
collects anchors from user prose, assistant code spans and tool inputs; the faithfulness
checker (``briefing_anchors``) extracts the same shapes from a finished briefing and looks each
one up in the sources. Sharing them means the checker tests exactly the kind of token the
briefing promises to reproduce verbatim.

Shapes: URLs; paths (with a directory separator and an extension, explicit ``/a/b`` or ``./a``
paths, or a bare file name with a known extension); hex SHAs (7-40 digits, at least one letter
and one digit); versions (``1.4.36``, ``v2.1``); ports (``localhost:3000``, ``port 8080``);
identifiers (snake_case, camelCase, PascalCase with an inner capital, CONSTANT_CASE, and
letter-digit mixes such as ``esp32``, ``gpt-4.1``, ``NEEDLE-7f3a9c``); numbers of two digits
or more; and the content of single-token Markdown code spans.
"""

from __future__ import annotations

import re

_EXTENSIONS = (
    "py|pyi|js|mjs|cjs|ts|tsx|jsx|md|mdx|json|jsonl|yml|yaml|toml|ini|cfg|conf|txt|html|htm|css|scss|sass|less|"
    "c|h|cc|cpp|hpp|go|rs|java|kt|kts|swift|rb|php|sh|bash|zsh|ps1|bat|sql|xml|csv|lock|svelte|vue|astro|env|"
    "gradle|properties|cs|ipynb|tf|proto|graphql|gql|log|pdf|png|svg|jpg|jpeg|gif|webp|ico|dart|lua|r|m|mm|"
    "ex|exs|erl|hs|ml|scala|clj|el|vim|nix|dockerfile|mk|cmake|v|sv|vhd|tex|rst|adoc|csproj|sln|plist|pem|"
    "db|sqlite|wasm|zip|gz|tar|mod|sum"
)
URL_RE = re.compile(r"https?://[^\s<>\"'`)\]]+[^\s<>\"'`)\].,;:!?…]")
PATH_RE = re.compile(
    r"(?<![\w/\\.:@-])(?:~/|\.{1,2}/|/|[A-Za-z]:\\)?(?:[\w.@$+\[\]()-]+[/\\])+[\w.@$+\[\]()-]*\w\.[A-Za-z]\w{0,7}(?![\w/\\])"
    r"|(?<![\w/\\.:@-])(?:~|\.{1,2})?/(?:[\w.@+-]+/)+[\w.@+-]*\w(?![\w/\\])"
    r"|(?<![\w/\\.:@-])\./[\w.@+-]*\w(?![\w/\\])"
    rf"|(?<![\w/\\.:@$-])[\w@+-]+\.(?:{_EXTENSIONS})(?![\w/\\.])",
    re.IGNORECASE,
)
SHA_RE = re.compile(r"(?<![\w-])[0-9a-f]{7,40}(?![\w-])")
VERSION_RE = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+){0,3}(?:-[A-Za-z0-9.]+)?(?![\w])")
PORT_RE = re.compile(r"(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\bport)[: ]\s?\d{2,5}\b", re.IGNORECASE)
IDENT_RE = re.compile(
    r"(?<![\w.-])(?:"
    r"[A-Za-z_][A-Za-z0-9]*_[A-Za-z0-9_]+"  # snake_case, CONSTANT_CASE
    r"|[a-z]+[A-Z][A-Za-z0-9]*"  # camelCase
    r"|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*"  # PascalCase with an inner capital
    r"|(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*"  # esp32, gpt-4.1, NEEDLE-7f3a9c
    r")(?![\w-])"
)
NUMBER_RE = re.compile(r"(?<![\w.,])\d{2,}(?:[.,]\d+)*(?![\w])")
DOUBLE_SPAN_RE = re.compile(r"`` ([^\n]+?) ``")
CODE_SPAN_RE = re.compile(r"`([^`\s][^`\n]{0,118}[^`\s]|[^`\s])`")
_UNIT_NUMBER_RE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds?|minutes?|min|hours?|h|days?|KB|MB|GB|TB|px|%|tokens?|k)\b",
    re.IGNORECASE,
)


def is_sha(token: str) -> bool:
    return bool(SHA_RE.fullmatch(token)) and any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


_DIGIT_RE = re.compile(r"\d")
_ALPHA_RE = re.compile(r"[^\W\d_]")
_INNER_UPPER_RE = re.compile(r".[A-Z]")
_LOWER_RE = re.compile(r"[a-z]")
_SWITCH_RE = re.compile(r"(?<=\d)[^\W\d_]|(?<=[^\W\d_])\d")


UTILITY_CLASS_RE = re.compile(  # Tailwind-style utility classes: markup detail, never an anchor
    r"(?:[a-z]+(?:-[a-z]+)*:)*-?(?:bg|text|border|space|[mp][trblxy]?|[wh]|min-[wh]|max-[wh]|size|flex|grid|gap|"
    r"rounded|shadow|font|leading|tracking|z|top|left|right|bottom|inset|opacity|ring|divide|col|row|justify|items|"
    r"self|place|overflow|transition|duration|ease|delay|scale|rotate|translate|skew|animate|cursor|fill|stroke|"
    r"from|to|via|decoration|underline|outline|object|aspect|basis|grow|shrink|order|line-clamp|backdrop|blur|"
    r"fixed|sticky|inline|hover|focus|group|sm|md|lg|xl|2xl)-[a-z0-9/.\[\]%-]+"
)


def shape_score(token: str) -> float:
    """How identifier-like a token is: mixed letters, digits and separators score highest (0-3.5)."""
    score = 0.0
    if _DIGIT_RE.search(token) and _ALPHA_RE.search(token):
        score += 1.0
        if len(_SWITCH_RE.findall(token)) >= 3:
            score += 1.0  # hash-like (ids, keys, tickets): impossible to reconstruct, must be carried verbatim
    if "_" in token or "-" in token:
        score += 0.5
    if _INNER_UPPER_RE.search(token) and _LOWER_RE.search(token):
        score += 0.5
    if len(token) >= 6:
        score += 0.5
    return score


_EDGE_CHARS = "`'\"<>,;:!?*…“”‘’«»"
_PATH_FULL_RE = re.compile(PATH_RE.pattern, re.IGNORECASE)
_IDENT_FULL_RE = re.compile(IDENT_RE.pattern)
_VERSION_FULL_RE = re.compile(VERSION_RE.pattern)
_UNIT_FULL_RE = re.compile(r"\d+(?:\.\d+)?(?:KB|MB|GB|TB|px|%|k)", re.IGNORECASE)  # sizes; durations are log noise
_NOT_FILES = frozenset(  # framework names that look like file names
    {"next.js", "node.js", "vue.js", "nuxt.js", "express.js", "three.js", "chart.js", "d3.js", "react.js",
     "angular.js", "ember.js", "backbone.js", "socket.io", "deno.js", "p5.js", "alpine.js", "commander.js"}
)
_HOST_PORT_RE = re.compile(r"(?:localhost|127\.0\.0\.1|0\.0\.0\.0):\d{2,5}")


def _trim(raw: str) -> str:
    token = raw.strip(_EDGE_CHARS)
    while token[-1:] in (".", ")") and token.count("(") < token.count(")") + (token[-1:] == "."):
        token = token[:-1]
    return token.lstrip("(")


def _is_path(token: str) -> bool:
    if "://" in token or not ("/" in token or "\\" in token or "." in token):
        return False
    if token.startswith("/") and token.count("/") < 2:
        return False  # "/exit", "/drop": slash commands, not paths
    if token.rsplit("/", 1)[-1].lower() in _NOT_FILES:
        return False  # framework names, not files
    return _PATH_FULL_RE.fullmatch(token) is not None


def scan_tokens(text: str) -> tuple[list[str], list[str]]:
    """``(anchors, paths)`` of ``text``, in order, from one pass over its whitespace tokens.

    Splitting in C and looking closer only at tokens that can be anchors (plain words are
    skipped with two string tests) is far cheaper than look-behind regexes over megabytes.
    Anchors: identifiers, versions, host:ports, ``port N``, URLs, numbers with units.
    """
    anchors: list[str] = []
    paths: list[str] = []
    previous = ""
    for raw in text.split():
        if raw.isalpha() and (raw.islower() or raw.istitle() or raw.isupper()):
            previous = raw
            continue
        token = _trim(raw)
        if len(token) < 2:
            previous = token
            continue
        if token.startswith(("http://", "https://")):
            anchors.append(token.rstrip(".,;:!?)"))
        elif "/" in token or "\\" in token or "." in token and _is_path(token):
            if _is_path(token):
                paths.append(token)
            elif "/" not in token and "\\" not in token and _VERSION_FULL_RE.fullmatch(token):
                anchors.append(token)
        elif token.isdigit():
            if previous.lower() == "port" and len(token) >= 2:
                anchors.append(f"{previous} {token}")
        elif UTILITY_CLASS_RE.fullmatch(token):
            pass
        elif (
            _HOST_PORT_RE.fullmatch(token)
            or _VERSION_FULL_RE.fullmatch(token)
            or _UNIT_FULL_RE.fullmatch(token)
            or len(token) >= 3
            and _IDENT_FULL_RE.fullmatch(token)
        ):
            anchors.append(token)
        previous = token
    return anchors, paths


def find_paths(text: str) -> list[str]:
    """Path-like tokens of ``text`` (URLs excluded), in order."""
    return scan_tokens(text)[1]


def find_anchors(text: str) -> list[str]:
    """Identifiers, versions, host:ports, URLs and numbers with units in ``text``, in order."""
    return scan_tokens(text)[0]


def briefing_anchors(text: str) -> set[str]:
    """Every anchor-shaped token of a (briefing) text, for the faithfulness check."""
    anchors: set[str] = set()
    for match in DOUBLE_SPAN_RE.finditer(text):
        anchors.add(match.group(1).removesuffix("…").strip())
    text = DOUBLE_SPAN_RE.sub(" ", text)
    for match in CODE_SPAN_RE.finditer(text):
        span = match.group(1).removesuffix("…").removesuffix(" ").strip()
        if span:
            anchors.add(span)
    text = CODE_SPAN_RE.sub(" ", text)
    for match in URL_RE.finditer(text):
        anchors.add(match.group(0))
    text = URL_RE.sub(" ", text)
    for match in PATH_RE.finditer(text):
        token = match.group(0).rstrip(".,;:)")
        if not (token.startswith("/") and token.count("/") < 2):
            anchors.add(token)
    for regex in (PORT_RE, VERSION_RE, IDENT_RE, NUMBER_RE):
        for match in regex.finditer(text):
            anchors.add(match.group(0))
    return anchors


def path_specificity(path: str) -> float:
    """0-1: how distinctive a path's most identifier-like segment is."""
    segments = re.split(r"[/\\]", path)
    return min(1.0, max((shape_score(segment) for segment in segments if segment), default=0.0) / 3.0)


def specificity(sentence: str) -> float:
    """0 when a sentence names nothing exact; up to 1.5 when it names a distinctive identifier or path."""
    anchors, paths = scan_tokens(sentence)
    if not anchors and not paths:
        return 0.0
    best = max([shape_score(a) for a in anchors] + [3.0 * path_specificity(p) for p in paths])
    return 0.5 + min(1.0, best / 3.0)
