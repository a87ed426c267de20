"""Aider chat history (``.aider.chat.history.md``).

What it reads. Aider appends to one Markdown file per repository:

* ``# aider chat started at 2024-08-20 21:00:03`` opens each run. It becomes a ``system`` turn
  (timestamp as written) that also collects the run's start-up notices (version, model, repo).
* ``#### `` lines are what the user typed. Consecutive ``####`` lines form one ``user`` turn;
  blank lines between them do not split it, because some saved histories double every line
  break (one prompt then shows as ``#### a`` / blank / ``#### b``) and because inputs typed with
  no output in between (``/drop`` then ``/add``) are one contribution. Aider logs the argument
  of ``/ask X`` (``/code``, ``/architect``) a second time as its own input; that echo is dropped.
* ``> `` lines are aider's own output. Known messages become tool calls of the exchange's
  ``assistant`` turn: ``Applied edit to PATH`` -> ``edit {path}``; ``Commit SHA MSG`` ->
  ``commit {sha, message}``; ``Unable to commit: ...`` -> a failed ``commit`` (exit status from
  ``exit code(N)``, stderr collected as output); ``Running CMD`` -> ``shell {command}`` (aider
  does not save command output in this file, so output stays None); ``Added PATH to the chat``
  or a confirmed ``Add file to the chat?`` -> ``add_file {path}``; ``Removed/Dropping PATH from
  the chat`` -> ``drop_file``; ``Add URL to the chat?`` (yes) / ``Scraping URL`` -> ``web {url}``.
  A message may continue on following lines without ``> `` (newer aider prefixes only the first
  line and ends a message with two spaces); those lines are joined to it.
* Other ``> `` messages (errors, warnings, declined commands, questions) are kept, one per line,
  in a ``system`` turn per exchange, so errors stay visible. Pure noise is dropped: token/cost
  lines, ``/undo`` hints, "Added N lines of output", Ctrl-C hints, retry countdowns.
* Everything else is the assistant's reply text. Inside a fenced code block ``####`` and ``>``
  lines are reply text (e.g. a Markdown file being edited); the fence is closed at the next
  session header, ``> Tokens:`` or ``> Applied edit`` line, which aider only writes after a
  reply ends, so an unclosed fence cannot swallow the rest of the file. ``<thinking-content-*>``
  blocks (model reasoning) are dropped.

Lines are scanned once; no regex can backtrack across lines, so reading is linear.
"""

from __future__ import annotations

import re
from typing import Any

from paas.core.transcripts._common import CallDraft, TurnDraft, build_transcript

FORMAT = "aider"

_SESSION_RE = re.compile(r"^# aider chat started at (.*\S)")
_COMMIT_RE = re.compile(r"^Commit ([0-9a-f]{7,40}) (.*)$")
_APPLIED_PREFIX = "Applied edit to "
_ADDED_RE = re.compile(r"^Added (.+?) to the chat(?: \(read-only\))?\.?$")
_REMOVED_RE = re.compile(r"^(?:Removed|Dropping) (.+?) from the chat\.?$")
_EXIT_CODE_RE = re.compile(r"exit code\((-?\d{1,9})\)")
_SHORT_ANSWER_RE = re.compile(r"^(.{1,400}\?) (y|n|yes|no|a|all|s|d)$", re.IGNORECASE)
_NOISE_PREFIXES = (
    "Tokens: ",
    "You can use /undo",
    "^C again to exit",
    "^C KeyboardInterrupt",
    "Retrying in ",
    "Please answer with one of",
)
_NOISE_RE = re.compile(r"^Added \d+ lines? of output to the chat")
_ECHO_COMMANDS = ("/ask ", "/code ", "/architect ", "/context ", "/help ")
_YES = frozenset({"y", "yes", "a", "all"})


def read_aider(text: str) -> Any:
    """Read an aider chat history into a ``Transcript``."""
    return _AiderReader().read(text)


