"""Facade bases: bind a resource to its client's workspace (flows run via the toolkit)."""

from __future__ import annotations

from typing import TypeVar

from mlconnector_http import AsyncAPIClient, AsyncResource, SyncAPIClient, SyncResource
from qad_client._models import Workspace

__all__ = ["AsyncQADResource", "QADResource"]

T = TypeVar("T")


class QADResource(SyncResource):
    """Base of the synchronous QAD resources."""

    def __init__(self, client: SyncAPIClient, workspace: Workspace) -> None:
        super().__init__(client)
        self._ws = workspace


class AsyncQADResource(AsyncResource):
    """Base of the asynchronous QAD resources."""

    def __init__(self, client: AsyncAPIClient, workspace: Workspace) -> None:
        super().__init__(client)
        self._ws = workspace
