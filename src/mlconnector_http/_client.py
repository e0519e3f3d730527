"""The shared shell of every vendor client: config, executor, options, lifecycle, resources.

A vendor's ``XClient``/``AsyncXClient`` subclass these, build a :class:`ClientConfig` in their
constructor and expose resources as ``cached_property`` attributes whose methods are one line
(``return self._send(ops.get_vendor(id))``).
"""

from __future__ import annotations

import copy
import functools
from types import TracebackType
from typing import Any, Self, TypeVar

import attrs
import httpx

from mlconnector_http._config import ClientConfig
from mlconnector_http._exceptions import ConfigurationError, error_class
from mlconnector_http._executor import AsyncExecutor, SyncExecutor
from mlconnector_http._operation import Flow, Operation
from mlconnector_http._pagination import AsyncPaginator, Page, Paginator

__all__ = ["AsyncAPIClient", "AsyncResource", "SyncAPIClient", "SyncResource"]

T = TypeVar("T")


def _drop_cached(obj: object) -> None:
    """Forget resources cached on a copied client so they bind to the copy."""
    for klass in type(obj).__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, functools.cached_property):
                obj.__dict__.pop(name, None)


def _one_of(config: ClientConfig, transport: object, http_client: object) -> None:
    if transport is not None and http_client is not None:
        raise error_class(config.family, ConfigurationError)(
            "pass transport= or http_client=, not both: give the transport to your http_client"
        )


class SyncAPIClient:
    """Base of the synchronous clients."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        _one_of(config, transport, http_client)
        self._executor = SyncExecutor(config, transport=transport, http_client=http_client)

    @property
    def config(self) -> ClientConfig:
        """The settings in force (read-only; see :meth:`with_options`)."""
        return self._executor.config

    def with_options(self, **changes: Any) -> Self:
        """A client sharing this one's connections with some settings changed.

        Accepts the fields of :class:`~mlconnector_http.ClientConfig` (``retry=``, ``timeout=``...).
        """
        clone = copy.copy(self)
        _drop_cached(clone)
        clone._executor = self._executor.with_config(attrs.evolve(self.config, **changes))
        return clone

    def _send(self, op: Operation[T]) -> T:
        return self._executor.send(op)

    def _paginate(self, op: Operation[Page[T]]) -> Paginator[T]:
        return Paginator(self._executor, op)

    def _run(self, flow: Flow[T]) -> T:
        return self._executor.run(flow)

    def close(self) -> None:
        """Close the connection pool (when this client created it)."""
        self._executor.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.config.base_url)!r})"


class AsyncAPIClient:
    """Base of the asynchronous clients."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        _one_of(config, transport, http_client)
        self._executor = AsyncExecutor(config, transport=transport, http_client=http_client)

    @property
    def config(self) -> ClientConfig:
        """The settings in force (read-only; see :meth:`with_options`)."""
        return self._executor.config

    def with_options(self, **changes: Any) -> Self:
        """A client sharing this one's connections with some settings changed."""
        clone = copy.copy(self)
        _drop_cached(clone)
        clone._executor = self._executor.with_config(attrs.evolve(self.config, **changes))
        return clone

    async def _send(self, op: Operation[T]) -> T:
        return await self._executor.send(op)

    def _paginate(self, op: Operation[Page[T]]) -> AsyncPaginator[T]:
        return AsyncPaginator(self._executor, op)

    async def _run(self, flow: Flow[T]) -> T:
        return await self._executor.run(flow)

    async def close(self) -> None:
        """Close the connection pool (when this client created it)."""
        await self._executor.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.config.base_url)!r})"


class SyncResource:
    """Base of a synchronous resource (``client.vendors``)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def _send(self, op: Operation[T]) -> T:
        return self._client._send(op)

    def _paginate(self, op: Operation[Page[T]]) -> Paginator[T]:
        return self._client._paginate(op)

    def _run(self, flow: Flow[T]) -> T:
        return self._client._run(flow)


class AsyncResource:
    """Base of an asynchronous resource (``client.vendors``)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def _send(self, op: Operation[T]) -> T:
        return await self._client._send(op)

    def _paginate(self, op: Operation[Page[T]]) -> AsyncPaginator[T]:
        return self._client._paginate(op)

    async def _run(self, flow: Flow[T]) -> T:
        return await self._client._run(flow)
