"""Record states and the one transition table: no other module changes a record's state.

Every source record a flow has seen is one :class:`LedgerRow`. The engine asks this module for
the next row (``transition(row, Event.POSTED, now=..., target_id=...)``); a move the table does
not allow raises :class:`IllegalTransition`, so a bug cannot post a quarantined record or
forget an intent. The stores only persist rows this module produced.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

__all__ = [
    "TRANSITIONS",
    "Event",
    "IllegalTransition",
    "LedgerRow",
    "State",
    "canonical_json",
    "content_hash",
    "new_row",
    "normalize",
    "transition",
]


class State(enum.StrEnum):
    """Where a source record stands; the names are part of every report's contract."""

    PENDING = "pending"
    HELD = "held"
    POSTING = "posting"
    POSTED = "posted"
    FAILED = "failed"
    QUARANTINED = "quarantined"
    SKIPPED = "skipped"


class Event(enum.StrEnum):
    """What happened to a record; each event is also an audit entry."""

    EXTRACTED = "extracted"
    CHANGED = "changed"
    HELD = "held"
    RELEASED = "released"
    SKIPPED = "skipped"
    QUARANTINED = "quarantined"
    POSTING = "posting"
    POSTED = "posted"
    FAILED = "failed"
    UNKNOWN = "unknown"
    RESOLVED_ABSENT = "resolved_absent"
    RETRY = "retry"
    REPLAYED = "replayed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


_S = State
_ANY_SETTLED = (_S.PENDING, _S.HELD, _S.POSTED, _S.FAILED, _S.QUARANTINED, _S.SKIPPED)

TRANSITIONS: Mapping[tuple[State, Event], State] = {
    # a newer version of the source record: queue it (an intent in flight keeps its state and
    # is resolved first; the new payload is then seen as unposted)
    **{(state, Event.CHANGED): _S.PENDING for state in _ANY_SETTLED},
    (_S.POSTING, Event.CHANGED): _S.POSTING,
    # a version the client could not decode, or a record still undecodable when re-checked
    **{(state, Event.QUARANTINED): _S.QUARANTINED for state in _ANY_SETTLED},
    # the transform's verdicts, for a record that is ready to be looked at
    **{
        (state, event): target
        for state in (_S.PENDING, _S.HELD, _S.FAILED)
        for event, target in (
            (Event.HELD, _S.HELD),
            (Event.SKIPPED, _S.SKIPPED),
            (Event.QUARANTINED, _S.QUARANTINED),
            (Event.POSTING, _S.POSTING),
        )
    },
    (_S.HELD, Event.RELEASED): _S.PENDING,
    # a lookup before the write failed (nothing was sent)
    **{(state, Event.FAILED): _S.FAILED for state in (_S.PENDING, _S.HELD, _S.FAILED)},
    (_S.FAILED, Event.RETRY): _S.PENDING,
    # the write's outcome
    (_S.POSTING, Event.POSTED): _S.POSTED,
    (_S.POSTING, Event.FAILED): _S.FAILED,
    (_S.POSTING, Event.QUARANTINED): _S.QUARANTINED,
    (_S.POSTING, Event.UNKNOWN): _S.POSTING,
    (_S.POSTING, Event.HELD): _S.HELD,
    (_S.POSTING, Event.RESOLVED_ABSENT): _S.PENDING,
    # a person decided a record waiting in review (a hold on REVIEW_WAITS)
    (_S.HELD, Event.ACCEPTED): _S.PENDING,
    (_S.HELD, Event.REJECTED): _S.SKIPPED,
    # a person asked for another try
    **{
        (state, Event.REPLAYED): _S.PENDING
        for state in (_S.FAILED, _S.QUARANTINED, _S.HELD, _S.SKIPPED, _S.PENDING)
    },
}


class IllegalTransition(RuntimeError):
    """The engine asked for a move the transition table does not have (a bug, not bad data)."""


