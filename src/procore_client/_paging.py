"""Pure helpers shared by the resource modules: v1 paging, filters, ids and write bodies.

Procore v1 lists page with ``page``/``per_page`` and answer ``Total``, ``Per-Page`` and an
RFC 8288 ``Link`` header; webhook deliveries page with a ``page_start`` keyset cursor instead.
Date-range filters are ``filters[attr]=<start>...<end>`` in ISO-8601 UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from mlconnector_http import Operation, Page, Params, checked_datetime, decode_each, loads
from procore_client._convert import decoder, structure_entries, structure_one
from procore_client._exceptions import (
    ProcoreConfigurationError,
    ProcoreDecodeError,
    ProcoreError,
)

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_ID",
    "MAX_PER_PAGE",
    "check_id",
    "cursor_page_parser",
    "date_range",
    "filters",
    "format_instant",
    "get_op",
    "is_int",
    "is_text",
    "list_op",
    "page_parser",
    "paging_params",
    "record_parser",
    "v1",
    "v11",
]

T = TypeVar("T")

MAX_PER_PAGE = 2000
"""The largest ``per_page`` the client sends: Procore's pagination guide recommends 2,000 at most
(an endpoint with a lower cap, such as v1.1 projects at 300, answers its own ``Per-Page``)."""
DEFAULT_PER_PAGE = MAX_PER_PAGE
"""Lists ask for the largest page by default, so a listing makes the fewest requests: under
the 25-per-10-s spike window each page saved is 0.4 s of waiting."""
_SERVER_PER_PAGE = 100  # what Procore sends when a request names no per_page (ruby-sdk links)
MAX_ID = 2**63 - 1
_OPEN_START = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_OPEN_END = dt.datetime(2999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def v1(path: str) -> str:
    """A v1.0 REST path, relative so a base URL with a path prefix (a gateway) keeps it."""
    return f"rest/v1.0/{path}"


def v11(path: str) -> str:
    """A v1.1 REST path, relative like :func:`v1`."""
    return f"rest/v1.1/{path}"


def is_int(value: object) -> bool:
    """Whether ``value`` is a real int (``True`` is not an id); for runtime argument checks."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_text(value: object) -> bool:
    """Whether ``value`` is a string with something other than whitespace in it."""
    return isinstance(value, str) and bool(value.strip())


def check_id(name: str, value: int) -> str:
    """A Procore id (a positive 64-bit int) as it goes in a path or query; else a clear error."""
    if not is_int(value) or not 0 < value <= MAX_ID:
        raise ProcoreConfigurationError(
            f"{name} must be a positive 64-bit integer Procore id, got {value!r}"
        )
    return str(value)


def paging_params(page_size: int, name: str = "per_page") -> Params:
    """The ``page_size`` argument checked against the documented range (1 to 2000).

    It goes on the wire as ``name`` (``per_page`` on v1 lists, ``page_size`` on deliveries).
    """
    if not is_int(page_size) or not 1 <= page_size <= MAX_PER_PAGE:
        raise ProcoreConfigurationError(
            f"page_size must be an int between 1 and {MAX_PER_PAGE}, got {page_size!r}"
        )
    return [(name, str(page_size))]


def filters(**values: object) -> Params:
    """``filters[name]=value`` for each value given (``None`` means "no filter")."""
    return [(f"filters[{name}]", str(value)) for name, value in values.items() if value is not None]


