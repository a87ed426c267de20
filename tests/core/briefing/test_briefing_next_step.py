"""The next step from the assistant's closing words (an announced step never taken, a proposal,
a command the session ended during), and pasted terminal output that is nobody's words."""

from __future__ import annotations

from tests.core.briefing.steps import session

from paas.core.briefing import extract_facts
from paas.core.briefing.closing import closing_words
from paas.core.briefing.digest import summarise_pastes
from paas.core.briefing.next_step import next_step
from paas.core.briefing.previous import Carried
from paas.core.briefing.terminal import TerminalPastes, prompt_command
from paas.core.transcripts.model import ToolCall, Transcript


def step_of(transcript: Transcript, compact: bool = False) -> str:
    return next_step(extract_facts(transcript), Carried(), compact=compact)


REQUEST = ("user", "update that task spec: the title should be generated in the conventional commits format")


def test_a_step_announced_and_never_taken_is_the_next_step() -> None:
    reply = "Understood. I'll update the task specification with these requirements."
    transcript = session(REQUEST, ("assistant", reply))
    closing = closing_words(transcript)
    assert closing is not None and closing.status == "announced"
    step = step_of(transcript)
    assert "stopped there (turn 1)" in step
    assert "\"I'll update the task specification with these requirements.\"" in step
    assert step.endswith("Do it, for the latest request (turn 0).")  # quoted whole under Latest request
    long_request = ("user", "update that task spec: the title follows conventional commits. " + "More. " * 140)
    step = step_of(session(long_request, ("assistant", reply)))
    assert 'Do it, for the latest request (turn 0): "update that task spec' in step  # too long to be quoted whole


def test_an_announcement_followed_by_its_edit_is_not_pending() -> None:
    edit = ToolCall("Edit", {"file_path": "spec.md", "old_string": "a", "new_string": "b"}, output="updated",
                    call_id="t1")
    transcript = session(REQUEST, ("assistant", "I'll update the task specification now.", (edit,)))
    assert "stopped there" not in step_of(transcript)


def test_a_proposal_in_the_closing_sentences_is_the_next_step() -> None:
    transcript = session(
        ("user", "the viewer still fails with t.forEach is not a function, I'm using 1.4.36"),
        ("assistant", "The features format changed between versions.\n\n```python\nviewer_url = 'x@1.3.0'\n```\n\n"
                      "Let's try version 1.3.0 instead of 1.4.36 to see if this resolves the `forEach` error."),
    )
    step = step_of(transcript)
    assert step.startswith("Take up what the assistant proposed last (turn 1)")
    assert "Let's try version 1.3.0 instead of 1.4.36" in step


def test_optional_offers_hand_backs_and_change_lists_are_not_proposals() -> None:
    for reply in (
        "The page is done. If you want, you can also add a dark theme toggle.",
        "The page is done. Let me know when you're ready to proceed.",
        "The page is done. I'll wait for your confirmation before deploying.",
        "The page is done. I'll leave the styling as it is for now.",
        "These changes will:\n1. Add the companyName to the form data\n2. Remove the unused import",
        "The page is done. Should I run the tests now?",
    ):
        assert closing_words(session(REQUEST, ("assistant", reply))) is None, reply


def test_a_user_message_after_the_reply_means_nothing_is_left_hanging() -> None:
    transcript = session(REQUEST, ("assistant", "I'll update the specification."), ("user", "thanks, that's all"))
    assert closing_words(transcript) is None


def test_a_command_without_a_result_means_the_session_ended_during_it() -> None:
    build = ToolCall("Bash", {"command": "pio run"}, output="Output too large. Full output saved to: /tmp/r/b1.txt",
                     exit_status=0, call_id="t1")
    saved = "/Users/me/.claude/projects/-Users-me-board/71bb0519/tool-results/b1.txt"
    look = ToolCall("Bash", {"command": f"tail -50 {saved}"}, call_id="t2")
    transcript = session(("user", "write the QR scanner and flash the board"), ("assistant", "", (build,)),
                         ("assistant", "", (look,)))
    closing = closing_words(transcript)
    assert closing is not None and closing.status == "cut"
    step = step_of(transcript)
    assert step.startswith("The session stopped before `tail -50` `tool-results/b1.txt` returned (turn 2")
    assert "reading the output of `pio run` (turn 1)" in step


