"""Anchors and paths mentioned in words: what the user typed, what the assistant last named.

Design: user prose is scanned whole (of a very long message, a paste, its head and tail),
except lines that are harness commands (``/add x``, ``/drop x``: context housekeeping, the
harness logs their effect); the assistant only in its last turns (older assistant prose is
mostly superseded), where its Markdown code spans are the identifiers it refers to. Commands
add URLs and ports. A path-shaped token counts as a file only when ``paths.is_file_mention``
says so; endpoints and routes (``/api/users``) become anchors instead, and the rest (globs,
packages, logs, temporary files...) is dropped.

Code the assistant wrote for a file marks that path "proposed": a ```` ```lang:path ````
fence, a fence right under a line holding only the path (aider's edit blocks, "**`x.py`**"),
or a fence whose first line is a comment naming it (in any assistant turn). A clause written
next to a path in the prose scanned ("- `x.py`: the CLI entry", a table row "| `x.py` | the
CLI entry |", "the new `auth.ts` handles tokens", "updated `app.py` to register the router",
"`run.sh` (starts both servers)") is kept as a ``described`` fact: ``files`` quotes the latest
as the file's role.

Repeats are merged first; each distinct token or path is then scored once (how
identifier-like, how specific), so a name repeated in every prompt costs one scoring.
Utility classes (``mb-3``, ``hover:scale-105``) are markup detail and never anchors.
"""

from __future__ import annotations

import re
from dataclasses import replace

from paas.core.briefing.actions import command_of
from paas.core.briefing.anchors import (
    CODE_SPAN_RE,
    UTILITY_CLASS_RE,
    find_anchors,
    find_paths,
    path_specificity,
    scan_tokens,
    shape_score,
)
from paas.core.briefing.model import Fact
from paas.core.briefing.paths import FILE_EXTENSIONS, clean_token, has_file_name, is_file_mention, is_route
from paas.core.briefing.prose import merge_facts, recent_assistant_turns
from paas.core.briefing.text import Fences, clip, looks_like_code
from paas.core.transcripts.model import Transcript

RECENT_ASSISTANT_TURNS = 30  # code spans and paths of the assistant: its latest words only
_USER_SCAN_HEAD, _USER_SCAN_TAIL = 6000, 2000  # of a long user message (a paste), the parts scanned
_FENCE_LINE_RE = re.compile(r"^[ \t]{0,3}(?:```|~~~)[ \t]*([^\n`]*)$", re.MULTILINE)
_INFO_PATH_RE = re.compile(r"[\w+#.-]+:([^\s`:][^\s`]*)\s*")  # ```lang:path
_LABEL = r"(?:(?:File|file|Filename|filename|Path|path):[ \t]*)?"
_TITLE_LINE_RE = re.compile(  # a line holding only a path, right above a fence: code written for that file
    rf"[ \t]*(?:#{{1,6}}[ \t]+)?(?:\*\*|__)?{_LABEL}`?([^\s`*]+)`?(?:\*\*|__)?:?[ \t]*")
_COMMENT_LINE_RE = re.compile(  # the fence's first line is a comment naming the file
    rf"[ \t]*(?:#|//|--|/\*|<!--|;)[ \t]*{_LABEL}([^\s`*]+)[ \t]*(?:\*/|-->)?[ \t]*")
_DOTTED_NAME_RE = re.compile(r"(?<![\w/\\.:@$`-])[\w+-]+(?:\.[\w+-]+)+(?![\w/\\`])")
_DOTFILE_RE = re.compile(
    r"(?<![\w./\\`-])(\.(?:env(?:\.[\w-]+)?|gitignore|gitattributes|gitmodules|htaccess|npmrc|nvmrc|yarnrc|"
    r"editorconfig|dockerignore|eslintrc(?:\.\w+)?|prettierrc(?:\.\w+)?|babelrc|cursorrules|windsurfrules|"
    r"clinerules|bashrc|zshrc|profile|pre-commit-config\.yaml))(?![\w./\\-])"
)
_HOUSEKEEPING_LINE_RE = re.compile(r"^[ \t]*/(?!ask\b|code\b|architect\b|context\b)[a-z][a-z-]*(?:[ \t][^\n]*)?$",
                                   re.MULTILINE)
