"""Replay: put failed, quarantined, held or skipped records back in the queue, audited.

Replay only re-queues (``pending``); the next run posts them through the same sink, lookups
and rate budgets as any record. Posted records are left alone (already in the target), and
an intent still ``posting`` is resolved by the engine, never replayed over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from mlconnector_sync._audit import event_for
from mlconnector_sync._ledger import TRANSITIONS, Event, LedgerRow, State, transition
from mlconnector_sync.state import ConcurrentUpdate, StateStore

__all__ = ["ReplayResult", "replay"]

REPLAYABLE: tuple[State, ...] = tuple(
    state for (state, event) in TRANSITIONS if event == Event.REPLAYED
)


@attrs.frozen
class ReplayResult:
    """Which records were re-queued and which were left as they are (with why)."""

    queued: tuple[LedgerRow, ...]
    left: tuple[tuple[str, str], ...]


def replay(
    store: StateStore,
    *,
    now: dt.datetime,
    worker: str,
    keys: Sequence[str] | None = None,
    states: Sequence[State] | None = None,
    flow: str | None = None,
) -> ReplayResult:
    """Re-queue the matching records; idempotent (a pending record stays pending)."""
    if keys is None and states is None:
        raise ValueError("name records to replay: source keys, states, or both")
    chosen = store.rows(flow=flow, states=states, keys=keys)
    queued: list[LedgerRow] = []
    left: list[tuple[str, str]] = []
    for row in chosen:
        if row.state not in REPLAYABLE:
            why = "already in the target" if row.state == State.POSTED else f"is {row.state}"
            left.append((row.source_key, why))
            continue
        after = transition(row, Event.REPLAYED, now=now, attempts=0)
        try:
            store.commit(
                None, [after], [event_for(row, after, Event.REPLAYED, worker=worker)], now=now
            )
        except ConcurrentUpdate:
            left.append((row.source_key, "changed while replaying; run replay again"))
            continue
        queued.append(after)
    found = {row.source_key for row in chosen}
    left.extend((key, "no such record") for key in keys or () if key not in found)
    return ReplayResult(tuple(queued), tuple(left))
