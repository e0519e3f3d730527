"""``/rest/v1.0/contract_payments?project_id=&contract_id=``: payments issued on a commitment."""

from __future__ import annotations

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._exceptions import ProcoreConfigurationError
from procore_client._models import ContractPayment
from procore_client._paging import (
    DEFAULT_PER_PAGE,
    check_id,
    get_op,
    list_op,
    paging_params,
    record_parser,
    v1,
)
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = [
    "AsyncContractPayments",
    "ContractPayments",
    "get_contract_payment",
    "list_contract_payments",
    "update_contract_payment",
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


def update_contract_payment(
    project_id: int,
    contract_id: int,
    payment_id: int,
    *,
    origin_id: str | None = None,
    origin_data: str | None = None,
) -> Operation[ContractPayment]:
    """Record the ERP's id (and free text) on a payment; sending it twice is harmless.

    Procore wants ``project_id`` and ``contract_id`` in the body. Once ``origin_id`` is set the
    payment is synced with the ERP: every other field is locked, so this sets only those two.
    """
    changes = {
        key: value
        for key, value in (("origin_id", origin_id), ("origin_data", origin_data))
        if value is not None
    }
    if not changes:
        raise ProcoreConfigurationError("update_contract_payment needs origin_id= or origin_data=")
    return Operation(
        name="contract_payments.update",
        method="PATCH",
        path=v1(f"contract_payments/{check_id('payment_id', payment_id)}"),
        json={
            "project_id": int(check_id("project_id", project_id)),
            "contract_id": int(check_id("contract_id", contract_id)),
            "contract_payment": changes,
        },
        parse=record_parser(ContractPayment, f"contract payment {payment_id}"),
        retry_safe=True,
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

    def update(
        self,
        project_id: int,
        contract_id: int,
        payment_id: int,
        *,
        origin_id: str | None = None,
        origin_data: str | None = None,
    ) -> ContractPayment:
        """Set ``origin_id`` / ``origin_data`` (this locks the payment in Procore)."""
        return self._send(
            update_contract_payment(
                project_id, contract_id, payment_id, origin_id=origin_id, origin_data=origin_data
            )
        )


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

    async def update(
        self,
        project_id: int,
        contract_id: int,
        payment_id: int,
        *,
        origin_id: str | None = None,
        origin_data: str | None = None,
    ) -> ContractPayment:
        """Set ``origin_id`` / ``origin_data`` (this locks the payment in Procore)."""
        return await self._send(
            update_contract_payment(
                project_id, contract_id, payment_id, origin_id=origin_id, origin_data=origin_data
            )
        )
