"""Subcontractor invoices, which the API still calls requisitions (``/rest/v1.1/requisitions``).

Writing ``origin_id`` marks an invoice as synced with the ERP, and Procore then locks it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from procore_client._exceptions import ProcoreConfigurationError
from procore_client._models import Requisition, RequisitionStatus
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
    "AsyncRequisitions",
    "Requisitions",
    "get_requisition",
    "list_requisitions",
    "update_requisition",
]


def list_requisitions(
    project_id: int,
    *,
    status: RequisitionStatus | str | None = None,
    modified_since: dt.datetime | None = None,
    modified_before: dt.datetime | None = None,
    commitment_id: int | None = None,
    origin_id: str | None = None,
    page_size: int = DEFAULT_PER_PAGE,
    with_items: bool = False,
) -> Operation[Page[Requisition]]:
    """One project's invoices, optionally by status, commitment or update time;
    ``with_items`` asks for the extended view, which carries each invoice's lines."""
    commitment = None if commitment_id is None else check_id("commitment_id", commitment_id)
    params = [
        ("project_id", check_id("project_id", project_id)),
        *paging_params(page_size),
        *([("view", "extended")] if with_items else []),
        *date_range("updated_at", modified_since, modified_before),
        *filters(status=status, commitment_id=commitment, origin_id=origin_id),
    ]
    return list_op("requisitions.list", v11("requisitions"), params, Requisition, "requisition")


def get_requisition(
    project_id: int, requisition_id: int, *, with_items: bool = False
) -> Operation[Requisition]:
    """One invoice (with its lines when ``with_items``)."""
    params = [("project_id", check_id("project_id", project_id))]
    if with_items:
        params.append(("view", "extended"))
    path = v11(f"requisitions/{check_id('requisition_id', requisition_id)}")
    return get_op("requisitions.get", path, params, Requisition, f"requisition {requisition_id}")


def update_requisition(
    project_id: int,
    requisition_id: int,
    *,
    commitment_id: int,
    origin_id: str | None = None,
    origin_data: str | None = None,
) -> Operation[Requisition]:
    """Record the ERP's id (and free text) on an invoice; sending it twice is harmless.

    Procore requires the invoice's ``commitment_id`` beside ``project_id`` in the body.
    """
    changes = _changes(origin_id, origin_data)
    path = v11(f"requisitions/{check_id('requisition_id', requisition_id)}")
    return Operation(
        name="requisitions.update",
        method="PATCH",
        path=path,
        json={
            "project_id": int(check_id("project_id", project_id)),
            "commitment_id": int(check_id("commitment_id", commitment_id)),
            "requisition": changes,
        },
        parse=record_parser(Requisition, f"requisition {requisition_id}"),
        retry_safe=True,
    )


def _changes(origin_id: str | None, origin_data: str | None) -> dict[str, Any]:
    """The fields an invoice update sets; at least one of them."""
    changes = {
        key: value
        for key, value in (("origin_id", origin_id), ("origin_data", origin_data))
        if value is not None
    }
    if not changes:
        raise ProcoreConfigurationError("update_requisition needs origin_id= or origin_data=")
    return changes


def _commitment_of(requisition: Requisition) -> int:
    """The invoice's commitment, which its PATCH must name."""
    if requisition.commitment_id is None:
        raise ProcoreConfigurationError(
            f"requisition {requisition.id} has no commitment_id: pass commitment_id="
        )
    return requisition.commitment_id


class Requisitions(ProcoreResource):
    """``client.requisitions``."""

    def list(
        self,
        project_id: int,
        *,
        status: RequisitionStatus | str | None = None,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        commitment_id: int | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
        with_items: bool = False,
    ) -> Paginator[Requisition]:
        """One project's invoices (each with its lines when ``with_items``)."""
        return self._paginate(
            list_requisitions(
                project_id,
                status=status,
                modified_since=modified_since,
                modified_before=modified_before,
                commitment_id=commitment_id,
                origin_id=origin_id,
                page_size=page_size,
                with_items=with_items,
            )
        )

    def get(self, project_id: int, requisition_id: int, *, with_items: bool = False) -> Requisition:
        """One invoice (with its lines when ``with_items``)."""
        return self._send(get_requisition(project_id, requisition_id, with_items=with_items))

    def update(
        self,
        project_id: int,
        requisition_id: int,
        *,
        origin_id: str | None = None,
        origin_data: str | None = None,
        commitment_id: int | None = None,
    ) -> Requisition:
        """Set ``origin_id`` / ``origin_data`` (this locks the invoice in Procore).

        Without ``commitment_id`` the invoice is read first to learn it (one more call).
        """
        if commitment_id is None:
            _changes(origin_id, origin_data)
            commitment_id = _commitment_of(self.get(project_id, requisition_id))
        return self._send(
            update_requisition(
                project_id,
                requisition_id,
                commitment_id=commitment_id,
                origin_id=origin_id,
                origin_data=origin_data,
            )
        )


class AsyncRequisitions(AsyncProcoreResource):
    """``client.requisitions`` (async)."""

    def list(
        self,
        project_id: int,
        *,
        status: RequisitionStatus | str | None = None,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        commitment_id: int | None = None,
        origin_id: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
        with_items: bool = False,
    ) -> AsyncPaginator[Requisition]:
        """One project's invoices (each with its lines when ``with_items``)."""
        return self._paginate(
            list_requisitions(
                project_id,
                status=status,
                modified_since=modified_since,
                modified_before=modified_before,
                commitment_id=commitment_id,
                origin_id=origin_id,
                page_size=page_size,
                with_items=with_items,
            )
        )

    async def get(
        self, project_id: int, requisition_id: int, *, with_items: bool = False
    ) -> Requisition:
        """One invoice (with its lines when ``with_items``)."""
        return await self._send(get_requisition(project_id, requisition_id, with_items=with_items))

    async def update(
        self,
        project_id: int,
        requisition_id: int,
        *,
        origin_id: str | None = None,
        origin_data: str | None = None,
        commitment_id: int | None = None,
    ) -> Requisition:
        """Set ``origin_id`` / ``origin_data`` (this locks the invoice in Procore).

        Without ``commitment_id`` the invoice is read first to learn it (one more call).
        """
        if commitment_id is None:
            _changes(origin_id, origin_data)
            commitment_id = _commitment_of(await self.get(project_id, requisition_id))
        return await self._send(
            update_requisition(
                project_id,
                requisition_id,
                commitment_id=commitment_id,
                origin_id=origin_id,
                origin_data=origin_data,
            )
        )
