"""Items of a domain: unique by code, with an optional default GL account that must be valid."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qad_client.testing._codec import Values
from qad_client.testing._records import Domain, Item, Record
from qad_client.testing._stores._base import Call, Sequences, Table, Writer
from qad_client.testing._stores._master import write_master
from qad_client.testing._stores.accounts import AccountStore
from qad_client.testing._stores.setup import Setup

__all__ = ["ItemStore"]


class ItemStore:
    """Every domain's items."""

    def __init__(self, setup: Setup, sequences: Sequences, accounts: AccountStore) -> None:
        self.setup = setup
        self.sequences = sequences
        self.accounts = accounts
        self.items: Table[Item] = Table()

    @property
    def tables(self) -> Mapping[type, Table[Any]]:
        """Each record class this store keeps, and its table."""
        return {Item: self.items}

    @property
    def writers(self) -> Mapping[type, Writer]:
        """The write path of each record class."""
        return {Item: self.write_item}

    def item(self, domain: Domain, code: str) -> Item | None:
        """The item ``code`` of ``domain``, if any (no issue raised)."""
        return self.items.get(domain.code, code)

    def write_item(self, values: Values, call: Call) -> Record | None:
        """Create, change or delete an item."""
        return write_master(
            self.items,
            values,
            call,
            setup=self.setup,
            sequences=self.sequences,
            label="Item",
            check=self.check_item_account,
        )

    def check_item_account(self, record: Item, domain: Domain | None, call: Call) -> None:
        """An item's default GL account, when given, is a known active account."""
        if record.gl_account and domain is not None:
            self.accounts.account(domain, record.gl_account, call, Item)
