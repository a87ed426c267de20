"""One SpecStory tool block in, the tool calls it shows out.

SpecStory renders a tool use as a name, a one-line summary and a Markdown body, differently
for each exporter version and each agent it exports (``specstory`` lists the variants). This
module sees only the common shape, a ``ToolSource``: the tool's name (``data-tool-name`` or
``Tool use: **NAME**``), its type (``data-tool-type``), the summary text after the name, and
the body lines. It decides what kind of call that is, from the name first, then the type,
then the summary's wording, and reads the kind's arguments out of the summary and body:

* commands -> ``shell {"command"[, "description"]}``: the command is the summary's ``Run
  command: C`` or lone inline code, a ``- command: `C``` input line, the first shell-language
  fence, or a body line that is only inline code; the other fences are the output. The exit
  status is a stated ``Exit code: N`` (none is implied: exports do not record success), and an
  ``Error:`` label or a non-zero status marks the call as an error;
* edits -> ``edit``/``write``/``delete_file {"path"}``, the path from ``Edit file: P``, inline
  code, an input line or the tool's own result ("The file P has been updated", "File created
  successfully at: P"); Codex ``apply_patch`` bodies give one call per ``**Update: `P`**``
  section (``Add`` -> ``create_file``, ``Delete`` -> ``delete_file``);
* reads -> ``read_file {"path"}`` with the shown content as output;
* task lists (``**Agent task list:**`` and ``- [ ]`` items) -> ``TodoWrite {"todos": [{"content",
  "status"}]}`` or Codex ``update_plan {"plan": [{"step", "status"}], "explanation"}``;
* anything else keeps its name, with ``word `value``` pairs, a lone inline code or the old
  Cursor summaries (``Listed directory P``, ``Searched codebase "Q"``) as input.

Every function is a single pass over the block's lines.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from paas.core.transcripts.drafts import CallDraft, exit_code_in_text

FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,}|(?:\\`){3,})\s*([^`\s]*)")  # also \`\`\` (escaped by exports)
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh", "powershell", "pwsh", "cmd", "console", "terminal"})
SUMMARY_TOOLS = (  # summary wording -> (name, input key)
    ("Edit file: ", "edit", "path"),
    ("Edited file: ", "edit", "path"),
    ("Read file: ", "read_file", "path"),
    ("Listed directory ", "list_dir", "path"),
    ("Searched codebase ", "codebase_search", "query"),
    ("Grep search for ", "grep_search", "query"),
    ("Grep for ", "grep_search", "query"),
    ("Searched web ", "web_search", "query"),
    ("Run command: ", "shell", "command"),
)
_SHELL_NAMES = frozenset(
    {"bash", "shell", "shell_command", "exec_command", "run_terminal_cmd", "run_terminal_command",
     "run_terminal_command_v2", "run_command", "local_shell", "terminal", "run_shell_command", "execute_command",
     "run_in_terminal", "powershell", "command"}
)  # fmt: skip
_EDIT_NAMES = frozenset(
    {"edit", "multiedit", "edit_file", "edit_file_v2", "search_replace", "code_edit", "str_replace_editor",
     "str_replace_based_edit_tool", "replace", "reapply", "edit_notebook", "notebookedit", "replace_in_file",
     "apply_diff", "copilot_inserteditintofile", "copilot_insertedit", "copilot_applypatch"}
)  # fmt: skip
_WRITE_NAMES = frozenset({"write", "write_file", "create_file", "write_to_file"})
_DELETE_NAMES = frozenset({"delete_file", "deletefile", "remove_file"})
_READ_NAMES = frozenset({"read", "read_file", "read_file_v2", "view", "view_file", "cat", "notebookread"})
_TODO_NAMES = frozenset({"todowrite", "todo_write", "update_plan", "write_todos", "manage_todo_list"})
_NAMED_ARGUMENT = {"webfetch": "url", "web_fetch": "url", "websearch": "query", "web_search": "query",
                   "glob": "pattern", "grep": "pattern", "task": "description"}  # fmt: skip
_INLINE_CODE_RE = re.compile(r"^`([^`]+)`$")
_FORMAT_TAG_RE = re.compile(r"</?(?:b|strong|code|em)>")
_KEYED_CODE_RE = re.compile(r"\b(\w+) `([^`]*)`")
_INPUT_LINE_RE = re.compile(r"^- (\w+): `(.*)`$")
_PATCH_SECTION_RE = re.compile(r"^\*\*(Add|Update|Modify|Delete): `(.+)`\*\*$")
_CHECK_RE = re.compile(r"^[-*] \[(.)\] (?:(🔥|🌡️|🌡|❄️|❄)\s*)?(.*)$")
_CHECK_STATUS = {" ": "pending", "x": "completed", "X": "completed", "✓": "completed", "⚡": "in_progress",
                 "-": "in_progress", "~": "cancelled"}  # fmt: skip
_PRIORITIES = {"🔥": "high", "🌡️": "medium", "🌡": "medium", "❄️": "low", "❄": "low"}
_STATED_EXIT_RE = re.compile(r"^(?:\*\*)?Exit code:?(?:\*\*)? (-?\d{1,9})\b")
_RESULT_PATH_RES = (
    re.compile(r"^The file (.+?) has been (?:updated|edited|modified)"),
    re.compile(r"^File created successfully at: (.+?)\s*$"),
    re.compile(r"^Applied \d+ edits? to (.+?):"),
)
_PATH_KEYS = ("file_path", "path", "target_file", "filePath", "filename", "notebook_path")
_ERROR_LABELS = frozenset({"Error:", "**Error:**"})
_LABEL_RE = re.compile(r"^(?:(?:\*\*)?(?:Input|Result|Error|Output|Parameters)(?:\*\*)?:(?:\*\*)?|- \w+: `.*`)$")


@dataclass
class ToolSource:
    """What an export shows of one tool use (see the module docstring)."""

    name: str | None
    kind: str | None  # data-tool-type: shell, write, read, search, task, mcp, generic, unknown
    detail: str  # the summary after the tool name: "Read file: P", "`cmd`", a description...
    body: list[str]
    rejected: bool = False  # data-edit-status="rejected"


def fence_after(fence: str | None, line: str) -> str | None:
    """The open fence marker after ``line`` (None when outside code)."""
    if line[:4].lstrip()[:1] not in ("`", "~", "\\"):  # cheap pre-check: most lines are not fences
        return fence
    match = FENCE_RE.match(line)
    if not match:
        return fence
    marker = match.group(1)
    if fence is None:
        return marker
    closes = marker[:2] == fence[:2] and len(marker) >= len(fence) and not match.group(2)
    return None if closes else fence


def calls_from(source: ToolSource) -> list[CallDraft]:
    """The tool calls one tool block shows (one, or one per file of a Codex patch)."""
    name = (source.name or "").strip()
    lowered = name.lower()
    detail = source.detail
    if "<" in detail:
        detail = _FORMAT_TAG_RE.sub("", detail)
    if "&" in detail:
        detail = html.unescape(detail)
    detail = detail.strip(" •\t")
    lines, fences = _split_body(source.body)
    error = source.rejected or any(line in _ERROR_LABELS or line.startswith("Error: ") for line in lines)
    body_text = "\n".join(source.body).strip() or None
    output = _output(source.body, fences)
    if lowered in _TODO_NAMES or detail == "Todo List" or "**Agent task list:**" in lines:
        return [_todo_call(name, lines)]
    if lowered in _SHELL_NAMES or source.kind == "shell" or detail.startswith("Run command: "):
        return [_shell_call(detail, lines, fences, error)]
    if lowered == "apply_patch" or any(_PATCH_SECTION_RE.match(line) for line in lines):
        return _patch_calls(source.body, body_text)
    kind = _file_kind(lowered, source.kind, detail)
    if kind is not None:
        path = _path(detail, lines, fences)
        return [CallDraft(kind, {"path": path} if path else {}, output=output, is_error=error)]
    call_name, call_input = _other_input(lowered, detail, lines)
    return [CallDraft(name or call_name, call_input, output=output, is_error=error)]


def _output(body: list[str], fences: list[tuple[str, list[str]]]) -> str | None:
    """What a tool showed as its result: its fenced blocks, else its text without input labels."""
    if fences:
        return "\n".join("\n".join(lines) for _, lines in fences).strip("\n") or None
    kept = [line for line in body if not _LABEL_RE.match(line.strip())]
    return "\n".join(kept).strip() or None


def _split_body(body: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The body's non-blank lines outside code (stripped) and its fenced blocks ``(info, lines)``."""
    lines: list[str] = []
    fences: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for line in body:
        opening = fence is None
        fence = fence_after(fence, line)
        if opening and fence is not None:
            match = FENCE_RE.match(line)
            fences.append((match.group(2).lower() if match else "", []))
        elif fence is not None:
            fences[-1][1].append(line)
        elif opening and line.strip():
            lines.append(line.strip())
    return lines, fences


