"""What the toolkit tells observers about every attempt."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

__all__ = [
    "AttemptEvent",
    "RawResponse",
    "ResponseLog",
    "capture_responses",
    "record_response",
]

T = TypeVar("T")


@attrs.frozen
class AttemptEvent:
    """One HTTP attempt: logged through :mod:`logging` and offered to ``event_hook``.

    ``status`` is ``None`` when no response came back; ``waited`` is the pacing wait before
    sending; ``retry_in`` is the wait before the next attempt, if there will be one.
    """

    operation: str
    method: str
    path: str
    attempt: int
    status: int | None
    duration: float
    waited: float
    error: str | None = None
    request_id: str | None = None
    retry_in: float | None = None


@attrs.frozen
class RawResponse(Generic[T]):
    """The answer to one successful call, as the server gave it, without secrets.

    ``headers`` has every credential-like value (``Set-Cookie``, tokens, keys) replaced with
    ``[redacted]``; ``url`` has secret query values replaced; ``value`` is the parsed result;
    ``waited`` is the seconds the call waited for the rate budget, over all its attempts.
    """

    operation: str
    method: str
    url: str
    status_code: int
    headers: Mapping[str, str]
    request_id: str | None
    value: T
    waited: float = 0.0


class ResponseLog:
    """The raw responses of the successful calls made inside one :func:`capture_responses`."""

    def __init__(self) -> None:
        self.responses: list[RawResponse[Any]] = []

    @property
    def last(self) -> RawResponse[Any] | None:
        """The most recent one, or ``None``."""
        return self.responses[-1] if self.responses else None

    @property
    def request_ids(self) -> list[str | None]:
        """The server's request id of each, in order."""
        return [raw.request_id for raw in self.responses]


_LOG: contextvars.ContextVar[ResponseLog | None] = contextvars.ContextVar(
    "mlconnector_response_log", default=None
)


@contextlib.contextmanager
def capture_responses() -> Iterator[ResponseLog]:
    """Record the raw response of every successful call of any client made inside the block.

    Works for every client, sync or async, without changing the call::

        with capture_responses() as seen:
            vendor = client.vendors.create(name="Acme")
        seen.last.request_id, seen.last.status_code, seen.last.headers

    Built on :mod:`contextvars`, so concurrent threads and tasks each see only their own calls
    (an ``asyncio`` task started inside the block records into it too).
    """
    log = ResponseLog()
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)


def record_response(raw: RawResponse[Any]) -> None:
    """Add ``raw`` to the :class:`ResponseLog` of the innermost :func:`capture_responses`."""
    log = _LOG.get()
    if log is not None:
        log.responses.append(raw)
