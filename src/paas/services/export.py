"""Export one project: the document of ``services.export_document``, written as it is read.

``write_export`` streams the document to a text file: each section is read in keyset pages
(``store.export.pages``) and each row written as soon as it is read, so memory stays flat
whatever the project's size (the CLI's ``paas export``). ``export_document`` builds the same
document whole, for the API, and refuses past ``API_MAX_ROWS`` rows (use the CLI). Every row
goes through its document model on the way out, so an export is always importable and every
door writes the same JSON. Runs in a read transaction: the export is one consistent view.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from paas.core.errors import InvalidInput, NotFound, PayloadTooLarge
from paas.services.export_document import SCHEMA_VERSION, SECTIONS, ExportDocument, ProjectRow, Row
from paas.store import export as store

API_MAX_ROWS = 20_000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ExportSummary:
    project_id: int
    project_name: str
    counts: dict[str, int] = field(default_factory=dict)


def _as_row(model: type[Row], row: dict[str, Any], where: str) -> Row:
    try:
        return model.model_validate(row)
    except ValidationError as problem:
        first = problem.errors()[0]
        raise InvalidInput(f"{where} cannot be exported: {'.'.join(map(str, first['loc']))}: {first['msg']}",
                           {"section": where}) from None


def header(session: Session, project_id: int, now: datetime) -> dict[str, Any]:
    found = store.project_row(session, project_id)
    if found is None:
        raise NotFound(f"project {project_id} not found", {"id": project_id})
    return {"schema_version": SCHEMA_VERSION, "alembic_revision": store.schema_revision(session),
            "exported_at": now.isoformat().replace("+00:00", "Z"),
            "project": _as_row(ProjectRow, found, "the project").model_dump(mode="json")}


def counts(session: Session, project_id: int) -> dict[str, int]:
    """How many rows each section has (for a progress bar's total)."""
    return {name: store.count(session, name, project_id) for name in SECTIONS}


def section_rows(session: Session, name: str, project_id: int) -> Iterator[Row]:
    model = SECTIONS[name]
    for index, row in enumerate(store.pages(session, name, project_id)):
        yield _as_row(model, row, f"{name}[{index}]")


def write_export(session: Session, project_id: int, out: IO[str], *, now: datetime,
                 progress: Progress | None = None) -> ExportSummary:
    """Write the project's document to ``out``, row by row; ``progress(n)`` after each ``n`` rows."""
    top = header(session, project_id, now)
    written: dict[str, int] = {}
    out.write("{" + ",\n".join(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
                               for key, value in top.items()))
    for name in SECTIONS:
        out.write(f",\n{json.dumps(name)}: [")
        done = 0
        for row in section_rows(session, name, project_id):
            out.write(("\n" if not done else ",\n") + row.model_dump_json())
            done += 1
            if progress is not None and done % 100 == 0:
                progress(100)
        if progress is not None and done % 100:
            progress(done % 100)
        out.write("\n]" if done else "]")
        written[name] = done
    out.write("\n}\n")
    return ExportSummary(project_id=project_id, project_name=top["project"]["name"], counts=written)


def export_document(session: Session, project_id: int, *, now: datetime) -> ExportDocument:
    """The whole document in memory (the API's answer); a project past ``API_MAX_ROWS`` rows is refused."""
    top = header(session, project_id, now)
    total = sum(counts(session, project_id).values())
    if total > API_MAX_ROWS:
        raise PayloadTooLarge(f"project {project_id} has {total} rows, more than the API exports "
                              f"({API_MAX_ROWS}); use `paas export` instead", {"rows": total, "limit": API_MAX_ROWS})
    document: dict[str, Any] = dict(top)
    for name in SECTIONS:  # rows already validated: not validated again
        document[name] = list(section_rows(session, name, project_id))
    return ExportDocument.model_validate(document)