def _inline_code(text: str) -> str | None:
    if text[:1] != "`" and text.strip()[:1] != "`":
        return None
    match = _INLINE_CODE_RE.match(text.strip())
    return html.unescape(match.group(1)) if match else None


def _inputs(lines: list[str]) -> dict[str, str]:
    """``- key: `value``` lines (SpecStory's generic rendering of a tool's input)."""
    return {m.group(1): m.group(2) for line in lines if (m := _INPUT_LINE_RE.match(line))}


def _shell_call(detail: str, lines: list[str], fences: list[tuple[str, list[str]]], error: bool) -> CallDraft:
    command = detail[len("Run command: ") :] if detail.startswith("Run command: ") else _inline_code(detail)
    command = command or _inputs(lines).get("command")
    shell_fences = [body for info, body in fences if info in SHELL_LANGUAGES]
    command_fence = shell_fences[0] if shell_fences else None
    if command is None and command_fence is not None:
        command = "\n".join(command_fence).strip()
    elif command is not None and command_fence is not None and "\n".join(command_fence).strip() != command.strip():
        command_fence = None  # a shell fence that is not the command is output
    plain = [line for line in lines if line not in _ERROR_LABELS and line != "Result:" and line != "**Result:**"]
    if command is None:
        command = next((code for line in plain if (code := _inline_code(line))), None)
    description = detail if detail and _inline_code(detail) is None and not detail.startswith("Run command: ") else None
    description = description or next((line for line in plain if _inline_code(line) is None and ":" not in line), None)
    output = "\n".join("\n".join(body) for body in (b for _, b in fences) if body is not command_fence) or None
    if output is None and lines == ["Cancelled"]:
        output = "Cancelled"  # Cursor: the user stopped the command before it ran
    stated = next((int(m.group(1)) for line in lines if (m := _STATED_EXIT_RE.match(line))), None)
    exit_status = stated if stated is not None else exit_code_in_text(output[:200]) if output else None
    call_input: dict[str, Any] = {"command": command} if command else {}
    if description and call_input:
        call_input["description"] = description
    return CallDraft("shell", call_input, output=output, exit_status=exit_status, is_error=error or bool(exit_status))


