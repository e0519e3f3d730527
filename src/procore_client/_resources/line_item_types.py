"""``GET /rest/v1.0/line_item_types``: cost types of the company, or of one project."""

from __future__ import annotations

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import LineItemType
from procore_client._paging import DEFAULT_PER_PAGE, check_id, filters, list_op, paging_params, v1
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = ["AsyncLineItemTypes", "LineItemTypes", "list_line_item_types"]


def list_line_item_types(
    company_id: int,
    *,
    project_id: int | None = None,
    origin_id: str | None = None,
    page_size: int = DEFAULT_PER_PAGE,
) -> Operation[Page[LineItemType]]:
    """Cost types; ``project_id`` narrows them to one project's."""
    params = [("company_id", check_id("company_id", company_id)), *paging_params(page_size)]
    if project_id is not None:
        params.append(("project_id", check_id("project_id", project_id)))
    params.extend(filters(origin_id=origin_id))
    return list_op(
        "line_item_types.list", v1("line_item_types"), params, LineItemType, "line item type"
    )


class LineItemTypes(ProcoreResource):
    """``client.line_item_types``."""

    def list(
        self,
        *,
        project_id: int | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> Paginator[LineItemType]:
        """Cost types of the company (or of one project)."""
        return self._paginate(
            list_line_item_types(
                self._company_id, project_id=project_id, origin_id=origin_id, page_size=page_size
            )
        )


class AsyncLineItemTypes(AsyncProcoreResource):
    """``client.line_item_types`` (async)."""

    def list(
        self,
        *,
        project_id: int | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> AsyncPaginator[LineItemType]:
        """Cost types of the company (or of one project)."""
        return self._paginate(
            list_line_item_types(
                self._company_id, project_id=project_id, origin_id=origin_id, page_size=page_size
            )
        )
