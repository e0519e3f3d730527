"""The in-memory state store: the reference behaviour, for tests and one-off runs."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence

import attrs

from mlconnector_sync._audit import AuditEvent
from mlconnector_sync._ledger import LedgerRow, State
from mlconnector_sync.state._base import (
    KEEP_CURSOR,
    ConcurrentUpdate,
    InboxEvent,
    Lease,
    LeaseLost,
    RunRecord,
    Unit,
)

__all__ = ["MemoryStore"]

_DUE = (State.PENDING, State.HELD, State.POSTING)


@attrs.define
class _LeaseRow:
    worker: str
    fence: int
    expires_at: dt.datetime
    ttl: dt.timedelta


class MemoryStore:
    """Everything in dicts behind one lock; lost when the process ends."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[tuple[str, str], LedgerRow] = {}
        self._leases: dict[Unit, _LeaseRow] = {}
        self._cursors: dict[Unit, dt.datetime | None] = {}
        self._audit: list[AuditEvent] = []
        self._runs: list[RunRecord] = []
        self._secrets: dict[str, bytes] = {}
        self._inbox: dict[str, InboxEvent] = {}
        self._mappings: list[tuple[int, str, dict[str, str], dt.datetime]] = []

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._rows)} rows)"

    single_host = True

    def acquire(
        self,
        unit: Unit,
        worker: str,
        *,
        now: dt.datetime,
        ttl: dt.timedelta,
        take_over: str | None = None,
    ) -> Lease | None:
        with self._lock:
            held = self._leases.get(unit)
            if held is not None and held.worker == take_over:
                held.expires_at = now
            if held is not None and held.worker != worker and held.expires_at > now:
                return None
            if held is None or held.worker != worker or held.expires_at <= now:
                fence = (held.fence if held else 0) + 1
            else:
                fence = held.fence
            self._leases[unit] = _LeaseRow(worker, fence, now + ttl, ttl)
            return Lease(unit, worker, fence, now + ttl)

    def holder(self, unit: Unit) -> Lease | None:
        with self._lock:
            held = self._leases.get(unit)
            return None if held is None else Lease(unit, held.worker, held.fence, held.expires_at)

    def release(self, lease: Lease) -> None:
        with self._lock:
            held = self._leases.get(lease.unit)
            if held is not None and held.fence == lease.fence and held.worker == lease.worker:
                held.expires_at = dt.datetime.min.replace(tzinfo=dt.UTC)

    def cursor(self, unit: Unit) -> dt.datetime | None:
        with self._lock:
            return self._cursors.get(unit)

    def load(self, flow: str, keys: Sequence[str]) -> dict[str, LedgerRow]:
        with self._lock:
            return {k: self._rows[(flow, k)] for k in keys if (flow, k) in self._rows}

    def commit(
        self,
        lease: Lease | None,
        rows: Sequence[LedgerRow],
        events: Sequence[AuditEvent],
        *,
        now: dt.datetime,
        cursor: dt.datetime | None = KEEP_CURSOR,
    ) -> None:
        with self._lock:
            if lease is not None:
                held = self._leases.get(lease.unit)
                if (
                    held is None
                    or held.fence != lease.fence
                    or held.worker != lease.worker
                    or held.expires_at <= now
                ):
                    raise LeaseLost(
                        f"lease on {lease.unit} (fence {lease.fence}) is no longer held"
                    )
            for row in rows:
                current = self._rows.get((row.flow, row.source_key))
                if (current.version if current else 0) != row.version:
                    raise ConcurrentUpdate(f"{row.flow} {row.source_key} changed meanwhile")
            for row in rows:
                self._rows[(row.flow, row.source_key)] = attrs.evolve(row, version=row.version + 1)
            self._audit.extend(events)
            if lease is not None:
                held = self._leases[lease.unit]
                if held.expires_at - now < held.ttl / 2:
                    held.expires_at = now + held.ttl
                if cursor is not KEEP_CURSOR:
                    self._cursors[lease.unit] = cursor

    def due(self, lease: Lease, *, now: dt.datetime) -> list[str]:
        with self._lock:
            found = [
                row
                for row in self._rows.values()
                if row.flow == lease.unit.flow
                and row.partition == lease.unit.partition
                and (
                    row.state in _DUE
                    or (
                        row.state == State.FAILED
                        and row.next_retry_at is not None
                        and row.next_retry_at <= now
                    )
                )
            ]
            return [r.source_key for r in sorted(found, key=lambda r: (r.updated_at, r.source_key))]

    def rows(
        self,
        *,
        flow: str | None = None,
        states: Sequence[State] | None = None,
        keys: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[LedgerRow]:
        with self._lock:
            found = [
                row
                for row in self._rows.values()
                if (flow is None or row.flow == flow)
                and (states is None or row.state in states)
                and (keys is None or row.source_key in keys)
            ]
        found.sort(key=lambda r: (r.updated_at, r.flow, r.source_key))
        return found if limit is None else found[:limit]

    def counts(self) -> dict[str, dict[State, int]]:
        with self._lock:
            result: dict[str, dict[State, int]] = {}
            for row in self._rows.values():
                per_flow = result.setdefault(row.flow, {})
                per_flow[row.state] = per_flow.get(row.state, 0) + 1
            return result

    def cursors(self) -> dict[Unit, dt.datetime | None]:
        with self._lock:
            return dict(self._cursors)

    def audit(
        self,
        *,
        source_key: str | None = None,
        flow: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEvent]:
        with self._lock:
            found = [
                e
                for e in self._audit
                if (source_key is None or e.source_key == source_key)
                and (flow is None or e.flow == flow)
                and (since is None or e.at >= since)
                and (until is None or e.at < until)
            ]
        return found if limit is None else found[:limit]

    def save_run(self, run: RunRecord) -> None:
        with self._lock:
            self._runs.append(run)

    def runs(self, limit: int = 20) -> list[RunRecord]:
        with self._lock:
            return sorted(self._runs, key=lambda r: r.started_at, reverse=True)[:limit]

    def prune(self, *, audit_before: dt.datetime, keep_runs: int) -> int:
        with self._lock:
            before = len(self._audit) + len(self._runs)
            self._audit = [e for e in self._audit if e.at >= audit_before]
            kept = sorted(self._runs, key=lambda r: r.started_at)
            self._runs = kept[len(kept) - keep_runs :] if keep_runs > 0 else []
            done = [
                key
                for key, event in self._inbox.items()
                if event.processed_at is not None and event.processed_at < audit_before
            ]
            for key in done:
                del self._inbox[key]
            return before - len(self._audit) - len(self._runs) + len(done)

    def save_mapping(self, name: str, entries: Mapping[str, str], *, now: dt.datetime) -> int:
        with self._lock:
            version = len(self._mappings) + 1
            self._mappings.append((version, name, dict(entries), now))
            return version

    def mapping(self, name: str, version: int | None = None) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            found = [
                (v, dict(e))
                for v, n, e, _ in self._mappings
                if n == name and (version is None or v == version)
            ]
        return found[-1] if found else None

    def mapping_versions(self, name: str) -> list[tuple[int, dt.datetime]]:
        with self._lock:
            return [(v, at) for v, n, _, at in self._mappings if n == name]

    def mapping_names(self) -> list[str]:
        with self._lock:
            return sorted({n for _, n, _, _ in self._mappings})

    def inbox_put(self, event: InboxEvent) -> bool:
        with self._lock:
            if event.key in self._inbox:
                return False
            self._inbox[event.key] = event
            return True

    def inbox_pending(
        self,
        source: str,
        *,
        partition: str | None = None,
        kinds: Sequence[str] | None = None,
        limit: int = 1000,
    ) -> list[InboxEvent]:
        with self._lock:
            found = [
                e
                for e in self._inbox.values()
                if e.source == source
                and e.processed_at is None
                and (partition is None or e.partition == partition)
                and (kinds is None or e.kind in kinds)
            ]
        return sorted(found, key=lambda e: (e.received_at, e.key))[:limit]

    def inbox_done(self, keys: Sequence[str], *, now: dt.datetime) -> None:
        with self._lock:
            for key in keys:
                if key in self._inbox:
                    self._inbox[key] = attrs.evolve(self._inbox[key], processed_at=now)

    def put_secret(self, name: str, ciphertext: bytes, *, now: dt.datetime) -> None:
        with self._lock:
            self._secrets[name] = ciphertext

    def get_secret(self, name: str) -> bytes | None:
        with self._lock:
            return self._secrets.get(name)

    def secret_names(self) -> list[str]:
        with self._lock:
            return sorted(self._secrets)

    def close(self) -> None:
        return None