def _file_kind(name: str, tool_type: str | None, detail: str) -> str | None:
    if name in _DELETE_NAMES:
        return "delete_file"
    if name in _WRITE_NAMES:
        return "write"
    if name in _EDIT_NAMES or detail.startswith(("Edit file: ", "Edited file: ")):
        return "edit"
    if name in _READ_NAMES or detail.startswith("Read file: "):
        return "read_file"
    if tool_type == "write":
        return "edit"
    if tool_type == "read" and name not in _NAMED_ARGUMENT:
        return "read_file"
    return None


def _path(detail: str, lines: list[str], fences: list[tuple[str, list[str]]]) -> str | None:
    for prefix in ("Edit file: ", "Edited file: ", "Read file: ", "Delete file: "):
        if detail.startswith(prefix):
            return detail[len(prefix) :].split(" • ", 1)[0].strip() or None
    code = _inline_code(detail) or (_inline_code(lines[0]) if lines else None)
    if code:
        return code
    found = _inputs(lines)
    for key in _PATH_KEYS:
        if found.get(key):
            return found[key]
    for line in lines:
        if line.startswith("Path: ") and (code := _inline_code(line[len("Path: ") :])):
            return code
    shown = [block[0].strip() for _, block in fences if block] + lines
    for pattern in _RESULT_PATH_RES:
        for line in shown:
            if match := pattern.match(line):
                return match.group(1)
    return None


def _patch_calls(body: list[str], body_text: str | None) -> list[CallDraft]:
    calls: list[CallDraft] = []
    for line in body:
        match = _PATCH_SECTION_RE.match(line.strip())
        if match:
            name = {"Add": "create_file", "Delete": "delete_file"}.get(match.group(1), "edit")
            calls.append(CallDraft(name, {"path": match.group(2)}))
        elif calls and not FENCE_RE.match(line):
            calls[-1].output = f"{calls[-1].output or ''}\n{line}"
    for call in calls:
        call.output = (call.output or "").strip() or None
    return calls or [CallDraft("apply_patch", {}, output=body_text)]


def _todo_call(name: str, lines: list[str]) -> CallDraft:
    items: list[tuple[str, str, str | None]] = []  # content, status, priority
    for line in lines:
        match = _CHECK_RE.match(line)
        if match:
            status = _CHECK_STATUS.get(match.group(1), "pending")
            items.append((match.group(3).strip(), status, _PRIORITIES.get(match.group(2) or "")))
    if name.lower() == "update_plan":
        plan = [{"step": content, "status": status} for content, status, _ in items]
        return CallDraft("update_plan", {"plan": plan, "explanation": None})
    todos: list[dict[str, Any]] = []
    for content, status, priority in items:
        todos.append({"content": content, "status": status, **({"priority": priority} if priority else {})})
    return CallDraft(name or "TodoWrite", {"todos": todos})


def _other_input(name: str, detail: str, lines: list[str]) -> tuple[str, dict[str, Any]]:
    for prefix, call_name, key in SUMMARY_TOOLS:
        if detail.startswith(prefix):
            value = detail[len(prefix) :].split(" • ", 1)[0].strip()
            quoted = re.match(r'"(.*)"', value) if key == "query" else None
            return call_name, {key: quoted.group(1) if quoted else value}
    first = lines[0] if lines else ""
    for text in (detail, first):
        pairs = dict(_KEYED_CODE_RE.findall(text))
        if pairs and _inline_code(text) is None:
            return "tool", pairs
        code = _inline_code(text)
        if code is not None:
            return "tool", {_NAMED_ARGUMENT.get(name, "argument"): code}
    found = _inputs(lines)
    if found:
        return "tool", dict(found)
    return "tool", {"summary": detail} if detail else {}
