"""One fact per file: its status over the session, a role a reader can use, one normalised path.

Design: ``file_facts(log, mentioned)`` joins two kinds of evidence: the file events of the
tool calls (``actions``: reads, edits, creations, deletions, renames, failed edits, harness
notices), and the paths people wrote (``mentions``: named in prose, code written for a file in
a fence, a clause describing a file next to its path).

* Identity (``spellings``). Paths are normalised (``paths.normal_path``) and made relative
  to the project root: the agent's ``cwd`` when the transcript gives one that is not a bare
  home folder; else the prefix an absolute path has in front of a relative path already known
  (``/home/me/proj/src/x.py`` and ``src/x.py``); else, when the agent started in a home
  folder, the folder holding every file its tools touched. A path written in words joins the
  one file it ends with (``x.py`` -> ``src/x.py``; ``a/src/x.py`` of a diff header ->
  ``src/x.py``), unless two files end that way. Two paths from tools are never joined by
  their ends: the harness gave both from the same root.
* Status, from the events in the transcript's order: ``created``, ``edited`` (changed),
  ``deleted``, ``renamed`` (the text shows ``old → new``), ``read``, ``edit failed`` (every
  edit of it failed), ``proposed`` (code written for it in a fence, never applied),
  ``mentioned`` (only discussed). Deleted after created is deleted; created again after
  deleted is created; a file created in the session and then moved is created at its new
  path; a renamed file edited later stays renamed (the role counts the edits). A read the
  harness voided ("file not found") is no evidence; a lockfile deleted and then rebuilt by an
  install command is changed, not deleted. Tool reads of what is no file (a folder,
  a log, a dependency's code) are dropped; edits never are.
* Text: the most complete project-relative spelling a source wrote (a verbatim substring, so
  the faithfulness check finds it), ``/`` spellings before ``\\`` ones; an absolute path only
  for a file outside the root (then its shortest spelling). ``key`` is the normalised
  relative path (the new one for a rename); ``subject`` the longest spelling seen (absolute
  when a tool gave one), for readers that need the folder (the project's name).
* Role (``detail``, about 60 characters at most): the kind from the path
  (``paths.path_kind``: test, config, docs, ...), the latest clause someone wrote next to the
  path ("the new `auth.ts` handles tokens" -> "handles tokens"), quoted and clipped, and
  counts (edited ×3, 1 edit failed, turns 4–9). ``names``: what its edits added and a later
  edit did not take out (``changes.edit_delta``), the latest edit's first. Nothing else is
  said about a file.
* Current work: ``current_since(facts)`` is the turn from which a file belongs to the current
  work: ``fact.turn >= current_since(facts)``, ``turn`` being the latest tool evidence of the
  file (its latest mention when no tool touched it). It is the latest request's turn when a
  tool touched any file since that request; otherwise (the request was answered in words)
  the start of the last stretch of the transcript (its last fifth, at least
  ``MIN_STRETCH_TURNS`` turns), or the latest request's turn when that comes first.

Linear: one pass over the events, one over the mentions, an index of the keys' endings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paas.core.briefing.actions import ActionLog
from paas.core.briefing.changes import telling
from paas.core.briefing.model import Fact, Facts
from paas.core.briefing.paths import has_file_name, is_absolute, is_harness_path, normal_path, path_kind, tail
from paas.core.briefing.spellings import Spellings
from paas.core.briefing.text import clip

ROLE_CHARS = 60
NAMES_KEPT = 12
MIN_STRETCH_TURNS = 6
STRETCH_SHARE = 5  # the last 1/5 of the turns
TOOL_SCORE = 2.0



@dataclass
class _File:
    key: str
    forms: list[str] = field(default_factory=list)  # spellings seen, in order
    status: str = ""  # from tool evidence; "" when none (or voided)
    first_turn: int = -1
    turn: int = -1
    events: int = 0
    edits: int = 0
    failed: int = 0
    reads: int = 0
    old_key: str = ""  # a rename's former path
    old_forms: list[str] = field(default_factory=list)
    mentions: int = 0
    mention_first: int = -1
    mention_last: int = -1
    proposed: bool = False
    by_user: bool = False
    score: float = 0.0
    phrase: str = ""
    phrase_turn: int = -1
    regenerated: bool = False  # a lockfile deleted, then rebuilt by an install
    names: list[str] = field(default_factory=list)  # added by its edits, still there, latest edit first
    dropped: list[str] = field(default_factory=list)  # taken out by its edits and not put back, latest first

    def edited(self, added: tuple[str, ...], removed: frozenset[str]) -> None:
        kept = [name for name in self.names if name not in removed and name not in added]
        self.names = [*added, *kept][:NAMES_KEPT]
        gone = sorted((name for name in removed if telling(name)), key=lambda name: (-len(name), name))
        earlier = [name for name in self.dropped if name not in added and name not in gone]
        self.dropped = [*gone, *earlier][:NAMES_KEPT]

    def add_form(self, raw: str) -> None:
        raw = raw.strip()
        if raw and raw not in self.forms:
            self.forms.append(raw)

    def touch(self, turn: int) -> None:
        self.first_turn = turn if self.first_turn < 0 else self.first_turn
        self.turn = turn
        self.events += 1


def current_since(facts: Facts) -> int:
    """The turn from which a file is part of the current work (see the module docstring)."""
    stretch_start = max(0, facts.turn_count - max(MIN_STRETCH_TURNS, facts.turn_count // STRETCH_SHARE))
    if facts.latest_request is None:
        return stretch_start
    request = facts.latest_request.turn
    if any(f.source == "tool" and f.turn >= request for f in facts.files):
        return request
    return min(request, stretch_start)


def is_current(fact: Fact, since: int) -> bool:
    return fact.turn >= since


def file_facts(log: ActionLog, mentioned: list[Fact]) -> list[Fact]:
    """One ``file`` fact per file, in the order of its first evidence."""
    described = [f for f in mentioned if f.status == "described"]
    words = [f for f in mentioned if f.status != "described"]
    resolver = Spellings(log, [f.text for f in words] + [f.text for f in described])
    files: dict[str, _File] = {}
    moved: dict[str, str] = {}  # old key -> new key
    for event in log.file_events:
        if event.op == "read" and (not has_file_name(event.path) or is_harness_path(event.path)):
            continue
        key = resolver.tool_key(event.path)
        if event.op == "rename":
            _rename(files, moved, key, resolver.tool_key(event.to), event.path, event.to, event.turn)
        elif event.op == "delete":
            _delete(files, key, event.path, event.turn)
        elif event.op == "install":  # a package install rebuilds the lockfiles deleted before it
            for lockfile in files.values():
                if lockfile.status == "deleted" and path_kind(lockfile.key) == "lockfile":
                    lockfile.status, lockfile.regenerated = "edited", True
        elif event.op == "missing":
            record = files.get(key)
            if record is not None and record.status == "read":
                record.status, record.reads = "", 0  # the harness says it does not exist: no read
        else:
            record = files.setdefault(key, _File(key))
            record.add_form(event.path)
            record.touch(event.turn)
            _apply(record, event.op)
            if event.added or event.removed:
                record.edited(event.added, event.removed)
    for fact in words:
        key = resolver.word_key(fact.text)
        record = files.setdefault(moved.get(key, key), _File(moved.get(key, key)))
        record.add_form(fact.text)
        record.mentions += fact.count
        first = fact.first_turn if fact.first_turn >= 0 else fact.turn
        record.mention_first = first if record.mention_first < 0 else min(record.mention_first, first)
        record.mention_last = max(record.mention_last, fact.turn, first)
        record.proposed = record.proposed or fact.status == "proposed"
        record.by_user = record.by_user or fact.source == "user"
        record.score = max(record.score, fact.score)
    for fact in described:
        key = resolver.word_key(fact.text)
        record = files.get(moved.get(key, key))
        if record is not None and fact.turn >= record.phrase_turn:
            record.phrase, record.phrase_turn = fact.detail, fact.turn
    facts = [_fact(record, resolver) for record in files.values() if record.status or record.mentions]
    facts.sort(key=lambda f: f.first_turn)
    return facts


def _apply(record: _File, op: str) -> None:
    """One tool event on a file's status (see the module docstring for the order rules)."""
    if op == "read":
        record.reads += 1
        record.status = record.status or "read"
    elif op == "edit failed":
        record.failed += 1
        if record.status in ("", "read"):
            record.status = "edit failed"
    elif op == "create" or op == "write" and record.events <= 1:  # a write to a file the session never saw
        record.status = "renamed" if record.status == "renamed" else "created"
    elif op in ("edit", "write"):
        record.edits += 1
        if record.status == "deleted":
            record.status = "created"  # written again after it was deleted
        elif record.status not in ("created", "renamed"):
            record.status = "edited"


