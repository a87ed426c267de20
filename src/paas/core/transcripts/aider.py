"""Aider chat history (``.aider.chat.history.md``).

What it reads. Aider appends to one Markdown file per repository:

* ``# aider chat started at 2024-08-20 21:00:03`` opens each run: a ``system`` turn (timestamp
  as written) that also collects the run's start-up notices (command line, version, model).
* ``#### `` lines are what the user typed; consecutive ones form one ``user`` turn. Blank lines
  between them do not split it: some saved histories double every line break, and inputs with
  no output in between (``/drop`` then ``/add``) are one contribution. Aider logs the argument
  of ``/ask X`` (``/code``, ``/architect``) again as its own input; that echo is dropped.
  Aider ends every prompt line with two spaces; when a file keeps that mark, a ``####`` line
  without it is a heading in the reply. Where trailing spaces were stripped, a ``####`` line
  right after reply text (no ``>`` output in between) is taken as a heading.
* ``> `` lines are aider's own output. Known messages become tool calls of the exchange's
  ``assistant`` turn: ``Applied edit to P`` -> ``edit {path}``; ``Commit SHA MSG`` -> ``commit
  {sha, message}``; ``Unable to commit`` -> a failed ``commit`` (exit status from ``exit
  code(N)``, ``cmdline:`` as input, ``stderr:`` as output); ``Running CMD`` -> ``shell
  {command}`` (aider does not log command output, so output stays None); ``Added P to the
  chat`` or a confirmed ``Add file(s) to the chat?`` (after the file names) -> ``add_file``;
  ``Removed/Dropping P from the chat`` -> ``drop_file``; ``Scraping URL`` or a confirmed ``Add
  URL?`` -> ``web {url}``. A message may continue on lines without ``> `` until a line ending
  with two spaces (newer aider marks only the first line); they are joined to it.
* Other ``> `` messages (errors, warnings, declined commands, answers) are kept, one per line,
  in one ``system`` turn per exchange so that errors stay visible. Noise is dropped: token and
  cost lines, ``/undo`` hints, "Added N lines of output", Ctrl-C hints, retry countdowns.
* Architect mode: aider hands the architect model's answer to the editor model and logs that
  input like a prompt, as ``#### `` lines repeating the answer (see ``aider_architect``). In a
  run whose edit format is architect (or after ``/architect X``), a block that repeats the
  reply before it line for line, or follows a confirmed "Edit the files?", is that copy, not
  the person: it is dropped (the architect turn holds the text once), or, when it repeats
  nothing, becomes an ``assistant`` turn. The editor's reply is the next ``assistant`` turn.
  ``metadata["architect_handoffs"]`` lists ``{"architect_line", "echo_line"}`` (the architect
  turn's ``source_line``, the copy's first line); ``metadata["editor_models"]`` the editors.
* Everything else is reply text. Inside a fenced block ``>`` lines are reply text; the fence
  also ends at a session header, a prompt line, ``> Tokens:`` or ``> Applied edit``, which aider
  writes only after a reply, so a reply cut off mid-fence cannot swallow the rest of the file.
  ``<thinking-content-*>`` blocks (model reasoning) are dropped.

Lines are scanned once and every regex is anchored to one line, so reading is linear.
"""

from __future__ import annotations

import re
from typing import Any

from paas.core.transcripts.aider_architect import Handover, repeats_reply
from paas.core.transcripts.drafts import CallDraft, TurnDraft, build_transcript
from paas.core.transcripts.model import Transcript

FORMAT = "aider"

_SESSION_PREFIX = "# aider chat started at "
_ACTIONS = (  # aider output message -> tool call (name, input keys for the groups)
    (re.compile(r"^Applied edit to (.+)$"), "edit", ("path",)),
    (re.compile(r"^Commit ([0-9a-f]{7,40}) (.*)$"), "commit", ("sha", "message")),
    (re.compile(r"^Running (.+)$"), "shell", ("command",)),
    (re.compile(r"^Added (.+?) to the chat(?: \(read-only\))?\.?$"), "add_file", ("path",)),
    (re.compile(r"^(?:Removed|Dropping) (.+?) from the chat\.?$"), "drop_file", ("path",)),
    (re.compile(r"^Scraping (.+?)\.\.\.$"), "web", ("url",)),
)
_EXIT_CODE_RE = re.compile(r"exit code\((-?\d{1,9})\)")
_SHORT_ANSWER_RE = re.compile(r"^(.{1,400}\?) (y|n|yes|no|a|all|s|d)$", re.IGNORECASE)
_NOISE_RE = re.compile(
    r"^(?:Tokens: |You can use /undo|\^C again to exit|\^C KeyboardInterrupt|Retrying in |"
    r"Please answer with one of|Added \d+ lines? of output to the chat)"
)
_FENCE_CLOSERS = ("Tokens: ", "Applied edit to ")
_ECHO_COMMANDS = ("/ask ", "/code ", "/architect ", "/context ", "/help ")
_YES = frozenset({"y", "yes", "a", "all"})


