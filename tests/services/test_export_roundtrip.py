"""Export / import is lossless: a random project imported into an empty database exports as the
same document (apart from ids and exported_at), on each backend and from SQLite to PostgreSQL
and back; the streamed file and the whole document are the same JSON."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, delete

from paas.services import transfer
from paas.services.export import export_document, write_export
from paas.services.export_document import ExportDocument
from paas.services.import_check import DocumentSource, check
from paas.services.import_write import import_checked
from paas.store.db import make_engine, upgrade
from paas.store.schema import Base
from paas.store.unit import Database, transaction
from tests.conftest import PG_URL, drop_pg_schema, pg_url_in_schema, reset_pg_schema
from tests.services.export_documents import documents, without_ids

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
EXAMPLES = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def empty(engine: Engine) -> None:
    with transaction(engine) as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "alembic_version":
                session.execute(delete(table))


def import_text(engine: Engine, text: str, on_conflict: Any = "error") -> Any:
    source = DocumentSource.of_file(io.BytesIO(text.encode("utf-8")))
    checked = check(source)
    with transaction(engine) as session:
        return import_checked(session, source, checked, on_conflict=on_conflict, now=NOW)


def export_text(engine: Engine, project_id: int) -> str:
    out = io.StringIO()
    with transaction(engine, write=False) as session:
        write_export(session, project_id, out, now=NOW)
    return out.getvalue()


def normal(document: dict[str, Any]) -> Any:
    """The generated document as the export writes it (the models' own JSON of each value)."""
    return without_ids(ExportDocument.model_validate(document).model_dump(mode="json"))


@EXAMPLES
@given(document=documents())
def test_import_then_export_gives_the_same_document(engine: Engine, document: dict[str, Any]) -> None:
    empty(engine)
    result = import_text(engine, json.dumps(document, ensure_ascii=False))
    assert result.outcome == "imported"
    first = export_text(engine, result.project_id)
    assert without_ids(json.loads(first)) == normal(document)
    empty(engine)
    again = import_text(engine, first)
    assert without_ids(json.loads(export_text(engine, again.project_id))) == without_ids(json.loads(first))


@EXAMPLES
@given(document=documents(max_sessions=3))
def test_the_api_document_and_the_streamed_file_are_the_same_json(engine: Engine, document: dict[str, Any]) -> None:
    empty(engine)
    result = import_text(engine, json.dumps(document))
    with transaction(engine, write=False) as session:
        whole = export_document(session, result.project_id, now=NOW).model_dump(mode="json")
    assert json.loads(export_text(engine, result.project_id)) == whole


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (PAAS_TEST_DATABASE_URL)")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents())
def test_sqlite_to_postgresql_and_back(tmp_path_factory: pytest.TempPathFactory, pg_engine: Engine,
                                       document: dict[str, Any]) -> None:
    folder = tmp_path_factory.mktemp("cross")
    first_url, last_url = f"sqlite:///{folder}/first.db", f"sqlite:///{folder}/last.db"
    upgrade(first_url)
    upgrade(last_url)
    first, last = make_engine(first_url), make_engine(last_url)
    try:
        empty(pg_engine)
        from_sqlite = export_text(first, import_text(first, json.dumps(document)).project_id)
        from_pg = export_text(pg_engine, import_text(pg_engine, from_sqlite).project_id)
        back = export_text(last, import_text(last, from_pg).project_id)
        assert without_ids(json.loads(from_pg)) == without_ids(json.loads(from_sqlite)) == normal(document)
        assert without_ids(json.loads(back)) == without_ids(json.loads(from_sqlite))
    finally:
        first.dispose()
        last.dispose()


@pytest.fixture
def pg_engine() -> Any:
    schema = "paas_cross_export"
    reset_pg_schema(schema)
    url = pg_url_in_schema(schema)
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_pg_schema(schema)


def test_the_demo_project_goes_through_files(engine: Engine, tmp_path: Path, clock: Any) -> None:
    from paas.services.demo import load_demo

    with transaction(engine) as session:
        load_demo(session, clock())
    database = Database(engine)
    path = tmp_path / "p.json"
    summary = transfer.export_to_file(database, "1", path, now=NOW)
    assert summary.counts["sessions"] == 4 and not (tmp_path / "p.json.partial").exists()
    renamed = transfer.import_file(database, path, on_conflict="rename", now=NOW)
    assert renamed.outcome == "renamed" and renamed.project_name.endswith(" (2)")
    assert renamed.accounts_created == []  # the demo's accounts are there: matched by name
    copy = json.loads(export_text(engine, renamed.project_id))
    original = json.loads(path.read_text(encoding="utf-8"))
    copy["project"]["name"] = original["project"]["name"]
    assert without_ids(copy) == without_ids(original)
