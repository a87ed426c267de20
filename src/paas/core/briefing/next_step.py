"""The next step: one concrete action, in line with where the work stopped, anchored by a quote.

Design: the first rule that applies wins, from the most to the least telling evidence: the
latest request has no reply; the user interrupted or undid the last step; the assistant said
what it would do and stopped, or the session ended during a command (``closing``); a failure
still stands after the last edit; the assistant asked a question; the user declined a step;
the agent's plan has items left; the assistant's last report names commands to run or
proposes a step; an item carried over from an earlier briefing. Only then a generic check of
the latest request (try it, review it, confirm it), with the request quoted.
"""

from __future__ import annotations

from dataclasses import replace

from paas.core.briefing.digest import balanced_spans, summarise_pastes
from paas.core.briefing.failures import is_pre_existing, open_errors
from paas.core.briefing.file_ops import shown_command
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.paths import tail
from paas.core.briefing.previous import Carried
from paas.core.briefing.salience import turn_ref
from paas.core.briefing.state import PROBE_RE, verification
from paas.core.briefing.text import clip, code

QUOTED_WHOLE_CHARS = 800  # a request this short is quoted whole under "Latest request" at roomy budgets


def next_step(facts: Facts, carried: Carried, compact: bool = False) -> str:
    request = facts.latest_request
    if request is None:
        return "Ask the user what to work on."
    width = 120 if compact else 200
    prose = " ".join(summarise_pastes(request.text).replace("```", " ").split())
    head = balanced_spans(clip(prose, width))
    # the Latest request section quotes a short request whole (and small budgets any request): not again here
    again = "" if compact or len(prose) <= QUOTED_WHOLE_CHARS else f": \"{head}\""
    if facts.last_assistant_turn <= request.turn:
        return f"Carry out the latest request ({turn_ref(request.turn)}): nothing has been done for it yet."
    stops = [f for f in facts.interruptions if f.turn >= request.turn and f.status in ("interrupted", "cancelled",
                                                                                         "undone")]
    if stops and stops[-1].turn >= facts.last_assistant_turn:
        last = stops[-1]
        what = "undid" if last.status == "undone" else "interrupted"
        return (f"The user {what} the last step ({turn_ref(last.turn)}); ask whether to resume or change course on "
                f"the latest request ({turn_ref(request.turn)}){again}.")
    pending = _closing(facts, "announced")
    if pending is not None:
        return (f"The assistant said what it would do next and stopped there ({turn_ref(pending.turn)}): "
                f"\"{pending.text}\" Do it, for the latest request ({turn_ref(request.turn)}){again}.")
    cut = _cut_off_command(facts)
    if cut:
        return cut
    last_edit = max((f.turn for f in facts.edited_files), default=-1)
    standing = [f for f in open_errors(facts.errors) if f.status == "unresolved" and not is_pre_existing(f)
                and f.turn >= max(last_edit, request.turn)]
    if standing:
        error = max(standing, key=lambda f: f.turn)
        what = f"{error.subject}: " if error.subject else ""
        if compact:  # small budgets: the error's words are under Errors, once
            subject = error.subject
            named = code(clip(subject.strip("`"), 50)) if subject[:1] == subject[-1:] == "`" else \
                balanced_spans(clip(subject, 50))
            what = f": {named}, then re-run it" if subject else ", then re-run what failed"
            return f"Fix the failure still standing at the end ({turn_ref(error.turn)}, under Errors){what}."
        return (f"Fix the failure still standing at the end ({turn_ref(error.turn)}): {what}"
                f"\"{clip(error.text, 140)}\", then re-run it.")
    asked = [f for f in facts.open_items if f.status == "asked"]
    if asked:
        return f"Get the user's answer to the assistant's question ({turn_ref(asked[-1].turn)}): \"{asked[-1].text}\""
    # a file the user chose not to add to the chat is context, not a step the work is waiting on
    declined = [f for f in facts.refusals if f.turn >= request.turn and f.status != "add"]
    if declined:
        listed = "; ".join(code(f.text) for f in declined[-3:])
        doing = "running" if declined[-1].status in ("command", "tool use") else "making"
        return (f"The user declined {listed} ({turn_ref(declined[-1].turn)}): ask before {doing} them, or check the "
                f"work another way.")
    plan = [f for f in facts.plan if f.status == "in_progress"] or [f for f in facts.plan if f.status == "pending"]
    if plan:
        status = plan[0].status.replace("_", " ")
        return f"Continue the agent's plan ({turn_ref(plan[0].turn)}, {status}): \"{plan[0].text}\""
    proposal = _closing(facts, "proposed")
    proposed = f" It also said: \"{proposal.text}\"" if proposal is not None and not compact else ""
    suggested = suggested_commands(facts)
    if suggested:
        listed = "; ".join(code(c) for c in suggested[:3])
        return (f"Check the result: run {listed} (suggested by the assistant, {turn_ref(facts.last_assistant_turn)})."
                f"{proposed}")
    upcoming = [f for f in facts.open_items if f.status == "next" and f.source == "assistant" and f.turn > request.turn]
    if upcoming:
        return f"Continue where the assistant left off ({turn_ref(upcoming[-1].turn)}): \"{upcoming[-1].text}\""
    if proposal is not None:
        return f"Take up what the assistant proposed last ({turn_ref(proposal.turn)}): \"{proposal.text}\""
    if carried.still_open:
        return f"Pick up the open item carried over: {carried.still_open[0]}"
    said = f" (the assistant's last report, {turn_ref(facts.last_report.turn)}, is above)" if facts.last_report else ""
    prior = [f for f in open_errors(facts.errors) if is_pre_existing(f)]
    failing = clip(prior[-1].subject.strip("`"), 40) if prior else ""
    optional = f"; the pre-existing failure of {code(failing)} is optional" if failing else ""
    edits = [f.turn for f in facts.edited_files] + list(facts.edit_turns)  # some exports log edits without paths
    changed = any(turn >= request.turn for turn in edits)
    if changed and verification(facts).startswith("not verified"):
        ask = f"Try the result of the latest request ({turn_ref(request.turn)}): nothing was run after the last edit"
    elif changed:
        ask = f"Have the user review the result of the latest request ({turn_ref(request.turn)})"
    else:
        ask = f"Confirm with the user that the latest request ({turn_ref(request.turn)}) is answered"
    if compact:  # the report may not fit a small budget: no pointer to it
        return f"{ask}{optional}."
    quote = f": \"{balanced_spans(clip(head, 100))}\"" if again else "."
    return f"{ask}{said}{optional}{quote}"


