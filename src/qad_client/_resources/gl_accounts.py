"""GL accounts: list and read them with their analysis requirements (maintained in QAD)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._models import Filter, GLAccount, Workspace
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncGLAccounts", "GLAccounts", "get_gl_account", "list_gl_accounts"]

TABLE = n.GL_ACCOUNT


def list_gl_accounts(
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
) -> Operation[Page[GLAccount]]:
    """The GL account browse, optionally only (in)active ones or those changed since a time."""
    chosen = ops.browse_filters(TABLE, filters, modified_since=modified_since, is_active=active)
    return ops.browse(TABLE, GLAccount, chosen, page_size=page_size)


def get_gl_account(ws: Workspace, code: str) -> ops.Flow[GLAccount]:
    """The GL account with this code."""
    return ops.get_one(ws, TABLE, GLAccount, {"code": code})


class GLAccounts(QADResource):
    """``client.gl_accounts``."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[GLAccount]:
        """GL accounts, lazily, page by page."""
        return self._paginate(
            list_gl_accounts(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    def get(self, code: str) -> GLAccount:
        """One GL account by code; ``QADNotFound`` if there is none."""
        return self._run(get_gl_account(self._ws, code))


class AsyncGLAccounts(AsyncQADResource):
    """``client.gl_accounts`` on the async client."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[GLAccount]:
        """GL accounts, lazily, page by page."""
        return self._paginate(
            list_gl_accounts(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    async def get(self, code: str) -> GLAccount:
        """One GL account by code; ``QADNotFound`` if there is none."""
        return await self._run(get_gl_account(self._ws, code))
