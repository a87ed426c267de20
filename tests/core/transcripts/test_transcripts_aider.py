"""Aider chat history: runs, prompts, replies and aider's own output as tool calls."""

from __future__ import annotations

from paas.core.transcripts import read_transcript
from paas.core.transcripts.aider import read_aider

HISTORY = """
# aider chat started at 2025-01-02 10:00:00

> /usr/bin/aider --model sonnet  
> Aider v0.86.2  
> Main model: claude-sonnet-4-5 with diff edit format  
> Git repo: .git with 3 files  

#### add a greeting to app.py  
#### and commit it  

I'll add the greeting.

app.py
```python
<<<<<<< SEARCH
=======
#### not a prompt: inside a fenced block
> not aider output either
print("hi")
>>>>>>> REPLACE
```

> Tokens: 2.1k sent, 120 received. Cost: $0.01 message, $0.01 session.  
> Applied edit to app.py  
> Commit 1a2b3c4 feat: add greeting  
> You can use /undo to undo and discard each aider commit.  

#### /run pytest  
> Add 0.1k tokens of command output to the chat? (Y)es/(N)o [Yes]: n  

#### /ask what does main do?  

#### what does main do?  

It prints a greeting.

> Tokens: 1k sent, 20 received.  

# aider chat started at 2025-01-03 09:00:00

> Aider v0.86.2  

#### run the tests  

Run them with:

```bash
pytest -q
```

> pytest -q  
> Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: y  
> Running pytest -q  
> Add command output to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: y  
> Added 12 lines of output to the chat.  
> litellm.RateLimitError: rate limited  
> src/a.py  
> src/b.py  
> Add these files to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]: a  
> Added src/a.py to the chat  
> Applied edit to src/a.py  
> Unable to commit: Cmd('git') failed due to: exit code(128)  
> cmdline: git commit -m fix --no-verify -- src/a.py  
> stderr: 'error: gpg failed to sign the data:  
> fatal: failed to write commit object'  
"""


def test_runs_become_system_turns_with_their_start_time() -> None:
    transcript = read_aider(HISTORY)
    runs = [turn for turn in transcript.turns if turn.text.startswith("aider chat started at")]
    assert [turn.timestamp for turn in runs] == ["2025-01-02 10:00:00", "2025-01-03 09:00:00"]
    assert all(turn.role == "system" for turn in runs)
    assert "Aider v0.86.2" in runs[0].text and "Git repo: .git with 3 files" in runs[0].text
    assert transcript.metadata["sessions"] == ["2025-01-02 10:00:00", "2025-01-03 09:00:00"]
    assert transcript.metadata["models"] == ["claude-sonnet-4-5"]


def test_consecutive_prompt_lines_form_one_user_turn_and_ask_echo_is_dropped() -> None:
    transcript = read_aider(HISTORY)
    assert [turn.text for turn in transcript.user_turns] == [
        "add a greeting to app.py\nand commit it",
        "/run pytest",
        "/ask what does main do?",
        "run the tests",
    ]
    assert transcript.user_turns[0].source_line == 9


def test_reply_text_keeps_fenced_lines_that_look_like_prompts_or_output() -> None:
    transcript = read_aider(HISTORY)
    reply = transcript.turns[transcript.user_turns[0].index + 1]
    assert reply.role == "assistant"
    assert reply.text.startswith("I'll add the greeting.")
    assert "#### not a prompt: inside a fenced block" in reply.text
    assert "> not aider output either" in reply.text
    assert "Tokens:" not in reply.text


def test_edits_and_commits_are_tool_calls_of_the_reply() -> None:
    transcript = read_aider(HISTORY)
    reply = transcript.turns[transcript.user_turns[0].index + 1]
    assert [(call.name, call.input) for call in reply.tool_calls] == [
        ("edit", {"path": "app.py"}),
        ("commit", {"sha": "1a2b3c4", "message": "feat: add greeting"}),
    ]
    assert all(call.output is None and not call.is_error for call in reply.tool_calls)


def test_shell_runs_file_adds_and_failed_commits() -> None:
    transcript = read_aider(HISTORY)
    last_reply = transcript.assistant_turns[-1]
    assert last_reply.text.startswith("Run them with:")
    names = [call.name for call in last_reply.tool_calls]
    assert names == ["shell", "add_file", "add_file", "edit", "commit"]
    shell, add_a, add_b, edit, commit = last_reply.tool_calls
    assert shell.input == {"command": "pytest -q"} and shell.output is None and shell.exit_status is None
    assert add_a.input == {"path": "src/a.py"} and add_b.input == {"path": "src/b.py"}  # "Added src/a.py" deduped
    assert edit.input == {"path": "src/a.py"}
    assert commit.is_error and commit.exit_status == 128
    assert commit.input == {"command": "git commit -m fix --no-verify -- src/a.py"}
    assert commit.output is not None
    assert "gpg failed to sign" in commit.output and "failed to write commit object" in commit.output


