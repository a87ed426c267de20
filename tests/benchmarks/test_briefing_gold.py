"""The briefing benchmark's own rules: gold extraction, fact matching, anchors, baselines, fixtures."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from benchmarks.briefing.anchors import Haystack, faithfulness, find_anchors
from benchmarks.briefing.baselines import original_baseline, tail_baseline
from benchmarks.briefing.facts import BriefingIndex, Fact, GoldFacts, lcs_length, matches, recall_by_category
from benchmarks.briefing.formats import FORMATS, render
from benchmarks.briefing.gold import commit_message, error_text, extract_gold
from benchmarks.briefing.synthetic import CONSTRAINT_TOKEN, LATEST_REQUEST, scenario


def words(text: str) -> int:
    """A stand-in token counter: one token per whitespace-separated word."""
    return len(text.split())


def texts(gold: GoldFacts, category: str) -> list[str]:
    return [fact.text for fact in gold.facts[category]]


AIDER = """# aider chat started at 2025-01-02 10:00:00

> Aider v0.86.2  

#### add a greeting to app.py  
#### and a farewell to src/bye.py  

Sure.

> Tokens: 2.1k sent, 120 received.  
> Applied edit to app.py  
> Applied edit to src/bye.py  
> Commit 1a2b3c4 feat: greet and say bye  
> Running pytest -q  
> litellm.RateLimitError: rate limited  
> Tokens: 1k sent, 20 received.  

#### /ask what does main do?  

It prints a greeting.

> Tokens: 1k sent, 20 received.  

#### /drop app.py  

