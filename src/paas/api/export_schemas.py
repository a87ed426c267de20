"""Request and response models of export-project and import-project: the document itself is
``services.export_document.ExportDocument`` (the import's body is an export's ``data``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from paas.api.schemas import RequestBody
from paas.services.export_document import ExportDocument
from paas.services.field_rules import Id


class ExportProject(RequestBody):
    project_id: Id


class ExportEnvelope(BaseModel):
    success: Literal[True] = True
    data: ExportDocument = Field(description="The project and everything of it; POST it to import-project as is.")


class ImportOut(BaseModel):
    outcome: Literal["imported", "renamed", "replaced", "skipped"]
    project_id: int | None = Field(description="The imported project (skipped: the existing one).")
    project_name: str
    counts: dict[str, int] = Field(description="Rows written per section (accounts: those created).")
    accounts_created: list[str] = Field(description="Accounts the document named that did not exist here "
                                                    "(created without credentials).")
    notes: list[str]


class ImportEnvelope(BaseModel):
    success: Literal[True] = True
    data: ImportOut
