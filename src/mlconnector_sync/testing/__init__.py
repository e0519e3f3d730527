"""Test helpers for flows and the engine: an in-memory source and sink with faults."""

from mlconnector_sync.testing._memory import MemorySink, MemorySource, StoredDocument

__all__ = ["MemorySink", "MemorySource", "StoredDocument"]
