"""What a QAD operation means apart from how REST carries it: the seam to a second transport.

Every browse, keyed read and write that ``_operations`` builds is a :class:`QADOperation`: the
REST request as before, plus an :class:`Intent` naming the table, model, filters, keys or
record. The REST executor ignores the intent; a client on another transport (QXtend) carries
out the intent instead of the request, so each resource is written once for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

import attrs

from mlconnector_http import Operation
from qad_client import _names as n
from qad_client._models import Filter, Workspace

__all__ = ["Intent", "IntentKind", "QADOperation"]

T = TypeVar("T")

IntentKind = Literal["browse", "read", "write"]


@attrs.frozen(kw_only=True)
class Intent:
    """A browse (filters, page size), a keyed read (keys) or a write (record, C/U, hash).

    ``record`` is the REST wire dict of the write (lines nested, each with its own
    ``dataOperation``), so a transport maps field names once, from REST wire names.
    """

    kind: IntentKind
    table: n.Table
    model: type
    workspace: Workspace | None = None
    filters: tuple[Filter, ...] = ()
    page_size: int = 0
    keys: Mapping[str, str] = attrs.field(factory=dict)
    record: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    operation: str = ""
    concurrency_hash: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class QADOperation(Operation[T]):
    """A QAD REST operation that also says what it means (:class:`Intent`)."""

    intent: Intent | None = attrs.field(default=None, repr=False)