class _AiderReader:
    def __init__(self) -> None:
        self.drafts: list[TurnDraft] = []
        self.metadata: dict[str, Any] = {"sessions": [], "models": []}
        self.session: TurnDraft | None = None
        self.in_preamble = True  # no user prompt yet in the current run
        self.user: TurnDraft | None = None
        self.user_lines: list[str] = []
        self.assistant: TurnDraft | None = None
        self.notices: TurnDraft | None = None
        self.notice_lines: list[str] = []
        self.prose: list[str] = []
        self.prose_line = 0
        self.in_fence = False
        self.in_thinking = False
        self.message: list[str] = []  # the `> ` message being read (may span lines)
        self.message_number = 0
        self.message_open = False  # previous `> ` line did not end the message
        self.pending_subjects: list[str] = []
        self.stderr_call: CallDraft | None = None  # a failed commit still collecting stderr

    def read(self, text: str) -> Any:
        for number, raw in enumerate(text.split("\n"), start=1):
            self._line(number, raw.rstrip("\r"))
        self._end_message()
        self._end_prose()
        self._end_user()
        self._flush_notices()
        return build_transcript(FORMAT, self.drafts, metadata=self.metadata)

    # ---- line dispatch -------------------------------------------------------------------
    def _line(self, number: int, line: str) -> None:
        session = _SESSION_RE.match(line)
        if session:
            self._start_session(number, session.group(1))
            return
        is_quote = line == ">" or line.startswith("> ")
        if self.in_fence and not (is_quote and _closes_fence(line[2:])):
            self._prose(number, line)
            return
        self.in_fence = False
        if line == "####" or line.startswith("#### "):
            self._end_message()
            self._user_line(number, line[5:].rstrip())
        elif is_quote:
            self._quote_line(number, line)
        elif not line.strip():
            self._end_message()
            if self.user is not None:
                self.user_lines.append("")
            else:
                self._prose(number, line)
        elif self.message_open:
            self.message.append(line.rstrip())
            self.message_open = not line.endswith("  ")
            if not self.message_open:
                self._end_message()
        else:
            self._prose(number, line)

    def _start_session(self, number: int, started_at: str) -> None:
        self._end_message()
        self._end_prose()
        self._end_user()
        self._flush_notices()
        self.session = TurnDraft("system", timestamp=started_at, source_line=number)
        self.session.add_text(f"aider chat started at {started_at}")
        self.drafts.append(self.session)
        self.metadata["sessions"].append(started_at)
        self.in_preamble = True
        self.in_fence = False
        self.assistant = None
        self.notices = None
        self.pending_subjects = []

    # ---- user prompts --------------------------------------------------------------------
    def _user_line(self, number: int, content: str) -> None:
        if self.user is None:
            self._end_prose()
            self._flush_notices()
            self.user = TurnDraft("user", source_line=number)
            self.drafts.append(self.user)
            self.user_lines = []
            self.in_preamble = False
            self.assistant = None
            self.notices = None
            self.pending_subjects = []
        self.user_lines.append(content)

    def _end_user(self) -> None:
        if self.user is None:
            return
        segments: list[list[str]] = [[]]
        for content in self.user_lines:
            if content == "" and segments[-1]:
                segments.append([])
            elif content != "":
                segments[-1].append(content)
        kept: list[str] = []
        for segment in (seg for seg in segments if seg):
            joined = "\n".join(segment)
            previous = kept[-1] if kept else ""
            if previous.startswith(_ECHO_COMMANDS) and previous.split(" ", 1)[1].strip() == joined.strip():
                continue
            kept.append(joined)
        self.user.add_text("\n".join(kept))
        self.user = None
        self.user_lines = []

    # ---- assistant prose -----------------------------------------------------------------
    def _prose(self, number: int, line: str) -> None:
        self._end_user()
        if self.in_thinking:
            self.in_thinking = not line.startswith("</thinking-content")
            return
        if line.startswith("<thinking-content"):
            self.in_thinking = "</thinking-content" not in line
            return
        if line.startswith("```"):
            self.in_fence = not self.in_fence
        if not self.prose:
            if not line.strip():
                return
            self._flush_notices()
            self.prose_line = number
        self.prose.append(line)

    def _end_prose(self) -> None:
        if self.prose:
            self._assistant_turn(self.prose_line).add_text("\n".join(self.prose).rstrip())
        self.prose = []
        self.in_thinking = False

    def _assistant_turn(self, number: int) -> TurnDraft:
        if self.assistant is None:
            self.assistant = TurnDraft("assistant", source_line=number)
            self.drafts.append(self.assistant)
        return self.assistant

    def _call_sink(self, number: int) -> TurnDraft:
        if self.in_preamble and self.session is not None and self.assistant is None:
            return self.session
        return self._assistant_turn(number)

    # ---- aider output (`> ` lines) -------------------------------------------------------
    def _quote_line(self, number: int, line: str) -> None:
        self._end_user()
        self._end_prose()
        self._end_message()
        self.message = [line[2:].rstrip()]
        self.message_number = number
        self.message_open = bool(line[2:].strip()) and not line.endswith("  ")

    def _end_message(self) -> None:
        if not self.message:
            return
        message = "\n".join(self.message).strip()
        self.message = []
        self.message_open = False
        self._handle_message(self.message_number, message)

    def _handle_message(self, number: int, message: str) -> None:
        if self.stderr_call is not None:
            self.stderr_call.output = f"{self.stderr_call.output or ''}\n{message}".strip("\n")
            if message.endswith("'"):
                self.stderr_call = None
            return
        if not message or message.startswith(_NOISE_PREFIXES) or _NOISE_RE.match(message):
            return
        if "(Y)es/(N)o" in message or _SHORT_ANSWER_RE.match(message):
            self._question(number, message)
            return
        failed = self._last_failed_commit()
        if failed is not None and message.startswith("cmdline: "):
            failed.input = {"command": message[len("cmdline: ") :]}
            return
        if failed is not None and message.startswith("stderr: "):
            failed.output = f"{failed.output}\n{message}"
            if not message.endswith("'"):
                self.stderr_call = failed
            return
        call = self._action(message)
        if call is None:
            self._flush_subjects_as_notices()
            self.pending_subjects.append(message)
            self._remember_model(message)
            return
        self._flush_subjects_as_notices()
        sink = self._call_sink(number)
        if call.name == "add_file" and any(
            existing.name == "add_file" and existing.input == call.input for existing in sink.calls
        ):
            return
        sink.add_call(call)

    def _action(self, message: str) -> CallDraft | None:
        if message.startswith(_APPLIED_PREFIX):
            return CallDraft("edit", {"path": message[len(_APPLIED_PREFIX) :].strip()})
        commit = _COMMIT_RE.match(message)
        if commit:
            return CallDraft("commit", {"sha": commit.group(1), "message": commit.group(2).strip()})
        if message.startswith("Unable to commit:"):
            code = _EXIT_CODE_RE.search(message)
            call = CallDraft("commit", {}, output=message, is_error=True)
            call.exit_status = int(code.group(1)) if code else None
            return call
        if message.startswith("Running "):
            return CallDraft("shell", {"command": message[len("Running ") :].strip()})
        added = _ADDED_RE.match(message)
        if added:
            return CallDraft("add_file", {"path": added.group(1)})
        removed = _REMOVED_RE.match(message)
        if removed:
            return CallDraft("drop_file", {"path": removed.group(1)})
        if message.startswith("Scraping ") and message.endswith("..."):
            return CallDraft("web", {"url": message[len("Scraping ") : -3]})
        return None

    def _last_failed_commit(self) -> CallDraft | None:
        sink = self.assistant or self.session
        if sink and sink.calls and sink.calls[-1].name == "commit" and sink.calls[-1].is_error:
            return sink.calls[-1]
        return None

    def _question(self, number: int, message: str) -> None:
        if "(Y)es/(N)o" in message:
            question = message[: message.find("(Y)es/(N)o")].strip()
            answer = message.rsplit("]:", 1)[1].strip().lower() if "]:" in message else ""
        else:
            short = _SHORT_ANSWER_RE.match(message)
            assert short is not None
            question, answer = short.group(1), short.group(2).lower()
        subjects, self.pending_subjects = self.pending_subjects, []
        confirmed = answer in _YES
        if confirmed and question.startswith(("Add file", "Add these files", "Add files")):
            sink = self._call_sink(number)
            for subject in subjects:
                sink.add_call(CallDraft("add_file", {"path": subject}))
        elif confirmed and question.startswith("Add URL"):
            sink = self._call_sink(number)
            for subject in subjects:
                sink.add_call(CallDraft("web", {"url": subject}))
        elif question.startswith(("Run shell command", "Create new file")) and confirmed:
            return  # `Running ...` / `Applied edit ...` follow and carry the action
        else:
            for subject in subjects:
                self._notice(subject)
            self._notice(f"{question} {answer}".strip())

    def _flush_subjects_as_notices(self) -> None:
        subjects, self.pending_subjects = self.pending_subjects, []
        for subject in subjects:
            self._notice(subject)

    def _notice(self, text: str) -> None:
        if self.in_preamble and self.session is not None:
            self.session.parts.append(text)
            return
        self.notice_lines.append(text)

    def _flush_notices(self) -> None:
        self._flush_subjects_as_notices()
        if not self.notice_lines:
            return
        if self.notices is None:
            self.notices = TurnDraft("system", source_line=self.message_number or None)
            self.drafts.append(self.notices)
        self.notices.add_text("\n".join(self.notice_lines))
        self.notice_lines = []

    def _remember_model(self, message: str) -> None:
        for prefix in ("Main model: ", "Model: "):
            if message.startswith(prefix):
                model = message[len(prefix) :].split(" with ", 1)[0].strip()
                if model and model not in self.metadata["models"]:
                    self.metadata["models"].append(model)


def _closes_fence(message: str) -> bool:
    return message.startswith(("Tokens: ", _APPLIED_PREFIX))
