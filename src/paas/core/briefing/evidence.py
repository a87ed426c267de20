"""What happened after each failure, indexed once: the evidence an error's life cycle is decided from.

Design: one pass over the transcript, in order, records every thing that can end or prolong a
failure, each at a sortable ``position`` (a call's, or a turn's text, which comes before the
turn's own calls):

* command runs (``Run``), with an outcome: ``ok`` (exit 0, or no exit status and an output
  reporting no error), ``fail``, or ``neutral``: a probe (``housekeeping``), ``--help``, a run
  whose output is only the echoed command. A check (build, test, lint, type check: ``check``)
  whose exit status a pipe hides (``| tail``, ``|| true``) is judged by its output: errors
  make it a failure the exit status did not show (``masked``), a clean summary a success,
  anything else neutral. Runs are grouped by family: the program
  (``~/.platformio/penv/bin/pio`` is ``pio``) and its first argument, with the subcommand that
  follows when it is a word (``npm run build`` is not ``npm run dev``);
* successful edits (path), the assistant's replies with code or edits (``fixes``), every reply
  (``answers``);
* the person's messages with a ``Verdict`` each (a failure reported, "still", a confirmation),
  and for each the next confirmation and the next "still failing" (suffix scans, so each
  lookup is one bisect);
* ends: ``/undo``, reverts (``git revert``, ``git reset --hard``, ``git checkout --``, ``git
  restore``, ``git stash``), the user abandoning the work; drops and deletions of files;
  "instead"/"workaround" words; a lint or test fix the user declined (aider's "Attempt to fix
  lint errors? n").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from paas.core.briefing.actions import ActionLog, command_key, command_of, paths_of
from paas.core.briefing.housekeeping import is_probe_failure, programs
from paas.core.briefing.outputs import reports_error
from paas.core.briefing.pasted_errors import pasted_errors
from paas.core.briefing.prose_errors import read_message, says_pre_existing, says_workaround
from paas.core.briefing.stated import stated_calls
from paas.core.briefing.text import clip, code
from paas.core.transcripts.model import ToolCall, Transcript, Turn

_FILTERS = frozenset({"head", "tail", "grep", "egrep", "rg", "less", "more", "tee", "sed", "awk", "cat", "sort", "uniq",
                      "wc", "cut", "jq", "findstr", "select-string", "select-object", "out-string", "column"})
_MASK_RE = re.compile(r"\|\|\s*(?:true|:|echo\b|exit 0)|;\s*(?:echo\b|true\b|exit 0)")
_CHECK_RE = re.compile(
    r"\b(?:build|test|tests|check|lint|compile|tsc|pytest|jest|vitest|mocha|mypy|ruff|eslint|flake8|pylint|cargo|"
    r"go|make|gradlew?|mvn|dotnet|svelte-check|vue-tsc|webpack|vite|next|pio|platformio|idf\.py|cmake|ctest|tox|nox|"
    r"phpunit|rspec|deno|bun|playwright|cypress|swift|xcodebuild|terraform|ansible-playbook|helm|kubectl)\b"
)
_CLEAN_RE = re.compile(
    r"\b(?:0|no|zero) (?:errors?|problems?|failures?|failed)\b|\b[1-9]\d* passed\b(?![^\n]*\bfailed)|"
    r"\bBuild succeeded\b|\bCompiled successfully\b|\bSUCCESS\b|\ball checks passed\b|\bFinished\b.*\btarget|"
    r"\bok\b\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_REVERT_RE = re.compile(r"^git\s+(?:revert\b|reset\s+--hard\b|checkout\s+(?:--\s|\S+\s+--\s|\.\s*$)|restore\b|"
                        r"stash\b(?!\s+list))")
_WORDLIKE_RE = re.compile(r"^[a-z][\w:-]*$")
_UNDO_RE = re.compile(r"^\s*/undo\b", re.MULTILINE)
_DROP_RE = re.compile(r"^\s*/drop\s+(.+)$", re.MULTILINE)
_DROP_NAMES = frozenset({"drop_file", "delete_file", "deletefile", "delete_files", "remove_file", "unlink"})
_HELP_RE = re.compile(r"(?:^|\s)(?:--help|-h|--version|-V|help)(?:\s|$)")
_DECLINED_RE = re.compile(r"(?:Attempt to fix|Fix) (?:lint |test )?errors\? *\(?(?:n|no)\b", re.IGNORECASE)


def position(order: int, calls_before: int, call: int = 0) -> int:
    """A sortable position: the ``call``-th call (1-based) of a turn, or (``call`` 0) the turn's text before them."""
    slot = 2 * (calls_before + call) if call else 2 * calls_before + 1
    return (slot << 32) + order