> ModuleNotFoundError: No module named 'greetings'  
"""


def test_aider_edits_commit_command_and_errors() -> None:
    gold = extract_gold(AIDER, "aider")
    assert texts(gold, "edited_files") == ["app.py", "src/bye.py"]
    assert texts(gold, "commits") == ["1a2b3c4"]
    assert texts(gold, "commands") == ["pytest -q"]
    assert texts(gold, "errors") == ["litellm.RateLimitError: rate limited",
                                     "ModuleNotFoundError: No module named 'greetings'"]
    # the rate limit is followed by a model reply (Tokens:), the last error by nothing
    assert texts(gold, "unresolved_errors") == ["ModuleNotFoundError: No module named 'greetings'"]


def test_aider_latest_request_skips_slash_commands_and_strips_ask() -> None:
    assert texts(extract_gold(AIDER, "aider"), "latest_request") == ["what does main do?"]
    doubled = "#### first line\n\n#### second line\n\nReply.\n\n> Tokens: 1k sent\n\n#### /clear\n"
    assert texts(extract_gold(doubled, "aider"), "latest_request") == ["first line\nsecond line"]


def test_aider_architect_copy_of_the_answer_is_not_the_latest_request() -> None:
    plan = "Add a lint_all.sh script at the repository root that runs ruff on backend and eslint on frontend."
    history = (f"#### Please add one command that lints everything\n\n{plan}\n\n> Tokens: 2k sent\n"
               f"> Edit the files? (Y)es/(N)o [Yes]: y\n\n#### {plan}\n\nlint_all.sh\n> Applied edit to lint_all.sh\n")
    assert texts(extract_gold(history, "aider"), "latest_request") == ["Please add one command that lints everything"]


def jsonl(*records: dict[str, Any]) -> str:
    return "\n".join(json.dumps(record) for record in records) + "\n"


def user(content: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "user", "message": {"role": "user", "content": content}, **extra}


def tool_use(call_id: str, name: str, **arguments: Any) -> dict[str, Any]:
    block = {"type": "tool_use", "id": call_id, "name": name, "input": arguments}
    return {"type": "assistant", "message": {"role": "assistant", "content": [block]}}


def result(call_id: str, output: str, is_error: bool = False) -> dict[str, Any]:
    return user([{"type": "tool_result", "tool_use_id": call_id, "content": output, "is_error": is_error}])


HEREDOC_COMMIT = 'git add -A && git commit -m "$(cat <<\'EOF\'\nAdd the license and a test\n\nBody.\nEOF\n)"'
CLAUDE = jsonl(
    user("<local-command-caveat>Caveat: do not respond</local-command-caveat>", isMeta=True),
    user("add an MIT license and make the tests pass"),
    tool_use("t1", "Write", file_path="/repo/LICENSE", content="MIT"),
    result("t1", "File created successfully"),
    tool_use("t2", "Bash", command="pytest -q"),
    result("t2", "Exit code 1\ncollected 3 items\nE   AssertionError: 1 != 2\n1 failed", is_error=True),
    tool_use("t3", "Edit", file_path="/repo/a.py", old_string="1", new_string="2"),
    result("t3", "The file /repo/a.py has been updated."),
    tool_use("t4", "Edit", file_path="/repo/never.py", old_string="x", new_string="y"),
    result("t4", "<tool_use_error>String to replace not found in file.</tool_use_error>", is_error=True),
    tool_use("t5", "Bash", command="pytest  -q"),
    result("t5", "3 passed"),
    tool_use("t6", "Bash", command=HEREDOC_COMMIT),
    result("t6", "[main (root-commit) e2aec0d] Add the license and a test\n 2 files changed"),
    user([{"type": "text", "text": "[Request interrupted by user]"}]),
    user("<command-name>/clear</command-name>"),
    user("now write a README"),
)


def test_claude_code_gold() -> None:
    gold = extract_gold(CLAUDE, "claude_code_jsonl")
    assert texts(gold, "edited_files") == ["/repo/LICENSE", "/repo/a.py"]  # the failed edit does not count
    assert texts(gold, "commands") == ["pytest -q", HEREDOC_COMMIT]  # "pytest  -q" is the same command
    [commit] = gold.facts["commits"]
    assert (commit.text, commit.rule, commit.alternatives) == ("Add the license and a test", "phrase",
                                                               (("sha", "e2aec0d"),))
    assert texts(gold, "errors") == ["E   AssertionError: 1 != 2", "String to replace not found in file."]
    # pytest passed later (same command, whitespace-normalised); the edit of never.py was never retried
    assert texts(gold, "unresolved_errors") == ["String to replace not found in file."]
    assert texts(gold, "latest_request") == ["now write a README"]


def test_pi_agent_reads_only_the_active_branch() -> None:
    def entry(entry_id: str, parent: str | None, message: dict[str, Any]) -> dict[str, Any]:
        return {"type": "message", "id": entry_id, "parentId": parent, "message": message}

    def call(call_id: str, name: str, **arguments: Any) -> dict[str, Any]:
        return {"role": "assistant", "content": [{"type": "toolCall", "id": call_id, "name": name,
                                                  "arguments": arguments}]}

    def answer(call_id: str, text: str, is_error: bool = False) -> dict[str, Any]:
        return {"role": "toolResult", "toolCallId": call_id, "isError": is_error,
                "content": [{"type": "text", "text": text}]}

    session = jsonl(
        {"type": "session", "version": 3, "id": "s"},
        entry("u1", None, {"role": "user", "content": [{"type": "text", "text": "fix login"}]}),
        entry("a1", "u1", call("c1", "edit", path="/r/abandoned.ts")),
        entry("r1", "a1", answer("c1", "ok")),
        entry("a2", "u1", call("c2", "edit", path="/r/login.ts")),
        entry("r2", "a2", answer("c2", "Successfully replaced 1 block(s)")),
        entry("a3", "r2", call("c3", "bash", command="npm test")),
        entry("r3", "a3", answer("c3", "1 failing\n\nCommand exited with code 1", is_error=True)),
    )
    gold = extract_gold(session, "pi_agent_jsonl")
    assert texts(gold, "edited_files") == ["/r/login.ts"]
    assert texts(gold, "commands") == ["npm test"]
    assert texts(gold, "unresolved_errors") == ["1 failing"]
    assert texts(gold, "latest_request") == ["fix login"]


SPECSTORY = """<!-- Generated by SpecStory -->

# A task (2025-04-28 17:34:44)

_**User**_

start the session

---

_**Assistant**_

Let me try.

---

```bash
minsky session start --task 005
```

