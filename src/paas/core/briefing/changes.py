"""What an edit added to a file: the names a reader needs to find the change again.

A file line that says only "changed" tells the next session where to look, not what is there.
The edit itself says more: the functions, classes, constants and identifiers the new text has
and the old text did not (``victoryMaxTotal``, ``crypto.getRandomValues``, ``QueueFree``),
the headings a document gained, the declarations a stylesheet gained. Those names are quoted
from the edit, never invented, so a briefing can cite them as facts.

Where the text of an edit is:

* structured calls: ``old_string``/``new_string`` (Claude Code ``Edit``, ``str_replace``),
  ``edits`` lists of such pairs (``MultiEdit``, pi's ``oldText``/``newText``), whole contents
  (``content``, ``file_text``: a new file), or a patch/diff string (``+``/``-`` lines);
* aider: the ``path`` line, a fence, ``<<<<<<< SEARCH`` … ``=======`` … ``>>>>>>> REPLACE``
  blocks (or a whole file in the fence) in the assistant's text of the same turn.

Ranking: definitions first (``def``, ``class``, ``function``, ``const`` …), in the order the
edit wrote them, then other distinctive identifiers (camelCase, snake_case, dotted calls) by
how often the new text uses them. Plain words, keywords and names the old text already had
are never listed. Each scan is one regex pass over the edit's text: linear in its size.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from paas.core.briefing.paths import FILE_EXTENSIONS, KNOWN_NAMES, file_name, is_file_mention, normal_path
from paas.core.briefing.text import Fences
from paas.core.transcripts.model import ToolCall

NAMES_PER_EDIT = 8
_MAX_SCANNED = 60_000  # characters of one edit's new text looked at (a huge generated file: its start)

_DEFINITION_RE = re.compile(
    r"\b(?:def|class|function|func|fn|interface|type|struct|enum|trait|const|let|var|val|macro)\s+"
    r"\*?([A-Za-z_$][\w$]*)"
    r"|^[ \t]*(?:export\s+)?(?:async\s+)?(?:public\s+|private\s+|protected\s+|static\s+|override\s+)*"
    r"(?:[A-Za-z_][\w<>\[\],]*\s+)?([A-Za-z_][\w]*)\s*\([^()\n]*\)\s*(?:\{|=>|:\s*$)",
    re.MULTILINE,
)
_IDENTIFIER_RE = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_HEADING_RE = re.compile(r"^[ \t]{0,3}#{1,4}[ \t]+(.{3,60}?)[ \t#]*$", re.MULTILINE)
_CSS_DECLARATION_RE = re.compile(r"^[ \t]*([a-z-]{3,30}:[ \t]*[^;{}\n]{1,40});", re.MULTILINE)
_FENCE_OPEN_RE = re.compile(r"[ \t]*\n(?:[ \t]*\n){0,2}(?P<fence>`{3,}|~{3,}|<source[^>\n]*>)[^\n]*\n")
_SEARCH_REPLACE_RE = re.compile(r"^<{5,9} SEARCH[^\n]*\n(?P<old>.*?)^={5,9}[ \t]*\n(?P<new>.*?)^>{5,9} REPLACE",
                                re.MULTILINE | re.DOTALL)
_CSS_SUFFIXES = (".css", ".scss", ".sass", ".less")
_DOC_SUFFIXES = (".md", ".mdx", ".markdown", ".rst", ".txt", ".mdc")
_NOT_NAMES_TEXT = (
    "self this super none null true false undefined return import export from async await function class "
    "const let var def elif else if for while with try except finally raise catch throw new delete "
    "typeof instanceof void static public private protected interface type enum struct string number "
    "boolean console.log console.error print println printf sprintf len range str int float dict list "
    "set tuple object array promise math json window document event props state value values result data "
    "error className onClick onChange children style key index item items string_view std char void "
    "unsigned long short double auto bool size_t uint8_t int32_t uint32_t "
)
_NOT_NAMES = frozenset(word.casefold() for word in _NOT_NAMES_TEXT.split())
_DOMAIN_RE = re.compile(r"\.(?:com|org|net|io|dev|app|co|edu|gov)$|^www\.")
_BACKTICKED_RE = re.compile(r"`([^`\n]{3,200})`")
_CAMEL_RE = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]")


def edit_delta(old: str, new: str, path: str = "") -> tuple[tuple[str, ...], frozenset[str]]:
    """``(names added, identifiers removed)`` by one edit of ``path``."""
    name = file_name(path).lower()
    suffix = name[name.rfind("."):] if "." in name else ""
    added = tuple(added_names(old, new, suffix))
    if not old:
        return added, frozenset()
    removed = set(_IDENTIFIER_RE.findall(old)) - set(_IDENTIFIER_RE.findall(new[:_MAX_SCANNED]))
    return added, frozenset(removed)


def added_names(old: str, new: str, suffix: str = "") -> list[str]:
    """Names in ``new`` that ``old`` lacks, most telling first (see the module docstring)."""
    new = new[:_MAX_SCANNED]
    if suffix in _DOC_SUFFIXES:
        before = {h.strip().casefold() for h in _HEADING_RE.findall(old)}
        headings = [h.strip() for h in _HEADING_RE.findall(new) if h.strip().casefold() not in before]
        return _unique(headings)[:NAMES_PER_EDIT]
    if suffix in _CSS_SUFFIXES:
        before = {" ".join(d.split()) for d in _CSS_DECLARATION_RE.findall(old)}
        declared = [" ".join(d.split()) for d in _CSS_DECLARATION_RE.findall(new)]
        return _unique(d for d in declared if d not in before)[:NAMES_PER_EDIT]
    known = set(_IDENTIFIER_RE.findall(old))
    definitions = [a or b for a, b in _DEFINITION_RE.findall(new)]
    defined = [name for name in _unique(definitions) if name not in known and telling(name, definition=True)]
    counts = Counter(name for name in _IDENTIFIER_RE.findall(new) if name not in known)
    others = sorted((name for name in counts if name not in defined and telling(name)),
                    key=lambda name: -counts[name])
    return (defined + others)[:NAMES_PER_EDIT]


def telling(name: str, definition: bool = False) -> bool:
    bare = name.removeprefix("self.").removeprefix("this.")
    if bare.casefold() in _NOT_NAMES or len(bare) < 4 or _DOMAIN_RE.search(bare):
        return False
    if definition:
        return True
    return "_" in bare.strip("_$") or "." in bare or _CAMEL_RE.search(bare) is not None


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _known_type(token: str) -> bool:
    """A file type people edit (``rules.mdc``), not a member access in backticks (``after.includes``)."""
    return file_name(token).rpartition(".")[2].lower() in FILE_EXTENSIONS or file_name(token) in KNOWN_NAMES


def sole_named_file(text: str) -> str:
    """The one file a turn's prose names in backticks, or "" (none, or several).

    Some exports (SpecStory's diff blocks) keep an edit without its path; the assistant's own
    words around it ("added the rule to `.cursor/rules/test.mdc`") then say which file it was.
    """
    if "`" not in text:
        return ""
    fences = Fences(text)
    named: dict[str, str] = {}
    for match in _BACKTICKED_RE.finditer(text):
        token = match.group(1).strip()
        if fences.inside(match.start()) or not is_file_mention(token) or not _known_type(token):
            continue
        named.setdefault(normal_path(token), token)
        if len(named) > 1:
            return ""
    return next(iter(named.values()), "")


def edit_texts(call: ToolCall | str, turn_text: str, path: str) -> tuple[str, str] | None:
    """``(old, new)`` text of one edit of ``path``, or None when the call does not carry it."""
    given = call if isinstance(call, str) else call.input
    if isinstance(given, str):
        return _diff_sides(given)
    pairs = _pairs(given)
    if pairs:
        return "\n".join(p[0] for p in pairs), "\n".join(p[1] for p in pairs)
    for key in ("content", "file_text", "contents", "text", "code_edit"):
        value = given.get(key)
        if isinstance(value, str):
            return "", value
    for key in ("diff", "patch", "input"):
        value = given.get(key)
        if isinstance(value, str):
            return _diff_sides(value)
    return _aider_blocks(turn_text, path) if turn_text else None


def _pairs(given: dict[str, Any]) -> list[tuple[str, str]]:
    found = [given]
    edits = given.get("edits")
    if isinstance(edits, list):
        found += [edit for edit in edits if isinstance(edit, dict)]
    pairs = []
    for edit in found:
        old = next((edit[k] for k in ("old_string", "old_str", "oldText", "old_text", "search") if k in edit), None)
        new = next((edit[k] for k in ("new_string", "new_str", "newText", "new_text", "replace") if k in edit), None)
        if isinstance(new, str):
            pairs.append((old if isinstance(old, str) else "", new))
    return pairs


def _diff_sides(patch: str) -> tuple[str, str]:
    old, new = [], []
    for line in patch.splitlines():
        if line.startswith(("+++", "---", "***")):
            continue
        if line.startswith("+"):
            new.append(line[1:])
        elif line.startswith("-"):
            old.append(line[1:])
    return "\n".join(old), "\n".join(new)


def _aider_blocks(text: str, path: str) -> tuple[str, str] | None:
    """Aider's blocks for ``path``: its name alone on a line, a fence (or ``<source>``), then
    SEARCH/REPLACE halves, or a whole file (all of it new)."""
    old: list[str] = []
    new: list[str] = []
    spellings = {path.strip(), path.strip().replace("\\", "/"), path.strip().replace("/", "\\")}
    for spelling in spellings:
        if not spelling:
            continue
        start = 0
        while (at := text.find(spelling, start)) >= 0:
            start = at + len(spelling)
            if at > 0 and text[at - 1] != "\n":
                continue
            opened = _FENCE_OPEN_RE.match(text, start)
            if opened is None:
                continue
            fence = opened.group("fence")
            closing = "</source>" if fence.startswith("<") else "\n" + fence
            end = text.find(closing, opened.end() - 1)
            body = text[opened.end():end if end >= 0 else len(text)]
            pairs = [(m.group("old"), m.group("new")) for m in _SEARCH_REPLACE_RE.finditer(body)]
            if pairs:
                old += [p[0] for p in pairs]
                new += [p[1] for p in pairs]
            elif "<<<<<<<" not in body:
                new.append(body)
    return ("\n".join(old), "\n".join(new)) if new else None
