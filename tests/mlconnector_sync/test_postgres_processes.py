"""PostgreSQL backends under real concurrency: separate processes racing on one database.

Each child is a fresh ``python -W error -c SCRIPT`` that prints ``ready``, waits for ``go`` on
stdin (so the children start their race together) and prints one JSON line of results.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from typing import Any

import psycopg

from mlconnector_sync.state.postgres import PostgresStore
from mlconnector_sync.state.postgres._schema import MIGRATIONS

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

PRELUDE = """
import datetime as dt, json, sys, time
from decimal import Decimal
URL = sys.argv[1]
ARG = sys.argv[2] if len(sys.argv) > 2 else ""
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
def ready():
    print("ready", flush=True)
    line = sys.stdin.readline().strip()
    assert line == "go", line
def done(result):
    print(json.dumps(result), flush=True)
"""


def race(script: str, args: Sequence[Sequence[str]], *, timeout: float = 60.0) -> list[Any]:
    """Run one child per argument list, start them together, return each one's JSON result."""
    code = PRELUDE + textwrap.dedent(script)
    children = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-c", code, *child_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for child_args in args
    ]
    try:
        for child in children:
            assert child.stdout is not None
            line = child.stdout.readline()
            if line.strip() != "ready":
                _, err = child.communicate(timeout=timeout)
                raise AssertionError(f"child did not start: {line!r}\n{err}")
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        results = []
        for child in children:
            out, err = child.communicate(timeout=timeout)
            assert child.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()


# -- leases and fencing ---------------------------------------------------------------------

ACQUIRE_ROUNDS = """
from mlconnector_sync import Event
from mlconnector_sync._audit import event_for
from mlconnector_sync._ledger import new_row
from mlconnector_sync.state import LeaseLost, Unit
from mlconnector_sync.state.postgres import PostgresStore
store = PostgresStore(URL, pool_size=1)
unit, ttl, worker = Unit("flow_a", "acme"), dt.timedelta(seconds=60), ARG
ready()
grants, commits, lost = [], [], []
for i in range(40):
    now = T0 + i * 2 * ttl  # each round starts after the previous round's lease expired
    lease = store.acquire(unit, worker, now=now, ttl=ttl)
    if lease is None:
        continue
    grants.append([i, lease.fence])
    row = new_row(flow=unit.flow, source_key=f"k:{i}", partition=unit.partition,
                  source_id=str(i), payload={"fence": lease.fence, "worker": worker},
                  now=now, source_modified_at=now)
    event = event_for(None, row, Event.EXTRACTED, worker=worker, request=f"fence {lease.fence}")
    try:
        store.commit(lease, [row], [event], now=now)
        commits.append(i)
    except LeaseLost:
        lost.append(i)
store.close()
done({"grants": grants, "commits": commits, "lost": lost})
"""


def test_racing_processes_get_distinct_fences_and_only_the_holder_commits(
    postgres_url: str,
) -> None:
    results = race(ACQUIRE_ROUNDS, [[postgres_url, "w1"], [postgres_url, "w2"]])
    grants = [(round_, fence) for r in results for round_, fence in r["grants"]]
    fences = [fence for _, fence in grants]
    assert len(fences) == len(set(fences)), "a fence was handed out twice"
    rounds = [round_ for round_, _ in grants]
    assert len(rounds) == len(set(rounds)), "two workers held one round's lease"
    assert len(grants) == 40  # every round was granted to one of the two
    store = PostgresStore(postgres_url)
    try:
        committed = {k for r in results for k in r["commits"]}
        lost = {k for r in results for k in r["lost"]}
        rows = store.load("flow_a", [f"k:{i}" for i in range(40)])
        assert set(rows) == {f"k:{i}" for i in committed}
        assert not lost & committed
        # commits of one unit serialise on the lease row and the fence only grows, so the
        # fences in commit order (audit order) never go down
        written = [int(e.request.split()[1]) for e in store.audit() if e.request]
        assert written == sorted(written)
        assert len(written) == len(committed)
    finally:
        store.close()


TAKEOVER = """
from mlconnector_sync._ledger import new_row
from mlconnector_sync.state import LeaseLost, Unit
from mlconnector_sync.state.postgres import PostgresStore
store = PostgresStore(URL, pool_size=1)
unit, ttl = Unit("flow_a", "acme"), dt.timedelta(seconds=60)
ready()
first = store.acquire(unit, ARG, now=T0, ttl=ttl)
print(json.dumps({"first": None if first is None else first.fence}), flush=True)
step = sys.stdin.readline().strip()
later = T0 + dt.timedelta(seconds=120)
row = new_row(flow=unit.flow, source_key="k:" + ARG, partition=unit.partition, source_id=ARG,
              payload={"by": ARG}, now=later, source_modified_at=later)
if step == "take over":
    lease = store.acquire(unit, ARG, now=later, ttl=ttl)
    store.commit(lease, [row], [], now=later)
    done({"fence": lease.fence, "committed": True})
else:
    sys.stdin.readline()  # wait until the other one took over
    try:
        store.commit(first, [row], [], now=later)
        done({"fence": first.fence, "committed": True})
    except LeaseLost:
        done({"fence": first.fence, "committed": False})
store.close()
"""


