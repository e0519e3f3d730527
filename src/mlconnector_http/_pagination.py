"""Pages and lazy paginators: constant memory, loop-proof, and never off the API's origin.

A page parser decodes record by record (:func:`decode_each`): a record that does not fit its
model becomes a :class:`Reject` in the page instead of failing the page, so one bad record
never costs the others. Plain iteration still raises the vendor's decode error, when it reaches
the bad record (after yielding the good ones before it); ``with_rejects()`` yields every
record that decodes and a :class:`Reject` for each one that does not, in order, and goes on.
A page whose envelope is broken (not JSON, no item list) still raises: nothing can be kept.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import httpx

from mlconnector_http._config import is_loopback
from mlconnector_http._convert import DecodeError
from mlconnector_http._exceptions import APIError, PaginationError, error_class
from mlconnector_http._operation import Operation

if TYPE_CHECKING:
    from mlconnector_http._executor import AsyncExecutor, SyncExecutor

__all__ = [
    "MAX_EMPTY_PAGES",
    "AsyncPaginator",
    "Page",
    "Paginator",
    "Reject",
    "decode_each",
    "follow_next",
    "reject_of",
]

T = TypeVar("T")

MAX_EMPTY_PAGES = 3
"""Empty pages in a row that still point to a next page before a listing is called broken."""


@attrs.frozen
class Reject:
    """A record of a listing that could not be decoded, kept instead of losing the listing.

    Args:
        raw: the record's JSON exactly as received.
        record_id: the record's id when the raw JSON has one, as a string.
        field: the path of the first field that failed (``"lines[2].amount"``, ``"id"``);
            ``""`` when the record as a whole is wrong (not an object).
        reason: why, with the other failed fields after the first one, if any.
        page_url: the URL of the page it came from.
    """

    raw: Any
    record_id: str | None
    field: str
    reason: str
    page_url: str | None = None
    error: DecodeError | None = attrs.field(default=None, eq=False, repr=False)

    def to_error(self, family: type[APIError] = APIError) -> DecodeError:
        """The ``family`` decode error plain iteration raises for this record."""
        cls = error_class(family, DecodeError)
        if self.error is not None:
            return cls(self.error.record, list(self.error.problems), fields=self.error.fields)
        label = f"record {self.record_id}" if self.record_id is not None else "record"
        return cls(label, [f"{self.reason} @ {self.field}"], fields=[(self.field, self.reason)])


def _id_of(raw: Any) -> object:
    return raw.get("id") if isinstance(raw, Mapping) else None


def _as_id(value: object) -> str | None:
    if value is None or isinstance(value, Mapping | list | bool):
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) else None
    if text is None:
        try:
            text = str(value)
        except ValueError:  # an int too long to print
            return None
    return text[:200]


def reject_of(
    raw: Any,
    error: DecodeError,
    *,
    identify: Callable[[Any], object] = _id_of,
    page_url: str | None = None,
) -> Reject:
    """The :class:`Reject` for ``raw``, which failed with ``error``."""
    fields = error.fields or (("", "; ".join(error.problems)),)
    field, reason = fields[0]
    if len(fields) > 1:
        others = "; ".join(f"{path or '(record)'}: {why}" for path, why in fields[1:])
        reason = f"{reason} (also {others})"
    try:
        record_id = _as_id(identify(raw))
    except Exception:
        record_id = None
    return Reject(raw, record_id, field, reason, page_url, error)


def decode_each(
    rows: Iterable[Any],
    decode: Callable[[int, Any], T],
    *,
    identify: Callable[[Any], object] = _id_of,
    page_url: str | None = None,
) -> list[T | Reject]:
    """Each row decoded by ``decode(index, row)``; a row raising ``DecodeError`` is a Reject.

    ``identify`` reads a record id from a raw row (default: its ``"id"``).
    """
    out: list[T | Reject] = []
    for index, row in enumerate(rows):
        try:
            out.append(decode(index, row))
        except DecodeError as error:
            out.append(reject_of(row, error, identify=identify, page_url=page_url))
    return out


@attrs.frozen
class Page(Generic[T]):
    """One page of results; ``next_url`` is where the next page is (``None`` on the last).

    ``items`` are the records that decoded and ``rejects`` the ones that did not; build a page
    from decoded rows with :meth:`of` so :meth:`entries` keeps their order.
    """

    items: Sequence[T]
    next_url: str | None = None
    total: int | None = None
    rejects: Sequence[Reject] = ()
    order: Sequence[T | Reject] | None = attrs.field(default=None, eq=False, repr=False)
    #: records the server sent that a client-side filter dropped (a vendor that filters by day
    #: only): a page of dropped records is not an empty page to the loop guard.
    dropped: int = attrs.field(default=0, eq=False, repr=False)

    @classmethod
    def of(
        cls, entries: Sequence[T | Reject], next_url: str | None = None, total: int | None = None
    ) -> Page[T]:
        """A page of decoded rows and rejects, in the order the server sent them."""
        rejects = [entry for entry in entries if isinstance(entry, Reject)]
        if not rejects:
            return cls(entries, next_url, total)  # type: ignore[arg-type]
        items = [entry for entry in entries if not isinstance(entry, Reject)]
        return cls(items, next_url, total, rejects, list(entries))

    def entries(self) -> Sequence[T | Reject]:
        """Records and rejects in server order."""
        if self.order is not None:
            return self.order
        return [*self.items, *self.rejects]

    def has_next_page(self) -> bool:
        return self.next_url is not None


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _key(url: httpx.URL) -> str:
    """A URL with its query sorted, so a link that differs only in parameter order is equal."""
    return str(url.copy_with(query=None).copy_merge_params(sorted(url.params.multi_items())))


def _upgraded(url: httpx.URL, base_url: httpx.URL) -> httpx.URL:
    """An ``http://`` link to the https API's own host, as https on the API's port.

    Django behind a TLS proxy builds ``next`` from the plain-http hop it sees; following it as
    written would send the bearer token in clear, refusing it would end the listing.
    """
    if (
        url.scheme == "http"
        and base_url.scheme == "https"
        and url.host == base_url.host
        and url.port in (None, 80)
    ):
        return url.copy_with(scheme="https", port=base_url.port)
    return url


def follow_next(
    op: Operation[Page[T]],
    page: Page[T],
    base_url: httpx.URL,
    seen: set[str],
    family: type[APIError] = APIError,
) -> Operation[Page[T]] | None:
    """The operation for the page after ``page``, refusing loops and foreign origins.

    A relative ``next_url`` is resolved against the URL of the page it came from; an
    ``http://`` link to the https API's own host is followed as https, and any other plain
    ``http://`` link off loopback is refused (the token would travel in clear).
    """
    if page.next_url is None:
        return None
    refuse = error_class(family, PaginationError)
    try:
        url = _upgraded(op.build(base_url, {}, None).url.join(page.next_url), base_url)
    except (httpx.InvalidURL, ValueError, TypeError) as bad:
        raise refuse(f"refusing a malformed next link: {type(bad).__name__}: {bad}") from None
    if _origin(url) != _origin(base_url):
        raise refuse(
            f"refusing to follow a next link to {url.scheme}://{url.netloc.decode()}: "
            f"it is not the API origin {base_url.scheme}://{base_url.netloc.decode()}"
        )
    if url.scheme == "http" and not is_loopback(url.host):
        raise refuse(
            f"refusing a next link over plain http to {url.host}: the bearer token would "
            "travel in clear (plain http is followed only on loopback, for simulators)"
        )
    key = _key(url)
    if key in seen:
        raise refuse(f"pagination loop: the next link {url.path} was already visited")
    seen.add(key)
    return attrs.evolve(op, path=str(url), params=())


def collect_young() -> None:
    """Collect the two young generations, if the collector is on: what a page left behind.

    A page's httpx response (cyclic: a response and its stream) holds the page's body, and
    decoding runs with the collector paused, so few collections come; collecting once the
    page is dropped keeps one body in memory, not the dozens a rare full collection would
    find (100,000 Procurify POs: 77-84 MiB peak, not 129). The young generations hold little
    by then, so it costs a fraction of a millisecond.
    """
    if gc.isenabled():
        gc.collect(1)


def _first_key(op: Operation[Page[T]], base_url: httpx.URL) -> str:
    return _key(op.build(base_url, {}, None).url)


class _Walk:
    """Loop guards of one listing: visited links and empty pages in a row."""

    def __init__(self, first: Operation[Any], base_url: httpx.URL, family: type[APIError]):
        self.base_url = base_url
        self.family = family
        self.seen = {_first_key(first, base_url)}
        self.empty = 0

    def after(self, op: Operation[Page[T]], page: Page[T]) -> Operation[Page[T]] | None:
        if page.next_url is not None and not page.items and not page.rejects and not page.dropped:
            self.empty += 1
            if self.empty >= MAX_EMPTY_PAGES:
                raise error_class(self.family, PaginationError)(
                    f"{self.empty} empty pages in a row, each with a next link: the listing "
                    "does not advance; stopped instead of following it without end"
                )
        else:
            self.empty = 0
        return follow_next(op, page, self.base_url, self.seen, self.family)


def _matches(
    entry: T | Reject,
    reference: str,
    reference_of: Callable[[T], object],
    raw_reference_of: Callable[[Any], object],
    family: type[APIError],
) -> bool:
    if not isinstance(entry, Reject):
        return reference_of(entry) == reference
    try:
        raw = raw_reference_of(entry.raw)
    except Exception:
        raw = reference
    if raw is not None and str(raw).strip() == reference.strip():
        raise entry.to_error(family)  # the match itself cannot be read: never report "absent"
    return False


class Paginator(Generic[T]):
    """Iterate items lazily, page by page; ``pages()`` gives the pages themselves.

    ``budget_wait`` is the seconds the listing's requests have waited for the client's rate
    budget so far (pacing, not the server), and ``requests`` how many pages it has fetched:
    what a caller reports about a listing's pacing.
    """

    def __init__(self, executor: SyncExecutor, first: Operation[Page[T]]) -> None:
        self._executor = executor
        self._first = first
        self.budget_wait = 0.0
        self.requests = 0

    def _walk(self) -> Iterator[Page[T]]:
        config = self._executor.config
        walk = _Walk(self._first, config.base_url, config.family)
        op: Operation[Page[T]] | None = self._first
        while op is not None:
            raw = self._executor.send_raw(op)
            self.budget_wait += raw.waited
            self.requests += 1
            page = raw.value
            del raw
            yield page
            op = walk.after(op, page)
            del page  # not held while the next page decodes: one page in memory, not two
            collect_young()

    def pages(self, *, with_rejects: bool = False) -> Iterator[Page[T]]:
        """The pages; a page with a reject raises its decode error unless ``with_rejects``."""
        for page in self._walk():
            if page.rejects and not with_rejects:
                raise page.rejects[0].to_error(self._executor.config.family)
            yield page

    def __iter__(self) -> Iterator[T]:
        family = self._executor.config.family
        for page in self._walk():
            if not page.rejects:
                yield from page.items
            else:
                for entry in page.entries():
                    if isinstance(entry, Reject):
                        raise entry.to_error(family)
                    yield entry
            del page

    def with_rejects(self) -> Iterator[T | Reject]:
        """Every record that decodes and a :class:`Reject` for each that does not, in order."""
        for page in self._walk():
            yield from page.entries()

    def exact_matches(
        self,
        reference: str,
        reference_of: Callable[[T], object],
        raw_reference_of: Callable[[Any], object],
    ) -> list[T]:
        """Every record, over all pages, whose ``reference_of(record)`` equals ``reference``.

        Checked here, so a server that ignores its filter never hands back another record. A
        reject whose raw reference (``raw_reference_of(raw)``) is ``reference`` raises its
        decode error: the match exists but cannot be read, and "absent" would be a lie.
        """
        family = self._executor.config.family
        found: list[T] = []
        for entry in self.with_rejects():
            if _matches(entry, reference, reference_of, raw_reference_of, family):
                found.append(entry)  # type: ignore[arg-type]
        return found


class AsyncPaginator(Generic[T]):
    """The async twin: ``async for item in paginator`` or ``async for page in .pages()``.

    ``budget_wait`` and ``requests`` as on :class:`Paginator`.
    """

    def __init__(self, executor: AsyncExecutor, first: Operation[Page[T]]) -> None:
        self._executor = executor
        self._first = first
        self.budget_wait = 0.0
        self.requests = 0

    async def _walk(self) -> AsyncIterator[Page[T]]:
        config = self._executor.config
        walk = _Walk(self._first, config.base_url, config.family)
        op: Operation[Page[T]] | None = self._first
        while op is not None:
            raw = await self._executor.send_raw(op)
            self.budget_wait += raw.waited
            self.requests += 1
            page = raw.value
            del raw
            yield page
            op = walk.after(op, page)
            del page
            collect_young()

    async def pages(self, *, with_rejects: bool = False) -> AsyncIterator[Page[T]]:
        """The pages; a page with a reject raises its decode error unless ``with_rejects``."""
        async for page in self._walk():
            if page.rejects and not with_rejects:
                raise page.rejects[0].to_error(self._executor.config.family)
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        family = self._executor.config.family
        async for page in self._walk():
            if not page.rejects:
                for item in page.items:
                    yield item
            else:
                for entry in page.entries():
                    if isinstance(entry, Reject):
                        raise entry.to_error(family)
                    yield entry
            del page

    async def with_rejects(self) -> AsyncIterator[T | Reject]:
        """Every record that decodes and a :class:`Reject` for each that does not, in order."""
        async for page in self._walk():
            for entry in page.entries():
                yield entry

    async def exact_matches(
        self,
        reference: str,
        reference_of: Callable[[T], object],
        raw_reference_of: Callable[[Any], object],
    ) -> list[T]:
        """Every record whose reference is ``reference``: see :meth:`Paginator.exact_matches`."""
        family = self._executor.config.family
        found: list[T] = []
        async for entry in self.with_rejects():
            if _matches(entry, reference, reference_of, raw_reference_of, family):
                found.append(entry)  # type: ignore[arg-type]
        return found

    async def to_list(self) -> list[T]:
        """Every item, in order (loads them all: use iteration for large listings)."""
        return [item async for item in self]
