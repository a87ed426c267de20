"""Reading a big JSON document piece by piece: its top-level members, and each array's items one
at a time, without holding the document in memory.

The document is plain JSON (one object; no JSON-lines). ``JsonStream`` decodes the UTF-8 bytes in
chunks and hands each top-level member over: a scalar or object value whole, an array as an
iterator of its items (each item decoded whole by ``json``'s own decoder, so one item must fit in
memory; ``MAX_ITEM_BYTES`` caps it). It knows the byte offset where each array starts, so a later
pass can ``seek`` straight to one array (``items_at``). Every problem is a ``StreamError`` naming
the byte where it was found; a file that ends early says it is truncated.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

CHUNK = 1 << 16
MAX_ITEM_BYTES = 256 << 20
WHITESPACE = " \t\r\n"
NUMBER_CHARS = frozenset("0123456789.eE+-")


class StreamError(ValueError):
    """The bytes are not the JSON document they should be; ``offset`` is where that was found."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset


@dataclass
class Member:
    """One top-level member: ``value`` for a scalar or object; ``offset`` and ``items`` for an array."""

    key: str
    value: Any = None
    offset: int | None = None
    items: Iterator[Any] | None = None


class JsonStream:
    def __init__(self, file: IO[bytes], *, chunk: int = CHUNK) -> None:
        self.file, self.chunk = file, chunk
        self._reset(file.tell())

    def _reset(self, offset: int) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buf, self.pos, self.base, self.eof = "", 0, offset, False
        self.json = json.JSONDecoder()

    # -- positions and buffer ------------------------------------------------------------------

    def offset(self) -> int:
        """The byte offset of the next character to read."""
        return self.base + len(self.buf[:self.pos].encode("utf-8"))

    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress)."""
        return self.file.tell()

    def _fill(self, at_least: int = 0) -> bool:
        if self.eof:
            return False
        if self.pos > CHUNK:  # drop what has been read
            self.base += len(self.buf[:self.pos].encode("utf-8"))
            self.buf, self.pos = self.buf[self.pos:], 0
        data = self.file.read(max(self.chunk, at_least))
        try:
            self.buf += self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise StreamError("the file is not UTF-8 text", self.base + len(self.buf.encode("utf-8"))) from None
        self.eof = not data
        return True

    def _peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _expect(self, allowed: str, what: str) -> str:
        found = self._peek()
        if not found:
            raise StreamError(f"the file ends where {what} should be: truncated?", self.offset())
        if found not in allowed:
            raise StreamError(f"expected {what}, found {found!r}", self.offset())
        self.pos += 1
        return found

    def _value(self) -> Any:
        if not self._peek():
            raise StreamError("the file ends where a value should be: truncated?", self.offset())
        while True:
            try:
                value, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as problem:
                ahead = len(self.buf) - self.pos
                if self.eof or ahead > MAX_ITEM_BYTES:
                    where = self.offset() + len(self.buf[self.pos:problem.pos].encode("utf-8"))
                    cut = self.eof and ("Unterminated" in problem.msg or problem.pos >= len(self.buf.rstrip()))
                    message = f"{problem.msg}; the file may be truncated" if cut else problem.msg
                    raise StreamError(f"not valid JSON: {message}", where) from None
                self._fill(ahead)  # the item may go on past the buffer: read as much again
                continue
            if not self.eof and isinstance(value, int | float) and self._may_go_on(end):
                self._fill()  # a number may go on in the next chunk ("3." of "3.5")
                continue
            self.pos = end
            return value

    def _may_go_on(self, end: int) -> bool:
        return all(char in NUMBER_CHARS for char in self.buf[end:end + 32])

    # -- the document --------------------------------------------------------------------------

    def members(self) -> Iterator[Member]:
        """The top-level members in file order. An array member's ``items`` must be read (or is
        skipped) before the next member comes."""
        self._expect("{", "the document's opening '{'")
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                key_at = self.offset()
                key = self._value()
                if not isinstance(key, str):
                    raise StreamError("expected a member name", key_at)
                self._expect(":", "':'")
                if self._peek() == "[":
                    items = self._array()
                    yield Member(key, offset=self.offset(), items=items)  # the '[' is next
                    for _ in items:  # what the caller left unread
                        pass
                else:
                    yield Member(key, value=self._value())
                if self._expect(",}", "',' or '}'") == "}":
                    break
        if self._peek():
            raise StreamError("data after the end of the document", self.offset())

    def _array(self) -> Iterator[Any]:
        def items() -> Iterator[Any]:
            self._expect("[", "'['")
            if self._peek() == "]":
                self.pos += 1
                return
            while True:
                yield self._value()
                if self._expect(",]", "',' or ']'") == "]":
                    return

        return items()

    def items_at(self, offset: int) -> Iterator[Any]:
        """The items of the array that starts at byte ``offset`` (from ``Member.offset``)."""
        self.file.seek(offset)
        self._reset(offset)
        return self._array()
