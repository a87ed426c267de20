"""Text helpers shared by the extractors: verbatim clipping, sentences, code fences, shapes.

Design: extraction must stay linear on multi-megabyte transcripts, so nothing here walks a
text line by line in Python. Extractors run one compiled regex over a whole turn (C speed)
and call these helpers only around each match: ``sentence_at`` widens a match to its sentence,
``Fences`` answers "is this offset inside a code block?" with one bisect, ``clip`` shortens at
a word boundary. Every helper returns a substring of its input (plus "…" where it cut), which
is what keeps briefings faithful.
"""

from __future__ import annotations

import re
from bisect import bisect_right

ELLIPSIS = "…"

_FENCE_RE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)
_BULLET_RE = re.compile(r"^\s*(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,3}[.)]\s+|#{1,6}\s+|>\s*)+")
_CODE_START_RE = re.compile(
    r"^\s*(?:import\s|from\s\S+\simport\s|def\s|class\s\w|const\s|let\s|var\s|function\b|return\b|"
    r"if\s*\(|for\s*\(|while\s*\(|#include|public\s|private\s|export\s|async\s|await\s|"
    r"</?[A-Za-z][\w.-]*[\s/>]|[{});]|\$\s|>>>\s|console\.|print\(|raise\s|throw\s|except\b|catch\b|"
    r"//|/\*|@\w+\()"
)
_CODE_CHARS = "{}();=<>[]"
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9_'’-]{2,}")
_SPACES_RE = re.compile(r"\s+")


class Fences:
    """Offsets of the code-fence lines of one text; ``inside(pos)`` is one bisect."""

    __slots__ = ("_marks",)

    def __init__(self, text: str) -> None:
        self._marks = [m.start() for m in _FENCE_RE.finditer(text)] if "```" in text or "~~~" in text else []

    def inside(self, pos: int) -> bool:
        return bool(self._marks) and bisect_right(self._marks, pos) % 2 == 1

    def split(self, text: str) -> tuple[str, str]:
        """``(prose, code)``: the text outside fenced blocks and the text inside them."""
        if not self._marks:
            return text, ""
        prose: list[str] = []
        code: list[str] = []
        bounds = [0, *self._marks, len(text)]
        for index in range(len(bounds) - 1):
            (code if index % 2 else prose).append(text[bounds[index] : bounds[index + 1]])
        return "\n".join(prose), "\n".join(code)


def clip(text: str, limit: int) -> str:
    """``text`` cut at the last whitespace before ``limit`` characters, with "…" when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit  # one long word: cut inside it rather than keep almost nothing
        while cut < len(text) and not text[cut].isspace() and cut < limit * 2:
            cut += 1  # never split a word: finish it (bounded)
    return text[:cut].rstrip(" ,;:") + ELLIPSIS


def code(text: str) -> str:
    """``text`` as a Markdown code span (double backticks when it holds a backtick)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def first_line(text: str, limit: int = 160) -> str:
    """The first non-blank line of ``text``, clipped."""
    for line in text.splitlines():
        if line.strip():
            return clip(line, limit)
    return ""


def line_at(text: str, pos: int) -> tuple[int, int]:
    """Start and end offsets of the line holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def sentence_at(text: str, start: int, end: int, limit: int = 260) -> str:
    """The sentence around ``text[start:end]`` (bounded by . ! ? followed by space, or a line end)."""
    lo = max(0, start - limit)
    head = text[lo:start]
    cut = max(head.rfind(". "), head.rfind("! "), head.rfind("? "), head.rfind("\n"))
    begin = lo + cut + 1 if cut >= 0 else lo
    if cut < 0 and lo > 0:  # no boundary within reach: start at a word boundary
        space = text.find(" ", begin, start)
        begin = space + 1 if space >= 0 else start
    hi = min(len(text), end + limit)
    tail = text[end:hi]
    stops = [i for i in (tail.find(". "), tail.find("! "), tail.find("? "), tail.find("\n")) if i >= 0]
    if stops:
        finish = end + min(stops) + 1
    elif hi == len(text):
        finish = hi
    else:
        space = text.rfind(" ", end, hi)
        finish = space if space > end else hi
    sentence = text[begin:finish].strip()
    sentence = _BULLET_RE.sub("", sentence, count=1).strip()
    return clip(sentence, limit)


def looks_like_code(line: str) -> bool:
    """A line of source code or markup rather than prose (pasted code, generated files)."""
    stripped = line.strip()
    if not stripped:
        return False
    if _CODE_START_RE.match(stripped):
        return True
    if stripped.endswith((";", "{", "}", "=>", "):")):
        return True
    punct = sum(map(stripped.count, _CODE_CHARS))
    return punct >= 4 and punct > len(stripped) // 12


def normalise(text: str) -> str:
    """Lower-case, single-spaced text for comparing mentions of the same thing."""
    return _SPACES_RE.sub(" ", text.strip().lower()).strip(" .:;,!-*`\"'")


def words(text: str) -> set[str]:
    """Lower-cased words of three letters or more (for overlap tests)."""
    return {w.lower().strip("'’-") for w in _WORD_RE.findall(text)}


STOPWORDS = frozenset(
    """the and for with that this from have has was were are not but you your yours our can will would should
    could into onto then than them they their there here what when where which while who why how all any
    each some such only also just very more most much many make made does did done doing use used using
    add added adding let lets need needs needed want wants please file files code now new get got set
    like one two way its it's it’s out about again still yet sure ok okay yes no next i'll i’ll we'll we’ll
    then first""".split()  # noqa: SIM905
)
