"""Reading git's porcelain into values (no git runs here)."""

from __future__ import annotations

from paas.core.git_state import (
    CAP,
    Commit,
    FileChange,
    GitState,
    Uncommitted,
    describe_status,
    diff_totals,
    largest_first,
    parse_log,
    parse_numstat,
    parse_status,
    stat_line,
)

SHA = "893a53bddb6d039f6f33b4f3f26775ffbde62c45"
BLOB = "78981922613b2afb6025042ff6bd878ac1994e85"


def z(*records: str) -> str:
    return "".join(f"{record}\0" for record in records)


def test_status_reads_head_branch_and_every_kind_of_entry() -> None:
    text = z(
        f"# branch.oid {SHA}", "# branch.head main", "# branch.upstream origin/main", "# branch.ab +1 -0",
        f"1 .M N... 100644 100644 100644 {BLOB} {BLOB} src/app.py",
        f"1 A. N... 000000 100644 100644 {'0' * 40} {BLOB} new file.py",
        f"2 R. N... 100644 100644 100644 {BLOB} {BLOB} R100 renamed.py", "old name.py",
        f"u UU N... 100644 100644 100644 100644 {BLOB} {BLOB} {BLOB} both.txt",
        "? notes/todo.md",
    )
    status = parse_status(text)
    assert status.head == SHA and status.branch == "main"
    assert status.entries == (
        Uncommitted("src/app.py", "modified"), Uncommitted("new file.py", "added"),
        Uncommitted("renamed.py", "renamed"), Uncommitted("both.txt", "conflicted"),
        Uncommitted("notes/todo.md", "untracked"),
    )


def test_status_of_a_detached_head_and_of_a_repository_without_commits() -> None:
    assert parse_status(z(f"# branch.oid {SHA}", "# branch.head (detached)")).branch is None
    unborn = parse_status(z("# branch.oid (initial)", "# branch.head main", "? a.txt"))
    assert unborn.head is None and unborn.branch == "main" and unborn.entries == (Uncommitted("a.txt", "untracked"),)


def test_status_codes_in_words() -> None:
    assert [describe_status(code) for code in ("??", "M.", ".M", "MM", ".D", "D.", "A.", ".T", "AA", "DU", "..")] == [
        "untracked", "modified", "modified", "modified", "deleted", "deleted", "added", "type changed",
        "conflicted", "conflicted", "changed"]


def test_numstat_with_a_binary_file_and_totals_like_diff_stat() -> None:
    changes = parse_numstat(z("10\t2\tsrc/app.py", "-\t-\tlogo.png", "0\t7\tgone.py"))
    assert changes == [FileChange("src/app.py", 10, 2), FileChange("logo.png", None, None),
                       FileChange("gone.py", 0, 7)]
    assert diff_totals(changes) == (3, 10, 9)
    assert stat_line(3, 10, 9) == "3 files changed, 10 insertions(+), 9 deletions(-)"
    assert stat_line(1, 1, 0) == "1 file changed, 1 insertion(+)"
    assert [item.path for item in largest_first(changes)] == ["src/app.py", "gone.py", "logo.png"]


def test_largest_first_is_capped() -> None:
    many = [FileChange(f"f{index}.py", index, 0) for index in range(CAP + 10)]
    kept = largest_first(many)
    assert len(kept) == CAP and kept[0].path == f"f{CAP + 9}.py"


def test_log_reads_sha_and_subject_newest_first() -> None:
    text = z(f"{SHA}\x1ffix: rounding in checkout", f"{'a' * 40}\x1ffeat: retry with backoff")
    assert parse_log(text) == [Commit(SHA, "fix: rounding in checkout"), Commit("a" * 40, "feat: retry with backoff")]
    assert parse_log("") == []


def test_state_as_json_is_what_the_snapshot_keeps() -> None:
    state = GitState(repo="/r", head=SHA, branch="main", since="a" * 40, commits=(Commit(SHA, "fix"),),
                     commits_total=1, changes=(FileChange("x.py", 1, 0),), files_changed=1, insertions=1,
                     uncommitted=(Uncommitted("y.py", "untracked"),), uncommitted_total=1, committed=SHA,
                     commit_subject="chore(handoff): x")
    found = state.as_json()
    assert found["commits"] == [{"sha": SHA, "subject": "fix"}]
    assert found["diff"] == {"files_changed": 1, "insertions": 1, "deletions": 0,
                             "files": [{"path": "x.py", "added": 1, "deleted": 0}]}
    assert found["uncommitted"] == [{"path": "y.py", "status": "untracked"}]
    assert (found["committed"], found["detached"], found["problem"]) == (SHA, False, None)
