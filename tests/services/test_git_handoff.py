"""Git-aware handoffs on real temporary repositories: the HEAD a session starts at, the "## Git"
section and ``git_state`` of a briefing, the auto-commit and its sha on the snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import InvalidInput
from paas.services import briefing, git_state, projects
from paas.services.rotation import rotate
from paas.services.tokenizer import count_tokens
from paas.store.schema import ContextSnapshot, WorkSession
from paas.store.unit import transaction
from tests.git_helpers import commit_file, git, make_repo, start_conflicting_rebase
from tests.services.test_context_save import CLAUDE, doors

pytestmark = pytest.mark.usefixtures("isolated_git")
TEXT = CLAUDE.read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "shop")


def started(engine: Engine, clock: Any, project_id: int, account_id: int, objectives: str | None = None) -> Any:
    read, run = doors(engine)
    return git_state.start_session_at_head(read, run, project_id=project_id, account_id=account_id, now=clock(),
                                           objectives=objectives)


def hand_off(engine: Engine, clock: Any, project_id: int, **options: Any) -> briefing.SavedBriefing:
    read, run = doors(engine)
    return briefing.brief_and_save(read, run, project_id=project_id, context=TEXT, now=clock(),
                                   filename=CLAUDE.name, **options)


def snapshot(engine: Engine, snapshot_id: int) -> ContextSnapshot:
    with transaction(engine, write=False) as session:
        found = session.get(ContextSnapshot, snapshot_id)
        assert found is not None
        return found


def git_section(markdown: str) -> str:
    return markdown[markdown.index("\n## Git\n") + 1:]


def test_a_session_starts_at_the_projects_head(engine: Engine, clock: Any, add_project: Any, add_account: Any,
                                              repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo))
    plain = add_project("Plain")
    work = started(engine, clock, project.id, add_account("a").id)
    assert (work.git_head, work.git_branch) == (git(repo, "rev-parse", "HEAD"), "main")
    other = started(engine, clock, plain.id, add_account("b").id)
    assert (other.git_head, other.git_branch) == (None, None)


def test_the_briefing_tells_commits_since_the_session_started_and_what_is_not_committed(
        engine: Engine, clock: Any, add_project: Any, add_account: Any, repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo))
    start = started(engine, clock, project.id, add_account("a").id).git_head
    head = commit_file(repo, "src/shop/http_client.py", "retry = 5\n", "feat: retry with backoff")
    (repo / "notes.md").write_text("todo\n")

    saved = hand_off(engine, clock, project.id)

    section = git_section(saved.briefing.markdown)
    assert section.startswith("## Git\n\n- Branch `main` at " + f"`{head[:7]}`")
    assert (f"- 1 commit since the session started at `{start[:7]}`:\n"
            f"  - `{head[:7]}` feat: retry with backoff") in section
    assert "- Not committed (1): `notes.md` untracked" in section
    kept = snapshot(engine, saved.snapshot.id)
    assert kept.git_commit_hash is None and kept.git_state is not None
    assert (kept.git_state["head"], kept.git_state["since"], kept.git_state["commits_total"]) == (head, start, 1)
    assert kept.git_state["uncommitted"] == [{"path": "notes.md", "status": "untracked"}]
    assert kept.compressed_context == saved.briefing.markdown
    assert git(repo, "rev-parse", "HEAD") == head  # no auto_commit: nothing committed


def test_auto_commit_commits_pending_work_and_the_sha_lands_on_the_snapshot(
        engine: Engine, clock: Any, add_project: Any, add_account: Any, repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo), auto_commit=True)
    started(engine, clock, project.id, add_account("a").id, objectives="Retry for the HTTP client")
    (repo / "src").mkdir()
    (repo / "src" / "client.py").write_text("retry = 5\n")

    saved = hand_off(engine, clock, project.id)

    head = git(repo, "rev-parse", "HEAD")
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s") == "chore(handoff): retry for the HTTP client"
    body = git(repo, "log", "-1", "--format=%b")
    assert body.startswith("Pending work committed at the handoff of session #1 (PAAS auto-commit).")
    assert "Where it stands:" in body and "Next step:" in body
    kept = snapshot(engine, saved.snapshot.id)
    assert kept.git_commit_hash == head and kept.git_state is not None
    assert (kept.git_state["committed"], kept.git_state["uncommitted_total"]) == (head, 0)
    section = git_section(saved.briefing.markdown)
    assert f"- Committed at handoff: `{head[:7]}` chore(handoff): retry for the HTTP client" in section
    assert "- Nothing left uncommitted" in section
    assert saved.git is not None and saved.git.state.committed == head


def test_a_clean_tree_makes_no_commit(engine: Engine, clock: Any, add_project: Any, add_account: Any,
                                      repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo), auto_commit=True)
    started(engine, clock, project.id, add_account("a").id)
    before = git(repo, "rev-parse", "HEAD")
    saved = hand_off(engine, clock, project.id)
    assert git(repo, "rev-parse", "HEAD") == before
    assert snapshot(engine, saved.snapshot.id).git_commit_hash is None


def test_a_detached_head_is_told_and_nothing_is_committed(engine: Engine, clock: Any, add_project: Any,
                                                          add_account: Any, repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo), auto_commit=True)
    started(engine, clock, project.id, add_account("a").id)
    git(repo, "checkout", "-q", "--detach")
    (repo / "README.md").write_text("changed\n")
    saved = hand_off(engine, clock, project.id)
    assert git(repo, "status", "--porcelain") == "M README.md"
    kept = snapshot(engine, saved.snapshot.id)
    assert kept.git_commit_hash is None and kept.git_state is not None and kept.git_state["detached"] is True
    assert kept.git_state["problem"].startswith("Auto-commit refused: HEAD is detached at ")
    section = git_section(saved.briefing.markdown)
    assert "- Detached HEAD at " in section and "check out a branch" in section


def test_a_rebase_in_progress_is_told_and_nothing_is_committed(engine: Engine, clock: Any, add_project: Any,
                                                               add_account: Any, repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo), auto_commit=True)
    started(engine, clock, project.id, add_account("a").id)
    start_conflicting_rebase(repo)
    before = git(repo, "rev-parse", "HEAD")
    saved = hand_off(engine, clock, project.id)
    assert git(repo, "rev-parse", "HEAD") == before
    section = git_section(saved.briefing.markdown)
    assert "- A rebase is in progress: finish it (`git rebase --continue` or `git rebase --abort`)" in section
    assert f"- Auto-commit refused: a rebase is in progress in {repo}: nothing was committed" in section
    assert snapshot(engine, saved.snapshot.id).git_commit_hash is None


def test_a_repository_gone_since_is_told_and_the_handoff_is_saved(engine: Engine, clock: Any, add_project: Any,
                                                                  repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo), auto_commit=True)
    shutil.rmtree(repo / ".git")
    saved = hand_off(engine, clock, project.id)
    section = git_section(saved.briefing.markdown)
    assert section.startswith(f"## Git\n\n- `{repo}`: ") and "not a git repository" in section
    assert snapshot(engine, saved.snapshot.id).git_state["problem"]  # type: ignore[index]


def test_a_project_without_repo_path_gets_the_very_briefing_it_got_before(engine: Engine, clock: Any,
                                                                          add_project: Any) -> None:
    project = add_project("Shop")
    read, _ = doors(engine)
    expected = read(lambda session: briefing.build_handoff(session, project_id=project.id, context=TEXT, now=clock(),
                                                           filename=CLAUDE.name))
    saved = hand_off(engine, clock, project.id)
    assert saved.briefing.markdown == expected.markdown and "## Git" not in saved.briefing.markdown
    kept = snapshot(engine, saved.snapshot.id)
    assert (kept.git_state, kept.git_commit_hash, saved.git) == (None, None, None)


@pytest.mark.parametrize("max_tokens", [400, 800])
def test_the_git_section_fits_in_the_briefings_budget(engine: Engine, clock: Any, add_project: Any,
                                                       add_account: Any, repo: Path, max_tokens: int) -> None:
    project = add_project("Shop", repo_path=str(repo))
    started(engine, clock, project.id, add_account("a").id)
    for index in range(25):
        commit_file(repo, f"src/module_{index}.py", "x = 1\n" * (index + 1), f"feat: module number {index}")
        (repo / f"scratch_{index}.txt").write_text("draft\n")
    saved = hand_off(engine, clock, project.id, max_tokens=max_tokens)
    reserve = git_state.reserve_for(git_state.GitBasis(repo=str(repo), since=None, auto_commit=False), max_tokens)
    assert saved.briefing.stats["tokens_after"] <= max_tokens - reserve
    assert count_tokens(git_section(saved.briefing.markdown)) <= reserve
    assert "25 commits since the session started" in saved.briefing.markdown


def test_rotation_commits_and_the_next_session_starts_at_that_commit(engine: Engine, clock: Any, add_project: Any,
                                                                     add_account: Any, repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo), auto_commit=True)
    first, second = add_account("a").id, add_account("b").id
    started(engine, clock, project.id, first, objectives="Rounding in checkout")
    (repo / "checkout.py").write_text("total = round(x, 2)\n")
    read, run = doors(engine)

    answer = rotate(read, run, project_id=project.id, current_account_id=first, now=clock())

    head = git(repo, "rev-parse", "HEAD")
    assert git(repo, "log", "-1", "--format=%s") == "chore(handoff): rounding in checkout"
    assert f"- Committed at handoff: `{head[:7]}`" in git_section(answer.briefing)
    kept = snapshot(engine, answer.data.snapshot_id)
    assert kept.git_commit_hash == head and kept.git_state is not None and kept.git_state["committed"] == head
    with transaction(engine, write=False) as session:
        new = session.get(WorkSession, answer.data.new_session_id)
        assert new is not None and (new.git_head, new.git_branch, new.account_id) == (head, "main", second)


def test_a_carried_over_briefing_does_not_repeat_an_old_git_section(engine: Engine, clock: Any, add_project: Any,
                                                                     add_account: Any, repo: Path) -> None:
    project = add_project("Shop", repo_path=str(repo))
    first = add_account("a").id
    add_account("b")
    started(engine, clock, project.id, first)
    hand_off(engine, clock, project.id)  # a briefing with a "## Git" section, no transcript kept
    commit_file(repo, "later.py", "x\n", "feat: later")
    read, run = doors(engine)
    text = rotate(read, run, project_id=project.id, current_account_id=first, now=clock()).briefing
    assert text.count("\n## Git\n") == 1 and "feat: later" in git_section(text)


def test_a_rotation_of_a_project_without_repo_path_has_no_git_section(engine: Engine, clock: Any, add_project: Any,
                                                                      add_account: Any) -> None:
    project = add_project("Shop")
    first = add_account("a").id
    add_account("b")
    started(engine, clock, project.id, first)
    read, run = doors(engine)
    answer = rotate(read, run, project_id=project.id, current_account_id=first, now=clock())
    assert "## Git" not in answer.briefing
    assert snapshot(engine, answer.data.snapshot_id).git_state is None


def test_repo_path_is_checked_when_set(engine: Engine, add_project: Any, tmp_path: Path, repo: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    cases = [("relative/path", "repo_path must be an absolute path (got 'relative/path')"),
             (str(tmp_path / "missing"), f"repo_path {tmp_path / 'missing'} is not an existing directory"),
             (str(plain), f"{plain} is not a git repository (no work tree here or above)")]
    for value, message in cases:
        with pytest.raises(InvalidInput) as raised:
            add_project("Bad", repo_path=value)
        assert raised.value.message == message
    project = add_project("Shop", repo_path=str(repo) + "/./", auto_commit=True)
    assert project.repo_path == str(repo)  # normalised


def test_auto_commit_needs_a_repo_path(engine: Engine, add_project: Any, repo: Path) -> None:
    with pytest.raises(InvalidInput, match="auto_commit needs a repo_path"):
        add_project("Bare", auto_commit=True)
    project = add_project("Shop", repo_path=str(repo), auto_commit=True)
    with pytest.raises(InvalidInput, match="auto_commit needs a repo_path"), transaction(engine) as session:
        projects.update_project(session, project.id, {"repo_path": None})
    with transaction(engine, write=False) as session:
        assert projects.show_project(session, project.id).repo_path == str(repo)  # refused: nothing changed
    with transaction(engine) as session:
        cleared = projects.update_project(session, project.id, {"repo_path": None, "auto_commit": False})
    assert (cleared.repo_path, cleared.auto_commit) == (None, False)
