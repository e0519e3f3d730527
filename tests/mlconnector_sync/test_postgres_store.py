"""What PostgresStore adds to the contract suite: claims, schema versions, secrets kept out of
reprs and errors, and the throwaway server itself."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import psycopg
import pytest

from mlconnector_sync import Event, State
from mlconnector_sync._audit import event_for
from mlconnector_sync._ledger import new_row, transition
from mlconnector_sync.state import ConcurrentUpdate, Lease, StateError, Unit, open_store
from mlconnector_sync.state.postgres import PostgresStore
from mlconnector_sync.state.postgres._schema import MIGRATIONS
from mlconnector_sync.testing.postgres import PostgresNotFound, TemporaryPostgres

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=60)
UNIT = Unit("flow_a", "acme")


@pytest.fixture
def pg(postgres_url: str) -> Any:
    store = PostgresStore(postgres_url)
    yield store
    store.close()


def _seed(store: PostgresStore, count: int) -> tuple[Lease, list[str]]:
    lease = store.acquire(UNIT, "w1", now=T0, ttl=TTL)
    assert lease is not None
    keys = [f"k:{i}" for i in range(count)]
    rows = [
        new_row(
            flow=UNIT.flow,
            source_key=key,
            partition=UNIT.partition,
            source_id=key,
            payload={"key": key},
            now=T0 + dt.timedelta(seconds=i),
            source_modified_at=T0,
        )
        for i, key in enumerate(keys)
    ]
    store.commit(lease, rows, [], now=T0)
    return lease, keys


def test_due_claims_until_commit_expiry_or_a_newer_fence(pg: PostgresStore) -> None:
    lease, keys = _seed(pg, 4)
    assert pg.due(lease, now=T0) == keys
    assert pg.due(lease, now=T0) == []  # claimed by the first call
    # a commit ends the claim of its row (here it stays due: held)
    row = pg.load(UNIT.flow, ["k:1"])["k:1"]
    pg.commit(lease, [transition(row, Event.HELD, now=T0, reason="r", waits_on="w")], [], now=T0)
    assert pg.due(lease, now=T0) == ["k:1"]
    # a worker that takes the unit over sees every claim of the old fence as void
    pg.release(lease)
    taker = pg.acquire(UNIT, "w2", now=T0, ttl=TTL)
    assert taker is not None
    assert taker.fence > lease.fence
    assert sorted(pg.due(taker, now=T0)) == sorted(keys)
    # and the old fence cannot take them back
    assert pg.due(lease, now=T0) == []
    # claims expire after the lease's ttl
    assert sorted(pg.due(taker, now=T0 + TTL)) == sorted(keys)


def test_the_claim_columns_are_not_part_of_a_row(pg: PostgresStore) -> None:
    lease, _ = _seed(pg, 1)
    pg.due(lease, now=T0)
    row = pg.load(UNIT.flow, ["k:0"])["k:0"]
    assert row.state == State.PENDING
    assert row.version == 1


def test_the_schema_is_versioned_and_a_newer_one_refused(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    PostgresStore(postgres_url).close()  # a second start finds it current
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        found = conn.execute("SELECT version FROM mlconnector.schema_version ORDER BY 1")
        assert [v for (v,) in found] == list(range(1, len(MIGRATIONS) + 1))
        conn.execute("INSERT INTO mlconnector.schema_version (version) VALUES (99)")
    with pytest.raises(StateError, match="newer than this mlconnector"):
        PostgresStore(postgres_url)


def test_schemas_keep_installations_apart(postgres_url: str) -> None:
    one = PostgresStore(postgres_url, schema="one")
    two = PostgresStore(postgres_url, schema="two")
    try:
        one.put_secret("s", b"x", now=T0)
        assert two.get_secret("s") is None
        assert one.get_secret("s") == b"x"
    finally:
        one.close()
        two.close()
    with pytest.raises(StateError, match="schema name"):
        PostgresStore(postgres_url, schema='x"; DROP TABLE y; --')


def test_open_store_takes_a_postgresql_url(postgres_url: str) -> None:
    store = open_store(postgres_url)
    try:
        assert isinstance(store, PostgresStore)
    finally:
        store.close()


def test_naive_times_are_refused(pg: PostgresStore) -> None:
    with pytest.raises(StateError, match="naive"):
        pg.acquire(UNIT, "w1", now=dt.datetime(2026, 12, 1, 9, 0), ttl=TTL)


def test_no_password_in_reprs_or_connection_errors(
    postgres_server: TemporaryPostgres, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE app LOGIN SUPERUSER PASSWORD 's3cr3t-pw'")
    url = postgres_url.replace("postgres@", "app:s3cr3t-pw@")
    store = PostgresStore(url)
    try:
        assert "s3cr3t" not in repr(store)
    finally:
        store.close()
    closed = url.replace(f":{postgres_server.port}/", ":1/")
    with pytest.raises(StateError, match="cannot connect") as failed:
        PostgresStore(closed)
    assert "s3cr3t" not in str(failed.value)
    assert failed.value.__cause__ is None
    with pytest.raises(StateError, match="malformed") as malformed:
        PostgresStore("postgresql://app:s3cr3t-pw@127.0.0.1:notaport/x?bogus=1")
    assert "s3cr3t" not in str(malformed.value)


def test_the_temporary_server_leaves_nothing_behind(tmp_path: Path) -> None:
    server = TemporaryPostgres()
    with server as url:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            address = conn.execute("SELECT inet_server_addr()::text").fetchone()
        assert address == ("127.0.0.1/32",)
        base = server._base
        assert base is not None
        assert base.exists()
    assert not base.exists()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with pytest.raises(PostgresNotFound, match="install"):
        TemporaryPostgres(bin_dir=tmp_path)


def test_a_big_commit_with_one_stale_row_writes_nothing(pg: PostgresStore) -> None:
    lease, keys = _seed(pg, 3)
    stored = pg.load(UNIT.flow, keys)
    fresh = [
        new_row(
            flow=UNIT.flow,
            source_key=f"new:{i}",
            partition=UNIT.partition,
            source_id=str(i),
            payload={"i": i},
            now=T0,
            source_modified_at=T0,
        )
        for i in range(20)
    ]
    moved = transition(stored["k:1"], Event.SKIPPED, now=T0, reason="rule")
    stale = attrs.evolve(moved, version=moved.version + 5)
    events = [event_for(None, row, Event.EXTRACTED, worker="w1") for row in fresh]
    with pytest.raises(ConcurrentUpdate, match="k:1"):
        pg.commit(lease, [*fresh[:10], stale, *fresh[10:]], events, now=T0)
    assert pg.load(UNIT.flow, [r.source_key for r in fresh]) == {}
    assert pg.audit() == []
    pg.commit(lease, [*fresh, moved], events, now=T0, cursor=T0)
    assert len(pg.load(UNIT.flow, [r.source_key for r in fresh])) == 20
    assert len(pg.audit()) == 20
    assert pg.cursor(UNIT) == T0


def test_threads_racing_for_a_unit_or_a_row_have_one_winner(pg: PostgresStore) -> None:
    lease, keys = _seed(pg, 1)
    pg.release(lease)
    barrier = threading.Barrier(6)

    def claim(worker: str) -> Lease | None:
        barrier.wait()
        return pg.acquire(UNIT, worker, now=T0, ttl=TTL)

    with ThreadPoolExecutor(6) as pool:
        leases = list(pool.map(claim, [f"w{i}" for i in range(6)]))
    winners = [held for held in leases if held is not None]
    assert len(winners) == 1
    holder = winners[0]
    row = pg.load(UNIT.flow, keys)["k:0"]
    barrier = threading.Barrier(6)

    def move(reason: str) -> str:
        barrier.wait()
        try:
            pg.commit(holder, [transition(row, Event.SKIPPED, now=T0, reason=reason)], [], now=T0)
        except ConcurrentUpdate:
            return "refused"
        return reason

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(move, [f"r{i}" for i in range(6)]))
    assert outcomes.count("refused") == 5
    (won,) = [o for o in outcomes if o != "refused"]
    assert pg.load(UNIT.flow, keys)["k:0"].reason == won


def test_taking_over_from_a_dead_holder_always_moves_the_fence(pg: PostgresStore) -> None:
    lease, keys = _seed(pg, 2)
    assert pg.due(lease, now=T0) == keys  # claimed by the process that then died
    # its successor, under the same worker name, takes the unexpired lease over
    successor = pg.acquire(UNIT, "w1", now=T0, ttl=TTL, take_over="w1")
    assert successor is not None
    assert successor.fence == lease.fence + 1
    assert pg.due(successor, now=T0) == keys  # the dead process's claims are void
    other = pg.acquire(UNIT, "w9", now=T0, ttl=TTL, take_over="w1")
    assert other is not None
    assert other.fence == successor.fence + 1
    holder = pg.holder(UNIT)
    assert holder is not None
    assert (holder.worker, holder.fence) == ("w9", other.fence)
