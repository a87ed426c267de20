"""briefing.extract_facts: planted facts come out, verbatim, with the turn that shows them."""

from __future__ import annotations

import json

from paas.core.briefing import Fact, extract_facts
from paas.core.briefing.failures import is_open
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall, Transcript, Turn


def transcript(*turns: tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]]) -> Transcript:
    built = []
    for index, turn in enumerate(turns):
        calls = turn[2] if len(turn) == 3 else ()  # type: ignore[misc]
        built.append(Turn(index, turn[0], turn[1], calls))
    return Transcript("plain", tuple(built))


def texts(facts: tuple[Fact, ...]) -> list[str]:
    return [fact.text for fact in facts]


def by_text(facts: tuple[Fact, ...], text: str) -> Fact:
    matches = [fact for fact in facts if fact.text == text]
    assert matches, f"{text!r} not in {texts(facts)}"
    return matches[0]


SESSION = transcript(
    ("user", "Add a health endpoint to api/app.py. Never touch the billing module. Make sure tests stay green."),
    (
        "assistant",
        "We'll use FastAPI's APIRouter instead of a bare Flask route.",
        (
            ToolCall("Read", {"file_path": "api/app.py"}, output="from fastapi import FastAPI"),
            ToolCall("Edit", {"file_path": "api/app.py", "old_string": "a", "new_string": "b"}, output="updated"),
            ToolCall("Write", {"file_path": "api/health.py", "content": "x"}, output="File created successfully"),
            ToolCall("Bash", {"command": "pytest -q"}, output="FAILED test_health.py::test_ok\n1 failed, 11 passed",
                     exit_status=1, is_error=True),
        ),
    ),
    (
        "assistant",
        "Fixed the import.",
        (
            ToolCall("Edit", {"file_path": "api/health.py"}, output="updated"),
            ToolCall("Bash", {"command": "pytest -q"}, output="12 passed in 0.41s", exit_status=0),
            ToolCall("Bash", {"command": "git commit -am 'Add health endpoint'"},
                     output="[main 1a2b3c4] Add health endpoint\n 2 files changed", exit_status=0),
            ToolCall("Bash", {"command": "npm run build"}, output="Error: Cannot find module 'vite'", exit_status=1,
                     is_error=True),
        ),
    ),
    ("user", "Deploy it to http://localhost:8080 with version 2.4.1 and keep the flag HEALTH_V2 on"),
)


def test_latest_request_is_the_last_user_turn_verbatim() -> None:
    facts = extract_facts(SESSION)
    assert facts.latest_request is not None
    expected = "Deploy it to http://localhost:8080 with version 2.4.1 and keep the flag HEALTH_V2 on"
    assert facts.latest_request.text == expected
    assert facts.latest_request.turn == 3


def test_constraints_are_the_users_rule_sentences() -> None:
    constraints = texts(extract_facts(SESSION).constraints)
    assert "Never touch the billing module." in constraints
    assert "Make sure tests stay green." in constraints
    assert all("Add a health endpoint" not in c for c in constraints)


def test_labelled_rules_and_keep_are_constraints_and_a_label_makes_one_strong() -> None:
    chat = Transcript(format="plain", turns=[
        Turn(0, "user", "Constraint: the INVOICE_LEGACY_ROUNDING=1 flag is set in every deploy. "
                        "Fix the totals and keep it short. Keeping notes is up to you."),
        Turn(1, "assistant", "Keep calm: I will keep the flag."),
    ])
    constraints = {fact.text: fact for fact in extract_facts(chat).constraints}
    assert set(constraints) == {"Constraint: the INVOICE_LEGACY_ROUNDING=1 flag is set in every deploy.",
                                "Fix the totals and keep it short."}  # "Keeping" is no rule; the assistant sets none
    labelled = constraints["Constraint: the INVOICE_LEGACY_ROUNDING=1 flag is set in every deploy."]
    assert labelled.score >= 1.0 > constraints["Fix the totals and keep it short."].score  # strong, weak


def test_files_by_action_from_tool_calls() -> None:
    files = extract_facts(SESSION).files
    assert by_text(files, "api/app.py").status == "edited"  # read first, then edited: the stronger action wins
    assert by_text(files, "api/health.py").status == "created"
    assert by_text(files, "api/health.py").turn == 2


def test_a_failure_followed_by_a_successful_rerun_is_resolved_and_one_never_rerun_is_not() -> None:
    errors = extract_facts(SESSION).errors
    tests_error = next(e for e in errors if e.subject == "`pytest -q`")
    assert tests_error.status == "resolved"
    assert tests_error.turn == 1
    assert tests_error.text.startswith("FAILED test_health.py::test_ok")
    build_error = next(e for e in errors if e.subject == "`npm run build`")
    assert build_error.status == "unresolved"
    assert build_error.text == "Error: Cannot find module 'vite'"


