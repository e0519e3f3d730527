"""Facade bases: bind a resource to its client's workspace and drive multi-step flows.

A flow (see ``_operations.Flow``) yields operations and receives their results; these bases
send each one through the client (sync or async) and hand errors back into the flow, so a
step may catch and report a failure instead of stopping.
"""

from __future__ import annotations

from typing import Any, TypeVar

from mlconnector_http import APIError, AsyncAPIClient, AsyncResource, SyncAPIClient, SyncResource
from qad_client._models import Workspace
from qad_client._operations import Flow

__all__ = ["AsyncQADResource", "QADResource", "run_async", "run_sync"]

T = TypeVar("T")


def run_sync(client: SyncAPIClient, flow: Flow[T]) -> T:
    """Drive ``flow`` to its result, one blocking request at a time."""
    try:
        op = next(flow)
        while True:
            outcome: Any
            try:
                outcome = client._send(op)
            except APIError as error:
                op = flow.throw(error)
            else:
                op = flow.send(outcome)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


async def run_async(client: AsyncAPIClient, flow: Flow[T]) -> T:
    """Drive ``flow`` to its result, awaiting each request."""
    try:
        op = next(flow)
        while True:
            outcome: Any
            try:
                outcome = await client._send(op)
            except APIError as error:
                op = flow.throw(error)
            else:
                op = flow.send(outcome)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


class QADResource(SyncResource):
    """Base of the synchronous QAD resources."""

    def __init__(self, client: SyncAPIClient, workspace: Workspace) -> None:
        super().__init__(client)
        self._ws = workspace

    def _run(self, flow: Flow[T]) -> T:
        return run_sync(self._client, flow)


class AsyncQADResource(AsyncResource):
    """Base of the asynchronous QAD resources."""

    def __init__(self, client: AsyncAPIClient, workspace: Workspace) -> None:
        super().__init__(client)
        self._ws = workspace

    async def _run(self, flow: Flow[T]) -> T:
        return await run_async(self._client, flow)
