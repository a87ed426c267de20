"""Faithfulness: the share of a briefing's anchors that occur verbatim in the transcript.

An anchor is a piece of a briefing that a reader would act on without checking: a path, a
command, an identifier, a number. This module finds them with its own regexes (nothing is
shared with the compressor) and looks each one up in the transcript. The briefing's header
(every line before the first ``## `` heading: title, source, token figures) is its own
metadata and is skipped, as are fence marker lines.

* ``command`` / ``identifier``: an inline code span (2-400 characters, may wrap lines); a
  command when it holds whitespace, else an identifier. Looked up whitespace-normalised.
* ``path``: a URL; or a token with a slash that starts with ``/``, ``./``, ``../`` or ``~/``,
  holds two slashes, or ends in an extension; or a bare file name with a known extension
  (``app.py``, ``README.md``). Looked up with ``\\`` and ``/`` treated alike.
* ``identifier``: a hex SHA (7-40 characters with a digit and a letter), a snake_case name,
  a camelCase or PascalCase name (two humps or more).
* ``number``: two digits or more, looked up with digit boundaries (``120`` is not found in
  ``1200``). Numbers the briefing computed are not anchors: counts (a number followed by
  ``%`` or by a counting word: tokens, turns, files, lines, ...) and turn citations
  (``turn 9``, ``turns 19–32``), the briefing's references to the transcript, and paste labels
  (``[a 40-line Python block]``, ``[12 lines of pasted code]``): the briefing's description of a
  paste it left out, not a quote.

An anchor is verbatim when found as written or with its Markdown escapes undone (``\\|`` in a
table cell); one shortened with ``…`` or ``...``, or wrapping lines, when each of its pieces
(of 3 characters or more) is. A ``[redacted: kind]`` marker (a secret the briefing must not
repeat) counts as such a cut: ``postgres://app:[redacted: password]@db`` is verbatim when
``postgres://app:`` and ``@db`` are.
The transcript text searched is the raw file plus, for JSON and JSON Lines, every string value
decoded, and strings that hold JSON decoded again (so ``\\n``, ``\\"`` and ``\\u2500`` escapes
do not hide a match).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from benchmarks.briefing.facts import unescape_markdown

EXTENSIONS = (
    "py|pyi|ipynb|js|mjs|cjs|jsx|ts|tsx|vue|svelte|astro|html|htm|css|scss|sass|less|json|jsonl|yaml|yml|toml|ini|cfg|"
    "conf|env|md|mdx|rst|txt|csv|tsv|xml|svg|sql|sh|bash|zsh|ps1|bat|go|rs|java|kt|kts|swift|c|h|cc|cpp|hpp|cs|rb|"
    "php|lua|dart|scala|gradle|lock|log|mdc|tf|proto|graphql|cmake|mk|dockerfile|v|sv|ino|pio|astro"
)
COUNT_WORDS = (
    "tokens?|turns?|messages?|lines?|files?|edits?|commands?|calls?|errors?|commits?|chars?|characters?|sessions?|"
    "times|more|others?|items?|steps?|requests?|words?|bytes|kb|mb|s|ms|sec|seconds?|minutes?|min|%"
)

_SPACE_RE = re.compile(r"\s+")
_CODE_SPAN_RE = re.compile(r"`([^`]{2,400})`")
_FENCE_LINE_RE = re.compile(r"^\s{0,3}(?:`{3,}|~{3,})")
_URL_RE = re.compile(r"https?://[^\s`'\"<>)\]]+")
_PATH_RE = re.compile(r"(?<![\w/.\\-])(?:~|\.{1,2})?[/\\]?(?:[\w@+\[\]().$-]+[/\\])+[\w@+\[\]().$-]+")
_FILE_RE = re.compile(rf"(?<![\w/.\\-])[\w-]+(?:\.[\w-]+)*\.(?:{EXTENSIONS})(?![\w-])", re.I)
_SHA_RE = re.compile(r"(?<![\w])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}(?![\w])")
_SNAKE_RE = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w])")
_CAMEL_RE = re.compile(r"(?<![\w.])(?:[a-z]+|[A-Z][a-z0-9]+)(?:[A-Z][a-z0-9]+)+(?![\w])")
_NUMBER_RE = re.compile(rf"(?<![\w.,])(\d+(?:[.,]\d+)*)(?![\w])(?!\s*(?:{COUNT_WORDS})(?![\w]))", re.I)
_TURN_CITATION_RE = re.compile(r"\bturns? \d+(?:\s*(?:[–-]|to|and)\s*\d+)?", re.I)
_ELLIPSIS_RE = re.compile(r"…|\.\.\.")
_REDACTED_RE = re.compile(r"\[redacted: [^\]\n]{1,40}\]")
_PASTE_LABEL_RE = re.compile(
    r"\[(?:an? \d+-line\b[^\]\n]{0,140}|\d+ lines of pasted \w+|… [\d,]+ more characters)(?:\]|…)"
)


@dataclass(frozen=True)
class Haystack:
    """The transcript's text, prepared once for many anchor lookups."""

    raw: str
    spaced: str
    slashed: str

    @classmethod
    def of(cls, text: str) -> Haystack:
        decoded = "\n".join(_json_strings(text))
        raw = f"{text}\n{decoded}" if decoded else text
        return cls(raw=raw, spaced=_SPACE_RE.sub(" ", raw), slashed=raw.replace("\\", "/"))


