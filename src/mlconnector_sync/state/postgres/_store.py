"""The state store on PostgreSQL, for several workers on several machines.

Semantics are those of :class:`~mlconnector_sync.state.SQLiteStore` (the contract suite runs
on both); what PostgreSQL adds:

- **Leases and fencing.** :meth:`PostgresStore.acquire` is one ``INSERT ... ON CONFLICT DO
  UPDATE ... WHERE`` on the unit's lease row, so two workers racing for a unit serialise on
  that row and at most one gets it; the fence grows with every new claim. Every
  :meth:`~PostgresStore.commit` with a lease first takes the lease row with
  ``SELECT ... FOR UPDATE`` and checks worker, fence and expiry inside the transaction that
  writes: a takeover waits for a commit in flight, and a commit after a takeover raises
  :class:`~mlconnector_sync.state.LeaseLost` and writes nothing.
- **Claims.** :meth:`~PostgresStore.due` claims the due rows it returns (``FOR UPDATE SKIP
  LOCKED``, then marks them with the lease's fence until now + the lease's ttl): callers
  sharing one lease (threads or processes of one worker) get disjoint keys, and rows a
  commit is writing at that moment are skipped rather than waited for. A claim ends when its
  row is committed, when it expires, or at once for a newer fence (a worker that took the
  unit over sees everything).
- Times are ``timestamptz`` (read back in UTC), the payload is the codec's canonical JSON
  text, key columns use the "C" collation so every server sorts as the other backends do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import attrs
import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from mlconnector_sync._audit import AuditEvent
from mlconnector_sync._ledger import LedgerRow, State, canonical_json
from mlconnector_sync.state._base import (
    KEEP_CURSOR,
    ConcurrentUpdate,
    InboxEvent,
    Lease,
    LeaseLost,
    RunRecord,
    StateError,
    Unit,
)
from mlconnector_sync.state._codec import (
    AUDIT_COLUMNS,
    ROW_COLUMNS,
    audit_from_columns,
    audit_to_columns,
    row_from_columns,
    row_to_columns,
)
from mlconnector_sync.state.postgres._schema import (
    connect,
    describe,
    migrate,
    open_pool,
    quoted,
)

__all__ = ["PostgresStore"]

_PIPELINE_FROM = 4
_FOREVER_AGO = dt.datetime.min.replace(tzinfo=dt.UTC)
_ROW_SELECT = ", ".join(ROW_COLUMNS)
_DUE = (
    f"(state IN ('{State.PENDING.value}', '{State.HELD.value}', '{State.POSTING.value}') "
    f"OR (state = '{State.FAILED.value}' AND next_retry_at <= %(now)s))"
)


def _out(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise StateError(f"naive datetime {value!r}: every time must be timezone-aware")
    return value


def _in(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise StateError(f"expected a timestamptz, got {type(value).__name__}")
    return value.astimezone(dt.UTC)


class _SQL:
    """Every statement, with the schema's tables qualified."""

    def __init__(self, schema: str) -> None:
        s = quoted(schema)
        marks = ", ".join(["%s"] * len(ROW_COLUMNS))
        self.acquire = (
            f"INSERT INTO {s}.leases AS l (flow, partition, worker, fence, expires_at, "
            "ttl_seconds) VALUES (%(flow)s, %(partition)s, %(worker)s, 1, %(expires)s, %(ttl)s) "
            "ON CONFLICT (flow, partition) DO UPDATE SET worker = excluded.worker, "
            # a renewal keeps the fence; a new claim (expired, or taken over from a dead
            # holder, even one with this worker's name) gets the next one
            "fence = CASE WHEN l.worker = excluded.worker AND l.expires_at > %(now)s "
            "AND l.worker IS DISTINCT FROM %(take_over)s THEN l.fence ELSE l.fence + 1 END, "
            "expires_at = excluded.expires_at, ttl_seconds = excluded.ttl_seconds "
            "WHERE l.worker = excluded.worker OR l.expires_at <= %(now)s "
            "OR l.worker = %(take_over)s "
            "RETURNING fence"
        )
        self.holder = (
            f"SELECT worker, fence, expires_at FROM {s}.leases WHERE flow = %s AND partition = %s"
        )
        self.release = (
            f"UPDATE {s}.leases SET expires_at = %s "
            "WHERE flow = %s AND partition = %s AND worker = %s AND fence = %s"
        )
        # the lease check: the lease row locked (FOR UPDATE) only if it is still this worker's
        # fence and unexpired at `now`, and extended by its ttl, in one statement
        self.hold_lease = (
            f"WITH held AS (SELECT flow, partition, ttl_seconds FROM {s}.leases "
            "WHERE flow = %(flow)s AND partition = %(partition)s AND worker = %(worker)s "
            "AND fence = %(fence)s AND expires_at > %(now)s FOR UPDATE) "
            f"UPDATE {s}.leases AS l SET expires_at = "
            "%(now)s + make_interval(secs => held.ttl_seconds) FROM held "
            "WHERE l.flow = held.flow AND l.partition = held.partition RETURNING l.fence"
        )
        self.cursor = f"SELECT watermark FROM {s}.cursors WHERE flow = %s AND partition = %s"
        self.set_cursor = (
            f"INSERT INTO {s}.cursors (flow, partition, watermark) VALUES (%s, %s, %s) "
            "ON CONFLICT (flow, partition) DO UPDATE SET watermark = excluded.watermark"
        )
        self.load = (
            f"SELECT {_ROW_SELECT} FROM {s}.records WHERE flow = %s AND source_key = ANY(%s)"
        )
        self.insert_row = (
            f"INSERT INTO {s}.records ({_ROW_SELECT}) VALUES ({marks}) "
            "ON CONFLICT (flow, source_key) DO NOTHING RETURNING source_key"
        )
        self.update_row = (
            f"UPDATE {s}.records SET {', '.join(f'{c} = %s' for c in ROW_COLUMNS)}, "
            "claimed_fence = NULL, claimed_until = NULL "
            "WHERE flow = %s AND source_key = %s AND version = %s RETURNING source_key"
        )
        self.insert_audit = (
            f"INSERT INTO {s}.audit ({', '.join(AUDIT_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(AUDIT_COLUMNS))})"
        )
        self.due = (
            f"WITH picked AS (SELECT flow, source_key FROM {s}.records "
            f"WHERE flow = %(flow)s AND partition = %(partition)s AND {_DUE} "
            "AND (claimed_until IS NULL OR claimed_until <= %(now)s "
            "OR claimed_fence < %(fence)s) "
            "FOR UPDATE SKIP LOCKED) "
            f"UPDATE {s}.records AS r SET claimed_fence = %(fence)s, "
            "claimed_until = %(now)s + make_interval(secs => coalesce(("
            f"SELECT ttl_seconds FROM {s}.leases "
            "WHERE flow = %(flow)s AND partition = %(partition)s), 0)) "
            "FROM picked WHERE r.flow = picked.flow AND r.source_key = picked.source_key "
            "RETURNING r.source_key, r.updated_at"
        )
        self.rows = f"SELECT {_ROW_SELECT} FROM {s}.records"
        self.counts = f"SELECT flow, state, count(*) FROM {s}.records GROUP BY flow, state"
        self.cursors = f"SELECT flow, partition, watermark FROM {s}.cursors"
        self.audit = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM {s}.audit"
        self.save_run = (
            f"INSERT INTO {s}.runs (run_id, worker, started_at, finished_at, report) "
            "VALUES (%s, %s, %s, %s, %s)"
        )
        self.runs = (
            f"SELECT run_id, worker, started_at, finished_at, report FROM {s}.runs "
            "ORDER BY started_at DESC, run_id DESC LIMIT %s"
        )
        self.prune_audit = f"DELETE FROM {s}.audit WHERE at < %s"
        self.prune_inbox = f"DELETE FROM {s}.inbox WHERE processed_at < %s"
        self.prune_runs = (
            f"DELETE FROM {s}.runs WHERE run_id NOT IN (SELECT run_id FROM {s}.runs "
            "ORDER BY started_at DESC, run_id DESC LIMIT %s)"
        )
        self.put_secret = (
            f"INSERT INTO {s}.secrets (name, ciphertext, updated_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, "
            "updated_at = excluded.updated_at"
        )
        self.get_secret = f"SELECT ciphertext FROM {s}.secrets WHERE name = %s"
        self.secret_names = f"SELECT name FROM {s}.secrets ORDER BY name"
        self.save_mapping = (
            f"INSERT INTO {s}.mappings (name, entries, created_at) VALUES (%s, %s, %s) "
            "RETURNING version"
        )
        self.mapping = (
            f"SELECT version, entries FROM {s}.mappings WHERE name = %s "
            "AND (%s::bigint IS NULL OR version = %s::bigint) ORDER BY version DESC LIMIT 1"
        )
        self.mapping_versions = (
            f"SELECT version, created_at FROM {s}.mappings WHERE name = %s ORDER BY version"
        )
        self.mapping_names = f"SELECT DISTINCT name FROM {s}.mappings ORDER BY name"
        self.inbox_put = (
            f"INSERT INTO {s}.inbox (key, source, kind, partition, record_id, event_type, "
            "received_at, payload) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (key) DO NOTHING"
        )
        self.inbox_pending = (
            f"SELECT * FROM {s}.inbox WHERE source = %s AND processed_at IS NULL "
            "AND (%s::text IS NULL OR partition = %s) "
            "AND (%s::text[] IS NULL OR kind = ANY(%s)) "
            "ORDER BY received_at, key LIMIT %s"
        )
        self.inbox_done = (
            f"UPDATE {s}.inbox SET processed_at = %s WHERE key = ANY(%s) AND processed_at IS NULL"
        )


