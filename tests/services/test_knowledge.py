"""services.knowledge: tags normalised; search is case-insensitive, every word required, wildcards literal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.services import knowledge
from paas.services.knowledge import normalise_tags
from paas.store.schema import KnowledgeEntry
from paas.store.unit import transaction


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("a, B ,a", "a,B"),
        (["a", " B ", "a", ""], "a,B"),
        ("Build,build, BUILD", "Build"),
        (" , ,", None),
        ([], None),
        (None, None),
    ],
)
def test_tags_are_trimmed_and_deduplicated_in_order(given: Any, stored: str | None) -> None:
    assert normalise_tags(given) == stored


@pytest.fixture
def add_entry(engine: Engine) -> Callable[..., KnowledgeEntry]:
    def make(title: str, category: str = "tip", **fields: Any) -> KnowledgeEntry:
        with transaction(engine) as session:
            return knowledge.add_knowledge(session, category=category, title=title, **fields)

    return make


def search(engine: Engine, query: str | None = None, **filters: Any) -> list[str]:
    with transaction(engine, write=False) as session:
        return [entry.title for entry in knowledge.search_knowledge(session, query=query, **filters).items]


def test_add_stores_normalised_tags(engine: Engine, add_entry: Callable[..., KnowledgeEntry]) -> None:
    entry = add_entry("  Commit first ", tags="git, handoff ,git", description="before rotating")
    assert (entry.title, entry.tags, entry.usage_count, entry.success_rate) == ("Commit first", "git,handoff", 0, 1.0)


def test_same_title_in_the_same_category_is_a_conflict_whatever_the_case(
    engine: Engine, add_entry: Callable[..., KnowledgeEntry], rows: Callable[[type[Any]], int]
) -> None:
    add_entry("Commit First", category="best_practice")
    with pytest.raises(Conflict, match="already exists"):
        add_entry("commit first", category="best_practice")
    add_entry("Commit First", category="tip")
    assert rows(KnowledgeEntry) == 2


def test_unknown_category_and_blank_title_are_invalid(add_entry: Callable[..., KnowledgeEntry], engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="category"):
        add_entry("x", category="rumour")
    with pytest.raises(InvalidInput, match="title"):
        add_entry("   ")
    with pytest.raises(InvalidInput, match="category"):
        search(engine, category="rumour")


def test_search_matches_title_description_and_tags_case_insensitively(
    engine: Engine, add_entry: Callable[..., KnowledgeEntry]
) -> None:
    add_entry("Port Already In Use")
    add_entry("Something", description="Free the PORT with fuser")
    add_entry("Other", tags="pm2,Port")
    add_entry("Unrelated", description="nothing here")
    assert sorted(search(engine, "port")) == ["Other", "Port Already In Use", "Something"]
    assert sorted(search(engine, "PORT")) == ["Other", "Port Already In Use", "Something"]


def test_search_requires_every_word_anywhere(engine: Engine, add_entry: Callable[..., KnowledgeEntry]) -> None:
    add_entry("Wrangler Authentication", tags="cloudflare")
    add_entry("Wrangler Deploy", tags="ci")
    assert search(engine, "wrangler  CLOUDFLARE") == ["Wrangler Authentication"]
    assert search(engine, "wrangler missing") == []
    assert sorted(search(engine, "   ")) == ["Wrangler Authentication", "Wrangler Deploy"]


@pytest.mark.parametrize(("query", "expected"), [("100%", ["100% cache hits"]), ("a_b", ["a_b naming"]),
                                                  ("%", ["100% cache hits"]), ("_", ["a_b naming"]),
                                                  ("c:\\tmp", ["c:\\tmp path"])])
def test_like_wildcards_in_the_query_are_literal(
    engine: Engine, add_entry: Callable[..., KnowledgeEntry], query: str, expected: list[str]
) -> None:
    add_entry("100% cache hits")
    add_entry("1000 cache hits")
    add_entry("a_b naming")
    add_entry("axb naming")
    add_entry("c:\\tmp path")
    add_entry("c:tmp path")
    assert search(engine, query) == expected


def test_search_is_case_insensitive_beyond_ascii(engine: Engine, add_entry: Callable[..., KnowledgeEntry]) -> None:
    add_entry("Über Caching")
    add_entry("Ändern", description="ÉTAT")
    assert search(engine, "über") == ["Über Caching"]
    assert search(engine, "état") == ["Ändern"]


def test_search_filters_by_category_and_orders_most_used_first(
    engine: Engine, add_entry: Callable[..., KnowledgeEntry]
) -> None:
    with transaction(engine) as session:
        for title, usage, rate in (("rare", 1, 1.0), ("popular", 9, 0.5), ("popular but better", 9, 0.9)):
            row = session.get(KnowledgeEntry, knowledge.add_knowledge(session, category="pattern", title=title).id)
            row.usage_count, row.success_rate = usage, rate
    add_entry("a tip")
    assert search(engine, category="pattern") == ["popular but better", "popular", "rare"]
    with transaction(engine, write=False) as session:
        page = knowledge.search_knowledge(session, limit=2, offset=1)
        assert (page.total, [entry.title for entry in page.items]) == (4, ["popular", "rare"])


def test_unknown_source_session_is_not_found(engine: Engine, add_entry: Callable[..., KnowledgeEntry],
                                             rows: Callable[[type[Any]], int]) -> None:
    with pytest.raises(NotFound, match="session 999"):
        add_entry("Learned", source_session_id=999)
    assert rows(KnowledgeEntry) == 0
