"""The only loop: extract -> transform -> hold or post -> record, for one unit of work.

Exactly-once effect: the intent (``posting``, with an attempt id) is committed before any
write leaves; a write ends posted, refused, or unknown; an unknown one, and any intent found
after a crash, is resolved by looking the external reference up in the target before
anything is sent again. More than one match is held for a person, never chosen.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

import attrs

from mlconnector_http import (
    APIError,
    AuthError,
    PermissionDenied,
    TransportError,
    WriteOutcomeUnknown,
    capture_responses,
)
from mlconnector_sync._audit import AuditEvent, event_for, redact
from mlconnector_sync._flow import (
    REVIEW_WAITS,
    Flow,
    Hold,
    InvalidRecord,
    Match,
    Post,
    Rejected,
    Settles,
    Skip,
    SourceRecord,
    WriteRefused,
)
from mlconnector_sync._ledger import (
    Event,
    LedgerRow,
    State,
    content_hash,
    new_row,
    normalize,
    transition,
)
from mlconnector_sync._report import Progress
from mlconnector_sync._telemetry import telemetry
from mlconnector_sync.state import KEEP_CURSOR, Lease, StateStore, Unit

__all__ = ["EngineOptions", "Stopped", "SystemUnavailable", "UnitRun", "run_unit"]

log = logging.getLogger("mlconnector_sync")

REJECTED = "$rejected"


class Stopped(Exception):
    """A stop was requested; the record in hand was finished first."""


class SystemUnavailable(Exception):
    """A system could not be reached or refused the credentials: the unit stops."""


@attrs.frozen(kw_only=True)
class EngineOptions:
    """How the engine paces itself.

    Args:
        batch_size: records per extraction transaction and per load of due records.
        lease_ttl: how long a unit's lease lasts without a commit renewing it.
        retry_base: the first wait before a transient failure is retried; doubles each time.
        retry_cap: the longest wait between retries.
        stuck_after: a hold older than this is reported as stuck.
        intent_batch: intents committed together before their writes are sent: fewer
            commits (what bounds PostgreSQL), at the cost of up to this many lookups to
            resolve after a crash.
        pushed_every: how often ``run_forever`` takes the inbox's pushed events (webhooks)
            between the flows' scheduled polls; ``None``: only with the polls.
        take_over_dead: take over at once a lease whose holder is a process of this host that
            has ended, instead of waiting for the lease to expire. ``None`` (the default) does
            so on single-host stores (SQLite, memory); on PostgreSQL, turn it on only where
            worker host names are unique (``host:pid`` names a worker).
    """

    batch_size: int = 500
    lease_ttl: dt.timedelta = dt.timedelta(minutes=2)
    retry_base: dt.timedelta = dt.timedelta(seconds=30)
    retry_cap: dt.timedelta = dt.timedelta(hours=1)
    stuck_after: dt.timedelta = dt.timedelta(days=2)
    take_over_dead: bool | None = None
    intent_batch: int = 20
    pushed_every: dt.timedelta | None = None


@attrs.define
class UnitRun:
    """What one unit's run changed, by event name."""

    changes: collections.Counter[str] = attrs.field(factory=collections.Counter)


@attrs.frozen
class _Planned:
    """A row to post: its document, its reference, and its target id if it has one."""

    row: LedgerRow
    verdict: Post
    reference: str
    target: str | None


class _Context:
    """The transform's view of the world (see :class:`mlconnector_sync.Context`)."""

    def __init__(self, worker: _UnitWorker, row: LedgerRow) -> None:
        self._worker = worker
        self._row = row

    @property
    def target_id(self) -> str | None:
        return self._row.target_id

    def posted_target(self, flow: str, source_key: str) -> str | None:
        row = self._worker.store.load(flow, [source_key]).get(source_key)
        return row.target_id if row is not None and row.state == State.POSTED else None

    def mapping(self, name: str) -> Mapping[str, str]:
        return self._worker.mappings.get(name, {})

    def table(self, name: str) -> Mapping[str, Any]:
        return self._worker.table(name)


