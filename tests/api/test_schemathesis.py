"""schemathesis against the published document, in process (ASGI), on SQLite with the demo data and
an admin token: every /api operation with schema-valid input, then stateful runs along the
document's links (create -> read -> change -> use -> delete). A fixed seed (derandomize) and a
bounded number of examples keep it repeatable and well under the 3 minutes `make test` allows.

Asserted: no server error, every answer matches its declared schema, status and content type, and
no schema-valid request is refused except by a documented domain rule: 401/403 never happen (the
token is an admin's), 404 (an id that names nothing) and 409 (a conflict with the current state)
are the domain's, and a 422 passes only when its message is one of ``DOMAIN_RULES`` and the
phrase that documents the rule is in the operation's part of the document.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import Engine

from paas.api.app import create_app
from paas.config import get_settings
from paas.services import tokens
from paas.services.demo import load_demo
from paas.store.db import make_engine
from paas.store.unit import transaction

EXAMPLES = 20  # per operation
STATEFUL_EXAMPLES = 15
NEGATIVE_EXAMPLES = 10
HYPOTHESIS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its case
                      suppress_health_check=list(HealthCheck))

# A 422 to a schema-valid request is a rule the schema cannot say (it relates two fields, or the
# server's configuration, or the records stored): its message, and the words that document it.
DOMAIN_RULES: list[tuple[str, str]] = [
    (r"^auto_commit needs a repo_path", "auto_commit"),
    (r"^repo_path must be an absolute path", "absolute path"),
    (r"^polishing is off on this server", "422 when polishing is not configured"),
    (r"^a webhook URL must start with http:// or https://", "http:// or https:// only"),
    (r"^rotate_threshold must be between 1 and the quota", "rotate_threshold"),
    (r"^an account counting \w+ needs its quota", "needs its quota"),
    (r"credits_available \(\d+\) cannot exceed the quota", "at most the quota"),
    (r"unknown time zone", "IANA"),
    (r"resets_at goes with reason window_exhausted|cooldown_seconds goes with reason throttled", "never ignored"),
    (r"rows are invalid; nothing was created", "every bad row"),
    (r"content is \d+ bytes, size_bytes says", "where they differ: 422"),
    (r"^the document is not consistent", "every reference in it"),
]


# 2**63 - 1 (a BIGINT) is no JSON double: the generator's float for it rounds to 2**63, one past the bound.
ROUNDED_PAST_THE_BOUND = ("less than or equal to 9223372036854775807", "greater than or equal to -9223372036854775808")


def documented_rule(operation_text: str, message: str) -> bool:
    if message.endswith(ROUNDED_PAST_THE_BOUND):
        return True
    if message.startswith("Value error, ") and "checked whole (every row and every reference in it)" in operation_text:
        return True  # import-project: a row's own consistency rule (sha256, size, threshold within quota ...)
    return any(re.search(pattern, message) and phrase in operation_text for pattern, phrase in DOMAIN_RULES)


def operation_text(case: Any) -> str:
    """The operation's part of the document, with the schemas its body refers to, as one text."""
    definition = case.operation.definition.raw
    text = json.dumps(definition)
    components = case.operation.schema.raw_schema["components"]["schemas"]
    for name in set(re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", text)):
        text += json.dumps(components[name])
        text += json.dumps({key: components[key] for key in re.findall(
            r"#/components/schemas/([A-Za-z0-9_]+)", json.dumps(components[name])) if key in components})
    return text


@schemathesis.check
def schema_valid_requests_are_accepted(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """Like schemathesis' positive_data_acceptance, with the domain's 404/409/422 allowed as above."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status in (404, 409):
        return None
    if status == 422:
        error = response.json()["error"]
        if error["message"] == "the request does not match the schema":
            messages = [item.get("msg", "") for item in error["details"]]
            if messages and all(documented_rule(operation_text(case), message) for message in messages):
                return None
        elif documented_rule(operation_text(case), error["message"]):
            return None
    raise AssertionError(f"schema-valid request refused with {status}: {response.text[:500]}")


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Any:
    """SQLite only: the run is about the document, the same on both backends (a second run would
    double the time for nothing new)."""
    path = tmp_path / "paas.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def admin_app(sqlite_engine: Engine, clock: Callable[[], Any]) -> tuple[Any, str]:
    with transaction(sqlite_engine) as session:
        load_demo(session, clock())
        token = tokens.create_token(session, role="admin", name="schemathesis", now=clock()).token
    url = str(sqlite_engine.url)
    # schemathesis' ignored_auth check sends requests without the token, each a failed authentication:
    # under the frozen clock they would add up to the throttle's 429 for the whole run.
    throttle_off = {"auth_failures_allowed": 10_000, "auth_block_seconds": 1}
    return create_app(get_settings(database_url=url, **throttle_off), engine=sqlite_engine, clock=clock), token


def load(app: Any, token: str) -> Any:
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    loaded.config.update(headers={"Authorization": f"Bearer {token}"})
    # NUL and lone surrogates are not text (PostgreSQL cannot store them): the generator leaves them out.
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE], allow_x00=False, codec="utf-8")
    return loaded.include(path_regex="^/api/")


@pytest.fixture
def api_schema(admin_app: tuple[Any, str]) -> Any:
    return load(*admin_app)


CHECKS = {"excluded_checks": [positive_data_acceptance], "additional_checks": [schema_valid_requests_are_accepted]}


def test_every_operation_answers_schema_valid_input_as_documented(api_schema: Any) -> None:
    """Each operation in turn (schemathesis' lazy pytest loader does not run on pytest 9: its
    `request.node._nodeid` is gone), one Hypothesis run each; every failure is collected and shown."""
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 37
    for operation in operations:
        @HYPOTHESIS
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(**CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # every operation runs; the failures are listed below
            failures[operation.label] = str(error)[:1500]
    assert not failures, "\n\n".join(f"{label}:\n{said}" for label, said in failures.items())


def test_schema_invalid_input_never_gets_a_server_error(admin_app: tuple[Any, str]) -> None:
    """The other half: input the document calls invalid (wrong types, out of range, missing fields)
    is refused with a 4xx, never a 5xx."""
    negative = load(*admin_app)
    negative.config.generation.update(modes=[GenerationMode.NEGATIVE])
    server_errors: list[str] = []
    for operation in [result.ok() for result in negative.get_all_operations()]:
        @settings(HYPOTHESIS, max_examples=NEGATIVE_EXAMPLES)
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            answer = case.call()
            if answer.status_code >= 500:
                said = f"{case.operation.label} {answer.status_code}: {answer.text[:300]}"
                server_errors.append(f"{said} <- {case.body!r:.300}")

        run()
    assert not server_errors, "\n".join(server_errors)


def test_the_document_links_creates_to_their_records(api_schema: Any) -> None:
    paths = api_schema.raw_schema["paths"]
    links = paths["/api/sessions"]["post"]["responses"]["201"]["links"]
    targets = {link["operationId"] for link in links.values()}
    usage = paths["/api/sessions/{session_id}/usage"]["post"]["operationId"]
    assert usage in targets and all(link["parameters"] == {"session_id": "$response.body#/id"}
                                    for link in links.values())
    for create in ("/api/projects", "/api/accounts", "/api/webhooks"):
        assert paths[create]["post"]["responses"]["201"]["links"], create


def restore(engine: Engine, pristine: Path) -> None:
    """The database as it was after the demo data and the token (SQLite's online backup, over the
    live file): each stateful example starts from the same state, so a replayed example meets the
    same answers (else Hypothesis calls the run flaky)."""
    with sqlite3.connect(pristine) as source, engine.connect() as connection:
        source.backup(connection.connection.driver_connection)


def test_stateful_runs_along_the_links(admin_app: tuple[Any, str], sqlite_engine: Engine, tmp_path: Path) -> None:
    pristine = tmp_path / "pristine.db"
    with sqlite3.connect(str(sqlite_engine.url.database)) as live, sqlite3.connect(pristine) as copy:
        live.backup(copy)
    machine = load(*admin_app).as_state_machine()
    answered: list[tuple[str, int]] = []

    class Workflow(machine):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            restore(sqlite_engine, pristine)

        def after_call(self, response: Any, case: Any) -> None:
            answered.append((case.operation.label, response.status_code))

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, **CHECKS, transport_kwargs=kwargs)

    Workflow.run(settings=settings(HYPOTHESIS, max_examples=STATEFUL_EXAMPLES, stateful_step_count=6))
    followed = {label for label, status in answered if status < 300 and "{" in label}
    assert len(followed) >= 3, sorted(set(answered))  # records made by a step were used by a later one
