"""The "## Git" section and the handoff's commit message, from plain values."""

from __future__ import annotations

from paas.core.git_briefing import (
    SUBJECT_MAX,
    commit_message,
    git_section,
    with_git_section,
    without_git_section,
)
from paas.core.git_state import Commit, FileChange, GitState, Uncommitted

HEAD = "1a2b3c4d" + "0" * 32
START = "9f8e7d6c" + "0" * 32


def words(text: str) -> int:
    return len(text.split())


def state(**fields: object) -> GitState:
    base: dict[str, object] = {
        "repo": "/work/shop", "head": HEAD, "branch": "main", "since": START,
        "commits": (Commit(HEAD, "fix: rounding"), Commit("5d6e7f80" + "0" * 32, "feat: retry")),
        "commits_total": 2, "changes": (FileChange("src/shop/checkout.py", 3, 1), FileChange("logo.png", None, None)),
        "files_changed": 2, "insertions": 3, "deletions": 1,
        "uncommitted": (Uncommitted("notes.md", "untracked"),), "uncommitted_total": 1,
    }
    return GitState(**{**base, **fields})  # type: ignore[arg-type]


def test_section_tells_branch_commits_diff_and_what_is_not_committed() -> None:
    text = git_section(state(), words, 500)
    assert text == (
        "## Git\n\n"
        "- Branch `main` at `1a2b3c4`\n"
        "- 2 commits since the session started at `9f8e7d6`:\n"
        "  - `1a2b3c4` fix: rounding\n"
        "  - `5d6e7f8` feat: retry\n"
        "- Diff since `9f8e7d6` (commits and work tree): 2 files changed, 3 insertions(+), 1 deletion(-)\n"
        "  - `src/shop/checkout.py` +3 −1\n"
        "  - `logo.png` binary\n"
        "- Not committed (1): `notes.md` untracked\n"
    )


def test_section_names_a_detached_head_a_rebase_and_the_problem() -> None:
    text = git_section(state(branch=None, detached=True, operation="rebase",
                             problem="Auto-commit refused: a rebase is in progress"), words, 500)
    assert "- Detached HEAD at `1a2b3c4` (no branch)" in text
    assert "- A rebase is in progress: finish it (`git rebase --continue` or `git rebase --abort`)" in text
    assert text.rstrip().endswith("- Auto-commit refused: a rebase is in progress")


def test_section_of_a_path_git_cannot_read_is_one_line() -> None:
    text = git_section(GitState(repo="/gone", problem="`git status` failed in /gone: not a git repository"),
                       words, 500)
    assert text == "## Git\n\n- `/gone`: `git status` failed in /gone: not a git repository\n"


def test_section_without_a_recorded_start_diffs_against_head_and_says_so() -> None:
    text = git_section(state(since=None, commits=(), commits_total=0), words, 500)
    assert "- The session's start was not recorded: the diff is against HEAD" in text
    assert "- Diff against HEAD (commits and work tree)" in text


def test_section_says_the_handoff_commit_and_a_clean_tree() -> None:
    text = git_section(state(uncommitted=(), uncommitted_total=0, committed=HEAD,
                             commit_subject="chore(handoff): fix rounding"), words, 500)
    assert "- Nothing left uncommitted" in text
    assert "- Committed at handoff: `1a2b3c4` chore(handoff): fix rounding" in text


def test_section_lists_shrink_until_it_fits_its_budget_and_headlines_stay() -> None:
    many = state(commits=tuple(Commit(f"{index:08x}" + "0" * 32, f"feat: change number {index}")
                               for index in range(30)), commits_total=30)
    roomy, tight = git_section(many, words, 1000), git_section(many, words, 60)
    assert roomy.count("feat: change number") == 8 and "… and 22 more" in roomy
    assert words(tight) <= 60 and "30 commits since" in tight and "Branch `main`" in tight
    assert tight.count("feat: change number") < 8


def test_clean_is_applied_to_subjects_and_paths() -> None:
    text = git_section(state(), words, 500, clean=lambda text: text.replace("rounding", "[x]"))
    assert "fix: [x]" in text and "rounding" not in text


def test_without_git_section_removes_only_that_section() -> None:
    briefing = "# Handoff\n\n## Next step\n\n- do it\n"
    with_git = with_git_section(briefing, git_section(state(), words, 500))
    assert with_git.startswith(briefing.rstrip()) and "## Git" in with_git
    assert without_git_section(with_git) == briefing
    middle = with_git + "\n## Own words\n\n- mine\n"
    assert without_git_section(middle) == briefing + "\n## Own words\n\n- mine\n"
    assert without_git_section(briefing) == briefing


BRIEFING = """# Handoff briefing: shop

- Source: claude_code_jsonl, 9 turns

## Latest request

```text
Add retry with exponential backoff to the HTTP client in `src/shop/http_client.py`.
```

(the user's words, turn 0; pastes summarised)

## Where it stands

- since the latest request (turn 0): created `test_http_retry.py`; edited `http_client.py`
- tests failing: `python -m pytest -q`: 1 failed, 11 passed (turn 7)

## Next step

- Fix the failure still standing at the end (turn 7), then re-run it.
"""


def test_commit_message_is_a_conventional_commit_from_the_briefing() -> None:
    message = commit_message(BRIEFING, session_number=3)
    subject, blank, *body = message.splitlines()
    assert subject.startswith("chore(handoff): add retry with exponential backoff")
    assert len(subject) <= SUBJECT_MAX and subject.endswith("…") and blank == ""
    assert body == [
        "Pending work committed at the handoff of session #3 (PAAS auto-commit).", "",
        "Where it stands:",
        "- since the latest request (turn 0): created test_http_retry.py; edited http_client.py",
        "- tests failing: python -m pytest -q: 1 failed, 11 passed (turn 7)", "",
        "Next step:",
        "- Fix the failure still standing at the end (turn 7), then re-run it.",
    ]


def test_commit_subject_prefers_the_objective_then_falls_back() -> None:
    assert commit_message(BRIEFING, objectives="Retry for the HTTP client.\nMore").splitlines()[0] == \
        "chore(handoff): retry for the HTTP client"
    assert commit_message("## Next step\n\n- Fix the rounding\n").splitlines()[0] == "chore(handoff): fix the rounding"
    assert commit_message("").splitlines()[0] == "chore(handoff): save pending work at handoff"
    assert commit_message("", objectives="API keys rotate").splitlines()[0] == "chore(handoff): API keys rotate"


def test_commit_message_ignores_an_earlier_git_section() -> None:
    with_git = with_git_section("## Next step\n\n- Ship it\n", git_section(state(), words, 500))
    assert "Branch" not in commit_message(with_git)
