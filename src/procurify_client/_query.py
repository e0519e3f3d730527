"""Query strings and list bodies the Procurify way, checked before anything is sent.

Procurify silently ignores a query parameter it does not know, so a misspelt filter returns
every record. Each list declares its filters as a name -> :class:`Kind` table; anything else
is refused here with the allowed names. Dates go out as ``YYYY-MM-DD``, datetimes as UTC
ISO-8601, and a naive datetime is refused (its zone would be a guess).

List bodies come in two shapes, ``{"metadata": {"pagination": ...}, "data": [...]}`` and
``{"pagination": ..., "data": [...]}``; :func:`page_parser` reads both and hands ``next`` to
the toolkit's paginator, which keeps to the API origin and refuses loops.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import httpx

from mlconnector_http import Page, Params, Reject, checked_datetime, loads
from procurify_client._convert import decoder, load
from procurify_client._exceptions import (
    ProcurifyConfigurationError,
    ProcurifyError,
    ProcurifyPaginationError,
    ProcurifyServerError,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "Kind",
    "aware_bound",
    "list_params",
    "malformed",
    "modified_within",
    "page_parser",
    "record_parser",
    "widened_day",
]

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 1000
"""Lists ask for 1,000 records a page by default, so a listing makes the fewest requests (at
the default 50 ms spacing, 100,000 POs are 101 requests, not 1,001). Procurify documents no
maximum; its DRF pagination cuts a larger ``page_size`` to the server's own maximum and links
the next page, so a smaller server limit costs requests, never records."""


class Kind(enum.Enum):
    """How a filter's value goes on the wire."""

    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    CSV = "csv"
    IDS = "ids"


def _low_bound(name: str) -> bool:
    return name.endswith(("_0", "_after"))


