"""State backends behind one protocol: memory (tests), SQLite (embedded default), PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from mlconnector_sync.state._base import (
    KEEP_CURSOR,
    ConcurrentUpdate,
    InboxEvent,
    Lease,
    LeaseLost,
    RunRecord,
    StateError,
    StateStore,
    Unit,
)
from mlconnector_sync.state.memory import MemoryStore
from mlconnector_sync.state.sqlite import SQLiteStore

__all__ = [
    "KEEP_CURSOR",
    "ConcurrentUpdate",
    "InboxEvent",
    "Lease",
    "LeaseLost",
    "MemoryStore",
    "RunRecord",
    "SQLiteStore",
    "StateError",
    "StateStore",
    "Unit",
    "open_store",
]


def open_store(url: str | Path) -> StateStore:
    """The store a URL names: ``memory:``, a SQLite path (or ``sqlite:///path``), or a
    ``postgresql://`` URL (needs the ``postgres`` extra)."""
    text = str(url)
    if text == "memory:":
        return MemoryStore()
    if text.startswith(("postgresql://", "postgres://")):
        from mlconnector_sync.state.postgres import PostgresStore

        return PostgresStore(text)
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    return SQLiteStore(text)
