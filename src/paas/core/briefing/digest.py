"""Digests: a message shortened for a briefing, pastes summarised as what they are.

Design: a briefing is pasted into another session with a small budget, so nothing verbatim in
it may be a copy of something the next session can open itself. ``digest(text, limit)``
keeps a message's own words and replaces what the person pasted by one line saying what it
was: a fenced block becomes ``[a 40-line Python block]``, a run of log or stack-trace lines
``[a 25-line pasted log: <its first error line>]``, a run of code-looking lines
``[12 lines of pasted code]``. What is left is single-spaced and clipped at a word boundary.

``request_digest`` is the same for the latest request, which a briefing quotes: its prose is
kept verbatim (only pastes are summarised), so the quote stays the user's words.

Cost: one regex pass for fences and one line scan of the prose, both linear; a huge paste is
looked at only up to ``_SCAN_CHARS`` before it is summarised by its size.
"""

from __future__ import annotations

import re

from paas.core.briefing.terminal import TerminalPastes, prompt_command
from paas.core.briefing.text import clip, looks_like_code

_FENCE_BLOCK_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^[ \t]{0,3}\1[ \t]*$|\Z)",
                             re.MULTILINE | re.DOTALL)
_LOG_LINE_RE = re.compile(
    r"^\s*(?:at |File \"|Traceback|\[?\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|\[(?:INFO|WARN|WARNING|ERROR|DEBUG)\]|"
    r"(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE)\b|npm (?:ERR|WARN)|error(?:\[\w+\])?:|warning:|>\s|\$ |\| |"
    r"[\w./\\-]+:\d+(?::\d+)?|[A-Z]\w*(?:Error|Exception)\b)"
)
_ERROR_WORD_RE = re.compile(r"error|exception|fail|fatal|cannot|not found|undefined", re.IGNORECASE)
LABEL_RE = re.compile(
    r"\[(?:an? \d+-line(?: [^\]\n…]{0,160})?|\d+ lines of pasted code|… [\d,]+ more characters)(?:\]|…)"
)
_BLANKS_RE = re.compile(r"\n\s*\n+")
_DIGITS_RE = re.compile(r"\d+")
_SCAN_CHARS = 200_000
_RUN_MIN = 4  # consecutive code or log lines that count as a paste
_LANGUAGE_NAMES = {
    "py": "Python", "python": "Python", "js": "JavaScript", "javascript": "JavaScript", "ts": "TypeScript",
    "typescript": "TypeScript", "tsx": "TSX", "jsx": "JSX", "sh": "shell", "bash": "shell", "shell": "shell",
    "console": "terminal", "json": "JSON", "yaml": "YAML", "yml": "YAML", "html": "HTML", "css": "CSS",
    "sql": "SQL", "go": "Go", "rust": "Rust", "rs": "Rust", "java": "Java", "kotlin": "Kotlin", "kt": "Kotlin",
    "c": "C", "cpp": "C++", "csharp": "C#", "cs": "C#", "php": "PHP", "ruby": "Ruby", "swift": "Swift",
    "toml": "TOML", "xml": "XML", "diff": "diff", "text": "text", "txt": "text", "markdown": "Markdown",
    "md": "Markdown",
}


def block_label(language: str, body: str) -> str:
    """What a fenced block is, in a few words: ``a 40-line Python block``."""
    lines = body.count("\n") + (0 if body.endswith("\n") or not body else 1)
    name = _LANGUAGE_NAMES.get(language.lower(), language if language.isalpha() else "")
    kind = f"{name} block" if name else "block"
    first_error = next((line.strip() for line in body.splitlines()[:400] if _ERROR_WORD_RE.search(line)), "")
    if first_error and not name:
        return f"a {lines}-line pasted output: {clip(first_error, 80)}"
    return f"a {lines}-line {kind}"


def _summarise_fences(text: str, keep_short: int) -> str:
    """Fenced blocks longer than ``keep_short`` lines replaced by their label."""
    if "```" not in text and "~~~" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        body = match.group(3)
        if body.count("\n") < keep_short and "`" not in body:  # a short block: its lines as code spans
            lines = [line.strip() for line in body.splitlines() if line.strip()]
            return "; ".join(f"`{line}`" for line in lines) + "\n" if lines else ""
        return f"[{block_label(match.group(2), body)}]\n"

    return _FENCE_BLOCK_RE.sub(replace, text)


