"""Secrets out of briefings: passwords, keys and tokens become ``[redacted: kind]``.

Design: a briefing is pasted into another platform's chat, so it must never carry a
credential, even one the user pasted into the conversation. ``redact(text, finder)`` and the
``Redactor`` it wraps find secret *spans* in the original text, merge overlapping ones and
rebuild the text once, each span replaced by ``[redacted: kind]``. The spans come from:

* the built-in rules (``secret_rules``: connection strings, password/secret/token/API key
  assignments, Authorization headers, the well-known key shapes, PEM private keys), linear
  in the text;
* ``finder``: an optional callable ``(text) -> iterable of (value, kind)`` injected from
  outside the core (``paas.adapters.secrets`` wraps detect-secrets); every value it reports
  (of ``MIN_FOUND_VALUE`` characters or more) is replaced wherever it occurs;
* values the rules found that are distinctive (8+ characters mixing letters with digits or
  symbols), replaced where they occur bare too, so a password seen once in a connection
  string is hidden in the sentence that repeats it. Short or plain values ("postgres") are
  only redacted where a rule saw them in a credential position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from paas.core.briefing.secret_rules import Span, is_placeholder, rule_spans

__all__ = ["MARKER_RE", "Redactor", "SecretFinder", "is_placeholder", "marker", "redact"]

SecretFinder = Callable[[str], Iterable[tuple[str, str]]]

MARKER_RE = re.compile(r"\[redacted: [^\]\n]{1,40}\]")
MIN_FOUND_VALUE = 6  # a finder's value shorter than this is ignored: replacing it everywhere would shred the text
_DIGIT_RE = re.compile(r"\d")
_LETTER_RE = re.compile(r"[A-Za-z]")
_SYMBOL_RE = re.compile(r"[^A-Za-z0-9]")


def marker(kind: str) -> str:
    return f"[redacted: {kind}]"


def _distinctive(value: str) -> bool:
    """Safe to replace wherever it occurs: long, and not a word a briefing would use for something else."""
    return (len(value) >= 8 and bool(_LETTER_RE.search(value))
            and bool(_DIGIT_RE.search(value) or _SYMBOL_RE.search(value)) and not MARKER_RE.search(value))


def _occurrences(text: str, values: dict[str, str]) -> list[Span]:
    spans = []
    for value, kind in values.items():
        at = text.find(value)
        while at >= 0:
            spans.append(Span(at, at + len(value), kind))
            at = text.find(value, at + len(value))
    return spans


def _apply(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    out: list[str] = []
    position = 0
    current: Span | None = None
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if current is not None and span.start < current.end:
            if span.end > current.end:
                current = Span(current.start, span.end, current.kind)
            continue
        if current is not None:
            out += [text[position:current.start], marker(current.kind)]
            position = current.end
        current = span
    assert current is not None
    out += [text[position:current.start], marker(current.kind), text[current.end:]]
    return "".join(out)


class Redactor:
    """Redacts texts with the built-in rules and an optional ``finder``.

    It remembers every distinctive value it found (and every value the finder reported), so a
    secret found in one text is hidden where a later text repeats it bare. ``redact_all``
    looks at all its texts first, so the order of the texts does not matter there.
    """

    def __init__(self, finder: SecretFinder | None = None) -> None:
        self.finder = finder
        self.known: dict[str, str] = {}  # value -> kind

    def redact(self, text: str) -> str:
        return self.redact_all([text])[0]

    def redact_all(self, texts: Sequence[str]) -> list[str]:
        found = [rule_spans(text) for text in texts]
        for text, spans in zip(texts, found, strict=True):
            for span in spans:
                value = text[span.start:span.end]
                if _distinctive(value):
                    self.known.setdefault(value, span.kind)
        if self.finder is not None and any(texts):
            for value, kind in self.finder("\n".join(texts)):
                if len(value) >= MIN_FOUND_VALUE and not MARKER_RE.fullmatch(value):
                    self.known.setdefault(value, kind)
        return [_apply(text, spans + _occurrences(text, self.known)) for text, spans in zip(texts, found, strict=True)]


def redact(text: str, finder: SecretFinder | None = None) -> str:
    """``text`` with every secret the rules (and ``finder``) find replaced by ``[redacted: kind]``."""
    return Redactor(finder).redact(text)