_PATH = r"[\w.@$+\[\]()~-]+(?:[/\\][\w.@$+\[\]()~-]+)*\.[A-Za-z][\w-]{0,11}"
_LABEL_RE = re.compile(  # "- `x.py`: the CLI entry", "**run.sh** — starts both servers"
    r"^[ \t]*(?:[-*+•][ \t]+|\d{1,2}[.)][ \t]+|#{1,6}[ \t]+)?(?:\*\*|__)?`?(?P<path>[^\s`*:]+)`?(?:\*\*|__)?"
    r"[ \t]*(?::|—|–|[ \t]-)(?:\*\*)?[ \t]+(?P<clause>[^\n]{3,200})$",
    re.MULTILINE,
)
_VERB_RE = re.compile(  # "the new `auth.ts` handles tokens": the path is the subject (a line or "the ..." opens it)
    r"(?:^[ \t]*(?:[-*+•][ \t]+|\d{1,2}[.)][ \t]+)?|\b(?:[Tt]he|[Nn]ew|[Oo]ur|[Yy]our|[Tt]his|[Tt]hat|[Ff]ile|"
    r"[Ss]cript|[Mm]odule)[ \t]+(?:new[ \t]+)?(?:file[ \t]+)?)(?:\*\*)?"
    rf"`?(?P<path>{_PATH})`?(?:\*\*)?[ \t]+(?P<clause>(?:now |also |still |only |just )?(?:handles|holds|"
    r"contains|defines|implements|stores|renders|runs|exports|provides|manages|loads|reads|writes|calls|starts|"
    r"launches|serves|configures|sets up|lists|tracks|checks|wraps|parses|builds|generates|validates|keeps|computes|"
    r"sends|fetches|returns|draws|shows|displays|acts as|(?:is|was|becomes) (?:the|a|an|our|your|now the|just a|"
    r"only the|where))\b[^.;!?\n]{3,140})",
    re.MULTILINE,
)
_TABLE_RE = re.compile(  # | `x.py` | the CLI entry |
    r"^[ \t]*\|[ \t]*(?:\*\*)?`?(?P<path>[^\s`*|]+)`?(?:\*\*)?[ \t]*\|[ \t]*(?P<clause>[^|\n]{3,160}?)[ \t]*\|",
    re.MULTILINE,
)
_CHANGED_RE = re.compile(  # "Updated `src/app.py` to register the router", "Created `x.ts` with the retry loop"
    r"\b(?:[Cc]reated|[Aa]dded|[Ww]rote|[Uu]pdated|[Mm]odified|[Ee]dited|[Cc]hanged|[Ff]ixed|[Rr]efactored|"
    r"[Rr]ewrote)[ \t]+(?:the[ \t]+|a[ \t]+new[ \t]+|new[ \t]+)?(?:file[ \t]+)?(?:\*\*)?"
    rf"`?(?P<path>{_PATH})`?(?:\*\*)?[ \t]+(?P<clause>(?:with|to|for|that|which|so that)\b[^.;!?\n]{{3,120}})"
)
_PAREN_RE = re.compile(rf"(?<![\w/\\.-])`?(?P<path>{_PATH})`?[ \t]+\((?P<clause>[^()\n]{{6,100}})\)")
_CLAUSE_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_REJECT_CLAUSE_RE = re.compile(  # line numbers, versions, first-person talk, requests: no description of a file
    r"^(?:\d|lines?\b|L\d|#\d|v?\d+\.\d|new\b\W*$|read-only\b|(?:I|I'll|I'm|I've|I’ll|I’m|we|we'll|we’ll|you|you'll|"
    r"you’ll|you're|please|let's|let’s|let me|can you|could you|should|do|does|did)\b)",
    re.IGNORECASE,
)
_SECRETISH_RE = re.compile(r"=|\{|=>|[A-Za-z0-9_-]{24,}")
DESCRIPTION_CHARS = 48
_CSS_CLASS_RE = re.compile(r"(?:[a-z]+(?:-[a-z]+)*:)*[a-z]+(?:-[a-z0-9/\[\]]+)+")