class _UnitWorker:
    """Runs one flow over one partition while holding its lease."""

    def __init__(
        self,
        flow: Flow,
        store: StateStore,
        lease: Lease,
        *,
        options: EngineOptions,
        now: Callable[[], dt.datetime],
        mappings: Mapping[str, Mapping[str, str]],
        mapping_version: int | None,
        progress: Callable[[Progress], None],
        should_stop: Callable[[], bool],
    ) -> None:
        self.flow = flow
        self.store = store
        self.lease = lease
        self.options = options
        self.now = now
        self.mappings = mappings
        self.mapping_version = mapping_version
        self.progress = progress
        self.should_stop = should_stop
        self.result = UnitRun()
        self._deferred: list[tuple[LedgerRow | None, LedgerRow, Event]] = []
        self._tables: dict[str, Mapping[str, Any]] = {}

    def table(self, name: str) -> Mapping[str, Any]:
        """A reference table of the flow, loaded once per unit run on first use."""
        if name not in self._tables:
            loader = self.flow.tables.get(name)
            if loader is None:
                raise KeyError(f"flow {self.flow.name} declares no table {name!r}")
            self._tables[name] = loader(self.lease.unit.partition)
        return self._tables[name]

    # -- persistence ------------------------------------------------------------------------

    def _save(
        self,
        pairs: Sequence[tuple[LedgerRow | None, LedgerRow, Event]],
        *,
        cursor: dt.datetime | None = KEEP_CURSOR,
        defer: bool = False,
    ) -> list[LedgerRow]:
        """Commit rows with their audit events (and the cursor); returns the stored rows.

        ``defer`` holds a change back to ride in the next commit. For outcomes that is safe
        because a lost one leaves the row ``posting``, which lookup resolves; for verdicts
        (held, skipped) because the transform gives them again. Several transitions of one
        row in one commit store its last state and every event.
        """
        for _, _, event in pairs:
            self.result.changes[event.value] += 1
            telemetry.count("mlconnector.records", flow=self.flow.name, event=event.value)
        if defer:
            self._deferred.extend(pairs)
            return [after for _, after, _ in pairs]
        pairs = [*self._deferred, *pairs]
        self._deferred = []
        events: list[AuditEvent] = [
            event_for(
                before,
                after,
                event,
                worker=self.lease.worker,
                mapping_version=self.mapping_version,
            )
            for before, after, event in pairs
        ]
        latest = {after.source_key: after for _, after, _ in pairs}
        self.store.commit(self.lease, list(latest.values()), events, now=self.now(), cursor=cursor)
        return [attrs.evolve(after, version=after.version + 1) for _, after, _ in pairs]

    def flush(self) -> None:
        """Commit any deferred outcome."""
        if self._deferred:
            self._save([])

    def _move(
        self, row: LedgerRow, event: Event, *, defer: bool = False, **changes: Any
    ) -> LedgerRow:
        after = transition(row, event, now=self.now(), **changes)
        return self._save([(row, after, event)], defer=defer)[-1]

    # -- extraction -------------------------------------------------------------------------

    def extract_pushed(self) -> None:
        """Fetch the records the inbox's pending events name, then mark the events done.

        The watermark stays: a fetch of some records says nothing about the others."""
        pushed = self.flow.pushed
        if pushed is None:
            return
        unit = self.lease.unit
        events = self.store.inbox_pending(
            pushed.source, partition=unit.partition, kinds=pushed.kinds
        )
        if not events:
            return
        ids = list(dict.fromkeys(event.record_id for event in events))
        items = list(pushed.fetch(unit.partition, ids))
        for start in range(0, len(items), self.options.batch_size):
            self._extract_batch(items[start : start + self.options.batch_size])
        self.store.inbox_done([event.key for event in events], now=self.now())
        self.result.changes["pushed"] += len(events)
        self.progress(Progress(self.flow.name, unit.partition, "extract", len(items), len(items)))

    def extract(self) -> None:
        unit = self.lease.unit
        watermark = self.store.cursor(unit)
        since = None if watermark is None else watermark - self.flow.lookback
        newest = watermark
        batch: list[SourceRecord | Rejected] = []
        seen = 0
        for item in self.flow.source.read(unit.partition, since):
            batch.append(item)
            if isinstance(item, SourceRecord) and item.modified_at is not None:
                newest = item.modified_at if newest is None else max(newest, item.modified_at)
            if len(batch) >= self.options.batch_size:
                seen += self._extract_batch(batch)
                batch = []
                self.progress(Progress(self.flow.name, unit.partition, "extract", seen, None))
        seen += self._extract_batch(batch, cursor=newest)
        self.progress(Progress(self.flow.name, unit.partition, "extract", seen, seen))

    def _extract_batch(
        self,
        batch: Sequence[SourceRecord | Rejected],
        cursor: dt.datetime | None = KEEP_CURSOR,
    ) -> int:
        latest: dict[str, SourceRecord | Rejected] = {item.key: item for item in batch}
        existing = self.store.load(self.flow.name, list(latest))
        pairs: list[tuple[LedgerRow | None, LedgerRow, Event]] = []
        now = self.now()
        partition = self.lease.unit.partition
        for key, item in latest.items():
            before = existing.get(key)
            if isinstance(item, Rejected):
                payload: Any = {REJECTED: item.raw}
                quarantine: tuple[str, str] | None = (item.field, item.reason)
                modified = None
            else:
                payload, quarantine, modified = dict(item.payload), None, item.modified_at
            if before is None:
                row = new_row(
                    flow=self.flow.name,
                    source_key=key,
                    partition=partition,
                    source_id=item.id,
                    payload=payload,
                    now=now,
                    source_modified_at=modified,
                    quarantine=quarantine,
                )
                event = Event.QUARANTINED if quarantine else Event.EXTRACTED
                pairs.append((None, row, event))
                continue
            payload = normalize(payload)
            digest = content_hash(payload)
            if digest == before.content_hash:
                continue
            changes: dict[str, Any] = {
                "payload": payload,
                "content_hash": digest,
                "source_modified_at": modified,
            }
            if quarantine and before.state != State.POSTING:
                field, reason = quarantine
                after = transition(
                    before, Event.QUARANTINED, now=now, field=field, reason=reason, **changes
                )
                pairs.append((before, after, Event.QUARANTINED))
            else:
                pairs.append(
                    (before, transition(before, Event.CHANGED, now=now, **changes), Event.CHANGED)
                )
        if pairs or cursor is not KEEP_CURSOR:
            self._save(pairs, cursor=cursor)
        return len(batch)

    # -- posting ----------------------------------------------------------------------------

    def process(self) -> None:
        keys = self.store.due(self.lease, now=self.now())
        done = 0
        size = self.options.batch_size
        for start in range(0, len(keys), size):
            rows = self.store.load(self.flow.name, keys[start : start + size])
            planned: list[_Planned] = []
            for key in keys[start : start + size]:
                if self.should_stop():
                    self._post_all(planned)  # stops after the first write
                    raise Stopped
                row = rows.get(key)
                plan = None if row is None else self._plan(row)
                if plan is not None:
                    planned.append(plan)
                if len(planned) >= self.options.intent_batch:
                    self._post_all(planned)
                    planned = []
                done += 1
            self._post_all(planned)
            self.progress(
                Progress(self.flow.name, self.lease.unit.partition, "post", done, len(keys))
            )

    def _evaluate(self, row: LedgerRow) -> None:
        plan = self._plan(row)
        if plan is not None:
            self._post_all([plan])

    def _plan(self, row: LedgerRow) -> _Planned | None:
        """Decide a row: resolve an old intent, transform, hold, skip or quarantine it (those
        are recorded here), or look its target up and return what to post."""
        if row.state == State.POSTING:
            resolved = self._resolve(row)
            if resolved is None or resolved.state != State.PENDING:
                return None
            row = resolved
        if isinstance(row.payload, Mapping) and REJECTED in row.payload:
            if row.state != State.QUARANTINED:
                self._move(row, Event.QUARANTINED, reason=row.reason or "undecodable record")
            return None
        try:
            verdict = self.flow.transform(row.payload, _Context(self, row))
        except InvalidRecord as error:
            self._move(row, Event.QUARANTINED, field=error.field, reason=error.reason)
            return None
        except Exception as error:
            log.exception("transform of %s %s failed", self.flow.name, row.source_key)
            self._move(
                row,
                Event.QUARANTINED,
                field=None,
                reason=f"transform error: {type(error).__name__}: {error}",
            )
            return None
        if isinstance(verdict, Hold):
            if row.state != State.HELD or (row.reason, row.waits_on) != (
                verdict.reason,
                verdict.waits_on,
            ):
                self._move(
                    row, Event.HELD, defer=True, reason=verdict.reason, waits_on=verdict.waits_on
                )
            return None
        if isinstance(verdict, Skip):
            self._move(row, Event.SKIPPED, defer=True, reason=verdict.rule)
            return None
        if self.flow.review and row.accepted_hash != row.content_hash:
            reason = f"awaiting review: {self._describe(verdict.document)}"
            if row.state != State.HELD or (row.reason, row.waits_on) != (reason, REVIEW_WAITS):
                self._move(row, Event.HELD, defer=True, reason=reason, waits_on=REVIEW_WAITS)
            return None
        return self._look_up(row, verdict)

    def _describe(self, document: Mapping[str, Any]) -> str:
        if self.flow.describe is not None:
            return self.flow.describe(document)
        return f"document {content_hash(normalize(document))[:12]}"

    def _look_up(self, row: LedgerRow, verdict: Post) -> _Planned | None:
        """Find the target before any intent: nothing has been sent yet, so a crash here loses
        nothing, and a duplicate hold that still stands is left as it is (no new audit rows)."""
        reference = self.flow.reference(row.source_key)
        target = row.target_id
        if target is None:
            try:
                matches = self.flow.sink.lookup(reference, verdict.document)
            except (AuthError, PermissionDenied) as refused:
                self._unavailable(row, refused)
            except Exception as error:
                if not isinstance(error, APIError):
                    log.exception("lookup for %s %s failed", self.flow.name, row.source_key)
                self._fail(row, f"lookup failed: {type(error).__name__}: {error}", permanent=False)
                return None
            if len(matches) > 1:
                self._hold_duplicate(row, matches)
                return None
            target = matches[0].target_id if matches else None
        return _Planned(row, verdict, reference, target)

    def _post_all(self, planned: Sequence[_Planned]) -> None:
        """Commit the intents of ``planned`` in one transaction, then send each write."""
        if not planned:
            return
        pairs: list[tuple[LedgerRow | None, LedgerRow, Event]] = []
        now = self.now()
        for plan in planned:
            row = plan.row
            if row.state in (State.HELD, State.FAILED):
                event = Event.RELEASED if row.state == State.HELD else Event.RETRY
                moved = transition(row, event, now=now)
                pairs.append((row, moved, event))
                row = moved
            intent = transition(
                row,
                Event.POSTING,
                now=now,
                attempt_id=uuid.uuid4().hex,
                attempts=row.attempts + 1,
                intent_hash=row.content_hash,
            )
            pairs.append((row, intent, Event.POSTING))
        stored = {r.source_key: r for r in self._save(pairs)}
        for index, plan in enumerate(planned):
            if index and self.should_stop():
                self._unsend(planned[index:], stored)
                raise Stopped
            try:
                self._write(stored[plan.row.source_key], plan)
            except SystemUnavailable:
                self._unsend(planned[index + 1 :], stored)
                raise

    def _unsend(self, unsent: Sequence[_Planned], stored: Mapping[str, LedgerRow]) -> None:
        """Intents whose writes were never sent go back to pending: no lookup is owed."""
        for plan in unsent:
            self._move(stored[plan.row.source_key], Event.RESOLVED_ABSENT, defer=True)

    def _write(self, row: LedgerRow, plan: _Planned) -> None:
        """Send one write whose intent is committed, and record its outcome."""
        sink, reference, target, verdict = self.flow.sink, plan.reference, plan.target, plan.verdict
        try:
            with (
                telemetry.span("mlconnector.post", flow=self.flow.name),
                capture_responses() as answers,
            ):
                if target is None:
                    written = sink.create(reference, verdict.document)
                else:
                    written = sink.update(target, reference, verdict.document)
            if written.request_id is None and answers.last is not None:
                written = attrs.evolve(written, request_id=answers.last.request_id)
        except WriteRefused as refused:
            if refused.waits_on is not None:
                self._move(
                    row,
                    Event.HELD,
                    reason=redact(str(refused)),
                    waits_on=refused.waits_on,
                    field=refused.field,
                )
            else:
                self._fail(row, str(refused), permanent=refused.permanent, field=refused.field)
            return
        except (AuthError, PermissionDenied) as refused:
            self._unavailable(row, refused)
        except Exception as unknown:
            if isinstance(unknown, APIError) and not isinstance(
                unknown, TransportError | WriteOutcomeUnknown
            ):
                self._fail(row, str(unknown), permanent=False)
                return
            if not isinstance(unknown, APIError):  # an adapter bug after the call started
                log.exception("write of %s %s raised", self.flow.name, row.source_key)
            telemetry.count("mlconnector.unknown_outcomes", flow=self.flow.name)
            row = self._move(
                row,
                Event.UNKNOWN,
                reason=redact(f"outcome unknown: {type(unknown).__name__}: {unknown}"),
            )
            resolved = self._resolve(row)
            if (
                resolved is not None
                and resolved.state == State.PENDING
                and resolved.attempts < self.flow.max_attempts
            ):
                self._evaluate(resolved)
            return
        telemetry.count("mlconnector.posts", flow=self.flow.name)
        self._move(
            row,
            Event.POSTED,
            defer=True,
            target_id=written.target_id,
            request_id=written.request_id,
            posted_hash=row.intent_hash,
        )

    def _resolve(self, row: LedgerRow) -> LedgerRow | None:
        """Settle an intent of unknown outcome by looking its reference up; ``None`` if the
        target cannot be asked now (the intent stays for the next run)."""
        if row.target_id is not None:
            # an update: sending it again has the same effect, so it is simply redone
            return self._move(row, Event.RESOLVED_ABSENT)
        reference = self.flow.reference(row.source_key)
        document: Mapping[str, Any] = {}
        try:
            verdict = self.flow.transform(row.payload, _Context(self, row))
            if isinstance(verdict, Post):
                document = verdict.document
        except Exception:
            document = {}
        try:
            matches = self.flow.sink.lookup(reference, document)
        except Exception as error:
            log.warning(
                "cannot resolve %s %s yet (%s); it stays posting",
                self.flow.name,
                row.source_key,
                error,
            )
            return None
        if not matches:
            return self._move(row, Event.RESOLVED_ABSENT)
        if len(matches) > 1:
            self._hold_duplicate(row, matches)
            return None
        target = matches[0].target_id
        if isinstance(self.flow.sink, Settles) and document:
            # before the ledger says posted, so a crash in between does the follow-up again
            try:
                self.flow.sink.settled(target, reference, document)
            except Exception as error:
                log.warning(
                    "%s %s took effect as %s; its follow-up failed (%s), retried next run",
                    self.flow.name,
                    row.source_key,
                    target,
                    error,
                )
                return None
        posted = self._move(row, Event.POSTED, target_id=target, posted_hash=row.intent_hash)
        if posted.needs_post:
            return self._move(
                posted,
                Event.CHANGED,
                payload=posted.payload,
                content_hash=posted.content_hash,
            )
        return posted

    def _hold_duplicate(self, row: LedgerRow, matches: Sequence[Match]) -> None:
        ids = ", ".join(f"{m.target_id} ({m.how})" for m in matches)
        reason = f"{len(matches)} target documents match: {ids}; a person must choose"
        if row.state == State.HELD and row.reason == reason:
            return
        self._move(row, Event.HELD, reason=reason, waits_on="a person to resolve duplicate targets")

    def _unavailable(self, row: LedgerRow, refused: APIError) -> NoReturn:
        """The system refused the credentials: the record fails, and the unit stops."""
        self._fail(row, str(refused), permanent=False)
        raise SystemUnavailable(str(refused)) from refused

    def _fail(
        self, row: LedgerRow, message: str, *, permanent: bool, field: str | None = None
    ) -> None:
        retry_at: dt.datetime | None = None
        if not permanent and row.attempts < self.flow.max_attempts:
            wait = self.options.retry_base * (2 ** max(row.attempts - 1, 0))
            retry_at = self.now() + min(wait, self.options.retry_cap)
        self._move(row, Event.FAILED, reason=redact(message), field=field, next_retry_at=retry_at)


