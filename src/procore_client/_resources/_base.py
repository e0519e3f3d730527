"""Facade bases that remember which company their client is bound to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlconnector_http import AsyncResource, SyncResource

if TYPE_CHECKING:
    from procore_client._client import AsyncProcoreClient, ProcoreClient

__all__ = ["AsyncProcoreResource", "ProcoreResource"]


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
