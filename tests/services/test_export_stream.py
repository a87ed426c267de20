"""The incremental JSON reader (any chunk size reads the same document; every problem names its
byte) and the import's rules that depend on the target database."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, update

from paas.core.errors import Conflict, InvalidInput, PayloadTooLarge
from paas.services import export as export_service
from paas.services.json_stream import JsonStream, StreamError
from paas.store.schema import Account, CreditEvent, ProjectLink
from paas.store.unit import transaction
from tests.services.export_documents import JSON_VALUE
from tests.services.test_export_roundtrip import NOW, empty, export_text, import_text


def read_all(data: bytes, chunk: int) -> tuple[dict[str, Any], dict[str, int]]:
    stream = JsonStream(io.BytesIO(data), chunk=chunk)
    found: dict[str, Any] = {}
    offsets: dict[str, int] = {}
    for member in stream.members():
        if member.items is None:
            found[member.key] = member.value
        else:
            assert member.offset is not None
            offsets[member.key] = member.offset
            found[member.key] = list(member.items)
    return found, offsets


@settings(max_examples=60, deadline=None)
@given(document=st.dictionaries(st.text(max_size=5), JSON_VALUE | st.lists(JSON_VALUE, max_size=4), max_size=5),
       chunk=st.integers(1, 40), ascii_only=st.booleans())
def test_any_chunk_size_reads_the_same_document(document: dict[str, Any], chunk: int, ascii_only: bool) -> None:
    data = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8")
    found, offsets = read_all(data, chunk)
    assert found == document
    stream = JsonStream(io.BytesIO(data), chunk=chunk)
    for key, offset in offsets.items():
        assert list(stream.items_at(offset)) == document[key]


@pytest.mark.parametrize(("data", "said"), [
    (b'{"a": [1, 2', "truncated"),
    (b'{"a": [1, 2]} x', "data after the end"),
    (b'[1]', "opening '{'"),
    (b'{"a": [1 2]}', "',' or ']'"),
    (b'{"a": "\xff"}', "not UTF-8"),
])
def test_every_problem_names_its_byte(data: bytes, said: str) -> None:
    with pytest.raises(StreamError, match="at byte") as problem:
        read_all(data, 3)
    assert said in str(problem.value)


STAMP = "2026-11-25T12:00:00Z"


def small_document(name: str = "Small", sessions: int = 2, open_first: bool = False) -> dict[str, Any]:
    return {"schema_version": 1, "exported_at": STAMP,
            "project": {"name": name, "created_at": STAMP, "updated_at": STAMP},
            "accounts": [{"account_name": "S", "created_at": STAMP, "updated_at": STAMP}],
            "sessions": [{"session_number": number, "account": "S", "started_at": STAMP, "updated_at": STAMP,
                          "status": "in_progress" if open_first and number == 1 else "completed"}
                         for number in range(1, sessions + 1)]}


def test_an_open_session_whose_account_is_leased_here_is_refused(engine: Engine) -> None:
    document = small_document(open_first=True)
    empty(engine)
    import_text(engine, json.dumps(document))
    copy = json.loads(json.dumps(document))
    copy["project"]["name"] = "Another"
    with pytest.raises(Conflict, match="leased"):
        import_text(engine, json.dumps(copy))


def test_a_copy_in_the_same_database_drops_used_keys_and_taken_links(engine: Engine) -> None:
    stamp = "2026-11-25T12:00:00Z"
    document = {"schema_version": 1, "exported_at": stamp,
                "project": {"name": "Keys", "created_at": stamp, "updated_at": stamp},
                "accounts": [{"account_name": "K", "created_at": stamp, "updated_at": stamp}],
                "credit_events": [{"account": "K", "credits": 3, "occurred_at": stamp, "idempotency_key": "once"}],
                "project_links": [{"path": "/srv/keys", "created_at": stamp}]}
    empty(engine)
    import_text(engine, json.dumps(document))
    copy = import_text(engine, json.dumps(document), on_conflict="rename")
    assert copy.counts["credit_events"] == 1 and copy.counts["project_links"] == 0
    assert len(copy.notes) == 2
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(CreditEvent)) == 2
        assert session.scalar(select(func.count()).where(CreditEvent.idempotency_key == "once")) == 1
        assert session.scalar(select(func.count()).select_from(ProjectLink)) == 1


def test_credentials_are_never_exported(engine: Engine) -> None:
    empty(engine)
    result = import_text(engine, json.dumps(small_document()))
    with transaction(engine) as session:
        session.execute(update(Account).values(credentials_encrypted="gAAAAA-canary-credential"))
    text = export_text(engine, result.project_id)
    assert "canary" not in text and "credentials" not in text


def test_the_api_document_is_bounded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    empty(engine)
    result = import_text(engine, json.dumps(small_document()))
    monkeypatch.setattr(export_service, "API_MAX_ROWS", 1)
    with transaction(engine, write=False) as session, pytest.raises(PayloadTooLarge, match="paas export"):
        export_service.export_document(session, result.project_id, now=NOW)


def test_a_wrong_version_is_refused_before_any_row(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="schema_version 2"):
        import_text(engine, '{"schema_version": 2, "sessions": [{"bad": true}]}')


@pytest.mark.parametrize(("change", "said"), [
    (lambda d: d.update(context_snapshots=[{"compressed_context": "c", "created_at": STAMP,
                                            "stats": {"k": ["\ud800"]}}]), "lone surrogates"),
    (lambda d: d["accounts"][0].update(window_timezone="localtime"), "window_timezone"),
    (lambda d: d["accounts"][0].update(window_reset_at="25:61"), "window_reset_at"),
    (lambda d: d["project"].update(name="bad\x1b[31m"), "project"),
])
def test_values_a_table_cannot_hold_are_refused(engine: Engine, change: Any, said: str) -> None:
    document = small_document()
    change(document)
    with pytest.raises(InvalidInput, match=said):
        import_text(engine, json.dumps(document))
