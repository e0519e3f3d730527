"""The PostgreSQL schema: versioned, migrated on start, one schema per installation.

Every table lives in one PostgreSQL schema (``mlconnector`` by default), so one database can
hold several installations side by side. :data:`MIGRATIONS` is append-only: script ``n``
takes the schema from version ``n - 1`` to ``n``, and ``schema_version`` records each one
applied. Starters migrate under a transaction-level advisory lock, so two workers starting at
once never run the same script twice; a schema newer than this code is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg_pool import ConnectionPool

from mlconnector_sync.state._base import StateError

__all__ = [
    "MIGRATIONS",
    "connect",
    "describe",
    "lock_key",
    "migrate",
    "open_pool",
    "quoted",
    "scrub",
]

# "C" collation on every key column: byte order (= code point order for UTF-8), the same on
# every server whatever its locale, and the order the other backends sort in.
MIGRATIONS: tuple[str, ...] = (
    # 1: ledger, leases, cursors, audit, runs, secrets
    """
    CREATE TABLE records (
        flow text COLLATE "C" NOT NULL,
        source_key text COLLATE "C" NOT NULL,
        partition text COLLATE "C" NOT NULL,
        source_id text NOT NULL,
        state text NOT NULL,
        payload text NOT NULL,
        content_hash text NOT NULL,
        version bigint NOT NULL,
        source_modified_at timestamptz,
        posted_hash text,
        target_id text,
        request_id text,
        reason text,
        waits_on text,
        field text,
        attempts integer NOT NULL,
        attempt_id text,
        intent_hash text,
        next_retry_at timestamptz,
        held_since timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        claimed_fence bigint,
        claimed_until timestamptz,
        PRIMARY KEY (flow, source_key)
    ) WITH (fillfactor = 85);
    CREATE INDEX records_due ON records (flow, partition, updated_at, source_key)
        WHERE state IN ('pending', 'held', 'posting', 'failed');
    CREATE INDEX records_state ON records (state, updated_at);
    CREATE INDEX records_updated ON records (updated_at, flow, source_key);
    CREATE TABLE leases (
        flow text COLLATE "C" NOT NULL,
        partition text COLLATE "C" NOT NULL,
        worker text NOT NULL,
        fence bigint NOT NULL,
        expires_at timestamptz NOT NULL,
        ttl_seconds double precision NOT NULL,
        PRIMARY KEY (flow, partition)
    );
    CREATE TABLE cursors (
        flow text COLLATE "C" NOT NULL,
        partition text COLLATE "C" NOT NULL,
        watermark timestamptz,
        PRIMARY KEY (flow, partition)
    );
    CREATE TABLE audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        flow text COLLATE "C" NOT NULL,
        source_key text COLLATE "C" NOT NULL,
        event text NOT NULL,
        state_from text,
        state_to text NOT NULL,
        worker text NOT NULL,
        attempt text,
        reason text,
        request text,
        request_id text,
        target_id text,
        mapping_version integer
    );
    CREATE INDEX audit_record ON audit (source_key, id);
    CREATE INDEX audit_flow ON audit (flow, id);
    CREATE INDEX audit_at ON audit (at);
    CREATE TABLE runs (
        run_id text COLLATE "C" PRIMARY KEY,
        worker text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        report text NOT NULL
    );
    CREATE INDEX runs_started ON runs (started_at);
    CREATE TABLE secrets (
        name text COLLATE "C" PRIMARY KEY,
        ciphertext bytea NOT NULL,
        updated_at timestamptz NOT NULL
    );
    """,
    # 2: the shared rate budget and the token store
    """
    CREATE TABLE budget_keys (
        key text COLLATE "C" PRIMARY KEY,
        last_at double precision,
        sent bigint NOT NULL DEFAULT 0,
        hint_remaining bigint,
        hint_reset_at double precision,
        hint_sent bigint
    );
    CREATE TABLE budget_slots (
        key text COLLATE "C" NOT NULL,
        at double precision NOT NULL
    );
    CREATE INDEX budget_slots_key_at ON budget_slots (key, at);
    CREATE TABLE tokens (
        key text COLLATE "C" PRIMARY KEY,
        sealed bytea NOT NULL,
        encrypted boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    """,
    """
    CREATE TABLE mappings (
        version bigserial PRIMARY KEY,
        name text COLLATE "C" NOT NULL,
        entries jsonb NOT NULL,
        created_at timestamptz NOT NULL
    );
    CREATE INDEX mappings_name ON mappings (name, version);
    """,
    # 3: the review gate: the content hash a person accepted
    """
    ALTER TABLE records ADD COLUMN accepted_hash text;
    """,
    # 4: the inbox of pushed events (webhooks), deduplicated by key
    """
    CREATE TABLE inbox (
        key text COLLATE "C" PRIMARY KEY,
        source text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        partition text COLLATE "C" NOT NULL,
        record_id text NOT NULL,
        event_type text NOT NULL,
        received_at timestamptz NOT NULL,
        payload jsonb NOT NULL,
        processed_at timestamptz
    );
    CREATE INDEX inbox_pending ON inbox (source, received_at, key) WHERE processed_at IS NULL;
    """,
)

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def quoted(schema: str) -> str:
    """The schema name as an SQL identifier; refuses anything but a plain lower-case name."""
    if not _SCHEMA_NAME.fullmatch(schema):
        raise StateError(
            f"schema name {schema!r}: use 1 to 63 lower-case letters, digits and underscores, "
            "not starting with a digit"
        )
    return f'"{schema}"'


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock key for these parts (stable across processes)."""
    digest = hashlib.blake2b("\x1f".join(("mlconnector", *parts)).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _parts(url: str) -> Mapping[str, Any]:
    try:
        return pg_conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        # the parser's message may quote any part of the URL, the password included
        raise StateError(
            "the PostgreSQL URL is malformed (expected postgresql://user@host:port/database)"
        ) from None


def describe(url: str) -> str:
    """``host:port/database`` of a URL, for reprs and messages (never the password)."""
    parts = _parts(url)
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"{host}:{port}/{parts.get('dbname') or parts.get('user') or ''}"


def scrub(text: str, url: str) -> str:
    """``text`` with the URL's password (plain and percent-encoded) masked out."""
    try:
        password = pg_conninfo.conninfo_to_dict(url).get("password")
    except psycopg.ProgrammingError:
        password = None
    for secret in {str(password), quote(str(password), safe="")} if password else ():
        if secret:
            text = text.replace(secret, "**********")
    return text


def connect(url: str, *, what: str) -> psycopg.Connection[Any]:
    """A new autocommit connection in UTC; failures become :class:`StateError` (no secret)."""
    _parts(url)
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.Error as error:
        raise StateError(
            f"{what}: cannot connect to PostgreSQL at {describe(url)}: "
            f"{scrub(str(error).strip(), url)}"
        ) from None
    try:
        conn.execute("SET TIME ZONE 'UTC'")
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: psycopg.Connection[Any], schema: str) -> int:
    """Bring ``schema`` up to the latest version; returns that version.

    Safe with any number of concurrent starters: the work runs in one transaction holding
    ``pg_advisory_xact_lock`` for this schema, and the version is read again under it.
    """
    name = quoted(schema)
    latest = len(MIGRATIONS)
    if _version(conn, schema) == latest:
        return latest
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("migrate", schema),))
        exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if exists is None:
            conn.execute(f"CREATE SCHEMA {name}")
        conn.execute(f"SET LOCAL search_path TO {name}")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        current = int(row[0]) if row is not None else 0
        if current > latest:
            raise StateError(
                f"PostgreSQL schema {schema} has version {current}, newer than this "
                f"mlconnector knows ({latest}): upgrade mlconnector"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            conn.execute(script)
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))
    return latest


def _version(conn: psycopg.Connection[Any], schema: str) -> int | None:
    """The schema's version without locking, or ``None`` when it has none yet."""
    found = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{quoted(schema)}.schema_version",)
    ).fetchone()
    if found is None or not found[0]:
        return None
    row = conn.execute(f"SELECT max(version) FROM {quoted(schema)}.schema_version").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")


def open_pool(url: str, *, size: int, name: str) -> ConnectionPool[psycopg.Connection[Any]]:
    """A pool of autocommit connections in UTC (transactions are explicit)."""
    if size < 1:
        raise StateError(f"pool_size must be at least 1, not {size}")
    return ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True},
        configure=_configure,
        open=True,
        name=name,
    )