def _json_strings(text: str) -> Iterator[str]:
    """Every string value of a JSON document or of each JSON Lines record (nothing for Markdown)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("{", "[")):
        return
    try:
        documents: list[Any] = [json.loads(stripped)]
    except ValueError:
        documents = []
        for line in stripped.splitlines():
            try:
                documents.append(json.loads(line))
            except ValueError:
                continue
    stack = documents
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
            if value[:1] in ("{", "[") and len(value) < 1_000_000:
                with contextlib.suppress(ValueError):  # JSON inside a string (Codex call arguments): decode it too
                    stack.append(json.loads(value))
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def find_anchors(markdown: str, header: bool = True) -> list[tuple[str, str]]:
    """``(kind, text)`` for every anchor of the briefing; ``header``: skip the lines before the first ``## ``."""
    lines = markdown.splitlines()
    if header:
        lines = lines[next((i for i, line in enumerate(lines) if line.startswith("## ")), 0) :]
    body = "\n".join(line for line in lines if not _FENCE_LINE_RE.match(line))
    found: list[tuple[str, str]] = []

    def take(pattern: re.Pattern[str], kind: str | None, text: str) -> str:
        def record(match: re.Match[str]) -> str:
            value = (match.group(1) if pattern.groups else match.group(0)).strip()
            if kind is None:
                found.append(("command" if re.search(r"\s", value) else "identifier", value))
            elif kind != "skip":
                found.append((kind, value))
            return " " * len(match.group(0))

        return pattern.sub(record, text)

    body = _REDACTED_RE.sub("…", body)  # a redacted secret: checked like an elision, piece by piece
    body = _PASTE_LABEL_RE.sub(lambda match: " " * len(match.group(0)), body)
    rest = take(_CODE_SPAN_RE, None, body)
    rest = take(_URL_RE, "path", rest)
    for match in _PATH_RE.finditer(rest):
        value = match.group(0)
        if value.startswith(("/", "./", "../", "~/", "\\")) or len(re.findall(r"[/\\]", value)) >= 2 \
                or re.search(r"\.\w{1,10}$", value):
            found.append(("path", value))
            rest = rest[: match.start()] + " " * len(value) + rest[match.end() :]
    rest = take(_FILE_RE, "path", rest)
    rest = take(_SHA_RE, "identifier", rest)
    rest = take(_SNAKE_RE, "identifier", rest)
    rest = take(_CAMEL_RE, "identifier", rest)
    rest = take(_TURN_CITATION_RE, "skip", rest)
    found.extend(("number", match.group(1)) for match in _NUMBER_RE.finditer(rest)
                 if len(re.sub(r"\D", "", match.group(1))) >= 2)
    return found


def is_verbatim(kind: str, text: str, haystack: Haystack) -> bool:
    """Found as written, or with its Markdown escapes undone (``\\|`` in a table cell is ``|``)."""
    return any(_all_pieces_found(kind, variant, haystack) for variant in dict.fromkeys(
        (text, unescape_markdown(text))))


def _all_pieces_found(kind: str, text: str, haystack: Haystack) -> bool:
    pieces = [piece.strip() for line in text.splitlines() for piece in _ELLIPSIS_RE.split(line)
              if len(piece.strip()) >= 3]
    if not pieces:
        return True  # nothing left to check once the elision marks are gone
    return all(_piece_found(kind, piece, haystack) for piece in pieces)


def _piece_found(kind: str, piece: str, haystack: Haystack) -> bool:
    if kind == "number":
        return re.search(rf"(?<!\d){re.escape(piece)}(?!\d)", haystack.raw) is not None
    if kind == "path":
        return piece in haystack.raw or piece.replace("\\", "/") in haystack.slashed
    return piece in haystack.raw or _SPACE_RE.sub(" ", piece) in haystack.spaced


@dataclass(frozen=True)
class Faithfulness:
    score: float | None
    anchors: int
    unverified: list[str]


def faithfulness(markdown: str, haystack: Haystack, header: bool = True) -> Faithfulness:
    """Verified anchors / all anchors (None when the briefing has no anchor)."""
    anchors = list(dict.fromkeys(find_anchors(markdown, header=header)))
    misses = [f"{kind}: {text}" for kind, text in anchors if not is_verbatim(kind, text, haystack)]
    score = 1 - len(misses) / len(anchors) if anchors else None
    return Faithfulness(score=score, anchors=len(anchors), unverified=misses)
