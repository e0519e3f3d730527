"""``Engine``: ``run_once`` for any scheduler, ``run_forever`` on the config's schedules."""

from __future__ import annotations

import collections
import datetime as dt
import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import attrs
from croniter import croniter

from mlconnector_http import APIError, AuthError, PermissionDenied, TransportError
from mlconnector_sync._engine import (
    EngineOptions,
    Stopped,
    SystemUnavailable,
    UnitRun,
    run_unit,
)
from mlconnector_sync._flow import Flow
from mlconnector_sync._ledger import State
from mlconnector_sync._report import ExceptionItem, FlowReport, Progress, RunReport, UnitError
from mlconnector_sync._telemetry import telemetry
from mlconnector_sync.state import LeaseLost, RunRecord, StateStore, Unit

__all__ = ["Engine", "Schedule"]

log = logging.getLogger("mlconnector_sync")

_EXCEPTION_STATES = (State.HELD, State.FAILED, State.QUARANTINED)


@attrs.frozen
class Schedule:
    """When a flow runs under ``run_forever``: every ``interval``, or on a cron expression."""

    interval: dt.timedelta | None = None
    cron: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.interval is None) == (self.cron is None):
            raise ValueError("a schedule is an interval or a cron expression, exactly one")
        if self.cron is not None and not croniter.is_valid(self.cron):
            raise ValueError(f"not a cron expression: {self.cron!r}")

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        if self.interval is not None:
            return moment + self.interval
        assert self.cron is not None
        following: dt.datetime = croniter(self.cron, moment).get_next(dt.datetime)
        return following


