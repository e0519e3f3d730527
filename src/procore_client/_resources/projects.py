"""``GET /rest/v1.0/projects?company_id=``: the company's projects the app was granted."""

from __future__ import annotations

import datetime as dt

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import Project
from procore_client._paging import (
    DEFAULT_PER_PAGE,
    check_id,
    date_range,
    filters,
    list_op,
    paging_params,
    v1,
)
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = ["AsyncProjects", "Projects", "list_projects"]


def list_projects(
    company_id: int,
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    modified_before: dt.datetime | None = None,
    origin_id: str | None = None,
    page_size: int = DEFAULT_PER_PAGE,
) -> Operation[Page[Project]]:
    """Projects; ``active`` True/False filters by status, ``None`` asks for all of them."""
    status = "All" if active is None else ("Active" if active else "Inactive")
    params = [
        ("company_id", check_id("company_id", company_id)),
        *paging_params(page_size),
        ("filters[by_status]", status),
        *date_range("updated_at", modified_since, modified_before),
        *filters(origin_id=origin_id),
    ]
    return list_op("projects.list", v1("projects"), params, Project, "project")


class Projects(ProcoreResource):
    """``client.projects``."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> Paginator[Project]:
        """Projects of the company, optionally only (in)active or updated in a range."""
        return self._paginate(
            list_projects(
                self._company_id,
                active=active,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                page_size=page_size,
            )
        )


class AsyncProjects(AsyncProcoreResource):
    """``client.projects`` (async)."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> AsyncPaginator[Project]:
        """Projects of the company, optionally only (in)active or updated in a range."""
        return self._paginate(
            list_projects(
                self._company_id,
                active=active,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                page_size=page_size,
            )
        )
