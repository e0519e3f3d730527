"""The state protocol every backend implements (memory, SQLite, PostgreSQL).

A store persists rows the ledger module produced; it never decides a state. Everything that
belongs together (ledger rows, the cursor, audit events) goes through one :meth:`commit`,
which is one transaction, checks the writer's lease (fencing) and each row's version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

from mlconnector_sync._audit import AuditEvent
from mlconnector_sync._ledger import LedgerRow, State

__all__ = [
    "KEEP_CURSOR",
    "ConcurrentUpdate",
    "InboxEvent",
    "Lease",
    "LeaseLost",
    "RunRecord",
    "StateError",
    "StateStore",
    "Unit",
]


class StateError(Exception):
    """Base of the state backends' errors."""


class LeaseLost(StateError):
    """This worker's lease on a unit expired or was taken over: it must stop writing."""


class ConcurrentUpdate(StateError):
    """A row changed since it was read (another writer); re-read and decide again."""


@attrs.frozen(order=True)
class Unit:
    """The unit of work one worker holds at a time: a flow over one partition.

    A flow is bound to its connections in the config, so the flow name also names them.
    """

    flow: str
    partition: str

    def __str__(self) -> str:
        return f"{self.flow}/{self.partition}"


@attrs.frozen
class Lease:
    """A claim on a unit until ``expires_at``; ``fence`` grows with every new claim."""

    unit: Unit
    worker: str
    fence: int
    expires_at: dt.datetime


@attrs.frozen(kw_only=True)
class RunRecord:
    """What one run did, as stored for ``status`` (its report as JSON-able data)."""

    run_id: str
    worker: str
    started_at: dt.datetime
    finished_at: dt.datetime
    report: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class InboxEvent:
    """One change a system pushed (a webhook), kept until the engine has fetched the record.

    ``key`` is the delivery's deduplication key: a second event with the same key is not
    stored. ``source`` names the connection (``procore:<connection>``), ``kind`` the resource
    (``"Requisitions"``), ``partition`` the unit it belongs to (a project id; ``""`` for the
    company), ``record_id`` the record to fetch.
    """

    key: str
    source: str
    kind: str
    partition: str
    record_id: str
    event_type: str
    received_at: dt.datetime
    payload: Mapping[str, Any]
    processed_at: dt.datetime | None = None


class _KeepCursor:
    def __repr__(self) -> str:
        return "KEEP_CURSOR"


KEEP_CURSOR: Any = _KeepCursor()
"""Pass as ``cursor=`` to leave a unit's watermark as it is."""


class StateStore(Protocol):
    """One protocol, one contract-test suite (``tests/mlconnector_sync/test_state_contract``)."""

    single_host: bool
    """True when every worker shares this machine (memory, SQLite): a lease held by a dead
    process of this host may then be taken over at once instead of waiting for it to expire."""

    def acquire(
        self,
        unit: Unit,
        worker: str,
        *,
        now: dt.datetime,
        ttl: dt.timedelta,
        take_over: str | None = None,
    ) -> Lease | None:
        """Claim ``unit`` for ``worker`` (or renew its own claim); ``None`` if another holds it.

        ``take_over`` names a holder known to be dead whose unexpired lease may be taken.
        """

    def holder(self, unit: Unit) -> Lease | None:
        """The unit's current lease, expired or not (``None`` if it was never claimed)."""

    def release(self, lease: Lease) -> None:
        """Give the unit up (a lease that was already lost is ignored)."""

    def cursor(self, unit: Unit) -> dt.datetime | None:
        """The unit's watermark: the latest source modification time fully extracted."""

    def load(self, flow: str, keys: Sequence[str]) -> dict[str, LedgerRow]:
        """The rows of ``flow`` for these source keys (missing keys are absent)."""

    def commit(
        self,
        lease: Lease | None,
        rows: Sequence[LedgerRow],
        events: Sequence[AuditEvent],
        *,
        now: dt.datetime,
        cursor: dt.datetime | None = KEEP_CURSOR,
    ) -> None:
        """Write rows, audit events and the cursor in one transaction.

        A row with ``version == 0`` is inserted, any other replaces the stored row of that
        version (else :class:`ConcurrentUpdate`) and is stored as ``version + 1``. With a
        lease, the lease must still be this worker's and unexpired at ``now`` (else
        :class:`LeaseLost`), and it is renewed for its ttl once half of it is spent;
        ``lease=None`` is for changes made by a person (replay), which only move rows forward.
        """

    def due(self, lease: Lease, *, now: dt.datetime) -> list[str]:
        """Source keys of the lease's unit to look at now: pending, held, posting, and failed
        rows whose retry time has come, oldest change first."""

    def rows(
        self,
        *,
        flow: str | None = None,
        states: Sequence[State] | None = None,
        keys: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[LedgerRow]:
        """Rows filtered by flow, states and source keys, oldest change first."""

    def counts(self) -> dict[str, dict[State, int]]:
        """Per flow, how many rows are in each state."""

    def cursors(self) -> dict[Unit, dt.datetime | None]:
        """Every unit's watermark."""

    def audit(
        self,
        *,
        source_key: str | None = None,
        flow: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEvent]:
        """Audit events in the order they were written, filtered."""

    def save_run(self, run: RunRecord) -> None:
        """Store a finished run's report."""

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first."""

    def prune(self, *, audit_before: dt.datetime, keep_runs: int) -> int:
        """Drop audit events older than ``audit_before``, all but ``keep_runs`` runs, and inbox
        events processed before ``audit_before`` (a later redelivery of one is stored again,
        fetched, and changes nothing)."""

    def save_mapping(self, name: str, entries: Mapping[str, str], *, now: dt.datetime) -> int:
        """Store a new version of mapping table ``name``; returns its version, a number that
        grows across every table (so one number says which mappings a record was posted with)."""

    def mapping(self, name: str, version: int | None = None) -> tuple[int, dict[str, str]] | None:
        """A table's latest version (or the one given) and its entries; ``None`` if absent."""

    def mapping_versions(self, name: str) -> list[tuple[int, dt.datetime]]:
        """Every version of a table with the time it was saved, oldest first."""

    def mapping_names(self) -> list[str]:
        """The names of every stored mapping table."""

    def inbox_put(self, event: InboxEvent) -> bool:
        """Store a pushed event durably; ``False`` (and nothing stored) if its key is known."""

    def inbox_pending(
        self,
        source: str,
        *,
        partition: str | None = None,
        kinds: Sequence[str] | None = None,
        limit: int = 1000,
    ) -> list[InboxEvent]:
        """Unprocessed events of ``source`` (of one partition, of some kinds), oldest first."""

    def inbox_done(self, keys: Sequence[str], *, now: dt.datetime) -> None:
        """Mark events processed: their records were fetched and committed."""

    def put_secret(self, name: str, ciphertext: bytes, *, now: dt.datetime) -> None:
        """Store an encrypted secret under ``name`` (the store never sees plain text)."""

    def get_secret(self, name: str) -> bytes | None:
        """The encrypted secret stored under ``name``."""

    def secret_names(self) -> list[str]:
        """The names of every stored secret."""

    def close(self) -> None:
        """Release connections."""
