"""Fixtures for the sync layer: every state backend behind one ``store`` fixture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlconnector_sync.state import MemoryStore, SQLiteStore, StateStore

BACKENDS = ["memory", "sqlite"]


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


def open_backend(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> StateStore:
    if name == "memory":
        return MemoryStore()
    if name == "sqlite":
        return SQLiteStore(tmp_path / "state.db")
    raise AssertionError(name)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    backend = open_backend(request.param, tmp_path, request)
    yield backend
    backend.close()