def test_other_aider_messages_are_kept_as_system_notices_without_noise() -> None:
    transcript = read_aider(HISTORY)
    notices = "\n".join(turn.text for turn in transcript.turns if turn.role == "system")
    assert "litellm.RateLimitError: rate limited" in notices
    assert "Add 0.1k tokens of command output to the chat? n" in notices
    for noise in ("Tokens:", "You can use /undo", "Added 12 lines of output", "Add command output"):
        assert noise not in notices


def test_multi_line_output_message_without_quote_prefix_is_one_message() -> None:
    text = (
        "#### run it  \n\nOk.\n\n> cd app\npython main.py  \n"
        "> Run shell commands? (Y)es/(N)o [Yes]: y  \n> Running cd app  \n> Running python main.py  \n"
    )
    transcript = read_aider(text)
    assert transcript.assistant_turns[0].text == "Ok."
    assert [call.input for call in transcript.tool_calls] == [{"command": "cd app"}, {"command": "python main.py"}]
    assert all("python main.py" not in turn.text for turn in transcript.turns)


def test_unclosed_fence_in_an_interrupted_reply_does_not_swallow_the_next_prompt() -> None:
    text = "#### write it  \n\nHere:\n\nmain.py\n```python\n<<<<<<< SE\n\n\n#### never mind  \n\nOk.\n"
    transcript = read_aider(text)
    assert [turn.text for turn in transcript.user_turns] == ["write it", "never mind"]
    assert transcript.assistant_turns[-1].text == "Ok."


def test_heading_in_a_reply_is_not_a_prompt_when_prompts_carry_the_two_space_mark() -> None:
    text = "#### explain  \n\nSure.\n\n#### 1. First step\n\nDo this.\n\n> Tokens: 1k sent  \n"
    transcript = read_aider(text)
    assert [turn.text for turn in transcript.user_turns] == ["explain"]
    assert "#### 1. First step" in transcript.assistant_turns[0].text


def test_history_with_stripped_trailing_spaces_and_doubled_line_breaks() -> None:
    text = (
        "# aider chat started at 2024-08-20 21:00:03\n\n#### first line\n\n#### second line\n\n"
        "Reply.\n\n#### 2. A heading right after reply text\n\nMore reply.\n\n> Tokens: 1k sent\n\n"
        "#### next prompt\n"
    )
    transcript = read_aider(text)
    assert [turn.text for turn in transcript.user_turns] == ["first line\nsecond line", "next prompt"]
    assert "#### 2. A heading right after reply text" in transcript.assistant_turns[0].text


def test_reasoning_blocks_are_dropped_and_crlf_is_handled() -> None:
    text = (
        "#### hi  \r\n\r\n<thinking-content-7bbeb8e1>\r\nsecret plan\r\n</thinking-content-7bbeb8e1>\r\n\r\nHello!\r\n"
    )
    transcript = read_aider(text)
    assert transcript.user_turns[0].text == "hi"
    assert transcript.assistant_turns[0].text == "Hello!"


def test_read_transcript_detects_aider_without_a_run_header() -> None:
    transcript = read_transcript("#### do x  \n\nDone.\n\n> Applied edit to x.py  \n")
    assert transcript.format == "aider"
    assert transcript.tool_calls[0].input == {"path": "x.py"}


ARCHITECT = """
# aider chat started at 2025-08-06 12:06:30

> aider --architect --model sonnet  
> Aider v0.85.2  
> Model: claude-sonnet-4-5 with architect edit format  
> Editor model: claude-haiku-4-5 with editor-diff edit format  

#### make the greeting configurable  

Plan for the greeting:

1. Add a `GREETING` setting to config.py.
2. Read it in app.py instead of the literal.

> Tokens: 1.6k sent, 200 received.  

#### Plan for the greeting:  
####   
#### 1. Add a `GREETING` setting to config.py.  
#### 2. Read it in app.py instead of the literal.  

config.py
```python
<<<<<<< SEARCH
=======
GREETING = "hi"
>>>>>>> REPLACE
```

> Tokens: 2k sent, 90 received.  
> Applied edit to config.py  
> Commit 1a2b3c4 feat: configurable greeting  

#### Plan for the greeting: thanks, now add a test  

A test plan:

- Call `greet()` and compare with `GREETING`.

> Tokens: 1k sent, 50 received.  
> Edit the files? (Y)es/(N)o [Yes]: y  

#### A test plan:  
####   
#### - Call `greet()` and compare with `GREETING`.  

tests/test_app.py
```python
<<<<<<< SEARCH
=======
def test_greet(): ...
>>>>>>> REPLACE
```

> Applied edit to tests/test_app.py  

#### /code rename greet to hello  

Renamed.

> Applied edit to app.py  

#### Renamed.  

Ok.
"""


