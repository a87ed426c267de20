"""The interim handoff briefing: the conversation's latest non-empty lines under a header.

This is the foundation's placeholder engine, kept deliberately simple and honest: it keeps
the last N lines (25/15/5 for low/medium/high, the original's line budgets) and says so in
its header. The briefing engine (transcript readers + fact extraction) replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass

LINES_PER_LEVEL = {"low": 25, "medium": 15, "high": 5}


@dataclass(frozen=True)
class TailBriefing:
    markdown: str
    original_lines: int
    kept_lines: int

    @property
    def compression_ratio(self) -> int:
        """Percent of the original's non-empty lines left out."""
        if not self.original_lines:
            return 0
        return round(100 * (1 - self.kept_lines / self.original_lines))


def tail_briefing(context: str, *, project_name: str, level: str = "medium",
                  from_account: str | None = None, credits_used: int | None = None) -> TailBriefing:
    if level not in LINES_PER_LEVEL:
        raise ValueError(f"unknown level {level!r}")
    lines = [line.rstrip() for line in context.splitlines() if line.strip()]
    kept = lines[-LINES_PER_LEVEL[level]:]
    header = [f"# Handoff briefing: {project_name}", ""]
    if from_account:
        header.append(f"- From account: {from_account}")
    if credits_used is not None:
        header.append(f"- Credits used: {credits_used}")
    header.append(f"- Kept the last {len(kept)} of {len(lines)} non-empty lines")
    body = ["", "## Latest context", "", *kept]
    return TailBriefing(markdown="\n".join(header + body) + "\n", original_lines=len(lines),
                        kept_lines=len(kept))
