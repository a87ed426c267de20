"""The session's own words at a handoff, each claim checked against its transcript.

Design: a session that hands off may say what it did (``summary``) and what comes next
(``next_step``). Those words go into the briefing in a section of their own (``HEADING``),
never mixed into the engine's sections, and each claim in them (a sentence, or a list item) is
checked like any fact a briefing states:

* its anchors (paths, identifiers, versions, URLs, numbers, code spans: what
  ``anchors.briefing_anchors`` finds, as the faithfulness check does) must occur verbatim in the
  transcript; a claim that names no anchor must share its content words with a fact extracted
  from the transcript (a file, command, test run, error, commit, plan item, request...);
* a claim that something passes is held against the test run (or command) it names, else the
  latest test run; a claim that something is fixed, against the error it names. A failed run
  or an error still unresolved contradicts it.

Each claim gets one verdict: supported (with the fact it matches, cited by turn), contradicted
(with the fact that contradicts it), not found in the transcript (with the anchors that are not
there), or nothing to check (no anchor and no content word). Claims are checked on the words
as given and shown redacted (``redact.Redactor`` with the caller's secret finder), the cited
facts too: a key the session repeats is never carried, a key the transcript holds still matches.

Pure: texts and ``Facts`` in, Markdown out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from paas.core.briefing.anchors import briefing_anchors
from paas.core.briefing.model import Fact, FactCategory, Facts
from paas.core.briefing.redact import Redactor, SecretFinder
from paas.core.briefing.salience import turn_ref
from paas.core.briefing.text import STOPWORDS, clip, code, words

HEADING = "## In the session's own words"
Verdict = Literal["supported", "contradicted", "not found", "nothing to check"]
MARKS: dict[Verdict, str] = {"supported": "✓ supported", "contradicted": "⚠ contradicted",
                             "not found": "✗ not found in the transcript", "nothing to check": "· nothing to check"}
MAX_CLAIMS = 30  # per part: past this, the rest is counted, not checked (a briefing is a page, not a log)

_BULLET_RE = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(\[])")
_PASSING_RE = re.compile(r"\b(?:pass(?:es|ed|ing)?|green|succeed(?:s|ed)?|succeeding)\b", re.IGNORECASE)
_FIXED_RE = re.compile(r"\b(?:fix(?:ed|es)?|resolved?|solved?)\b", re.IGNORECASE)
_NEGATED_RE = re.compile(r"\b(?:not|no|never|fail\w*)\b|n't\b", re.IGNORECASE)
_SUFFIXES = ("ing", "ed", "es", "s")
# Where a claim's evidence is looked for first: what it is most likely about.
_ORDER: tuple[FactCategory, ...] = ("file", "command", "test", "error", "commit", "plan", "open_item", "decision",
                                    "constraint", "report", "request", "message", "refusal", "interruption",
                                    "anchor", "marker", "goal", "closing")
_PASSING_ORDER: tuple[FactCategory, ...] = ("test", "command")
_FIXED_ORDER: tuple[FactCategory, ...] = ("error", "test", "command")


@dataclass(frozen=True)
class Claim:
    part: str  # "Summary" or "Next step"
    text: str
    verdict: Verdict
    evidence: Fact | None = None
    missing: tuple[str, ...] = ()  # anchors that occur nowhere in the transcript


def split_claims(text: str) -> list[str]:
    """Sentences and list items of ``text``, in order (list markers dropped)."""
    claims: list[str] = []
    for line in text.splitlines():
        line = _BULLET_RE.sub("", line).strip()
        claims += [part.strip() for part in _SENTENCE_END_RE.split(line) if part.strip()]
    return claims


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    return {_stem(word) for word in words(text) if word not in STOPWORDS}


def _fact_text(fact: Fact) -> str:
    return " ".join(part for part in (fact.text, fact.key, fact.detail, fact.subject) if part)


def _facts_in(facts: Facts, order: Iterable[FactCategory]) -> list[list[Fact]]:
    by_category = facts.by_category()
    return [list(by_category.get(category, ())) for category in order]


def _by_anchor(facts: Facts, anchors: set[str], order: Iterable[FactCategory]) -> Fact | None:
    """The latest fact of the first category (in ``order``) that holds one of ``anchors``."""
    for group in _facts_in(facts, order):
        found = [fact for fact in group if any(anchor in _fact_text(fact) for anchor in anchors)]
        if found:
            return max(found, key=lambda fact: fact.turn)
    return None


def _by_words(facts: Facts, claim_words: set[str], order: Iterable[FactCategory]) -> Fact | None:
    """The fact sharing most content words with the claim (at least two, or all of a one-word claim)."""
    needed = min(2, len(claim_words))
    best: tuple[int, int, int] | None = None
    chosen = None
    for rank, group in enumerate(_facts_in(facts, order)):
        for fact in group:
            shared = len(claim_words & content_words(_fact_text(fact)))
            score = (shared, -rank, fact.turn)
            if shared >= needed and (best is None or score > best):
                best, chosen = score, fact
    return chosen


def _latest_run(facts: Facts) -> Fact | None:
    return max(facts.tests, key=lambda fact: fact.turn) if facts.tests else None


def check_claim(part: str, text: str, facts: Facts, transcript_text: str) -> Claim:
    """One claim's verdict against the transcript's text and facts."""
    anchors = {anchor.strip() for anchor in briefing_anchors(text) if anchor.strip()}
    missing = tuple(sorted(anchor for anchor in anchors if anchor not in transcript_text))
    if missing:
        return Claim(part, text, "not found", missing=missing)
    claim_words = content_words(text)
    negated = bool(_NEGATED_RE.search(text))
    passing = bool(_PASSING_RE.search(text)) and not negated
    fixed = bool(_FIXED_RE.search(text)) and not negated
    order = _PASSING_ORDER if passing else _FIXED_ORDER if fixed else _ORDER
    evidence = _by_anchor(facts, anchors, order) if anchors else None
    if evidence is None and passing and not anchors:
        evidence = _latest_run(facts)
    if evidence is None and anchors:
        evidence = _by_anchor(facts, anchors, _ORDER)
    if evidence is None and claim_words:
        evidence = _by_words(facts, claim_words, order) or _by_words(facts, claim_words, _ORDER)
    if evidence is not None and _contradicts(evidence, passing=passing, fixed=fixed):
        return Claim(part, text, "contradicted", evidence=evidence)
    if evidence is not None or anchors:
        return Claim(part, text, "supported", evidence=evidence)
    if not claim_words:
        return Claim(part, text, "nothing to check")
    return Claim(part, text, "not found")


def _contradicts(evidence: Fact, *, passing: bool, fixed: bool) -> bool:
    if passing and evidence.category in ("test", "command"):
        return evidence.status == "failed"
    if (passing or fixed) and evidence.category == "error":
        return evidence.status == "unresolved"
    return False


def check_claims(summary: str | None, next_step: str | None, facts: Facts,
                 transcript_text: str) -> tuple[list[Claim], int]:
    """Every claim of both parts with its verdict, and how many claims were past ``MAX_CLAIMS``."""
    claims: list[Claim] = []
    left_out = 0
    for part, text in (("Summary", summary), ("Next step", next_step)):
        found = split_claims(text or "")
        left_out += max(0, len(found) - MAX_CLAIMS)
        claims += [check_claim(part, claim, facts, transcript_text) for claim in found[:MAX_CLAIMS]]
    return claims, left_out


def _evidence_text(fact: Fact) -> str:
    status = f" {fact.status}" if fact.status and fact.category in ("file", "command", "test", "error") else ""
    return f"{fact.category.replace('_', ' ')} {code(clip(fact.text, 90))}{status} ({turn_ref(fact.turn)})"


def _verdict_text(claim: Claim) -> str:
    if claim.verdict == "not found" and claim.missing:
        return f"{MARKS['not found']}: " + ", ".join(code(clip(anchor, 60)) for anchor in claim.missing)
    if claim.evidence is not None:
        return f"{MARKS[claim.verdict]} by {_evidence_text(claim.evidence)}"
    if claim.verdict == "supported":
        return f"{MARKS['supported']}: named verbatim in the transcript"
    return MARKS[claim.verdict]


def render_own_words(claims: list[Claim], *, left_out: int = 0, source: str | None = None,
                     secret_finder: SecretFinder | None = None) -> str:
    """The marked section: each claim (redacted) with its verdict; "" when there are no claims.
    ``source`` names what the claims were checked against; None: no transcript was saved."""
    if not claims:
        return ""
    lines = [HEADING, ""]
    if source is None:
        lines += ["What the session said as it handed off. No transcript was saved for this project, so "
                  "nothing here could be checked (save the conversation first).", ""]
    else:
        lines += [f"What the session said as it handed off, each claim checked against {source}.", ""]
    redactor = Redactor(secret_finder)
    texts = redactor.redact_all([claim.text for claim in claims] + [_verdict_text(claim) for claim in claims])
    said, verdicts = texts[: len(claims)], texts[len(claims):]
    part = ""
    for claim, text, verdict in zip(claims, said, verdicts, strict=True):
        if claim.part != part:
            if part:
                lines.append("")
            part = claim.part
            lines.append(f"**{part}**")
        lines.append(f"- “{text}” — {verdict}")
    if left_out:
        lines += ["", f"({left_out} more claims not checked)"]
    return "\n".join(lines) + "\n"


def own_words_section(summary: str | None, next_step: str | None, facts: Facts | None, transcript_text: str | None,
                      *, source: str | None = None, secret_finder: SecretFinder | None = None) -> str:
    """The section for the briefing ("" when the session said nothing). ``facts`` and
    ``transcript_text`` None: no transcript was saved, every claim is not found."""
    claims, left_out = check_claims(summary, next_step, facts or Facts(), transcript_text or "")
    return render_own_words(claims, left_out=left_out, source=source if transcript_text is not None else None,
                            secret_finder=secret_finder)
