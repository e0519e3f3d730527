"""Facade bases that remember which company their client is bound to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from mlconnector_http import APIError, AsyncResource, Operation, SyncResource
from procore_client._exceptions import ProcoreBatchError

if TYPE_CHECKING:
    from procore_client._client import AsyncProcoreClient, ProcoreClient

__all__ = ["AsyncProcoreResource", "ProcoreResource", "run_batches", "run_batches_async"]

R = TypeVar("R")


def _stopped(
    done: list[R],
    combine: Callable[[Sequence[R]], Any],
    error: APIError,
    index: int,
    batch_sizes: Sequence[int],
) -> APIError:
    """The error that ends a batched call: the batch's own one if nothing was done before it."""
    if not done:
        return error
    return ProcoreBatchError(
        completed=combine(done),
        error=error,
        failed_batch=index,
        batches=len(batch_sizes),
        pending=sum(batch_sizes[index:]),
    )


def run_batches(
    send: Callable[[Operation[R]], R],
    ops: Sequence[Operation[R]],
    batch_sizes: Sequence[int],
    combine: Callable[[Sequence[R]], Any],
) -> Any:
    """Send ``ops`` in order and combine their results; keep what succeeded when one fails.

    A failure after at least one answered batch raises :class:`ProcoreBatchError` carrying the
    combined results so far (its ``error`` is the batch's own failure); a failure of the first
    batch raises that failure itself, since nothing was done yet.
    """
    done: list[R] = []
    for index, op in enumerate(ops):
        try:
            done.append(send(op))
        except APIError as error:
            raise _stopped(done, combine, error, index, batch_sizes) from error
    return combine(done)


async def run_batches_async(
    send: Callable[[Operation[R]], Awaitable[R]],
    ops: Sequence[Operation[R]],
    batch_sizes: Sequence[int],
    combine: Callable[[Sequence[R]], Any],
) -> Any:
    """The async twin of :func:`run_batches`."""
    done: list[R] = []
    for index, op in enumerate(ops):
        try:
            done.append(await send(op))
        except APIError as error:
            raise _stopped(done, combine, error, index, batch_sizes) from error
    return combine(done)


class ProcoreResource(SyncResource):
    """A synchronous Procore resource; ``_company_id`` goes in bodies and queries that need it."""

    def __init__(self, client: ProcoreClient) -> None:
        super().__init__(client)
        self._company_id = client.company_id


class AsyncProcoreResource(AsyncResource):
    """An asynchronous Procore resource; ``_company_id`` as in :class:`ProcoreResource`."""

    def __init__(self, client: AsyncProcoreClient) -> None:
        super().__init__(client)
        self._company_id = client.company_id