@dataclass(frozen=True)
class Run:
    pos: int
    turn: int
    text: str
    key: str
    family: str
    sub: str
    program: str
    args: str
    outcome: str  # "ok", "fail", "neutral"
    output: str = ""  # kept only for a failure the exit status hid
    check: bool = False  # a build, test, lint or type check: its latest run is its state


@dataclass(frozen=True)
class Verdict:
    """What one person message says: a failure, "still", a confirmation (strong / weak)."""

    failing: bool
    still: bool
    confirmed: str
    reports: tuple[str, ...] = ()  # the sentences reporting a failure in words
    pasted: tuple[str, ...] = ()  # the error lines pasted into it

    @property
    def again(self) -> bool:
        return self.failing and self.still

    @property
    def strong(self) -> bool:
        return self.confirmed == "strong" and not self.again


@dataclass
class Evidence:
    """Everything after an error that can decide its status, indexed by position."""

    log: ActionLog
    turn_pos: dict[int, int] = field(default_factory=dict)  # turn index -> position of its text
    call_pos: dict[int, int] = field(default_factory=dict)  # call sequence number -> its position
    runs: list[Run] = field(default_factory=list)
    runs_by_seq: dict[int, Run] = field(default_factory=dict)
    by_family: dict[str, list[Run]] = field(default_factory=dict)
    ok_by_args: dict[str, list[Run]] = field(default_factory=dict)
    steps: list[tuple[int, int, str]] = field(default_factory=list)  # successful commands and edits: pos, turn, label
    edits: list[tuple[int, int, str]] = field(default_factory=list)  # pos, turn, path
    fixes: list[tuple[int, int, str]] = field(default_factory=list)  # assistant turns with edits or code
    answers: list[tuple[int, int, str]] = field(default_factory=list)  # assistant turns that said or did something
    people: list[tuple[int, int, str]] = field(default_factory=list)  # person messages: pos, turn, text
    verdicts: list[Verdict] = field(default_factory=list)  # per person message, what it says about a failure
    next_strong: list[int] = field(default_factory=list)  # per person message: index of the next confirmation
    next_still: list[int] = field(default_factory=list)  # per person message: index of the next "still failing"
    exchanges: list[int] = field(default_factory=list)  # positions of person messages (exchange starts)
    ends: list[tuple[int, int, str]] = field(default_factory=list)  # undos, reverts, abandonment: pos, turn, detail
    drops: list[tuple[int, int, str]] = field(default_factory=list)  # pos, turn, normalised path
    arounds: list[tuple[int, int, str]] = field(default_factory=list)  # "instead" words: pos, turn, who
    declines: list[tuple[int, int, str]] = field(default_factory=list)
    masked: list[tuple[int, Run]] = field(default_factory=list)  # (seq, run): exit 0 behind a pipe, errors shown
    prior: list[tuple[int, int, str]] = field(default_factory=list)  # the assistant saying failures are pre-existing


def _person(turn: Turn) -> bool:
    return turn.role == "user" and not getattr(turn, "sidechain", False) and bool(turn.text.strip())


def build_evidence(transcript: Transcript, log: ActionLog) -> Evidence:
    evidence = Evidence(log)
    structured = any(turn.tool_calls for turn in transcript.turns)
    seq = 0
    said = ""  # the assistant's latest words: what it expected of the calls that follow
    for order, turn in enumerate(transcript.turns):
        here = position(order, seq)
        evidence.turn_pos[turn.index] = here
        calls = turn.tool_calls if structured else tuple(stated_calls(turn))
        _turn_text(evidence, turn, here, bool(calls))
        if turn.role == "assistant" and turn.text.strip():
            said = turn.text[-600:]
        elif _person(turn):
            said = ""
        for call in calls:
            seq += 1
            evidence.call_pos[seq] = position(order, seq - 1, 1)
            _call(evidence, call, seq, turn, evidence.call_pos[seq], said)
    _index_verdicts(evidence)
    return evidence


