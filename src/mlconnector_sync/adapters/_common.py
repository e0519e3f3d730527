"""What the adapters share: model snapshots, rejects, and client errors as write outcomes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import attrs

from mlconnector_http import (
    APIStatusError,
    AuthError,
    DecodeError,
    PermissionDenied,
    RateLimited,
    Reject,
    ServerError,
)
from mlconnector_sync._flow import Rejected, SourceRecord, WriteRefused
from mlconnector_sync._ledger import content_hash, normalize

__all__ = ["normalized_name", "records", "refusal", "rejected", "rejected_read", "snapshot"]

T = TypeVar("T")


def snapshot(model: Any) -> dict[str, Any]:
    """An attrs model as plain JSON data (money and times as strings)."""
    data: dict[str, Any] = normalize(attrs.asdict(model, recurse=True))
    return data


def records(
    items: Iterable[T | Reject],
    *,
    key: Callable[[str], str],
    ident: Callable[[T], str],
    modified: Callable[[T], Any],
) -> Iterator[SourceRecord | Rejected]:
    """Decoded models as source records and client rejects as :class:`Rejected`, in order."""
    for item in items:
        if isinstance(item, Reject):
            yield rejected(key, item.record_id, item.raw, item.field, item.reason)
            continue
        record_id = ident(item)
        yield SourceRecord(
            key=key(record_id), id=record_id, payload=snapshot(item), modified_at=modified(item)
        )


def rejected(
    key: Callable[[str], str], record_id: str | None, raw: Any, field: str, reason: str
) -> Rejected:
    """A record the client could not decode; one without an id is named by a digest of its
    raw JSON, the same in every run, so re-reading it never adds a second ledger row."""
    ident = record_id or f"unidentified:{content_hash(raw)[:12]}"
    return Rejected(key=key(ident), id=ident, raw=raw, field=field, reason=reason)


def rejected_read(
    key: Callable[[str], str], record_id: str, raw: Any, error: DecodeError, what: str
) -> Rejected:
    """A detail read that did not decode: quarantined with its first field path, ``what``
    (``"bill detail"``) naming the read in the reason."""
    field, reason = error.fields[0] if error.fields else ("", str(error))
    return rejected(key, record_id, raw, field, f"{what}: {reason}")


def normalized_name(name: str) -> str:
    """A name as natural-key matching compares it: case, accents, punctuation and spacing
    folded, and common company suffixes dropped (``"ACME, Inc."`` == ``"Acme"``)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    while words and words[-1] in _SUFFIXES:
        words.pop()
    return " ".join(words)


_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "co",
        "corp",
        "corporation",
        "gmbh",
        "sa",
        "bv",
        "plc",
        "ag",
        "company",
    }
)


def refusal(error: APIStatusError) -> WriteRefused:
    """A client status error as the engine's refusal (auth problems are re-raised as-is)."""
    if isinstance(error, AuthError | PermissionDenied):
        raise error
    permanent = not isinstance(error, RateLimited | ServerError)  # sending again cannot help
    field = error.errors[0].field if error.errors else None
    return WriteRefused(str(error), permanent=permanent, field=field, request_id=error.request_id)
