"""Two parts that once risked quadratic time, timed at two sizes: secret redaction on adversarial
one-line inputs (250 kB and 1 MB of one repeated unit), and error collection (300 and 1,200
failing turns). The fastest of three runs per size, CPU seconds."""

from __future__ import annotations

import time

from paas.core.briefing import extract_facts
from paas.core.briefing.redact import redact
from paas.core.transcripts.model import ToolCall, Transcript, Turn

REDACT_ADVERSARIAL = {
    "no spaces": "x",
    "assignments": "password=",
    "assignments with values": "password: a1 ",
    "url schemes": "a://b:",
    "pem headers": "-----BEGIN PRIVATE KEY-----",
    "pem footers": "-----END PRIVATE KEY-----",
    "jwt starts": "eyJaaaaa.",
    "bearer": "Bearer ",
    "mysql": "mysql -p",
    "curl": "curl -u a:",
    "query": "?key=",
    "at signs": "a:@",
    "keys": "sk-",
    "authorization": "authorization: ",
}

FIX = "Try this:\n```js\nconst items = data ?? []\n```"


def redact_seconds(text: str) -> float:
    start = time.process_time()
    redact(text)
    return time.process_time() - start


def redaction_sizes(unit: str) -> tuple[float, float]:
    """(250 kB, 1 MB) of ``unit`` repeated."""
    small = min(redact_seconds(unit * (250_000 // len(unit))) for _ in range(3))
    large = min(redact_seconds(unit * (1_000_000 // len(unit))) for _ in range(3))
    return small, large


def error_collection_seconds(failing_turns: int) -> float:
    turns = []
    for i in range(failing_turns):
        turns.append(Turn(2 * i, "user", f"step {i}: the export {i} still fails with a 500", ()))
        call = ToolCall("Bash", {"command": f"./export_{i % 7}.sh"}, output=f"Error: export {i} broke",
                        exit_status=1, is_error=True)
        turns.append(Turn(2 * i + 1, "assistant", FIX, (call,)))
    built = Transcript("plain", tuple(turns))
    start = time.process_time()
    extract_facts(built)
    return time.process_time() - start