def _index_verdicts(evidence: Evidence) -> None:
    """For each person message, the next confirmation and the next "still failing" (suffix scans)."""
    count = len(evidence.people)
    evidence.next_strong = [count] * (count + 1)
    evidence.next_still = [count] * (count + 1)
    for index in range(count - 1, -1, -1):
        verdict = evidence.verdicts[index]
        evidence.next_strong[index] = index if verdict.strong else evidence.next_strong[index + 1]
        evidence.next_still[index] = index if verdict.again else evidence.next_still[index + 1]


def _turn_text(evidence: Evidence, turn: Turn, here: int, has_calls: bool) -> None:
    text = turn.text
    if turn.role == "assistant":
        if text.strip() or has_calls:
            evidence.answers.append((here, turn.index, ""))
        if "```" in text:
            evidence.fixes.append((here, turn.index, ""))
        if text and says_workaround(text):
            evidence.arounds.append((here, turn.index, "assistant"))
        if text and says_pre_existing(text):
            evidence.prior.append((here, turn.index, ""))
    elif turn.role == "system" and text:
        if _DECLINED_RE.search(text):
            evidence.declines.append((here, turn.index, ""))
    elif _person(turn):
        stripped = text.strip()
        if _UNDO_RE.match(stripped):
            evidence.ends.append((here, turn.index, f"superseded: undone by `/undo` at turn {turn.index}"))
        for match in _DROP_RE.finditer(stripped[:2000]):
            for path in match.group(1).split():
                evidence.drops.append((here, turn.index, normal_path(path)))
        if stripped.startswith("/") and len(stripped.split()) <= 3:
            return  # a harness command, not a message
        evidence.people.append((here, turn.index, text))
        pasted = tuple(pasted_errors(text))
        reading = read_message(text, with_reports=not pasted)
        failing = bool(reading.reports or pasted)
        evidence.verdicts.append(Verdict(failing, failing and reading.still, reading.confirmed, reading.reports,
                                         pasted))
        evidence.exchanges.append(here)
        if reading.abandons:
            evidence.ends.append((here, turn.index, f"superseded: the user dropped it at turn {turn.index} "
                                                    f"(\"{clip(' '.join(text.split()), 48)}\")"))
        if reading.around and not failing:
            evidence.arounds.append((here, turn.index, "user"))


def _call(evidence: Evidence, call: ToolCall, seq: int, turn: Turn, here: int, said: str) -> None:
    name = call.name.lower()
    failed = call.is_error or (call.exit_status is not None and call.exit_status != 0)
    if call.is_edit and not failed:
        for path in paths_of(call):
            evidence.edits.append((here, turn.index, path))
            evidence.steps.append((here, turn.index, f"edited {code(path)}"))
        if not evidence.fixes or evidence.fixes[-1][1] != turn.index:
            evidence.fixes.append((here, turn.index, ""))
        return
    if name in _DROP_NAMES and not failed:
        for path in paths_of(call):
            evidence.drops.append((here, turn.index, normal_path(path)))
        return
    command = command_of(call)
    if command is None or call.is_edit or name == "commit":
        return
    run = _run(call, command, here, turn.index, failed, said)
    if run is None:
        return
    evidence.runs.append(run)
    evidence.runs_by_seq[seq] = run
    evidence.by_family.setdefault(run.family, []).append(run)
    if run.outcome == "ok":
        evidence.ok_by_args.setdefault(run.args, []).append(run)
        evidence.steps.append((here, turn.index, code(clip(run.text, 80))))
        if _REVERT_RE.match(run.key):
            evidence.ends.append((here, turn.index, f"superseded: reverted at turn {turn.index} "
                                                    f"({code(clip(run.key, 60))})"))
    elif run.outcome == "fail" and call.exit_status == 0:  # a pipe hid the failure; actions did not see it
        evidence.masked.append((seq, run))


