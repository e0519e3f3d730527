"""What the toolkit tells observers about every attempt."""

from __future__ import annotations

import attrs

__all__ = ["AttemptEvent"]


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
