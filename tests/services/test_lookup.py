"""Projects and accounts named by id or by name, in any case; a miss suggests the closest names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import NotFound
from paas.services import lookup
from paas.store.unit import transaction


def test_ids_names_and_case(engine: Engine, add_project: Any, add_account: Any) -> None:
    shop, numbered = add_project("Shop"), add_project("2027")
    alpha = add_account("Alpha")
    with transaction(engine, write=False) as session:
        assert lookup.project_id(session, shop.id) == shop.id
        assert lookup.project_id(session, str(shop.id)) == shop.id
        assert lookup.project_id(session, "Shop") == lookup.project_id(session, " shop ") == shop.id
        assert lookup.project_id(session, "2027") == numbered.id  # no project has id 2027: the name
        assert lookup.account_id(session, "ALPHA") == alpha.id


def test_a_miss_names_what_was_asked_and_suggests(engine: Engine, add_project: Any) -> None:
    add_project("Checkout service")
    with transaction(engine, write=False) as session:
        with pytest.raises(NotFound, match=r"no project named 'Checkout servce'; did you mean 'Checkout service'"):
            lookup.project_id(session, "Checkout servce")
        with pytest.raises(NotFound, match=r"^project 99 does not exist$"):
            lookup.project_id(session, "99")
        with pytest.raises(NotFound, match="name the account"):
            lookup.account_id(session, "  ")
        with pytest.raises(NotFound, match="does not exist"):
            lookup.project_id(session, "9" * 40)  # beyond any id: a name, and none has it


def test_a_name_is_found_whatever_its_case_or_unicode_form(engine: Engine, add_project: Any) -> None:
    cafe = add_project("Caf\u00e9 X")  # precomposed é
    with transaction(engine, write=False) as session:
        for asked in ("Caf\u00e9 X", "cafe\u0301 x", "CAF\u00c9 x", " caf\u00e9 \uff38 "):  # NFD, upper, full-width
            assert lookup.project_id(session, asked) == cafe.id
