"""``/rest/v1.0/contract_payments?project_id=&contract_id=``: payments issued on a commitment."""

from __future__ import annotations

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import ContractPayment
from procore_client._paging import (
    DEFAULT_PER_PAGE,
    check_id,
    get_op,
    list_op,
    paging_params,
    v1,
)
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = [
    "AsyncContractPayments",
    "ContractPayments",
    "get_contract_payment",
    "list_contract_payments",
]


def list_contract_payments(
    project_id: int, contract_id: int, *, page_size: int = DEFAULT_PER_PAGE
) -> Operation[Page[ContractPayment]]:
    """Payments of one commitment (Procore offers no change filter on this list)."""
    params = [
        ("project_id", check_id("project_id", project_id)),
        ("contract_id", check_id("contract_id", contract_id)),
        *paging_params(page_size),
    ]
    return list_op(
        "contract_payments.list", v1("contract_payments"), params, ContractPayment, "payment"
    )


def get_contract_payment(
    project_id: int, contract_id: int, payment_id: int
) -> Operation[ContractPayment]:
    """One payment."""
    params = [
        ("project_id", check_id("project_id", project_id)),
        ("contract_id", check_id("contract_id", contract_id)),
    ]
    path = v1(f"contract_payments/{check_id('payment_id', payment_id)}")
    return get_op(
        "contract_payments.get", path, params, ContractPayment, f"contract payment {payment_id}"
    )


class ContractPayments(ProcoreResource):
    """``client.contract_payments``."""

    def list(
        self, project_id: int, contract_id: int, *, page_size: int = DEFAULT_PER_PAGE
    ) -> Paginator[ContractPayment]:
        """Payments issued on one commitment."""
        return self._paginate(list_contract_payments(project_id, contract_id, page_size=page_size))

    def get(self, project_id: int, contract_id: int, payment_id: int) -> ContractPayment:
        """One payment."""
        return self._send(get_contract_payment(project_id, contract_id, payment_id))


class AsyncContractPayments(AsyncProcoreResource):
    """``client.contract_payments`` (async)."""

    def list(
        self, project_id: int, contract_id: int, *, page_size: int = DEFAULT_PER_PAGE
    ) -> AsyncPaginator[ContractPayment]:
        """Payments issued on one commitment."""
        return self._paginate(list_contract_payments(project_id, contract_id, page_size=page_size))

    async def get(self, project_id: int, contract_id: int, payment_id: int) -> ContractPayment:
        """One payment."""
        return await self._send(get_contract_payment(project_id, contract_id, payment_id))
