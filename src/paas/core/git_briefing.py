"""The git state in words: a briefing's "## Git" section and the handoff's commit message.

- ``git_section(state, count, max_tokens)``: branch and HEAD, commits since the session
  started, the diff since then (``git diff --stat``'s figures, largest files first), what is not
  committed, the handoff's own commit and any problem (no repository, detached HEAD, a rebase
  in progress). Lists shrink until the section fits ``max_tokens`` (``count`` is the
  briefing's token counter); the lines naming the branch and the problem always stay.
- ``commit_message(briefing, ...)``: a conventional commit, ``chore(handoff): <what>``, where
  *what* is the session's objective, else the briefing's goal, latest request or next step;
  the body lists where the work stands and the next step, as the briefing says them.
- ``without_git_section(markdown)``: a saved briefing without its "## Git" section, so a
  briefing carried over, or learned from, never repeats a stale git state.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from paas.core.git_state import GitState, stat_line

HEADING = "## Git"
LIST_CAPS = (8, 5, 3, 1, 0)  # items per list, tried in turn until the section fits its tokens
SUBJECT_MAX = 72
BODY_LINE_MAX = 160
TYPE_SCOPE = "chore(handoff): "
FALLBACK_SUBJECT = "save pending work at handoff"
HOW_TO_FINISH = {
    "rebase": "`git rebase --continue` or `git rebase --abort`",
    "merge": "commit the merge or `git merge --abort`",
    "cherry-pick": "`git cherry-pick --continue` or `git cherry-pick --abort`",
    "revert": "`git revert --continue` or `git revert --abort`",
    "am": "`git am --continue` or `git am --abort`",
}
_CODE_SPAN = re.compile(r"`([^`]*)`")
_SECTION = re.compile(r"^## ([^\n]+)\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def short(sha: str | None) -> str:
    return (sha or "")[:7]


def code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _more(total: int, shown: int) -> list[str]:
    return [f"  - … and {total - shown} more"] if total > shown else []


def _lines(state: GitState, cap: int, clean: Callable[[str], str]) -> list[str]:
    lines = [HEADING, ""]
    if state.head is None and state.branch is None and state.problem:
        return [*lines, f"- {code(state.repo)}: {state.problem}"]
    if state.detached:
        lines.append(f"- Detached HEAD at {code(short(state.head))} (no branch)")
    elif state.head is None:
        lines.append(f"- Branch {code(state.branch or '?')}, no commits yet")
    else:
        lines.append(f"- Branch {code(state.branch or '?')} at {code(short(state.head))}")
    if state.operation:
        lines.append(f"- A {state.operation} is in progress: finish it "
                     f"({HOW_TO_FINISH.get(state.operation, 'or abort it')})")
    if state.since is None:
        lines.append("- The session's start was not recorded: the diff is against HEAD")
    elif state.since_note:
        lines.append(f"- Session started at {code(short(state.since))}: {state.since_note}")
    elif not state.commits_total:
        lines.append(f"- No commits since the session started at {code(short(state.since))}")
    else:
        plural = "s" if state.commits_total != 1 else ""
        lines.append(f"- {state.commits_total} commit{plural} since the session started at "
                     f"{code(short(state.since))}:")
        shown = state.commits[:cap]
        lines += [f"  - {code(short(item.sha))} {clean(item.subject)}" for item in shown]
        lines += _more(state.commits_total, len(shown))
    against = f"since {code(short(state.since))}" if state.since and not state.since_note else "against HEAD"
    if state.files_changed:
        lines.append(f"- Diff {against} (commits and work tree): "
                     f"{stat_line(state.files_changed, state.insertions, state.deletions)}")
        shown_changes = state.changes[:cap]
        lines += [f"  - {code(clean(item.path))} " + ("binary" if item.added is None else
                                                      f"+{item.added} −{item.deleted}") for item in shown_changes]
        lines += _more(state.files_changed, len(shown_changes))
    elif state.head is not None:
        lines.append(f"- Diff {against}: none")
    if state.uncommitted_total:
        shown_files = state.uncommitted[:cap]
        listed = ", ".join(f"{code(clean(item.path))} {item.status}" for item in shown_files)
        rest = f", … and {state.uncommitted_total - len(shown_files)} more" if state.uncommitted_total > cap else ""
        lines.append(f"- Not committed ({state.uncommitted_total}): {listed}{rest}" if listed
                     else f"- Not committed: {state.uncommitted_total} file(s)")
    else:
        lines.append("- Nothing left uncommitted")
    if state.committed:
        lines.append(f"- Committed at handoff: {code(short(state.committed))} {clean(state.commit_subject or '')}"
                     .rstrip())
    if state.problem:
        lines.append(f"- {state.problem}")
    return lines


def git_section(state: GitState, count: Callable[[str], int], max_tokens: int,
                clean: Callable[[str], str] = lambda text: text) -> str:
    """The "## Git" section (ending in a newline), within ``max_tokens`` when the lists allow.
    ``clean`` is applied to commit subjects and paths (the briefing's redaction)."""
    text = ""
    for cap in LIST_CAPS:
        text = "\n".join(_lines(state, cap, clean)) + "\n"
        if count(text) <= max_tokens:
            break
    return text


def with_git_section(markdown: str, section: str) -> str:
    return f"{markdown.rstrip()}\n\n{section}"


def without_git_section(markdown: str) -> str:
    """``markdown`` without its "## Git" section (unchanged when it has none)."""
    start = markdown.find(f"\n{HEADING}\n")
    if start < 0:
        return markdown
    following = markdown.find("\n## ", start + 1)
    rest = markdown[following + 1:] if following >= 0 else ""
    kept = markdown[:start].rstrip("\n") + "\n"
    return f"{kept}\n{rest}" if rest else kept


# ---- the handoff's commit message ----------------------------------------------------------------

def _plain(text: str) -> str:
    return " ".join(_CODE_SPAN.sub(r"\1", text).split())


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] if " " in text[:limit - 1] else text[:limit - 1]
    return cut.rstrip(" ,;:") + "…"


