"""Gold facts of an aider chat history (rules: ``benchmarks.briefing.gold``)."""

from __future__ import annotations

import re

from benchmarks.briefing.facts import Fact, GoldFacts
from benchmarks.briefing.gold.common import Recorder

ASIDE_COMMANDS = ("/ask", "/code", "/architect", "/context")
# The person answering aider's own question ("Add file to the chat? (Y)es/(N)o/... [Yes]: all"):
# harness housekeeping typed at the prompt, never a request.
_CONFIRM_ANSWER_RE = re.compile(r"^[^\n]{0,200}\?\s*\(Y\)es/\(N\)o[^\n]*\]:?\s*\w*\s*$")
_AIDER_COMMIT_RE = re.compile(r"^Commit ([0-9a-f]{7,40})\b")


def aider_gold(text: str) -> GoldFacts:
    recorder = Recorder()
    lines = text.replace("\r\n", "\n").split("\n")
    for line in lines:
        if not line.startswith("> "):
            continue
        body = line[2:].strip()
        if body.startswith("Applied edit to "):
            recorder.edit(body[len("Applied edit to ") :])
            recorder.success("aider")
        elif commit := _AIDER_COMMIT_RE.match(body):
            recorder.commit(Fact("commits", commit.group(1), "sha"))
            recorder.success("aider")
        elif body.startswith("Running "):
            recorder.command(body[len("Running ") :])
        elif body.startswith("Tokens:"):
            recorder.success("aider")
        elif "Error" in body or "Traceback" in body:
            recorder.error(body, "aider")
    recorder.request(_aider_latest_request(lines))
    return recorder.finish()


def _aider_latest_request(lines: list[str]) -> str | None:
    two_space = any(re.match(r"^#### .*\S  $", line) for line in lines)

    def is_prompt(line: str) -> bool:
        if line.rstrip() == "####":
            return True
        return line.startswith("#### ") and (not two_space or line.endswith("  "))

    blocks: list[list[str]] = []
    before: list[str] = []  # the assistant text written before each block
    replies: list[str] = []
    open_block = False
    for line in lines:
        if is_prompt(line):
            if not open_block:
                blocks.append([])
                before.append(" ".join(" ".join(replies).split()))
                replies = []
                open_block = True
            blocks[-1].append(line[5:].rstrip())
        elif not line.strip() and not two_space:
            continue  # doubled line breaks: a blank line does not end the block
        else:
            open_block = False
            if not line.startswith(">"):
                replies.append(line)
    for block, reply in zip(reversed(blocks), reversed(before), strict=True):
        request = _aider_request_text(block)
        if request and not _architect_copy(request, reply):
            return request
    return None


def _architect_copy(request: str, reply: str) -> bool:
    """Architect mode hands the architect's answer to the editor as a ``####`` block: not the person."""
    head = " ".join(request.split())[:200]
    return len(head) >= 40 and head in reply


def _aider_request_text(block: list[str]) -> str | None:
    text = "\n".join(block).strip()
    if _CONFIRM_ANSWER_RE.match(text):
        return None
    if text.startswith("/"):
        command, _, rest = text.partition(" ")
        if command not in ASIDE_COMMANDS:
            return None
        text = rest.strip()
    return text or None
