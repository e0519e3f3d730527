"""An in-memory source and sink with fault injection, for testing flows and the engine.

They stand in for the two systems a flow connects (not for the engine): the sink keeps every
document it was asked to create, so a test can count what reached the "target" after crashes,
unknown outcomes and retries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from mlconnector_http import APITimeoutError, WriteOutcomeUnknown
from mlconnector_sync._flow import Match, Rejected, SourceRecord, WriteRefused, Written

__all__ = ["MemorySink", "MemorySource", "StoredDocument"]


class MemorySource:
    """Records by partition; ``put`` adds or changes one (its ``modified_at`` is the time given)."""

    def __init__(self, partitions: Sequence[str] = ("main",)) -> None:
        self._partitions = list(partitions)
        self._records: dict[str, dict[str, SourceRecord | Rejected]] = {p: {} for p in partitions}
        self.reads = 0
        self.fail_reads = 0

    def put(
        self,
        record_id: str,
        payload: Mapping[str, Any],
        *,
        modified_at: dt.datetime,
        partition: str | None = None,
    ) -> SourceRecord:
        """Add or replace a record."""
        part = partition or self._partitions[0]
        record = SourceRecord(
            key=f"mem:{part}:{record_id}",
            id=record_id,
            payload=dict(payload),
            modified_at=modified_at,
        )
        self._records[part][record.key] = record
        return record

    def put_rejected(
        self, record_id: str, raw: Any, *, field: str, reason: str, partition: str | None = None
    ) -> Rejected:
        """Add a record the client could not decode."""
        part = partition or self._partitions[0]
        rejected = Rejected(
            key=f"mem:{part}:{record_id}", id=record_id, raw=raw, field=field, reason=reason
        )
        self._records[part][rejected.key] = rejected
        return rejected

    def partitions(self) -> Sequence[str]:
        return list(self._partitions)

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        self.reads += 1
        if self.fail_reads:
            self.fail_reads -= 1
            raise APITimeoutError("source read timed out (injected)")
        for item in list(self._records[partition].values()):
            if (
                isinstance(item, Rejected)
                or since is None
                or item.modified_at is None
                or item.modified_at >= since
            ):
                yield item


@attrs.frozen
class StoredDocument:
    """A document as the memory sink holds it."""

    target_id: str
    reference: str | None
    document: Mapping[str, Any]


class MemorySink:
    """A target keyed by generated ids, findable by reference, and by a natural key field
    among documents that carry no reference yet (so one is never linked twice).

    Faults, each consumed once per count: ``refuse_next`` (permanent refusals),
    ``fail_next`` (transient refusals), ``hold_next`` (refusals that wait on a person),
    ``unknown_next`` (the write is applied and then the caller sees a timeout), ``lost_next``
    (a timeout and nothing applied).
    """

    def __init__(self, natural_key: str | None = None) -> None:
        self.natural_key = natural_key
        self.documents: dict[str, StoredDocument] = {}
        self.creates = 0
        self.updates = 0
        self.lookups = 0
        self.refuse_next = 0
        self.fail_next = 0
        self.hold_next = 0
        self.unknown_next = 0
        self.lost_next = 0
        self._ids = itertools.count(1)
        self._refs: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def add_existing(self, document: Mapping[str, Any], reference: str | None = None) -> str:
        """A document that was in the target before the sync (keyed by hand: no reference)."""
        with self._lock:
            target = f"T{next(self._ids)}"
            self._store(StoredDocument(target, reference, dict(document)))
            return target

    def by_reference(self, reference: str) -> list[StoredDocument]:
        """Every stored document carrying ``reference``."""
        with self._lock:
            return [d for d in self.documents.values() if d.reference == reference]

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        with self._lock:
            self.lookups += 1
            found = [
                Match(d.target_id) for d in self.documents.values() if d.reference == reference
            ]
            if found or self.natural_key is None or self.natural_key not in document:
                return found
            value = document[self.natural_key]
            return [
                Match(d.target_id, "natural key")
                for d in self.documents.values()
                if not d.reference and d.document.get(self.natural_key) == value
            ]

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        with self._lock:
            self._fault()
            self.creates += 1
            target = f"T{next(self._ids)}"
            self._store(StoredDocument(target, reference, dict(document)))
            return self._after_write(target)

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        with self._lock:
            self._fault()
            if target_id not in self.documents:
                raise WriteRefused(f"no document {target_id}", permanent=True)
            self.updates += 1
            self._store(StoredDocument(target_id, reference, dict(document)))
            return self._after_write(target_id)

    def _store(self, document: StoredDocument) -> None:
        self.documents[document.target_id] = document
        if document.reference:
            self._refs.setdefault(document.reference, set()).add(document.target_id)

    def _fault(self) -> None:
        if self.refuse_next:
            self.refuse_next -= 1
            raise WriteRefused("refused (injected)", permanent=True, field="name")
        if self.fail_next:
            self.fail_next -= 1
            raise WriteRefused("busy (injected)", permanent=False)
        if self.hold_next:
            self.hold_next -= 1
            raise WriteRefused(
                "paid in the target (injected)", permanent=True, waits_on="a person (injected)"
            )
        if self.lost_next:
            self.lost_next -= 1
            raise APITimeoutError("timed out before the write (injected)")

    def _after_write(self, target: str) -> Written:
        if self.unknown_next:
            self.unknown_next -= 1
            raise WriteOutcomeUnknown(
                operation="memory.write",
                reference=None,
                cause="timed out after the write (injected)",
            )
        return Written(target, request_id=f"req-{target}")
