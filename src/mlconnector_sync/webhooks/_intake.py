"""Procore webhook deliveries into the state's inbox: verify, parse, store once, answer fast.

The only I/O on a delivery is one insert into the inbox, deduplicated by the event's key, so
the answer goes back well within Procore's 5 seconds; the engine fetches the records later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

import attrs

from mlconnector_http import Secret
from mlconnector_sync.state import InboxEvent, StateStore
from procore_client import WebhookAuthError, WebhookEvent, WebhookPayloadError, verify_and_parse

__all__ = ["Intake", "IntakeResult", "inbox_event"]


def inbox_event(source: str, event: WebhookEvent, *, now: dt.datetime) -> InboxEvent:
    """A parsed Procore event as an inbox entry of ``source`` (``procore:<connection>``)."""
    return InboxEvent(
        key=f"{source}:{event.dedupe_key}",
        source=source,
        kind=event.resource_type,
        partition="" if event.project_id is None else str(event.project_id),
        record_id=str(event.resource_id),
        event_type=event.event_type.value,
        received_at=now,
        payload=dict(event.raw),
    )


@attrs.frozen
class IntakeResult:
    """How a delivery was answered: the HTTP status and, when stored, whether it was new."""

    status: int
    stored: bool = False
    message: str = ""


class Intake:
    """Takes one delivery: the headers and body as received, to an answer.

    Args:
        store: where events are kept.
        source: the inbox source name (``procore:<connection>``).
        secrets: the accepted ``Authorization`` values (two while rotating).
        own_application: this integration's Procore client id: events its own writes caused
            (the write-back of ``origin_id``) are answered 200 and not stored, so they do not
            come back as fetches.
        now: the clock.
    """

    def __init__(
        self,
        store: StateStore,
        *,
        source: str,
        secrets: Secret | Sequence[Secret],
        own_application: str | None = None,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.store = store
        self.source = source
        self._secrets = secrets
        self.own_application = own_application
        self.now = now

    def __repr__(self) -> str:
        return f"Intake(source={self.source!r})"

    def take(self, headers: Iterable[tuple[bytes, bytes]], body: bytes) -> IntakeResult:
        """Verify and store one delivery; refused ones store nothing."""
        try:
            event = verify_and_parse(list(headers), body, self._secrets)
        except WebhookAuthError:
            return IntakeResult(401, message="unauthorized")
        except WebhookPayloadError as error:
            return IntakeResult(error.status_code, message=str(error))
        caused_by = None if event.metadata is None else event.metadata.source_application_id
        if self.own_application is not None and caused_by == self.own_application:
            return IntakeResult(200, message="ignored: caused by this integration's own write")
        stored = self.store.inbox_put(inbox_event(self.source, event, now=self.now()))
        return IntakeResult(200, stored=stored, message="stored" if stored else "duplicate")
