"""What a patch or a shell command does to files: creations, edits, deletions and renames.

Design: two pure readers of text the agent ran, used by ``actions`` for the file events of a
call. ``patch_ops`` reads apply_patch headers (``*** Add/Update/Delete File:``, ``*** Move
to:``), unified-diff header pairs (``--- /dev/null`` creates, ``+++ /dev/null`` deletes, two
different sides rename) and git's ``rename from`` / ``rename to``. ``shell_file_ops`` reads
the deletions and renames of a shell command (see its docstring). Nothing is guessed: globs,
variables and failed commands name no single file and are left out.
"""

from __future__ import annotations

import re
import shlex

_PATCH_OP_RE = re.compile(  # in order: apply_patch headers, unified-diff header pairs, git rename lines
    r"^\*\*\* (Add|Update|Delete) File: (.+?)[ \t]*$"
    r"|^\*\*\* Move to: (.+?)[ \t]*$"
    r"|^--- (.+?)[ \t]*\n\+\+\+ (.+?)[ \t]*$"
    r"|^rename from (.+?)[ \t]*\nrename to (.+?)[ \t]*$",
    re.MULTILINE,
)
FILE_COMMAND_RE = re.compile(r"\b(?:rm|mv|unlink|del|erase|Remove-Item|Move-Item|Rename-Item|ren|move|rename|"
                             r"npm|pnpm|yarn|bun|poetry|uv|pdm|pipenv|cargo|bundle|composer|go)\b")
_INSTALL_RE = re.compile(  # a package install: it writes the lockfile again
    r"(?:npm|pnpm|bun|yarn) (?:install|i|add|ci)\b|yarn$|(?:poetry|uv|pdm|pipenv) (?:lock|install|sync|add)\b|"
    r"cargo (?:build|update|generate-lockfile|add|run|test)\b|bundle install\b|composer (?:install|update|require)\b|"
    r"go mod tidy\b"
)
CD_PREFIX = r"cd\s+(?:\"[^\"]*\"|'[^']*'|\S+)\s*(?:&&|;)\s*"  # "cd DIR && " opening an agent's command
_CD_PREFIX_RE = re.compile("^" + CD_PREFIX)


def shown_command(command: str) -> str:
    """A command as a briefing shows it: without the ``cd /long/path &&`` that opens most agent calls."""
    return _CD_PREFIX_RE.sub("", command.strip(), count=1) or command


_COMMAND_SPLIT_RE = re.compile(r"&&|\|\||;|\||\n")


def patch_ops(patch: str) -> list[tuple[str, str, str]]:
    """What a patch does, file by file: ``(create|edit|delete|rename, path, new path)``."""
    ops: list[tuple[str, str, str]] = []
    for match in _PATCH_OP_RE.finditer(patch):
        action, path, moved, minus, plus, renamed_from, renamed_to = match.groups()
        if action:
            ops.append(({"Add": "create", "Update": "edit", "Delete": "delete"}[action], path, ""))
        elif moved:
            if ops and ops[-1][0] == "edit":
                ops[-1] = ("rename", ops[-1][1], moved)
        elif minus:
            old, new = _diff_side(minus), _diff_side(plus)
            if old and new:
                ops.append(("edit", new, "") if old == new else ("rename", old, new))
            elif new or old:
                ops.append(("create", new, "") if new else ("delete", old, ""))
        elif renamed_from:
            ops.append(("rename", renamed_from, renamed_to))
    return list(dict.fromkeys(ops))  # git diffs state a rename twice (header lines and --- / +++)


def _diff_side(header: str) -> str:
    """The path of one side of a unified-diff header (``a/x`` -> ``x``), "" for ``/dev/null``."""
    path = header.split("\t", 1)[0].strip()
    if path == "/dev/null":
        return ""
    return path[2:] if path.startswith(("a/", "b/")) else path


def shell_file_ops(command: str) -> list[tuple[str, str, str]]:
    """Deletions and renames a shell command performs: ``(delete|rename, path, new path)``, and
    ``("install", "", "")`` where a package install rewrites the lockfiles.

    Each simple command (split at ``&&``, ``||``, ``;``, ``|``, newlines) is read, relative paths
    inside the folder an earlier ``cd`` of the same command entered: ``rm``,
    ``git rm`` (not ``--cached``), ``unlink``, ``del``/``erase``, ``Remove-Item`` delete their
    operands; ``mv``, ``git mv``, ``move``, ``ren``, ``Move-Item``, ``Rename-Item`` rename the
    first operand to the last (into it, when the last ends with a separator or several files
    move). Globs and variables are skipped: they name no single file.
    """
    ops: list[tuple[str, str, str]] = []
    folder = ""  # a `cd DIR &&` earlier in the same command: later relative paths are inside it
    for part in _COMMAND_SPLIT_RE.split(command[:4000]):
        try:  # a backslash is a Windows separator there, not an escape
            words = [w.strip("'\"") for w in shlex.split(part, posix="\\" not in part)]
        except ValueError:
            words = part.split()
        while words and (words[0] in ("sudo", "command", "builtin") or "=" in words[0] and words[0][:1] != "-"):
            words = words[1:]  # sudo, FOO=1: the program comes after
        if len(words) >= 2 and words[0] == "git" and words[1] in ("rm", "mv"):
            if "--cached" in words:
                continue
            words = words[1:]
        if not words:
            continue
        program = words[0].rsplit("/", 1)[-1].lower()
        if _INSTALL_RE.match(" ".join([program, *words[1:3]])):
            ops.append(("install", "", ""))
            continue
        operands = [w for w in words[1:] if not w.startswith("-") and not _is_switch(program, w)]
        operands = [_inside(folder, w) for w in operands if not any(c in w for c in "*?$`{}")]
        if program in ("cd", "pushd", "set-location") and len(operands) == 1:
            folder = operands[0]
        elif program in ("rm", "unlink", "del", "erase", "remove-item", "trash"):
            ops.extend(("delete", path, "") for path in operands)
        elif program in ("mv", "move", "ren", "rename", "move-item", "rename-item") and len(operands) >= 2:
            *sources, target = operands
            into = len(sources) > 1 or target.endswith(("/", "\\"))
            for source in sources:
                name = re.split(r"[/\\]", source.rstrip("/\\"))[-1]
                target_name = re.split(r"[/\\]", target.rstrip("/\\"))[-1]
                into = into or "." in name.lstrip(".") and "." not in target_name and target_name not in ("..",)
                new = f"{target.rstrip('/').rstrip(chr(92))}/{name}" if into else target
                if program in ("ren", "rename-item") and not re.search(r"[/\\]", target):
                    head = source[: max(source.rfind("/"), source.rfind("\\")) + 1]
                    new = head + target  # Windows ren: the new name stays in the same folder
                ops.append(("rename", source, new))
    return ops


def _inside(folder: str, path: str) -> str:
    if not folder or path.startswith(("/", "~", "\\")) or re.match(r"^[A-Za-z]:[/\\]", path):
        return path
    return f"{folder.rstrip('/')}/{path}"


def _is_switch(program: str, word: str) -> bool:
    """``del /f x``: a Windows switch, not a path."""
    return program in ("del", "erase", "move", "ren") and re.fullmatch(r"/[A-Za-z?]", word) is not None
