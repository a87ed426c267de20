"""Synthetic transcripts with planted facts, a needle, and sizes for the speed test.

A scenario is a list of format-neutral events (``Say``, ``Read``, ``Edit``, ``Run``, ``Commit``)
made from a seeded ``random.Random``; ``formats.render`` writes it in any of the eight formats
the readers support. The gold facts are the planted ones, known by construction:

* a user constraint (``INVOICE_LEGACY_ROUNDING`` must stay set), early on;
* three edited files, a failing test run then the same command passing, a commit;
* a lint run that fails and is never re-run (the one unresolved error), a last edit;
* the latest user request, last.

Filler between them (questions, explanations, file reads) sets the size. A needle
(``NEEDLE-<hex>``) can be planted as a user constraint at any fraction of the event list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from benchmarks.briefing.facts import Fact, GoldFacts
from benchmarks.briefing.gold import error_text

SEED = 20260525
CONSTRAINT_TOKEN = "INVOICE_LEGACY_ROUNDING"
TEST_COMMAND = "python -m pytest tests/test_invoice.py -q"
LINT_COMMAND = "npm run lint -- --max-warnings=0"
LATEST_REQUEST = (
    "Next, add a CSV export button to the invoice table, keep the totals aligned with the PDF output, "
    "and do not touch the tax rules again."
)


@dataclass(frozen=True)
class Say:
    role: str
    text: str


@dataclass(frozen=True)
class Read:
    path: str
    content: str


@dataclass(frozen=True)
class Edit:
    path: str
    old: str
    new: str
    note: str


@dataclass(frozen=True)
class Run:
    command: str
    output: str
    exit_code: int


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str


Event = Say | Read | Edit | Run | Commit


@dataclass
class Scenario:
    events: list[Event]
    gold: GoldFacts
    constraints: list[Fact] = field(default_factory=list)
    needle: str | None = None


# --- filler ------------------------------------------------------------------------------------

_MODULES = ("billing/ledger.py", "billing/currency.py", "billing/pdf_render.py", "web/src/api/client.ts",
            "web/src/hooks/useInvoices.ts", "services/mailer.py", "services/scheduler.py", "core/settings.py")
_TOPICS = ("the monthly close", "partial refunds", "currency conversion", "the retry queue", "draft invoices",
           "credit notes", "the nightly export", "discount codes", "customer time zones", "line item grouping")
_SENTENCES = (
    "The {topic} path reads {module} before it touches the database, so the order of calls matters here.",
    "I looked at {module}; it keeps a small cache keyed by customer and invalidates it on every write.",
    "Nothing in {module} depends on {topic} directly, which keeps the change contained.",
    "The helper in {module} returns amounts in cents, and the view divides by one hundred only at the end.",
    "For {topic} the current behaviour is correct; the confusion comes from the label in the table header.",
    "A cleaner option is to pass the locale explicitly instead of reading it from the request each time.",
    "I would leave {module} as it is for now and revisit it once {topic} has tests of its own.",
    "The fixture data covers {topic} for two customers, which is enough to see the pattern.",
    "Both call sites already handle the empty case, so no extra guard is needed.",
    "The naming in {module} is a little inconsistent, but renaming would ripple through several imports.",
)
_QUESTIONS = (
    "Can you explain how {module} deals with {topic}?",
    "Before we go on: is {topic} affected by what we changed in {module}?",
    "Quick question about {topic} - where does that logic live?",
    "I am not sure {module} handles {topic} well. What do you think?",
    "Could you walk me through {topic} once more, step by step?",
)


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(_SENTENCES).format(module=rng.choice(_MODULES), topic=rng.choice(_TOPICS))
                    for _ in range(sentences))


def _code(rng: random.Random, functions: int) -> str:
    lines = []
    for _ in range(functions):
        name = f"{rng.choice(('compute', 'format', 'load', 'merge', 'check'))}_{rng.choice(('total', 'line', 'rate'))}"
        factor = rng.randint(2, 97)
        lines += [f"def {name}_{rng.randint(10, 999)}(value, scale={factor}):",
                  f"    \"\"\"{_paragraph(rng, 1)}\"\"\"",
                  f"    result = value * scale // {rng.randint(2, 9)}",
                  "    return result", ""]
    return "\n".join(lines)


def filler_exchange(rng: random.Random) -> list[Event]:
    """One question and its answer, with a file read in between: about 650 tokens of content."""
    module = rng.choice(_MODULES)
    question = rng.choice(_QUESTIONS).format(module=module, topic=rng.choice(_TOPICS))
    return [Say("user", question), Read(module, _code(rng, rng.randint(5, 8))),
            Say("assistant", "\n\n".join(_paragraph(rng, rng.randint(3, 5)) for _ in range(rng.randint(2, 4))))]


# --- planted facts -----------------------------------------------------------------------------


def planted_opening(rng: random.Random) -> list[Event]:
    return [
        Say("user", "We are fixing rounding in the invoicing service under billing/. Constraint: keep the "
                    f"environment flag {CONSTRAINT_TOKEN}=1 set in every deploy; finance relies on it."),
        Say("assistant", "Understood. I will start with the invoice totals and the tax rules."),
    ]


def planted_fix(rng: random.Random, sha: str) -> list[Event]:
    failure = ("FAILED tests/test_invoice.py::test_rounding_half_even - AssertionError: expected 10.05, got 10.04\n"
               "1 failed, 11 passed in 0.42s")
    return [
        Edit("billing/invoice.py", "total = round(subtotal, 2)", "total = quantize_half_even(subtotal)",
             "use half-even rounding for totals"),
        Edit("billing/tax_rules.py", "RATE = 0.2", "RATE = Decimal('0.20')", "decimal tax rate"),
        Run(TEST_COMMAND, failure, 1),
        Say("assistant", "One test still fails: the helper rounds before summing the lines. Moving the rounding."),
        Edit("billing/rounding.py", "return round(x, 2)", "return x.quantize(CENT, ROUND_HALF_EVEN)",
             "round once, at the end"),
        Run(TEST_COMMAND, "12 passed in 0.40s", 0),
        Commit(sha, "fix: round invoice totals half-even"),
        Say("assistant", f"All 12 tests pass; committed as {sha}."),
    ]


def planted_ending(rng: random.Random) -> list[Event]:
    lint = ("web/src/InvoiceTable.tsx:42:7  error  'totalCents' is assigned a value but never used  no-unused-vars\n"
            "1 problem (1 error, 0 warnings)")
    return [
        Say("user", "Please also show the rounded totals in the web table."),
        Edit("web/src/InvoiceTable.tsx", "{row.total}", "{formatCents(row.totalCents)}", "show rounded totals"),
        Run(LINT_COMMAND, lint, 1),
        Say("assistant", "The table shows rounded totals now; the linter still reports one unused variable."),
        Say("user", LATEST_REQUEST),
    ]


def gold_of(events: list[Event]) -> GoldFacts:
    """The planted facts, computed from the events (the same rules as the real corpus's gold)."""
    gold = GoldFacts()
    runs: list[tuple[int, Run]] = [(i, event) for i, event in enumerate(events) if isinstance(event, Run)]
    for index, event in enumerate(events):
        if isinstance(event, Edit):
            gold.add(Fact("edited_files", event.path, "path"))
        elif isinstance(event, Commit):
            gold.add(Fact("commits", event.sha, "sha", (("phrase", event.message),)))
        elif isinstance(event, Run):
            gold.add(Fact("commands", event.command, "command"))
            if event.exit_code:
                text = error_text(event.output, event.command)
                gold.add(Fact("errors", text, "error"))
                if not any(later > index and run.command == event.command and not run.exit_code
                           for later, run in runs):
                    gold.add(Fact("unresolved_errors", text, "error"))
    last_user = next((event for event in reversed(events) if isinstance(event, Say) and event.role == "user"), None)
    if last_user is not None:
        gold.facts["latest_request"] = [Fact("latest_request", last_user.text, "request")]
    return gold


def scenario(seed: int = SEED, filler: int = 20, needle_at: float | None = None) -> Scenario:
    """The planted facts spread through ``filler`` filler exchanges; a needle at ``needle_at`` (0..1)."""
    rng = random.Random(seed)
    sha = f"{rng.getrandbits(28):07x}"
    fillers = [filler_exchange(rng) for _ in range(filler)]
    first, second = max(1, filler // 5), max(2, (4 * filler) // 5)
    events: list[Event] = [*planted_opening(rng)]
    for number, exchange in enumerate(fillers):
        if number == first:
            events += planted_fix(rng, sha)
        if number == second:
            events += [Say("user", "Good. Let us look at the web side next."), Say("assistant", "Sure.")]
        events += exchange
    if filler <= first:
        events += planted_fix(rng, sha)
    events += planted_ending(rng)
    result = Scenario(events=events, gold=gold_of(events),
                      constraints=[Fact("constraints", CONSTRAINT_TOKEN, "token")])
    if needle_at is not None:
        needle = f"NEEDLE-{rng.getrandbits(40):010x}"
        position = round(needle_at * len(events))
        while 0 < position < len(events) and not isinstance(events[position], Say):
            position += 1  # plant it between whole steps, before a message
        events.insert(position, Say("user", f"Hard constraint from the client: every export file must carry the "
                                            f"tag {needle} in its first line. Do not drop it."))
        result.needle = needle
    return result