@attrs.frozen(kw_only=True)
class LedgerRow:
    """One source record's state in one flow.

    ``version`` is the version stored (0 for a row not yet saved); the store refuses a write
    whose version is not the one it holds, so two writers never overwrite each other.
    ``intent_hash`` is the content hash an intent in ``posting`` was written for;
    ``accepted_hash`` the content hash a person accepted in review (a flow with a review gate
    posts a version only once it is accepted).
    """

    flow: str
    source_key: str
    partition: str
    source_id: str
    state: State
    payload: Any
    content_hash: str
    version: int = 0
    source_modified_at: dt.datetime | None = None
    posted_hash: str | None = None
    target_id: str | None = None
    request_id: str | None = None
    reason: str | None = None
    waits_on: str | None = None
    field: str | None = None
    attempts: int = 0
    attempt_id: str | None = None
    intent_hash: str | None = None
    next_retry_at: dt.datetime | None = None
    held_since: dt.datetime | None = None
    accepted_hash: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def needs_post(self) -> bool:
        """Whether the target lacks this version of the record."""
        return self.posted_hash != self.content_hash


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces; ``Decimal`` and datetimes as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | frozenset | set):
        return list(value)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def normalize(payload: Any) -> Any:
    """The payload as every backend stores it: plain JSON (money and times as strings)."""
    return json.loads(canonical_json(payload))


def content_hash(payload: Any) -> str:
    """A stable digest of a payload, so re-reading an unchanged record is a no-op."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()[:32]


def new_row(
    *,
    flow: str,
    source_key: str,
    partition: str,
    source_id: str,
    payload: Any,
    now: dt.datetime,
    source_modified_at: dt.datetime | None = None,
    quarantine: tuple[str, str] | None = None,
) -> LedgerRow:
    """The first row of a record just extracted: pending, or quarantined as (field, reason)."""
    state, field, reason = (
        (State.QUARANTINED, *quarantine) if quarantine else (State.PENDING, None, None)
    )
    payload = normalize(payload)
    return LedgerRow(
        flow=flow,
        source_key=source_key,
        partition=partition,
        source_id=source_id,
        state=state,
        payload=payload,
        content_hash=content_hash(payload),
        source_modified_at=source_modified_at,
        field=field,
        reason=reason,
        created_at=now,
        updated_at=now,
    )


_CLEARED_ON_ENTRY: Mapping[State, tuple[str, ...]] = {
    State.PENDING: ("reason", "waits_on", "field", "next_retry_at", "held_since"),
    State.POSTING: ("reason", "waits_on", "field", "next_retry_at", "held_since"),
    State.POSTED: ("reason", "waits_on", "field", "next_retry_at", "held_since", "intent_hash"),
    State.SKIPPED: ("waits_on", "field", "next_retry_at", "held_since", "attempt_id"),
    State.QUARANTINED: ("waits_on", "next_retry_at", "held_since", "attempt_id"),
    State.FAILED: ("waits_on", "field", "held_since", "attempt_id"),
    State.HELD: ("field", "next_retry_at", "attempt_id"),
}


def transition(row: LedgerRow, event: Event, *, now: dt.datetime, **changes: Any) -> LedgerRow:
    """The row after ``event``: the next state from the table, with ``changes`` applied.

    Fields that describe the previous state (a hold's reason, a failure's retry time) are
    cleared on entering a state that does not use them, unless ``changes`` sets them.
    """
    target = TRANSITIONS.get((row.state, event))
    if target is None:
        raise IllegalTransition(
            f"{row.flow} {row.source_key}: no transition from {row.state} on {event}"
        )
    cleared: dict[str, Any] = {}
    if target != row.state:
        cleared = dict.fromkeys(_CLEARED_ON_ENTRY[target])
    if target == State.HELD and row.state != State.HELD and "held_since" not in changes:
        cleared["held_since"] = now
    return attrs.evolve(row, state=target, updated_at=now, **{**cleared, **changes})
