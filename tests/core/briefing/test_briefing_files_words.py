"""briefing.files from words and shell: code written for a file, clauses describing it, `cd` and moves."""

from __future__ import annotations

from paas.core.briefing import Fact, extract_facts
from paas.core.briefing.file_ops import patch_ops, shell_file_ops
from paas.core.briefing.paths import is_file_mention, is_route, normal_path, path_kind
from paas.core.transcripts.model import ToolCall, Transcript, Turn


def files_of(*turns: tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]], cwd: str = "") -> dict[str, Fact]:
    built = [Turn(i, t[0], t[1], t[2] if len(t) == 3 else ()) for i, t in enumerate(turns)]  # type: ignore[misc]
    transcript = Transcript("codex_jsonl", tuple(built), metadata={"cwd": cwd} if cwd else {})
    return {fact.text: fact for fact in extract_facts(transcript).files}


def test_code_written_for_a_file_in_any_of_the_usual_ways_is_proposed() -> None:
    facts = files_of(
        ("user", "sketch the service"),
        ("assistant", "```python:svc/api.py\nimport x\n```\n\n**`svc/db.py`**\n```python\npool = 1\n```\n\n"
                      "```ts\n// web/client.ts\nexport {}\n```\n\n```bash\n# just run it\nmake\n```"),
    )
    assert {text: fact.status for text, fact in facts.items()} == {
        "svc/api.py": "proposed", "svc/db.py": "proposed", "web/client.ts": "proposed"}


def test_a_proposed_file_that_a_tool_then_wrote_is_created() -> None:
    facts = files_of(
        ("user", "add it"),
        ("assistant", "svc/api.py\n```python\nimport x\n```",
         (ToolCall("write_to_file", {"path": "svc/api.py", "content": "import x"}, output="ok"),)),
    )
    assert facts["svc/api.py"].status == "created"


def test_clauses_in_tables_and_after_change_verbs_are_roles() -> None:
    facts = files_of(
        ("user", "summarise"),
        ("assistant", "| File | Purpose |\n|---|---|\n| `src/app.py` | the FastAPI entry |\n\n"
                      "Updated `src/router.py` to register the health route.",
         (ToolCall("apply_patch", "*** Begin Patch\n*** Update File: src/app.py\n*** Update File: src/router.py\n"
                                  "*** End Patch", output="ok"),)),
    )
    assert facts["src/app.py"].detail == 'entry point; "the FastAPI entry"'
    assert facts["src/router.py"].detail == '"to register the health route"'


def test_the_latest_description_wins() -> None:
    facts = files_of(
        ("user", "`jobs.py`: the nightly export"),
        ("assistant", "", (ToolCall("apply_patch", "*** Begin Patch\n*** Update File: jobs.py\n*** End Patch"),)),
        ("user", "`jobs.py`: now the hourly export and the cleanup"),
    )
    assert facts["jobs.py"].detail == '"now the hourly export and the cleanup"'


def test_a_cd_earlier_in_the_command_places_the_paths_it_removes_and_moves() -> None:
    assert shell_file_ops("cd web && rm src/old.ts && mv a.ts b.ts") == [
        ("delete", "web/src/old.ts", ""), ("rename", "web/a.ts", "web/b.ts")]
    assert shell_file_ops("git mv docs/a.md docs/guide/ && ren notes.txt todo.txt") == [
        ("rename", "docs/a.md", "docs/guide/a.md"), ("rename", "notes.txt", "todo.txt")]
    facts = files_of(
        ("user", "move it"),
        ("assistant", "", (ToolCall("shell", {"command": ["bash", "-lc", "cd /repo/web && git mv app.js main.js"]},
                                    output="", exit_status=0),)),
        cwd="/repo",
    )
    assert facts["web/app.js → web/main.js"].status == "renamed"


def test_a_rename_tool_and_a_git_diff_rename() -> None:
    assert patch_ops("diff --git a/x.py b/y.py\nrename from x.py\nrename to y.py\n--- a/x.py\n+++ b/y.py\n") == [
        ("rename", "x.py", "y.py")]
    facts = files_of(
        ("user", "rename"),
        ("assistant", "", (ToolCall("rename_file", {"source": "lib/a.go", "destination": "lib/b.go"}, output="ok"),)),
    )
    assert facts["lib/a.go → lib/b.go"].key == "lib/b.go"


def test_path_shapes() -> None:
    assert normal_path("./src/../lib//x.py") == "lib/x.py"
    assert normal_path("/mnt/c/Users/me/p/a.py") == normal_path("C:\\Users\\me\\p\\a.py") == "c:/Users/me/p/a.py"
    assert normal_path("app/routes/account\\_.tsx") == "app/routes/account_.tsx"  # a Markdown escape
    assert [is_file_mention(t) for t in ("src/a.py:42", "@upload.html", "Makefile", ".env", "python3.11",
                                         "example.com/robots.txt", "mod_rewrite.c", "post.user_id", ".tsx",
                                         "vendor.min.js", "static/shared-83657f5bea40178e.js")] == [
        True, True, True, True, False, False, False, False, False, False, False]
    assert is_route("/api/v2/orders") and is_route("/users/:id") and is_route("/robots.txt")
    assert not is_route("/etc/nginx/nginx.conf")
    assert [path_kind(p) for p in ("src/__tests__/a.test.ts", "Dockerfile", "poetry.lock", "README.md", "data/x.csv",
                                   "dist/app.js", "CLAUDE.md", "src/main.rs", "scripts/deploy.py")] == [
        "test", "build config", "lockfile", "docs", "data", "build output", "agent instructions", "entry point",
        "script"]


def test_codex_shell_form_of_apply_patch_is_an_edit() -> None:
    patch = "*** Begin Patch\n*** Update File: cli/main.go\n@@\n-a\n+b\n*** Add File: cli/flags.go\n+x\n*** End Patch"
    facts = files_of(
        ("user", "add a flag"),
        ("assistant", "", (ToolCall("shell", {"command": ["apply_patch", patch]}, output="Success.", exit_status=0),)),
        cwd="/repo",
    )
    assert {text: fact.status for text, fact in facts.items()} == {"cli/main.go": "edited", "cli/flags.go": "created"}


def test_bare_names_with_several_dots_or_a_rarer_type_are_files_but_identifiers_are_not() -> None:
    facts = files_of(
        ("user", "vite.config.ts breaks and `creating-tasks.mdc` is stale; `post.id` is null and the `.tsx` files too"),
    )
    assert set(facts) == {"vite.config.ts", "creating-tasks.mdc"}
