"""Projects: list and read. Read-only: analysis codes are maintained in QAD."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._models import Filter, Project, Workspace
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncProjects", "Projects", "get_project", "list_projects"]

TABLE = n.PROJECT


def list_projects(
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
) -> Operation[Page[Project]]:
    """The project browse, optionally only (in)active ones or those changed since a time."""
    chosen = ops.browse_filters(TABLE, filters, modified_since=modified_since, is_active=active)
    return ops.browse(TABLE, Project, chosen, page_size=page_size)


def get_project(ws: Workspace, code: str) -> ops.Flow[Project]:
    """The project with this code."""
    return ops.get_one(ws, TABLE, Project, {"code": code})


class Projects(QADResource):
    """``client.projects``."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[Project]:
        """Projects, lazily, page by page."""
        return self._paginate(
            list_projects(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    def get(self, code: str) -> Project:
        """One project by code; ``QADNotFound`` if there is none."""
        return self._run(get_project(self._ws, code))


class AsyncProjects(AsyncQADResource):
    """``client.projects`` on the async client."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[Project]:
        """Projects, lazily, page by page."""
        return self._paginate(
            list_projects(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    async def get(self, code: str) -> Project:
        """One project by code; ``QADNotFound`` if there is none."""
        return await self._run(get_project(self._ws, code))
