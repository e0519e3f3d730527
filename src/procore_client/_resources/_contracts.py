"""Work order and purchase order contracts: one shape on two paths, so one set of operations.

``work_order_contracts`` and ``purchase_order_contracts`` subclass these facades with their
collection name and model; the operations take both as arguments.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Generic, TypeVar

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import LineItem
from procore_client._paging import (
    DEFAULT_PER_PAGE,
    check_id,
    date_range,
    filters,
    get_op,
    list_op,
    paging_params,
    v1,
)
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = [
    "AsyncContracts",
    "Contracts",
    "get_contract",
    "list_contract_line_items",
    "list_contracts",
]

C = TypeVar("C")
S = TypeVar("S", bound=str)


def _kind(collection: str) -> str:
    return collection.removesuffix("s").replace("_", " ")


def list_contracts(
    collection: str,
    cls: type[C],
    project_id: int,
    *,
    status: str | None = None,
    modified_since: dt.datetime | None = None,
    modified_before: dt.datetime | None = None,
    origin_id: str | None = None,
    page_size: int = DEFAULT_PER_PAGE,
) -> Operation[Page[C]]:
    """One project's contracts of ``collection``, optionally by status, origin or update time."""
    params = [
        ("project_id", check_id("project_id", project_id)),
        *paging_params(page_size),
        *date_range("updated_at", modified_since, modified_before),
        *filters(status=status, origin_id=origin_id),
    ]
    return list_op(f"{collection}.list", v1(collection), params, cls, _kind(collection))


def get_contract(collection: str, cls: type[C], project_id: int, contract_id: int) -> Operation[C]:
    """One contract with its line items."""
    params = [("project_id", check_id("project_id", project_id))]
    path = v1(f"{collection}/{check_id('contract_id', contract_id)}")
    record = f"{_kind(collection)} {contract_id}"
    return get_op(f"{collection}.get", path, params, cls, record)


def list_contract_line_items(
    collection: str, project_id: int, contract_id: int, *, page_size: int = DEFAULT_PER_PAGE
) -> Operation[Page[LineItem]]:
    """A contract's schedule of values, page by page (for contracts too large for one get)."""
    params = [("project_id", check_id("project_id", project_id)), *paging_params(page_size)]
    path = v1(f"{collection}/{check_id('contract_id', contract_id)}/line_items")
    return list_op(f"{collection}.line_items", path, params, LineItem, "line item")


class Contracts(ProcoreResource, Generic[C, S]):
    """``list``/``get``/``line_items`` of one contract kind (``C`` its model, ``S`` its status)."""

    _collection: ClassVar[str]
    _model: ClassVar[type[Any]]

    def list(
        self,
        project_id: int,
        *,
        status: S | str | None = None,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> Paginator[C]:
        """One project's contracts."""
        return self._paginate(
            list_contracts(
                self._collection,
                self._model,
                project_id,
                status=status,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                page_size=page_size,
            )
        )

    def get(self, project_id: int, contract_id: int) -> C:
        """One contract with its line items."""
        op: Operation[C] = get_contract(self._collection, self._model, project_id, contract_id)
        return self._send(op)

    def line_items(
        self, project_id: int, contract_id: int, *, page_size: int = DEFAULT_PER_PAGE
    ) -> Paginator[LineItem]:
        """A contract's line items, page by page."""
        op = list_contract_line_items(
            self._collection, project_id, contract_id, page_size=page_size
        )
        return self._paginate(op)


class AsyncContracts(AsyncProcoreResource, Generic[C, S]):
    """:class:`Contracts` of the async client."""

    _collection: ClassVar[str]
    _model: ClassVar[type[Any]]

    def list(
        self,
        project_id: int,
        *,
        status: S | str | None = None,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> AsyncPaginator[C]:
        """One project's contracts."""
        return self._paginate(
            list_contracts(
                self._collection,
                self._model,
                project_id,
                status=status,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                page_size=page_size,
            )
        )

    async def get(self, project_id: int, contract_id: int) -> C:
        """One contract with its line items."""
        return await self._send(
            get_contract(self._collection, self._model, project_id, contract_id)
        )

    def line_items(
        self, project_id: int, contract_id: int, *, page_size: int = DEFAULT_PER_PAGE
    ) -> AsyncPaginator[LineItem]:
        """A contract's line items, page by page."""
        op = list_contract_line_items(
            self._collection, project_id, contract_id, page_size=page_size
        )
        return self._paginate(op)
