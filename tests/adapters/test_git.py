"""The git adapter on real temporary repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from paas.adapters import git
from tests.git_helpers import commit_file, make_repo, start_conflicting_rebase
from tests.git_helpers import git as run_git

pytestmark = pytest.mark.usefixtures("isolated_git")


def test_state_after_commits_and_edits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    start = run_git(repo, "rev-parse", "HEAD")
    commit_file(repo, "src/app.py", "one\ntwo\nthree\n", "feat: app")
    last = commit_file(repo, "src/app.py", "one\n2\nthree\nfour\n", "fix: two is 2")
    (repo / "README.md").write_text("hello\nmore\n")  # tracked, not committed
    (repo / "scratch notes.txt").write_text("x\n")  # untracked, a space in its name
    (repo / ".gitignore").write_text("*.log\n")
    (repo / "debug.log").write_text("ignored\n")

    found = git.state(str(repo), start)

    assert (found.head, found.branch, found.detached, found.operation) == (last, "main", False, None)
    assert [(item.sha, item.subject) for item in found.commits] == [(last, "fix: two is 2"),
                                                                   (found.commits[1].sha, "feat: app")]
    assert found.commits_total == 2 and found.since == start and found.since_note is None
    # since the session's start: the two commits and the work tree's edit of README.md
    assert (found.files_changed, found.insertions, found.deletions) == (2, 5, 0)
    assert [(item.path, item.added, item.deleted) for item in found.changes] == [("src/app.py", 4, 0),
                                                                                ("README.md", 1, 0)]
    assert {(item.path, item.status) for item in found.uncommitted} == {
        ("README.md", "modified"), ("scratch notes.txt", "untracked"), (".gitignore", "untracked")}
    assert found.uncommitted_total == 3  # debug.log is ignored


def test_state_without_a_start_diffs_against_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "README.md").write_text("changed\n")
    found = git.state(str(repo), None)
    assert found.commits == () and found.commits_total == 0
    assert (found.files_changed, found.insertions, found.deletions) == (1, 1, 1)


def test_state_when_the_start_is_no_longer_an_ancestor_or_unknown(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    start = commit_file(repo, "a.txt", "a\n", "feat: a")
    run_git(repo, "commit", "-q", "--amend", "-m", "feat: a, reworded")  # history rewritten
    rewritten = git.state(str(repo), start)
    assert rewritten.since_note is not None and "history rewritten" in rewritten.since_note
    assert rewritten.commits == ()
    unknown = git.state(str(repo), "0123456789abcdef0123456789abcdef01234567")
    assert unknown.since_note is not None and "not in this repository" in unknown.since_note


def test_head_of_a_branch_a_detached_head_and_a_repository_without_commits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sha = run_git(repo, "rev-parse", "HEAD")
    assert git.head(str(repo)) == (sha, "main")
    run_git(repo, "checkout", "-q", "--detach")
    assert git.head(str(repo)) == (sha, None)
    detached = git.state(str(repo), sha)
    assert detached.detached and detached.branch is None and detached.head == sha
    empty = make_repo(tmp_path / "empty", first_commit=False)
    assert git.head(str(empty)) == (None, "main")


def test_a_path_that_is_no_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(git.GitError) as raised:
        git.work_tree(str(plain))
    assert raised.value.kind == git.GitError.NOT_A_REPOSITORY
    assert raised.value.message == f"{plain} is not a git repository (no work tree here or above)"
    with pytest.raises(git.GitError) as state_raised:
        git.state(str(plain), None)
    assert state_raised.value.kind == git.GitError.NOT_A_REPOSITORY


def test_inside_the_git_directory_is_not_a_work_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    with pytest.raises(git.GitError) as raised:
        git.work_tree(str(repo / ".git"))
    assert raised.value.kind == git.GitError.NOT_A_REPOSITORY
    assert raised.value.message == f"{repo / '.git'} is inside a git directory, not a work tree"
    assert git.work_tree(str(repo / ".git" / "..")) == str(repo)


def test_a_rebase_in_progress_is_reported_and_refuses_a_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    start_conflicting_rebase(repo)
    found = git.state(str(repo), None)
    assert found.operation == "rebase" and found.detached
    assert ("shared.txt", "conflicted") in {(item.path, item.status) for item in found.uncommitted}
    before = run_git(repo, "rev-parse", "HEAD")
    with pytest.raises(git.GitError) as raised:
        git.commit_all(str(repo), "chore(handoff): x\n")
    assert raised.value.kind == git.GitError.IN_PROGRESS
    assert raised.value.message == f"a rebase is in progress in {repo}: nothing was committed"
    assert run_git(repo, "rev-parse", "HEAD") == before


def test_a_merge_in_progress_refuses_a_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    commit_file(repo, "shared.txt", "base\n", "chore: shared")
    run_git(repo, "checkout", "-q", "-b", "other")
    commit_file(repo, "shared.txt", "other\n", "feat: other")
    run_git(repo, "checkout", "-q", "main")
    commit_file(repo, "shared.txt", "main\n", "feat: main")
    run_git(repo, "merge", "other", check=False)
    assert git.operation_in_progress(str(repo)) == "merge"
    with pytest.raises(git.GitError) as raised:
        git.commit_all(str(repo), "x\n")
    assert raised.value.kind == git.GitError.IN_PROGRESS


def test_commit_all_commits_everything_not_ignored(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".gitignore").write_text("*.log\n")
    (repo / "new.py").write_text("print('hi')\n")
    (repo / "README.md").write_text("changed\n")
    (repo / "debug.log").write_text("x\n")
    sha = git.commit_all(str(repo), "chore(handoff): save work\n\nbody line\n")
    assert sha == run_git(repo, "rev-parse", "HEAD")
    assert run_git(repo, "log", "-1", "--format=%s%n%b") == "chore(handoff): save work\nbody line"
    assert run_git(repo, "status", "--porcelain") == ""  # debug.log is ignored, not committed
    assert git.commit_all(str(repo), "nothing\n") is None  # nothing left to commit
    assert run_git(repo, "rev-parse", "HEAD") == sha


def test_commit_all_makes_the_first_commit_of_an_empty_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", first_commit=False)
    assert git.commit_all(str(repo), "x\n") is None
    (repo / "a.txt").write_text("a\n")
    sha = git.commit_all(str(repo), "feat: first\n")
    assert sha is not None and git.head(str(repo)) == (sha, "main")


def test_commit_refused_on_a_detached_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    run_git(repo, "checkout", "-q", "--detach")
    (repo / "README.md").write_text("changed\n")
    with pytest.raises(git.GitError) as raised:
        git.commit_all(str(repo), "x\n")
    assert raised.value.kind == git.GitError.DETACHED_HEAD
    assert "HEAD is detached" in raised.value.message and "check out a branch" in raised.value.message
    assert run_git(repo, "status", "--porcelain") == "M README.md"


def test_a_failing_commit_hook_is_a_failure_with_its_words(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    (repo / "README.md").write_text("changed\n")
    with pytest.raises(git.GitError) as raised:
        git.commit_all(str(repo), "x\n")
    assert raised.value.kind == git.GitError.FAILED and "lint says no" in raised.value.message


def test_git_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin-here"))
    with pytest.raises(git.GitError) as raised:
        git.head(str(repo))
    assert raised.value.kind == git.GitError.MISSING
    assert raised.value.message == "git is not installed (no `git` program on PATH)"


def test_our_own_git_dir_does_not_leak_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    other = make_repo(tmp_path / "other")
    commit_file(other, "other.txt", "other\n", "feat: another history")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))  # as inside another repository's hook
    assert git.head(str(repo))[0] == run_git(repo, "--git-dir", str(repo / ".git"), "rev-parse", "HEAD")
