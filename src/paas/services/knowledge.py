"""The knowledge base: search it, add to it, edit it. Tags are stored comma-separated, as the original did."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, ValidationError
from sqlalchemy.orm import Session

from paas.core.errors import Conflict, InvalidInput
from paas.core.events import KnowledgeChanged
from paas.core.types import KnowledgeCategory, Page
from paas.services.account_input import Input
from paas.services.field_rules import (
    ONE_LINE_PATTERN,
    Id,
    Label,
    LongText,
    Name,
    invalid,
    one_line_plain,
    parse_enum,
    required_name,
    storable,
)
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import KnowledgeOut
from paas.store import knowledge as store
from paas.store.records import get_or_raise
from paas.store.schema import KnowledgeEntry, WorkSession
from paas.store.unit import publish


class KnowledgeInput(Input):
    """A new entry's fields and their limits, for every door (POST /api/knowledge, `paas knowledge add`)."""

    category: KnowledgeCategory
    title: Name
    description: LongText | None = None
    tags: Label | list[Annotated[str, StringConstraints(max_length=100), AfterValidator(storable),
                                 AfterValidator(one_line_plain), ONE_LINE_PATTERN]] | None = None
    source_session_id: Id | None = None


def checked_entry(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` checked against ``KnowledgeInput`` (InvalidInput naming each bad field)."""
    try:
        return KnowledgeInput.model_validate(fields).model_dump()
    except ValidationError as error:
        raise invalid(error) from None


def normalise_tags(tags: str | list[str] | None) -> str | None:
    """"a, B ,a" or ["a", "B"] -> "a,B": trimmed, empty and repeated tags dropped, order kept."""
    if tags is None:
        return None
    parts = tags.split(",") if isinstance(tags, str) else tags
    seen: dict[str, str] = {}
    for part in parts:
        tag = part.strip()
        try:
            one_line_plain(tag)  # the doors' models check this too; the MCP and demo callers do not
        except ValueError as problem:
            raise InvalidInput(f"tags: {problem}", {"field": "tags"}) from None
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return ",".join(seen.values()) or None


def search_knowledge(session: Session, *, category: str | None = None, query: str | None = None,
                     limit: int = 100, offset: int = 0, scope: Scope = EVERY_PROJECT) -> Page[KnowledgeOut]:
    """Entries matching; a scoped caller sees the shared ones (of no session) and its projects'."""
    if category:
        parse_enum(KnowledgeCategory, category, "category")
    return store.search(session, category=category, query=query, limit=limit, offset=offset,
                        projects=scope.project_ids).map(KnowledgeOut.model_validate)


def add_knowledge(session: Session, *, category: str, title: str, description: str | None = None,
                  tags: str | list[str] | None = None, source_session_id: int | None = None,
                  scope: Scope = EVERY_PROJECT) -> KnowledgeOut:
    kind = parse_enum(KnowledgeCategory, category, "category")
    title = required_name(title, "title")
    if source_session_id is not None:
        taught = get_or_raise(session, WorkSession, source_session_id, "session")
        scope.check_row(taught.project_id, "session", source_session_id)
    existing = store.find_same(session, kind.value, title)
    if existing is not None:
        raise Conflict(f"a {kind.value} entry titled {title!r} already exists",
                       {"field": "title", "id": existing.id})
    entry = KnowledgeEntry(category=kind.value, title=title, description=description,
                           tags=normalise_tags(tags), source_session_id=source_session_id)
    session.add(entry)
    session.flush()
    publish(session, KnowledgeChanged(entry_id=entry.id, change="added"))
    return KnowledgeOut.model_validate(entry)


def update_knowledge(session: Session, entry_id: int, *, category: str, title: str, description: str | None = None,
                     tags: str | list[str] | None = None, scope: Scope = EVERY_PROJECT) -> KnowledgeOut:
    """Replace an entry's category, title, description and tags, by add's rules (the fields' limits,
    a required title, one title per category: Conflict naming the other entry); unknown is NotFound."""
    fields = checked_entry({"category": category, "title": title, "description": description, "tags": tags})
    entry = get_or_raise(session, KnowledgeEntry, entry_id, "knowledge entry")
    if scope.limited and entry.source_session_id is not None:  # taught by another project: as if missing
        taught = get_or_raise(session, WorkSession, entry.source_session_id, "session")
        scope.check_row(taught.project_id, "knowledge entry", entry_id)
    kind = parse_enum(KnowledgeCategory, fields["category"], "category")
    title = required_name(fields["title"], "title")
    existing = store.find_same(session, kind.value, title)
    if existing is not None and existing.id != entry.id:
        raise Conflict(f"a {kind.value} entry titled {title!r} already exists",
                       {"field": "title", "id": existing.id})
    entry.category, entry.title = kind.value, title
    entry.description, entry.tags = fields["description"], normalise_tags(fields["tags"])
    session.flush()
    publish(session, KnowledgeChanged(entry_id=entry.id, change="updated"))
    return KnowledgeOut.model_validate(entry)
