"""Direct costs, v1.1 per project (``/rest/v1.1/projects/{project_id}/direct_costs``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._exceptions import ProcoreConfigurationError
from procore_client._models import DirectCost
from procore_client._paging import (
    DEFAULT_PER_PAGE,
    check_id,
    date_range,
    filters,
    get_op,
    list_op,
    paging_params,
    record_parser,
    v11,
)
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = [
    "AsyncDirectCosts",
    "DirectCosts",
    "get_direct_cost",
    "list_direct_costs",
    "update_direct_cost",
]


def list_direct_costs(
    project_id: int,
    *,
    modified_since: dt.datetime | None = None,
    modified_before: dt.datetime | None = None,
    origin_id: str | None = None,
    invoice_number: str | None = None,
    page_size: int = DEFAULT_PER_PAGE,
) -> Operation[Page[DirectCost]]:
    """One project's direct costs (headers only; ``get`` adds the line items)."""
    path = v11(f"projects/{check_id('project_id', project_id)}/direct_costs")
    params = [
        *paging_params(page_size),
        *date_range("updated_at", modified_since, modified_before),
        *filters(origin_id=origin_id, invoice_number=invoice_number),
    ]
    return list_op("direct_costs.list", path, params, DirectCost, "direct cost")


def get_direct_cost(project_id: int, direct_cost_id: int) -> Operation[DirectCost]:
    """One direct cost with its line items."""
    project = check_id("project_id", project_id)
    path = v11(f"projects/{project}/direct_costs/{check_id('direct_cost_id', direct_cost_id)}")
    return get_op("direct_costs.get", path, (), DirectCost, f"direct cost {direct_cost_id}")


def update_direct_cost(
    project_id: int,
    direct_cost_id: int,
    *,
    origin_id: str | None = None,
    origin_data: str | None = None,
) -> Operation[DirectCost]:
    """Record the ERP's id (and free text) on a direct cost; sending it twice is harmless."""
    changes: dict[str, Any] = {}
    if origin_id is not None:
        changes["origin_id"] = origin_id
    if origin_data is not None:
        changes["origin_data"] = origin_data
    if not changes:
        raise ProcoreConfigurationError("update_direct_cost needs origin_id= or origin_data=")
    project = check_id("project_id", project_id)
    path = v11(f"projects/{project}/direct_costs/{check_id('direct_cost_id', direct_cost_id)}")
    return Operation(
        name="direct_costs.update",
        method="PATCH",
        path=path,
        json={"direct_cost": changes},
        parse=record_parser(DirectCost, f"direct cost {direct_cost_id}"),
        retry_safe=True,
    )


class DirectCosts(ProcoreResource):
    """``client.direct_costs``."""

    def list(
        self,
        project_id: int,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        invoice_number: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> Paginator[DirectCost]:
        """One project's direct costs."""
        return self._paginate(
            list_direct_costs(
                project_id,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                invoice_number=invoice_number,
                page_size=page_size,
            )
        )

    def get(self, project_id: int, direct_cost_id: int) -> DirectCost:
        """One direct cost with its line items."""
        return self._send(get_direct_cost(project_id, direct_cost_id))

    def update(
        self,
        project_id: int,
        direct_cost_id: int,
        *,
        origin_id: str | None = None,
        origin_data: str | None = None,
    ) -> DirectCost:
        """Set ``origin_id`` / ``origin_data`` (this locks the direct cost in Procore)."""
        return self._send(
            update_direct_cost(
                project_id, direct_cost_id, origin_id=origin_id, origin_data=origin_data
            )
        )


class AsyncDirectCosts(AsyncProcoreResource):
    """``client.direct_costs`` (async)."""

    def list(
        self,
        project_id: int,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        invoice_number: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> AsyncPaginator[DirectCost]:
        """One project's direct costs."""
        return self._paginate(
            list_direct_costs(
                project_id,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                invoice_number=invoice_number,
                page_size=page_size,
            )
        )

    async def get(self, project_id: int, direct_cost_id: int) -> DirectCost:
        """One direct cost with its line items."""
        return await self._send(get_direct_cost(project_id, direct_cost_id))

    async def update(
        self,
        project_id: int,
        direct_cost_id: int,
        *,
        origin_id: str | None = None,
        origin_data: str | None = None,
    ) -> DirectCost:
        """Set ``origin_id`` / ``origin_data`` (this locks the direct cost in Procore)."""
        return await self._send(
            update_direct_cost(
                project_id, direct_cost_id, origin_id=origin_id, origin_data=origin_data
            )
        )
