"""The audit trail: append-only events per record, redacted before they are stored."""

from __future__ import annotations

import datetime as dt
import re

import attrs

from mlconnector_sync._ledger import Event, LedgerRow, State

__all__ = ["AuditEvent", "event_for", "redact"]

_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)((?:client_secret|password|access_token|refresh_token|secret|token|api_key)"
        r"[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+"
    ),
)


def redact(text: str | None, limit: int = 500) -> str | None:
    """``text`` with credentials masked and cut to ``limit`` characters."""
    if text is None:
        return None
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.lastindex else "") + "***", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@attrs.frozen(kw_only=True)
class AuditEvent:
    """One thing that happened to one record; never updated, only appended and pruned."""

    at: dt.datetime
    flow: str
    source_key: str
    event: Event
    state_from: State | None
    state_to: State
    worker: str
    attempt: str | None = None
    reason: str | None = None
    request: str | None = None
    request_id: str | None = None
    target_id: str | None = None
    mapping_version: int | None = None


def event_for(
    before: LedgerRow | None,
    after: LedgerRow,
    event: Event,
    *,
    worker: str,
    request: str | None = None,
    mapping_version: int | None = None,
) -> AuditEvent:
    """The audit event for a row moving from ``before`` to ``after``."""
    return AuditEvent(
        at=after.updated_at,
        flow=after.flow,
        source_key=after.source_key,
        event=event,
        state_from=None if before is None else before.state,
        state_to=after.state,
        worker=worker,
        attempt=after.attempt_id,
        reason=redact(after.reason),
        request=redact(request),
        request_id=after.request_id,
        target_id=after.target_id,
        mapping_version=mapping_version,
    )