def test_a_harness_that_logs_no_results_is_not_cut_off() -> None:
    shell = ToolCall("shell", {"command": "python run.py"})  # aider: no call id, no output logged
    transcript = session(REQUEST, ("assistant", "Now run the app:", (shell,)))
    assert closing_words(transcript) is None or closing_words(transcript).status != "cut"  # type: ignore[union-attr]


PASTED_RUN = (
    "(venv) me@laptop process-xbrl % python3 main.py\n"
    " * Serving Flask app 'app'\n"
    "WARNING: This is a development server. Do not use it in a production deployment. "
    "Use a production WSGI server instead.\n"
    " * Running on http://127.0.0.1:8080\n"
    "\n"
    "so my app is a flask app and you must never change the port from 8080.\n"
)


def test_pasted_terminal_output_is_not_the_users_words() -> None:
    pastes = TerminalPastes(PASTED_RUN)
    assert pastes.inside(PASTED_RUN.index("Do not use it")) and not pastes.inside(PASTED_RUN.index("so my app"))
    facts = extract_facts(session(("user", PASTED_RUN), ("assistant", "Understood, the port stays 8080.")))
    rules = [f.text for f in facts.constraints]
    assert any("must never change the port" in r for r in rules)
    assert not any("production deployment" in r for r in rules)
    assert not any("WSGI" in f.text for f in facts.decisions)
    summary = summarise_pastes(PASTED_RUN)
    assert summary.startswith("[a 4-line terminal paste of `python3 main.py`") and "so my app" in summary


def test_prompts_of_every_shell_open_a_paste_and_tools_saying_please_do_not_close_it() -> None:
    for prompt in ("PS C:\\Users\\me\\site> npx astro sync", "me@box:~/app$ npm test", "$ cargo build"):
        text = f"{prompt}\nerror: the config is invalid, please migrate it\nDo not edit the lock file.\n"
        assert TerminalPastes(text).inside(text.index("Do not edit")), prompt
    assert prompt_command("(venv) me@host app % npm run dev") == "npm run dev"
    assert TerminalPastes("I use $ signs in prices and 50% off.\nNever change it.").spans == []
    assert TerminalPastes("$ 5 a month is too much.\nNever use a paid API.").spans == []


def test_edits_logged_without_their_paths_still_need_trying() -> None:
    unnamed = ToolCall("edit_file", {}, output="The apply model made the following changes", call_id="t9")
    transcript = session(REQUEST, ("assistant", "The spec is updated with both requirements.", (unnamed,)))
    facts = extract_facts(transcript)
    assert facts.edit_turns and not facts.edited_files
    assert next_step(facts, Carried()).startswith("Try the result of the latest request (turn 0)")


def test_small_budgets_do_not_quote_twice_what_the_briefing_quotes_above() -> None:
    reply = "Understood. I'll update the task specification with these requirements."
    step = step_of(session(REQUEST, ("assistant", reply)), compact=True)
    assert step.endswith("Do it, for the latest request (turn 0).") and "conventional commits" not in step
    failing = ToolCall("Bash", {"command": "npm run build"}, output="Error: Cannot find module 'react'", exit_status=1,
                       is_error=True, call_id="b1")
    edit = ToolCall("Edit", {"file_path": "/app/src/App.jsx", "old_string": "a", "new_string": "b"},
                    output="The file /app/src/App.jsx has been updated successfully.", call_id="e1")
    transcript = session(("user", "fix the build"), ("assistant", "Editing.", (edit,)),
                         ("assistant", "Building.", (failing,)))
    roomy, small = step_of(transcript), step_of(transcript, compact=True)
    assert "Cannot find module" in roomy
    assert small.startswith("Fix the failure still standing at the end (turn 2, under Errors): `npm run build`")
    assert "Cannot find module" not in small
