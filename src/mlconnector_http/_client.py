"""The shared shell of every vendor client: config, executor, options, lifecycle, resources.

A vendor's ``XClient``/``AsyncXClient`` subclass these, build a :class:`ClientConfig` in one
constructor (see :class:`APIClient`) and expose resources as ``cached_property`` attributes
whose methods are one line (``return self._send(ops.get_vendor(id))``).
"""

from __future__ import annotations

import copy
import functools
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import attrs
import httpx

from mlconnector_http._config import ClientConfig
from mlconnector_http._exceptions import ConfigurationError, error_class
from mlconnector_http._executor import AsyncExecutor, SyncExecutor
from mlconnector_http._operation import Flow, Operation
from mlconnector_http._pagination import AsyncPaginator, Page, Paginator

__all__ = [
    "APIClient",
    "AsyncAPIClient",
    "AsyncResource",
    "HTTPClientT",
    "SyncAPIClient",
    "SyncResource",
    "TransportT",
]

T = TypeVar("T")


def _drop_cached(obj: object) -> None:
    """Forget resources cached on a copied client so they bind to the copy."""
    for klass in type(obj).__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, functools.cached_property):
                obj.__dict__.pop(name, None)


TransportT = TypeVar("TransportT", bound=httpx.BaseTransport | httpx.AsyncBaseTransport)
HTTPClientT = TypeVar("HTTPClientT", bound=httpx.Client | httpx.AsyncClient)


class APIClient(Generic[TransportT, HTTPClientT]):
    """What the sync and async clients share: construction, config, options, repr; no I/O.

    A vendor writes its constructor once, on a generic base of its own::

        class _AcmeBase(APIClient[TransportT, HTTPClientT]):
            def __init__(self, *, api_key: str, transport: TransportT | None = None, ...):
                super().__init__(acme_config(api_key), transport=transport, ...)

        class AcmeClient(_AcmeBase[httpx.BaseTransport, httpx.Client], SyncAPIClient): ...
        class AsyncAcmeClient(_AcmeBase[httpx.AsyncBaseTransport, httpx.AsyncClient],
                              AsyncAPIClient): ...
    """

    _executor: SyncExecutor | AsyncExecutor

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: TransportT | None = None,
        http_client: HTTPClientT | None = None,
    ) -> None:
        if transport is not None and http_client is not None:
            raise error_class(config.family, ConfigurationError)(
                "pass transport= or http_client=, not both: give the transport to your http_client"
            )
        self._executor = self._make_executor(config, transport, http_client)

    def _make_executor(
        self, config: ClientConfig, transport: Any, http_client: Any
    ) -> SyncExecutor | AsyncExecutor:
        raise NotImplementedError

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

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.config.base_url)!r})"


class SyncAPIClient(APIClient[httpx.BaseTransport, httpx.Client]):
    """Base of the synchronous clients."""

    _executor: SyncExecutor

    def _make_executor(
        self, config: ClientConfig, transport: Any, http_client: Any
    ) -> SyncExecutor:
        return SyncExecutor(config, transport=transport, http_client=http_client)

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


class AsyncAPIClient(APIClient[httpx.AsyncBaseTransport, httpx.AsyncClient]):
    """Base of the asynchronous clients."""

    _executor: AsyncExecutor

    def _make_executor(
        self, config: ClientConfig, transport: Any, http_client: Any
    ) -> AsyncExecutor:
        return AsyncExecutor(config, transport=transport, http_client=http_client)

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
