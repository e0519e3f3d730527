"""Builders shared by work order and purchase order contracts (the same shape, two paths)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TypeVar

from mlconnector_http import Operation, Page
from procore_client._models import LineItem
from procore_client._paging import (
    DEFAULT_PER_PAGE,
    check_id,
    date_range,
    get_op,
    list_op,
    paging_params,
    v1,
)

__all__ = ["get_contract", "list_contract_line_items", "list_contracts"]

C = TypeVar("C")


def list_contracts(
    collection: str,
    cls: type[C],
    project_id: int,
    *,
    status: StrEnum | str | None,
    updated_after: dt.datetime | None,
    updated_before: dt.datetime | None,
    origin_id: str | None,
    per_page: int,
) -> Operation[Page[C]]:
    """One project's contracts of ``collection`` with the filters both kinds support."""
    params = [
        ("project_id", check_id("project_id", project_id)),
        *paging_params(per_page),
        *date_range("updated_at", updated_after, updated_before),
    ]
    if status is not None:
        params.append(("filters[status]", str(status)))
    if origin_id is not None:
        params.append(("filters[origin_id]", origin_id))
    kind = collection.removesuffix("s").replace("_", " ")
    return list_op(f"{collection}.list", v1(collection), params, cls, kind)


def get_contract(collection: str, cls: type[C], project_id: int, contract_id: int) -> Operation[C]:
    """One contract with its line items."""
    params = [("project_id", check_id("project_id", project_id))]
    path = v1(f"{collection}/{check_id('contract_id', contract_id)}")
    kind = collection.removesuffix("s").replace("_", " ")
    return get_op(f"{collection}.get", path, params, cls, f"{kind} {contract_id}")


def list_contract_line_items(
    collection: str, project_id: int, contract_id: int, *, per_page: int = DEFAULT_PER_PAGE
) -> Operation[Page[LineItem]]:
    """The schedule of values of one contract, page by page."""
    params = [("project_id", check_id("project_id", project_id)), *paging_params(per_page)]
    path = v1(f"{collection}/{check_id('contract_id', contract_id)}/line_items")
    return list_op(f"{collection}.line_items", path, params, LineItem, "line item")
