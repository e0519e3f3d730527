"""Account codes (``/api/v3/account-codes/``): list, get, create, update.

Procurify's account codes mirror the ledger's GL accounts. ``active`` cannot be written
through the API (it is in neither request schema), so it is not in :class:`AccountCodeInput`.
The single-record GET is not in Procurify's published spec (list, create and PUT are); it is
the DRF default route and is implemented on that assumption.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from mlconnector_http import AsyncPaginator, AsyncResource, Paginator, SyncResource
from procurify_client._models import AccountCode, AccountCodeInput
from procurify_client._query import DEFAULT_PAGE_SIZE, Kind
from procurify_client._resources._common import Collection

__all__ = ["ACCOUNT_CODES", "LIST_FILTERS", "AccountCodes", "AsyncAccountCodes"]

LIST_FILTERS: Mapping[str, Kind] = {
    "active": Kind.BOOL,
    "code": Kind.TEXT,
    "is_parent": Kind.BOOL,
    "search": Kind.TEXT,
    "order_by": Kind.TEXT,
}

ACCOUNT_CODES = Collection(
    "account code",
    "/api/v3/account-codes/",
    AccountCode,
    AccountCodeInput,
    LIST_FILTERS,
    create_only=frozenset({"departments"}),
    reference="code",
)


class AccountCodes(SyncResource):
    """``client.account_codes``."""

    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> Paginator[AccountCode]:
        """Account codes, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(ACCOUNT_CODES.list(page_size, filters))

    def get(self, account_code_id: int) -> AccountCode:
        """One account code by id."""
        return self._send(ACCOUNT_CODES.get(account_code_id))

    def create(self, code: AccountCodeInput | None = None, /, **fields: Any) -> AccountCode:
        """Create an account code from an :class:`AccountCodeInput` or keywords."""
        return self._send(ACCOUNT_CODES.create(code, fields))

    def update(
        self, account_code_id: int, code: AccountCodeInput | None = None, /, **fields: Any
    ) -> AccountCode:
        """Replace an account code's fields (``departments`` is not sent: create only)."""
        return self._send(ACCOUNT_CODES.update(account_code_id, code, fields))

    def find_by_reference(self, reference: str) -> builtins.list[AccountCode]:
        """Every account code whose ``code`` is exactly ``reference`` (account codes have no
        external id; the code is the ledger's key).

        Every page of the list filtered on ``code`` is read and each record is checked here,
        so a server that ignores the filter never hands back another code; duplicates show as
        two or more items. Inactive codes are included (no ``active`` filter is sent).
        """
        op = ACCOUNT_CODES.by_reference(reference)
        return self._paginate(op).exact_matches(
            reference, ACCOUNT_CODES.reference_of, ACCOUNT_CODES.raw_reference_of
        )


class AsyncAccountCodes(AsyncResource):
    """``client.account_codes`` of the async client."""

    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncPaginator[AccountCode]:
        """Account codes, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(ACCOUNT_CODES.list(page_size, filters))

    async def get(self, account_code_id: int) -> AccountCode:
        """One account code by id."""
        return await self._send(ACCOUNT_CODES.get(account_code_id))

    async def create(self, code: AccountCodeInput | None = None, /, **fields: Any) -> AccountCode:
        """Create an account code from an :class:`AccountCodeInput` or keywords."""
        return await self._send(ACCOUNT_CODES.create(code, fields))

    async def update(
        self, account_code_id: int, code: AccountCodeInput | None = None, /, **fields: Any
    ) -> AccountCode:
        """Replace an account code's fields (``departments`` is not sent: create only)."""
        return await self._send(ACCOUNT_CODES.update(account_code_id, code, fields))

    async def find_by_reference(self, reference: str) -> builtins.list[AccountCode]:
        """Every account code whose ``code`` is exactly ``reference`` (see the sync one)."""
        op = ACCOUNT_CODES.by_reference(reference)
        return await self._paginate(op).exact_matches(
            reference, ACCOUNT_CODES.reference_of, ACCOUNT_CODES.raw_reference_of
        )
