"""The typed run report: per flow, ledger counts, what changed, throttle waits, exceptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from mlconnector_sync._ledger import LedgerRow, State

__all__ = ["ExceptionItem", "FlowReport", "Progress", "RunReport", "UnitError"]

STATES: tuple[State, ...] = tuple(State)


@attrs.frozen(kw_only=True)
class ExceptionItem:
    """A record a person should look at: held, failed, quarantined, or stuck (held too long)."""

    flow: str
    source_key: str
    source_id: str
    kind: str
    reason: str | None
    field: str | None = None
    waits_on: str | None = None
    since: dt.datetime
    attempts: int = 0

    @classmethod
    def of(cls, row: LedgerRow, *, stuck_after: dt.timedelta, now: dt.datetime) -> ExceptionItem:
        since = row.held_since if row.state == State.HELD and row.held_since else row.updated_at
        stuck = row.state == State.HELD and now - since >= stuck_after
        return cls(
            flow=row.flow,
            source_key=row.source_key,
            source_id=row.source_id,
            kind="stuck" if stuck else row.state.value,
            reason=row.reason,
            field=row.field,
            waits_on=row.waits_on,
            since=since,
            attempts=row.attempts,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "source_key": self.source_key,
            "source_id": self.source_id,
            "kind": self.kind,
            "reason": self.reason,
            "field": self.field,
            "waits_on": self.waits_on,
            "since": self.since.isoformat(),
            "attempts": self.attempts,
        }


@attrs.frozen(kw_only=True)
class UnitError:
    """A unit of work that stopped early: a system unreachable, credentials refused, a bug."""

    flow: str
    partition: str
    kind: str
    message: str
    unreachable: bool = False

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class FlowReport:
    """One flow in one run."""

    flow: str
    counts: Mapping[State, int]
    changes: Mapping[str, int]
    throttle_seconds: float
    exceptions: tuple[ExceptionItem, ...]
    errors: tuple[UnitError, ...] = ()
    busy: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {state.value: self.counts.get(state, 0) for state in STATES},
            "changes": dict(self.changes),
            "throttle_seconds": round(self.throttle_seconds, 3),
            "exceptions": [e.to_json() for e in self.exceptions],
            "errors": [e.to_json() for e in self.errors],
            "busy": list(self.busy),
        }


@attrs.frozen(kw_only=True)
class RunReport:
    """What ``run_once`` did; ``exit_code`` follows the command line's contract."""

    run_id: str
    worker: str
    started_at: dt.datetime
    finished_at: dt.datetime
    flows: Mapping[str, FlowReport]

    @property
    def failed(self) -> int:
        """Records that ended this run ``failed``."""
        return sum(f.changes.get("failed", 0) for f in self.flows.values())

    @property
    def unreachable(self) -> bool:
        """Whether a system could not be reached or refused the credentials."""
        return any(e.unreachable for f in self.flows.values() for e in f.errors)

    @property
    def exit_code(self) -> int:
        if self.unreachable:
            return 3
        if self.failed or any(f.errors for f in self.flows.values()):
            return 1
        return 0

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "worker": self.worker,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "exit_code": self.exit_code,
            "flows": {name: f.to_json() for name, f in self.flows.items()},
        }


@attrs.frozen
class Progress:
    """A progress tick: ``phase`` is ``extract`` or ``post``; ``total`` is ``None`` if unknown."""

    flow: str
    partition: str
    phase: str
    done: int
    total: int | None
