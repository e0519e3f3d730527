"""Ledger rows and audit events to and from flat columns, shared by the SQL backends."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

from mlconnector_sync._audit import AuditEvent
from mlconnector_sync._ledger import Event, LedgerRow, State, canonical_json

__all__ = [
    "AUDIT_COLUMNS",
    "ROW_COLUMNS",
    "audit_from_columns",
    "audit_to_columns",
    "row_from_columns",
    "row_to_columns",
]

ROW_COLUMNS = (
    "flow",
    "source_key",
    "partition",
    "source_id",
    "state",
    "payload",
    "content_hash",
    "version",
    "source_modified_at",
    "posted_hash",
    "target_id",
    "request_id",
    "reason",
    "waits_on",
    "field",
    "attempts",
    "attempt_id",
    "intent_hash",
    "next_retry_at",
    "held_since",
    "created_at",
    "updated_at",
    "accepted_hash",
)

AUDIT_COLUMNS = (
    "at",
    "flow",
    "source_key",
    "event",
    "state_from",
    "state_to",
    "worker",
    "attempt",
    "reason",
    "request",
    "request_id",
    "target_id",
    "mapping_version",
)

_ROW_TIMES = ("source_modified_at", "next_retry_at", "held_since", "created_at", "updated_at")

TimeOut = Callable[[dt.datetime], Any]
TimeIn = Callable[[Any], dt.datetime]


def row_to_columns(row: LedgerRow, time_out: TimeOut) -> tuple[Any, ...]:
    """Column values in ``ROW_COLUMNS`` order; the payload as canonical JSON text."""
    values: dict[str, Any] = {name: getattr(row, name) for name in ROW_COLUMNS}
    values["state"] = row.state.value
    values["payload"] = canonical_json(row.payload)
    for name in _ROW_TIMES:
        if values[name] is not None:
            values[name] = time_out(values[name])
    return tuple(values[name] for name in ROW_COLUMNS)


def row_from_columns(values: Mapping[str, Any], time_in: TimeIn) -> LedgerRow:
    """A row from a mapping of column name to value."""
    fields = {name: values[name] for name in ROW_COLUMNS}
    fields["state"] = State(fields["state"])
    payload = fields["payload"]
    fields["payload"] = json.loads(payload) if isinstance(payload, str | bytes) else payload
    for name in _ROW_TIMES:
        if fields[name] is not None:
            fields[name] = time_in(fields[name])
    return LedgerRow(**fields)


def audit_to_columns(event: AuditEvent, time_out: TimeOut) -> tuple[Any, ...]:
    """Column values in ``AUDIT_COLUMNS`` order."""
    values: dict[str, Any] = {name: getattr(event, name) for name in AUDIT_COLUMNS}
    values["at"] = time_out(event.at)
    values["event"] = event.event.value
    values["state_from"] = None if event.state_from is None else event.state_from.value
    values["state_to"] = event.state_to.value
    return tuple(values[name] for name in AUDIT_COLUMNS)


def audit_from_columns(values: Mapping[str, Any], time_in: TimeIn) -> AuditEvent:
    """An audit event from a mapping of column name to value."""
    fields = {name: values[name] for name in AUDIT_COLUMNS}
    fields["at"] = time_in(fields["at"])
    fields["event"] = Event(fields["event"])
    fields["state_from"] = None if fields["state_from"] is None else State(fields["state_from"])
    fields["state_to"] = State(fields["state_to"])
    return AuditEvent(**fields)