def test_commands_keep_their_last_exit_status() -> None:
    commands = {fact.text: fact for fact in extract_facts(SESSION).commands}
    assert commands["pytest -q"].detail == "exit 0"
    assert commands["pytest -q"].count == 2
    assert commands["npm run build"].status == "failed"


def test_test_runs_keep_the_latest_summary_line() -> None:
    tests = extract_facts(SESSION).tests
    assert [(t.text, t.status, t.turn) for t in tests] == [("12 passed in 0.41s", "passed", 2)]


def test_commits_from_git_output() -> None:
    commits = extract_facts(SESSION).commits
    assert [(c.key, c.turn) for c in commits] == [("1a2b3c4", 2)]
    assert "Add health endpoint" in commits[0].text


def test_decisions_are_sentences_with_decision_cues() -> None:
    decisions = texts(extract_facts(SESSION).decisions)
    assert decisions == ["We'll use FastAPI's APIRouter instead of a bare Flask route."]


def test_anchors_from_user_prose() -> None:
    anchors = set(texts(extract_facts(SESSION).anchors))
    assert {"http://localhost:8080", "2.4.1", "HEALTH_V2"} <= anchors


def test_housekeeping_commands_after_the_request_are_kept_separately() -> None:
    facts = extract_facts(transcript(("user", "Rename the CLI flag to --dry-run"), ("assistant", "Done."),
                                     ("user", "/diff"), ("user", "/exit")))
    assert facts.latest_request is not None and facts.latest_request.text == "Rename the CLI flag to --dry-run"
    assert texts(facts.later_inputs) == ["/diff", "/exit"]


def test_a_short_reply_keeps_the_question_it_answers() -> None:
    facts = extract_facts(transcript(("user", "Make a LICENSE file"), ("assistant", "Done. Want me to commit it?"),
                                     ("user", "yes please")))
    assert facts.request_context is not None
    assert facts.request_context.text == "Want me to commit it?"


def test_open_items_unchecked_boxes_todos_and_the_last_question() -> None:
    facts = extract_facts(transcript(
        ("user", "Plan the migration"),
        ("assistant", "Plan:\n- [ ] write the migration\n- [ ] update docs/schema.md\n\nTODO: drop the old column"),
        ("user", "ok go"),
        ("assistant", "- [x] write the migration\n\nShould I also backfill the old rows?"),
    ))
    items = {fact.text: fact.status for fact in facts.open_items}
    assert "write the migration" not in items  # checked later
    assert items["update docs/schema.md"] == "unchecked"
    assert any(text.startswith("TODO: drop the old column") for text in items)
    assert items["Should I also backfill the old rows?"] == "asked"


def test_user_reported_error_after_a_lead_in_and_its_resolution() -> None:
    facts = extract_facts(transcript(
        ("user", "I get this error:\n```\nTypeError: cannot read properties of undefined (reading 'map')\n```"),
        ("assistant", "Guard the list:\n```js\nconst items = data ?? []\n```"),
        ("user", "it works now, thanks"),
    ))
    error = by_text(facts.errors, "TypeError: cannot read properties of undefined (reading 'map')")
    assert (error.status, error.turn, error.source) == ("resolved", 0, "user")


def test_user_reported_error_with_an_unconfirmed_fix_is_only_attempted() -> None:
    facts = extract_facts(transcript(
        ("user", "npm ERR! missing script: dev"),
        ("assistant", "Add it:\n```json\n{\"scripts\": {\"dev\": \"vite\"}}\n```"),
    ))
    assert [(e.text, e.status) for e in facts.errors] == [("npm ERR! missing script: dev", "attempted")]


def test_paths_mentioned_by_the_user_are_a_weaker_file_signal() -> None:
    facts = extract_facts(transcript(("user", "Please look at src/config/loader.ts and README.md"),))
    mentioned = {fact.text: (fact.status, fact.source) for fact in facts.files}
    assert mentioned["src/config/loader.ts"] == ("mentioned", "user")
    assert mentioned["README.md"] == ("mentioned", "user")


def test_status_markers_are_the_assistants_claims() -> None:
    facts = extract_facts(transcript(("user", "status?"), ("assistant", "✅ Login works\n❌ Signup still broken")))
    assert {(m.text, m.status) for m in facts.markers} == {
        ("✅ Login works", "done-claim"), ("❌ Signup still broken", "failed-claim")}


