"""Where it stands, in the words a reader expects: created vs edited, checks that only fail where
they failed before, a filtered look at a check that keeps its summary, looks around ranked low,
and what "it" is in the question a short reply answers; a change of intent the user took back."""

from __future__ import annotations

from tests.core.briefing.steps import Step
from tests.core.briefing.steps import session as steps_session

from paas.core.briefing import extract_facts
from paas.core.briefing.previous import Carried
from paas.core.briefing.prose import open_items
from paas.core.briefing.render import items_for
from paas.core.briefing.salience import Salience
from paas.core.briefing.state import in_progress
from paas.core.transcripts.model import ToolCall, Transcript, Turn


def session(*turns: Step) -> Transcript:
    return steps_session(*turns, fmt="claude_code_jsonl")


def bash(command: str, output: str, status: int = 0, n: int = 0) -> ToolCall:
    return ToolCall("Bash", {"command": command}, output=output, exit_status=status, is_error=status != 0,
                    call_id=f"c{n}")


def write(path: str, n: int) -> ToolCall:
    return ToolCall("Write", {"file_path": path, "content": "x = 1\n"}, output=f"File created successfully at: {path}",
                    call_id=f"w{n}")


def edit(path: str, n: int) -> ToolCall:
    return ToolCall("Edit", {"file_path": path, "old_string": "a", "new_string": "b"},
                    output=f"The file {path} has been updated successfully.", call_id=f"e{n}")


CHECK = "npx svelte-check --tsconfig ./tsconfig.json"


def profile_session() -> Transcript:
    return session(
        ("user", "show the layout first"),
        ("assistant", "Looking.", (edit("/app/src/routes/+layout.svelte", 1),)),
        ("user", "now implement the profile page like lichess"),
        ("assistant", "Writing the page.", (write("/app/src/routes/profile/+page.svelte", 2),
                                            edit("/app/src/routes/+layout.svelte", 3))),
        ("assistant", "Checking.", (bash(f"{CHECK} 2>&1 | tail -5",
                                         "svelte-check found 4 errors and 2 warnings in 2 files", 0, 4),)),
        ("assistant", "Only in the profile files?", (bash(f"{CHECK} 2>&1 | grep profile", "(no output)", 1, 5),)),
        ("assistant", "Clean: no errors in the profile files; the 4 errors are pre-existing in matches/add, "
                      "not from this work."),
    )


def test_created_and_edited_files_are_told_apart_since_the_request() -> None:
    line = in_progress(extract_facts(profile_session()))
    assert "created `+page.svelte`" in line and "edited `+layout.svelte`" in line


def test_a_filtered_look_at_a_check_keeps_the_summary_an_earlier_run_showed() -> None:
    tests = extract_facts(profile_session()).tests
    assert [t.text for t in tests] == ["svelte-check found 4 errors and 2 warnings in 2 files"]
    assert tests[0].count == 2 and tests[0].status == "failed"


def test_a_check_failing_only_where_it_failed_before_is_said_so() -> None:
    facts = extract_facts(profile_session())
    assert "only pre-existing check failures" in in_progress(facts)
    texts = [i.text for i in items_for(facts, Carried(), Salience(facts.turn_count, {}))]
    assert any(t.startswith("failing before this work: ") for t in texts)
    assert not any(t.startswith("tests failing: ") for t in texts)


def test_looking_around_ranks_below_commands_that_did_something() -> None:
    transcript = session(
        ("user", "build the firmware"),
        ("assistant", "Building.", (bash("ls /app", "main.c", 0, 1), bash("pio run", "SUCCESS", 0, 2),
                                    bash("wc -l main.c", "40 main.c", 0, 3))),
    )
    facts = extract_facts(transcript)
    ranked = {i.text.split("`")[1]: i.priority for i in items_for(facts, Carried(), Salience(facts.turn_count, {}))
              if i.category == "command"}
    assert ranked["pio run"] > ranked["wc -l main.c"] and ranked["pio run"] > ranked["ls /app"]


def test_a_short_reply_says_what_it_in_the_question_is() -> None:
    transcript = session(
        ("user", "is there a session file somewhere? would be cool to store it in git"),
        ("assistant", "Found it — it's a JSONL file at:\n`~/.claude/projects/-home-me-random/a263b894.jsonl`\n\n"
                      "Want me to copy it into the repo and commit it? Something like `session.jsonl`?"),
        ("user", "yes please"),
    )
    facts = extract_facts(transcript)
    assert facts.request_context is not None
    assert facts.request_context.detail == "~/.claude/projects/-home-me-random/a263b894.jsonl"
    texts = [i.text for i in items_for(facts, Carried(), Salience(facts.turn_count, {}), compact=True)]
    assert any('"it" being `~/.claude/projects/-home-me-random/a263b894.jsonl`' in t for t in texts)


