"""The engine against an in-memory source and sink, on every state backend: exactly-once
effect through crashes and unknown outcomes, holds, quarantine, retries, replay, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlconnector_sync import (
    Context,
    Engine,
    EngineOptions,
    Event,
    Flow,
    Hold,
    InvalidRecord,
    Post,
    Skip,
    State,
    Verdict,
    Written,
    replay,
)
from mlconnector_sync.state import MemoryStore, StateStore, Unit
from mlconnector_sync.testing import MemorySink, MemorySource

from .conftest import TickingClock

FLOW = "things_to_target"


def transform(payload: Mapping[str, Any], ctx: Context) -> Verdict:
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidRecord("name", "must be a non-empty string")
    if payload.get("needs"):
        needed = str(payload["needs"])
        if needed not in ctx.mapping("ready"):
            return Hold(f"waiting for {needed}", waits_on=needed)
    if payload.get("internal"):
        return Skip("internal records are not synced")
    return Post({"name": name.strip(), "amount": payload.get("amount", "0")})


def make(
    store: StateStore,
    clock: TickingClock,
    *,
    source: MemorySource | None = None,
    sink: MemorySink | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
    max_attempts: int = 3,
    worker: str = "w1",
) -> tuple[Engine, MemorySource, MemorySink]:
    source = source or MemorySource()
    sink = sink or MemorySink(natural_key="name")
    flow = Flow(
        name=FLOW,
        source=source,
        sink=sink,
        transform=transform,
        reference=lambda key: "REF-" + key.rsplit(":", 1)[-1],
        max_attempts=max_attempts,
    )
    engine = Engine(
        [flow],
        store,
        options=EngineOptions(batch_size=7, retry_base=dt.timedelta(seconds=10)),
        mappings=mappings if mappings is not None else {},
        worker=worker,
        now=clock,
    )
    return engine, source, sink


def seed(source: MemorySource, clock: TickingClock, count: int) -> None:
    for i in range(count):
        source.put(str(i), {"name": f"thing {i}", "amount": f"{i}.10"}, modified_at=clock())


def test_posts_every_record_once_and_a_second_run_is_a_no_op(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    seed(source, clock, 20)
    report = engine.run_once()
    assert report.exit_code == 0
    assert report.flows[FLOW].counts == {State.POSTED: 20}
    assert report.flows[FLOW].changes["posted"] == 20
    assert sink.creates == 20
    assert sorted(d.reference for d in sink.documents.values()) == sorted(
        f"REF-{i}" for i in range(20)
    )
    again = engine.run_once()
    assert again.flows[FLOW].changes.get("posted", 0) == 0
    assert (sink.creates, sink.updates) == (20, 0)
    row = store.load(FLOW, ["mem:main:3"])["mem:main:3"]
    assert row.target_id is not None
    assert sink.documents[row.target_id].document == {"name": "thing 3", "amount": "3.10"}
    assert row.request_id == f"req-{row.target_id}"


def test_a_changed_record_updates_the_same_target_document(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    seed(source, clock, 3)
    engine.run_once()
    source.put("1", {"name": "thing one renamed", "amount": "9.99"}, modified_at=clock())
    report = engine.run_once()
    assert report.flows[FLOW].changes["changed"] == 1
    assert (sink.creates, sink.updates) == (3, 1)
    assert [d.document["name"] for d in sink.by_reference("REF-1")] == ["thing one renamed"]


def test_an_unknown_outcome_is_resolved_by_lookup_not_by_a_second_post(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    seed(source, clock, 5)
    sink.unknown_next = 2
    report = engine.run_once()
    assert report.flows[FLOW].changes["unknown"] == 2
    assert sink.creates == 5
    assert all(len(sink.by_reference(f"REF-{i}")) == 1 for i in range(5))
    assert store.counts()[FLOW] == {State.POSTED: 5}


class FollowedSink(MemorySink):
    """A sink with a follow-up after each write that took effect (as a source write-back)."""

    def __init__(self, *, fail_follow_ups: int = 0) -> None:
        super().__init__(natural_key="name")
        self.followed: list[str] = []
        self.fail_follow_ups = fail_follow_ups

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        written = super().create(reference, document)
        self.settled(written.target_id, reference, document)
        return written

    def settled(self, target_id: str, reference: str, document: Mapping[str, Any]) -> None:
        if self.fail_follow_ups:
            self.fail_follow_ups -= 1
            raise ConnectionError("the source refused the mark for now")
        self.followed.append(reference)


def test_a_write_settled_by_lookup_gets_its_follow_up_before_it_counts_as_posted(
    store: StateStore, clock: TickingClock
) -> None:
    sink = FollowedSink(fail_follow_ups=1)
    engine, source, _ = make(store, clock, sink=sink)
    seed(source, clock, 4)
    sink.unknown_next = 2  # both took effect, the answers were lost
    engine.run_once()
    # REF-0 and REF-1 took effect unanswered; REF-0's follow-up failed, so it stays posting
    assert sorted(sink.followed) == ["REF-1", "REF-2", "REF-3"]
    assert store.counts()[FLOW] == {State.POSTED: 3, State.POSTING: 1}
    engine.run_once()
    assert sorted(sink.followed) == ["REF-0", "REF-1", "REF-2", "REF-3"]
    assert sink.creates == 4, "settled, never sent twice"
    assert store.counts()[FLOW] == {State.POSTED: 4}


def test_a_write_lost_before_it_reached_the_target_is_posted_again(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    seed(source, clock, 4)
    sink.lost_next = 1
    engine.run_once()
    assert sink.creates == 4
    assert all(len(sink.by_reference(f"REF-{i}")) == 1 for i in range(4))
    assert store.counts()[FLOW] == {State.POSTED: 4}


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause catches it."""


