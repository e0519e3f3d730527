"""Purchase order contracts (``/rest/v1.0/purchase_order_contracts``)."""

from __future__ import annotations

from procore_client._models import PurchaseOrderContract, PurchaseOrderContractStatus
from procore_client._resources._contracts import AsyncContracts, Contracts

__all__ = ["AsyncPurchaseOrderContracts", "PurchaseOrderContracts"]


class PurchaseOrderContracts(Contracts[PurchaseOrderContract, PurchaseOrderContractStatus]):
    """``client.purchase_order_contracts``."""

    _collection = "purchase_order_contracts"
    _model = PurchaseOrderContract


class AsyncPurchaseOrderContracts(
    AsyncContracts[PurchaseOrderContract, PurchaseOrderContractStatus]
):
    """``client.purchase_order_contracts`` (async)."""

    _collection = "purchase_order_contracts"
    _model = PurchaseOrderContract