def default_worker() -> str:
    """``host:pid``, which names a worker in leases and audit rows."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Engine:
    """Runs flows against a state store.

    Args:
        flows: the flows, in the order they should run (a flow's ``requires`` run first).
        store: the state backend.
        options: pacing of the engine itself.
        mappings: fixed mapping tables the transforms read, by name; when ``None`` (the
            default) the latest versions stored in the state backend are read at the start
            of every run, and each record's audit rows carry the version they were used at.
        worker: this worker's name in leases and audit rows.
        now: the clock (timezone-aware).
        throttle_seconds: reads the clients' total pacing wait so far, for the report.
        audit_retention: audit events older than this are pruned after each run.
        keep_runs: how many run reports are kept.
    """

    def __init__(
        self,
        flows: Sequence[Flow],
        store: StateStore,
        *,
        options: EngineOptions | None = None,
        mappings: Mapping[str, Mapping[str, str]] | None = None,
        worker: str | None = None,
        now: Callable[[], dt.datetime] | None = None,
        throttle_seconds: Callable[[], float] = lambda: 0.0,
        audit_retention: dt.timedelta = dt.timedelta(days=400),
        keep_runs: int = 1000,
    ) -> None:
        names = [flow.name for flow in flows]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"flow names must be unique: {', '.join(duplicated)}")
        self.flows = _ordered(flows)
        self.store = store
        self.options = options or EngineOptions()
        self.mappings = mappings
        self.worker = worker or default_worker()
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.throttle_seconds = throttle_seconds
        self.audit_retention = audit_retention
        self.keep_runs = keep_runs
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask the engine to stop after the record in hand."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_once(
        self,
        flows: Sequence[str] | None = None,
        *,
        progress: Callable[[Progress], None] | None = None,
        poll: bool = True,
    ) -> RunReport:
        """Run every unit of the named flows (all when ``None``) once; returns the report.

        ``poll=False`` takes only pushed events (webhooks in the inbox): the units with
        pending events fetch just those records; the scheduled poll of each source's changes
        since its watermark is what a run with ``poll=True`` adds, catching missed events.
        """
        chosen = self._select(flows)
        started = self.now()
        run_id = uuid.uuid4().hex
        ran: list[FlowReport] = []
        tables, version = self._current_mappings()
        with telemetry.span("mlconnector.run", run_id=run_id):
            telemetry.count("mlconnector.runs")
            for flow in chosen:
                ran.append(self._run_flow(flow, tables, version, progress, poll=poll))
                if self.stopping:
                    break
        counts = self.store.counts()
        exceptions = self.exceptions()
        reports = {
            r.flow: attrs.evolve(
                r,
                counts=counts.get(r.flow, {}),
                exceptions=tuple(e for e in exceptions if e.flow == r.flow),
            )
            for r in ran
        }
        report = RunReport(
            run_id=run_id,
            worker=self.worker,
            started_at=started,
            finished_at=self.now(),
            flows=reports,
        )
        self.store.save_run(
            RunRecord(
                run_id=run_id,
                worker=self.worker,
                started_at=report.started_at,
                finished_at=report.finished_at,
                report=report.to_json(),
            )
        )
        self.store.prune(audit_before=self.now() - self.audit_retention, keep_runs=self.keep_runs)
        return report

    def run_forever(
        self,
        schedules: Mapping[str, Schedule],
        *,
        progress: Callable[[Progress], None] | None = None,
        on_report: Callable[[RunReport], None] = lambda _: None,
        sleep: Callable[[float], bool] | None = None,
        pushed_every: dt.timedelta | None = None,
    ) -> None:
        """Run each flow on its schedule until :meth:`stop` (or SIGINT/SIGTERM in the main
        thread), finishing the record in hand.

        With ``pushed_every``, the flows that take pushed events (webhooks) also run that
        often between their schedules on the inbox alone (``run_once(poll=False)``); their
        schedules keep the polls that catch missed events.
        """
        wait = sleep or (lambda seconds: self._stop.wait(seconds))
        chosen = self._select(list(schedules))
        due = {flow.name: self.now() for flow in chosen}
        pushed = [flow.name for flow in chosen if flow.pushed is not None]
        next_pushed = self.now() + pushed_every if pushed and pushed_every else None
        with self._signals():
            while not self.stopping:
                now = self.now()
                ready = [name for name, at in due.items() if at <= now]
                if ready:
                    on_report(self.run_once(ready, progress=progress))
                    for name in ready:
                        due[name] = schedules[name].next_after(self.now())
                    continue
                if next_pushed is not None and pushed_every is not None and next_pushed <= now:
                    on_report(self.run_once(pushed, progress=progress, poll=False))
                    next_pushed = self.now() + pushed_every
                    continue
                wake = min(due.values())
                if next_pushed is not None:
                    wake = min(wake, next_pushed)
                wait(max((wake - now).total_seconds(), 0.0))

    @contextmanager
    def _signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {
            sig: signal.signal(sig, lambda *_: self.stop())
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _select(self, names: Sequence[str] | None) -> list[Flow]:
        if names is None:
            return list(self.flows)
        known = {flow.name for flow in self.flows}
        unknown = sorted(set(names) - known)
        if unknown:
            raise ValueError(
                f"unknown flow {', '.join(unknown)}; configured: {', '.join(sorted(known))}"
            )
        return [flow for flow in self.flows if flow.name in names]

    def _run_flow(
        self,
        flow: Flow,
        tables: Mapping[str, Mapping[str, str]],
        mapping_version: int | None,
        progress: Callable[[Progress], None] | None,
        *,
        poll: bool = True,
    ) -> FlowReport:
        """Run every unit of ``flow``; the report's counts and exceptions are filled by
        ``run_once`` once every flow has run (one query each, not one per flow)."""
        changes: collections.Counter[str] = collections.Counter()
        errors: list[UnitError] = []
        busy: list[str] = []
        waited_before = self.throttle_seconds()
        try:
            if poll:
                partitions = list(flow.source.partitions())
            elif flow.pushed is not None:
                pending = self.store.inbox_pending(flow.pushed.source, kinds=flow.pushed.kinds)
                named = {event.partition for event in pending}
                partitions = [p for p in flow.source.partitions() if p in named] if named else []
            else:
                partitions = []
        except APIError as error:
            partitions = []
            errors.append(_unit_error(flow.name, "*", error))
        for partition in partitions:
            result = UnitRun()
            try:
                done = run_unit(
                    flow,
                    self.store,
                    Unit(flow.name, partition),
                    worker=self.worker,
                    options=self.options,
                    now=self.now,
                    mappings=tables,
                    mapping_version=mapping_version,
                    progress=progress,
                    should_stop=self._stop.is_set,
                    result=result,
                    poll=poll,
                )
                if done is None:
                    busy.append(partition)
            except Stopped:
                log.info("stopped %s/%s after the record in hand", flow.name, partition)
            except (SystemUnavailable, LeaseLost, APIError) as error:
                log.error("%s/%s stopped: %s", flow.name, partition, error)
                errors.append(_unit_error(flow.name, partition, error))
            changes.update(result.changes)
            if self.stopping:
                break
        waited = self.throttle_seconds() - waited_before
        telemetry.count("mlconnector.throttle_seconds", waited, flow=flow.name)
        return FlowReport(
            flow=flow.name,
            counts={},
            changes=dict(changes),
            throttle_seconds=waited,
            exceptions=(),
            errors=tuple(errors),
            busy=tuple(busy),
        )

    def _current_mappings(self) -> tuple[Mapping[str, Mapping[str, str]], int | None]:
        """The mapping tables for this run and the version they amount to."""
        if self.mappings is not None:
            return self.mappings, None
        tables: dict[str, Mapping[str, str]] = {}
        version: int | None = None
        for name in self.store.mapping_names():
            found = self.store.mapping(name)
            if found is not None:
                tables[name] = found[1]
                version = max(version or 0, found[0])
        return tables, version

    def exceptions(self, flow: str | None = None) -> list[ExceptionItem]:
        """Held, failed, quarantined and stuck records with their reasons, oldest first."""
        now = self.now()
        items = [
            ExceptionItem.of(row, stuck_after=self.options.stuck_after, now=now)
            for row in self.store.rows(flow=flow, states=_EXCEPTION_STATES)
        ]
        return sorted(items, key=lambda item: (item.since, item.flow, item.source_key))


def _unit_error(flow: str, partition: str, error: Exception) -> UnitError:
    cause = error.__cause__ if isinstance(error, SystemUnavailable) else error
    unreachable = isinstance(cause, AuthError | PermissionDenied | TransportError)
    return UnitError(
        flow=flow,
        partition=partition,
        kind=type(cause).__name__,
        message=str(error),
        unreachable=unreachable,
    )


def _ordered(flows: Sequence[Flow]) -> tuple[Flow, ...]:
    """Flows with every flow after the flows it requires (otherwise in the given order)."""
    by_name = {flow.name: flow for flow in flows}
    placed: list[Flow] = []
    visiting: set[str] = set()

    def place(flow: Flow) -> None:
        if flow in placed:
            return
        if flow.name in visiting:
            raise ValueError(f"flows require each other in a cycle through {flow.name}")
        visiting.add(flow.name)
        for name in flow.requires:
            if name in by_name:
                place(by_name[name])
        visiting.discard(flow.name)
        placed.append(flow)

    for flow in flows:
        place(flow)
    return tuple(placed)
