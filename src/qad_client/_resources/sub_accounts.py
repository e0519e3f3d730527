"""Sub-accounts (QAD Financials divisions): list and read (maintained in QAD)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._models import Filter, SubAccount, Workspace
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncSubAccounts", "SubAccounts", "get_sub_account", "list_sub_accounts"]

TABLE = n.SUB_ACCOUNT


def list_sub_accounts(
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
) -> Operation[Page[SubAccount]]:
    """The sub-account browse, optionally only (in)active ones or those changed since a time."""
    chosen = ops.browse_filters(TABLE, filters, modified_since=modified_since, is_active=active)
    return ops.browse(TABLE, SubAccount, chosen, page_size=page_size)


def get_sub_account(ws: Workspace, code: str) -> ops.Flow[SubAccount]:
    """The sub-account with this code."""
    return ops.get_one(ws, TABLE, SubAccount, {"code": code})


class SubAccounts(QADResource):
    """``client.sub_accounts``."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[SubAccount]:
        """Sub-accounts, lazily, page by page."""
        return self._paginate(
            list_sub_accounts(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    def get(self, code: str) -> SubAccount:
        """One sub-account by code; ``QADNotFound`` if there is none."""
        return self._run(get_sub_account(self._ws, code))


class AsyncSubAccounts(AsyncQADResource):
    """``client.sub_accounts`` on the async client."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[SubAccount]:
        """Sub-accounts, lazily, page by page."""
        return self._paginate(
            list_sub_accounts(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    async def get(self, code: str) -> SubAccount:
        """One sub-account by code; ``QADNotFound`` if there is none."""
        return await self._run(get_sub_account(self._ws, code))
