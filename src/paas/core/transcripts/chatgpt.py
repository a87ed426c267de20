"""ChatGPT data export (``conversations.json``).

What it reads: a JSON list of conversations (or a single conversation object), each with
``title``, ``create_time``/``update_time`` (epoch seconds), ``current_node`` and ``mapping``
``{node_id: {message, parent, children}}``. A conversation is a tree: every edit or
regeneration forks it. The ACTIVE BRANCH is what the user last saw: walk ``parent`` from
``current_node`` up to the root and reverse. Other branches are dropped. Without a usable
``current_node`` the walk starts from the most recently created leaf.

Which conversation: an export holds the whole account. By default the most recently updated
conversation is read (``update_time``, then ``create_time``, then position); pass
``conversation_id`` (the conversation's ``id``/``conversation_id``, or its index in the list
as a string) to pick another. ``metadata`` records the count and the chosen id.

Messages: ``author.role`` ``user``/``assistant``/``system``/``tool``; text is the string
``parts`` of ``content`` (``text``, ``multimodal_text`` with images as "[image]"), or
``content.text`` (``code``, ``execution_output``, ``tether_quote``...). An assistant message
addressed to a tool (``recipient`` other than ``all``) is a tool call named after the
recipient, with the message text as input; the following ``tool`` message (author ``name``)
fills its output. Unanswered or unmatched tool messages become ``tool`` turns. Hidden
messages (``is_visually_hidden_from_conversation``), empty system messages and reasoning
(``thoughts``, ``reasoning_recap``) are dropped. ``user_editable_context`` (custom
instructions) becomes a system turn.
"""

from __future__ import annotations

from typing import Any

from paas.core.errors import TranscriptFormatError
from paas.core.transcripts.drafts import (
    CallDraft,
    TurnDraft,
    as_dict,
    as_list,
    as_str,
    build_transcript,
    epoch_to_iso,
    parse_json_document,
)
from paas.core.transcripts.model import Transcript

FORMAT = "chatgpt_json"

_DROPPED_CONTENT = frozenset({"thoughts", "reasoning_recap", "model_editable_context"})


def read_chatgpt(text: str, conversation_id: str | None = None) -> Transcript:
    """Read one conversation (by default the last updated) of a ChatGPT export."""
    document = parse_json_document(text, FORMAT)
    candidates = as_list(document) if isinstance(document, list) else [document]
    conversations = [as_dict(conv) for conv in candidates if isinstance(as_dict(conv).get("mapping"), dict)]
    if not conversations:
        raise TranscriptFormatError(
            "chatgpt_json: no conversation with a 'mapping' object in the document",
            {"offset": 0, "format": FORMAT},
        )
    chosen = _choose(conversations, conversation_id)
    drafts = _read_branch(chosen)
    metadata: dict[str, Any] = {
        "conversation_count": len(conversations),
        "conversation_id": as_str(chosen.get("conversation_id")) or as_str(chosen.get("id")),
        "created_at": epoch_to_iso(chosen.get("create_time")),
        "updated_at": epoch_to_iso(chosen.get("update_time")),
    }
    model = as_str(chosen.get("default_model_slug"))
    if model:
        metadata["models"] = [model]
    return build_transcript(FORMAT, drafts, title=as_str(chosen.get("title")), metadata=metadata)


def _choose(conversations: list[dict[str, Any]], conversation_id: str | None) -> dict[str, Any]:
    if conversation_id is not None:
        for index, conv in enumerate(conversations):
            if conversation_id in (conv.get("id"), conv.get("conversation_id"), str(index)):
                return conv
        raise TranscriptFormatError(
            f"chatgpt_json: no conversation with id {conversation_id!r}",
            {"offset": 0, "conversation_id": conversation_id, "format": FORMAT},
        )

    def recency(item: tuple[int, dict[str, Any]]) -> tuple[float, int]:
        index, conv = item
        for key in ("update_time", "create_time"):
            value = conv.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
                return float(value), index
        return float("-inf"), index

    return max(enumerate(conversations), key=recency)[1]


def _active_path(mapping: dict[str, Any], current: Any) -> list[dict[str, Any]]:
    if not isinstance(current, str) or current not in mapping:
        leaves = [
            (node_id, as_dict(node)) for node_id, node in mapping.items() if not as_list(as_dict(node).get("children"))
        ]

        def created(leaf: tuple[str, dict[str, Any]]) -> float:
            value = as_dict(leaf[1].get("message")).get("create_time")
            return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0

        current = max(leaves, key=created)[0] if leaves else None
    path: list[dict[str, Any]] = []
    seen: set[str] = set()
    while isinstance(current, str) and current in mapping and current not in seen:
        seen.add(current)
        node = as_dict(mapping[current])
        path.append(node)
        current = node.get("parent")
    path.reverse()
    return path


def _read_branch(conversation: dict[str, Any]) -> list[TurnDraft]:
    drafts: list[TurnDraft] = []
    open_calls: list[CallDraft] = []
    for node in _active_path(conversation["mapping"], conversation.get("current_node")):
        message = as_dict(node.get("message"))
        role = as_str(as_dict(message.get("author")).get("role"))
        content = as_dict(message.get("content"))
        content_type = as_str(content.get("content_type")) or "text"
        metadata = as_dict(message.get("metadata"))
        if not message or role is None or content_type in _DROPPED_CONTENT:
            continue
        if metadata.get("is_visually_hidden_from_conversation") is True:
            continue
        text = _content_text(content)
        timestamp = epoch_to_iso(message.get("create_time"))
        recipient = as_str(message.get("recipient")) or "all"
        if content_type == "user_editable_context":
            role = "system"
        if role == "assistant" and recipient != "all":
            last = drafts[-1] if drafts else None
            turn = last if last is not None and last.role == "assistant" else _append(drafts, "assistant", timestamp)
            open_calls.append(turn.add_call(CallDraft(recipient, text)))
        elif role == "tool":
            name = as_str(as_dict(message.get("author")).get("name"))
            call = _take_call(open_calls, name)
            if call is not None:
                call.output = text
                call.is_error = content_type == "system_error"
            else:
                _append(drafts, "tool", timestamp).add_text(text)
        elif role in ("user", "assistant", "system") and text.strip():
            _append(drafts, role, timestamp).add_text(text)
            if role == "user":
                open_calls.clear()
    return drafts


def _append(drafts: list[TurnDraft], role: str, timestamp: str | None) -> TurnDraft:
    draft = TurnDraft(role, timestamp=timestamp)
    drafts.append(draft)
    return draft


def _take_call(open_calls: list[CallDraft], author_name: str | None) -> CallDraft | None:
    for index in range(len(open_calls) - 1, max(len(open_calls) - 50, 0) - 1, -1):  # recent calls only
        call = open_calls[index]
        if author_name is None or call.name == author_name or author_name.startswith(call.name.split(".")[0]):
            return open_calls.pop(index)
    return None


def _content_text(content: dict[str, Any]) -> str:
    parts = content.get("parts")
    if isinstance(parts, list):
        texts: list[str] = []
        for part in parts:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict):
                texts.append(as_str(part.get("text")) or "[image]")
        return "\n".join(texts)
    if content.get("content_type") == "user_editable_context":
        return "\n\n".join(
            value for value in (as_str(content.get("user_profile")), as_str(content.get("user_instructions"))) if value
        )
    return as_str(content.get("text")) or as_str(content.get("result")) or ""