def test_a_change_of_intent_the_user_takes_back_is_marked_so() -> None:
    transcript = session(
        ("user", "write the TOC conversion script for the dev.to posts"),
        ("assistant", "Done, the script converts the TOC."),
        ("user", "ok, another thing, instead of one build job, split main.yml into separate jobs with names"),
        ("assistant", "Split into test, prepare and publish jobs."),
        ("user", "nevermind , i undid your changes, so don't do anything related to this now."),
        ("assistant", "Understood, the workflow stays one job."),
        ("user", "now add a console log showing the path"),
    )
    facts = extract_facts(transcript)
    assert [(f.turn, f.status) for f in facts.intents][:2] == [(0, "first"), (2, "taken back")]
    texts = [i.text for i in items_for(facts, Carried(), Salience(facts.turn_count, {}))]
    assert any(t.startswith("Then (turn 2; taken back by the user at turn 4)") for t in texts)


def test_a_changed_list_of_requirements_keeps_every_item_at_roomy_budgets() -> None:
    changed = ("Sorry, the requirements just changed. I now want this: 1. A list of all .md files in the root folder "
               "2. The name of the license 3. List of all releases with release timestamp 4. List of all contributors "
               "with their latest contribution 5. List of all commits 6. List of all issues and whether closed")
    transcript = session(("user", "write a bash script that checks a repository's health via the GraphQL API"),
                         ("assistant", "Done: metrics_check.sh."), ("user", changed), ("assistant", "Updated."),
                         ("user", "now make the output more verbose please"))
    facts = extract_facts(transcript)
    goal = [i.text for i in items_for(facts, Carried(), Salience(facts.turn_count, {})) if i.section == "Goal"]
    assert any("6. List of all issues and whether closed" in t for t in goal)


def test_a_file_created_before_the_request_was_only_edited_since() -> None:
    transcript = session(
        ("user", "create the blog index"),
        ("assistant", "Created.", (write("/app/src/pages/blog/index.astro", 1),)),
        ("user", "use post.id instead of post.slug in the blog links"),
        ("assistant", "Changed.", (edit("/app/src/pages/blog/index.astro", 2),)),
    )
    line = in_progress(extract_facts(transcript))
    assert "edited `index.astro`" in line and "created" not in line


def test_a_section_named_next_steps_is_not_work_left_to_do() -> None:
    turns = (Turn(0, "user", "add the rules to summary_rule.mdc"),
             Turn(1, "assistant", 'I apply the summary rule. However, I do not apply the "Next Steps" section, '
                                  "as it does not match my guidelines. Next, I'll test the remaining rules."))
    items = [f.text for f in open_items(Transcript("plain", turns, metadata={}))]
    assert not any('"Next Steps" section' in t for t in items)
    assert any("Next, I'll test the remaining rules." in t for t in items)


def test_what_is_quoted_once_is_not_repeated_elsewhere() -> None:
    transcript = session(
        ("user", "the viewer fails with t.forEach is not a function"),
        ("assistant", "Which version of ixbrl-viewer are you using?"),
        ("user", "1. pasted in 2 snippets of code.\n2. i'm using 1.4.36"),
        ("assistant", "The features format changed. Let's try version 1.3.0 instead of 1.4.36 to see if this "
                      "resolves the `forEach` error."),
    )
    facts = extract_facts(transcript)
    items = items_for(facts, Carried(), Salience(facts.turn_count, {}), compact=True)
    step = next(i.text for i in items if i.section == "Next step")
    assert "Let's try version 1.3.0 instead of 1.4.36" in step
    assert not any(i.section == "Decisions" and "1.3.0" in i.text for i in items)  # quoted in the next step
    assert not any(i.text.startswith("the request has 2 parts") for i in items)  # the short request is quoted whole


def test_a_message_that_is_one_of_the_rules_ranks_after_the_other_messages() -> None:
    transcript = session(
        ("user", "add the disclaimer to base_page.html"), ("assistant", "Added."),
        ("user", "make sure the two sentences are always on two separate lines"), ("assistant", "Done."),
        ("user", "my routes live in routes.py and the viewer is built in xbrl_processing.py"), ("assistant", "Ok."),
        ("user", "the viewer still fails to load"),
    )
    facts = extract_facts(transcript)
    assert any("two separate lines" in f.text for f in facts.constraints)
    said = {i.text.split(":", 1)[0]: i.priority
            for i in items_for(facts, Carried(), Salience(facts.turn_count, {})) if i.section == "What the user said"}
    assert said["turn 2"] < said["turn 4"] - 10  # turn 2 is the rule, shown under Constraints
