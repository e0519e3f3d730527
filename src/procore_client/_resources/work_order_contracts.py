"""Work order contracts, i.e. subcontracts (``/rest/v1.0/work_order_contracts``)."""

from __future__ import annotations

from procore_client._models import WorkOrderContract, WorkOrderContractStatus
from procore_client._resources._contracts import AsyncContracts, Contracts

__all__ = ["AsyncWorkOrderContracts", "WorkOrderContracts"]


class WorkOrderContracts(Contracts[WorkOrderContract, WorkOrderContractStatus]):
    """``client.work_order_contracts``."""

    _collection = "work_order_contracts"
    _model = WorkOrderContract


class AsyncWorkOrderContracts(AsyncContracts[WorkOrderContract, WorkOrderContractStatus]):
    """``client.work_order_contracts`` (async)."""

    _collection = "work_order_contracts"
    _model = WorkOrderContract