def run_unit(
    flow: Flow,
    store: StateStore,
    unit: Unit,
    *,
    worker: str,
    options: EngineOptions,
    now: Callable[[], dt.datetime],
    mappings: Mapping[str, Mapping[str, str]] | None = None,
    mapping_version: int | None = None,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    result: UnitRun | None = None,
    poll: bool = True,
) -> UnitRun | None:
    """Extract and post one unit while holding its lease; ``None`` if another worker has it.

    Pushed events (the inbox) are fetched first; ``poll=False`` skips the scheduled read of
    everything changed since the watermark. Pass ``result`` to keep what was done when the
    unit stops with an exception.
    """
    lease = store.acquire(unit, worker, now=now(), ttl=options.lease_ttl)
    take_over = store.single_host if options.take_over_dead is None else options.take_over_dead
    if lease is None and take_over:
        holder = store.holder(unit)
        if holder is not None and _dead_here(holder.worker):
            log.info("taking over %s from %s, which is no longer running", unit, holder.worker)
            lease = store.acquire(
                unit, worker, now=now(), ttl=options.lease_ttl, take_over=holder.worker
            )
    if lease is None:
        return None
    runner = _UnitWorker(
        flow,
        store,
        lease,
        options=options,
        now=now,
        mappings=mappings or {},
        mapping_version=mapping_version,
        progress=progress or (lambda _: None),
        should_stop=should_stop,
    )
    if result is not None:
        runner.result = result
    try:
        with telemetry.span("mlconnector.unit", flow=flow.name, partition=unit.partition):
            try:
                runner.extract_pushed()
                if poll:
                    runner.extract()
                runner.process()
            except Exception:
                with contextlib.suppress(Exception):
                    runner.flush()
                raise
            runner.flush()
    finally:
        store.release(lease)
    return runner.result


def _dead_here(worker: str) -> bool:
    """Whether ``worker`` (``host:pid``) names a process of this host that has ended."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
