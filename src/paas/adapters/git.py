"""git, through the ``git`` binary: a project's HEAD, its state since a commit, a commit of everything.

Every call is ``git -C REPO ...`` with a timeout, no terminal prompt (``GIT_TERMINAL_PROMPT=0``),
the C locale (messages and numbers as parsed), no optional locks (``git status`` never
takes the index lock another git in that tree may want), and without ``GIT_DIR`` /
``GIT_WORK_TREE`` / ``GIT_INDEX_FILE`` from our own environment (a hook that runs PAAS must not
point git at another repository). Output is read as UTF-8 (undecodable bytes replaced: the
result is stored as text). The porcelain is parsed by ``core.git_state``.

Failures are ``GitError`` with a ``kind``; ``services.git_state`` turns them into the domain's
errors (``InvalidInput`` for a path that is no repository or git missing, ``Conflict`` for a
commit refused) or into the briefing's words. A commit is refused on a detached HEAD (it
would belong to no branch and be easily lost) and while a rebase, merge, cherry-pick, revert
or ``git am`` is unfinished; the state is still read and reported in both cases.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

from paas.core.git_state import CAP, GitState, diff_totals, largest_first, parse_log, parse_numstat, parse_status

READ_TIMEOUT = 15.0  # seconds, for any reading command
COMMIT_TIMEOUT = 120.0  # git add + git commit (the repository's own hooks run)
OPERATIONS = (("rebase-merge", "rebase"), ("rebase-apply", "rebase"), ("MERGE_HEAD", "merge"),
              ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert"))
NOT_OURS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")


class GitError(Exception):
    NOT_A_REPOSITORY = "not_a_repository"
    DETACHED_HEAD = "detached_head"
    IN_PROGRESS = "operation_in_progress"
    MISSING = "git_missing"
    TIMEOUT = "timeout"
    FAILED = "failed"

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in NOT_OURS}
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", GIT_OPTIONAL_LOCKS="0")
    return env


def run(repo: str, *args: str, stdin: str | None = None, timeout: float = READ_TIMEOUT,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    """``git -C repo args...``; with ``check``, a non-zero exit is a ``GitError`` quoting git's message."""
    try:
        done = subprocess.run(["git", "-C", repo, *args], input=stdin, capture_output=True, timeout=timeout,
                              env=_environment(), encoding="utf-8", errors="replace",
                              stdin=subprocess.DEVNULL if stdin is None else None)
    except FileNotFoundError:
        raise GitError(GitError.MISSING, "git is not installed (no `git` program on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(GitError.TIMEOUT, f"`git {args[0]}` took longer than {timeout:g} s in {repo}") from None
    if check and done.returncode != 0:
        said = _first_line(done.stderr) or _first_line(done.stdout) or f"exit status {done.returncode}"
        kind = GitError.NOT_A_REPOSITORY if "not a git repository" in done.stderr else GitError.FAILED
        raise GitError(kind, f"`git {args[0]}` failed in {repo}: {said}")
    return done


def _first_line(text: str) -> str:
    return next((line.strip().removeprefix("fatal: ").removeprefix("error: ")
                 for line in text.splitlines() if line.strip()), "")


def work_tree(path: str) -> str:
    """The top of the work tree ``path`` is in, or ``GitError(NOT_A_REPOSITORY)``."""
    inside = run(path, "rev-parse", "--is-inside-work-tree", check=False)
    if inside.returncode == 0 and inside.stdout.strip() == "false":
        raise GitError(GitError.NOT_A_REPOSITORY, f"{path} is inside a git directory, not a work tree")
    if inside.returncode != 0:
        said = ("is not a git repository (no work tree here or above)" if "not a git repository" in inside.stderr
                else f"cannot be used: {_first_line(inside.stderr) or 'git refused it'}")  # e.g. dubious ownership
        raise GitError(GitError.NOT_A_REPOSITORY, f"{path} {said}")
    return run(path, "rev-parse", "--show-toplevel").stdout.strip()


def head(repo: str) -> tuple[str | None, str | None]:
    """``(sha, branch)`` of HEAD: sha None before the first commit, branch None when detached."""
    status = parse_status(run(repo, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=no").stdout)
    return status.head, status.branch


def operation_in_progress(repo: str) -> str | None:
    """The unfinished rebase, merge, cherry-pick, revert or ``git am`` in ``repo``, if any."""
    asked = [part for name, _ in OPERATIONS for part in ("--git-path", name)]
    paths = run(repo, "rev-parse", *asked).stdout.splitlines()
    for (name, operation), path in zip(OPERATIONS, paths, strict=False):
        found = Path(repo, path)
        if found.exists():
            return "am" if name == "rebase-apply" and (found / "applying").exists() else operation
    return None


def state(repo: str, since: str | None) -> GitState:
    """What a briefing tells of ``repo``: branch, HEAD, commits and diff since ``since`` (the HEAD
    the session started at), and what is not committed."""
    status = parse_status(run(repo, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all").stdout)
    found = GitState(repo=repo, head=status.head, branch=status.branch,
                     detached=status.head is not None and status.branch is None,
                     operation=operation_in_progress(repo), since=since,
                     uncommitted=status.entries[:CAP], uncommitted_total=len(status.entries))
    if status.head is None:
        return found
    base, note = "HEAD", None
    if since:
        ancestor = run(repo, "merge-base", "--is-ancestor", since, "HEAD", check=False).returncode
        if ancestor == 0:
            base = since
        else:
            note = ("not in this repository any more (the diff is against HEAD)" if ancestor != 1 else
                    "no longer an ancestor of HEAD (history rewritten; the diff is against HEAD)")
    commits, total = [], 0
    if base == since and since:
        commits = parse_log(run(repo, "log", "-z", "--format=%H%x1f%s", f"-n{CAP}", f"{since}..HEAD").stdout)
        total = int(run(repo, "rev-list", "--count", f"{since}..HEAD").stdout.strip() or 0)
    changes = parse_numstat(run(repo, "diff", "--numstat", "-z", "--no-renames", base).stdout)
    files, insertions, deletions = diff_totals(changes)
    return replace(found, since_note=note, commits=tuple(commits), commits_total=total,
                   changes=largest_first(changes), files_changed=files, insertions=insertions, deletions=deletions)


def commit_all(repo: str, message: str) -> str | None:
    """Stage everything (``.gitignore`` respected) and commit it with ``message``; the new sha, or
    None when there was nothing to commit. Refused on a detached HEAD or during a rebase/merge."""
    operation = operation_in_progress(repo)
    if operation:
        raise GitError(GitError.IN_PROGRESS, f"a {operation} is in progress in {repo}: nothing was committed")
    sha, branch = head(repo)
    if branch is None:
        raise GitError(GitError.DETACHED_HEAD, f"HEAD is detached at {(sha or '')[:7]} in {repo} "
                       "(a commit there belongs to no branch): nothing was committed; check out a branch")
    run(repo, "add", "--all", timeout=COMMIT_TIMEOUT)
    if run(repo, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return None
    run(repo, "commit", "--quiet", "--file=-", stdin=message, timeout=COMMIT_TIMEOUT)
    return run(repo, "rev-parse", "HEAD").stdout.strip()
