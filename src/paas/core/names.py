"""How names are compared: two names that a person would read as the same name are the same name.

``name_key`` is the form unique names are checked on: Unicode NFKC (so a precomposed ``é`` and
``e`` + combining accent, or a full-width ``Ｘ``, are one name), case-folded (``X`` and ``x``;
``Straße`` and ``STRASSE``), normalised again (case folding can undo NFKC), and stripped of
surrounding white space. The name itself is stored as typed; only the key is unique.
"""

from __future__ import annotations

import unicodedata


def name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return unicodedata.normalize("NFKC", folded).strip()