class PostgresStore:
    """State in one PostgreSQL schema; safe for threads, processes and machines.

    Args:
        url: a libpq URL, ``postgresql://user:password@host:port/database`` (its password
            never appears in a repr, log line or exception of this store).
        schema: the PostgreSQL schema holding the tables; created and migrated on start.
        pool_size: most connections this store opens at once (a ``psycopg_pool`` pool).

    Every method is one transaction (or one statement); see the module docstring for how
    leases, fencing and claims work.
    """

    def __init__(self, url: str, *, schema: str = "mlconnector", pool_size: int = 4) -> None:
        self.schema = schema
        self._sql = _SQL(schema)
        self._where = describe(url)
        with connect(url, what="state store") as conn:
            migrate(conn, schema)
        self._pool = open_pool(url, size=pool_size, name=f"mlconnector-state-{schema}")

    def __repr__(self) -> str:
        return f"PostgresStore({self._where!r}, schema={self.schema!r})"

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            yield cur

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Cursor[dict[str, Any]]]:
        with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            yield cur

    # -- leases ------------------------------------------------------------------------------

    single_host = False

    def acquire(
        self,
        unit: Unit,
        worker: str,
        *,
        now: dt.datetime,
        ttl: dt.timedelta,
        take_over: str | None = None,
    ) -> Lease | None:
        expires = _out(now) + ttl
        with self._transaction() as cur:
            cur.execute(
                self._sql.acquire,
                {
                    "flow": unit.flow,
                    "partition": unit.partition,
                    "worker": worker,
                    "expires": expires,
                    "ttl": ttl.total_seconds(),
                    "now": now,
                    "take_over": take_over,
                },
            )
            row = cur.fetchone()
        if row is None:
            return None
        return Lease(unit, worker, int(row[0]), expires)

    def holder(self, unit: Unit) -> Lease | None:
        with self._reading() as cur:
            cur.execute(self._sql.holder, (unit.flow, unit.partition))
            row = cur.fetchone()
        if row is None:
            return None
        return Lease(unit, row["worker"], int(row["fence"]), _in(row["expires_at"]))

    def release(self, lease: Lease) -> None:
        unit = lease.unit
        with self._transaction() as cur:
            cur.execute(
                self._sql.release,
                (_FOREVER_AGO, unit.flow, unit.partition, lease.worker, lease.fence),
            )

    # -- ledger ------------------------------------------------------------------------------

    def cursor(self, unit: Unit) -> dt.datetime | None:
        with self._reading() as cur:
            cur.execute(self._sql.cursor, (unit.flow, unit.partition))
            row = cur.fetchone()
        return None if row is None or row["watermark"] is None else _in(row["watermark"])

    def load(self, flow: str, keys: Sequence[str]) -> dict[str, LedgerRow]:
        found: dict[str, LedgerRow] = {}
        if not keys:
            return found
        with self._reading() as cur:
            for start in range(0, len(keys), 5000):
                cur.execute(self._sql.load, (flow, list(keys[start : start + 5000])))
                for row in cur:
                    found[row["source_key"]] = row_from_columns(row, _in)
        return found

    def commit(
        self,
        lease: Lease | None,
        rows: Sequence[LedgerRow],
        events: Sequence[AuditEvent],
        *,
        now: dt.datetime,
        cursor: dt.datetime | None = KEEP_CURSOR,
    ) -> None:
        _out(now)
        try:
            with (
                self._pool.connection() as conn,
                self._batching(conn, len(rows) + len(events)),
                conn.transaction(),
            ):
                if lease is not None:
                    self._hold(conn, lease, now)
                writes = [(self._write(conn, row), row) for row in rows]
                audit = conn.cursor()
                for event in events:
                    audit.execute(self._sql.insert_audit, audit_to_columns(event, _out))
                if lease is not None and cursor is not KEEP_CURSOR:
                    conn.execute(
                        self._sql.set_cursor,
                        (
                            lease.unit.flow,
                            lease.unit.partition,
                            None if cursor is None else _out(cursor),
                        ),
                    )
                for written, row in writes:
                    if written.fetchone() is None:
                        failure = "was inserted" if row.version == 0 else "changed"
                        raise ConcurrentUpdate(f"{row.flow} {row.source_key} {failure} meanwhile")
        except psycopg.errors.DeadlockDetected:
            # two writers took the same rows in opposite orders; PostgreSQL rolled this one back
            raise ConcurrentUpdate(
                "rows changed meanwhile (deadlock with another writer)"
            ) from None

    @staticmethod
    def _batching(conn: psycopg.Connection[Any], statements: int) -> AbstractContextManager[Any]:
        """Pipeline mode for a big commit: the statements are queued (a cursor each, to read
        its own result) and sent together, no round trip per row. A small commit (one ledger
        move and its event, the common case) is faster without the pipeline's syncs."""
        return conn.pipeline() if statements > _PIPELINE_FROM else nullcontext()

    def _hold(self, conn: psycopg.Connection[Any], lease: Lease, now: dt.datetime) -> None:
        """Check and extend the lease inside the commit's transaction, or raise LeaseLost."""
        unit = lease.unit
        cur = conn.execute(
            self._sql.hold_lease,
            {
                "flow": unit.flow,
                "partition": unit.partition,
                "worker": lease.worker,
                "fence": lease.fence,
                "now": now,
            },
        )
        if cur.fetchone() is None:
            raise LeaseLost(f"lease on {unit} (fence {lease.fence}) is no longer held")

    def _write(self, conn: psycopg.Connection[Any], row: LedgerRow) -> psycopg.Cursor[Any]:
        """Queue the row's insert (version 0) or versioned update; its cursor returns the key
        if the row was written."""
        values = row_to_columns(attrs.evolve(row, version=row.version + 1), _out)
        if row.version == 0:
            return conn.execute(self._sql.insert_row, values)
        return conn.execute(self._sql.update_row, (*values, row.flow, row.source_key, row.version))

    def due(self, lease: Lease, *, now: dt.datetime) -> list[str]:
        unit = lease.unit
        with self._transaction() as cur:
            cur.execute(
                self._sql.due,
                {
                    "flow": unit.flow,
                    "partition": unit.partition,
                    "now": _out(now),
                    "fence": lease.fence,
                },
            )
            found = cur.fetchall()
        found.sort(key=lambda r: (r[1], r[0]))
        return [r[0] for r in found]

    def rows(
        self,
        *,
        flow: str | None = None,
        states: Sequence[State] | None = None,
        keys: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[LedgerRow]:
        where, args = ["TRUE"], list[Any]()
        if flow is not None:
            where.append("flow = %s")
            args.append(flow)
        if states is not None:
            where.append("state = ANY(%s)")
            args.append([State(s).value for s in states])
        if keys is not None:
            where.append("source_key = ANY(%s)")
            args.append(list(keys))
        sql = f"{self._sql.rows} WHERE {' AND '.join(where)} ORDER BY updated_at, flow, source_key"
        if limit is not None:
            sql += " LIMIT %s"
            args.append(max(int(limit), 0))
        with self._reading() as cur:
            cur.execute(sql, args)
            return [row_from_columns(row, _in) for row in cur]

    def counts(self) -> dict[str, dict[State, int]]:
        result: dict[str, dict[State, int]] = {}
        with self._pool.connection() as conn:
            for flow, state, count in conn.execute(self._sql.counts):
                result.setdefault(flow, {})[State(state)] = int(count)
        return result

    def cursors(self) -> dict[Unit, dt.datetime | None]:
        with self._pool.connection() as conn:
            found = conn.execute(self._sql.cursors).fetchall()
        return {Unit(f, p): None if w is None else _in(w) for f, p, w in found}

    # -- audit and runs ----------------------------------------------------------------------

    def audit(
        self,
        *,
        source_key: str | None = None,
        flow: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEvent]:
        where, args = ["TRUE"], list[Any]()
        for clause, value in (
            ("source_key = %s", source_key),
            ("flow = %s", flow),
            ("at >= %s", None if since is None else _out(since)),
            ("at < %s", None if until is None else _out(until)),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        sql = f"{self._sql.audit} WHERE {' AND '.join(where)} ORDER BY id"
        if limit is not None:
            sql += " LIMIT %s"
            args.append(max(int(limit), 0))
        with self._reading() as cur:
            cur.execute(sql, args)
            return [audit_from_columns(row, _in) for row in cur]

    def save_run(self, run: RunRecord) -> None:
        with self._transaction() as cur:
            cur.execute(
                self._sql.save_run,
                (
                    run.run_id,
                    run.worker,
                    _out(run.started_at),
                    _out(run.finished_at),
                    canonical_json(run.report),
                ),
            )

    def runs(self, limit: int = 20) -> list[RunRecord]:
        with self._reading() as cur:
            cur.execute(self._sql.runs, (max(int(limit), 0),))
            found = cur.fetchall()
        return [
            RunRecord(
                run_id=r["run_id"],
                worker=r["worker"],
                started_at=_in(r["started_at"]),
                finished_at=_in(r["finished_at"]),
                report=json.loads(r["report"]),
            )
            for r in found
        ]

    def prune(self, *, audit_before: dt.datetime, keep_runs: int) -> int:
        with self._transaction() as cur:
            cur.execute(self._sql.prune_audit, (_out(audit_before),))
            dropped = cur.rowcount
            cur.execute(self._sql.prune_runs, (max(keep_runs, 0),))
            dropped += cur.rowcount
            cur.execute(self._sql.prune_inbox, (_out(audit_before),))
            dropped += cur.rowcount
        return dropped

    # -- secrets -----------------------------------------------------------------------------

    def save_mapping(self, name: str, entries: Mapping[str, str], *, now: dt.datetime) -> int:
        with self._transaction() as cur:
            cur.execute(self._sql.save_mapping, (name, Jsonb(dict(entries)), _out(now)))
            row = cur.fetchone()
        assert row is not None
        return int(row[0] if not isinstance(row, dict) else row["version"])

    def mapping(self, name: str, version: int | None = None) -> tuple[int, dict[str, str]] | None:
        with self._reading() as cur:
            cur.execute(self._sql.mapping, (name, version, version))
            row = cur.fetchone()
        return None if row is None else (int(row["version"]), dict(row["entries"]))

    def mapping_versions(self, name: str) -> list[tuple[int, dt.datetime]]:
        with self._reading() as cur:
            cur.execute(self._sql.mapping_versions, (name,))
            return [(int(r["version"]), _in(r["created_at"])) for r in cur]

    def mapping_names(self) -> list[str]:
        with self._reading() as cur:
            cur.execute(self._sql.mapping_names)
            return [r["name"] for r in cur]

    def inbox_put(self, event: InboxEvent) -> bool:
        with self._transaction() as cur:
            cur.execute(
                self._sql.inbox_put,
                (
                    event.key,
                    event.source,
                    event.kind,
                    event.partition,
                    event.record_id,
                    event.event_type,
                    _out(event.received_at),
                    Jsonb(dict(event.payload)),
                ),
            )
            return cur.rowcount == 1

    def inbox_pending(
        self,
        source: str,
        *,
        partition: str | None = None,
        kinds: Sequence[str] | None = None,
        limit: int = 1000,
    ) -> list[InboxEvent]:
        chosen = None if kinds is None else list(kinds)
        with self._reading() as cur:
            cur.execute(
                self._sql.inbox_pending,
                (source, partition, partition, chosen, chosen, limit),
            )
            return [
                InboxEvent(
                    key=r["key"],
                    source=r["source"],
                    kind=r["kind"],
                    partition=r["partition"],
                    record_id=r["record_id"],
                    event_type=r["event_type"],
                    received_at=_in(r["received_at"]),
                    payload=dict(r["payload"]),
                )
                for r in cur
            ]

    def inbox_done(self, keys: Sequence[str], *, now: dt.datetime) -> None:
        with self._transaction() as cur:
            cur.execute(self._sql.inbox_done, (_out(now), list(keys)))

    def put_secret(self, name: str, ciphertext: bytes, *, now: dt.datetime) -> None:
        with self._transaction() as cur:
            cur.execute(self._sql.put_secret, (name, bytes(ciphertext), _out(now)))

    def get_secret(self, name: str) -> bytes | None:
        with self._pool.connection() as conn:
            row = conn.execute(self._sql.get_secret, (name,)).fetchone()
        return None if row is None else bytes(row[0])

    def secret_names(self) -> list[str]:
        with self._pool.connection() as conn:
            return [r[0] for r in conn.execute(self._sql.secret_names)]

    def close(self) -> None:
        self._pool.close()
