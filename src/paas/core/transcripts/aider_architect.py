"""How aider logs architect mode, and how to tell its copy of an answer from a person's prompt.

In architect mode (``aider --architect``, ``/chat-mode architect``, a one-shot ``/architect X``)
aider's ``ArchitectCoder`` sends the architect model's finished answer to an editor coder as
its message (``editor_coder.run(with_message=content)``), and ``InputOutput.user_input`` logs
every message that way exactly like typed input: each line prefixed ``#### ``, blank lines
as ``#### `` alone, every line ending in two spaces. The history therefore shows the answer
(written once by ``ai_output``), aider's ``> Tokens:`` line and any file questions, then, when
``auto_accept_architect`` is off, ``> Edit the files? (Y)es/(N)o [Yes]: y``, then the same
answer again as ``####`` lines, then the editor's reply and its ``> Applied edit`` lines.

Design: the reader keeps, per exchange, the non-blank reply lines as written (a ``> `` quote
inside a reply included, reasoning left out) and where the last reply text ended. A prompt
block is the copy when its non-blank lines are the last lines of that reply, one for one
(aider writes the answer verbatim; reasoning blocks in the copy are ignored), or when the
"Edit the files?" question right before it was answered yes. Declined, there is no copy.
Comparison is of lists of lines already collected, so it stays linear in the input.
"""

from __future__ import annotations

from dataclasses import dataclass

from paas.core.transcripts.drafts import TurnDraft


@dataclass
class Handover:
    """The exchange a prompt block may be aider's copy of: its reply lines and how it ended."""

    lines: list[str]  # the exchange's non-blank reply lines, right-stripped
    end: int  # where its last reply text ended in ``lines``
    confirmed: bool | None  # how "Edit the files?" was answered, None when not asked
    architect: bool  # the reply came from an architect model
    reply_turn: TurnDraft | None


def repeats_reply(handed: Handover, block: list[str]) -> bool:
    """Whether the block's non-blank lines are the reply's last lines, one for one."""
    echo = _without_thinking([line for line in block if line.strip()])
    start = handed.end - len(echo)
    return bool(echo) and start >= 0 and handed.lines[start : handed.end] == echo


def _without_thinking(lines: list[str]) -> list[str]:
    kept: list[str] = []
    thinking = False
    for line in lines:
        if thinking or line.startswith("<thinking-content"):
            thinking = "</thinking-content" not in line
            continue
        kept.append(line)
    return kept