def format_instant(moment: dt.datetime, *, round_up: bool = False) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC; sub-second parts are rounded outwards when asked.

    Naive datetimes are refused: a range off by the local UTC offset silently skips records.
    """
    if not isinstance(moment, dt.datetime):
        raise ProcoreConfigurationError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ProcoreConfigurationError(
            f"datetime {moment.isoformat()} has no time zone: pass an aware datetime "
            "(e.g. datetime.now(UTC))"
        )
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:
        raise ProcoreConfigurationError(f"datetime {moment!r} is outside the UTC range") from None
    whole = utc.replace(microsecond=0)
    if (
        round_up
        and utc.microsecond
        and whole.replace(tzinfo=None) < dt.datetime.max.replace(microsecond=0)
    ):
        whole += dt.timedelta(seconds=1)
    return whole.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def date_range(
    name: str, after: dt.datetime | None, before: dt.datetime | None
) -> list[tuple[str, str]]:
    """``filters[name]=<after>...<before>``, widened to whole seconds so no record is missed.

    ``after`` and ``before`` are a list's ``modified_since`` and ``modified_before`` arguments:
    aware datetimes (a naive one is refused, naming the argument). An open end is filled with
    1970-01-01 or 2999-12-31 (Procore wants both ends; how it reads an open range is
    UNCONFIRMED).
    """
    if after is None and before is None:
        return []
    after = checked_datetime(after, argument="modified_since", family=ProcoreError)
    before = checked_datetime(before, argument="modified_before", family=ProcoreError)
    start = format_instant(after if after is not None else _OPEN_START)
    end = format_instant(before if before is not None else _OPEN_END, round_up=True)
    if end < start:
        raise ProcoreConfigurationError(
            f"{name} range ends ({end}) before it starts ({start}): swap the two datetimes"
        )
    return [(f"filters[{name}]", f"{start}...{end}")]


_MAX_HEADER_DIGITS = 18  # a count past 10**18 is no count: read as absent, not as an overflow


def _int_header(response: httpx.Response, name: str) -> int | None:
    raw = response.headers.get(name)
    if raw is None:
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_HEADER_DIGITS:
        return None
    return int(text)


def _next_url(response: httpx.Response) -> str | None:
    """``Link rel="next"``; with no ``Link`` header at all, the page after per ``Total``."""
    if "link" in response.headers:
        try:
            url = response.links.get("next", {}).get("url")
        except (ValueError, TypeError, LookupError):
            return None
        return str(url) if url else None
    total = _int_header(response, "total")
    if total is None:
        return None
    request_url = response.request.url
    page_text = request_url.params.get("page") or "1"
    size_text = request_url.params.get("per_page") or str(_SERVER_PER_PAGE)
    if not (page_text.isdigit() and size_text.isdigit()) or len(page_text + size_text) > 36:
        return None
    page = int(page_text)
    per_page = _int_header(response, "per-page") or int(size_text)
    if page >= -(-total // max(per_page, 1)):  # integer ceiling: a float would overflow
        return None
    return str(request_url.copy_set_param("page", page + 1))


def page_parser(cls: type[T], kind: str) -> Callable[[httpx.Response], Page[T]]:
    """The parser of a v1 list page: a JSON array of ``cls``, its next link and ``Total``."""

    def parse(response: httpx.Response) -> Page[T]:
        entries = structure_entries(
            loads(response.content), cls, kind=kind, page_url=str(response.request.url)
        )
        return Page.of(entries, next_url=_next_url(response), total=_int_header(response, "total"))

    return decoder.page(parse)


def cursor_page_parser(
    read: Callable[[Any], T], page_size: int, kind: str
) -> Callable[[httpx.Response], Page[T]]:
    """The parser of a ``page_start`` keyset page (webhook deliveries).

    A full page points to the next one at ``page_start=<last id>``; the id read is the row's
    ``id``, else its ``event_id`` (which one Procore means by "the last id" is UNCONFIRMED).
    """

    def parse(response: httpx.Response) -> Page[T]:
        rows = response.json()
        if not isinstance(rows, list):
            raise ProcoreDecodeError(f"{kind} list", ["expected a JSON array"])
        entries = decode_each(rows, lambda _, row: read(row), page_url=str(response.request.url))
        next_url = None
        if rows and len(rows) >= page_size:
            last = rows[-1]
            cursor = last.get("id") if isinstance(last, Mapping) else None
            if cursor is None and isinstance(last, Mapping):
                cursor = last.get("event_id")
            if isinstance(cursor, int | str) and not isinstance(cursor, bool):
                next_url = str(response.request.url.copy_set_param("page_start", str(cursor)))
        return Page.of(entries, next_url=next_url, total=_int_header(response, "total"))

    return parse


def list_op(
    name: str, path: str, params: Sequence[tuple[str, str]], cls: type[T], kind: str
) -> Operation[Page[T]]:
    """A GET of one v1 page of ``cls`` records."""
    return Operation(
        name=name, method="GET", path=path, params=list(params), parse=page_parser(cls, kind)
    )


def record_parser(cls: type[T], record: str) -> Callable[[httpx.Response], T]:
    """The parser of a response holding one ``cls`` record (``record`` names it in errors)."""

    def parse(response: httpx.Response) -> T:
        return structure_one(response.json(), cls, record=record)

    return parse


def get_op(
    name: str, path: str, params: Sequence[tuple[str, str]], cls: type[T], record: str
) -> Operation[T]:
    """A GET of one record."""
    return Operation(
        name=name, method="GET", path=path, params=list(params), parse=record_parser(cls, record)
    )
