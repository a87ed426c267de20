"""One copy of each API response, counted the way ccusage's session report counts Claude Code logs.

Rules (records without a message id are never duplicates of anything):
- two records are copies of one response when they share the message id AND the request id;
- they are also copies when they share the message id alone and either of them has no request
  id, or either of them is a sidechain (a sub-agent's log replays its parent's messages);
- of two copies, a non-sidechain one beats a sidechain one; otherwise the one with more tokens
  (input + output + cache creation + cache reads) wins; a tie keeps the copy seen first.

``Deduplicator`` applies them to records offered one by one, after copies already kept by an
earlier import (``seed``: the ledger's rows, which are then replaced in place when a fuller
copy turns up, never counted twice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from paas.core.usage_logs.model import UsageRecord


class Offer(StrEnum):
    NEW = "new"  # a response not seen before: kept
    DUPLICATE = "duplicate"  # a copy that does not beat the one kept: dropped
    REPLACED = "replaced"  # a copy that beats the one kept: it takes its place


@dataclass(slots=True)
class Kept:
    """The copy kept of one response: a record of this run, or a stored row (``stored_id``) whose
    figures ``record`` (when set) replaces."""

    message_id: str
    request_id: str | None
    sidechain: bool
    total_tokens: int
    record: UsageRecord | None = None
    stored_id: int | None = None


def beats(candidate_sidechain: bool, candidate_total: int, kept: Kept) -> bool:
    if candidate_sidechain != kept.sidechain:
        return kept.sidechain
    return candidate_total > kept.total_tokens


def same_response(record: UsageRecord, kept: Kept) -> bool:
    """Whether ``record`` and ``kept`` (sharing a message id) are copies of one response."""
    if record.request_id is None or kept.request_id is None or record.sidechain or kept.sidechain:
        return True
    return record.request_id == kept.request_id


class Deduplicator:
    def __init__(self) -> None:
        self._by_message: dict[str, list[Kept]] = {}
        self.fresh: list[UsageRecord] = []  # records with no message id: always kept
        self.duplicates = 0

    def seed(self, stored: Iterable[Kept]) -> None:
        for kept in stored:
            self._by_message.setdefault(kept.message_id, []).append(kept)

    def offer(self, record: UsageRecord) -> Offer:
        message_id = record.message_id
        if message_id is None:
            self.fresh.append(record)
            return Offer.NEW
        copies = self._by_message.get(message_id)
        if copies is None:
            self._by_message[message_id] = [self._keep(record)]
            return Offer.NEW
        for kept in copies:
            if same_response(record, kept):
                if beats(record.sidechain, record.total_tokens, kept):
                    if kept.record is not None:  # the copy this run had kept is dropped
                        self.duplicates += 1
                    kept.request_id, kept.sidechain = record.request_id, record.sidechain
                    kept.total_tokens, kept.record = record.total_tokens, record
                    return Offer.REPLACED
                self.duplicates += 1
                return Offer.DUPLICATE
        copies.append(self._keep(record))
        return Offer.NEW

    @staticmethod
    def _keep(record: UsageRecord) -> Kept:
        return Kept(message_id=record.message_id or "", request_id=record.request_id, sidechain=record.sidechain,
                    total_tokens=record.total_tokens, record=record)

    def kept(self) -> list[Kept]:
        """Every copy kept that this run read (new ones, and stored ones it replaced), in the order
        first seen; records without a message id after them."""
        found = [kept for copies in self._by_message.values() for kept in copies if kept.record is not None]
        return found + [Kept(message_id="", request_id=None, sidechain=record.sidechain,
                             total_tokens=record.total_tokens, record=record) for record in self.fresh]
