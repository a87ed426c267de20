"""briefing.changes: the names an edit added to a file, quoted from the edit, and where they show."""

from __future__ import annotations

from paas.core.briefing import BriefingOptions, build_briefing, extract_facts
from paas.core.briefing.changes import added_names, edit_delta, sole_named_file
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall, Transcript, Turn


def _words(text: str) -> int:
    return len(text.split())


def session(*turns: tuple[str, str, tuple[ToolCall, ...]], fmt: str = "claude_code_jsonl") -> Transcript:
    return Transcript(fmt, tuple(Turn(i, role, text, calls) for i, (role, text, calls) in enumerate(turns)))


def names_of(transcript: Transcript) -> dict[str, tuple[str, ...]]:
    return {fact.text: fact.names for fact in extract_facts(transcript).files}


def test_definitions_come_first_then_distinctive_identifiers_and_old_names_are_not_listed() -> None:
    old = "function roll(min, max) {\n  return Math.floor(Math.random() * (max - min + 1)) + min;\n}\n"
    new = ("function randomInRange(min, max) {\n  const range = max - min + 1;\n"
           "  const buf = new Uint32Array(1);\n  crypto.getRandomValues(buf);\n  return min + (buf[0] % range);\n}\n")
    names = added_names(old, new, ".js")
    assert names[0] == "randomInRange"
    assert "crypto.getRandomValues" in names
    assert "Math.floor" not in names and "roll" not in names  # the old text had them / they went
    assert not {"return", "const", "function", "min", "max"} & set(names)  # keywords and short words


def test_documents_list_the_headings_and_stylesheets_the_declarations_they_gained() -> None:
    assert added_names("# Title\n", "# Title\n\n## Install\n\ntext\n\n## Usage\n", ".md") == ["Install", "Usage"]
    assert added_names(".header {\n  padding-top: 1rem;\n}\n", ".header {\n  padding: 1rem 0;\n}\n",
                       ".css") == ["padding: 1rem 0"]


def test_identifiers_an_edit_took_out_are_reported_as_removed() -> None:
    added, removed = edit_delta("const lerpColor = mix(a, b);\n", "const startTime = now();\n", "src/Dots.kt")
    assert added == ("startTime",)
    assert "lerpColor" in removed


def test_a_claude_code_edit_gives_its_file_the_names_it_added_and_a_later_edit_removing_one_drops_it() -> None:
    transcript = session(
        ("user", "guard the route", ()),
        ("assistant", "", (ToolCall("Edit", {"file_path": "web/src/routes/login/+page.server.ts",
                                             "old_string": "import type { Actions } from './$types';",
                                             "new_string": "import type { Actions, PageServerLoad } from './$types';\n"
                                                           "export const load: PageServerLoad = async ({ locals }) => "
                                                           "{ if (locals.user) redirect(303, '/'); };\n"
                                                           "const legacyGuard = checkSession(locals);"},
                                    output="The file has been updated."),)),
        ("assistant", "", (ToolCall("Edit", {"file_path": "web/src/routes/login/+page.server.ts",
                                             "old_string": "const legacyGuard = checkSession(locals);",
                                             "new_string": ""}, output="The file has been updated."),)),
    )
    names = names_of(transcript)["web/src/routes/login/+page.server.ts"]
    assert names[:2] == ("load", "PageServerLoad")
    assert "locals.user" in names
    assert "legacyGuard" not in names  # added, then removed by the second edit


def test_a_failed_edit_adds_no_names() -> None:
    transcript = session(
        ("user", "rename it", ()),
        ("assistant", "", (ToolCall("Edit", {"file_path": "src/app.py", "old_string": "x = 1",
                                             "new_string": "def compute_total(rows):\n    return 1\n"},
                                    output="String to replace not found in file.", is_error=True),)),
    )
    assert names_of(transcript).get("src/app.py", ()) == ()


AIDER = """# aider chat started at 2025-01-02 10:00:00

#### make the chunks disposable

I'll free the chunk nodes when they leave the screen.

scenes/road/RoadManager.cs
```csharp
<<<<<<< SEARCH
    chunks.RemoveFirst();
=======
    var first = chunks.First.Value;
    RemoveChild(first);
    chunks.RemoveFirst();
    first.QueueFree();
>>>>>>> REPLACE
```

> Tokens: 1.0k sent, 200 received.
> Applied edit to scenes/road/RoadManager.cs
"""


def test_aider_search_replace_blocks_give_the_names_the_replace_half_added() -> None:
    names = names_of(read_transcript(AIDER, filename="chat.md"))["scenes/road/RoadManager.cs"]
    assert {"RemoveChild", "first.QueueFree"} <= set(names)
    assert "chunks.RemoveFirst" not in names  # it was there before


def test_a_pathless_diff_goes_to_the_one_file_the_assistant_names_around_it() -> None:
    assert sole_named_file("I've added the rule to the `.cursor/rules/test.mdc` file.") == ".cursor/rules/test.mdc"
    assert sole_named_file("Compare `a.py` with `b.py`.") == ""  # two files: no guess
    # a member access in backticks is no file: the one real file is the edit's
    assert sole_named_file("It compares with `expectedToc` instead of `after.includes` in `test.js`.") == "test.js"
    assert sole_named_file("It no longer uses `after.includes`.") == ""
    assert sole_named_file("```\n`inside.py`\n```\nnothing named outside") == ""
    transcript = session(
        ("user", "add the summary rule to test.mdc", ()),
        ("assistant", "The rule has been added to the `.cursor/rules/test.mdc` file.",
         (ToolCall("edit", {"diff": "+ ## Summary rule\n+ End every answer with a summary."}),)),
        fmt="specstory",
    )
    files = {fact.text: fact for fact in extract_facts(transcript).files}
    assert files[".cursor/rules/test.mdc"].status == "edited"
    assert files[".cursor/rules/test.mdc"].names == ("Summary rule",)


def test_the_briefing_says_what_a_changed_file_gained() -> None:
    transcript = session(
        ("user", "use a secure random source in the generator", ()),
        ("assistant", "", (ToolCall("Write", {"file_path": "index.html",
                                              "content": "<script>\nfunction randomInRange(min, max) {\n"
                                                         "  crypto.getRandomValues(buf);\n}\n</script>\n"},
                                     output="File created successfully at: index.html"),)),
        ("assistant", "Done: the generator now uses crypto.getRandomValues.", ()),
    )
    markdown = build_briefing(transcript, BriefingOptions(level="medium"), _words).markdown
    assert "`index.html` gained: `randomInRange`, `crypto.getRandomValues`" in markdown


def test_a_session_without_title_or_project_is_named_after_the_files_it_changed_most() -> None:
    edit = ToolCall("Edit", {"file_path": "ui/Dots.kt", "old_string": "a", "new_string": "b"}, output="updated")
    other = ToolCall("Edit", {"file_path": "ui/Theme.kt", "old_string": "a", "new_string": "b"}, output="updated")
    transcript = session(
        ("user", "polish the animation", ()),
        ("assistant", "", (edit, other)),
        ("assistant", "", (edit,)),
        fmt="aider",
    )
    markdown = build_briefing(transcript, BriefingOptions(level="high"), _words).markdown
    assert markdown.startswith("# Handoff briefing: work on `Dots.kt` and `Theme.kt`\n")