def test_aider_history_edits_commits_and_shell() -> None:
    history = (
        "# aider chat started at 2025-01-01 10:00:00\n\n"
        "#### add a --verbose flag to cli.py  \n\n"
        "I'll add the flag.\n\n"
        "> Applied edit to cli.py  \n"
        "> Commit 9f8e7d6 feat: add --verbose flag  \n"
        "> Running python -m pytest  \n\n"
        "#### /exit  \n"
    )
    facts = extract_facts(read_transcript(history, filename=".aider.chat.history.md"))
    assert facts.latest_request is not None and facts.latest_request.text == "add a --verbose flag to cli.py"
    assert texts(facts.later_inputs) == ["/exit"]
    assert [f.text for f in facts.edited_files] == ["cli.py"]
    assert [c.key for c in facts.commits] == ["9f8e7d6"]
    assert [c.text for c in facts.commands] == ["python -m pytest"]


def test_claude_code_jsonl_tool_results_and_exit_codes() -> None:
    records = [
        {"type": "user", "message": {"role": "user", "content": "run the linter and fix it"}},
        {"type": "assistant", "message": {"id": "m1", "content": [
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "ruff check src"}}]}},
        {"type": "user", "message": {"content": [{"type": "tool_result", "tool_use_id": "t1", "is_error": True,
                                                  "content": "Exit code 1\nsrc/a.py:3:1: F401 unused import"}]}},
        {"type": "assistant", "message": {"id": "m2", "content": [
            {"type": "tool_use", "id": "t2", "name": "Edit", "input": {"file_path": "src/a.py"}}]}},
        {"type": "user", "message": {"content": [{"type": "tool_result", "tool_use_id": "t2", "content": "ok"}]}},
    ]
    text = "\n".join(json.dumps(record) for record in records) + "\n"
    facts = extract_facts(read_transcript(text, filename="session.jsonl"))
    (error,) = facts.errors
    assert error.status == "attempted"  # a fix was edited, never re-run: still open
    assert is_open(error) and "not re-run" in error.detail
    assert "F401 unused import" in error.text
    assert [f.text for f in facts.edited_files] == ["src/a.py"]


def test_a_transcript_without_tool_calls_yields_the_actions_its_assistant_states() -> None:
    plain = (
        "User: Fix the rounding in billing/invoice.py\n\n"
        "Assistant: I edited `billing/invoice.py` (half-even rounding).\n\n"
        "Assistant: I ran `python -m pytest -q` (exit code 1):\n\n```\n"
        "FAILED tests/test_invoice.py::test_half_even - AssertionError: 10.05 != 10.04\n1 failed, 11 passed\n```\n\n"
        "Assistant: I ran `python -m pytest -q` (exit code 0):\n\n```\n12 passed in 0.4s\n```\n\n"
        "Assistant: Committed as c700d84: fix: round invoice totals half-even\n\n"
        "User: thanks, now the CSV export\n"
    )
    facts = extract_facts(read_transcript(plain, format="plain"))
    assert [f.text for f in facts.edited_files] == ["billing/invoice.py"]
    assert [c.key for c in facts.commits] == ["c700d84"]
    (error,) = facts.errors
    assert (error.subject, error.status) == ("`python -m pytest -q`", "resolved")
    assert error.text.startswith("FAILED tests/test_invoice.py::test_half_even")
    assert [(t.text, t.status) for t in facts.tests] == [("12 passed in 0.4s", "passed")]


def test_stated_actions_are_ignored_when_tool_calls_exist() -> None:
    facts = extract_facts(transcript(
        ("user", "go"),
        ("assistant", "I edited `src/other.py` as well.", (ToolCall("Edit", {"file_path": "src/a.py"}, output="ok"),)),
    ))
    assert [f.text for f in facts.edited_files] == ["src/a.py"]


def test_a_terminal_output_without_exit_status_that_reports_an_error_is_a_failure() -> None:
    facts = extract_facts(transcript(
        ("user", "start a session"),
        ("assistant", "", (ToolCall("shell", {"command": "minsky session start --task 005"},
                                    output="error: missing required argument 'session'"),)),
        ("assistant", "", (ToolCall("shell", {"command": "minsky session start --help"}, output="Usage: ..."),)),
    ))
    (error,) = facts.errors
    assert error.text == "error: missing required argument 'session'"
    assert error.status == "unresolved"  # only the same command succeeding later would resolve it


def test_every_fact_cites_a_turn_of_the_transcript() -> None:
    facts = extract_facts(SESSION)
    for group in facts.by_category().values():
        for fact in group:
            assert 0 <= fact.turn < len(SESSION.turns), fact


def test_extraction_is_deterministic() -> None:
    assert extract_facts(SESSION) == extract_facts(SESSION)


def test_facts_have_a_json_view() -> None:
    view = extract_facts(SESSION).to_dict()
    assert json.loads(json.dumps(view)) == view
    assert view["latest_request"]["turn"] == 3
    assert {"category", "text", "status", "turn"} <= set(view["files"][0])


def test_an_empty_transcript_has_no_facts() -> None:
    facts = extract_facts(Transcript("plain", ()))
    assert facts.latest_request is None
    assert all(not group for group in facts.by_category().values())
