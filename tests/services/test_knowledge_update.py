"""Editing a knowledge entry (services.knowledge.update_knowledge) by add's rules, both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.core.events import Event
from paas.services import knowledge
from paas.store.unit import Database


def test_an_edit_replaces_the_fields_normalises_tags_and_tells_of_it(engine: Engine) -> None:
    db = Database(engine)
    heard: list[Event] = []
    db.bus.subscribe(heard.append)
    entry = db.run(lambda session: knowledge.add_knowledge(session, category="tip", title="Old", tags="a"))
    edited = db.run(lambda session: knowledge.update_knowledge(
        session, entry.id, category="best_practice", title="  New title ", description="why", tags=" x, X ,y"))
    assert (edited.category.value, edited.title, edited.description, edited.tags) == (
        "best_practice", "New title", "why", "x,y")
    found = db.read(lambda session: knowledge.search_knowledge(session, query="new"))
    assert [item.id for item in found.items] == [entry.id]
    assert [event.as_dict() for event in heard][-1] == {"kind": "knowledge_changed", "entry_id": entry.id,
                                                       "change": "updated"}


def test_an_edit_keeps_one_title_per_category_and_the_fields_limits(engine: Engine) -> None:
    db = Database(engine)
    first = db.run(lambda session: knowledge.add_knowledge(session, category="tip", title="Taken"))
    second = db.run(lambda session: knowledge.add_knowledge(session, category="tip", title="Other"))
    with pytest.raises(Conflict):
        db.run(lambda session: knowledge.update_knowledge(session, second.id, category="tip", title="taken"))
    same = db.run(lambda session: knowledge.update_knowledge(session, first.id, category="tip", title="TAKEN"))
    assert same.title == "TAKEN"  # its own title, recased, is no conflict
    for fields in ({"category": "nonsense", "title": "x"}, {"category": "tip", "title": "   "},
                   {"category": "tip", "title": "x" * 201}):
        with pytest.raises(InvalidInput):
            db.run(lambda session, fields=fields: knowledge.update_knowledge(session, second.id, **fields))
    with pytest.raises(NotFound):
        db.run(lambda session: knowledge.update_knowledge(session, 999, category="tip", title="x"))
