"""The compressor under test: ``paas.core.briefing`` when it exists, else a labelled stand-in.

The stand-in only lets the harness run before the real engine lands. It is deliberately naive
(the last user turn, the paths of edit calls, shell commands, failed calls' first lines, then
the tail of the conversation, cut to the level's budget) and every report names it
``stand-in``, so its figures are never mistaken for the engine's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.briefing.baselines import fit_lines, render_transcript, tail_baseline

DEFAULT_BUDGETS = {"low": 2500, "medium": 1200, "high": 400}
LEVELS = ("low", "medium", "high")

CountTokens = Callable[[str], int]


@dataclass(frozen=True)
class Compressor:
    name: str
    stand_in: bool
    budgets: dict[str, int]
    build: Callable[[Any, str], tuple[str, dict[str, Any]]]  # (transcript, level) -> (markdown, stats)


def load_compressor(count_tokens: CountTokens, force_stand_in: bool = False) -> Compressor:
    if not force_stand_in:
        try:
            from paas.adapters.secrets import find_secrets
            from paas.core.briefing import LEVEL_BUDGETS, BriefingOptions, build_briefing
        except ImportError:
            pass
        else:

            def build(transcript: Any, level: str) -> tuple[str, dict[str, Any]]:
                # the secret finder the services pass, so the figures are those of what users get
                options = BriefingOptions(level=level, source_format=transcript.format, secret_finder=find_secrets)
                briefing = build_briefing(transcript, options, count_tokens)
                return briefing.markdown, dict(briefing.stats)

            return Compressor("briefing", False, dict(LEVEL_BUDGETS), build)

    def stand_in(transcript: Any, level: str) -> tuple[str, dict[str, Any]]:
        markdown = stand_in_briefing(transcript, DEFAULT_BUDGETS[level], count_tokens)
        return markdown, {"stand_in": True}

    return Compressor("stand-in", True, dict(DEFAULT_BUDGETS), stand_in)


def stand_in_briefing(transcript: Any, budget: int, count_tokens: CountTokens) -> str:
    """A naive briefing from the turn model (see the module docstring); never above ``budget`` tokens."""
    lines = ["# Handoff briefing (benchmark STAND-IN, not paas.core.briefing)", ""]
    last = transcript.last_user_turn
    if last is not None:
        lines += ["## Latest request", "", last.text.strip()[:600], ""]
    edited = list(dict.fromkeys(str(call.input_value("file_path") or call.input_value("path") or "")
                                for call in transcript.edit_calls))
    commands, errors = [], []
    for call in transcript.tool_calls:
        command = call.input_value("command")
        if isinstance(command, list):
            command = " ".join(str(part) for part in command)
        if isinstance(command, str) and command.strip():
            commands.append(command.strip().splitlines()[0][:120])
        if call.is_error and call.output:
            errors.append(next((line for line in call.output.splitlines() if line.strip()), "")[:160])
    for title, items in (("Edited files", [p for p in edited if p]), ("Commands", commands), ("Errors", errors)):
        if items:
            lines += [f"## {title}", ""] + [f"- {item}" for item in list(dict.fromkeys(items))[-12:]] + [""]
    head = fit_lines(lines, budget, count_tokens)
    used = count_tokens("\n".join(head))
    room = budget - used - 8
    tail = tail_baseline(render_transcript(transcript), room, count_tokens) if room > 40 else ""
    text = "\n".join(head + (["## Recent context", "", tail] if tail else []))
    return "\n".join(fit_lines(text.splitlines(), budget, count_tokens))
