"""Gold facts read straight from a transcript file's own structure.

Independent of the compressor on purpose: nothing here imports ``paas`` (neither
``paas.core.briefing`` nor the transcript readers); the raw text is parsed again with rules of
its own, so a bug shared by the readers and the compressor cannot hide itself.

Per format (``extract_gold(text, fmt)``):

* aider (``.aider.chat.history.md``): edited files ``> Applied edit to PATH``; commits
  ``> Commit SHA message`` (the SHA); commands ``> Running CMD``; errors ``> `` lines that
  contain ``Error`` or ``Traceback``; the latest request is the last block of ``#### `` prompt
  lines, skipping blocks that are only an aider slash command (``/add``, ``/drop``, ``/run``,
  ...) and removing a leading ``/ask``, ``/code``, ``/architect`` or ``/context``. When the file's
  prompt lines carry aider's two-space line break, only such lines are prompts and a block is
  consecutive lines; otherwise (histories with stripped spaces and doubled line breaks) blank
  lines may separate the lines of one block.
* Claude Code JSONL: ``tool_use`` blocks named Edit/Write/MultiEdit/NotebookEdit give edited
  files (``file_path``/``notebook_path``; a path whose every call returned ``is_error`` is not
  counted); Bash ``command`` inputs give commands; a Bash command running ``git commit`` whose
  result is not an error gives a commit: the first 6 words of its ``-m`` (or heredoc) message,
  with the SHA printed as ``[branch sha]`` in the result as an alternative form; ``tool_result``
  blocks with ``is_error`` give errors; the latest request is the last ``user`` record carrying
  human text (not a tool result, not ``isMeta``/sidechain, not harness text such as
  ``<command-name>``, ``<local-command-...>`` or ``[Request interrupted``).
* pi agent JSONL: only the active branch (walk ``parentId`` up from the last entry); assistant
  ``toolCall`` blocks named ``edit``/``write`` (``path``) and ``bash`` (``command``), the
  ``toolResult`` messages (``isError``) answering them by ``toolCallId``, user shell runs
  (``bashExecution``, non-zero ``exitCode`` = error) and ``user`` messages for the request.
* SpecStory: assistant sections only. Edited files: ````` ```lang:PATH ````` fences and
  ``Edit file: PATH`` / ``Edited file: PATH`` markers (old exports that replace an applied edit
  by an empty fence name no file, so they give no fact). Commands: a ``---``-separated step made
  only of a shell-language fence (optionally followed by an output fence) is a terminal run; its
  output's first line mentioning error/exception/traceback/fatal is an error of that command.
  The latest request is the last non-empty ``_**User**_`` section.

An error's text is its first informative line: the first line mentioning
error/exception/traceback/fatal, else the first mentioning fail/cannot/could not/unable/not
found/denied/no such, else the first non-empty line that is not a bare "Exit code N",
"Command exited with code N" or "(no output)", else the failing command itself. Decoration
(leading ``>``, ``=``, ``-``, ``*``, ``#``; tags such as ``<tool_use_error>``) is stripped.

Unresolved errors, one simple rule:

* an error tied to a call (a JSONL tool result, a SpecStory terminal run) is resolved when a
  LATER call with the same key returns without error; the key is the whitespace-normalised
  command for shell calls, the tool name and path for other tools;
* aider records no exit codes, so an aider error is resolved when aider reports any later
  successful step (``> Applied edit to``, ``> Commit``, or a model reply's ``> Tokens:`` line);
* the same error text seen several times is unresolved when its last occurrence is.
"""

from __future__ import annotations

from benchmarks.briefing.facts import GoldFacts
from benchmarks.briefing.gold.aider import aider_gold
from benchmarks.briefing.gold.common import commit_fact, commit_message, error_text
from benchmarks.briefing.gold.jsonl import claude_code_gold, pi_agent_gold
from benchmarks.briefing.gold.specstory import specstory_gold

FORMATS_WITH_GOLD = ("aider", "claude_code_jsonl", "pi_agent_jsonl", "specstory")
EXTRACTORS = {
    "aider": aider_gold,
    "claude_code_jsonl": claude_code_gold,
    "pi_agent_jsonl": pi_agent_gold,
    "specstory": specstory_gold,
}

__all__ = ["FORMATS_WITH_GOLD", "commit_fact", "commit_message", "error_text", "extract_gold"]


def extract_gold(text: str, fmt: str) -> GoldFacts:
    """The gold facts of one raw transcript file of format ``fmt`` (one of ``FORMATS_WITH_GOLD``)."""
    if fmt not in EXTRACTORS:
        raise ValueError(f"no gold extractor for format {fmt!r}")
    return EXTRACTORS[fmt](text[1:] if text.startswith("\ufeff") else text)
