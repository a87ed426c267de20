"""Import, step one: read the document and check all of it before anything is written.

A document comes whole (``DocumentSource.of_model``: the API's body, already parsed) or as a
file read piece by piece (``DocumentSource.of_file``: ``paas import``; ``services.json_stream``).
A file is read three times and never held whole: once to find its members (where each array
starts, its header values), once to check every row (``check``), once to write
(``services.import_write``). ``check`` validates each row with its document model and the
references between rows (every session number, account name, source and usage file a row
names is in the document; natural keys are unique), and stops at ``MAX_PROBLEMS`` problems,
all named with their place (``sessions[12].credits_used: ...``). A wrong ``schema_version`` is
refused before any row is read. What the target database decides (name clashes, leased
accounts) is checked by the write step inside its transaction, before its first write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from pydantic import ValidationError

from paas.core.errors import InvalidInput
from paas.services.export_document import HEADER, SCHEMA_VERSION, SECTIONS, ExportDocument, ProjectRow, Row
from paas.services.json_stream import JsonStream, StreamError

MAX_PROBLEMS = 20
Progress = Callable[[int], None]


class DocumentSource:
    """Where the rows come from: ``rows(section)`` yields each row validated (or raises InvalidInput)."""

    def __init__(self, project: ProjectRow, counts: dict[str, int],
                 rows: Callable[[str], Iterator[Row]]) -> None:
        self.project, self.counts, self._rows = project, counts, rows

    def rows(self, section: str) -> Iterator[Row]:
        return self._rows(section)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @classmethod
    def of_model(cls, document: ExportDocument) -> DocumentSource:
        counts = {name: len(getattr(document, name)) for name in SECTIONS}
        return cls(document.project, counts, lambda name: iter(getattr(document, name)))

    @classmethod
    def of_file(cls, file: IO[bytes], progress: Progress | None = None) -> DocumentSource:
        """Find the file's members (one pass, every array's items counted, none kept)."""
        stream = JsonStream(file)
        offsets: dict[str, int] = {}
        counts: dict[str, int] = {}
        values: dict[str, Any] = {}
        try:
            for member in stream.members():
                if member.key in offsets or member.key in values:
                    raise InvalidInput(f"the document names {member.key!r} twice", {"member": member.key})
                if member.items is None:
                    values[member.key] = member.value
                    continue
                if member.key not in SECTIONS:
                    raise InvalidInput(f"unknown member {member.key!r}: the document's arrays are "
                                       f"{', '.join(SECTIONS)}", {"member": member.key})
                assert member.offset is not None
                offsets[member.key], counts[member.key] = member.offset, 0
                for _ in member.items:
                    counts[member.key] += 1
                    if progress is not None and counts[member.key] % 1000 == 0:
                        progress(1000)
        except StreamError as problem:
            raise InvalidInput(f"the file is not a readable export: {problem}", {"offset": problem.offset}) from None
        project = _header(values)
        for name in SECTIONS:
            counts.setdefault(name, 0)

        def rows(name: str) -> Iterator[Row]:
            if name not in offsets:
                return
            model = SECTIONS[name]
            try:
                for index, item in enumerate(stream.items_at(offsets[name])):
                    yield _validated(model, item, f"{name}[{index}]")
            except StreamError as problem:
                raise InvalidInput(f"the file is not a readable export: {problem}",
                                   {"offset": problem.offset}) from None

        return cls(project, counts, rows)


def _header(values: dict[str, Any]) -> ProjectRow:
    unknown = sorted(set(values) - set(HEADER))
    if unknown:
        raise InvalidInput(f"unknown member {unknown[0]!r} (a document has {', '.join(HEADER)} and its arrays)",
                           {"member": unknown[0]})
    version = values.get("schema_version")
    if version is None:
        raise InvalidInput("not an export document: it has no schema_version", {"member": "schema_version"})
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise InvalidInput(f"schema_version {version!r} is not one this version reads (it reads {SCHEMA_VERSION})",
                           {"schema_version": version, "supported": [SCHEMA_VERSION]})
    if "project" not in values:
        raise InvalidInput("not an export document: it has no project", {"member": "project"})
    try:
        ExportDocument.model_validate({key: values[key] for key in HEADER if key in values})
    except ValidationError as problem:
        raise InvalidInput("the document's header is invalid: " + _said(problem, ""), {"problems": _listed(
            problem, "")}) from None
    return ProjectRow.model_validate(values["project"])


def _validated(model: type[Row], item: Any, where: str) -> Row:
    try:
        return model.model_validate(item)
    except ValidationError as problem:
        raise InvalidInput(f"{_said(problem, where)}", {"problems": _listed(problem, where)}) from None


def _listed(problem: ValidationError, where: str) -> list[dict[str, str]]:
    return [{"at": ".".join([where, *map(str, item["loc"])]).strip("."), "problem": item["msg"]}
            for item in problem.errors()[:MAX_PROBLEMS]]


def _said(problem: ValidationError, where: str) -> str:
    return "; ".join(f"{item['at']}: {item['problem'].removeprefix('Value error, ')}"
                     for item in _listed(problem, where))


@dataclass
class Checked:
    """What the check learned that the write step needs (the document's natural keys)."""

    account_names: list[str] = field(default_factory=list)
    usage_paths: list[str] = field(default_factory=list)
    leased: dict[str, int] = field(default_factory=dict)  # account name -> its open session's number
    idempotency_keys: list[str] = field(default_factory=list)
    link_paths: list[str] = field(default_factory=list)


class _Problems:
    def __init__(self) -> None:
        self.listed: list[dict[str, str]] = []

    def add(self, at: str, problem: str) -> None:
        self.listed.append({"at": at, "problem": problem})
        if len(self.listed) >= MAX_PROBLEMS:
            self.fail()

    def fail(self) -> None:
        if self.listed:
            said = "; ".join(f"{item['at']}: {item['problem']}" for item in self.listed)
            more = " (and perhaps more)" if len(self.listed) >= MAX_PROBLEMS else ""
            raise InvalidInput(f"the document is not consistent: {said}{more}", {"problems": self.listed})


def check(source: DocumentSource, progress: Progress | None = None) -> Checked:
    """Every row valid and every reference inside the document; nothing is written."""
    problems, checked = _Problems(), Checked()
    accounts: set[str] = set()
    usage: set[str] = set()
    numbers: set[int] = set()
    shas: set[str] = set()
    keys: set[str] = set()
    unique: dict[str, set[Any]] = {"conversation_history": set(), "files": set(), "project_links": set()}

    def need(known: set[Any], value: Any, at: str, what: str) -> None:
        if value is not None and value not in known:
            problems.add(at, f"{what} {value!r} is not in the document")

    def once(known: set[Any], value: Any, at: str, what: str) -> None:
        if value in known:
            problems.add(at, f"{what} {value!r} appears twice")
        known.add(value)

    for name in SECTIONS:
        for index, row in enumerate(source.rows(name)):
            at = f"{name}[{index}]"
            values = row.__dict__
            if name == "accounts":
                once(accounts, values["account_name"], at, "account")
            elif name == "usage_files":
                once(usage, values["path"], at, "usage file")
                need(accounts, values["account"], at + ".account", "account")
            elif name == "sessions":
                once(numbers, values["session_number"], at, "session number")
                need(accounts, values["account"], at + ".account", "account")
                if values["status"] == "in_progress":
                    if values["account"] in checked.leased:
                        problems.add(at, f"account {values['account']!r} has two open sessions")
                    checked.leased[values["account"]] = values["session_number"]
            elif name == "credit_events":
                need(accounts, values["account"], at + ".account", "account")
                need(numbers, values["session_number"], at + ".session_number", "session")
                need(usage, values["usage_file"], at + ".usage_file", "usage file")
                if values["idempotency_key"] is not None:
                    once(keys, values["idempotency_key"], at + ".idempotency_key", "idempotency key")
            elif name == "transcript_sources":
                once(shas, values["sha256"], at, "transcript source")
                need(numbers, values["session_number"], at + ".session_number", "session")
            elif name == "context_snapshots":
                need(numbers, values["session_number"], at + ".session_number", "session")
                need(shas, values["source_sha256"], at + ".source_sha256", "transcript source")
            elif name == "conversation_history":
                need(numbers, values["session_number"], at + ".session_number", "session")
                once(unique[name], (values["session_number"], values["turn_number"]), at, "turn")
            elif name == "files":
                once(unique[name], values["file_path"], at, "file")
            elif name == "knowledge":
                need(numbers, values["source_session_number"], at + ".source_session_number", "session")
            elif name == "handoff_queue":
                need(numbers, values["session_number"], at + ".session_number", "session")
                need(accounts, values["from_account"], at + ".from_account", "account")
                need(accounts, values["to_account"], at + ".to_account", "account")
            elif name == "project_links":
                once(unique[name], values["path"], at, "link")
            if progress is not None:
                progress(1)
    problems.fail()
    checked.account_names, checked.usage_paths = sorted(accounts), sorted(usage)
    checked.idempotency_keys, checked.link_paths = sorted(keys), sorted(unique["project_links"])
    return checked
