"""Pages and lazy paginators: constant memory, loop-proof, and never off the API's origin."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs
import httpx

from mlconnector_http._exceptions import APIError, PaginationError, error_class
from mlconnector_http._operation import Operation

if TYPE_CHECKING:
    from mlconnector_http._executor import AsyncExecutor, SyncExecutor

__all__ = ["AsyncPaginator", "Page", "Paginator", "follow_next"]

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page of results; ``next_url`` is where the next page is (``None`` on the last)."""

    items: Sequence[T]
    next_url: str | None = None
    total: int | None = None

    def has_next_page(self) -> bool:
        return self.next_url is not None


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _key(url: httpx.URL) -> str:
    """A URL with its query sorted, so a link that differs only in parameter order is equal."""
    return str(url.copy_with(query=None).copy_merge_params(sorted(url.params.multi_items())))


def follow_next(
    op: Operation[Page[T]],
    page: Page[T],
    base_url: httpx.URL,
    seen: set[str],
    family: type[APIError] = APIError,
) -> Operation[Page[T]] | None:
    """The operation for the page after ``page``, refusing loops and foreign origins.

    A relative ``next_url`` is resolved against the URL of the page it came from.
    """
    if page.next_url is None:
        return None
    url = op.build(base_url, {}, None).url.join(page.next_url)
    if _origin(url) != _origin(base_url):
        raise error_class(family, PaginationError)(
            f"refusing to follow a next link to {url.scheme}://{url.netloc.decode()}: "
            f"it is not the API origin {base_url.scheme}://{base_url.netloc.decode()}"
        )
    key = _key(url)
    if key in seen:
        raise error_class(family, PaginationError)(
            f"pagination loop: the next link {url.path} was already visited"
        )
    seen.add(key)
    return attrs.evolve(op, path=str(url), params=())


def _first_key(op: Operation[Page[T]], base_url: httpx.URL) -> str:
    return _key(op.build(base_url, {}, None).url)


class Paginator(Generic[T]):
    """Iterate items lazily, page by page; ``pages()`` gives the pages themselves."""

    def __init__(self, executor: SyncExecutor, first: Operation[Page[T]]) -> None:
        self._executor = executor
        self._first = first

    def pages(self) -> Iterator[Page[T]]:
        base = self._executor.config.base_url
        seen = {_first_key(self._first, base)}
        op: Operation[Page[T]] | None = self._first
        while op is not None:
            page = self._executor.send(op)
            yield page
            op = follow_next(op, page, base, seen, self._executor.config.family)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items


class AsyncPaginator(Generic[T]):
    """The async twin: ``async for item in paginator`` or ``async for page in .pages()``."""

    def __init__(self, executor: AsyncExecutor, first: Operation[Page[T]]) -> None:
        self._executor = executor
        self._first = first

    async def pages(self) -> AsyncIterator[Page[T]]:
        base = self._executor.config.base_url
        seen = {_first_key(self._first, base)}
        op: Operation[Page[T]] | None = self._first
        while op is not None:
            page = await self._executor.send(op)
            yield page
            op = follow_next(op, page, base, seen, self._executor.config.family)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self) -> list[T]:
        """Every item, in order (loads them all: use iteration for large listings)."""
        return [item async for item in self]
