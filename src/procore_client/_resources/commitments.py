"""``GET /rest/v1.0/commitments?project_id=``: work order and purchase order contracts together."""

from __future__ import annotations

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._models import Commitment
from procore_client._paging import DEFAULT_PER_PAGE, check_id, list_op, paging_params, v1
from procore_client._resources._base import AsyncProcoreResource, ProcoreResource

__all__ = ["AsyncCommitments", "Commitments", "list_commitments"]


def list_commitments(
    project_id: int, *, page_size: int = DEFAULT_PER_PAGE
) -> Operation[Page[Commitment]]:
    """Commitments of one project, both kinds."""
    params = [("project_id", check_id("project_id", project_id)), *paging_params(page_size)]
    return list_op("commitments.list", v1("commitments"), params, Commitment, "commitment")


class Commitments(ProcoreResource):
    """``client.commitments``."""

    def list(self, project_id: int, *, page_size: int = DEFAULT_PER_PAGE) -> Paginator[Commitment]:
        """Commitments of one project."""
        return self._paginate(list_commitments(project_id, page_size=page_size))


class AsyncCommitments(AsyncProcoreResource):
    """``client.commitments`` (async)."""

    def list(
        self, project_id: int, *, page_size: int = DEFAULT_PER_PAGE
    ) -> AsyncPaginator[Commitment]:
        """Commitments of one project."""
        return self._paginate(list_commitments(project_id, page_size=page_size))
