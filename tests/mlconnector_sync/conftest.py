"""Fixtures for the sync layer: every state backend behind one ``store`` fixture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlconnector_sync.state import MemoryStore, SQLiteStore, StateStore
from mlconnector_sync.testing.postgres import TemporaryPostgres

BACKENDS = ["memory", "sqlite", "postgres"]


class TickingClock:
    """A timezone-aware clock that moves one millisecond per reading (and on demand)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.at = start or dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.at += dt.timedelta(milliseconds=1)
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TemporaryPostgres]:
    """One throwaway PostgreSQL server per test session (started on first use).

    Missing server binaries fail the tests that need them (``PostgresNotFound``), never
    skip them: ``.ci/run`` installs PostgreSQL when it is missing.
    """
    server = TemporaryPostgres()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: TemporaryPostgres) -> Iterator[str]:
    """A fresh, empty database for one test (dropped afterwards)."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


def open_backend(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> StateStore:
    if name == "memory":
        return MemoryStore()
    if name == "sqlite":
        return SQLiteStore(tmp_path / "state.db")
    if name == "postgres":
        from mlconnector_sync.state.postgres import PostgresStore

        return PostgresStore(request.getfixturevalue("postgres_url"))
    raise AssertionError(name)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    backend = open_backend(request.param, tmp_path, request)
    yield backend
    backend.close()
