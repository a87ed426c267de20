"""What looks like an error but is not one: harness chatter, probes, "nothing found" exits.

Design: an error fact tells the next session that something it relies on is broken. Three kinds
of lines have an error's shape without that meaning, and each is recognised by what it is, not
by the transcript it came from:

* **Harness notices** (``is_housekeeping_notice``): the coding tool talking about its own
  context, never about the project: a file it cannot find, read or add to the chat (aider's
  ``P: file not found error``, ``Can't edit P``, ``P is not in the chat``, a ``/add`` or
  ``--read`` that matched nothing), its repo map, model and environment warnings at start-up,
  token reports, git line-ending warnings, hook summaries, "(Bash completed with no output)",
  an interruption notice (``interruptions`` reports those). A notice that a *project* step
  failed (a commit, a ``git add``, a lint run) is not housekeeping.
* **Probes** (``is_probe_failure``): a command whose non-zero exit means "nothing found" or
  "no", never "broken": ``grep``/``rg`` exiting 1, ``diff``/``cmp`` exiting 1, ``test``/``[``,
  ``which``/``command -v``/``type``, ``git diff --quiet``, ``git rev-parse --verify``,
  ``pgrep``; and a pure inspection command (``ls``, ``cat``, ``stat``, ``find``...) that fails
  because the path it looked at does not exist: the agent was finding out, not relying on it.
  A failure the agent announced ("this should fail", "verify it fails": a test written first)
  is a probe too.
* **Summaries and instructions** (``is_summary_turn``): system turns that are compaction
  summaries, continued-session preambles or injected instructions; they retell old errors in
  prose and would reopen them.

Only the first 300 characters of a notice line are examined; every pattern is anchored to one
line, so the cost stays linear.
"""

from __future__ import annotations

import re
import shlex

_NOTICE_RE = re.compile(
    r"file not found error|Has it been deleted from the file system|Repo-map can't include|"
    r"is not in the chat|Can't edit |Can't find |No files? matched|is already in the chat|"
    r"matches (?:gitignore|aiderignore) spec|^Unable to read |: unable to read:|"
    r"^(?:Error: )?Read-only file .* does not exist|does not exist\. Skipping|"
    r"Unknown context window size|does not support '|expects these environment variables|"
    r"Did you mean one of these|only add files that need changes|playwright|Playwright|"
    r"^Git repo: none|No git repo found|Cost estimates may be inaccurate|Chat mode should be one of|"
    r"^Invalid command|^Tokens: |warning: (?:LF|CRLF) will be replaced|in the working copy of|"
    r"hook[_ ]summary|hook (?:completed|succeeded|success)|Bash completed with no output|^\(no output\)$|"
    r"No matches found|No files found|Found 0 (?:files|matches)|is already accessible within|"
    r"Request interrupted|^\[Request interrupted|Interrupted by user|^Note: |^Warning: it's best|"
    r"URI is not a directory|You can skip this check|^https?://\S+$",
    re.IGNORECASE,
)
_SUMMARY_START_RE = re.compile(
    r"^\s*(?:This session is being continued|<summary>|Summary:|Compacted|Conversation compacted|"
    r"Previous conversation|Analysis:|# AGENTS\.md|<user_instructions>|<environment_context>|"
    r"Caveat: |<system-reminder>|Branch summary|Compaction summary)",
    re.IGNORECASE,
)

# Programs whose exit status 1 means "no match" / "different" / "false", never a failure.
_NOTHING_FOUND_PROGRAMS = frozenset(
    {"grep", "egrep", "fgrep", "rg", "ag", "ack", "findstr", "select-string", "diff", "cmp", "test", "[", "[[",
     "which", "where", "whereis", "type", "pgrep", "pidof", "false"}
)
# Programs that only look: failing on a missing path is the answer to the question they asked.
_INSPECTION_PROGRAMS = frozenset(
    {"ls", "dir", "stat", "cat", "head", "tail", "less", "more", "file", "find", "fd", "tree", "wc", "du", "readlink",
     "realpath", "pwd", "echo", "printf", "test-path", "get-childitem", "get-content", "gci", "gc", "sort", "uniq",
     "cut", "jq", "xxd", "od", "hexdump", "ps", "lsof", "env", "printenv", "date", "id", "whoami", "uname", "cd",
     "pushd", "popd", "set",
     *_NOTHING_FOUND_PROGRAMS}
)
_GIT_PROBES_RE = re.compile(
    r"^git\s+(?:diff\b.*--(?:quiet|exit-code)|rev-parse\b|show-ref\b|ls-remote\b.*--exit-code|config\s+--get|"
    r"merge-base\s+--is-ancestor|check-ignore|ls-files\b.*--error-unmatch|status\b|log\b|show\b|branch\b|remote\b|"
    r"tag\b.*(?:-l|--list)|stash list)"
)
_MISSING_RE = re.compile(r"No such file|cannot access|does not exist|not found|cannot find|Cannot find path|"
                         r"no matches|is not recognized|ENOENT", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"'[^']*'|\"(?:\\.|[^\"\\])*\"|&&|\|\||[;|\n]")