def anchors_and_mentions(transcript: Transcript) -> tuple[list[Fact], list[Fact]]:
    """Anchors (identifiers, versions, URLs, ports...) and paths mentioned in words."""
    anchors: list[Fact] = []
    paths: list[Fact] = []

    def add_anchor(token: str, turn: int, source: str, base: float) -> None:
        anchors.append(Fact("anchor", token, turn, key=token, first_turn=turn, source=source, score=base))

    def add_path(token: str, turn: int, source: str, score: float, anchor_base: float) -> None:
        path = clean_token(token)
        if is_file_mention(path):
            paths.append(Fact("file", path, turn, status="mentioned", key=path, first_turn=turn, source=source,
                              score=score))
        elif is_route(path):
            add_anchor(path, turn, source, anchor_base)  # an endpoint or route: exact, but no file

    for turn in transcript.turns:
        if turn.role == "user" and turn.text:
            text = turn.text
            if len(text) > _USER_SCAN_HEAD + _USER_SCAN_TAIL:
                text = text[:_USER_SCAN_HEAD] + "\n" + text[-_USER_SCAN_TAIL:]
            if "/" in text:
                text = _HOUSEKEEPING_LINE_RE.sub("", text)
            prose, code = Fences(text).split(text)
            prose_anchors, prose_paths = scan_tokens(prose)
            for token in prose_anchors:
                add_anchor(token, turn.index, "user", 3.0)
            for score, found in ((2.0, written_paths(prose, prose_paths)), (1.0, find_paths(code) if code else [])):
                for path in found:
                    add_path(path, turn.index, "user", score, 3.0)
            paths.extend(descriptions(prose, turn.index, "user"))
        for call in turn.tool_calls:
            command = command_of(call)
            if command and ("http" in command or "localhost" in command or "port" in command):
                for token in find_anchors(command[:2000]):
                    if token.startswith("http") or ":" in token or token.startswith("port "):
                        add_anchor(token, turn.index, "tool", 1.5)
    for turn in recent_assistant_turns(transcript, RECENT_ASSISTANT_TURNS):
        prose, _ = Fences(turn.text).split(turn.text)
        for match in CODE_SPAN_RE.finditer(prose):
            span = match.group(1)
            if " " in span or len(span) < 3:
                continue
            if _CSS_CLASS_RE.fullmatch(span) or UTILITY_CLASS_RE.fullmatch(span):
                continue  # utility classes (mb-3, hover:scale-105): markup detail, not an anchor
            if any(c.isdigit() or c in "_./:()" for c in span) or not (span.islower() or span.istitle()):
                add_anchor(span, turn.index, "assistant", 1.0)
        for path in written_paths(prose, find_paths(prose)):
            add_path(path, turn.index, "assistant", 0.5, 1.0)
        paths.extend(descriptions(prose, turn.index, "assistant"))
    for turn in transcript.turns:  # code the assistant wrote for a file
        if turn.role == "assistant" and ("```" in turn.text or "~~~" in turn.text):
            for path in proposed_paths(turn.text):
                paths.append(Fact("file", path, turn.index, status="proposed", key=path, first_turn=turn.index,
                                  source="assistant", score=1.0))
    # shapes are scored once per distinct token, after merging
    scored_anchors = [replace(f, score=f.score + shape_score(f.text)) for f in merge_facts(anchors)]
    proposed = merge_facts([f for f in paths if f.status == "proposed"])
    written = {f.key for f in proposed}
    said = [f for f in paths if f.status == "described"]
    mentioned = [f for f in merge_facts([f for f in paths if f.status == "mentioned"]) if f.key not in written]
    scored_paths = [replace(f, score=f.score + path_specificity(f.text)) if f.source == "user" else f
                    for f in mentioned]
    return scored_anchors, proposed + scored_paths + said


