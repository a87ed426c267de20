"""briefing.files: one fact per file, its status from the events in order, one normalised path."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from paas.core.briefing import Fact, extract_facts
from paas.core.briefing.files import current_since, is_current
from paas.core.briefing.model import Facts
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall, Transcript, Turn


def session(*turns: tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]], cwd: str | None = None) -> Transcript:
    built = []
    for index, turn in enumerate(turns):
        calls = turn[2] if len(turn) == 3 else ()  # type: ignore[misc]
        built.append(Turn(index, turn[0], turn[1], calls))
    metadata: dict[str, Any] = {"cwd": cwd} if cwd else {}
    return Transcript("claude_code_jsonl", tuple(built), metadata=metadata)


def edit(path: str, output: str = "The file has been updated.") -> ToolCall:
    return ToolCall("Edit", {"file_path": path, "old_string": "a", "new_string": "b"}, output=output)


def write(path: str) -> ToolCall:
    return ToolCall("Write", {"file_path": path, "content": "x"}, output=f"File created successfully at: {path}")


def bash(command: str, output: str = "", exit_status: int | None = 0) -> ToolCall:
    return ToolCall("Bash", {"command": command}, output=output, exit_status=exit_status)


def files_of(transcript: Transcript) -> dict[str, Fact]:
    return {fact.text: fact for fact in extract_facts(transcript).files}


def statuses(transcript: Transcript) -> dict[str, str]:
    return {text: fact.status for text, fact in files_of(transcript).items()}


# ---- status from the events, in order ---------------------------------------------------------

def test_a_file_created_then_removed_is_deleted_and_created_again_after_that_is_created() -> None:
    assert statuses(session(
        ("user", "scaffold it"),
        ("assistant", "", (write("src/tmp_probe.py"), write("src/keep.py"))),
        ("assistant", "", (bash("rm -f src/tmp_probe.py src/keep.py"),)),
        ("assistant", "", (write("src/keep.py"),)),
    )) == {"src/tmp_probe.py": "deleted", "src/keep.py": "created"}


def test_git_mv_renames_and_the_fact_shows_old_and_new() -> None:
    facts = files_of(session(
        ("user", "rename the helper"),
        ("assistant", "", (edit("lib/helpers.py"),)),
        ("assistant", "", (bash("git mv lib/helpers.py lib/text_utils.py"), edit("lib/text_utils.py"))),
    ))
    fact = facts["lib/helpers.py → lib/text_utils.py"]
    assert (fact.status, fact.key) == ("renamed", "lib/text_utils.py")
    assert "edited ×2" in fact.detail  # changed before and after the move: still one file
    assert len(facts) == 1


def test_a_file_created_in_the_session_and_then_moved_is_created_at_its_new_path() -> None:
    assert statuses(session(
        ("user", "add a script"),
        ("assistant", "", (write("draft.sh"), bash("mkdir -p scripts && mv draft.sh scripts/"))),
    )) == {"scripts/draft.sh": "created"}


def test_apply_patch_adds_updates_moves_and_deletes() -> None:
    patch = ("*** Begin Patch\n*** Add File: src/new_mod.rs\n+pub fn f() {}\n*** Update File: src/lib.rs\n"
             "*** Move to: src/core.rs\n@@\n-mod a;\n+mod b;\n*** Delete File: src/legacy.rs\n*** End Patch\n")
    assert statuses(session(
        ("user", "restructure the crate"),
        ("assistant", "", (ToolCall("apply_patch", {"input": patch}, output="Done!", exit_status=0),)),
    )) == {"src/new_mod.rs": "created", "src/lib.rs → src/core.rs": "renamed", "src/legacy.rs": "deleted"}


def test_a_unified_diff_from_dev_null_creates_and_to_dev_null_deletes() -> None:
    patch = ("--- /dev/null\n+++ b/docs/usage.md\n@@ -0,0 +1 @@\n+hi\n"
             "--- a/docs/old.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n")
    assert statuses(session(("user", "docs"), ("assistant", "", (ToolCall("apply_patch", patch, output="ok"),)))) == {
        "docs/usage.md": "created", "docs/old.md": "deleted"}


def test_windows_and_delete_tools_delete() -> None:
    assert statuses(session(
        ("user", "clean up"),
        ("assistant", "", (ToolCall("run_terminal_cmd", {"command": "Remove-Item -Path build\\out.txt -Force"},
                                    output="", exit_status=0),
                           ToolCall("run_terminal_cmd", {"command": "del /f notes.txt"}, output="", exit_status=0),
                           ToolCall("delete_file", {"target_file": "src/unused.ts"}, output="File deleted"))),
    )) == {"build\\out.txt": "deleted", "notes.txt": "deleted", "src/unused.ts": "deleted"}


def test_a_lockfile_removed_and_rebuilt_by_an_install_is_changed_not_deleted() -> None:
    facts = files_of(session(
        ("user", "fix the install"),
        ("assistant", "", (bash("rm -rf node_modules package-lock.json && npm install"), bash("rm yarn.lock"))),
    ))
    assert (facts["package-lock.json"].status, facts["yarn.lock"].status) == ("edited", "deleted")
    assert "deleted and regenerated" in facts["package-lock.json"].detail


def test_removing_a_folder_deletes_the_files_known_under_it() -> None:
    assert statuses(session(
        ("user", "drop the old api"),
        ("assistant", "", (edit("api/v1/routes.py"), edit("api/v2/routes.py"), bash("rm -rf api/v1"))),
    )) == {"api/v1/routes.py": "deleted", "api/v2/routes.py": "edited"}


def test_a_failed_command_a_glob_and_git_rm_cached_delete_nothing() -> None:
    assert statuses(session(
        ("user", "tidy"),
        ("assistant", "", (edit("a.py"), edit("b.py"), edit("c.py"),
                           bash("rm a.py", output="rm: a.py: Permission denied", exit_status=1),
                           bash("git rm --cached b.py"), bash("rm *.py"))),
    )) == {"a.py": "edited", "b.py": "edited", "c.py": "edited"}


def test_every_edit_failing_is_edit_failed_and_one_failure_among_edits_is_counted() -> None:
    failed = ToolCall("Edit", {"file_path": "src/x.py"}, output="String to replace not found", is_error=True)
    facts = files_of(session(
        ("user", "fix"),
        ("assistant", "", (failed, failed, edit("src/y.py"))),
        ("assistant", "", (replace(failed, input={"file_path": "src/y.py"}),)),
    ))
    assert (facts["src/x.py"].status, facts["src/y.py"].status) == ("edit failed", "edited")
    assert "tried ×2" in facts["src/x.py"].detail
    assert "1 edit failed" in facts["src/y.py"].detail


def test_reads_are_read_and_an_edit_after_a_read_is_edited() -> None:
    assert statuses(session(
        ("user", "look"),
        ("assistant", "", (ToolCall("Read", {"file_path": "src/a.py"}, output="x"),
                           ToolCall("Read", {"file_path": "src/b.py"}, output="x"), edit("src/b.py"))),
    )) == {"src/a.py": "read", "src/b.py": "edited"}


AIDER = (
    "# aider chat started at 2025-03-01 09:00:00\n\n"
    "#### /add app/cli.py app/old.py  \n\n"
    "> Added app/cli.py to the chat  \n"
    "> Added app/old.py to the chat  \n\n"
    "#### add a --json flag to app/cli.py  \n\n"
    "app/cli.py\n```python\n<<<<<<< SEARCH\n=======\nimport json\n>>>>>>> REPLACE\n```\n\n"
    "app/report.py\n```python\n<<<<<<< SEARCH\n=======\ndef report(): ...\n>>>>>>> REPLACE\n```\n\n"
    "> Applied edit to app/cli.py  \n\n"
    "#### /drop app/old.py  \n\n"
    "> Removed app/old.py from the chat  \n\n"
    "#### /add scenes/ghost.tscn  \n\n"
    "> Added scenes/ghost.tscn to the chat  \n"
    "> /home/dev/game/scenes/ghost.tscn: file not found error  \n"
    "> Dropping scenes/ghost.tscn from the chat.  \n\n"
    "#### remove the legacy module  \n\n"
    "> Deleting app/legacy.py  \n"
)


def test_aider_add_and_drop_are_housekeeping_and_a_proposed_block_is_not_an_edit() -> None:
    facts = files_of(read_transcript(AIDER, filename=".aider.chat.history.md"))
    assert {text: fact.status for text, fact in facts.items()} == {
        "app/cli.py": "edited",  # added, then an edit block applied
        "app/old.py": "read",  # added, then dropped: never deleted
        "app/report.py": "proposed",  # code written for it, never applied
        "app/legacy.py": "deleted",  # aider's patch format reports "Deleting P"
    }  # scenes/ghost.tscn: aider said it does not exist, so the read is no evidence
    assert all(fact.source != "user" for fact in facts.values())  # `/add x` typed is no mention


# ---- one normalised path per file -------------------------------------------------------------

def test_backslashes_and_dot_slash_are_one_file_shown_with_slashes() -> None:
    facts = files_of(session(
        ("user", "check .\\src\\views\\Home.tsx please"),
        ("assistant", "Edited `src/views/Home.tsx`.", (edit("src\\views\\Home.tsx"),)),
    ))
    assert list(facts) == ["src/views/Home.tsx"]
    assert facts["src/views/Home.tsx"].status == "edited"


def test_absolute_paths_under_the_working_folder_are_relative_and_keep_their_full_form_as_subject() -> None:
    facts = files_of(session(
        ("user", "fix src/app.py"),
        ("assistant", "", (edit("/home/me/proj/src/app.py"),
                           ToolCall("Read", {"file_path": "/home/me/proj/README.md"}, output="x"))),
        cwd="/home/me/proj",
    ))
    assert list(facts) == ["src/app.py", "README.md"]
    assert (facts["src/app.py"].status, facts["src/app.py"].source) == ("edited", "tool")
    assert facts["src/app.py"].subject == "/home/me/proj/src/app.py"
    assert facts["src/app.py"].key == "src/app.py"


def test_an_agent_started_in_the_home_folder_is_rooted_where_its_tools_worked() -> None:
    facts = files_of(session(
        ("user", "make the firmware"),
        ("assistant", "", (write("/Users/kim/Desktop/cam/platformio.ini"), write("/Users/kim/Desktop/cam/src/main.c"))),
        cwd="/Users/kim",
    ))
    assert list(facts) == ["platformio.ini", "src/main.c"]


def test_without_a_working_folder_an_absolute_path_ending_in_a_known_path_gives_the_root() -> None:
    facts = files_of(Transcript("aider", (
        Turn(0, "user", "see /work/shop/app/components/Header.tsx and /work/shop/instructions.md"),
        Turn(1, "assistant", "", (ToolCall("edit", {"path": "app/components/Header.tsx"}),)),
    )))
    assert {text: fact.status for text, fact in facts.items()} == {
        "app/components/Header.tsx": "edited", "instructions.md": "mentioned"}


def test_a_short_spelling_joins_the_one_file_it_ends_with_unless_two_do() -> None:
    facts = files_of(session(
        ("user", "Header.tsx and index.ts look wrong, also `a/src/api/client.ts` in the diff"),
        ("assistant", "", (edit("src/components/Header.tsx"), edit("src/index.ts"), edit("src/api/index.ts"),
                           edit("src/api/client.ts"))),
    ))
    assert set(facts) == {"src/components/Header.tsx", "src/index.ts", "src/api/index.ts", "src/api/client.ts",
                          "index.ts"}  # index.ts ends two files: it stays what the user wrote
    assert facts["index.ts"].status == "mentioned"


def test_two_tool_paths_are_never_joined_by_their_ending_and_case_is_kept() -> None:
    assert statuses(session(
        ("user", "docs"),
        ("assistant", "", (edit("README.md"), edit("docs/README.md"), edit("docs/readme.md"))),
    )) == {"README.md": "edited", "docs/README.md": "edited", "docs/readme.md": "edited"}


def test_a_markdown_escape_in_a_windows_path_is_not_a_folder() -> None:
    facts = files_of(Transcript("aider", (
        Turn(0, "user", "fix the login route"),
        Turn(1, "assistant", "Look at `app/routes/($locale).account_.login.tsx`.",
             (ToolCall("add_file", {"path": "app\\routes\\($locale).account\\_.login.tsx"}),
              ToolCall("edit", {"path": "app/routes/($locale).account\\_.login.tsx"}))),
    )))
    assert list(facts) == ["app/routes/($locale).account_.login.tsx"]
    assert facts["app/routes/($locale).account_.login.tsx"].status == "edited"


# ---- what is a file at all --------------------------------------------------------------------

def test_endpoints_routes_globs_packages_logs_and_framework_names_are_no_files() -> None:
    facts = extract_facts(session(
        ("user", "POST /api/users fails and GET /users/:id too; the route /account/login/callback 404s. "
                 "Run eslint on src/**/*.ts, bump @types/node, see /Users/me/.npm/_logs/2024-debug-0.log and "
                 "/tmp/build-123/out.txt, it is a Next.js app (next.js 14) using llama.cpp. Keep .env and "
                 "`config/app.yaml`, drop the tar.gz, and /dev/null the output of app.models.user"),
    ))
    assert {f.text for f in facts.files} == {".env", "config/app.yaml"}
    anchors = {f.text for f in facts.anchors}
    assert {"/api/users", "/account/login/callback"} <= anchors  # exact, but no files


def test_tool_reads_of_folders_logs_and_dependencies_are_dropped_but_edits_never_are() -> None:
    assert statuses(session(
        ("user", "debug"),
        ("assistant", "", (ToolCall("Read", {"file_path": "node_modules/react/index.js"}, output="x"),
                           ToolCall("Read", {"file_path": "logs/server.log"}, output="x"),
                           ToolCall("Read", {"file_path": "src"}, output="x"),
                           edit("/tmp/scratch.py"))),
    )) == {"/tmp/scratch.py": "edited"}


# ---- roles ------------------------------------------------------------------------------------

def test_the_role_is_the_kind_a_clause_next_to_the_path_and_counts() -> None:
    facts = files_of(session(
        ("user", "`metrics_check.py`: the Python rewrite. Also the new `auth.ts` handles tokens"),
        ("assistant", "", (edit("metrics_check.py"), edit("src/auth.ts"), edit("tests/test_auth.py"),
                           edit("package.json"), edit(".github/workflows/ci.yml"), edit("db/migrations/0002_add.sql"),
                           edit("yarn.lock"), edit("web/app.css"))),
        ("assistant", "", (edit("metrics_check.py"), edit("metrics_check.py"))),
    ))
    assert facts["metrics_check.py"].detail == '"the Python rewrite"; edited ×3, turns 1–2'
    assert facts["src/auth.ts"].detail == '"handles tokens"'
    kinds = {text: fact.detail for text, fact in facts.items() if text not in ("metrics_check.py", "src/auth.ts")}
    assert kinds == {"tests/test_auth.py": "test", "package.json": "dependency manifest",
                     ".github/workflows/ci.yml": "CI workflow", "db/migrations/0002_add.sql": "migration",
                     "yarn.lock": "lockfile", "web/app.css": "styles"}


def test_a_role_stays_short_and_line_numbers_questions_and_code_are_no_description() -> None:
    facts = files_of(session(
        ("user", "- `src/server.py`: line 42 throws\n- `src/db.py`: should it pool connections?\n"
                 "- `src/cfg.py`: DEBUG = True\n- `tests/test_long.py`: the end-to-end suite that boots the whole "
                 "stack, seeds the database, and checks every public endpoint of the service"),
        ("assistant", "", (edit("src/server.py"), edit("src/db.py"), edit("src/cfg.py"), edit("tests/test_long.py"))),
    ))
    assert [facts[p].detail for p in ("src/server.py", "src/db.py", "src/cfg.py")] == ["entry point", "", ""]
    long_role = facts["tests/test_long.py"].detail
    assert long_role.startswith('test; "the end-to-end suite') and "…" in long_role and len(long_role) <= 64


# ---- the current work -------------------------------------------------------------------------

def test_files_touched_since_the_latest_request_are_the_current_work() -> None:
    facts = extract_facts(session(
        ("user", "build the parser"), ("assistant", "", (edit("parser.py"),)),
        ("user", "now the CLI"), ("assistant", "", (edit("cli.py"),)),
    ))
    since = current_since(facts)
    assert since == 2
    assert {f.text: is_current(f, since) for f in facts.files} == {"parser.py": False, "cli.py": True}


def test_a_request_answered_in_words_keeps_the_last_stretch_of_work_current() -> None:
    turns: list[tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]]] = [("user", "start")]
    turns += [("assistant", "", (edit(f"old_{i}.py"),)) for i in range(20)]
    turns += [("user", "wire the router"), ("assistant", "", (edit("router.py"),)),
              ("user", "why does it 404?"), ("assistant", "Because the prefix is missing.")]
    facts = extract_facts(session(*turns))
    since = current_since(facts)
    current = {f.text for f in facts.files if is_current(f, since)}
    assert "router.py" in current and "old_0.py" not in current


def test_current_since_without_a_request_is_the_last_stretch() -> None:
    assert current_since(Facts(turn_count=40)) == 32