def _delete(files: dict[str, _File], key: str, raw: str, turn: int) -> None:
    record = files.get(key)
    if record is None and not has_file_name(key):  # a folder: every known file under it
        for inner in files.values():
            if inner.key.startswith(key + "/") and inner.status:
                inner.status = "deleted"
                inner.touch(turn)
        return
    if record is None:
        record = files[key] = _File(key)
    record.add_form(raw)
    record.touch(turn)
    record.status = "deleted"


def _rename(files: dict[str, _File], moved: dict[str, str], old: str, new: str, old_raw: str, new_raw: str,
            turn: int) -> None:
    if old == new:
        return
    if old not in files and not has_file_name(old):  # a folder moved: every known file under it
        for inner_key in [k for k in files if k.startswith(old + "/")]:
            _rename(files, moved, inner_key, new + inner_key[len(old) :], inner_key, new + inner_key[len(old) :], turn)
        return
    record = files.pop(old, None) or _File(old, forms=[old_raw])
    record.add_form(old_raw)
    target = files.pop(new, None)
    if record.status != "created":
        record.old_key = record.old_key or old
        record.old_forms = record.old_forms or list(record.forms)
        record.status = "renamed"
    record.key, record.forms = new, [new_raw] + (target.forms if target else [])
    if target is not None:
        record.edits += target.edits
        record.events += target.events
    record.touch(turn)
    files[new] = record
    moved[old] = new