def written_paths(prose: str, scanned: list[str]) -> list[str]:
    """The path tokens of prose, once each: those the token scan found, plus code spans holding a
    file name (```x.py`.`` ends in a backtick the scan does not cut), bare names with several dots
    or a less common file type (``vite.config.ts``, ``rules.mdc``) and bare dotfiles (``.env``)."""
    found = list(scanned)
    if "`" in prose:
        found += [span for m in CODE_SPAN_RE.finditer(prose) if " " not in (span := m.group(1)) and _names_file(span)]
    if "." in prose:
        found += [m.group(0) for m in _DOTTED_NAME_RE.finditer(prose) if _typed(m.group(0))]
        found += _DOTFILE_RE.findall(prose)
    return list(dict.fromkeys(clean_token(path) for path in found))


def _typed(name: str) -> bool:
    return name.rsplit(".", 1)[-1].lower() in FILE_EXTENSIONS


def _names_file(span: str) -> bool:
    """A code span read whole as a path, or a path with a folder, or a bare name of a known file type."""
    if "." not in span:
        return False
    return find_paths(span) == [span] or ("/" in span or "\\" in span) and has_file_name(span) or _typed(span)


def proposed_paths(text: str) -> list[str]:
    """Files the text writes code for: ```` ```lang:path ````, a path line above a fence, a first-line comment.

    Only fence openers are looked at (every other fence line), with the line above and below each.
    """
    found: list[str] = []
    opening = True
    for match in _FENCE_LINE_RE.finditer(text):
        if not opening:
            opening = True
            continue
        opening = False
        info = _INFO_PATH_RE.fullmatch(match.group(1))
        above_end = match.start() - 1
        above = text[text.rfind("\n", 0, max(above_end, 0)) + 1 : max(above_end, 0)]
        below_end = text.find("\n", match.end() + 1)
        below = text[match.end() + 1 : below_end if below_end >= 0 else len(text)]
        for hit in (info, _TITLE_LINE_RE.fullmatch(above) if above.strip() else None,
                    _COMMENT_LINE_RE.fullmatch(below) if below.strip() else None):
            if hit is not None:
                found.append(hit.group(1))
    return [path for path in dict.fromkeys(clean_token(p).rstrip(":") for p in found) if is_file_mention(path)]


def descriptions(prose: str, turn: int, source: str) -> list[Fact]:
    """Clauses written next to a path, as ``described`` facts (``detail``: the clause, verbatim, clipped)."""
    found: list[Fact] = []
    if "." not in prose:
        return found
    for regex in (_LABEL_RE, _TABLE_RE, _VERB_RE, _CHANGED_RE, _PAREN_RE):
        for match in regex.finditer(prose):
            path = clean_token(match.group("path"))
            clause = _clause(match.group("clause"))
            if clause and is_file_mention(path):
                found.append(Fact("file", path, turn, status="described", key=path, first_turn=turn, source=source,
                                  detail=clause))
    return found


def _clause(raw: str) -> str:
    """A describing clause, cleaned, or "" when it is no description (code, a line number, a question)."""
    clause = raw.replace("**", "").replace("__", "").strip(" \t*`")
    if clause.endswith(":"):
        return ""  # it introduces a list or code, it says nothing itself
    cut = clause.find(". ")
    clause = " ".join((clause[:cut] if cut > 0 else clause).split()).rstrip(".,;:")
    if clause.endswith("?") or _REJECT_CLAUSE_RE.match(clause) or _SECRETISH_RE.search(clause):
        return ""
    if " " not in clause or len(_CLAUSE_WORD_RE.findall(clause)) < 2 or len(clause) < 6 or looks_like_code(clause):
        return ""
    return clip(clause, DESCRIPTION_CHARS)
