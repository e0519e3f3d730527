"""Cost centres: list and read. Read-only: analysis codes are maintained in QAD."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._models import CostCentre, Filter, Workspace
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncCostCentres", "CostCentres", "get_cost_centre", "list_cost_centres"]

TABLE = n.COST_CENTRE


def list_cost_centres(
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
) -> Operation[Page[CostCentre]]:
    """The cost centre browse, optionally only (in)active ones or those changed since a time."""
    chosen = ops.browse_filters(TABLE, filters, modified_since=modified_since, is_active=active)
    return ops.browse(TABLE, CostCentre, chosen, page_size=page_size)


def get_cost_centre(ws: Workspace, code: str) -> ops.Flow[CostCentre]:
    """The cost centre with this code."""
    return ops.get_one(ws, TABLE, CostCentre, {"code": code})


class CostCentres(QADResource):
    """``client.cost_centres``."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[CostCentre]:
        """Cost centres, lazily, page by page."""
        return self._paginate(
            list_cost_centres(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    def get(self, code: str) -> CostCentre:
        """One cost centre by code; ``QADNotFound`` if there is none."""
        return self._run(get_cost_centre(self._ws, code))


class AsyncCostCentres(AsyncQADResource):
    """``client.cost_centres`` on the async client."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[CostCentre]:
        """Cost centres, lazily, page by page."""
        return self._paginate(
            list_cost_centres(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    async def get(self, code: str) -> CostCentre:
        """One cost centre by code; ``QADNotFound`` if there is none."""
        return await self._run(get_cost_centre(self._ws, code))