def _run(call: ToolCall, command: str, here: int, turn: int, failed: bool, said: str) -> Run | None:
    key = command_key(command)
    parts = programs(key)
    if not parts:
        return None
    head = parts[0]
    words = [w for w in head[1:] if not w.startswith("-")]
    program = head[0]
    family = " ".join([program, *words[:1]])
    sub = words[1] if len(words) > 1 and _WORDLIKE_RE.match(words[1]) else ""
    output = call.output or ""
    check = _CHECK_RE.search(" ".join(head)) is not None
    if _HELP_RE.search(key):
        outcome = "neutral"  # asking the program how to call it is not running it
    elif failed:
        outcome = "neutral" if is_probe_failure(command, output, call.exit_status, said) else "fail"
    elif call.exit_status is None and not _shows_result(output, key):
        outcome = "neutral"  # no exit status and nothing but the echoed command: unknown
    elif _masked(key, parts) and check:
        outcome = "fail" if reports_error(output) else ("ok" if _CLEAN_RE.search(output[-3000:]) else "neutral")
    elif call.exit_status is None and reports_error(output):
        outcome = "fail"
    else:
        outcome = "ok"
    kept = output if outcome == "fail" and call.exit_status == 0 else ""
    return Run(here, turn, clip(key, 100), key, family, sub, program, " ".join(head[1:]), outcome, kept, check)


def _masked(key: str, parts: list[list[str]]) -> bool:
    return (len(parts) > 1 and parts[-1][0] in _FILTERS and "pipefail" not in key) or _MASK_RE.search(key) is not None


def _shows_result(output: str, key: str) -> bool:
    lines = [line for line in output[:2000].strip().splitlines()[:6] if line.strip()]
    return any(key[:40] not in line for line in lines)


def normal_path(path: str) -> str:
    """A path compared case-insensitively with forward slashes (``a\\b``, ``a\\\\b`` and ``a/b`` alike)."""
    return re.sub(r"/+", "/", path.strip().strip("'\"`").replace("\\", "/")).lower().rstrip("/")


def first_after(items: list[tuple[int, int, str]], pos: int) -> tuple[int, int, str] | None:
    at = bisect_right(items, (pos, 1 << 62, ""))
    return items[at] if at < len(items) else None


def runs_after(runs: list[Run], pos: int) -> list[Run]:
    """The runs after ``pos`` (runs are in order), at most ``SCAN`` of them: a bounded look ahead."""
    low, high = 0, len(runs)
    while low < high:
        middle = (low + high) // 2
        if runs[middle].pos <= pos:
            low = middle + 1
        else:
            high = middle
    return runs[low : low + SCAN]


SCAN = 400


def family_match(run: Run, other: Run) -> bool:
    return run.family == other.family and (not run.sub or not other.sub or run.sub == other.sub)


def exchange_end(evidence: Evidence, pos: int, exchanges: int = 2) -> int:
    """Position of the ``exchanges``-th person message after ``pos`` (the window a reaction lives in)."""
    at = bisect_right(evidence.exchanges, pos) + exchanges - 1
    return evidence.exchanges[at] if at < len(evidence.exchanges) else 1 << 62


def exchange_start(evidence: Evidence, pos: int) -> int:
    at = bisect_right(evidence.exchanges, pos) - 1
    return evidence.exchanges[at] if at >= 0 else -1


def run_of(evidence: Evidence, seq: int, command: str, pos: int, turn: int) -> Run:
    """The run call ``seq`` made (rebuilt from its command when the index does not hold it)."""
    run = evidence.runs_by_seq.get(seq)
    if run is not None:
        return run
    key = command_key(command)
    parts = programs(key) or [[""]]
    words = [w for w in parts[0][1:] if not w.startswith("-")]
    sub = words[1] if len(words) > 1 and _WORDLIKE_RE.match(words[1]) else ""
    return Run(pos, turn, key, key, " ".join([parts[0][0], *words[:1]]), sub, parts[0][0],
               " ".join(parts[0][1:]), "fail")