class DyingSink(MemorySink):
    """Dies on the n-th create, before or after the create took effect in the target."""

    def __init__(self, die_at: int, after_commit: bool) -> None:
        super().__init__(natural_key="name")
        self.die_at = die_at
        self.after_commit = after_commit
        self.calls = 0

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        self.calls += 1
        if self.calls == self.die_at and not self.after_commit:
            raise Killed
        written = super().create(reference, document)
        if self.calls == self.die_at:
            raise Killed
        return written


@pytest.mark.parametrize("after_commit", [False, True])
@pytest.mark.parametrize("die_at", [1, 4, 9])
def test_killed_mid_post_and_restarted_posts_each_record_exactly_once(
    store: StateStore, clock: TickingClock, die_at: int, after_commit: bool
) -> None:
    sink = DyingSink(die_at, after_commit)
    engine, source, _ = make(store, clock, sink=sink)
    seed(source, clock, 10)
    with pytest.raises(Killed):
        engine.run_once()
    clock.advance(minutes=5)  # the dead worker's lease runs out
    restarted, _, _ = make(store, clock, source=source, sink=sink, worker="w2")
    assert restarted.run_once().exit_code == 0
    assert all(len(sink.by_reference(f"REF-{i}")) == 1 for i in range(10))
    assert len(sink.documents) == 10
    assert store.counts()[FLOW] == {State.POSTED: 10}
    killed = store.audit(source_key=f"mem:main:{die_at - 1}")
    assert [e.event for e in killed][:2] == [Event.EXTRACTED, Event.POSTING]