def _sections(markdown: str) -> dict[str, list[str]]:
    """Each ``## `` section's lines that say something (fences and the engine's notes left out)."""
    found: dict[str, list[str]] = {}
    for match in _SECTION.finditer(markdown):
        title = match.group(1).split(" (", 1)[0].strip().lower()
        lines = [line.strip() for line in match.group(2).splitlines()]
        found.setdefault(title, []).extend(
            line for line in lines
            if line and not line.startswith("```") and not (line.startswith("(") and line.endswith(")")))
    return found


def _first_words(lines: list[str]) -> str:
    for line in lines:
        text = _plain(line.removeprefix("- ").removeprefix("[ ] "))
        if text:
            return text
    return ""


def _subject(summary: str) -> str:
    text = summary.rstrip(". ")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]  # conventional commits' lower-case description; "API ..." stays
    return TYPE_SCOPE + _clip(text or FALLBACK_SUBJECT, SUBJECT_MAX - len(TYPE_SCOPE))


def commit_message(briefing: str, *, objectives: str | None = None, session_number: int | None = None) -> str:
    """The handoff's commit message, written from its briefing (conventional-commit style)."""
    sections = _sections(without_git_section(briefing))
    summary = (_plain((objectives or "").strip().splitlines()[0]) if (objectives or "").strip() else ""
               ) or next((found for found in (_first_words(sections.get(name, []))
                                              for name in ("goal", "latest request", "next step")) if found), "")
    who = f" of session #{session_number}" if session_number is not None else ""
    body = [f"Pending work committed at the handoff{who} (PAAS auto-commit)."]
    for title, heading, limit in (("where it stands", "Where it stands:", 6), ("next step", "Next step:", 2)):
        items = [_clip(_plain(line.removeprefix("- ")), BODY_LINE_MAX)
                 for line in sections.get(title, []) if line.startswith("- ")][:limit]
        if items:
            body += ["", heading, *(f"- {item}" for item in items)]
    return _subject(summary) + "\n\n" + "\n".join(body) + "\n"
