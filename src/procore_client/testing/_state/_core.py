"""What every store of the simulated Procore shares: the clock, the id sequences, the mutation
counter behind the list cache, the change listeners (the webhook engine) and the origin index."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from mlconnector_http._clock import Clock
from procore_client.testing._models import ChangeEvent, StoredAttachment
from procore_client.testing._state._fields import RESOURCE_NAMES
from procore_client.testing._state._rules import OriginIndex

__all__ = ["Core"]

T = TypeVar("T")

_ID_BASES = {
    "project": 562_949_953_421_312,
    "vendor": 3_000_000_001,
    "commitment": 2_500_000_001,
    "contract_line_item": 5_000_000_001,
    "requisition": 7_000_000_001,
    "direct_cost": 8_000_000_001,
    "direct_cost_line_item": 9_000_000_001,
    "cost_code": 1_000_001,
    "line_item_type": 2_000_001,
    "contract_payment": 40_001,
    "business_register": 100_001,
    "company": 4_000_001,
    "attachment": 60_000_001,
}


class Core:
    """Ids, versions, events and origin ids for every store (one per simulator)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.origins = OriginIndex()
        self._listeners: list[Callable[[ChangeEvent], None]] = []
        self._cache_lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Restart the id sequences and forget origin ids and cached lists."""
        self.version = 0
        self._next: dict[str, int] = dict(_ID_BASES)
        self._cache: dict[Hashable, tuple[int, list[Any]]] = {}
        self.origins.clear()

    def subscribe(self, listener: Callable[[ChangeEvent], None]) -> None:
        """Call ``listener`` with every announced change."""
        self._listeners.append(listener)

    def next_id(self, kind: str) -> int:
        """A fresh id for a record of ``kind`` (ranges chosen so several exceed 2**31)."""
        value = self._next[kind]
        self._next[kind] = value + 1
        return value

    def touch(self) -> None:
        """Note a mutation so cached list results are recomputed."""
        self.version += 1

    def cached(self, key: Hashable, compute: Callable[[], list[T]]) -> list[T]:
        """``compute()`` memoised per ``key`` until the next mutation (fast deep paging)."""
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == self.version:
                return hit[1]
        value = compute()
        with self._cache_lock:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = (self.version, value)
        return value

    def emit(
        self,
        kind: str,
        record_id: int,
        event_type: str,
        company_id: int,
        project_id: int | None,
        actor: str | None,
        related: tuple[tuple[int, str], ...] = (),
    ) -> None:
        """Announce a change to every listener (``kind``: a key of ``RESOURCE_NAMES``)."""
        event = ChangeEvent(
            RESOURCE_NAMES.get(kind, kind),
            record_id,
            event_type,
            company_id,
            project_id,
            self.clock.now(),
            actor,
            related,
        )
        for listener in self._listeners:
            listener(event)

    def attach(self, target: list[StoredAttachment], uploads: list[Mapping[str, Any]]) -> None:
        """Keep each upload's description on the record, in the order sent."""
        now = self.clock.now()
        target.extend(
            StoredAttachment(
                self.next_id("attachment"),
                str(upload["filename"]),
                str(upload.get("content_type") or "application/octet-stream"),
                int(upload.get("size") or 0),
                now,
            )
            for upload in uploads
        )
