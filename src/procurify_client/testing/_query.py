"""Query strings the way DRF and django-filter read them: page numbers, filters, their errors.

Unknown parameters are never looked at, so they are ignored as the real API ignores them;
empty values are ignored too, and a malformed known filter is a 400 naming the filter.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import attrs

from mlconnector_http.testing import SimRequest
from procurify_client.testing._state import ValidationFailed

__all__ = ["Filters", "InvalidPage", "Page", "paginate"]

T = TypeVar("T")

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


class InvalidPage(LookupError):
    """The requested page does not exist (DRF answers 404 ``Invalid page.``)."""


@attrs.frozen
class Page(Generic[T]):
    """One page of a list and its ``pagination`` block (``next``/``previous`` are absolute)."""

    items: Sequence[T]
    pagination: dict[str, Any]


def paginate(req: SimRequest, items: Sequence[T], *, default_size: int, max_size: int) -> Page[T]:
    """Cut ``items`` to the requested page; links reuse the request's own scheme, host and query."""
    size = default_size
    raw_size = req.query("page_size")
    if raw_size is not None and raw_size.isdecimal() and int(raw_size) > 0:
        size = min(int(raw_size), max_size)
    count = len(items)
    num_pages = max(1, math.ceil(count / size))
    raw_page = req.query("page") or "1"
    if raw_page == "last":
        number = num_pages
    elif raw_page.isdecimal() and 1 <= int(raw_page) <= num_pages:
        number = int(raw_page)
    else:
        raise InvalidPage(raw_page)
    url = req.url
    next_url = str(url.copy_set_param("page", number + 1)) if number < num_pages else None
    previous_url: str | None = None
    if number == 2:
        previous_url = str(url.copy_remove_param("page"))
    elif number > 2:
        previous_url = str(url.copy_set_param("page", number - 1))
    return Page(
        items[(number - 1) * size : number * size],
        {
            "count": count,
            "next": next_url,
            "previous": previous_url,
            "page_size": size,
            "num_pages": num_pages,
            "current_page": number,
        },
    )


class Filters:
    """Reads a request's filter parameters, gathering django-filter style errors."""

    def __init__(self, req: SimRequest) -> None:
        self._req = req
        self.errors: dict[str, list[str]] = {}

    def _value(self, name: str) -> str | None:
        value = self._req.query(name)
        return value if value not in (None, "") else None

    def _fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def check(self) -> None:
        """Raise :class:`ValidationFailed` if any filter was malformed."""
        if self.errors:
            raise ValidationFailed(self.errors)

    def text(self, name: str) -> str | None:
        """A string filter, exact and case-sensitive as django-filter's default."""
        return self._value(name)

    def boolean(self, name: str) -> bool | None:
        """A boolean filter; values it does not recognise leave the filter off."""
        value = (self._value(name) or "").lower()
        return True if value in _TRUE else False if value in _FALSE else None

    def integer(self, name: str) -> int | None:
        """A number filter; anything but digits is a 400."""
        value = self._value(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self._fail(name, "Enter a whole number.")
            return None

    def decimal(self, name: str) -> Decimal | None:
        """A number filter (django-filter's NumberFilter); anything else is a 400."""
        value = self._value(name)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self._fail(name, "Enter a number.")
            return None
        return number

    def decimal_range(self, name: str) -> tuple[Decimal | None, Decimal | None]:
        """``name_0``/``name_1`` numbers as inclusive bounds."""
        return self.decimal(f"{name}_0"), self.decimal(f"{name}_1")

    def choice(self, name: str, valid: Collection[int]) -> int | None:
        """An id that must name an existing object (django-filter's ModelChoiceFilter)."""
        value = self._value(name)
        if value is None:
            return None
        if value.lstrip("-").isdecimal() and int(value) in valid:
            return int(value)
        self._fail(name, _INVALID_CHOICE)
        return None

    def choices(self, names: Sequence[str], valid: Collection[int]) -> tuple[int, ...]:
        """Ids from several repeated parameters (``vendor``, ``vendor[]``), each checked."""
        found: list[int] = []
        for name in names:
            for value in self._req.query_all(name):
                if value.lstrip("-").isdecimal() and int(value) in valid:
                    found.append(int(value))
                elif value:
                    self._fail(name, _INVALID_CHOICE)
        return tuple(found)

    def csv_choices(self, name: str, valid: Collection[str]) -> tuple[str, ...]:
        """A comma-separated list of allowed strings (public v1 ``status=paid,failed``)."""
        value = self._value(name)
        if value is None:
            return ()
        chosen = tuple(v.strip() for v in value.split(",") if v.strip())
        for bad in (v for v in chosen if v not in valid):
            self._fail(name, f"Select a valid choice. {bad} is not one of the available choices.")
        return chosen

    def csv_ints(self, name: str) -> tuple[int, ...]:
        """A comma-separated list of integers (public v1 ``ids=1,2``)."""
        value = self._value(name)
        if value is None:
            return ()
        parts = [v.strip() for v in value.split(",") if v.strip()]
        if not all(p.lstrip("-").isdecimal() for p in parts):
            self._fail(name, "Enter a whole number.")
            return ()
        return tuple(int(p) for p in parts)

    def date_range(self, name: str) -> tuple[datetime | None, datetime | None]:
        """``name_0``/``name_1`` dates as whole-day inclusive bounds in UTC."""
        low, high = self._date(f"{name}_0", name), self._date(f"{name}_1", name)
        return (
            datetime.combine(low, time.min, UTC) if low else None,
            datetime.combine(high, time.max, UTC) if high else None,
        )

    def datetime_range(
        self, name: str, suffixes: tuple[str, str] = ("_0", "_1")
    ) -> tuple[datetime | None, datetime | None]:
        """Inclusive date-time bounds from ``name + suffix``; naive values are taken as UTC."""
        return (
            self._datetime(f"{name}{suffixes[0]}", name),
            self._datetime(f"{name}{suffixes[1]}", name),
        )

    def _date(self, param: str, key: str) -> date | None:
        value = self._value(param)
        if value is None:
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self._fail(key, "Enter a valid date.")
            return None

    def _datetime(self, param: str, key: str) -> datetime | None:
        value = self._value(param)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self._fail(key, "Enter a valid date/time.")
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
