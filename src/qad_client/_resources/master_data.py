"""Master data kept by code: items, GL accounts, cost centres, sub-accounts, projects.

The five are maintained in QAD and only listed and read here. They differ only in their name
table and model, so one generic facade serves them all (``client.items`` is a
``MasterData[Item]``); suppliers extend it with their writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Generic, TypeVar

from mlconnector_http import (
    AsyncAPIClient,
    AsyncPaginator,
    Operation,
    Page,
    Paginator,
    SyncAPIClient,
)
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._exceptions import QADConfigurationError
from qad_client._models import Filter, Workspace
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncMasterData", "MasterData", "list_master_data"]

T = TypeVar("T")


def list_master_data(
    table: n.Table,
    cls: type[T],
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
    ws: Workspace | None = None,
) -> Operation[Page[T]]:
    """The table's browse, optionally only (in)active records or those changed since a time.

    Items carry ``itemStatus`` instead of ``isActive``: ``active=True`` selects the active
    status, and ``active=False`` (no "not equal" filter exists) is refused.
    """
    if active is not None and "is_active" not in table.fields:
        if not active:
            raise QADConfigurationError(
                f"{table.plural} have no isActive flag: list them with "
                "filters=[Filter('status', 'eq', <status>)] instead of active=False"
            )
        active_filter = Filter("status", "eq", n.ITEM_STATUS["active"])
        chosen = ops.browse_filters(table, [*filters, active_filter], modified_since=modified_since)
        return ops.browse(table, cls, chosen, page_size=page_size, ws=ws)
    chosen = ops.browse_filters(table, filters, modified_since=modified_since, is_active=active)
    return ops.browse(table, cls, chosen, page_size=page_size, ws=ws)


class MasterData(QADResource, Generic[T]):
    """``client.items``, ``client.gl_accounts``, ``client.cost_centres`` and the like."""

    def __init__(
        self, client: SyncAPIClient, workspace: Workspace, table: n.Table, model: type[T]
    ) -> None:
        super().__init__(client, workspace)
        self._table = table
        self._model = model

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[T]:
        """Records, lazily, page by page."""
        return self._paginate(
            list_master_data(
                self._table,
                self._model,
                ws=self._ws,
                active=active,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    def get(self, code: str) -> T:
        """One record by code; ``QADNotFound`` if there is none."""
        return self._run(ops.get_one(self._ws, self._table, self._model, {"code": code}))

    def count(self, *, filters: Sequence[Filter] = ()) -> int:
        """How many records the browse selects, from ``browses/totalCount`` (one request)."""
        return self._send(ops.count(self._table, filters, ws=self._ws))


class AsyncMasterData(AsyncQADResource, Generic[T]):
    """``MasterData`` on the async client."""

    def __init__(
        self, client: AsyncAPIClient, workspace: Workspace, table: n.Table, model: type[T]
    ) -> None:
        super().__init__(client, workspace)
        self._table = table
        self._model = model

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[T]:
        """Records, lazily, page by page."""
        return self._paginate(
            list_master_data(
                self._table,
                self._model,
                ws=self._ws,
                active=active,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    async def get(self, code: str) -> T:
        """One record by code; ``QADNotFound`` if there is none."""
        return await self._run(ops.get_one(self._ws, self._table, self._model, {"code": code}))

    async def count(self, *, filters: Sequence[Filter] = ()) -> int:
        """How many records the browse selects, from ``browses/totalCount`` (one request)."""
        return await self._send(ops.count(self._table, filters, ws=self._ws))
