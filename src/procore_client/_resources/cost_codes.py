"""``GET /rest/v1.0/cost_codes?project_id=``: a project's cost codes (no updated_at filter)."""

from __future__ import annotations

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import CostCode
from procore_client._paging import DEFAULT_PER_PAGE, check_id, filters, list_op, paging_params, v1
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = ["AsyncCostCodes", "CostCodes", "list_cost_codes"]


def list_cost_codes(
    project_id: int, *, origin_id: str | None = None, page_size: int = DEFAULT_PER_PAGE
) -> Operation[Page[CostCode]]:
    """Cost codes of one project (Procore offers no change filter: re-read them in full)."""
    params = [
        ("project_id", check_id("project_id", project_id)),
        *paging_params(page_size),
        *filters(origin_id=origin_id),
    ]
    return list_op("cost_codes.list", v1("cost_codes"), params, CostCode, "cost code")


class CostCodes(ProcoreResource):
    """``client.cost_codes``."""

    def list(
        self, project_id: int, *, origin_id: str | None = None, page_size: int = DEFAULT_PER_PAGE
    ) -> Paginator[CostCode]:
        """Cost codes of one project."""
        return self._paginate(list_cost_codes(project_id, origin_id=origin_id, page_size=page_size))


class AsyncCostCodes(AsyncProcoreResource):
    """``client.cost_codes`` (async)."""

    def list(
        self, project_id: int, *, origin_id: str | None = None, page_size: int = DEFAULT_PER_PAGE
    ) -> AsyncPaginator[CostCode]:
        """Cost codes of one project."""
        return self._paginate(list_cost_codes(project_id, origin_id=origin_id, page_size=page_size))