def _aware(name: str, value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ProcurifyConfigurationError(
            f"filter {name!r} got a naive datetime ({value.isoformat()}); pass an aware one, "
            "e.g. datetime(2026, 1, 1, tzinfo=UTC), so the instant is not a guess"
        )
    return value


def aware_bound(argument: str, value: object) -> dt.datetime | None:
    """A list's ``modified_since``/``modified_before`` argument: ``None`` or an aware datetime
    (see :func:`mlconnector_http.checked_datetime`)."""
    return checked_datetime(value, argument=argument, family=ProcurifyError)


def widened_day(moment: dt.datetime | None, *, low: bool) -> dt.date | None:
    """The day to send for an instant bound where Procurify filters by whole days only.

    Procurify reads the day in the tenant's zone, which the client does not know, so the day
    sent is one wider than the instant's UTC day (the day before for a low bound, the day
    after for a high one); :func:`modified_within` then drops what the day let through.
    """
    if moment is None:
        return None
    day = moment.astimezone(dt.UTC).date()
    return day - dt.timedelta(days=1) if low else day + dt.timedelta(days=1)


def modified_within(
    parse: Callable[[httpx.Response], Page[T]],
    modified: Callable[[T], dt.datetime | None],
    since: dt.datetime | None,
    before: dt.datetime | None,
) -> Callable[[httpx.Response], Page[T]]:
    """``parse`` keeping only records modified at or after ``since`` and at or before ``before``.

    For lists the server filters by day only: a record without a modification time is kept
    (it cannot be judged), and rejects are always kept. The page counts what it dropped, so
    a page of dropped records is not taken for a listing that does not advance; the pages
    carry no total (the server's counts whole days).
    """
    if since is None and before is None:
        return parse

    def keep(record: T) -> bool:
        at = modified(record)
        if at is None:
            return True
        return (since is None or at >= since) and (before is None or at <= before)

    def filtered(response: httpx.Response) -> Page[T]:
        page = parse(response)
        entries = [e for e in page.entries() if isinstance(e, Reject) or keep(e)]
        dropped = len(page.entries()) - len(entries)
        # the server's count is of the whole days, not of the instants: no total is known
        out = Page.of(entries, next_url=page.next_url)
        return attrs.evolve(out, dropped=dropped) if dropped else out

    return filtered


def _date_text(name: str, value: object) -> str:
    """A whole-day bound: an aware datetime widens to the day that keeps every match."""
    if isinstance(value, dt.datetime):
        moment = _aware(name, value)
        days = (moment.date(), moment.astimezone(dt.UTC).date())
        return (min(days) if _low_bound(name) else max(days)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise ProcurifyConfigurationError(
        f"filter {name!r} takes a date or an aware datetime, not {type(value).__name__}"
    )


def _datetime_text(name: str, value: object) -> str:
    """An instant bound in UTC; a plain date means the start (low) or end (high) of that day."""
    if isinstance(value, dt.datetime):
        moment = _aware(name, value).astimezone(dt.UTC)
    elif isinstance(value, dt.date):
        bound = dt.time.min if _low_bound(name) else dt.time.max
        moment = dt.datetime.combine(value, bound, dt.UTC)
    else:
        raise ProcurifyConfigurationError(
            f"filter {name!r} takes an aware datetime or a date, not {type(value).__name__}"
        )
    return moment.isoformat().replace("+00:00", "Z")


def _scalar(name: str, kind: Kind, value: object) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise ProcurifyConfigurationError(f"filter {name!r} takes True or False")
        return "true" if value else "false"
    if kind is Kind.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProcurifyConfigurationError(f"filter {name!r} takes an int (an id)")
        return str(value)
    if kind is Kind.DECIMAL:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            raise ProcurifyConfigurationError(f"filter {name!r} takes a number")
        return str(Decimal(repr(value)) if isinstance(value, float) else value)
    if kind is Kind.DATE:
        return _date_text(name, value)
    if kind is Kind.DATETIME:
        return _datetime_text(name, value)
    if isinstance(value, dt.date | Decimal) or not isinstance(value, str | int):
        raise ProcurifyConfigurationError(
            f"filter {name!r} takes a string, not {type(value).__name__}"
        )
    return str(value)


def _many(value: object) -> list[object]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _pairs(name: str, kind: Kind, value: object) -> list[tuple[str, str]]:
    """The query pairs for one filter value (several for ``vendor[]``-style id lists)."""
    if kind is Kind.IDS:
        ids = [_scalar(name, Kind.INT, item) for item in _many(value)]
        return [(name, ids[0])] if len(ids) == 1 else [(f"{name}[]", i) for i in ids]
    if kind is Kind.CSV:
        return [(name, ",".join(_scalar(name, Kind.TEXT, item) for item in _many(value)))]
    return [(name, _scalar(name, kind, value))]


def list_params(
    what: str,
    allowed: Mapping[str, Kind],
    filters: Mapping[str, object],
    *,
    page_size: object,
) -> Params:
    """Checked query pairs for a list: refuses unknown names, skips ``None`` values."""
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        raise ProcurifyConfigurationError(
            f"unknown filter{'s' if len(unknown) > 1 else ''} for {what}: "
            f"{', '.join(unknown)} (Procurify would silently ignore "
            f"{'them' if len(unknown) > 1 else 'it'} and return every record); "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    pairs: list[tuple[str, str]] = []
    for name, value in filters.items():
        if value is not None:
            pairs.extend(_pairs(name, allowed[name], value))
    if page_size is not None:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise ProcurifyConfigurationError(
                f"page_size must be a positive int, not {page_size!r}"
            )
        pairs.append(("page_size", str(page_size)))
    return pairs


def malformed(response: httpx.Response, problem: str) -> ProcurifyServerError:
    """A 2xx answer whose body is not what Procurify documents."""
    return ProcurifyServerError(
        f"unexpected response body: {problem}",
        status_code=response.status_code,
        method=response.request.method,
        path=response.request.url.path,
    )


def _label(noun: str, key: str, item: Any) -> str:
    """How an error names a record: ``purchase order 1042``."""
    value = item.get(key) if isinstance(item, Mapping) else None
    return f"{noun} {value}" if value is not None else noun


def record_parser(cls: type[T], noun: str, key: str = "id") -> Callable[[httpx.Response], T]:
    """A parser for a single-record answer (wrapped in ``data`` or not)."""

    def parse(response: httpx.Response) -> T:
        body = response.json()
        data = body["data"] if isinstance(body, dict) and "data" in body else body
        if not isinstance(data, dict):
            raise malformed(response, f"expected one record, got {type(data).__name__}")
        return load(data, cls, record=_label(noun, key, data))

    return parse


def _pagination(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    metadata = body.get("metadata")
    if isinstance(metadata, Mapping) and isinstance(metadata.get("pagination"), Mapping):
        found: Mapping[str, Any] = metadata["pagination"]
        return found
    top = body.get("pagination")
    return top if isinstance(top, Mapping) else None


def _check_advances(next_url: str | None, current: object) -> None:
    """Refuse a ``next`` link whose page number does not pass the current page.

    The toolkit refuses a link it has already followed, but page 1 is first requested
    without ``page=1``, so a link back to ``page=1`` would be followed once and its records
    yielded twice before the loop is noticed; Procurify's ``current_page`` catches it first.
    """
    if next_url is None or isinstance(current, bool) or not isinstance(current, int):
        return
    try:
        page = httpx.URL(next_url).params.get("page")
    except (httpx.InvalidURL, ValueError, TypeError):
        return  # a malformed link: the paginator refuses it with a pagination error
    if page is not None and page.isdigit() and int(page) <= current:
        raise ProcurifyPaginationError(
            f"pagination loop: the next link asks for page {page} while on page {current}"
        )


def page_parser(cls: type[T], noun: str, key: str = "id") -> Callable[[httpx.Response], Page[T]]:
    """A parser for one page of a list, in either pagination shape."""

    def parse(response: httpx.Response) -> Page[T]:
        body = loads(response.content)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise malformed(response, "a list answer without a data array")
        pagination = _pagination(body) or {}
        next_url = pagination.get("next")
        next_url = next_url if isinstance(next_url, str) and next_url else None
        _check_advances(next_url, pagination.get("current_page"))
        count = pagination.get("count")
        entries = decoder.rows(
            body["data"],
            cls,
            label=lambda item: _label(noun, key, item),
            identify=lambda item: item.get(key) if isinstance(item, Mapping) else None,
            page_url=str(response.request.url),
        )
        return Page.of(
            entries,
            next_url=next_url,
            total=count if isinstance(count, int) and not isinstance(count, bool) else None,
        )

    return decoder.page(parse)
