"""Facts from tool calls: files touched, commands run, test runs, commits, and failures.

Design: tool calls are the strongest evidence a transcript holds (the harness logged them), so
they are read first and in one pass, in order, each call getting a sequence number. What the
pass records is an ``ActionLog``:

* file events, in order: reads, edits, creations, deletions and renames, each with its raw path
  as the call gave it (``files`` turns them into one status per file). Deletions and renames
  come from delete/rename tools, patches and diff headers (``file_ops.patch_ops``), shell
  commands that did not fail (``file_ops.shell_file_ops``: ``rm``, ``git mv``, ``Remove-Item``
  ...), and harness notices (``Deleting P``, ``Updating and moving A to B``); a notice that a
  file does not exist (``P: file not found error``, ``Repo-map can't include P``) voids the
  reads of it. Adding a file to the chat or dropping it is context housekeeping: a read at
  most, never an edit;
* commands by their first line (a leading ``cd DIR &&`` and environment assignments ignored),
  with the last exit status and the number of runs;
* test runs: a test command, or an output holding a summary line (pytest, jest, cargo, go test...), verbatim;
* what edits of the agent's rules files (``agent_rules``) changed, as ``(turn, path, old, new)``;
* commits: aider's ``commit`` calls and ``git commit`` commands whose output names the new sha;
* failures (``is_error``, a non-zero exit status, or, when no status was recorded, an output
  reporting an error) and, per resolution key, the sequence numbers of later successes, which
  ``errors`` uses to decide what is resolved. A failure's line is its output's first error
  line, plus the cause its last lines name when that differs.

A transcript with no tool calls at all (plain text, ChatGPT) is read through ``stated``: the
edits, commands and commits its assistant reports in words become calls of the same shape.
Names are matched case-insensitively; inputs are read through ``input_value`` (a string input never breaks it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from paas.core.briefing.agent_rules import is_rules_file
from paas.core.briefing.changes import edit_delta, edit_texts, sole_named_file
from paas.core.briefing.check_runs import run_result
from paas.core.briefing.file_ops import CD_PREFIX, FILE_COMMAND_RE, patch_ops, shell_file_ops
from paas.core.briefing.housekeeping import is_probe_failure
from paas.core.briefing.model import Fact
from paas.core.briefing.outputs import error_line, reports_error
from paas.core.briefing.stated import stated_calls
from paas.core.briefing.text import clip, code, first_line
from paas.core.transcripts.model import ToolCall, Transcript

SHELL_NAMES = frozenset(
    {"bash", "shell", "execute_command", "run_terminal_cmd", "run_command", "exec_command", "local_shell",
     "terminal", "powershell", "run_in_terminal", "command", "exec", "cmd", "run_shell_command"}
)
READ_NAMES = frozenset({"read", "read_file", "view", "view_file", "open_file", "notebookread", "add_file", "cat"})
CREATE_NAMES = frozenset({"write_to_file", "create_file"})
WRITE_NAMES = frozenset({"write"})
DELETE_NAMES = frozenset({"delete_file", "deletefile", "delete_files", "remove_file", "rm", "unlink"})
RENAME_NAMES = frozenset({"rename_file", "move_file", "renamefile", "movefile", "rename", "mv"})
_RENAME_KEYS = (("old_path", "new_path"), ("source", "destination"), ("source_path", "target_path"),
                ("from", "to"), ("src", "dst"), ("path", "new_path"), ("file_path", "new_file_path"))
SEARCH_NAMES = frozenset({"glob", "grep", "ls", "list_dir", "list_files", "search", "codebase_search", "grep_search",
                          "file_search", "web", "web_search", "webfetch", "fetch", "find", "search_files"})
PATH_KEYS = ("path", "file_path", "filePath", "target_file", "notebook_path", "filename", "file", "absolute_path",
             "relative_workspace_path")

_PATCH_PATH_RE = re.compile(r"^(?:\*\*\* (?:Update|Add|Delete) File: |\+\+\+ b/)(.+)$", re.MULTILINE)
_NOTICE_RE = re.compile(
    r"^(?:> )?(?:(?:Deleting|Deleted)(?: file)? (?P<deleted>\S+?)|Updating and moving (?P<old>\S+) to (?P<new>\S+?)"
    r"|(?P<missing>\S+?): file not found error|Repo-map can't include (?P<unmapped>\S+?))\.?[ \t]*$",
    re.MULTILINE,
)
_CD_PREFIX_RE = re.compile(rf"^(?:{CD_PREFIX}|[A-Z_][A-Z0-9_]*=\S*\s+|sudo\s+|npx\s+|env\s+)+")
_GIT_COMMIT_OUT_RE = re.compile(r"^\[[^\]\n]*?\b([0-9a-f]{7,40})\] (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class FileEvent:
    """One thing that happened to a file, with the path exactly as the call (or notice) gave it."""

    seq: int
    turn: int
    op: str  # "read", "edit", "create", "write", "delete", "rename", "edit failed", "missing", "install"
    path: str
    to: str = ""  # a rename's new path
    added: tuple[str, ...] = ()  # names the edit added (``changes.edit_delta``), most telling first
    removed: frozenset[str] = frozenset()  # identifiers the edit took out


@dataclass
class CommandRecord:
    text: str
    key: str
    first_turn: int
    turn: int
    exit_status: int | None
    failed: bool
    count: int = 1


@dataclass
class Failure:
    """One failed call: what failed, its first telling line, and how a later success would look."""

    seq: int
    turn: int
    kind: str  # "command", "edit", "commit", "tool"
    subject: str  # the command's first line, the path, or the tool name
    line: str  # the first error line of the output
    keys: tuple[str, ...]  # a later success under any of these keys resolves it


@dataclass
class ActionLog:
    file_events: list[FileEvent] = field(default_factory=list)
    cwd: str = ""  # the agent's working folder, when the transcript names it
    commands: dict[str, CommandRecord] = field(default_factory=dict)
    tests: dict[str, Fact] = field(default_factory=dict)
    commits: list[Fact] = field(default_factory=list)
    commit_shas: set[str] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    successes: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)  # key -> (seqs, turns)
    edit_turns: list[int] = field(default_factory=list)
    rule_edits: list[tuple[int, str, str, str]] = field(default_factory=list)

    def success_after(self, keys: tuple[str, ...], seq: int) -> int | None:
        """Turn of the first success under ``keys`` after call ``seq``, or None (a bisect per key)."""
        best: int | None = None
        for key in keys:
            seqs, turns = self.successes.get(key, ([], []))
            at = bisect_right(seqs, seq)
            if at < len(seqs):
                best = turns[at] if best is None else min(best, turns[at])
        return best


def command_of(call: ToolCall) -> str | None:
    """The shell command a call ran, as one string (Codex passes argv lists)."""
    value: Any = call.input_value("command")
    if value is None:
        value = call.input_value("cmd")
    if isinstance(value, list):
        parts = [str(part) for part in value]
        if len(parts) >= 3 and parts[0].rsplit("/", 1)[-1] in ("bash", "sh", "zsh") and parts[1] in ("-lc", "-c"):
            return parts[2]
        return " ".join(parts)
    return value if isinstance(value, str) and value.strip() else None


def paths_of(call: ToolCall) -> list[str]:
    found: list[str] = []
    for key in PATH_KEYS:
        value = call.input_value(key)
        if isinstance(value, str) and value.strip() and "\n" not in value and len(value) < 400:
            found.append(value.strip())
            break
    patch = call.input if isinstance(call.input, str) else call.input_value("input") or call.input_value("patch")
    if not found and isinstance(patch, str) and ("*** " in patch or "+++ " in patch):
        found.extend(m.group(1).strip() for m in _PATCH_PATH_RE.finditer(patch))
    return found


def command_key(command: str) -> str:
    """Identity of a command: its first line without ``cd DIR &&`` prefixes, single-spaced."""
    line = command.strip().split("\n", 1)[0]
    return " ".join(_CD_PREFIX_RE.sub("", line).split())


def command_family(command: str) -> str:
    """Program and first argument (``psql civ6``, ``pio run``): reruns with other flags match."""
    parts = command_key(command).split()
    if not parts:
        return ""
    program = parts[0].rsplit("/", 1)[-1]
    rest = [p for p in parts[1:] if not p.startswith("-")][:1]
    return " ".join([program, *rest])


def read_actions(transcript: Transcript) -> ActionLog:
    """One pass over the tool calls; a transcript without any reads the actions its assistant states."""
    log = ActionLog()
    cwd = transcript.metadata.get("cwd") if isinstance(transcript.metadata, dict) else None
    log.cwd = cwd.strip() if isinstance(cwd, str) else ""
    seq = 0
    structured = any(turn.tool_calls for turn in transcript.turns)
    for turn in transcript.turns:
        for call in turn.tool_calls if structured else stated_calls(turn):
            seq += 1
            _one_call(log, call, seq, turn.index, turn.text)
        if turn.role == "system" and turn.text:
            _notices(log, turn.text, seq, turn.index)
    return log


def _succeed(log: ActionLog, keys: tuple[str, ...], seq: int, turn: int) -> None:
    for key in keys:
        seqs, turns = log.successes.setdefault(key, ([], []))
        seqs.append(seq)  # calls are read in order: both lists stay sorted
        turns.append(turn)


def _one_call(log: ActionLog, call: ToolCall, seq: int, turn: int, text: str = "") -> None:
    name = call.name.lower()
    failed = call.is_error or (call.exit_status is not None and call.exit_status != 0)
    command = command_of(call)
    if failed and command and is_probe_failure(command, call.output, call.exit_status):
        failed = False  # "| grep x" finding nothing, "test -f" false: an answer, not a failure
    if name == "commit":
        _aider_commit(log, call, seq, turn, failed)
    elif call.is_edit:
        _edit(log, call, seq, turn, failed, name, text=text)
    elif (script := command_of(call)) is not None and script.lstrip().startswith(("apply_patch", "applypatch")):
        _edit(log, call, seq, turn, failed, "apply_patch", patch=script)  # Codex's shell form of a patch
    elif name in SHELL_NAMES or command_of(call) is not None and name not in READ_NAMES:
        command = command_of(call)
        if command:
            _command(log, call, command, seq, turn, failed)
            if not failed and FILE_COMMAND_RE.search(command):
                for op, path, to in shell_file_ops(command):
                    log.file_events.append(FileEvent(seq, turn, op, path, to))
    elif name in READ_NAMES:
        for path in paths_of(call):
            if not failed:
                log.file_events.append(FileEvent(seq, turn, "read", path))
    elif name in DELETE_NAMES and not failed:
        for path in paths_of(call) or _string_list(call.input_value("paths")):
            log.file_events.append(FileEvent(seq, turn, "delete", path))
    elif name in RENAME_NAMES and not failed:
        for old_key, new_key in _RENAME_KEYS:
            old, new = call.input_value(old_key), call.input_value(new_key)
            if isinstance(old, str) and isinstance(new, str) and old.strip() and new.strip():
                log.file_events.append(FileEvent(seq, turn, "rename", old.strip(), new.strip()))
                break
    if name not in ("commit",) and not call.is_edit and name not in SHELL_NAMES and command_of(call) is None:
        key = f"tool:{name}"
        if failed:
            log.failures.append(Failure(seq, turn, "tool", call.name, error_line(call.output), (key,)))
        else:
            _succeed(log, (key,), seq, turn)
    command = command_of(call)
    key = command_family(command) if command else call.name
    run = run_result(call, command, key, turn, failed, log.tests.get(key))
    if run is not None:
        log.tests[run.key] = run


def _string_list(value: Any) -> list[str]:
    return [item.strip() for item in value if isinstance(item, str) and item.strip()] if isinstance(value, list) else []


def _edit(log: ActionLog, call: ToolCall, seq: int, turn: int, failed: bool, name: str,
          patch: str | None = None, text: str = "") -> None:
    output = (call.output or "")[:200].lower()
    ops = patch_ops(patch) if patch is not None else _edit_ops(call, name, output, text)
    for op, path, to in ops:
        if failed:
            log.file_events.append(FileEvent(seq, turn, "edit failed", path))
            log.failures.append(Failure(seq, turn, "edit", path, error_line(call.output), (f"edit:{path}",)))
            continue
        added: tuple[str, ...] = ()
        removed: frozenset[str] = frozenset()
        if op in ("edit", "create", "write") and len(ops) == 1:
            texts = edit_texts(patch if patch is not None else call, text, path)
            if texts is not None:
                added, removed = edit_delta(*texts, path=path)
                if is_rules_file(path):
                    log.rule_edits.append((turn, path, *texts))
        log.file_events.append(FileEvent(seq, turn, op, path, to, added, removed))
        _succeed(log, (f"edit:{path}",), seq, turn)
    if not failed:
        log.edit_turns.append(turn)


_DELETED_OUTPUT_RE = re.compile(r"\b(?:file (?:was |has been )?deleted|deleted (?:the )?file|removed file)\b")


def _edit_ops(call: ToolCall, name: str, output: str, text: str = "") -> list[tuple[str, str, str]]:
    """``(op, path, new path)`` of an edit call: per patch header when it is a patch, else its path."""
    patch: Any = call.input if isinstance(call.input, str) else None
    if patch is None:
        for key in ("input", "patch", "diff"):
            patch = call.input_value(key)
            if isinstance(patch, str):
                break
    has_path = any(isinstance(call.input_value(key), str) for key in PATH_KEYS)
    if isinstance(patch, str) and not has_path and ("*** " in patch or "+++ " in patch or "rename from" in patch):
        ops = patch_ops(patch)
        if ops:
            return ops
    if _DELETED_OUTPUT_RE.search(output):
        op = "delete"
    elif name in CREATE_NAMES or "created" in output or "create new file" in output:
        op = "create"
    elif name in WRITE_NAMES and isinstance(call.input_value("content"), str) and "updated" not in output \
            and "overwr" not in output:
        op = "write"  # a whole file written: created unless the session saw the file before (``files``)
    else:
        op = "edit"
    paths = paths_of(call) or ([named] if (named := sole_named_file(text)) else [])
    return [(op, path, "") for path in paths]


def _notices(log: ActionLog, text: str, seq: int, turn: int) -> None:
    """File operations a harness reports in its own notices (aider's patch format, its repo map)."""
    if not ("Delet" in text or "moving" in text or "not found" in text or "can't include" in text):
        return
    for match in _NOTICE_RE.finditer(text):
        if match.group("deleted"):
            log.file_events.append(FileEvent(seq, turn, "delete", match.group("deleted")))
        elif match.group("old"):
            log.file_events.append(FileEvent(seq, turn, "rename", match.group("old"), match.group("new")))
        else:
            log.file_events.append(FileEvent(seq, turn, "missing", match.group("missing") or match.group("unmapped")))


def _command(log: ActionLog, call: ToolCall, command: str, seq: int, turn: int, failed: bool) -> None:
    key = command_key(command)
    if not key:
        return
    record = log.commands.get(key)
    text = first_line(command, 100)
    if "\n" in command.strip() and not text.endswith("…"):
        text += " …"
    if record is None:
        log.commands[key] = CommandRecord(text, key, turn, turn, call.exit_status, failed)
    else:
        record.turn, record.exit_status, record.failed = turn, call.exit_status, failed
        record.count += 1
    keys = (f"cmd:{key}",)  # conservative: only a later success of the same command resolves its failure
    if not failed and call.exit_status is None and reports_error(call.output):
        failed = True  # no exit status recorded (a pasted terminal), but the output reports an error
        record = log.commands[key]
        record.failed = True
    if failed:
        log.failures.append(Failure(seq, turn, "command", text, error_line(call.output), keys))
    elif call.exit_status == 0 or (call.output or "").strip():
        _succeed(log, keys, seq, turn)  # exit 0, or (no exit status recorded) an output reporting no error
    if "git commit" in command:
        _git_commit(log, call, command, seq, turn, failed)


def _aider_commit(log: ActionLog, call: ToolCall, seq: int, turn: int, failed: bool) -> None:
    sha = call.input_value("sha")
    if failed or not isinstance(sha, str):
        command = call.input_value("command")
        subject = first_line(command, 120) if isinstance(command, str) else "commit"
        log.failures.append(Failure(seq, turn, "commit", subject, error_line(call.output), ("commit",)))
        return
    if sha in log.commit_shas:
        return  # stated twice ("committed as abc1234" again): one commit
    log.commit_shas.add(sha)
    message = call.input_value("message")
    text = f"{code(sha)} {clip(message, 120)}" if isinstance(message, str) and message.strip() else code(sha)
    log.commits.append(Fact("commit", text, turn, status="ok", key=sha, first_turn=turn, source="tool"))
    _succeed(log, ("commit",), seq, turn)


def _git_commit(log: ActionLog, call: ToolCall, command: str, seq: int, turn: int, failed: bool) -> None:
    match = _GIT_COMMIT_OUT_RE.search(call.output or "")
    if failed or match is None:
        if failed:
            log.failures.append(Failure(seq, turn, "commit", first_line(command, 120), error_line(call.output),
                                        ("commit",)))
        return
    sha, message = match.group(1), match.group(2).strip()
    log.commits.append(Fact("commit", f"{code(sha)} {clip(message, 120)}", turn, status="ok", key=sha, first_turn=turn,
                            source="tool"))
    _succeed(log, ("commit",), seq, turn)
