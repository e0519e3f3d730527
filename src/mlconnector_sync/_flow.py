"""A flow as frozen data: an incremental source, a pure transform, and an idempotent sink.

A connector pair is added by writing a :class:`Source` and a :class:`Sink` (adapters over a
client) and a :class:`Flow` naming them with a transform; the engine is not edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

__all__ = [
    "REVIEW_WAITS",
    "Context",
    "Flow",
    "Hold",
    "InvalidRecord",
    "Match",
    "Post",
    "Pushed",
    "Rejected",
    "Settles",
    "Sink",
    "Skip",
    "Source",
    "SourceRecord",
    "Verdict",
    "WriteRefused",
    "Written",
]


@attrs.frozen(kw_only=True)
class SourceRecord:
    """One record as read from the source, snapshot as JSON-able data.

    ``key`` names the record across systems and runs (``"qad:acme/10USA:supplier:S100"``); the
    external reference written to the target is derived from it alone.
    """

    key: str
    id: str
    payload: Mapping[str, Any]
    modified_at: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class Rejected:
    """A source record the client could not decode: kept with its raw JSON, never dropped."""

    key: str
    id: str
    raw: Any
    field: str
    reason: str


class Source(Protocol):
    """Where a flow reads from: partitions, and records changed since a time."""

    def partitions(self) -> Sequence[str]:
        """The partitions to sync (a tenant, a project); each is its own unit of work."""

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        """Every record of ``partition`` modified at or after ``since`` (all when ``None``)."""


@attrs.frozen
class Match:
    """A document found in the target: its own id and, for natural-key matches, how."""

    target_id: str
    how: str = "reference"


@attrs.frozen
class Written:
    """A write the target accepted; without a ``request_id`` the engine records the one of
    the last response the sink's client received."""

    target_id: str
    request_id: str | None = None


class WriteRefused(Exception):
    """The target answered no; ``permanent`` when sending it again cannot help.

    With ``waits_on`` the record is held rather than failed: the sink found, on reading the
    target, that a person must act first (a paid invoice whose bill changed, say).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        field: str | None = None,
        request_id: str | None = None,
        waits_on: str | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.field = field
        self.request_id = request_id
        self.waits_on = waits_on


class Sink(Protocol):
    """Where a flow writes: lookups by reference (then natural key), creates and updates.

    ``create`` and ``update`` raise :class:`WriteRefused` for an answer, and the toolkit's
    ``WriteOutcomeUnknown`` (or any ``TransportError``) when the outcome is not known.
    """

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        """Every target document carrying ``reference``, or else matching its natural key."""

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        """Create the document carrying ``reference``."""

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        """Bring an existing target document up to ``document`` (and link it to ``reference``)."""


@runtime_checkable
class Settles(Protocol):
    """A sink whose successful write has a follow-up (Procore's write-back of the target id)
    that must also happen when the engine finds, by lookup, that a write of unknown outcome
    took effect: after a timeout, or a crash between the write and the ledger."""

    def settled(self, target_id: str, reference: str, document: Mapping[str, Any]) -> None:
        """Do the follow-up for ``target_id``; never raises for the target's refusal."""


@attrs.frozen
class Post:
    """Write this document to the target."""

    document: Mapping[str, Any]


@attrs.frozen
class Hold:
    """Not yet: ``waits_on`` names what must exist first (``"QAD supplier for vendor 812"``)."""

    reason: str
    waits_on: str


@attrs.frozen
class Skip:
    """Never post this record: ``rule`` says why."""

    rule: str


Verdict = Post | Hold | Skip


class InvalidRecord(ValueError):
    """The record cannot be turned into a document: quarantined with ``field`` and ``reason``."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Context(Protocol):
    """What a transform may know beyond its record: mappings and the ledger of other flows."""

    @property
    def target_id(self) -> str | None:
        """The target document this record was posted as, if it was."""

    def posted_target(self, flow: str, source_key: str) -> str | None:
        """The target id another flow posted ``source_key`` as, or ``None``."""

    def mapping(self, name: str) -> Mapping[str, str]:
        """A mapping table from the config by name (empty when not configured)."""

    def table(self, name: str) -> Mapping[str, Any]:
        """A reference table the flow declared in ``Flow.tables`` (e.g. the target's GL
        accounts by code), loaded once per run of a unit on first use."""


Transform = Callable[[Mapping[str, Any], Context], Verdict]

REVIEW_WAITS = "review: a person to accept or reject it (mlconnector review)"
"""What a record waiting in a flow's review gate waits on."""


@attrs.frozen(kw_only=True)
class Pushed:
    """How a flow takes pushed events (webhooks) from the state's inbox.

    Events of ``source`` naming one of ``kinds`` are turned into a targeted fetch:
    ``fetch(partition, record_ids)`` reads just those records (a record gone is simply not
    yielded). The scheduled poll still runs, so an event never delivered is caught by it.
    """

    source: str
    kinds: tuple[str, ...]
    fetch: Callable[[str, Sequence[str]], Iterator[SourceRecord | Rejected]]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: dt.timedelta) -> None:
    if value < dt.timedelta(0):
        raise ValueError(f"{attribute.name} must not be negative")


@attrs.frozen(kw_only=True)
class Flow:
    """A named flow: read ``source``, decide with ``transform``, write through ``sink``.

    Args:
        name: the flow's name in config, reports and the command line.
        source: the incremental source.
        sink: the idempotent target.
        transform: pure: a record's payload and the context to a verdict; raises
            :class:`InvalidRecord` for bad input.
        reference: the external reference for a source key (the key itself by default); it
            must depend on the key alone so a record always gets the same one.
        lookback: how far before the last watermark each run re-reads (clock skew, late commits).
        max_attempts: transient failures retried with backoff before a record stays failed.
        requires: flows whose targets this one's transform reads (run first).
        tables: reference tables the transform reads through ``ctx.table(name)``: a loader
            per name, called with the partition once per unit run (so a transform stays a
            pure function of its record and of data read at the start of the run).
        review: an approval gate: every document the transform would post waits, held on
            :data:`REVIEW_WAITS`, until a person accepts that version of the record (a
            changed record is reviewed again); a rejected one is skipped.
        describe: a one-line summary of a document for the review queue (amounts, parties);
            a digest of the document's JSON by default.
        pushed: where the flow's source pushes changes (webhooks into the inbox), if it does.
    """

    name: str
    source: Source
    sink: Sink
    transform: Transform
    reference: Callable[[str], str] = str
    lookback: dt.timedelta = attrs.field(default=dt.timedelta(minutes=5), validator=_positive)
    max_attempts: int = 5
    requires: tuple[str, ...] = ()
    tables: Mapping[str, Callable[[str], Mapping[str, Any]]] = attrs.field(factory=dict)
    review: bool = False
    describe: Callable[[Mapping[str, Any]], str] | None = None
    pushed: Pushed | None = None
