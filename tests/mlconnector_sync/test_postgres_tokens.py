"""PostgresTokenStore: tokens round-trip, are encrypted at rest when a key is given, and its
lock is a real advisory lock (the cross-process tests are in test_postgres_processes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet, MultiFernet

from mlconnector_http import Secret, Token, TokenStore
from mlconnector_sync.state import StateError
from mlconnector_sync.state.postgres import PostgresTokenStore

TOKEN = Token(
    access_token=Secret("access-6c1f0e"),
    expires_at=1_900_000_000.5,
    refresh_token=Secret("refresh-b7d2aa"),
    refresh_expires_at=1_900_086_400.0,
    token_type="Bearer",
    scope="read write",
    issued_at=1_899_996_400.5,
)


@pytest.fixture
def make_store(postgres_url: str) -> Iterator[Any]:
    made: list[PostgresTokenStore] = []

    def make(**kwargs: Any) -> PostgresTokenStore:
        store = PostgresTokenStore(postgres_url, **kwargs)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def _raw(url: str) -> bytes:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT sealed FROM mlconnector.tokens").fetchone()
    assert row is not None
    return bytes(row[0])


def test_tokens_round_trip_and_are_deleted(make_store: Any) -> None:
    store: TokenStore = make_store()
    assert store.get("k") is None
    store.set("k", TOKEN)
    assert store.get("k") == TOKEN
    store.set("k", Token(access_token=Secret("second")))
    assert store.get("k") == Token(access_token=Secret("second"))
    store.delete("k")
    store.delete("k")
    assert store.get("k") is None


def test_with_a_key_tokens_are_encrypted_at_rest(make_store: Any, postgres_url: str) -> None:
    key = Fernet.generate_key()
    store = make_store(fernet=Fernet(key))
    store.set("k", TOKEN)
    raw = _raw(postgres_url)
    assert b"access-6c1f0e" not in raw
    assert b"refresh-b7d2aa" not in raw
    assert store.get("k") == TOKEN
    # a reader without the key is told so, and shown no secret
    with pytest.raises(StateError, match="encrypted") as refused:
        make_store().get("k")
    assert "6c1f0e" not in str(refused.value)
    with pytest.raises(StateError, match="does not decrypt"):
        make_store(fernet=Fernet(Fernet.generate_key())).get("k")


def test_a_rotated_key_still_reads_old_tokens_and_writes_with_the_new_one(
    make_store: Any, postgres_url: str
) -> None:
    old, new = Fernet(Fernet.generate_key()), Fernet(Fernet.generate_key())
    make_store(fernet=old).set("k", TOKEN)
    rotated = make_store(fernet=MultiFernet([new, old]))
    assert rotated.get("k") == TOKEN
    rotated.set("k", TOKEN)
    assert new.decrypt(_raw(postgres_url))  # now sealed with the new key
    with pytest.raises(StateError):
        make_store(fernet=old).get("k")


def test_plain_tokens_are_read_by_a_store_with_a_key(make_store: Any, postgres_url: str) -> None:
    make_store().set("k", TOKEN)
    assert b"access-6c1f0e" in _raw(postgres_url)  # plain: the docstring says so
    keyed = make_store(fernet=Fernet(Fernet.generate_key()))
    assert keyed.get("k") == TOKEN
    keyed.set("k", TOKEN)
    assert b"access-6c1f0e" not in _raw(postgres_url)


def test_repr_shows_no_password(postgres_server: Any, postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE tokens_user LOGIN SUPERUSER PASSWORD 'hunter2-pw'")
    url = postgres_url.replace("postgres@", "tokens_user:hunter2-pw@")
    store = PostgresTokenStore(url)
    try:
        assert "hunter2" not in repr(store)
        assert "hunter2" not in repr(store.lock("k"))
    finally:
        store.close()


def test_the_lock_excludes_other_sessions_and_is_released_on_exit(make_store: Any) -> None:
    store = make_store()
    order: list[str] = []
    entered = threading.Event()

    def other() -> None:
        entered.wait(5)
        with store.lock("k"):
            order.append("other in")

    thread = threading.Thread(target=other)
    thread.start()
    with store.lock("k"):
        entered.set()
        time.sleep(0.3)
        order.append("first out")
    thread.join(5)
    assert order == ["first out", "other in"]
    with store.lock("another key"), store.lock("k"):  # distinct keys do not block each other
        pass


def test_the_lock_may_be_released_on_another_thread(make_store: Any) -> None:
    store = make_store()
    lock = store.lock("k")
    lock.__enter__()
    thread = threading.Thread(target=lock.__exit__, args=(None, None, None))
    thread.start()
    thread.join(5)
    with store.lock("k"):  # released: taken again at once
        pass


def test_a_lock_held_too_long_by_another_raises(make_store: Any) -> None:
    holder, waiter = make_store(), make_store(lock_timeout=0.2)
    with holder.lock("k"):
        started = time.monotonic()
        with pytest.raises(StateError, match="still held"), waiter.lock("k"):
            pass
        assert time.monotonic() - started < 3
