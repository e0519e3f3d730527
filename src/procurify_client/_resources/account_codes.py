"""Account codes (``/api/v3/account-codes/``): list, get, create, update.

Procurify's account codes mirror the ledger's GL accounts. ``active`` cannot be written
through the API (it is in neither request schema), so it is not in :class:`AccountCodeInput`.
The single-record GET is not in Procurify's published spec (list, create and PUT are); it is
the DRF default route and is implemented on that assumption.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector_http import AsyncPaginator, AsyncResource, Operation, Page, Paginator, SyncResource
from procurify_client._convert import dump
from procurify_client._models import AccountCode, AccountCodeInput
from procurify_client._query import (
    DEFAULT_PAGE_SIZE,
    Kind,
    list_params,
    page_parser,
    record_parser,
)
from procurify_client._resources._common import check_id, input_model

__all__ = [
    "LIST_FILTERS",
    "AccountCodes",
    "AsyncAccountCodes",
    "create_account_code",
    "get_account_code",
    "list_account_codes",
    "update_account_code",
]

PATH = "/api/v3/account-codes/"

LIST_FILTERS: Mapping[str, Kind] = {
    "active": Kind.BOOL,
    "code": Kind.TEXT,
    "is_parent": Kind.BOOL,
    "search": Kind.TEXT,
    "order_by": Kind.TEXT,
}


def list_account_codes(
    page_size: int | None, filters: Mapping[str, object]
) -> Operation[Page[AccountCode]]:
    """The first page of account codes matching ``filters``."""
    return Operation(
        name="account_codes.list",
        method="GET",
        path=PATH,
        params=list_params("account codes", LIST_FILTERS, filters, page_size=page_size),
        parse=page_parser(AccountCode, "account code"),
    )


def get_account_code(code_id: int) -> Operation[AccountCode]:
    """One account code by id."""
    return Operation(
        name="account_codes.get",
        method="GET",
        path=f"{PATH}{check_id('account_code_id', code_id)}/",
        parse=record_parser(AccountCode, "account code"),
    )


def create_account_code(
    code: AccountCodeInput | None, fields: Mapping[str, Any]
) -> Operation[AccountCode]:
    """Create an account code; not retried (a second POST could create a duplicate)."""
    return Operation(
        name="account_codes.create",
        method="POST",
        path=PATH,
        json=dump(input_model(AccountCodeInput, code, fields)),
        parse=record_parser(AccountCode, "account code"),
    )


def update_account_code(
    code_id: int, code: AccountCodeInput | None, fields: Mapping[str, Any]
) -> Operation[AccountCode]:
    """Replace an account code's fields (PUT, safe to repeat); ``departments`` is not sent."""
    body = dump(input_model(AccountCodeInput, code, fields))
    body.pop("departments", None)
    return Operation(
        name="account_codes.update",
        method="PUT",
        path=f"{PATH}{check_id('account_code_id', code_id)}/",
        json=body,
        parse=record_parser(AccountCode, "account code"),
        retry_safe=True,
    )


class AccountCodes(SyncResource):
    """``client.account_codes``."""

    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> Paginator[AccountCode]:
        """Account codes, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(list_account_codes(page_size, filters))

    def get(self, account_code_id: int) -> AccountCode:
        """One account code by id."""
        return self._send(get_account_code(account_code_id))

    def create(self, code: AccountCodeInput | None = None, /, **fields: Any) -> AccountCode:
        """Create an account code from an :class:`AccountCodeInput` or keywords."""
        return self._send(create_account_code(code, fields))

    def update(
        self, account_code_id: int, code: AccountCodeInput | None = None, /, **fields: Any
    ) -> AccountCode:
        """Replace an account code's fields from an :class:`AccountCodeInput` or keywords."""
        return self._send(update_account_code(account_code_id, code, fields))


class AsyncAccountCodes(AsyncResource):
    """``client.account_codes`` of the async client."""

    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncPaginator[AccountCode]:
        """Account codes, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(list_account_codes(page_size, filters))

    async def get(self, account_code_id: int) -> AccountCode:
        """One account code by id."""
        return await self._send(get_account_code(account_code_id))

    async def create(self, code: AccountCodeInput | None = None, /, **fields: Any) -> AccountCode:
        """Create an account code from an :class:`AccountCodeInput` or keywords."""
        return await self._send(create_account_code(code, fields))

    async def update(
        self, account_code_id: int, code: AccountCodeInput | None = None, /, **fields: Any
    ) -> AccountCode:
        """Replace an account code's fields from an :class:`AccountCodeInput` or keywords."""
        return await self._send(update_account_code(account_code_id, code, fields))