_EXPECTED_FAIL_RE = re.compile(
    r"\b(?:should|expect(?:ed|ing)?(?: it)? to|to (?:confirm|verify|check|see|make sure) (?:that )?it|will|must|"
    r"(?:is|are) expected to)\s+(?:still\s+)?fail(?:s|ing)?\b|\bfails? as expected\b|"
    r"\b(?:red|failing) (?:test|phase) first\b",
    re.IGNORECASE,
)
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def is_housekeeping_notice(line: str) -> bool:
    """A harness notice about the tool's own context (files in the chat, models, warnings), not the project."""
    return _NOTICE_RE.search(line[:300].strip()) is not None


def is_summary_turn(text: str) -> bool:
    """A system turn that retells the session (a compaction summary) or injects instructions."""
    return _SUMMARY_START_RE.match(text[:200]) is not None


def is_tool_chatter(output: str | None) -> bool:
    """A tool result that is only the harness saying there was nothing to show."""
    lines = [line.strip() for line in (output or "").strip().splitlines()[:4] if line.strip()]
    return bool(lines) and all(is_housekeeping_notice(line) or _TRIVIAL_EXIT_RE.match(line) for line in lines)


_TRIVIAL_EXIT_RE = re.compile(r"^(?:Error: )?(?:Exit code:? -?\d+|Command exited with code -?\d+)$", re.IGNORECASE)


def programs(command: str) -> list[list[str]]:
    """The simple commands of a shell line, each as its words (program first, lower-cased).

    The line is split at ``&&``, ``||``, ``;``, ``|`` and newlines outside quotes; a part is
    read with ``shlex`` only when it holds a quote (plain parts split on spaces: cheaper).
    """
    out: list[list[str]] = []
    for part in _simple_commands(command[:2000]):
        if "'" in part or '"' in part:
            try:
                words = shlex.split(part, posix=True)
            except ValueError:
                words = part.split()
        else:
            words = part.split()
        while words and (words[0] in ("sudo", "command", "builtin", "time", "env", "npx", "exec")
                         or _ENV_RE.match(words[0])):
            if words[0] == "command" and len(words) > 1 and words[1] == "-v":
                break
            words = words[1:]
        if words:
            words[0] = words[0].rsplit("/", 1)[-1].lower()
            out.append(words)
    return out


def _simple_commands(line: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _SEPARATOR_RE.finditer(line):
        if match.group(0)[0] in "'\"":
            continue  # a quoted string: its separators are text
        parts.append(line[start : match.start()])
        start = match.end()
    parts.append(line[start:])
    return [part for part in parts if part.strip()]


def is_probe_failure(command: str, output: str | None, exit_status: int | None, said_before: str = "") -> bool:
    """A failed command that answered a question ("is it there?", "does it match?") rather than broke.

    ``said_before`` is the assistant's text in the turn that ran the command: a failure it
    announced ("run the test to verify it fails") is expected, not an error.
    """
    if said_before and _EXPECTED_FAIL_RE.search(said_before[-600:]):
        return True
    parts = programs(command)
    if not parts:
        return False
    last = parts[-1]
    text = (output or "").strip()
    quiet = not text or is_tool_chatter(text)
    if exit_status == 1 and (last[0] in _NOTHING_FOUND_PROGRAMS or (last[0] == "command" and "-v" in last)):
        return True  # the exit status is the last program's: "no match", "different", "false"
    if exit_status == 1 and quiet and _GIT_PROBES_RE.match(" ".join(last)) is not None:
        return True
    if all(p[0] in _INSPECTION_PROGRAMS or _GIT_PROBES_RE.match(" ".join(p)) is not None for p in parts):
        return quiet or _MISSING_RE.search(text[:2000]) is not None
    return False