```
error: missing required argument 'session'
```

---

```python:app/routes.py
def index(): ...
```

---

_**User**_

and now?

---
"""


def test_specstory_gold() -> None:
    gold = extract_gold(SPECSTORY, "specstory")
    assert texts(gold, "edited_files") == ["app/routes.py"]
    assert texts(gold, "commands") == ["minsky session start --task 005"]
    assert texts(gold, "unresolved_errors") == ["error: missing required argument 'session'"]
    assert texts(gold, "latest_request") == ["and now?"]


def test_error_text_and_commit_message() -> None:
    assert error_text("Exit code 2\n\nwarming up\nfatal: not a git repository") == "fatal: not a git repository"
    assert error_text("(no output)\n\nCommand exited with code 1", fallback="grep x") == "grep x"
    assert error_text("==== [FAILED] Took 3 s ====") == "[FAILED] Took 3 s"
    assert commit_message("git commit -am 'fix: a bug'") == "fix: a bug"
    assert commit_message('git commit --message="two words" && git push') == "two words"


def test_fact_matching_rules() -> None:
    index = BriefingIndex("Edited `src/a.py` and `C:\\w\\b.ts`; commit 1A2B3C4D. Ran `pytest   -q tests/`.")
    assert matches("path", "/home/me/repo/src/a.py", index)
    assert matches("path", "b.ts", index)
    assert not matches("path", "data.py", BriefingIndex("see `metadata.py`"))
    assert not matches("path", "a.py", BriefingIndex("see `data.py`"))
    assert matches("sha", "1a2b3c4d5e6f", index)
    assert not matches("sha", "2b3c4d5", index)
    assert matches("command", "pytest -q tests/", index)
    # a command stated without the "cd <dir> &&" that opened it is still that command
    assert matches("command", "cd /home/me/w && npx svelte-check --tsconfig ./tsconfig.json",
                   BriefingIndex("ran `npx svelte-check --tsconfig ./tsconfig.json` (turn 3)"))
    assert not matches("command", "cd /home/me/w && npx svelte-check --tsconfig ./tsconfig.json",
                       BriefingIndex("ran `cd /home/me/w` (turn 3)"))
    long_error = "TypeError: cannot read properties of undefined (reading 'map') at render (App.js:12)"
    assert matches("error", long_error, BriefingIndex(f"- unresolved: {long_error[:60]}… (turn 4)"))
    assert not matches("error", long_error, BriefingIndex(f"- {long_error[:50]}"))


REQUEST = ("Please add a CSV export button to the invoice table, keep the totals aligned with the PDF output, "
           "and do not touch the tax rules again because finance signed them off last week.")


def test_latest_request_matcher() -> None:
    def found(briefing: str) -> bool:
        return BriefingIndex(briefing).recalls(Fact("latest_request", REQUEST, "request"))

    assert found(f"## Latest request\n\n> {REQUEST}\n")
    assert found("## Latest request\n\nplease add a CSV export button to the invoice table, keep totals aligned with "
                 "the PDF output, and do not touch the tax rules again because finance signed them off")
    assert not found("## Latest request\n\nRefactor the login page and add dark mode to the settings screen.")
    scattered = " filler " * 10
    assert not found(scattered.join(REQUEST.split()[:25]) + " ok")  # right words, but not together


def test_recall_by_category_skips_empty_categories() -> None:
    gold = GoldFacts()
    gold.add(Fact("edited_files", "src/a.py", "path"))
    gold.add(Fact("edited_files", "src\\a.py", "path"))  # the same file written the Windows way
    gold.add(Fact("commits", "abcdef1", "sha"))
    recall, missed = recall_by_category(gold, "edited a.py")
    assert recall["edited_files"] == 1.0 and recall["commits"] == 0.0 and recall["errors"] is None
    assert missed == {"commits": ["abcdef1"]}


def test_faithfulness_flags_invented_anchors_and_skips_the_header() -> None:
    transcript = json.dumps({"content": "edited src/app.py\nran `npm test`, port 8080"}) + "\n"
    briefing = ("# Handoff briefing\n\n- Tokens: 48,611 → 1,148 (97.6% saved, cl100k_base)\n\n## Files\n\n"
                "- `src/app.py`, `src/ghost.py` (turn 12)\n- ran `npm test` on port 8080, 3 files\n")
    assert ("identifier", "cl100k_base") not in find_anchors(briefing)
    result = faithfulness(briefing, Haystack.of(transcript))
    assert result.unverified == ["identifier: src/ghost.py"]
    assert result.anchors == 4  # src/app.py, src/ghost.py, npm test, 8080


def test_a_redacted_secret_is_checked_like_an_elision() -> None:
    transcript = "DATABASE_URL=postgresql://app:S3cr3t-pa55@db.internal:5432/app\n"
    url = "postgresql://app:[redacted: password]@db.internal:5432/app"
    briefing = (f"# Handoff briefing\n\n## Files\n\n- `DATABASE_URL={url}`\n"
                f"- see {url} and https://x.example/a?key=[redacted: API key]\n")
    result = faithfulness(briefing, Haystack.of(transcript))
    assert result.unverified == ["path: https://x.example/a?key=…"]  # only the invented host


@pytest.mark.parametrize("budget", [5, 12, 40])
def test_tail_and_original_baselines_respect_the_budget(budget: int) -> None:
    text = "\n".join(f"line {n} " + "word " * (n % 7) for n in range(200)) + "\nimportant: keep the flag ✅\n"
    tail = tail_baseline(text, budget, words)
    assert 0 < words(tail) <= budget and tail.endswith("keep the flag ✅")
    for level in ("low", "medium", "high"):
        assert words(original_baseline(text, level, budget, words)) <= budget
    assert "important: keep the flag" in original_baseline(text, "high", 10_000, words)
    assert "important" not in original_baseline(text, "medium", 10_000, words)


def test_synthetic_scenario_plants_its_facts_in_every_format() -> None:
    story = scenario(seed=7, filler=2, needle_at=0.5)
    assert texts(story.gold, "edited_files") == ["billing/invoice.py", "billing/tax_rules.py", "billing/rounding.py",
                                                 "web/src/InvoiceTable.tsx"]
    assert len(story.gold.facts["unresolved_errors"]) == 1 and len(story.gold.facts["errors"]) == 2
    assert texts(story.gold, "latest_request") == [LATEST_REQUEST]
    assert story.needle is not None
    for fmt in FORMATS:
        text = render(fmt, story.events)
        assert story.needle in text and CONSTRAINT_TOKEN in text and LATEST_REQUEST in text.replace("\\", "")
    assert scenario(seed=7, filler=2).events == scenario(seed=7, filler=2).events  # seeded: reproducible


def test_lcs_length_and_gold_independence() -> None:
    assert lcs_length(list("abcbdab"), list("bdcaba")) == 4
    assert lcs_length(["a"], []) == 0
    gold_dir = Path(__file__).resolve().parents[2] / "benchmarks" / "briefing" / "gold"
    imported = set()
    for path in gold_dir.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    assert not [name for name in imported if name.split(".")[0] == "paas"]  # gold shares no code with the product


def test_aider_an_answer_to_aiders_own_question_is_not_the_latest_request() -> None:
    history = ("#### rename the blog slugs to ids\n\nI need these files.\n\n> src/pages/blog/index.astro\n"
               "> Add file to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]: a\n\n"
               "#### Add file to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]: all\n\nDone.\n")
    assert texts(extract_gold(history, "aider"), "latest_request") == ["rename the blog slugs to ids"]


def test_faithfulness_is_a_target_at_high_too() -> None:
    from benchmarks.briefing.runner import targets

    summary = {"corpus": {"briefing": {"high": {"macro": 0.8, "within_budget": True, "faithfulness": 0.98}}}}
    checks = {c["target"]: c["passed"] for c in targets(summary, [])}
    assert checks["corpus high faithfulness"] is False
    summary["corpus"]["briefing"]["high"]["faithfulness"] = 1.0
    assert {c["target"]: c["passed"] for c in targets(summary, [])}["corpus high faithfulness"] is True
