"""The one contract every state backend keeps (each backend runs it via the ``store`` fixture)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mlconnector_sync import REVIEW_WAITS, Event, State, decide, in_review
from mlconnector_sync._audit import event_for
from mlconnector_sync._ledger import new_row, transition
from mlconnector_sync.state import (
    ConcurrentUpdate,
    InboxEvent,
    LeaseLost,
    RunRecord,
    StateStore,
    Unit,
)

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=60)
UNIT = Unit("flow_a", "acme")


def _row(key: str, *, payload: object = None, now: dt.datetime = T0):  # type: ignore[no-untyped-def]
    return new_row(
        flow=UNIT.flow,
        source_key=key,
        partition=UNIT.partition,
        source_id=key.rsplit(":", 1)[-1],
        payload=payload if payload is not None else {"amount": Decimal("10.05"), "key": key},
        now=now,
        source_modified_at=now,
    )


def test_lease_is_exclusive_until_it_expires_and_the_fence_grows(store: StateStore) -> None:
    first = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    assert first is not None
    assert store.acquire(UNIT, "w2", now=T0 + dt.timedelta(seconds=30), ttl=TTL) is None
    renewed = store.acquire(UNIT, "w1", now=T0 + dt.timedelta(seconds=30), ttl=TTL)
    assert renewed is not None
    assert renewed.fence == first.fence
    taken = store.acquire(UNIT, "w2", now=T0 + dt.timedelta(seconds=200), ttl=TTL)
    assert taken is not None
    assert taken.fence > first.fence


def test_a_worker_that_lost_its_lease_cannot_commit(store: StateStore) -> None:
    old = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    assert old is not None
    later = T0 + dt.timedelta(seconds=120)
    assert store.acquire(UNIT, "w2", now=later, ttl=TTL) is not None
    row = _row("k:1")
    with pytest.raises(LeaseLost):
        store.commit(old, [row], [], now=later)
    assert store.load(UNIT.flow, ["k:1"]) == {}


def test_commit_extends_the_lease(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    assert lease is not None
    store.commit(lease, [_row("k:1")], [], now=T0 + dt.timedelta(seconds=50))
    # 100 s after acquiring (beyond the first ttl) the lease still holds: the commit renewed it
    store.commit(lease, [_row("k:2")], [], now=T0 + dt.timedelta(seconds=100))
    assert store.acquire(UNIT, "w2", now=T0 + dt.timedelta(seconds=100), ttl=TTL) is None


def test_release_lets_another_worker_in_at_once(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    assert lease is not None
    store.release(lease)
    assert store.acquire(UNIT, "w2", now=T0, ttl=TTL) is not None


def test_rows_round_trip_with_money_and_times(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    row = _row("k:1", payload={"total": Decimal("1234.56"), "lines": [{"q": Decimal("0.001")}]})
    store.commit(lease, [row], [event_for(None, row, Event.EXTRACTED, worker="w1")], now=T0)
    loaded = store.load(UNIT.flow, ["k:1", "k:missing"])
    assert list(loaded) == ["k:1"]
    got = loaded["k:1"]
    assert got.version == 1
    assert got.payload == {"total": "1234.56", "lines": [{"q": "0.001"}]}
    assert got.content_hash == row.content_hash
    assert got.created_at == T0
    assert got.created_at.tzinfo is not None
    assert got.state == State.PENDING


def test_versions_refuse_a_stale_writer(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    store.commit(lease, [_row("k:1")], [], now=T0)
    stored = store.load(UNIT.flow, ["k:1"])["k:1"]
    first = transition(stored, Event.SKIPPED, now=T0, reason="rule one")
    store.commit(lease, [first], [], now=T0)
    second = transition(stored, Event.HELD, now=T0, reason="stale", waits_on="x")
    with pytest.raises(ConcurrentUpdate):
        store.commit(lease, [second], [], now=T0)
    with pytest.raises(ConcurrentUpdate):
        store.commit(lease, [_row("k:1")], [], now=T0)
    assert store.load(UNIT.flow, ["k:1"])["k:1"].state == State.SKIPPED


def test_a_failed_commit_writes_nothing(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    store.commit(lease, [_row("k:1")], [], now=T0)
    fresh, stale = _row("k:2"), _row("k:1")
    with pytest.raises(ConcurrentUpdate):
        store.commit(
            lease, [fresh, stale], [event_for(None, fresh, Event.EXTRACTED, worker="w1")], now=T0
        )
    assert store.load(UNIT.flow, ["k:2"]) == {}
    assert store.audit(source_key="k:2") == []


def test_cursor_moves_only_with_a_lease_and_in_the_same_commit(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    assert store.cursor(UNIT) is None
    store.commit(lease, [_row("k:1")], [], now=T0, cursor=T0)
    assert store.cursor(UNIT) == T0
    store.commit(lease, [], [], now=T0)
    assert store.cursor(UNIT) == T0
    assert store.cursors() == {UNIT: T0}


def test_due_lists_what_needs_work_in_order(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    assert lease is not None
    rows = [_row(f"k:{i}", now=T0 + dt.timedelta(seconds=i)) for i in range(6)]
    store.commit(lease, rows, [], now=T0)
    stored = store.load(UNIT.flow, [r.source_key for r in rows])
    later = T0 + dt.timedelta(seconds=30)
    posting = {
        k: transition(stored[k], Event.POSTING, now=later, attempt_id="a")
        for k in ("k:2", "k:3", "k:4")
    }
    store.commit(lease, list(posting.values()), [], now=later)
    stored = store.load(UNIT.flow, [r.source_key for r in rows])
    moves = [
        transition(stored["k:0"], Event.SKIPPED, now=later, reason="rule"),
        transition(stored["k:1"], Event.HELD, now=later, reason="r", waits_on="w"),
        transition(stored["k:2"], Event.FAILED, now=later, reason="x", next_retry_at=later + TTL),
        transition(stored["k:3"], Event.FAILED, now=later, reason="x", next_retry_at=None),
    ]
    store.commit(lease, moves, [], now=later)
    assert store.due(lease, now=later) == ["k:5", "k:1", "k:4"]
    assert sorted(store.due(lease, now=later + 2 * TTL)) == ["k:1", "k:2", "k:4", "k:5"]
    other = store.acquire(Unit(UNIT.flow, "other"), "w1", now=T0, ttl=TTL)
    assert other is not None
    assert store.due(other, now=later) == []


def test_rows_filter_and_counts(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    store.commit(lease, [_row("k:1"), _row("k:2"), _row("k:3")], [], now=T0)
    k2 = store.load(UNIT.flow, ["k:2"])["k:2"]
    store.commit(lease, [transition(k2, Event.SKIPPED, now=T0, reason="r")], [], now=T0)
    assert [r.source_key for r in store.rows(states=[State.SKIPPED])] == ["k:2"]
    assert {r.source_key for r in store.rows(flow=UNIT.flow)} == {"k:1", "k:2", "k:3"}
    assert [r.source_key for r in store.rows(keys=["k:3"])] == ["k:3"]
    assert store.rows(flow="nope") == []
    assert store.counts() == {UNIT.flow: {State.PENDING: 2, State.SKIPPED: 1}}


def test_audit_is_ordered_filtered_and_pruned(store: StateStore) -> None:
    events = []
    for i in range(3):
        row = _row(f"k:{i}", now=T0 + dt.timedelta(days=i))
        events.append(event_for(None, row, Event.EXTRACTED, worker="w1", request="POST /x"))
        store.commit(None, [row], [events[-1]], now=T0 + dt.timedelta(days=i))
    assert store.audit() == events
    assert store.audit(source_key="k:1") == [events[1]]
    assert store.audit(since=T0 + dt.timedelta(days=1)) == events[1:]
    assert store.audit(until=T0 + dt.timedelta(days=1)) == events[:1]
    assert store.prune(audit_before=T0 + dt.timedelta(days=2), keep_runs=5) == 2
    assert store.audit() == events[2:]


def test_runs_keep_the_newest(store: StateStore) -> None:
    for i in range(4):
        at = T0 + dt.timedelta(hours=i)
        store.save_run(
            RunRecord(run_id=f"r{i}", worker="w", started_at=at, finished_at=at, report={"i": i})
        )
    assert [r.run_id for r in store.runs(limit=2)] == ["r3", "r2"]
    store.prune(audit_before=T0, keep_runs=2)
    assert [r.run_id for r in store.runs()] == ["r3", "r2"]
    assert store.runs()[0].report == {"i": 3}


def test_secrets_are_stored_as_given(store: StateStore) -> None:
    store.put_secret("qad/password", b"cipher-1", now=T0)
    store.put_secret("qad/password", b"cipher-2", now=T0)
    store.put_secret("procurify/client_secret", b"cipher-3", now=T0)
    assert store.get_secret("qad/password") == b"cipher-2"
    assert store.get_secret("missing") is None
    assert store.secret_names() == ["procurify/client_secret", "qad/password"]


def test_naive_times_are_refused_or_kept_aware(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    store.commit(lease, [_row("k:1")], [], now=T0)
    got = store.load(UNIT.flow, ["k:1"])["k:1"]
    assert got.updated_at.utcoffset() == dt.timedelta(0)


def test_a_named_dead_holder_is_taken_over_with_a_new_fence(store: StateStore) -> None:
    dead = store.acquire(UNIT, "host:1", now=T0, ttl=TTL)
    assert dead is not None
    assert store.acquire(UNIT, "host:2", now=T0, ttl=TTL, take_over="someone-else") is None
    holder = store.holder(UNIT)
    assert holder is not None
    assert (holder.worker, holder.fence) == ("host:1", dead.fence)
    taken = store.acquire(UNIT, "host:2", now=T0, ttl=TTL, take_over="host:1")
    assert taken is not None
    assert taken.fence > dead.fence
    with pytest.raises(LeaseLost):
        store.commit(dead, [_row("k:1")], [], now=T0)
    assert store.holder(Unit("flow_a", "never")) is None


def test_mappings_are_versioned_across_tables(store: StateStore) -> None:
    assert store.mapping("accounts") is None
    v1 = store.save_mapping("accounts", {"6100": "6100-00", "7000": "7000"}, now=T0)
    v2 = store.save_mapping("departments", {"Engineering": "CC100"}, now=T0)
    v3 = store.save_mapping("accounts", {"6100": "6110"}, now=T0 + TTL)
    assert v1 < v2 < v3
    assert store.mapping("accounts") == (v3, {"6100": "6110"})
    assert store.mapping("accounts", v1) == (v1, {"6100": "6100-00", "7000": "7000"})
    assert store.mapping("accounts", v2) is None
    assert store.mapping_versions("accounts") == [(v1, T0), (v3, T0 + TTL)]
    assert store.mapping_names() == ["accounts", "departments"]


def test_a_review_decision_is_kept_on_the_row_and_audited_with_who(store: StateStore) -> None:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    rows = [_row("k:1"), _row("k:2")]
    held = [
        transition(r, Event.HELD, now=T0, reason="awaiting review", waits_on=REVIEW_WAITS)
        for r in rows
    ]
    store.commit(lease, held, [event_for(None, r, Event.HELD, worker="w1") for r in held], now=T0)
    store.release(lease)
    assert [r.source_key for r in in_review(store)] == ["k:1", "k:2"]
    later = T0 + TTL
    accepted = decide(store, ["k:1"], accept=True, by="alice", now=later, note="checked")
    rejected = decide(store, ["k:2", "k:3"], accept=False, by="bob", now=later)
    assert [r.source_key for r in accepted.decided] == ["k:1"]
    assert rejected.left == (("k:3", "no such record"),)
    one, two = store.load(UNIT.flow, ["k:1", "k:2"]).values()
    assert one.state == State.PENDING
    assert one.accepted_hash == rows[0].content_hash
    assert two.state == State.SKIPPED
    assert two.accepted_hash is None
    assert two.reason == "rejected in review by bob"
    (event,) = [e for e in store.audit(source_key="k:1") if e.event == Event.ACCEPTED]
    assert (event.worker, event.at, event.reason) == (
        "review:alice",
        later,
        "accepted in review by alice: checked",
    )
    assert in_review(store) == []
    again = decide(store, ["k:1"], accept=True, by="alice", now=later)
    assert again.left == (("k:1", "is pending, not waiting in review"),)


def _event(
    key: str, *, partition: str = "p1", kind: str = "Requisitions", at: int = 0
) -> InboxEvent:
    return InboxEvent(
        key=key,
        source="procore:acme",
        kind=kind,
        partition=partition,
        record_id=key.rsplit("-", 1)[-1],
        event_type="update",
        received_at=T0 + dt.timedelta(seconds=at),
        payload={"id": key, "amount": "10.05"},
    )


def test_the_inbox_keeps_an_event_once_and_hands_out_pending_ones_oldest_first(
    store: StateStore,
) -> None:
    assert store.inbox_put(_event("e-2", at=2))
    assert store.inbox_put(_event("e-1", at=1))
    assert not store.inbox_put(_event("e-1", at=9)), "a duplicate key is not stored again"
    assert store.inbox_put(_event("e-3", partition="p2", at=3))
    assert store.inbox_put(_event("e-4", kind="Direct Costs", at=4))
    assert [e.key for e in store.inbox_pending("procore:acme")] == ["e-1", "e-2", "e-3", "e-4"]
    assert [e.key for e in store.inbox_pending("procore:acme", partition="p1")] == [
        "e-1",
        "e-2",
        "e-4",
    ]
    picked = store.inbox_pending("procore:acme", partition="p1", kinds=["Requisitions"], limit=1)
    assert picked == [_event("e-1", at=1)]
    assert picked[0].received_at.tzinfo is not None
    assert store.inbox_pending("procore:other") == []
    store.inbox_done(["e-1", "e-3"], now=T0 + TTL)
    assert [e.key for e in store.inbox_pending("procore:acme")] == ["e-2", "e-4"]
    assert not store.inbox_put(_event("e-1")), "a processed event's key stays known"
    store.prune(audit_before=T0 + 2 * TTL, keep_runs=10)
    assert store.inbox_put(_event("e-1")), "pruned once processed and old"
    assert not store.inbox_put(_event("e-2")), "a pending event is never pruned"
