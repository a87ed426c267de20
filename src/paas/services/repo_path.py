"""A project's ``repo_path``: what it may be, and git's errors in the domain's words.

``checked_repo_path`` is what every door's create and change of a project applies: absolute,
an existing directory, inside a git work tree (asked of git itself, so a worktree, a submodule
or a ``safe.directory`` refusal is judged as git judges it). It runs git: callers run it before
their unit's first statement, so it never runs while the write lock is held.
"""

from __future__ import annotations

import os
from pathlib import Path

from paas.adapters import git
from paas.core.errors import Conflict, InvalidInput, PaasError


def as_domain_error(problem: git.GitError) -> PaasError:
    """The adapter's error as the domain's: a path or tool problem is bad input, a refusal a conflict."""
    if problem.kind in (git.GitError.NOT_A_REPOSITORY, git.GitError.MISSING):
        return InvalidInput(problem.message, {"field": "repo_path", "reason": problem.kind})
    return Conflict(problem.message, {"reason": problem.kind})


def checked_repo_path(value: str | None) -> str | None:
    """``repo_path`` as stored (normalised), or InvalidInput: absolute, an existing directory,
    inside a git work tree. None clears it. Runs git: call it before the unit's first statement."""
    if value is None:
        return None
    path = value.strip()
    if not path or not os.path.isabs(path):
        raise InvalidInput(f"repo_path must be an absolute path (got {value!r})", {"field": "repo_path"})
    path = os.path.normpath(path)
    if not Path(path).is_dir():
        raise InvalidInput(f"repo_path {path} is not an existing directory", {"field": "repo_path"})
    try:
        git.work_tree(path)
    except git.GitError as problem:
        raise as_domain_error(problem) from None
    return path
