"""Schedules, run_forever's stop, flow ordering, retention, and redaction in the audit trail."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

import pytest

from mlconnector_sync import Context, Engine, Flow, Post, Schedule, State, Verdict
from mlconnector_sync.state import MemoryStore, StateStore
from mlconnector_sync.testing import MemorySink, MemorySource

from .conftest import TickingClock


def _post(payload: Mapping[str, Any], ctx: Context) -> Verdict:
    return Post({"name": payload["name"]})


def _flow(
    name: str, source: MemorySource, sink: MemorySink, requires: tuple[str, ...] = ()
) -> Flow:
    return Flow(name=name, source=source, sink=sink, transform=_post, requires=requires)


def test_interval_and_cron_schedules() -> None:
    at = dt.datetime(2026, 12, 1, 9, 7, tzinfo=dt.UTC)
    assert Schedule(interval=dt.timedelta(minutes=15)).next_after(at) == at + dt.timedelta(
        minutes=15
    )
    assert Schedule(cron="*/15 * * * *").next_after(at) == at.replace(minute=15)
    with pytest.raises(ValueError, match="exactly one"):
        Schedule()
    with pytest.raises(ValueError, match="cron"):
        Schedule(cron="every tuesday")


def test_flows_run_after_the_flows_they_require() -> None:
    source, sink = MemorySource(), MemorySink()
    b = _flow("b", source, sink, requires=("a",))
    a = _flow("a", source, sink)
    engine = Engine([b, a], MemoryStore())
    assert [f.name for f in engine.flows] == ["a", "b"]
    with pytest.raises(ValueError, match="cycle"):
        Engine([_flow("x", source, sink, ("y",)), _flow("y", source, sink, ("x",))], MemoryStore())
    with pytest.raises(ValueError, match="unique"):
        Engine([a, a], MemoryStore())


def test_run_forever_runs_on_schedule_until_stopped(clock: TickingClock) -> None:
    source, sink = MemorySource(), MemorySink()
    source.put("1", {"name": "one"}, modified_at=clock())
    engine = Engine([_flow("f", source, sink)], MemoryStore(), now=clock)
    reports = []
    waits: list[float] = []

    def sleep(seconds: float) -> bool:
        waits.append(seconds)
        clock.advance(seconds=seconds)
        if len(reports) == 2:
            source.put("2", {"name": "two"}, modified_at=clock())
        if len(reports) >= 3:
            engine.stop()
        return engine.stopping

    engine.run_forever(
        {"f": Schedule(interval=dt.timedelta(minutes=10))}, on_report=reports.append, sleep=sleep
    )
    assert len(reports) == 3
    assert [r.flows["f"].changes.get("posted", 0) for r in reports] == [1, 0, 1]
    assert all(590 <= w <= 600 for w in waits)
    assert sink.creates == 2


def test_stop_finishes_the_record_in_hand_and_leaves_the_rest_pending(clock: TickingClock) -> None:
    source = MemorySource()
    for i in range(5):
        source.put(str(i), {"name": f"n{i}"}, modified_at=clock())
    store = MemoryStore()

    class StoppingSink(MemorySink):
        def create(self, reference: str, document: Mapping[str, Any]):  # type: ignore[no-untyped-def]
            written = super().create(reference, document)
            engine.stop()
            return written

    sink = StoppingSink()
    engine = Engine([_flow("f", source, sink)], store, now=clock)
    report = engine.run_once()
    assert sink.creates == 1
    assert report.flows["f"].counts == {State.POSTED: 1, State.PENDING: 4}


def test_signals_stop_run_forever_in_the_main_thread(clock: TickingClock) -> None:
    import os
    import signal

    engine = Engine([_flow("f", MemorySource(), MemorySink())], MemoryStore(), now=clock)
    timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.start()
    engine.run_forever({"f": Schedule(interval=dt.timedelta(hours=1))})
    timer.join()
    assert engine.stopping


def test_audit_retention_prunes_and_runs_are_bounded(clock: TickingClock) -> None:
    source, sink = MemorySource(), MemorySink()
    store: StateStore = MemoryStore()
    source.put("1", {"name": "one"}, modified_at=clock())
    engine = Engine(
        [_flow("f", source, sink)],
        store,
        now=clock,
        audit_retention=dt.timedelta(days=1),
        keep_runs=2,
    )
    engine.run_once()
    assert len(store.audit()) == 3
    clock.advance(days=2)
    for _ in range(3):
        engine.run_once()
    assert store.audit() == []
    assert len(store.runs()) == 2


def test_failure_reasons_are_redacted_in_the_audit_trail(clock: TickingClock) -> None:
    source = MemorySource()
    source.put("1", {"name": "one"}, modified_at=clock())

    class LeakySink(MemorySink):
        def create(self, reference: str, document: Mapping[str, Any]):  # type: ignore[no-untyped-def]
            from mlconnector_sync import WriteRefused

            raise WriteRefused(
                "refused: client_secret=s3cr3t-value&x=1 Authorization: Bearer abc.def.ghi",
                permanent=True,
            )

    store = MemoryStore()
    Engine([_flow("f", source, LeakySink())], store, now=clock).run_once()
    texts = " ".join(str(e.reason) for e in store.audit())
    texts += " ".join(str(r.reason) for r in store.rows())
    assert "s3cr3t-value" not in texts
    assert "abc.def.ghi" not in texts
    assert "client_secret=***" in texts
