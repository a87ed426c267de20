"""A project's git state as briefings tell it: what git printed, read into plain values.

The adapter (``adapters.git``) runs git and hands its porcelain output here; nothing in this
module runs a process. Formats read (all NUL-separated, so any file name survives):

- ``git status --porcelain=v2 --branch -z --untracked-files=all``: the header lines give the
  HEAD (``# branch.oid``, ``(initial)`` before the first commit) and the branch
  (``# branch.head``, ``(detached)`` when HEAD names no branch); each entry a changed path.
- ``git diff --numstat -z --no-renames BASE``: added, deleted (``-`` for a binary file), path.
- ``git log -z --format=%H%x1f%s``: one commit per record, sha and subject.

``GitState`` is what a briefing's "## Git" section and the snapshot's ``git_state`` column
say: branch, HEAD, commits since the session's start, the diff since then, files not
committed, and the problem, if any, that kept something from being read or committed.
Lists are capped where they are read (``CAP``); the totals stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CAP = 50  # commits, changed files, uncommitted files kept per list (their totals are exact)
NO_BRANCH = "(detached)"
UNBORN = "(initial)"
_KINDS = {"M": "modified", "T": "type changed", "A": "added", "D": "deleted", "R": "renamed", "C": "copied"}


@dataclass(frozen=True)
class Head:
    """Where a session started: HEAD's sha (None before the first commit), its branch (None: detached)."""

    sha: str | None
    branch: str | None


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str


@dataclass(frozen=True)
class FileChange:
    path: str
    added: int | None  # None: a binary file (git shows "-")
    deleted: int | None


@dataclass(frozen=True)
class Uncommitted:
    path: str
    status: str  # in words: modified, added, deleted, renamed, untracked, conflicted ...


@dataclass(frozen=True)
class Status:
    """``git status --porcelain=v2 --branch`` read: HEAD, branch and the paths not committed."""

    head: str | None  # None before the first commit
    branch: str | None  # None when HEAD is detached
    entries: tuple[Uncommitted, ...]


@dataclass(frozen=True)
class GitState:
    repo: str
    head: str | None = None
    branch: str | None = None
    detached: bool = False
    operation: str | None = None  # "rebase", "merge", "cherry-pick", "revert", "am" while one is unfinished
    since: str | None = None  # the HEAD recorded when the session started
    since_note: str | None = None  # why commits since it cannot be listed (unknown, history rewritten)
    commits: tuple[Commit, ...] = ()
    commits_total: int = 0
    changes: tuple[FileChange, ...] = ()
    files_changed: int = 0
    insertions: int = 0
    deletions: int = 0
    uncommitted: tuple[Uncommitted, ...] = ()
    uncommitted_total: int = 0
    committed: str | None = None  # the handoff's own commit, when auto_commit made one
    commit_subject: str | None = None
    problem: str | None = None  # what could not be read or committed, in words

    def as_json(self) -> dict[str, Any]:
        """What ``context_snapshots.git_state`` keeps."""
        return {
            "repo": self.repo, "head": self.head, "branch": self.branch, "detached": self.detached,
            "operation": self.operation, "since": self.since, "since_note": self.since_note,
            "commits": [{"sha": item.sha, "subject": item.subject} for item in self.commits],
            "commits_total": self.commits_total,
            "diff": {"files_changed": self.files_changed, "insertions": self.insertions,
                     "deletions": self.deletions,
                     "files": [{"path": item.path, "added": item.added, "deleted": item.deleted}
                               for item in self.changes]},
            "uncommitted": [{"path": item.path, "status": item.status} for item in self.uncommitted],
            "uncommitted_total": self.uncommitted_total,
            "committed": self.committed, "commit_subject": self.commit_subject, "problem": self.problem,
        }


def _records(text: str) -> list[str]:
    return [record for record in text.split("\0") if record]


def describe_status(xy: str) -> str:
    """A porcelain ``XY`` code in words (the index's change first, else the work tree's)."""
    if xy == "??":
        return "untracked"
    if "U" in xy or xy in ("AA", "DD"):
        return "conflicted"
    staged, unstaged = (xy + "..")[0], (xy + "..")[1]
    return _KINDS.get(staged if staged != "." else unstaged, "changed")


def parse_status(text: str) -> Status:
    """``git status --porcelain=v2 --branch -z --untracked-files=all``'s output."""
    head: str | None = None
    branch: str | None = None
    entries: list[Uncommitted] = []
    records = _records(text)
    skip_next = False
    for record in records:
        if skip_next:  # a rename's original path
            skip_next = False
            continue
        if record.startswith("# branch.oid "):
            oid = record.removeprefix("# branch.oid ")
            head = None if oid == UNBORN else oid
        elif record.startswith("# branch.head "):
            name = record.removeprefix("# branch.head ")
            branch = None if name == NO_BRANCH else name
        elif record.startswith("? "):
            entries.append(Uncommitted(record[2:], "untracked"))
        elif record.startswith(("1 ", "2 ", "u ")):
            # 1 XY sub mH mI mW hH hI path | 2 XY sub mH mI mW hH hI Xscore path | u XY sub m1 m2 m3 mW h1 h2 h3 path
            fields = {"1": 8, "2": 9, "u": 10}[record[0]]
            parts = record.split(" ", fields)
            if len(parts) > fields:
                xy = parts[1]
                entries.append(Uncommitted(parts[fields], "conflicted" if record[0] == "u" else describe_status(xy)))
            skip_next = record[0] == "2"
    return Status(head=head, branch=branch, entries=tuple(entries))


def parse_numstat(text: str) -> list[FileChange]:
    """``git diff --numstat -z --no-renames``'s output: one record per file."""
    changes = []
    for record in _records(text):
        added, _, rest = record.partition("\t")
        deleted, _, path = rest.partition("\t")
        if not path:
            continue
        changes.append(FileChange(path, int(added) if added.isdigit() else None,
                                  int(deleted) if deleted.isdigit() else None))
    return changes


def parse_log(text: str) -> list[Commit]:
    """``git log -z --format=%H%x1f%s``'s output, newest first."""
    commits = []
    for record in _records(text):
        sha, _, subject = record.strip("\n").partition("\x1f")
        if sha:
            commits.append(Commit(sha.strip(), subject.strip()))
    return commits


def diff_totals(changes: list[FileChange]) -> tuple[int, int, int]:
    """(files changed, insertions, deletions), as ``git diff --stat``'s last line counts them."""
    return (len(changes), sum(item.added or 0 for item in changes), sum(item.deleted or 0 for item in changes))


def stat_line(files: int, insertions: int, deletions: int) -> str:
    """``git diff --stat``'s summary line: ``3 files changed, 10 insertions(+), 2 deletions(-)``."""
    parts = [f"{files} file{'s' if files != 1 else ''} changed"]
    if insertions:
        parts.append(f"{insertions} insertion{'s' if insertions != 1 else ''}(+)")
    if deletions:
        parts.append(f"{deletions} deletion{'s' if deletions != 1 else ''}(-)")
    return ", ".join(parts)


def largest_first(changes: list[FileChange]) -> tuple[FileChange, ...]:
    """The changed files with the most lines changed first (binary files last), capped."""
    ordered = sorted(changes, key=lambda item: (-((item.added or 0) + (item.deleted or 0)), item.path))
    return tuple(ordered[:CAP])
