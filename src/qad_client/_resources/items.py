"""Items: list and read the domain's items. Read-only: items are maintained in QAD."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._models import Filter, Item, Workspace
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncItems", "Items", "get_item", "list_items"]

TABLE = n.ITEM


def list_items(
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
) -> Operation[Page[Item]]:
    """The item browse, optionally only (in)active ones or those changed since a time."""
    chosen = ops.browse_filters(TABLE, filters, modified_since=modified_since, is_active=active)
    return ops.browse(TABLE, Item, chosen, page_size=page_size)


def get_item(ws: Workspace, code: str) -> ops.Flow[Item]:
    """The item with this code."""
    return ops.get_one(ws, TABLE, Item, {"code": code})


class Items(QADResource):
    """``client.items``."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[Item]:
        """Items, lazily, page by page."""
        return self._paginate(
            list_items(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    def get(self, code: str) -> Item:
        """One item by code; ``QADNotFound`` if there is none."""
        return self._run(get_item(self._ws, code))


class AsyncItems(AsyncQADResource):
    """``client.items`` on the async client."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[Item]:
        """Items, lazily, page by page."""
        return self._paginate(
            list_items(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    async def get(self, code: str) -> Item:
        """One item by code; ``QADNotFound`` if there is none."""
        return await self._run(get_item(self._ws, code))