def _fact(record: _File, resolver: Spellings) -> Fact:
    tool = bool(record.status)
    status = record.status or ("proposed" if record.proposed else "mentioned")
    text = _display(record.key, record.forms, resolver)
    if status == "renamed" and record.old_key:
        text = f"{_display(record.old_key, record.old_forms, resolver)} → {text}"
    first, last = (record.first_turn, record.turn) if tool else (record.mention_first, record.mention_last)
    subject = max(record.forms, key=lambda form: (len(normal_path(form)), "\\" not in form), default=record.key)
    return Fact("file", text, last, status=status, key=record.key, first_turn=first,
                count=record.events if tool else record.mentions, source="tool" if tool else
                ("user" if record.by_user else "assistant"), detail=_role(record, status, first, last),
                score=TOOL_SCORE if tool else record.score, subject=subject, names=tuple(record.names),
                dropped=tuple(record.dropped))


def _display(key: str, forms: list[str], resolver: Spellings) -> str:
    """The most complete verbatim spelling of ``key``; the shortest one outside the root."""
    if not forms:
        return key
    segments = key.count("/") + 1
    if is_absolute(key):
        return min((form.strip("`'\"") for form in forms), key=lambda form: ("\\" in form, len(form)))
    ranked = []
    for form in forms:
        escapes = resolver.plain_key(form) != key
        text = tail(form, segments, escapes)
        normal = normal_path(text, unescape=escapes)
        complete = normal == key  # else a shorter ending (x.py of src/x.py) or another spelling (../x.py)
        ranked.append(((complete, ("/" + key).endswith("/" + normal), normal.count("/"), -text.count("\\"),
                        -len(text)), text))
    return max(ranked, key=lambda item: item[0])[1]  # the first spelling among equals


def _role(record: _File, status: str, first: int, last: int) -> str:
    counts: list[str] = []
    if status == "edited" and record.edits > 1 or status in ("created", "renamed", "deleted") and record.edits:
        counts.append(f"edited ×{record.edits}")
    if record.failed and status != "edit failed":
        counts.append(f"{record.failed} edit{'s' if record.failed > 1 else ''} failed")
    if status == "edit failed" and record.failed > 1:
        counts.append(f"tried ×{record.failed}")
    if status == "read" and record.reads > 1:
        counts.append(f"read ×{record.reads}")
    if not record.status and record.mentions > 1:
        counts.append(f"named ×{record.mentions}")
    if record.regenerated:
        counts.append("deleted and regenerated")
    if 0 <= first < last:
        counts.append(f"turns {first}–{last}")
    kind = path_kind(record.key)
    tally = ", ".join(counts)
    parts = [part for part in (kind, tally) if part]
    if record.phrase:
        room = ROLE_CHARS - sum(len(part) + 2 for part in parts) - 2
        parts.insert(1 if kind else 0, f"\"{clip(record.phrase, max(room, 18))}\"")
    return "; ".join(parts)
