"""``GET /rest/v1.0/companies``: the companies that installed the app."""

from __future__ import annotations

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import Company
from procore_client._paging import DEFAULT_PER_PAGE, list_op, paging_params, v1
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = ["AsyncCompanies", "Companies", "list_companies"]


def list_companies(
    *, include_free_companies: bool | None = None, page_size: int = DEFAULT_PER_PAGE
) -> Operation[Page[Company]]:
    """Companies visible to the app (for a DMSA: where it is installed)."""
    params = list(paging_params(page_size))
    if include_free_companies is not None:
        params.append(("include_free_companies", str(include_free_companies).lower()))
    return list_op("companies.list", v1("companies"), params, Company, "company")


class Companies(ProcoreResource):
    """``client.companies``."""

    def list(
        self, *, include_free_companies: bool | None = None, page_size: int = DEFAULT_PER_PAGE
    ) -> Paginator[Company]:
        """Companies that installed the app, page by page."""
        return self._paginate(
            list_companies(include_free_companies=include_free_companies, page_size=page_size)
        )


class AsyncCompanies(AsyncProcoreResource):
    """``client.companies`` (async)."""

    def list(
        self, *, include_free_companies: bool | None = None, page_size: int = DEFAULT_PER_PAGE
    ) -> AsyncPaginator[Company]:
        """Companies that installed the app, page by page."""
        return self._paginate(
            list_companies(include_free_companies=include_free_companies, page_size=page_size)
        )
