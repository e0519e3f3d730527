"""Query-string parsing shared by the handlers: required ids, ``filters[...]``, v1 paging.

Procore's v1 list actions share one grammar: ``filters[attr]=v``, arrays as ``filters[attr][]``,
ISO-8601 ranges joined by ``...``, and ``page``/``per_page`` answered with ``Total``,
``Per-Page`` and an RFC 8288 ``Link`` header.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from mlconnector_http.testing import SimRequest
from procore_client.testing._errors import BadRequest, HttpError

__all__ = [
    "DEFAULT_PER_PAGE",
    "choice_filter",
    "date_range",
    "id_filter",
    "int_param",
    "paginate",
    "record_filter",
    "require_int",
    "time_range",
    "within",
]

T = TypeVar("T")
D = TypeVar("D", datetime, date)

DEFAULT_PER_PAGE = 100


def int_param(req: SimRequest, name: str) -> int | None:
    """The integer query parameter ``name``, or None when absent; 400 when not an integer."""
    raw = req.query(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise HttpError(400, {"errors": f"{name} is invalid"}) from None


def require_int(req: SimRequest, name: str, body_value: object = None) -> int:
    """A required integer taken from the query string or, failing that, from the JSON body."""
    value = int_param(req, name)
    if value is not None:
        return value
    if isinstance(body_value, int) and not isinstance(body_value, bool):
        return body_value
    if isinstance(body_value, str) and body_value.isdigit():
        return int(body_value)
    raise HttpError(400, {"errors": f"{name} is missing"})


def id_filter(req: SimRequest, name: str) -> set[int] | None:
    """``filters[name][]=1&filters[name][]=2`` (or ``filters[name]=1,2``) as a set of ints."""
    raw = req.query_all(f"filters[{name}][]") + req.query_all(f"filters[{name}]")
    if not raw:
        return None
    values: set[int] = set()
    for chunk in raw:
        for part in chunk.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                values.add(int(part))
            except ValueError:
                raise BadRequest(f"filters[{name}] must hold integer ids") from None
    return values


def _parse_instant(text: str, *, end: bool, name: str) -> datetime:
    text = text.strip().strip('"').strip()
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise BadRequest(f"filters[{name}] has an invalid date: {text}") from None
        if end:
            return datetime.combine(day, time.max, tzinfo=UTC)
        return datetime.combine(day, time.min, tzinfo=UTC)
    candidate = text
    if " " in candidate and "T" in candidate:
        candidate = candidate.replace(" ", "+")
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise BadRequest(f"filters[{name}] has an invalid ISO-8601 time: {text}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def time_range(req: SimRequest, name: str) -> tuple[datetime, datetime] | None:
    """``filters[name]=<start>...<end>`` as an inclusive UTC range; date-only ends cover the day."""
    raw = req.query(f"filters[{name}]")
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip().strip('"')
    if "..." not in text:
        raise BadRequest(f"filters[{name}] must be a range written <start>...<end>")
    start_text, _, end_text = text.partition("...")
    start = _parse_instant(start_text, end=False, name=name)
    end = _parse_instant(end_text, end=True, name=name)
    if end < start:
        raise BadRequest(f"filters[{name}] ends before it starts")
    return start, end


def date_range(req: SimRequest, name: str) -> tuple[date, date] | None:
    """``filters[name]=<day>...<day>`` (or a single day) for date-valued attributes."""
    raw = req.query(f"filters[{name}]")
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip().strip('"')
    start_text, sep, end_text = text.partition("...")
    if not sep:
        end_text = start_text
    try:
        start = date.fromisoformat(start_text.strip()[:10])
        end = date.fromisoformat(end_text.strip()[:10])
    except ValueError:
        raise BadRequest(f"filters[{name}] must be dates written YYYY-MM-DD...YYYY-MM-DD") from None
    return start, end


def _link(req: SimRequest, page: int, per_page: int, rel: str) -> str:
    url = req.url.copy_merge_params({"page": page, "per_page": per_page})
    return f'<{url}>; rel="{rel}"'


def paginate(
    req: SimRequest,
    items: Sequence[T],
    *,
    maximum: int,
    default: int = DEFAULT_PER_PAGE,
) -> tuple[Sequence[T], dict[str, str]]:
    """Slice one page of ``items`` and build the ``Total``/``Per-Page``/``Link`` headers.

    ``per_page`` above ``maximum`` is clamped (``Per-Page`` reports the size used). Links follow
    the api-pagination convention: ``first``/``prev`` unless on page 1, ``next``/``last``
    unless on the last page.
    """
    per_page = int_param(req, "per_page") or default
    per_page = min(max(per_page, 1), maximum)
    page = max(int_param(req, "page") or 1, 1)
    total = len(items)
    pages = max(math.ceil(total / per_page), 1)
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]
    links: list[str] = []
    if page > 1:
        links.append(_link(req, 1, per_page, "first"))
        links.append(_link(req, page - 1, per_page, "prev"))
    if page < pages:
        links.append(_link(req, pages, per_page, "last"))
        links.append(_link(req, page + 1, per_page, "next"))
    headers = {"Total": str(total), "Per-Page": str(per_page)}
    if links:
        headers["Link"] = ", ".join(links)
    return chunk, headers


def within(value: D | None, bounds: tuple[D, D] | None) -> bool:
    """Whether ``value`` (a time or a day) lies in the inclusive ``bounds`` (none: always)."""
    if bounds is None:
        return True
    return value is not None and bounds[0] <= value <= bounds[1]


def choice_filter(req: SimRequest, name: str, choices: Sequence[str]) -> str | None:
    """``filters[name]``, which must be one of ``choices`` (400 otherwise)."""
    value = req.query(f"filters[{name}]")
    if value is not None and value not in choices:
        raise BadRequest(f"filters[{name}] must be one of {', '.join(choices)}")
    return value


def record_filter(req: SimRequest) -> Callable[[Any], bool]:
    """The filters every v1 list takes: ``id``, ``origin_id``, ``created_at``, ``updated_at``."""
    ids = id_filter(req, "id")
    origin = req.query("filters[origin_id]")
    created = time_range(req, "created_at")
    updated = time_range(req, "updated_at")

    def matches(record: Any) -> bool:
        return (
            (ids is None or record.id in ids)
            and (origin is None or record.origin_id == origin)
            and within(record.created_at, created)
            and within(record.updated_at, updated)
        )

    return matches
