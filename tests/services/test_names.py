"""Names are one plain line, unique whatever their case or Unicode form; the values an account is
given are what they say (credits left within the quota, a real IANA zone): the services' rules,
whichever door calls them."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import Conflict, InvalidInput
from paas.core.unprintable import visible
from paas.services import accounts, knowledge, projects, tokens
from paas.services.account_input import iana_zones, new_account_fields
from paas.services.field_rules import required_name
from paas.store.unit import transaction

# Each one a terminal acts on, or reorders the text after it.
HOSTILE = {
    "escape sequence": "evil\x1b[2J\x1b]0;owned\x07",
    "bell": "ding\x07",
    "carriage return": "ok\rforged",
    "backspace": "ab\x08c",
    "line feed": "two\nlines",
    "tab": "a\tb",
    "delete": "a\x7fb",
    "C1 CSI": "a\x9b31mb",
    "right-to-left override": "invoice\u202eexe.pdf",
    "left-to-right embedding": "a\u202ab",
    "first strong isolate": "a\u2068b",
    "pop directional isolate": "a\u2069b",
    "line separator": "a\u2028b",
}


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_name_with_a_control_or_override_character_is_refused_naming_it(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        required_name(name, "name")
    assert refused.value.message.startswith("name: must not contain control or bidirectional-override characters")
    assert "U+" in refused.value.message


@pytest.mark.parametrize("name", ["Café", "Straße", "日本語のプロジェクト", "مشروع", "a-b_c.d (e) [f]", "  padded  "])
def test_plain_names_in_any_script_are_kept_as_typed_but_stripped(name: str) -> None:
    assert required_name(name, "name") == name.strip()


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_service_that_stores_a_name_refuses_them(engine: Engine, clock: Any, name: str) -> None:
    with transaction(engine) as session:
        for call in (lambda: accounts.create_account(session, account_name=name, now=clock()),
                     lambda: projects.create_project(session, name=name),
                     lambda: tokens.create_token(session, role="viewer", name=name, now=clock()),
                     lambda: knowledge.add_knowledge(session, category="tip", title=name),
                     lambda: knowledge.add_knowledge(session, category="tip", title="t", tags=["ok", name]),
                     lambda: accounts.create_account(session, account_name="a", tags=name, now=clock()),
                     lambda: accounts.create_account(session, account_name="a", specialization=name, now=clock())):
            with pytest.raises(InvalidInput):
                call()


def test_renames_are_checked_too(engine: Engine, clock: Any, add_project: Callable[..., Any],
                                 add_account: Callable[..., Any]) -> None:
    project, account = add_project("Shop"), add_account("seat")
    with transaction(engine) as session:
        with pytest.raises(InvalidInput):
            projects.update_project(session, project.id, {"name": "Shop\x1b[8m"})
        with pytest.raises(InvalidInput):
            accounts.update_account(session, account.id, {"account_name": "seat\u202e"}, now=clock())


def test_free_text_keeps_line_breaks() -> None:
    fields = new_account_fields({"account_name": "a", "notes": "line one\nline two\tindented"})
    assert fields["notes"] == "line one\nline two\tindented"


def test_visible_shows_each_unprintable_character_as_an_escape() -> None:
    assert visible("a\x1b[31mb\x07\r\x08\u202ec\x9b") == "a\\x1b[31mb\\x07\\r\\x08\\u202ec\\x9b"
    assert visible("one\ntwo\tthree", keep="\n\t") == "one\ntwo\tthree"
    assert visible("one\ntwo\tthree") == "one\\ntwo\\tthree"
    assert visible("Café 日本") == "Café 日本"


@pytest.mark.parametrize(("quota", "left"), [(None, 101), (50, 51), (10**12 - 1, 10**12)])
def test_credits_available_above_the_quota_is_refused_not_clamped(quota: int | None, left: int) -> None:
    raw: dict[str, Any] = {"account_name": "a", "credits_available": left}
    if quota is not None:
        raw["quota"] = quota
    with pytest.raises(InvalidInput) as refused:
        new_account_fields(raw)
    assert "credits_available" in refused.value.message and "cannot exceed the quota" in refused.value.message


def test_credits_available_up_to_the_quota_is_taken(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        full = accounts.create_account(session, account_name="full", quota=50, credits_available=50, now=clock())
        half = accounts.create_account(session, account_name="half", quota=50, credits_available=25, now=clock())
    assert (full.credits_used, half.credits_used) == (0, 25)


def test_opening_credits_refuse_what_the_quota_cannot_hold() -> None:
    with pytest.raises(InvalidInput):
        accounts.opening_credits(100, 101)
    assert accounts.opening_credits(100, 100) is None
    assert accounts.opening_credits(100, 40) == 60


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "posix/Europe/Paris", "right/UTC",
                                  "/etc/localtime", "../zoneinfo/UTC", "Europe/../UTC", "europe/paris", ""])
def test_a_time_zone_that_is_not_an_iana_name_is_refused_naming_the_field(zone: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        new_account_fields({"account_name": "a", "window_timezone": zone})
    assert refused.value.message.startswith("window_timezone:")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
def test_iana_zones_are_taken(zone: str) -> None:
    assert new_account_fields({"account_name": "a", "window_timezone": zone})["window_timezone"] == zone
    assert zone in iana_zones()


NFC, NFD = unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café")


@pytest.mark.parametrize(("first", "second"), [
    (NFC, NFD), ("X", "x"), ("Straße", "STRASSE"), ("Ｘｙ", "xy"), ("shop", " SHOP "),
], ids=["nfc-nfd", "case", "sharp-s", "full-width", "padded"])
def test_unique_names_ignore_case_and_unicode_form(engine: Engine, clock: Any, first: str, second: str) -> None:
    with transaction(engine) as session:
        projects.create_project(session, name=first)
        accounts.create_account(session, account_name=first, now=clock())
    with transaction(engine) as session, pytest.raises(Conflict) as project_taken:
        projects.create_project(session, name=second)
    with transaction(engine) as session, pytest.raises(Conflict) as account_taken:
        accounts.create_account(session, account_name=second, now=clock())
    for refused in (project_taken.value, account_taken.value):
        assert repr(first.strip()) in refused.message and refused.details["existing"] == first.strip()


def test_a_rename_to_another_form_of_the_same_name_is_its_own_name(engine: Engine, clock: Any,
                                                                   add_project: Callable[..., Any],
                                                                   add_account: Callable[..., Any]) -> None:
    project, account = add_project("shop"), add_account("seat")
    add_project("other")
    with transaction(engine) as session:
        assert projects.update_project(session, project.id, {"name": "Shop"}).name == "Shop"
        assert accounts.update_account(session, account.id, {"account_name": "SEAT"}, now=clock()).account_name \
            == "SEAT"
    with transaction(engine) as session, pytest.raises(Conflict):
        projects.update_project(session, project.id, {"name": "OTHER"})
