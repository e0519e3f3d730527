"""mlconnector_sync: flows, ledger, state backends, audit, replay, runner and CLI.

A flow is data (:class:`Flow`: a :class:`Source`, a pure transform, a :class:`Sink`); the
:class:`Engine` runs flows against a :class:`~mlconnector_sync.state.StateStore` with
exactly-once effect, and returns a typed :class:`RunReport`.
"""

from mlconnector_sync._audit import AuditEvent
from mlconnector_sync._engine import EngineOptions
from mlconnector_sync._flow import (
    REVIEW_WAITS,
    Context,
    Flow,
    Hold,
    InvalidRecord,
    Match,
    Post,
    Pushed,
    Rejected,
    Settles,
    Sink,
    Skip,
    Source,
    SourceRecord,
    Verdict,
    WriteRefused,
    Written,
)
from mlconnector_sync._ledger import TRANSITIONS, Event, IllegalTransition, LedgerRow, State
from mlconnector_sync._replay import ReplayResult, replay
from mlconnector_sync._report import ExceptionItem, FlowReport, Progress, RunReport, UnitError
from mlconnector_sync._review import ReviewResult, decide, in_review
from mlconnector_sync._runner import Engine, Schedule

__all__ = [
    "REVIEW_WAITS",
    "TRANSITIONS",
    "AuditEvent",
    "Context",
    "Engine",
    "EngineOptions",
    "Event",
    "ExceptionItem",
    "Flow",
    "FlowReport",
    "Hold",
    "IllegalTransition",
    "InvalidRecord",
    "LedgerRow",
    "Match",
    "Post",
    "Progress",
    "Pushed",
    "Rejected",
    "ReplayResult",
    "ReviewResult",
    "RunReport",
    "Schedule",
    "Settles",
    "Sink",
    "Skip",
    "Source",
    "SourceRecord",
    "State",
    "UnitError",
    "Verdict",
    "WriteRefused",
    "Written",
    "decide",
    "in_review",
    "replay",
]
