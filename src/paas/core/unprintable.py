"""Characters a terminal acts on instead of showing, and how to show them.

``UNPRINTABLE`` is the one list: C0 controls (ESC, BEL, CR, backspace, NUL ...), DEL, C1 controls
(CSI ``U+009B`` starts an escape sequence on some terminals), the line and paragraph separators,
and the bidirectional embeddings, overrides (``U+202A``-``U+202E``) and isolates
(``U+2066``-``U+2069``), which reorder what follows them on screen. ``services.field_rules``
refuses them in names; the CLI shows them as escapes (``visible``) in whatever it prints from the
database, so a row stored before that rule, or free text, cannot drive the terminal.
"""

from __future__ import annotations

import re

UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape_of(char: str) -> str:
    """``\\n``, ``\\t``, ``\\r``; ``\\x1b`` for the others below U+0100; ``\\u202e`` above."""
    code = ord(char)
    return NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, *, keep: str = "") -> str:
    """``text`` with every unprintable character but those in ``keep`` (``"\\n\\t"`` for
    free text laid out on lines) written as its escape."""
    return UNPRINTABLE.sub(lambda found: found.group() if found.group() in keep else escape_of(found.group()), text)