def test_an_existing_target_document_is_linked_by_natural_key_not_duplicated(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    existing = sink.add_existing({"name": "thing 0", "amount": "0.10"})
    sink.add_existing({"name": "thing 1"}, reference="linked to something else")
    seed(source, clock, 2)
    engine.run_once()
    assert len(sink.documents) == 3
    assert sink.documents[existing].reference == "REF-0"
    assert len(sink.by_reference("REF-1")) == 1
    assert store.load(FLOW, ["mem:main:0"])["mem:main:0"].target_id == existing


def test_two_matching_target_documents_are_held_for_a_person(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    sink.add_existing({"name": "a"}, reference="REF-0")
    sink.add_existing({"name": "b"}, reference="REF-0")
    seed(source, clock, 2)
    report = engine.run_once()
    row = store.load(FLOW, ["mem:main:0"])["mem:main:0"]
    assert row.state == State.HELD
    assert row.reason is not None
    assert "T1" in row.reason
    assert "T2" in row.reason
    assert [e.kind for e in report.flows[FLOW].exceptions] == ["held"]
    assert sink.creates == 1
    audited = len(store.audit(source_key="mem:main:0"))
    clock.advance(days=3)
    again = engine.run_once()
    assert len(store.audit(source_key="mem:main:0")) == audited  # the hold still stands
    assert [e.kind for e in again.flows[FLOW].exceptions] == ["stuck"]


def test_holds_are_released_once_their_dependency_exists_and_stale_ones_are_stuck(
    store: StateStore, clock: TickingClock
) -> None:
    mappings: dict[str, dict[str, str]] = {"ready": {}}
    engine, source, sink = make(store, clock, mappings=mappings)
    source.put("1", {"name": "x", "needs": "receipt 7"}, modified_at=clock())
    first = engine.run_once()
    assert first.flows[FLOW].counts == {State.HELD: 1}
    (held,) = first.flows[FLOW].exceptions
    assert (held.kind, held.waits_on) == ("held", "receipt 7")
    clock.advance(days=3)
    assert [e.kind for e in engine.exceptions()] == ["stuck"]
    again = engine.run_once()
    assert again.flows[FLOW].changes.get("held", 0) == 0  # re-checked, no new audit row
    mappings["ready"]["receipt 7"] = "yes"
    released = engine.run_once()
    assert released.flows[FLOW].changes["released"] == 1
    assert sink.creates == 1
    events = [e.event for e in store.audit(source_key="mem:main:1")]
    assert events == [Event.EXTRACTED, Event.HELD, Event.RELEASED, Event.POSTING, Event.POSTED]


def test_skips_name_their_rule(store: StateStore, clock: TickingClock) -> None:
    engine, source, sink = make(store, clock)
    source.put("1", {"name": "x", "internal": True}, modified_at=clock())
    engine.run_once()
    row = store.load(FLOW, ["mem:main:1"])["mem:main:1"]
    assert (row.state, row.reason) == (State.SKIPPED, "internal records are not synced")
    assert sink.creates == 0


def test_bad_records_are_quarantined_with_the_field_and_replay_after_a_fix_posts_once(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    seed(source, clock, 3)
    source.put("bad", {"name": "  "}, modified_at=clock())
    source.put_rejected("raw", {"id": "raw", "name": 7}, field="name", reason="expected a string")
    report = engine.run_once()
    assert report.exit_code == 0
    assert report.flows[FLOW].counts == {State.POSTED: 3, State.QUARANTINED: 2}
    items = {e.source_id: e for e in report.flows[FLOW].exceptions}
    assert (items["bad"].field, items["raw"].field) == ("name", "name")
    assert items["raw"].reason == "expected a string"
    rejected_row = store.load(FLOW, ["mem:main:raw"])["mem:main:raw"]
    assert rejected_row.payload == {"$rejected": {"id": "raw", "name": 7}}
    # the source is fixed; the next extraction carries the good version
    source.put("bad", {"name": "fixed"}, modified_at=clock())
    source.put("raw", {"name": "decoded now"}, modified_at=clock())
    engine.run_once()
    assert store.counts()[FLOW] == {State.POSTED: 5}
    # replaying what is already in the target changes nothing
    result = replay(store, now=clock(), worker="w1", keys=["mem:main:bad"])
    assert result.queued == ()
    assert result.left == (("mem:main:bad", "already in the target"),)
    engine.run_once()
    assert sink.creates == 5


def test_a_mapping_fix_plus_replay_posts_a_quarantined_record(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    sink.refuse_next = 1
    seed(source, clock, 1)
    report = engine.run_once()
    assert report.exit_code == 1
    row = store.load(FLOW, ["mem:main:0"])["mem:main:0"]
    assert (row.state, row.next_retry_at, row.field) == (State.FAILED, None, "name")
    result = replay(store, now=clock(), worker="w1", states=[State.FAILED])
    assert [r.source_key for r in result.queued] == ["mem:main:0"]
    assert engine.run_once().exit_code == 0
    assert sink.creates == 1
    assert [e.event for e in store.audit(source_key="mem:main:0")][-3:] == [
        Event.REPLAYED,
        Event.POSTING,
        Event.POSTED,
    ]


def test_a_refusal_that_waits_on_a_person_holds_and_posts_once_the_target_agrees(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    sink.hold_next = 1
    seed(source, clock, 1)
    assert engine.run_once().exit_code == 0
    row = store.load(FLOW, ["mem:main:0"])["mem:main:0"]
    assert (row.state, row.waits_on) == (State.HELD, "a person (injected)")
    assert row.reason == "paid in the target (injected)"
    assert sink.creates == 0
    engine.run_once()
    assert store.load(FLOW, ["mem:main:0"])["mem:main:0"].state == State.POSTED
    assert sink.creates == 1


def test_transient_failures_back_off_then_post(store: StateStore, clock: TickingClock) -> None:
    engine, source, sink = make(store, clock, max_attempts=3)
    sink.fail_next = 2
    seed(source, clock, 1)
    assert engine.run_once().exit_code == 1
    row = store.load(FLOW, ["mem:main:0"])["mem:main:0"]
    assert row.state == State.FAILED
    assert row.next_retry_at is not None
    engine.run_once()  # not due yet: nothing is sent
    assert store.load(FLOW, ["mem:main:0"])["mem:main:0"].attempts == 1
    clock.advance(seconds=11)
    engine.run_once()
    second = store.load(FLOW, ["mem:main:0"])["mem:main:0"]
    assert (second.state, second.attempts) == (State.FAILED, 2)
    assert second.next_retry_at is not None
    assert second.next_retry_at - clock.at > dt.timedelta(seconds=15)  # doubled
    clock.advance(seconds=30)
    assert engine.run_once().exit_code == 0
    assert sink.creates == 1


def test_retries_stop_after_max_attempts(store: StateStore, clock: TickingClock) -> None:
    engine, source, sink = make(store, clock, max_attempts=2)
    sink.fail_next = 10
    seed(source, clock, 1)
    engine.run_once()
    clock.advance(minutes=5)
    engine.run_once()
    row = store.load(FLOW, ["mem:main:0"])["mem:main:0"]
    assert (row.state, row.attempts, row.next_retry_at) == (State.FAILED, 2, None)


def test_a_unit_held_by_another_worker_is_reported_busy(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    seed(source, clock, 2)
    assert store.acquire(Unit(FLOW, "main"), "other", now=clock(), ttl=dt.timedelta(minutes=5))
    report = engine.run_once()
    assert report.flows[FLOW].busy == ("main",)
    assert sink.creates == 0


def test_the_cursor_advances_and_lookback_rereads_without_reposting(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, sink = make(store, clock)
    seed(source, clock, 3)
    engine.run_once()
    watermark = store.cursor(Unit(FLOW, "main"))
    assert watermark is not None
    assert watermark == store.load(FLOW, ["mem:main:2"])["mem:main:2"].source_modified_at
    clock.advance(hours=1)
    engine.run_once()
    assert sink.creates == 3


def test_a_source_outage_stops_the_unit_with_an_unreachable_exit(
    store: StateStore, clock: TickingClock
) -> None:
    engine, source, _ = make(store, clock)
    source.fail_reads = 1
    report = engine.run_once()
    assert report.exit_code == 3
    assert report.flows[FLOW].errors[0].kind == "APITimeoutError"


@given(
    st.lists(
        st.one_of(
            st.fixed_dictionaries({"name": st.text(max_size=8)}),
            st.fixed_dictionaries({"name": st.integers() | st.none() | st.booleans()}),
            st.dictionaries(st.sampled_from(["amount", "other"]), st.text(max_size=3)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_generated_malformed_records_are_quarantined_and_the_rest_posted(
    payloads: list[dict[str, Any]],
) -> None:
    store, clock = MemoryStore(), TickingClock()
    engine, source, sink = make(store, clock)
    for i, payload in enumerate(payloads):
        source.put(str(i), payload, modified_at=clock())
    report = engine.run_once()
    good = [
        i
        for i, p in enumerate(payloads)
        if isinstance(p.get("name"), str) and p["name"].strip() and not p.get("needs")
    ]
    assert report.exit_code == 0
    counts = report.flows[FLOW].counts
    assert counts.get(State.POSTED, 0) + counts.get(State.QUARANTINED, 0) == len(payloads)
    posted = {r.source_id for r in store.rows(states=[State.POSTED])}
    assert posted == {str(i) for i in good}
    assert all(e.field == "name" for e in report.flows[FLOW].exceptions)
    assert len(sink.documents) == len(good)


def test_a_lease_left_by_a_dead_process_on_this_host_is_taken_over_at_once(
    store: StateStore, clock: TickingClock
) -> None:
    import socket
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_worker = f"{socket.gethostname()}:{gone.stdout.strip()}"
    engine, source, sink = make(store, clock)
    seed(source, clock, 3)
    assert store.acquire(Unit(FLOW, "main"), dead_worker, now=clock(), ttl=dt.timedelta(hours=1))
    report = engine.run_once()
    if store.single_host:
        assert report.flows[FLOW].busy == ()
        assert sink.creates == 3
    else:  # several machines: only expiry frees a lease, unless host names are unique
        assert report.flows[FLOW].busy == ("main",)
        assert sink.creates == 0
        opted = Engine(
            engine.flows, store, now=clock, options=EngineOptions(take_over_dead=True)
        ).run_once()
        assert opted.flows[FLOW].busy == ()
        assert sink.creates == 3


def test_flow_tables_load_once_per_unit_run(store: StateStore, clock: TickingClock) -> None:
    loads: list[str] = []

    def load(partition: str) -> Mapping[str, Any]:
        loads.append(partition)
        return {"thing 1": "special"}

    def tagged(payload: Mapping[str, Any], ctx: Context) -> Verdict:
        return Post({"name": payload["name"], "tag": ctx.table("tags").get(payload["name"], "")})

    source, sink = MemorySource(), MemorySink()
    seed(source, clock, 3)
    flow = Flow(name=FLOW, source=source, sink=sink, transform=tagged, tables={"tags": load})
    Engine([flow], store, now=clock).run_once()
    assert loads == ["main"]
    assert sorted(d.document["tag"] for d in sink.documents.values()) == ["", "", "special"]


def test_refused_credentials_stop_the_unit_and_unsent_intents_go_back_to_pending(
    store: StateStore, clock: TickingClock
) -> None:
    from mlconnector_http import AuthError

    class RefusingSink(MemorySink):
        def create(self, reference: str, document: Mapping[str, Any]) -> Written:
            if self.creates == 1:
                raise AuthError("token revoked", status_code=401)
            return super().create(reference, document)

    engine, source, _ = make(store, clock, sink=RefusingSink(natural_key="name"))
    seed(source, clock, 5)
    report = engine.run_once()
    assert report.exit_code == 3
    assert report.flows[FLOW].counts == {State.POSTED: 1, State.FAILED: 1, State.PENDING: 3}