def read_aider(text: str) -> Transcript:
    """Read an aider chat history into a ``Transcript``."""
    return _AiderReader().read(text)


class _AiderReader:
    def __init__(self) -> None:
        self.drafts: list[TurnDraft] = []
        self.metadata: dict[str, Any] = {"sessions": [], "models": [], "editor_models": [], "architect_handoffs": []}
        self.session: TurnDraft | None = None  # the current run's system turn
        self.user: TurnDraft | None = None  # the prompt being read
        self.user_lines: list[str] = []
        self.prose: list[str] = []  # reply lines not yet added to the assistant turn
        self.prose_line = 0
        self.message: list[str] = []  # the `> ` message being read
        self.message_line = 0
        self.message_open = False  # the message continues on the next line
        self.in_fence = self.in_thinking = self.marked_prompts = False
        self.architect_run = False  # the run's edit format is architect
        self.handed_over: Handover | None = None  # what the prompt block being read may repeat
        self._start_exchange(preamble=True)

    def _start_exchange(self, preamble: bool) -> None:
        self.in_preamble = preamble  # before the run's first prompt
        self.assistant: TurnDraft | None = None
        self.notices: TurnDraft | None = None
        self.notice_lines: list[str] = []
        self.pending_subjects: list[str] = []  # messages a following question may refer to
        self.added_paths: set[str] = set()
        self.created_paths: set[str] = set()  # confirmed "Create new file?" answers, until their edit
        self.stderr_call: CallDraft | None = None  # a failed commit collecting a multi-line stderr
        self.reply_lines: list[str] = []  # non-blank reply lines of the exchange, as written
        self.reply_end = 0  # len(reply_lines) where the last reply text ended
        self.edit_answer: bool | None = None  # "Edit the files?" answered: yes hands over, no keeps it
        self.architect = self.architect_run  # the exchange's reply comes from an architect model

    def read(self, text: str) -> Transcript:
        lines = [raw.rstrip("\r") for raw in text.split("\n")]
        prompts = [line for line in lines if line.startswith("####")]
        self.marked_prompts = 2 * sum(1 for line in prompts if line.endswith("  ")) > len(prompts) > 0
        for number, line in enumerate(lines, start=1):
            self._line(number, line)
        self._close_blocks()
        return build_transcript(FORMAT, self.drafts, metadata=self.metadata)

    def _close_blocks(self) -> None:
        self._end_message()
        self._end_prose()
        self._end_user()
        self._flush_notices()

    def _line(self, number: int, line: str) -> None:
        first = line[:1]  # dispatch on the first character: most lines are reply text
        if first == "#" and line.startswith(_SESSION_PREFIX):
            self._start_run(number, line[len(_SESSION_PREFIX) :].strip())
            return
        if first == "#" and (line == "####" or line.startswith("#### ")):
            self._end_message()
            if self.marked_prompts and line.endswith("  ") or not self.marked_prompts and not self.prose:
                self.in_fence = False
                self._user_line(number, line[5:].rstrip())
            else:
                self._prose(number, line)
            return
        is_quote = first == ">" and (line == ">" or line[1] == " ")
        if self.in_fence and not (is_quote and line[2:].startswith(_FENCE_CLOSERS)):
            self._prose(number, line)
        elif is_quote:
            self.in_fence = False
            if self.user is not None:
                self._end_user()
            self._end_prose()
            self._end_message()
            self.reply_lines.append(line.rstrip())  # a quote in a reply is reply text too
            self.message, self.message_line = [line[2:].rstrip()], number
            self.message_open = bool(line[2:].strip()) and not line.endswith("  ")
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

    def _start_run(self, number: int, started_at: str) -> None:
        self._close_blocks()
        self.session = self._new_turn("system", number, timestamp=started_at or None)
        self.session.add_text(f"aider chat started at {started_at}")
        self.metadata["sessions"].append(started_at)
        self.in_fence = self.architect_run = False
        self._start_exchange(preamble=True)

    def _new_turn(self, role: str, number: int | None, timestamp: str | None = None) -> TurnDraft:
        draft = TurnDraft(role, timestamp=timestamp, source_line=number)
        self.drafts.append(draft)
        return draft

    # ---- user prompts --------------------------------------------------------------------
    def _user_line(self, number: int, content: str) -> None:
        if self.user is None:
            self._end_prose()
            self._flush_notices()
            self.handed_over = Handover(
                self.reply_lines, self.reply_end, self.edit_answer, self.architect, self.assistant
            )
            self.user = self._new_turn("user", number)
            self.user_lines = []
            self._start_exchange(preamble=False)
        self.user_lines.append(content)

    def _end_user(self) -> None:
        if self.user is None:
            return
        inputs: list[list[str]] = [[]]  # blank-separated inputs
        for content in self.user_lines:
            if content:
                inputs[-1].append(content)
            elif inputs[-1]:
                inputs.append([])
        kept: list[str] = []
        for joined in ("\n".join(lines) for lines in inputs if lines):
            previous = kept[-1] if kept else ""
            if previous.startswith(_ECHO_COMMANDS) and previous.split(" ", 1)[1].strip() == joined.strip():
                continue
            kept.append(joined)
        handed, self.handed_over = self.handed_over, None
        if handed is not None and handed.architect and handed.confirmed is not False:
            repeats = repeats_reply(handed, self.user_lines)
            if repeats or handed.confirmed:
                self._hand_over(handed, "\n".join(kept), repeats)
                self.user = None
                return
        self.user.add_text("\n".join(kept))
        self.user = None
        last = kept[-1] if kept else ""  # what the person asked for last decides who replies
        self.architect = last.startswith("/architect ") or self.architect_run and not last.startswith("/")

    def _hand_over(self, handed: Handover, text: str, repeats: bool) -> None:
        """The prompt block is aider passing the architect's answer to the editor model."""
        assert self.user is not None
        architect_line = handed.reply_turn.source_line if handed.reply_turn is not None else None
        handoff = {"architect_line": architect_line, "echo_line": self.user.source_line}
        self.metadata["architect_handoffs"].append(handoff)
        self.architect = False  # the editor replies next; its reply is never handed over
        if repeats and self.drafts and self.drafts[-1] is self.user:
            self.drafts.pop()  # the architect turn already holds this text
        else:
            self.user.role = "assistant"  # the architect's words sent to the editor, not the person's
            self.user.add_text(text)

    # ---- assistant prose -----------------------------------------------------------------
    def _prose(self, number: int, line: str) -> None:
        if self.user is not None:
            self._end_user()
        if self.in_thinking or line[:1] == "<" and line.startswith("<thinking-content"):
            self.in_thinking = "</thinking-content" not in line
            return
        if line[:3] == "```":
            self.in_fence = not self.in_fence
        if not self.prose:
            if not line.strip():
                return
            self._flush_notices()
            self.prose_line = number
        self.prose.append(line)
        if line.strip():
            self.reply_lines.append(line.rstrip())

    def _end_prose(self) -> None:
        if self.prose:
            self.reply_end = len(self.reply_lines)
            self._agent_turn(self.prose_line, for_text=True).add_text("\n".join(self.prose).rstrip())
        self.prose = []
        self.in_thinking = False

    def _agent_turn(self, number: int, for_text: bool = False) -> TurnDraft:
        if not for_text and self.in_preamble and self.session is not None and self.assistant is None:
            return self.session  # actions during start-up (e.g. files named on the command line)
        if self.assistant is None:
            self.assistant = self._new_turn("assistant", number)
        return self.assistant

    # ---- aider output (`> ` lines) -------------------------------------------------------
    def _end_message(self) -> None:
        if self.message:
            message = "\n".join(self.message).strip()
            self.message, self.message_open = [], False
            self._handle_message(self.message_line, message)

    def _handle_message(self, number: int, message: str) -> None:
        failed = self._last_failed_commit()
        if self.stderr_call is not None or (failed is not None and message.startswith("stderr: ")):
            call = self.stderr_call or failed
            assert call is not None
            call.output = f"{call.output or ''}\n{message}".strip("\n")
            self.stderr_call = None if message.endswith("'") else call  # a repr() may span lines
        elif failed is not None and message.startswith("cmdline: "):
            failed.input = {"command": message[len("cmdline: ") :]}
        elif not message or _NOISE_RE.match(message):
            return
        elif "(Y)es/(N)o" in message or _SHORT_ANSWER_RE.match(message):
            self._question(number, message)
        elif message.startswith("Unable to commit:"):
            code = _EXIT_CODE_RE.search(message)
            exit_status = int(code.group(1)) if code else None
            self._add_call(number, CallDraft("commit", {}, output=message, exit_status=exit_status, is_error=True))
        else:
            for pattern, name, keys in _ACTIONS:
                match = pattern.match(message)
                if match:
                    values = (group.strip() for group in match.groups())
                    self._add_call(number, CallDraft(name, dict(zip(keys, values, strict=True))))
                    return
            self.pending_subjects.append(message)
            self._remember_model(message)

    def _add_call(self, number: int, call: CallDraft) -> None:
        self._flush_subjects_as_notices()
        if call.name == "add_file":  # a confirmed "Add file?" may be followed by "Added ... to the chat"
            path = str(call.input.get("path") if isinstance(call.input, dict) else call.input)
            if path in self.added_paths:
                return
            self.added_paths.add(path)
        if call.name == "edit" and isinstance(call.input, dict) and call.input.get("path") in self.created_paths:
            self.created_paths.discard(str(call.input["path"]))
            call.output = "Create new file? (Y)es/(N)o [Yes]: y"  # the answer aider logged for this edit
        self._agent_turn(number).add_call(call)

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
            question, answer = (short.group(1), short.group(2).lower()) if short else (message, "")
        confirmed = answer in _YES
        adds_files = question.startswith(("Add file", "Add these files", "Add files"))
        if question.startswith("Add command output"):
            return  # aider does not log the output itself: nothing to keep
        if question.startswith("Edit the files"):
            self.edit_answer = confirmed  # yes: the architect's answer goes to the editor next
            if confirmed:
                return
        if confirmed and (adds_files or question.startswith("Add URL")):
            name, key = ("add_file", "path") if adds_files else ("web", "url")
            plural = question.startswith(("Add these", "Add files"))
            subjects = _trailing_paths(self.pending_subjects, limit=None if plural else 1)
            del self.pending_subjects[len(self.pending_subjects) - len(subjects) :]
            for subject in subjects:
                self._add_call(number, CallDraft(name, {key: subject}))
        elif confirmed and question.startswith(("Run shell command", "Create new file")):
            if question.startswith("Create new file") and self.pending_subjects:
                self.created_paths.add(self.pending_subjects[-1].strip())  # its `Applied edit` creates it
            del self.pending_subjects[-1:]  # the `Running ...` / `Applied edit ...` line carries it
        else:
            self.pending_subjects.append(f"{question} {answer}".strip())

    def _flush_subjects_as_notices(self) -> None:
        self.notice_lines.extend(self.pending_subjects)
        self.pending_subjects = []

    def _flush_notices(self) -> None:
        self._flush_subjects_as_notices()
        if not self.notice_lines:
            return
        sink = self.session if self.in_preamble and self.session is not None else self.notices
        if sink is None:
            sink = self.notices = self._new_turn("system", self.message_line or None)
        sink.add_text("\n".join(self.notice_lines))
        self.notice_lines = []

    def _remember_model(self, message: str) -> None:
        for prefix, key in (("Main model: ", "models"), ("Model: ", "models"), ("Editor model: ", "editor_models")):
            if message.startswith(prefix):
                model = message[len(prefix) :].split(" with ", 1)[0].strip()
                if model and model not in self.metadata[key]:
                    self.metadata[key].append(model)
                if key == "models":
                    self.architect_run = " with architect edit format" in message


def _trailing_paths(subjects: list[str], limit: int | None) -> list[str]:
    """The file names or URLs at the end of ``subjects`` (aider prints them before asking)."""
    found: list[str] = []
    for subject in reversed(subjects):
        if limit is not None and len(found) >= limit:
            break
        if "\n" in subject or subject.endswith((".", "?", "!", ":")) or (": " in subject and "://" not in subject):
            break
        found.append(subject)
    found.reverse()
    return found
