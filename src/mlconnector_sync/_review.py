"""The review gate: records a flow holds for a person's approval, and that person's decision.

A flow built with ``review=True`` holds every document it would post on
:data:`~mlconnector_sync.REVIEW_WAITS` (Procore's "accounting acceptance"). Accepting records
the version accepted (its content hash) on the row, and the next run posts it through the
usual path; rejecting skips it, with the person's note as the rule. Either decision is an
audit event naming who decided and when; a record changed in the source after a decision is
reviewed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from mlconnector_sync._audit import event_for
from mlconnector_sync._flow import REVIEW_WAITS
from mlconnector_sync._ledger import Event, LedgerRow, State, transition
from mlconnector_sync.state import ConcurrentUpdate, StateStore

__all__ = ["ReviewResult", "decide", "in_review"]


@attrs.frozen
class ReviewResult:
    """Which records were decided and which were left as they are (with why)."""

    decided: tuple[LedgerRow, ...]
    left: tuple[tuple[str, str], ...]


def in_review(store: StateStore, *, flow: str | None = None) -> list[LedgerRow]:
    """The records waiting for a decision, oldest first."""
    return [
        row for row in store.rows(flow=flow, states=[State.HELD]) if row.waits_on == REVIEW_WAITS
    ]


def decide(
    store: StateStore,
    keys: Sequence[str],
    *,
    accept: bool,
    by: str,
    now: dt.datetime,
    note: str = "",
    flow: str | None = None,
) -> ReviewResult:
    """Accept (post on the next run) or reject (skip) the named records waiting in review.

    ``by`` names the person; it is the audit event's worker, so the trail says who and when.
    """
    if not by.strip():
        raise ValueError("a review decision names who made it")
    chosen = store.rows(flow=flow, keys=list(keys))
    decided: list[LedgerRow] = []
    left: list[tuple[str, str]] = []
    verb = "accepted" if accept else "rejected"
    for row in chosen:
        if row.state != State.HELD or row.waits_on != REVIEW_WAITS:
            left.append((row.source_key, f"is {row.state}, not waiting in review"))
            continue
        reason = f"{verb} in review by {by}" + (f": {note}" if note else "")
        if accept:
            after = transition(
                row, Event.ACCEPTED, now=now, accepted_hash=row.content_hash, reason=reason
            )
            event = Event.ACCEPTED
        else:
            after = transition(row, Event.REJECTED, now=now, reason=reason)
            event = Event.REJECTED
        try:
            store.commit(
                None, [after], [event_for(row, after, event, worker=f"review:{by}")], now=now
            )
        except ConcurrentUpdate:
            left.append((row.source_key, "changed while deciding; decide again"))
            continue
        decided.append(after)
    found = {row.source_key for row in chosen}
    left.extend((key, "no such record") for key in keys if key not in found)
    return ReviewResult(tuple(decided), tuple(left))
