"""Work order contracts, i.e. subcontracts (``/rest/v1.0/work_order_contracts``)."""

from __future__ import annotations

import datetime as dt

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import LineItem, WorkOrderContract, WorkOrderContractStatus
from procore_client._paging import DEFAULT_PER_PAGE
from procore_client._resources import _contracts
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = [
    "AsyncWorkOrderContracts",
    "WorkOrderContracts",
    "get_work_order_contract",
    "list_work_order_contract_line_items",
    "list_work_order_contracts",
]

_COLLECTION = "work_order_contracts"


def list_work_order_contracts(
    project_id: int,
    *,
    status: WorkOrderContractStatus | str | None = None,
    updated_after: dt.datetime | None = None,
    updated_before: dt.datetime | None = None,
    origin_id: str | None = None,
    per_page: int = DEFAULT_PER_PAGE,
) -> Operation[Page[WorkOrderContract]]:
    """One project's contracts, optionally by status or updated in a range."""
    return _contracts.list_contracts(
        _COLLECTION,
        WorkOrderContract,
        project_id,
        status=status,
        updated_after=updated_after,
        updated_before=updated_before,
        origin_id=origin_id,
        per_page=per_page,
    )


def get_work_order_contract(project_id: int, contract_id: int) -> Operation[WorkOrderContract]:
    """One contract with its line items."""
    return _contracts.get_contract(_COLLECTION, WorkOrderContract, project_id, contract_id)


def list_work_order_contract_line_items(
    project_id: int, contract_id: int, *, per_page: int = DEFAULT_PER_PAGE
) -> Operation[Page[LineItem]]:
    """A contract's line items, page by page (for contracts too large to read in one get)."""
    return _contracts.list_contract_line_items(
        _COLLECTION, project_id, contract_id, per_page=per_page
    )


class WorkOrderContracts(ProcoreResource):
    """``client.work_order_contracts``."""

    def list(
        self,
        project_id: int,
        *,
        status: WorkOrderContractStatus | str | None = None,
        updated_after: dt.datetime | None = None,
        updated_before: dt.datetime | None = None,
        origin_id: str | None = None,
        per_page: int = DEFAULT_PER_PAGE,
    ) -> Paginator[WorkOrderContract]:
        """One project's contracts."""
        return self._paginate(
            list_work_order_contracts(
                project_id,
                status=status,
                updated_after=updated_after,
                updated_before=updated_before,
                origin_id=origin_id,
                per_page=per_page,
            )
        )

    def get(self, project_id: int, contract_id: int) -> WorkOrderContract:
        """One contract with its line items."""
        return self._send(get_work_order_contract(project_id, contract_id))

    def line_items(
        self, project_id: int, contract_id: int, *, per_page: int = DEFAULT_PER_PAGE
    ) -> Paginator[LineItem]:
        """A contract's line items, page by page."""
        return self._paginate(
            list_work_order_contract_line_items(project_id, contract_id, per_page=per_page)
        )


class AsyncWorkOrderContracts(AsyncProcoreResource):
    """``client.work_order_contracts`` (async)."""

    def list(
        self,
        project_id: int,
        *,
        status: WorkOrderContractStatus | str | None = None,
        updated_after: dt.datetime | None = None,
        updated_before: dt.datetime | None = None,
        origin_id: str | None = None,
        per_page: int = DEFAULT_PER_PAGE,
    ) -> AsyncPaginator[WorkOrderContract]:
        """One project's contracts."""
        return self._paginate(
            list_work_order_contracts(
                project_id,
                status=status,
                updated_after=updated_after,
                updated_before=updated_before,
                origin_id=origin_id,
                per_page=per_page,
            )
        )

    async def get(self, project_id: int, contract_id: int) -> WorkOrderContract:
        """One contract with its line items."""
        return await self._send(get_work_order_contract(project_id, contract_id))

    def line_items(
        self, project_id: int, contract_id: int, *, per_page: int = DEFAULT_PER_PAGE
    ) -> AsyncPaginator[LineItem]:
        """A contract's line items, page by page."""
        return self._paginate(
            list_work_order_contract_line_items(project_id, contract_id, per_page=per_page)
        )
