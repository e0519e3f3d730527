"""The embedded default: one SQLite file in WAL mode, zero setup.

Every :meth:`SQLiteStore.commit` is one ``BEGIN IMMEDIATE`` transaction, so the lease check
and the writes it guards cannot interleave with another process's. Times are stored as UTC
ISO-8601 text with microseconds, which sorts as time does.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

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

__all__ = ["SQLiteStore"]

_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE records (
        flow TEXT NOT NULL, source_key TEXT NOT NULL, partition TEXT NOT NULL,
        source_id TEXT NOT NULL, state TEXT NOT NULL, payload TEXT NOT NULL,
        content_hash TEXT NOT NULL, version INTEGER NOT NULL, source_modified_at TEXT,
        posted_hash TEXT, target_id TEXT, request_id TEXT, reason TEXT, waits_on TEXT,
        field TEXT, attempts INTEGER NOT NULL, attempt_id TEXT, intent_hash TEXT,
        next_retry_at TEXT,
        held_since TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (flow, source_key)
    );
    CREATE INDEX records_due ON records (flow, partition, state, updated_at);
    CREATE INDEX records_state ON records (state, updated_at);
    CREATE TABLE leases (
        flow TEXT NOT NULL, partition TEXT NOT NULL, worker TEXT NOT NULL,
        fence INTEGER NOT NULL, expires_at TEXT NOT NULL, ttl_seconds REAL NOT NULL,
        PRIMARY KEY (flow, partition)
    );
    CREATE TABLE cursors (
        flow TEXT NOT NULL, partition TEXT NOT NULL, watermark TEXT,
        PRIMARY KEY (flow, partition)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, flow TEXT NOT NULL,
        source_key TEXT NOT NULL, event TEXT NOT NULL, state_from TEXT, state_to TEXT NOT NULL,
        worker TEXT NOT NULL, attempt TEXT, reason TEXT, request TEXT, request_id TEXT,
        target_id TEXT, mapping_version INTEGER
    );
    CREATE INDEX audit_record ON audit (source_key, id);
    CREATE INDEX audit_at ON audit (at);
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY, worker TEXT NOT NULL, started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL, report TEXT NOT NULL
    );
    CREATE TABLE secrets (
        name TEXT PRIMARY KEY, ciphertext BLOB NOT NULL, updated_at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE mappings (
        version INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, entries TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX mappings_name ON mappings (name, version);
    """,
    """
    ALTER TABLE records ADD COLUMN accepted_hash TEXT;
    """,
    """
    CREATE TABLE inbox (
        key TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL,
        partition TEXT NOT NULL, record_id TEXT NOT NULL, event_type TEXT NOT NULL,
        received_at TEXT NOT NULL, payload TEXT NOT NULL, processed_at TEXT
    );
    CREATE INDEX inbox_pending ON inbox (source, processed_at, received_at, key);
    """,
)

_DUE_STATES = (State.PENDING.value, State.HELD.value, State.POSTING.value)


