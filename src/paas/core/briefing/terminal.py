"""Terminal sessions pasted into a message without a fence: a prompt line and what it printed.

Design: people paste what their terminal showed as it is: ``(venv) me@host app % npm run dev``
and forty lines of output, then a sentence of their own, then another prompt. The output is
full of sentences that read like rules or choices ("Do not use it in a production deployment.
Use a production WSGI server instead.") and are nobody's words in the conversation. A paste
starts at a line that looks like a shell prompt followed by a command, and ends before the
next line that reads as the person speaking again (a first-person word, "can you"; tools say "please" too)
or at the next prompt (a new paste). ``TerminalPastes(text).inside(pos)`` is one bisect, like
``text.Fences``.

Cost: one regex search decides whether a text has a prompt at all; only then its lines are
walked, once.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_PROMPT_RE = re.compile(
    r"^[ \t]*(?:\([\w.-]{1,40}\)[ \t]+)?"  # an active virtualenv or conda env: "(venv) "
    r"(?:[\w.-]{1,40}@[\w.-]{1,60}[^\n%$#>]{0,80}?[%$#]"  # user@host dir %  /  user@host:~/dir$
    r"|PS [A-Za-z]:\\[^\n>]{0,120}>"  # PowerShell
    r"|[A-Za-z]:\\[^\n>]{0,120}>"  # cmd.exe
    r"|[$❯➜](?=[ \t]+(?:[a-z]|\./|~/|/)))"  # a bare prompt, then a command ("$ 5 a month" is a price)
    r"[ \t]+[\w./~-]",
    re.MULTILINE,
)
_SPEAKING_RE = re.compile(
    r"(?<![\w/])(?:i|i[’']m|i[’']ve|i[’']d|my|me|we|our)(?![\w/])|\bcan you\b|\bcould you\b|\bthanks?\b",
    re.IGNORECASE,
)
_MAX_LINES = 2_000  # one paste at most this long: a bound on the walk, not a guess at the output


class TerminalPastes:
    """Character spans of a text's pasted terminal sessions; ``inside(pos)`` is one bisect."""

    __slots__ = ("_bounds",)

    def __init__(self, text: str) -> None:
        self._bounds: list[int] = []
        prompt = _PROMPT_RE.search(text)
        while prompt is not None:
            opened = prompt.start()
            end = self._end(text, text.find("\n", opened))
            self._bounds += [opened, end]
            prompt = _PROMPT_RE.search(text, end) if end < len(text) else None

    @staticmethod
    def _end(text: str, newline: int) -> int:
        """Where the paste opened by the prompt line ending at ``newline`` stops: before the next
        line that speaks or the next prompt (which opens a paste of its own)."""
        for _ in range(_MAX_LINES):
            if newline < 0:
                return len(text)
            start = newline + 1
            newline = text.find("\n", start)
            line = text[start : newline if newline >= 0 else len(text)]
            if _PROMPT_RE.match(line) or (line.strip() and _SPEAKING_RE.search(line)):
                return start
        return newline + 1 if newline >= 0 else len(text)

    def inside(self, pos: int) -> bool:
        return bool(self._bounds) and bisect_right(self._bounds, pos) % 2 == 1

    @property
    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self._bounds[::2], self._bounds[1::2], strict=True))


def prompt_command(line: str) -> str:
    """The command typed after a prompt (``(venv) me@host app % npm run dev`` -> ``npm run dev``)."""
    match = _PROMPT_RE.match(line)
    return line[match.end() - 1 :].strip() if match else ""