def _cut_off_command(facts: Facts) -> str:
    """The session ended while its last command ran: no result came back (a quota hit mid-call)."""
    cut = facts.closing
    if cut is None or cut.status != "cut" or any(f.turn > cut.turn for f in facts.edited_files):
        return ""
    checks = [f for f in facts.commands if f.turn < cut.turn and not PROBE_RE.match(f.key)]
    reading = ""
    if PROBE_RE.match(shown_command(cut.text)) and checks:  # a look at an earlier run's output: name that run
        reading = f", reading the output of {_short_command(checks[-1].text)} ({turn_ref(checks[-1].turn)})"
    return (f"The session stopped before {_short_command(cut.text)} returned ({turn_ref(cut.turn)}{reading}): "
            f"run it again and act on what it shows.")


def _short_command(command: str, limit: int = 60) -> str:
    """A command as code spans within about ``limit`` characters: a long path argument by its
    last two segments (``tail -50`` ``tool-results/b1.txt``), each span verbatim."""
    shown = shown_command(command).split("\n", 1)[0].rstrip("…")
    if len(shown) <= limit:
        return code(shown)
    words = shown.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    if "/" in words[longest] and longest > 0:
        rest = " …" if longest < len(words) - 1 else ""  # arguments after the path: said to be there
        return f"{code(' '.join(words[:longest]))} {code(tail(words[longest], 2))}{rest}"
    return code(clip(shown, limit))


def _closing(facts: Facts, status: str) -> Fact | None:
    """The final reply's announced or proposed step, when nothing was edited or run since it."""
    closing = facts.closing
    if closing is None or closing.status != status:
        return None
    acted = [f.turn for f in facts.edited_files] + [f.turn for f in facts.commands] + list(facts.edit_turns)
    since = closing.turn if status == "announced" else closing.turn + 1  # a proposal may follow its own edit
    if any(turn >= since for turn in acted):
        return None
    return replace(closing, text=balanced_spans(closing.text))


def suggested_commands(facts: Facts) -> list[str]:
    """Commands the assistant's last report asks to run that were not run successfully since."""
    report = facts.last_report
    if report is None or not report.detail:
        return []
    ran_ok = {f.key for f in facts.commands if f.status == "ok" and f.turn >= report.turn}
    return [command for command in report.detail.split("\n") if command and command not in ran_ok]
