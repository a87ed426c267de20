"""What the CLI prints from the database cannot drive the terminal.

Names are refused with control characters (``services.field_rules``), but rows stored before that
rule, and free text (notes, descriptions, transcripts' summaries), may hold them. So every string
a command prints through ``door.console()`` passes ``core.unprintable.visible`` first: an ESC
shows as ``\\x1b``, a right-to-left override as ``\\u202e``. Line breaks and tabs stay in messages
(free text is laid out on lines) but not in table cells, where a break would forge a row. The
JSON output escapes the same characters as ``\\u`` escapes: still the same JSON to a parser.
Table cells are plain text: a name such as ``[/red]`` is not markup; in a message whose markup
it breaks, the message is printed as plain text instead of failing after the work was done.
"""

from __future__ import annotations

import re
from json import dumps, loads
from typing import Any

from rich.console import Console
from rich.errors import MarkupError
from rich.highlighter import JSONHighlighter
from rich.text import Text

from paas.core.unprintable import UNPRINTABLE, visible

LAID_OUT = "\n\t"  # kept in messages: the commands' own line breaks and free text's
LINK_TAG = re.compile(r"(?<!\\)\[/?link\b", re.IGNORECASE)


def cell(value: Any) -> Text:
    """One table cell: the value as plain text (no markup), every unprintable character escaped."""
    return Text("" if value is None else visible(str(value)))


def json_text(value: Any, *, indent: int | None = 2, default: Any = None) -> str:
    """``value`` as JSON that a terminal shows as it is: what ``json`` leaves raw (C1 controls,
    bidirectional overrides, line separators) written as ``\\u`` escapes."""
    text = dumps(value, indent=indent, default=default, ensure_ascii=False)  # escapes C0 inside strings
    return UNPRINTABLE.sub(lambda found: found.group() if found.group() == "\n" else f"\\u{ord(found.group()):04x}",
                           text)


class EscapingConsole(Console):
    """A rich Console whose strings (messages, table cells, live displays) show unprintable
    characters as escapes, and whose ``print_json`` keeps them escaped."""

    def render_str(self, text: str, **options: Any) -> Text:
        # No command writes a hyperlink tag; one in a stored name would become an OSC 8 escape.
        shown = visible(text, keep=LAID_OUT)
        if options.get("markup") is False or not self._markup:
            return super().render_str(shown, **options)
        try:
            return super().render_str(LINK_TAG.sub(r"\\\g<0>", shown), **options)
        except MarkupError:  # a stored name such as "[/red]" inside a message's markup: print it as text
            return super().render_str(shown, **{**options, "markup": False})

    def print_json(self, json: str | None = None, *, data: Any = None, indent: None | int | str = 2,
                   highlight: bool = True, default: Any = None, **_options: Any) -> None:
        value = loads(json) if json is not None else data
        shown = json_text(value, indent=indent if isinstance(indent, int) else 2, default=default)
        rendered = JSONHighlighter()(Text(shown)) if highlight else Text(shown)
        rendered.no_wrap, rendered.overflow = True, None
        self.print(rendered, soft_wrap=True)