def test_architect_answers_passed_to_the_editor_are_not_the_user_speaking() -> None:
    transcript = read_aider(ARCHITECT)
    assert [turn.text for turn in transcript.user_turns] == [
        "make the greeting configurable",
        "Plan for the greeting: thanks, now add a test",  # starts like the reply, but repeats nothing
        "/code rename greet to hello",
        "Renamed.",  # repeats the reply, but /code replies are never handed to an editor
    ]
    assert [handoff["echo_line"] for handoff in transcript.metadata["architect_handoffs"]] == [18, 44]
    assert transcript.metadata["editor_models"] == ["claude-haiku-4-5"]


def test_the_architect_text_is_kept_once_and_the_editor_reply_is_its_own_turn() -> None:
    transcript = read_aider(ARCHITECT)
    everything = "\n".join(turn.text for turn in transcript.turns)
    assert everything.count("Read it in app.py instead of the literal.") == 1
    assert everything.count("Call `greet()` and compare with `GREETING`.") == 1
    architect, editor = transcript.assistant_turns[:2]
    assert architect.text.startswith("Plan for the greeting:") and architect.tool_calls == ()
    assert editor.text.startswith("config.py")
    assert [(call.name, call.input) for call in editor.tool_calls] == [
        ("edit", {"path": "config.py"}),
        ("commit", {"sha": "1a2b3c4", "message": "feat: configurable greeting"}),
    ]
    lines = {h["architect_line"]: h["echo_line"] for h in transcript.metadata["architect_handoffs"]}
    assert lines == {11: 18, 37: 44}  # the architect's reply, then aider's copy of it
    assert transcript.turns[architect.index + 1] is editor


def test_a_confirmed_edit_question_is_the_handoff_not_a_notice() -> None:
    transcript = read_aider(ARCHITECT)
    notices = "\n".join(turn.text for turn in transcript.turns if turn.role == "system")
    assert "Edit the files?" not in notices
    test_edit = next(turn for turn in transcript.assistant_turns if turn.text.startswith("tests/test_app.py"))
    assert [call.input for call in test_edit.tool_calls] == [{"path": "tests/test_app.py"}]


def test_a_declined_edit_question_keeps_the_next_prompt_as_the_user() -> None:
    text = (
        "> Model: sonnet with architect edit format  \n\n#### plan it  \n\nStep one.\n\n> Tokens: 1k sent  \n"
        "> Edit the files? (Y)es/(N)o [Yes]: n  \n\n#### Step one.  \n\nOk.\n"
    )
    transcript = read_aider(text)
    assert [turn.text for turn in transcript.user_turns] == ["plan it", "Step one."]
    assert "Edit the files? n" in "\n".join(turn.text for turn in transcript.turns if turn.role == "system")
    assert transcript.metadata["architect_handoffs"] == []


def test_a_confirmed_handoff_that_does_not_repeat_the_reply_is_the_agent_not_the_user() -> None:
    text = (
        "> Model: sonnet with architect edit format  \n\n#### plan it  \n\nStep one.\n\n> Tokens: 1k sent  \n"
        "> Edit the files? (Y)es/(N)o [Yes]: y  \n\n#### Step one, reworded.  \n\nDone.\n"
    )
    transcript = read_aider(text)
    assert [turn.text for turn in transcript.user_turns] == ["plan it"]
    assert [turn.text for turn in transcript.assistant_turns] == ["Step one.", "Step one, reworded.", "Done."]


def test_a_one_shot_architect_command_hands_over_in_a_code_mode_run() -> None:
    text = (
        "> Main model: sonnet with diff edit format  \n\n#### /architect add logging  \n\n#### add logging  \n\n"
        "Use the logging module.\n\n> Tokens: 1k sent  \n\n#### Use the logging module.  \n\nDone.\n\n"
        "#### Done.  \n"
    )
    transcript = read_aider(text)
    assert [turn.text for turn in transcript.user_turns] == ["/architect add logging", "Done."]
    assert [turn.text for turn in transcript.assistant_turns] == ["Use the logging module.", "Done."]


def test_a_repeated_reply_outside_architect_mode_is_still_the_user() -> None:
    text = (
        "> Main model: sonnet with diff edit format  \n\n#### hi  \n\nHello.\n\n> Tokens: 1k sent  \n\n#### Hello.  \n"
    )
    assert [turn.text for turn in read_aider(text).user_turns] == ["hi", "Hello."]


def test_a_confirmed_new_file_is_created_by_its_edit() -> None:
    log = """# aider chat started at 2026-11-20 10:00:00

#### Rewrite the script in Python

metrics_check.py
```python
print("metrics")
```

> metrics_check.py
> Create new file? (Y)es/(N)o [Yes]: y
> Applied edit to metrics_check.py
> Applied edit to README.md
"""
    calls = [c for turn in read_transcript(log, filename=".aider.chat.history.md").turns for c in turn.tool_calls]
    edits = {c.input["path"]: c.output for c in calls if c.name == "edit"}
    assert edits["metrics_check.py"] == "Create new file? (Y)es/(N)o [Yes]: y"
    assert not edits["README.md"]  # an edit of a file that existed says nothing of the kind