def _summarise_runs(text: str) -> str:
    """Runs of ``_RUN_MIN`` or more log or code lines (outside fences) replaced by one label."""
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []
    kind = ""

    def flush() -> None:
        nonlocal run, kind
        if len(run) >= _RUN_MIN:
            if kind == "log":
                first_error = next((line.strip() for line in run if _ERROR_WORD_RE.search(line)), "")
                what = f": {clip(first_error, 80)}" if first_error else ""
                out.append(f"[a {len(run)}-line pasted log{what}]")
            else:
                out.append(f"[{len(run)} lines of pasted code]")
        else:
            out.extend(run)
        run, kind = [], ""

    previous_shape = ""
    for line in lines:
        stripped = line.strip()
        shape = _DIGITS_RE.sub("#", stripped)
        repeated = bool(stripped) and shape == previous_shape and len(stripped) > 12
        previous_shape = shape
        this = "log" if stripped and (_LOG_LINE_RE.match(line) or repeated) else \
            "code" if looks_like_code(stripped) else ""
        if repeated and len(run) == 0 and out and _DIGITS_RE.sub("#", out[-1].strip()) == shape:
            run.append(out.pop())  # the first line of a run of look-alike lines (a pasted output)
        if stripped.startswith("[") and stripped.endswith("]") and ("block" in stripped or "pasted" in stripped):
            this = ""  # a label written by _summarise_fences
        if this and (not kind or this == kind or len(run) < 2):
            kind = kind or this
            run.append(line)
            continue
        flush()
        if this:
            kind = this
            run.append(line)
        else:
            out.append(line)
    flush()
    return "\n".join(out)


def _summarise_terminal(text: str) -> str:
    """Pasted terminal sessions (a prompt line and its output) replaced by one label each."""
    spans = TerminalPastes(text).spans
    if not spans:
        return text
    out: list[str] = []
    done = 0
    for start, end in spans:
        body = text[start:end]
        lines = body.rstrip("\n").split("\n")
        command = clip(prompt_command(lines[0]), 60)
        first_error = next((line.strip() for line in lines[1:400] if _ERROR_WORD_RE.search(line)), "")
        what = f": {clip(first_error, 80)}" if first_error else ""
        out += [text[done:start], f"[a {len(lines)}-line terminal paste of `{command}`{what}]\n"]
        done = end
    out.append(text[done:])
    return "".join(out)


def summarise_pastes(text: str, keep_short: int = 3) -> str:
    """``text`` with pasted blocks, logs and code replaced by one-line labels; prose untouched."""
    head = text if len(text) <= _SCAN_CHARS else text[:_SCAN_CHARS]
    rest = len(text) - len(head)
    summarised = _summarise_runs(_summarise_terminal(_summarise_fences(head, keep_short)))
    if rest:
        summarised += f"\n[… {rest:,} more characters]"
    return summarised


def digest(text: str, limit: int) -> str:
    """A message in at most ``limit`` characters: pastes summarised, single-spaced, clipped."""
    short = summarise_pastes(text)
    short = _BLANKS_RE.sub(" / ", short.strip())
    short = " ".join(short.split())
    return balanced_spans(clip(short, limit))


def balanced_spans(text: str) -> str:
    """``text`` whose last code span is closed: a clip inside a span would pair with a later backtick."""
    if text.count("`") % 2 == 0:
        return text
    cut = text.rfind("`")
    before, after = text[:cut], text[cut + 1 :]
    # dropped, or a space where it joined two words: "0`0" must not become the number "00"
    joined = before[-1:].isalnum() and after[:1].isalnum()
    return before + (" " if joined else "") + after


def request_digest(text: str) -> str:
    """The latest request with its pastes summarised and its prose verbatim (blank runs kept to one)."""
    short = summarise_pastes(text.strip("\n"))
    return _BLANKS_RE.sub("\n\n", short).strip()
