"""A token store on PostgreSQL (the toolkit's ``TokenStore``) with a cross-process lock.

Tokens are one row per credential key. With a ``cryptography`` :class:`~cryptography.fernet.
Fernet` (or :class:`~cryptography.fernet.MultiFernet`, to rotate keys) they are encrypted at
rest; without one they are stored as plain JSON, which only suits a database nobody else
reads. :meth:`PostgresTokenStore.lock` is a session-level ``pg_advisory_lock`` on a connection
of its own, so every process on the database refreshes one credential at a time, and a
process that dies while holding it releases it with its connection.
"""

from __future__ import annotations

import contextlib
import json
import threading
from types import TracebackType
from typing import Any, ClassVar

import psycopg
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mlconnector_http import Secret, Token
from mlconnector_sync.state._base import StateError
from mlconnector_sync.state.postgres._schema import (
    connect,
    describe,
    lock_key,
    migrate,
    open_pool,
    quoted,
)

__all__ = ["PostgresTokenStore"]


class PostgresTokenStore:
    """Tokens per credential key in PostgreSQL, shared by every process on the database.

    Args:
        url: the PostgreSQL URL (its password never appears in a repr, log or exception).
        fernet: encrypts tokens at rest when given (a ``Fernet``, or a ``MultiFernet`` whose
            first key encrypts and whose every key decrypts); optional, but without it the
            tokens are stored in plain text. A stored plain token is still read when a key is
            given, and encrypted on its next save; an encrypted one cannot be read without.
        schema: the PostgreSQL schema (shared with the state store; migrated on start).
        pool_size: most connections open at once for get/set/delete (each :meth:`lock`
            holds a connection of its own besides).
        lock_timeout: most seconds :meth:`lock` waits for another holder before raising
            :class:`~mlconnector_sync.state.StateError` (``None``: no limit).
    """

    in_process: ClassVar[bool] = False  # does I/O: async callers run it in a worker thread

    def __init__(
        self,
        url: str,
        *,
        fernet: Fernet | MultiFernet | None = None,
        schema: str = "mlconnector",
        pool_size: int = 2,
        lock_timeout: float | None = 300.0,
    ) -> None:
        self.schema = schema
        self.lock_timeout = lock_timeout
        self._url = url
        self._fernet = fernet
        self._where = describe(url)
        s = quoted(schema)
        self._get = f"SELECT sealed, encrypted FROM {s}.tokens WHERE key = %s"
        self._set = (
            f"INSERT INTO {s}.tokens (key, sealed, encrypted, updated_at) "
            "VALUES (%s, %s, %s, now()) ON CONFLICT (key) DO UPDATE SET "
            "sealed = excluded.sealed, encrypted = excluded.encrypted, updated_at = now()"
        )
        self._delete = f"DELETE FROM {s}.tokens WHERE key = %s"
        with connect(url, what="token store") as conn:
            migrate(conn, schema)
        self._pool = open_pool(url, size=pool_size, name=f"mlconnector-tokens-{schema}")

    def __repr__(self) -> str:
        sealed = "encrypted" if self._fernet is not None else "plain"
        return f"PostgresTokenStore({self._where!r}, schema={self.schema!r}, {sealed})"

    def get(self, key: str) -> Token | None:
        """The stored token for a credential key."""
        with self._pool.connection() as conn:
            row = conn.execute(self._get, (key,)).fetchone()
        if row is None:
            return None
        sealed, encrypted = bytes(row[0]), bool(row[1])
        if encrypted:
            if self._fernet is None:
                raise StateError(
                    f"the stored token of {key} is encrypted: pass the fernet key to "
                    "PostgresTokenStore"
                )
            try:
                sealed = self._fernet.decrypt(sealed)
            except InvalidToken:
                raise StateError(
                    f"the stored token of {key} does not decrypt with the key given "
                    "(another key, or a damaged row)"
                ) from None
        return _token_from_json(sealed, key)

    def set(self, key: str, token: Token) -> None:
        """Store a token for a credential key (encrypted when a fernet key was given)."""
        plain = _token_to_json(token)
        sealed = plain if self._fernet is None else self._fernet.encrypt(plain)
        with self._pool.connection() as conn:
            conn.execute(self._set, (key, sealed, self._fernet is not None))

    def delete(self, key: str) -> None:
        """Forget the token for a credential key."""
        with self._pool.connection() as conn:
            conn.execute(self._delete, (key,))

    def lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        """A lock on ``key`` held across every process on the database, around a refresh.

        ``pg_advisory_lock`` on a connection opened for this lock alone (so the pool can
        never starve the holder of the connections it needs for ``get``/``set``), released
        and closed on exit, which may run on another thread than the entry.
        """
        return _AdvisoryLock(self, lock_key("token", self.schema, key), key)

    def close(self) -> None:
        """Release connections (locks are released by their own ``with`` blocks)."""
        self._pool.close()


class _AdvisoryLock:
    """One ``with`` block's hold on a session-level advisory lock."""

    def __init__(self, store: PostgresTokenStore, number: int, key: str) -> None:
        self._store = store
        self._number = number
        self._key = key
        self._conn: psycopg.Connection[Any] | None = None
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"_AdvisoryLock({self._key!r}, held={self._conn is not None})"

    def __enter__(self) -> None:
        store = self._store
        conn = connect(store._url, what="token lock")
        try:
            if store.lock_timeout is not None:
                conn.execute(f"SET lock_timeout = {int(store.lock_timeout * 1000)}")
            conn.execute("SELECT pg_advisory_lock(%s)", (self._number,))
        except psycopg.errors.LockNotAvailable:
            conn.close()
            raise StateError(
                f"token lock of {self._key} still held by another process after "
                f"{store.lock_timeout:g}s"
            ) from None
        except BaseException:
            conn.close()
            raise
        with self._guard:
            self._conn = conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._guard:
            conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            with contextlib.suppress(psycopg.Error):
                conn.execute("SELECT pg_advisory_unlock(%s)", (self._number,))
        finally:
            conn.close()  # ends the session: the lock is gone even if the unlock failed


def _token_to_json(token: Token) -> bytes:
    document = {
        "access_token": token.access_token.reveal(),
        "expires_at": token.expires_at,
        "refresh_token": None if token.refresh_token is None else token.refresh_token.reveal(),
        "refresh_expires_at": token.refresh_expires_at,
        "token_type": token.token_type,
        "scope": token.scope,
        "issued_at": token.issued_at,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _token_from_json(data: bytes, key: str) -> Token:
    try:
        document = json.loads(data)
        refresh = document.get("refresh_token")
        return Token(
            access_token=Secret(document["access_token"]),
            expires_at=_number(document.get("expires_at")),
            refresh_token=None if refresh is None else Secret(refresh),
            refresh_expires_at=_number(document.get("refresh_expires_at")),
            token_type=str(document.get("token_type") or "Bearer"),
            scope=document.get("scope"),
            issued_at=_number(document.get("issued_at")),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise StateError(f"the stored token of {key} is unreadable") from None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)