def _out(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise StateError(f"naive datetime {value!r}: every time must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _in(value: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class SQLiteStore:
    """State in one SQLite file; safe for threads of one process and for several processes."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT max(version) FROM schema_version").fetchone()
            current = row[0] or 0
            if current > len(_MIGRATIONS):
                raise StateError(
                    f"{self.path} has schema version {current}, newer than this mlconnector "
                    f"({len(_MIGRATIONS)}): upgrade mlconnector"
                )
            for number, script in enumerate(_MIGRATIONS[current:], start=current + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))

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
        with self._transaction() as db:
            held = db.execute(
                "SELECT worker, fence, expires_at FROM leases WHERE flow = ? AND partition = ?",
                (unit.flow, unit.partition),
            ).fetchone()
            live = (
                held is not None
                and _in(held["expires_at"]) > now
                and (take_over is None or held["worker"] != take_over)
            )
            if live and held["worker"] != worker:
                return None
            fence = held["fence"] if live else (held["fence"] if held else 0) + 1
            expires = now + ttl
            db.execute(
                "INSERT INTO leases (flow, partition, worker, fence, expires_at, ttl_seconds) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (flow, partition) DO UPDATE SET "
                "worker = excluded.worker, fence = excluded.fence, "
                "expires_at = excluded.expires_at, ttl_seconds = excluded.ttl_seconds",
                (unit.flow, unit.partition, worker, fence, _out(expires), ttl.total_seconds()),
            )
            return Lease(unit, worker, fence, expires)

    def holder(self, unit: Unit) -> Lease | None:
        with self._lock:
            held = self._db.execute(
                "SELECT worker, fence, expires_at FROM leases WHERE flow = ? AND partition = ?",
                (unit.flow, unit.partition),
            ).fetchone()
        if held is None:
            return None
        return Lease(unit, held["worker"], held["fence"], _in(held["expires_at"]))

    def release(self, lease: Lease) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE leases SET expires_at = ? WHERE flow = ? AND partition = ? "
                "AND worker = ? AND fence = ?",
                (
                    _out(dt.datetime.min.replace(tzinfo=dt.UTC)),
                    lease.unit.flow,
                    lease.unit.partition,
                    lease.worker,
                    lease.fence,
                ),
            )

    def cursor(self, unit: Unit) -> dt.datetime | None:
        with self._lock:
            row = self._db.execute(
                "SELECT watermark FROM cursors WHERE flow = ? AND partition = ?",
                (unit.flow, unit.partition),
            ).fetchone()
        return None if row is None or row[0] is None else _in(row[0])

    def load(self, flow: str, keys: Sequence[str]) -> dict[str, LedgerRow]:
        found: dict[str, LedgerRow] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    f"SELECT * FROM records WHERE flow = ? AND source_key IN ({marks})",
                    (flow, *chunk),
                ):
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
        with self._transaction() as db:
            if lease is not None:
                self._check_lease(db, lease, now)
            for row in rows:
                values = row_to_columns(attrs.evolve(row, version=row.version + 1), _out)
                if row.version == 0:
                    try:
                        db.execute(_INSERT_ROW, values)
                    except sqlite3.IntegrityError:
                        raise ConcurrentUpdate(
                            f"{row.flow} {row.source_key} was inserted meanwhile"
                        ) from None
                    continue
                changed = db.execute(
                    _UPDATE_ROW, (*values, row.flow, row.source_key, row.version)
                ).rowcount
                if changed != 1:
                    raise ConcurrentUpdate(f"{row.flow} {row.source_key} changed meanwhile")
            db.executemany(_INSERT_AUDIT, [audit_to_columns(e, _out) for e in events])
            if lease is not None and cursor is not KEEP_CURSOR:
                db.execute(
                    "INSERT INTO cursors (flow, partition, watermark) VALUES (?, ?, ?) "
                    "ON CONFLICT (flow, partition) DO UPDATE SET watermark = excluded.watermark",
                    (
                        lease.unit.flow,
                        lease.unit.partition,
                        None if cursor is None else _out(cursor),
                    ),
                )

    def _check_lease(self, db: sqlite3.Connection, lease: Lease, now: dt.datetime) -> None:
        held = db.execute(
            "SELECT worker, fence, expires_at, ttl_seconds FROM leases "
            "WHERE flow = ? AND partition = ?",
            (lease.unit.flow, lease.unit.partition),
        ).fetchone()
        if (
            held is None
            or held["worker"] != lease.worker
            or held["fence"] != lease.fence
            or _in(held["expires_at"]) <= now
        ):
            raise LeaseLost(f"lease on {lease.unit} (fence {lease.fence}) is no longer held")
        ttl = dt.timedelta(seconds=held["ttl_seconds"])
        if _in(held["expires_at"]) - now < ttl / 2:  # renew only once half the ttl is spent
            db.execute(
                "UPDATE leases SET expires_at = ? WHERE flow = ? AND partition = ?",
                (_out(now + ttl), lease.unit.flow, lease.unit.partition),
            )

    def due(self, lease: Lease, *, now: dt.datetime) -> list[str]:
        with self._lock:
            found = self._db.execute(
                "SELECT source_key FROM records WHERE flow = ? AND partition = ? AND "
                "(state IN (?, ?, ?) OR (state = ? AND next_retry_at <= ?)) "
                "ORDER BY updated_at, source_key",
                (
                    lease.unit.flow,
                    lease.unit.partition,
                    *_DUE_STATES,
                    State.FAILED.value,
                    _out(now),
                ),
            ).fetchall()
        return [row[0] for row in found]

    def rows(
        self,
        *,
        flow: str | None = None,
        states: Sequence[State] | None = None,
        keys: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[LedgerRow]:
        where, args = ["1 = 1"], []
        if flow is not None:
            where.append("flow = ?")
            args.append(flow)
        if states is not None:
            where.append(f"state IN ({','.join('?' * len(states))})")
            args.extend(s.value for s in states)
        if keys is not None:
            where.append(f"source_key IN ({','.join('?' * len(keys))})")
            args.extend(keys)
        sql = (
            f"SELECT * FROM records WHERE {' AND '.join(where)} "
            "ORDER BY updated_at, flow, source_key"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            return [row_from_columns(row, _in) for row in self._db.execute(sql, args)]

    def counts(self) -> dict[str, dict[State, int]]:
        result: dict[str, dict[State, int]] = {}
        with self._lock:
            for flow, state, count in self._db.execute(
                "SELECT flow, state, count(*) FROM records GROUP BY flow, state"
            ):
                result.setdefault(flow, {})[State(state)] = count
        return result

    def cursors(self) -> dict[Unit, dt.datetime | None]:
        with self._lock:
            found = self._db.execute("SELECT flow, partition, watermark FROM cursors").fetchall()
        return {Unit(f, p): None if w is None else _in(w) for f, p, w in found}

    def audit(
        self,
        *,
        source_key: str | None = None,
        flow: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEvent]:
        where, args = ["1 = 1"], []
        for clause, value in (
            ("source_key = ?", source_key),
            ("flow = ?", flow),
            ("at >= ?", None if since is None else _out(since)),
            ("at < ?", None if until is None else _out(until)),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        sql = f"SELECT * FROM audit WHERE {' AND '.join(where)} ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            return [audit_from_columns(row, _in) for row in self._db.execute(sql, args)]

    def save_run(self, run: RunRecord) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO runs (run_id, worker, started_at, finished_at, report) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    run.run_id,
                    run.worker,
                    _out(run.started_at),
                    _out(run.finished_at),
                    canonical_json(run.report),
                ),
            )

    def runs(self, limit: int = 20) -> list[RunRecord]:
        with self._lock:
            found = self._db.execute(
                "SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", (limit,)
            ).fetchall()
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
        with self._transaction() as db:
            dropped = db.execute("DELETE FROM audit WHERE at < ?", (_out(audit_before),)).rowcount
            dropped += db.execute(
                "DELETE FROM runs WHERE run_id NOT IN "
                "(SELECT run_id FROM runs ORDER BY started_at DESC LIMIT ?)",
                (max(keep_runs, 0),),
            ).rowcount
            dropped += db.execute(
                "DELETE FROM inbox WHERE processed_at < ?", (_out(audit_before),)
            ).rowcount
        return dropped

    def save_mapping(self, name: str, entries: Mapping[str, str], *, now: dt.datetime) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO mappings (name, entries, created_at) VALUES (?, ?, ?)",
                (name, canonical_json(dict(entries)), _out(now)),
            )
            return int(cursor.lastrowid or 0)

    def mapping(self, name: str, version: int | None = None) -> tuple[int, dict[str, str]] | None:
        sql = "SELECT version, entries FROM mappings WHERE name = ?"
        args: list[Any] = [name]
        if version is not None:
            sql += " AND version = ?"
            args.append(version)
        with self._lock:
            row = self._db.execute(sql + " ORDER BY version DESC LIMIT 1", args).fetchone()
        return None if row is None else (int(row[0]), dict(json.loads(row[1])))

    def mapping_versions(self, name: str) -> list[tuple[int, dt.datetime]]:
        with self._lock:
            found = self._db.execute(
                "SELECT version, created_at FROM mappings WHERE name = ? ORDER BY version", (name,)
            ).fetchall()
        return [(int(v), _in(at)) for v, at in found]

    def mapping_names(self) -> list[str]:
        with self._lock:
            return [
                r[0] for r in self._db.execute("SELECT DISTINCT name FROM mappings ORDER BY name")
            ]

    def inbox_put(self, event: InboxEvent) -> bool:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO inbox (key, source, kind, partition, record_id, event_type, "
                "received_at, payload, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) "
                "ON CONFLICT (key) DO NOTHING",
                (
                    event.key,
                    event.source,
                    event.kind,
                    event.partition,
                    event.record_id,
                    event.event_type,
                    _out(event.received_at),
                    canonical_json(dict(event.payload)),
                ),
            )
            return cursor.rowcount == 1

    def inbox_pending(
        self,
        source: str,
        *,
        partition: str | None = None,
        kinds: Sequence[str] | None = None,
        limit: int = 1000,
    ) -> list[InboxEvent]:
        sql = "SELECT * FROM inbox WHERE source = ? AND processed_at IS NULL"
        args: list[Any] = [source]
        if partition is not None:
            sql += " AND partition = ?"
            args.append(partition)
        if kinds is not None:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            args.extend(kinds)
        with self._lock:
            found = self._db.execute(
                sql + " ORDER BY received_at, key LIMIT ?", [*args, limit]
            ).fetchall()
        return [
            InboxEvent(
                key=r["key"],
                source=r["source"],
                kind=r["kind"],
                partition=r["partition"],
                record_id=r["record_id"],
                event_type=r["event_type"],
                received_at=_in(r["received_at"]),
                payload=json.loads(r["payload"]),
            )
            for r in found
        ]

    def inbox_done(self, keys: Sequence[str], *, now: dt.datetime) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE inbox SET processed_at = ? WHERE key = ? AND processed_at IS NULL",
                [(_out(now), key) for key in keys],
            )

    def put_secret(self, name: str, ciphertext: bytes, *, now: dt.datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO secrets (name, ciphertext, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, "
                "updated_at = excluded.updated_at",
                (name, ciphertext, _out(now)),
            )

    def get_secret(self, name: str) -> bytes | None:
        with self._lock:
            row = self._db.execute(
                "SELECT ciphertext FROM secrets WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def secret_names(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT name FROM secrets ORDER BY name")]

    def close(self) -> None:
        with self._lock:
            self._db.close()


_INSERT_ROW = (
    f"INSERT INTO records ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join('?' * len(ROW_COLUMNS))})"
)
_UPDATE_ROW = (
    f"UPDATE records SET {', '.join(f'{c} = ?' for c in ROW_COLUMNS)} "
    "WHERE flow = ? AND source_key = ? AND version = ?"
)
_INSERT_AUDIT = (
    f"INSERT INTO audit ({', '.join(AUDIT_COLUMNS)}) VALUES ({', '.join('?' * len(AUDIT_COLUMNS))})"
)
