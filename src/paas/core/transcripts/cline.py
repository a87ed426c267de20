"""Cline / Roo Code task history (``tasks/<id>/api_conversation_history.json``).

What it reads: a JSON list of Anthropic-style messages ``{role, content}``, content a string
or blocks ``text`` / ``image`` / ``tool_use`` / ``tool_result``. No timestamps are stored.

Assistant messages: Cline's classic protocol writes tool calls as XML inside the text, e.g.
``<write_to_file><path>a.ts</path><content>...</content></write_to_file>`` or
``<execute_command><command>npm test</command></execute_command>``. Every known tool tag
becomes a tool call whose input is its parameter tags; the XML is cut out of the turn text.
What the agent says through a tool (``attempt_completion`` result, ``plan_mode_respond``
response, ``ask_followup_question`` question) is also kept as turn text. ``<thinking>``
blocks are dropped. Native ``tool_use`` blocks (newer versions) are read as tool calls too.

User messages carry both the human and the harness. A text block ``[tool for 'x'] Result:``
starts a tool result; the blocks after it (until the next header) are its output, attached to
the oldest unanswered call of that tool in the preceding assistant message (a result with no
such call becomes a ``tool`` turn). "Exit code: N" in the output gives the exit status;
a denied operation or a tool error marks ``is_error``. ``<environment_details>`` blocks are
dropped (editor state the harness appends). Human words become a user turn: free text (the
``<task>`` of the first message), ``<feedback>``/``<answer>``/``<user_message>`` inside
results. Harness notices (``[ERROR] ...``, ``[TASK RESUMPTION] ...``) become system turns.

Tag scanning only moves forward (search the next opener, ``find`` its closer), so reading is
linear in the input.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from paas.core.errors import TranscriptFormatError
from paas.core.transcripts.drafts import (
    CallDraft,
    TurnDraft,
    as_dict,
    as_list,
    as_str,
    blocks_text,
    build_transcript,
    parse_json_document,
)
from paas.core.transcripts.model import Transcript

FORMAT = "cline_json"

TOOL_NAMES = frozenset(
    {
        "execute_command",
        "read_file",
        "write_to_file",
        "replace_in_file",
        "apply_diff",
        "insert_content",
        "search_and_replace",
        "search_files",
        "list_files",
        "list_code_definition_names",
        "codebase_search",
        "browser_action",
        "use_mcp_tool",
        "access_mcp_resource",
        "ask_followup_question",
        "attempt_completion",
        "plan_mode_respond",
        "new_task",
        "switch_mode",
        "fetch_instructions",
        "load_mcp_documentation",
        "web_fetch",
        "new_rule",
        "condense",
        "summarize_task",
        "report_bug",
        "update_todo_list",
        "run_slash_command",
        "generate_image",
        "edit_file",
    }
)
_SPOKEN_PARAMS = {"attempt_completion": "result", "plan_mode_respond": "response", "ask_followup_question": "question"}
_TAG_OPEN_RE = re.compile(r"<([a-z_]{2,40})>")
_TOOL_OPEN_RE = re.compile("<(" + "|".join(sorted(TOOL_NAMES | {"thinking"})) + ")>")
_RESULT_HEADER_RE = re.compile(r"\[([a-z_]+)\b[^\n]*?\] Result:")
_EXIT_RE = re.compile(r"Exit code: (-?\d{1,9})\b")
_HUMAN_TAGS = ("task", "feedback", "answer", "user_message")
_ERROR_MARKERS = ("The user denied this operation", "The tool execution failed", "<error>")


def read_cline(text: str) -> Transcript:
    """Read a Cline/Roo ``api_conversation_history.json`` into a ``Transcript``."""
    document = parse_json_document(text, FORMAT)
    if not isinstance(document, list):
        raise TranscriptFormatError(
            "cline_json: the document is not a list of messages", {"offset": 0, "format": FORMAT}
        )
    reader = _ClineReader()
    for message in document:
        message = as_dict(message)
        if message.get("role") == "assistant":
            reader.assistant(message.get("content"))
        elif message.get("role") == "user":
            reader.user(message.get("content"))
    return build_transcript(FORMAT, reader.drafts)


class _ClineReader:
    def __init__(self) -> None:
        self.drafts: list[TurnDraft] = []
        self.pending: dict[str, deque[CallDraft]] = {}  # per tool: calls waiting for a result, oldest first
        self.by_id: dict[str, CallDraft] = {}

    def _turn(self, role: str) -> TurnDraft:
        draft = TurnDraft(role)
        self.drafts.append(draft)
        return draft

    def assistant(self, content: Any) -> None:
        turn = self._turn("assistant")
        self.pending = {}  # results answer the latest assistant message only
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else as_list(content)
        for block in map(as_dict, blocks):
            if block.get("type") == "text":
                prose, calls = split_tool_xml(as_str(block.get("text")) or "")
                turn.add_text(prose)
                for name, params in calls:
                    spoken = params.get(_SPOKEN_PARAMS.get(name, ""))
                    if spoken:
                        turn.add_text(spoken)
                    self.pending.setdefault(name, deque()).append(turn.add_call(CallDraft(name, params)))
            elif block.get("type") == "tool_use":
                raw = block.get("input")
                call = turn.add_call(
                    CallDraft(as_str(block.get("name")) or "unknown", raw if isinstance(raw, dict) else {})
                )
                call.call_id = as_str(block.get("id"))
                if call.call_id:
                    self.by_id[call.call_id] = call

    def user(self, content: Any) -> None:
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else as_list(content)
        human: list[str] = []
        notices: list[str] = []
        result: tuple[str, list[str]] | None = None
        results: list[tuple[str, list[str]]] = []
        for block in map(as_dict, blocks):
            if block.get("type") == "tool_result":
                self._native_result(block, human)
                continue
            if block.get("type") == "image":
                (result[1] if result else human).append("[image]")
                continue
            text = _drop_element(as_str(block.get("text")) or "", "environment_details").strip()
            header = _RESULT_HEADER_RE.match(text)
            if header:
                result = (header.group(1), [text[header.end() :].strip()])
                results.append(result)
            elif result is not None:
                result[1].append(text)
            elif text.startswith(("[ERROR]", "[TASK RESUMPTION]")):
                notices.append(text)
                human.extend(_elements(text, "user_message"))
            elif text:
                tagged = [inner for tag in _HUMAN_TAGS for inner in _elements(text, tag)]
                human.extend(tagged or [text])
        for name, parts in results:
            output = "\n".join(part for part in parts if part)
            self._attach(name, output)
            human.extend(inner for tag in _HUMAN_TAGS[1:] for inner in _elements(output, tag))
        if notices:
            self._turn("system").add_text("\n\n".join(notices))
        if any(part.strip() for part in human):
            self._turn("user").add_text("\n\n".join(part.strip() for part in human if part.strip()))

    def _attach(self, name: str, output: str) -> None:
        waiting = self.pending.get(name)
        call = waiting.popleft() if waiting else self._turn("tool").add_call(CallDraft(name, {}))
        call.output = output
        self._outcome(call)

    @staticmethod
    def _outcome(call: CallDraft, flagged: bool = False) -> None:
        output = call.output or ""
        code = _EXIT_RE.search(output[:1000])
        call.exit_status = int(code.group(1)) if code else None
        call.is_error = flagged or output.startswith(_ERROR_MARKERS) or bool(call.exit_status)

    def _native_result(self, block: dict[str, Any], human: list[str]) -> None:
        call_id = as_str(block.get("tool_use_id"))
        call = self.by_id.get(call_id) if call_id else None
        if call is None:
            call = self._turn("tool").add_call(CallDraft("unknown", {}, call_id))
        call.output = blocks_text(block.get("content"))
        self._outcome(call, flagged=block.get("is_error") is True)
        human.extend(inner for tag in _HUMAN_TAGS[1:] for inner in _elements(call.output, tag))


def split_tool_xml(text: str) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """``(prose, [(tool, params)])``: known tool elements cut out of the text, ``<thinking>`` dropped.

    An element left open at the end (a reply cut off mid-call) runs to the end of the text. Each
    step searches forward for the next opener, then ``find``s its closer: one pass over the text.
    """
    prose: list[str] = []
    calls: list[tuple[str, dict[str, Any]]] = []
    position = 0
    while (opener := _TOOL_OPEN_RE.search(text, position)) is not None:
        prose.append(text[position : opener.start()])
        name = opener.group(1)
        closer = text.find(f"</{name}>", opener.end())
        body = text[opener.end() : closer] if closer >= 0 else text[opener.end() :]
        if name != "thinking":
            calls.append((name, _params(body)))
        position = closer + len(name) + 3 if closer >= 0 else len(text)
    prose.append(text[position:])
    return "".join(prose).strip(), calls


def _params(body: str) -> dict[str, Any]:
    """``<name>value</name>`` parameters of a tool element; an unclosed one runs to the end."""
    params: dict[str, Any] = {}
    position = 0
    while (opener := _TAG_OPEN_RE.search(body, position)) is not None:
        name = opener.group(1)
        closer = body.find(f"</{name}>", opener.end())
        if closer < 0:
            params[name] = body[opener.end() :].strip("\n")
            break
        params[name] = body[opener.end() : closer].strip("\n")
        position = closer + len(name) + 3
    return params


def _elements(text: str, tag: str) -> list[str]:
    """Inner texts of every ``<tag>...</tag>`` in the text (non-nested, found with ``str.find``)."""
    found: list[str] = []
    opener, closer = f"<{tag}>", f"</{tag}>"
    start = text.find(opener)
    while start >= 0:
        end = text.find(closer, start + len(opener))
        if end < 0:
            break
        found.append(text[start + len(opener) : end].strip())
        start = text.find(opener, end + len(closer))
    return found


def _drop_element(text: str, tag: str) -> str:
    opener, closer = f"<{tag}>", f"</{tag}>"
    start = text.find(opener)
    if start < 0:
        return text
    kept: list[str] = []
    position = 0
    while start >= 0:
        kept.append(text[position:start])
        end = text.find(closer, start)
        if end < 0:
            return "".join(kept)
        position = end + len(closer)
        start = text.find(opener, position)
    kept.append(text[position:])
    return "".join(kept)
