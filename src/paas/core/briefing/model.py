"""The briefing's vocabulary: options in, facts in the middle, a briefing out.

Design: frozen dataclasses and constants only.

* ``Fact``: one thing the transcript shows (a file edited, a command run, an error, a
  constraint the user stated...), with ``turn``: the index of the turn that is its latest
  evidence, so the briefing can cite it. ``text`` is always taken verbatim from the transcript
  (clipped at a word boundary and marked with "…" when long), never paraphrased, so a briefing
  built from facts only repeats what the sources say.
* ``Facts``: every fact of one transcript, one tuple per category, in transcript order.
* ``BriefingOptions``: the budget (a level, an explicit ``max_tokens``, or the original's line
  mode), the header's names, what earlier sessions left: the previous briefing, knowledge
  entries that may be linked, and how often past briefings named a term; and the
  ``secret_finder`` a service injects (a detector outside the core: ``redact`` runs its own
  rules with or without one).
* ``Briefing``: the Markdown, the facts it was built from and the figures (``stats``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypedDict

from paas.core.briefing.redact import SecretFinder

LEVEL_BUDGETS: dict[str, int] = {"low": 2500, "medium": 1200, "high": 400}  # tokens (cl100k_base)
LINE_BUDGETS: dict[str, int] = {"low": 25, "medium": 15, "high": 5}  # the original's --lines mode
TOKENIZER = "cl100k_base"

# What a fact is (``Fact.category``); "intent" and "closing" are facts a section reads, not counted in stats.
FactCategory = Literal["request", "goal", "constraint", "file", "command", "error", "test", "commit", "decision",
                       "open_item", "anchor", "marker", "message", "plan", "refusal", "interruption", "report",
                       "intent", "closing"]
# Fact categories, in the order stats report them.
CATEGORIES: tuple[FactCategory, ...] = (
    "request",
    "goal",
    "constraint",
    "file",
    "command",
    "error",
    "test",
    "commit",
    "decision",
    "open_item",
    "anchor",
    "marker",
    "message",
    "plan",
    "refusal",
    "interruption",
    "report",
)


@dataclass(frozen=True)
class KnowledgeRef:
    """A knowledge-base entry the briefing may link when the transcript touches its subject."""

    id: int
    title: str
    tags: str  # comma-separated


@dataclass(frozen=True)
class BriefingOptions:
    level: str = "medium"
    max_tokens: int | None = None  # overrides the level's token budget
    lines_mode: bool = False  # budget in rendered lines (LINE_BUDGETS) instead of tokens
    project_name: str | None = None
    from_account: str | None = None
    to_account: str | None = None
    source_format: str | None = None  # defaults to the transcript's format
    previous_briefing: str | None = None  # Markdown this package produced for the project before
    knowledge: tuple[KnowledgeRef, ...] = ()
    past_terms: dict[str, int] = field(default_factory=dict)  # term -> past briefings naming it
    # (text) -> (value, kind) pairs, each value redacted wherever it occurs (see ``redact``)
    secret_finder: SecretFinder | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Fact:
    """One observed fact, verbatim, with the turn that is its latest evidence."""

    category: FactCategory
    text: str
    turn: int
    status: str = ""  # category-specific: edited/created/read/mentioned, unresolved/resolved, ok/failed...
    key: str = ""  # what makes two mentions the same fact (a path, a command, a sha, a normalised line)
    first_turn: int = -1
    count: int = 1
    source: str = ""  # role of the turn it came from, "tool" for tool calls, "previous" for carried over
    detail: str = ""  # evidence or context (e.g. the command an error came from, how it was resolved)
    score: float = 0.0  # salience hint set at extraction (source, shape, rarity); ranking adds the rest
    subject: str = ""  # what the fact is about when the text alone does not say (an error's command or file)
    names: tuple[str, ...] = ()  # a changed file: names its edits added and kept, the latest edit's first
    dropped: tuple[str, ...] = ()  # a changed file: names its edits took out and did not put back


@dataclass(frozen=True)
class Facts:
    """Everything extracted from one transcript, one tuple per category, in transcript order."""

    latest_request: Fact | None = None
    later_inputs: tuple[Fact, ...] = ()  # housekeeping commands typed after it (/exit, /diff...)
    request_context: Fact | None = None  # the assistant question a short reply ("yes please") answers
    goal: Fact | None = None
    constraints: tuple[Fact, ...] = ()
    files: tuple[Fact, ...] = ()
    commands: tuple[Fact, ...] = ()
    errors: tuple[Fact, ...] = ()
    tests: tuple[Fact, ...] = ()
    commits: tuple[Fact, ...] = ()
    decisions: tuple[Fact, ...] = ()
    open_items: tuple[Fact, ...] = ()
    anchors: tuple[Fact, ...] = ()
    markers: tuple[Fact, ...] = ()
    project: str = ""  # the project's name, when the transcript tells it (title, working folder)
    messages: tuple[Fact, ...] = ()  # every user message that says something, digested, in order
    intents: tuple[Fact, ...] = ()  # the messages that opened or changed the work
    plan: tuple[Fact, ...] = ()  # the agent's latest todo list / plan, status per item
    refusals: tuple[Fact, ...] = ()  # commands, files, tool uses the person declined
    interruptions: tuple[Fact, ...] = ()  # interrupted replies, cancelled runs, /undo (status "undone": a commit)
    last_report: Fact | None = None  # what the assistant last said after the latest request, digested
    closing: Fact | None = None  # a step the final reply announced ("I'll ...") or proposed ("Let's try ...")
    edit_turns: tuple[int, ...] = ()  # turns with an applied edit, named or not (some exports omit the path)
    turn_count: int = 0
    last_assistant_turn: int = -1  # index of the last assistant turn with text or calls, -1 when none

    def by_category(self) -> dict[str, tuple[Fact, ...]]:
        request = tuple(f for f in (self.latest_request,) if f is not None)
        goal = tuple(f for f in (self.goal,) if f is not None)
        return {
            "request": request,
            "goal": goal,
            "constraint": self.constraints,
            "file": self.files,
            "command": self.commands,
            "error": self.errors,
            "test": self.tests,
            "commit": self.commits,
            "decision": self.decisions,
            "open_item": self.open_items,
            "anchor": self.anchors,
            "marker": self.markers,
            "message": self.messages,
            "plan": self.plan,
            "refusal": self.refusals,
            "interruption": self.interruptions,
            "report": tuple(f for f in (self.last_report,) if f is not None),
            "closing": tuple(f for f in (self.closing,) if f is not None),
        }

    @property
    def edited_files(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.files if f.status in ("edited", "created"))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able view (for services that store or display the facts)."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Fact):
                out[item.name] = _fact_dict(value)
            elif isinstance(value, tuple) and all(isinstance(item, Fact) for item in value):
                out[item.name] = [_fact_dict(f) for f in value]
            elif isinstance(value, tuple):
                out[item.name] = list(value)
            else:
                out[item.name] = value
        return out


def _fact_dict(fact: Fact) -> dict[str, Any]:
    values = ((item.name, getattr(fact, item.name)) for item in fields(fact))
    return {name: list(value) if isinstance(value, tuple) else value for name, value in values}


class BriefingStats(TypedDict, total=False):
    """A briefing's figures (``build._stats``), as the API's ``stats`` object shows them."""

    tokens_before: int
    tokens_after: int
    ratio_tokens: float  # percent saved
    lines_before: int
    lines_after: int
    ratio_lines: float
    facts_kept: dict[str, int]  # per category, of facts_total
    facts_total: dict[str, int]
    budget: int
    budget_unit: str  # "tokens" or "lines"
    body_lines: int
    level: str
    tokenizer: str
    truncated_request: bool
    over_budget: bool
    knowledge_linked: list[int]
    tokens_counted_from: str
    never_cut_tokens: int  # only when over budget: what the never-cut items alone take
    polish: dict[str, Any]  # only when polishing was asked for: accepted, problems, figures


@dataclass(frozen=True)
class Briefing:
    markdown: str
    facts: Facts
    stats: BriefingStats
