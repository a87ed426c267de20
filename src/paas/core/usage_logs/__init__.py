"""Usage read from agents' own logs: one reader per agent, one record model, one dedup rule.

Data flow: a door hands the bytes of a log file (from where the last read stopped) to the
agent's reader (``claude_code.read_chunk``, ``codex.read_chunk``); the reader answers a
``ChunkRead``: the complete lines it consumed, the ``UsageRecord``s found, lines it could not
decode, and (Codex) the state to go on from. ``dedup.Deduplicator`` then keeps one copy of each
record the way ccusage's session report counts them. Pure: bytes and plain values in, values
out; no file access, no clock (the service reads files and keeps offsets).

Decoding uses ``msgspec`` typed structs that declare only the fields needed, so the rest of a
line (tool results of many KB) is skipped without building Python objects: a parsing library
with no I/O, allowed here for the same reason the stdlib's ``json`` is.
"""

from paas.core.usage_logs.dedup import Deduplicator, Kept, Offer
from paas.core.usage_logs.model import ChunkRead, UsageRecord

__all__ = ["ChunkRead", "Deduplicator", "Kept", "Offer", "UsageRecord"]