def test_a_worker_whose_lease_was_taken_over_by_another_process_cannot_commit(
    postgres_url: str,
) -> None:
    code = PRELUDE + textwrap.dedent(TAKEOVER)
    children = {
        name: subprocess.Popen(
            [sys.executable, "-W", "error", "-c", code, postgres_url, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("w1", "w2")
    }
    try:
        for child in children.values():
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children.values():
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        firsts = {}
        for name, child in children.items():
            assert child.stdout is not None
            firsts[name] = json.loads(child.stdout.readline())["first"]
        assert sorted(firsts.values(), key=str) == [1, None]  # exactly one got the unit
        holder = next(name for name, fence in firsts.items() if fence is not None)
        other = next(name for name in children if name != holder)
        # the other process takes the expired unit over, then the old holder tries to commit
        assert children[other].stdin is not None
        assert children[holder].stdin is not None
        children[holder].stdin.write("commit\n")
        children[holder].stdin.flush()
        children[other].stdin.write("take over\n")
        children[other].stdin.flush()
        out, err = children[other].communicate(timeout=30)
        assert children[other].returncode == 0, err
        taker = json.loads(out.strip().splitlines()[-1])
        out, err = children[holder].communicate("\n", timeout=30)
        assert children[holder].returncode == 0, err
        old = json.loads(out.strip().splitlines()[-1])
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
    assert taker == {"fence": 2, "committed": True}
    assert old == {"fence": 1, "committed": False}
    store = PostgresStore(postgres_url)
    try:
        assert list(store.load("flow_a", [f"k:{holder}", f"k:{other}"])) == [f"k:{other}"]
    finally:
        store.close()


# -- claims -------------------------------------------------------------------------------

CLAIM = """
from mlconnector_sync.state import Lease, Unit
from mlconnector_sync.state.postgres import PostgresStore
store = PostgresStore(URL, pool_size=1)
fence = int(ARG)
lease = Lease(Unit("flow_a", "acme"), "w1", fence, T0 + dt.timedelta(seconds=60))
ready()
keys = store.due(lease, now=T0)
store.close()
done(keys)
"""


def _seed(store: PostgresStore, count: int) -> tuple[Any, list[str]]:
    from mlconnector_sync._ledger import new_row
    from mlconnector_sync.state import Unit

    unit = Unit("flow_a", "acme")
    lease = store.acquire(unit, "w1", now=T0, ttl=dt.timedelta(seconds=60))
    assert lease is not None
    keys = [f"k:{i:05d}" for i in range(count)]
    rows = [
        new_row(
            flow=unit.flow,
            source_key=key,
            partition=unit.partition,
            source_id=key,
            payload={"i": key},
            now=T0,
            source_modified_at=T0,
        )
        for key in keys
    ]
    for start in range(0, count, 1000):
        store.commit(lease, rows[start : start + 1000], [], now=T0)
    return lease, keys


def test_two_processes_claiming_due_rows_at_once_get_each_key_once(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    try:
        lease, keys = _seed(store, 6000)
        claims = race(CLAIM, [[postgres_url, str(lease.fence)]] * 2)
        first, second = (set(c) for c in claims)
        assert not first & second, "a key was handed to both claimers"
        assert first | second == set(keys)
        for claim in claims:
            assert claim == sorted(claim)  # each list is still in order (same updated_at)
        assert store.due(lease, now=T0) == []  # everything is claimed until the claims expire
        assert len(store.due(lease, now=T0 + dt.timedelta(seconds=61))) == len(keys)
    finally:
        store.close()


def test_due_skips_rows_another_transaction_has_locked_instead_of_waiting(
    postgres_url: str,
) -> None:
    store = PostgresStore(postgres_url)
    try:
        lease, keys = _seed(store, 20)
        with psycopg.connect(postgres_url) as other:  # a claimer in the middle of its claim
            other.execute(
                "SELECT 1 FROM mlconnector.records WHERE source_key = ANY(%s) FOR UPDATE",
                (keys[:5],),
            )
            got: list[list[str]] = []
            thread = threading.Thread(target=lambda: got.append(store.due(lease, now=T0)))
            thread.start()
            thread.join(timeout=10)
            assert not thread.is_alive(), "due waited for the locked rows"
            other.rollback()
        assert got == [keys[5:]]
        # the skipped rows were never claimed: the next call hands them out
        assert store.due(lease, now=T0) == keys[:5]
    finally:
        store.close()


# -- migrations -----------------------------------------------------------------------------

START = """
from mlconnector_sync.state.postgres import PostgresBudget, PostgresStore, PostgresTokenStore
kind = {"store": PostgresStore, "budget": PostgresBudget, "tokens": PostgresTokenStore}[ARG]
ready()
kind(URL).close()
done("ok")
"""


def test_processes_starting_at_once_migrate_the_schema_once(postgres_url: str) -> None:
    kinds = ["store", "budget", "tokens", "store"]
    assert race(START, [[postgres_url, kind] for kind in kinds]) == ["ok"] * 4
    with psycopg.connect(postgres_url) as conn:
        versions = conn.execute(
            "SELECT version FROM mlconnector.schema_version ORDER BY version"
        ).fetchall()
    assert [v for (v,) in versions] == list(range(1, len(MIGRATIONS) + 1))


# -- the shared budget ----------------------------------------------------------------------

BUDGET = """
from mlconnector_http import SystemClock, Window
from mlconnector_sync.state.postgres import PostgresBudget
clock = SystemClock()
budget = PostgresBudget(URL, [Window(10, 1.0), Window(25, 5.0)], clock=clock, pool_size=1)
ready()
waits = [budget.reserve("procore-app") for _ in range(30)]
budget.close()
done(waits)
"""


def test_four_processes_on_one_budget_never_exceed_a_window(postgres_url: str) -> None:
    waits = list(itertools.chain.from_iterable(race(BUDGET, [[postgres_url]] * 4)))
    assert len(waits) == 120
    assert max(waits) > 15  # the later reservations were told to wait their turn
    # every reserved slot time is still in the table (only slots older than the longest
    # window are pruned, and these are all recent or ahead)
    with psycopg.connect(postgres_url) as conn:
        found = conn.execute("SELECT at FROM mlconnector.budget_slots ORDER BY at").fetchall()
    slots = [at for (at,) in found]
    assert len(slots) == 120
    for limit, seconds in ((10, 1.0), (25, 5.0)):
        for i, start in enumerate(slots):
            inside = sum(1 for s in slots[i:] if s < start + seconds - 1e-6)
            assert inside <= limit, f"{inside} reservations in {seconds}s from {start}"
    # and the budget was not wasted: 120 requests at 25 per 5 s fit in a little over 20 s
    assert slots[-1] - slots[0] < 25


# -- the token store's lock -----------------------------------------------------------------

HOLD = """
from mlconnector_sync.state.postgres import PostgresTokenStore
store = PostgresTokenStore(URL, pool_size=1)
ready()
with store.lock("qad-credential"):
    entered = time.time()
    time.sleep(float(ARG))
    left = time.time()
store.close()
done([entered, left])
"""


def test_the_token_lock_serialises_two_processes(postgres_url: str) -> None:
    spans = race(HOLD, [[postgres_url, "0.6"], [postgres_url, "0.6"]])
    (a_in, a_out), (b_in, _) = sorted(spans)
    assert a_out <= b_in, "both processes held the lock at once"
    assert b_in - a_in >= 0.55  # the second one waited for the first


REFRESH = """
import os
from mlconnector_http import Secret, Token, TokenManager
from mlconnector_sync.state.postgres import PostgresTokenStore

class Provider:
    key = "qad-credential"
    def token_flow(self, current, now):
        # a single-use refresh: each one is logged to a file, and takes a while
        with open(ARG, "a") as log:
            log.write(f"{os.getpid()}\\n")
        time.sleep(0.3)
        return Token(access_token=Secret(f"token-{os.getpid()}"), expires_at=now + 3600)
        yield

def run(flow):
    try:
        next(flow)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the flow sent a request")

store = PostgresTokenStore(URL, pool_size=1)
manager = TokenManager(Provider(), store=store, leeway=0)
ready()
token = manager.authorize(run)
store.close()
done(token)
"""


def test_three_processes_refresh_an_expired_token_exactly_once(
    postgres_url: str, tmp_path: Any
) -> None:
    log = tmp_path / "refreshes"
    log.touch()
    tokens = race(REFRESH, [[postgres_url, str(log)]] * 3)
    refreshed = log.read_text().split()
    assert len(refreshed) == 1
    assert tokens == [f"token-{refreshed[0]}"] * 3


def test_children_really_run_at_once() -> None:
    """The race helper's barrier: children started together overlap in time."""
    script = "ready()\nstart = time.time()\ntime.sleep(0.4)\ndone([start, time.time()])\n"
    started = time.monotonic()
    spans = race(script, [["-"], ["-"]])
    assert max(s for s, _ in spans) < min(e for _, e in spans)
    assert time.monotonic() - started < 10
