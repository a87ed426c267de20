"""A real OpenAI-compatible chat endpoint on 127.0.0.1 for the polishing tests (no network).

``PolishStub.reply`` decides each answer from the request: a function of the messages that
returns the text to send back, or a ``(status, raw bytes)`` pair for broken answers. Every
request is kept in ``requests`` (path, headers, JSON body) so tests can check what was sent.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Reply = Callable[[list[dict[str, str]]], "str | tuple[int, bytes]"]


def reword(messages: list[dict[str, str]]) -> str:
    """A faithful polish: the body with its next step reworded, wrapped in a fence as models do."""
    body = messages[-1]["content"]
    return "```markdown\n" + body.replace("## Next step\n\n- ", "## Next step\n\n- Next: ") + "\n```"


@dataclass
class PolishStub:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    reply: Reply = reword
    delay: float = 0.0


@pytest.fixture
def polish_stub() -> Iterator[PolishStub]:
    stub = PolishStub(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            size = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(size))
            stub.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            time.sleep(stub.delay)
            answer = stub.reply(body["messages"])
            if isinstance(answer, tuple):
                status, raw = answer
            else:
                status, raw = 200, json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]}
                                              ).encode()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
