"""Suppliers (business relations as creditors) of a supplier set, and their domain records.

QAD makes a supplier's domain record (``mfgSuppliers``: site, daybook set) itself when the
supplier is created [N1]; a caller can only change it. Only changed ones are stored here, the
rest are rendered from the supplier on read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from qad_client.testing import _messages as m
from qad_client.testing._codec import Values
from qad_client.testing._records import Domain, MfgSupplier, Record, Supplier
from qad_client.testing._stores._base import (
    Call,
    Sequences,
    Table,
    Writer,
    hash_ok,
    key_of,
    lookup,
    refuse_operation,
)
from qad_client.testing._stores._master import write_master
from qad_client.testing._stores.setup import Setup

__all__ = ["SupplierStore"]


class SupplierStore:
    """Every supplier set's suppliers, and the domain records changed since QAD made them."""

    def __init__(self, setup: Setup, sequences: Sequences) -> None:
        self.setup = setup
        self.sequences = sequences
        self.suppliers: Table[Supplier] = Table()
        self.mfg_suppliers: Table[MfgSupplier] = Table()  # only those changed since created

    @property
    def tables(self) -> Mapping[type, Table[Any]]:
        """Each record class this store keeps, and its table."""
        return {Supplier: self.suppliers, MfgSupplier: self.mfg_suppliers}

    @property
    def writers(self) -> Mapping[type, Writer]:
        """The write path of each record class."""
        return {Supplier: self.write_supplier, MfgSupplier: self.write_mfg_supplier}

    # --- reads ------------------------------------------------------------------------------

    def supplier_of(self, domain: Domain, code: str) -> Supplier | None:
        """The supplier ``code`` seen from ``domain``, if any (no issue raised)."""
        return self.suppliers.get(domain.supplier_set, code)

    def require(self, domain: Domain, code: str, call: Call, table: type) -> Supplier | None:
        """The supplier a document names, flagged when blank, unknown or inactive."""
        return lookup(
            self.suppliers, domain.supplier_set, code, call, table, "supplier", "Supplier"
        )

    def domain_record(self, domain: Domain, supplier: Supplier) -> MfgSupplier:
        """The supplier's domain record: as last changed, else as QAD made it with the supplier."""
        stored = self.mfg_suppliers.get(domain.code, supplier.code)
        if stored is not None:
            return stored
        return MfgSupplier(
            domain=domain.code,
            code=supplier.code,
            site=domain.sites[0] if domain.sites else "",
            rowid=supplier.rowid,
            modified_at=supplier.modified_at,
            modified_by=supplier.modified_by,
        )

    def domain_records(self, domain: Domain | None) -> Iterator[MfgSupplier]:
        """Every supplier's record in ``domain``."""
        if domain is not None:
            for supplier in self.suppliers.records(domain.supplier_set):
                yield self.domain_record(domain, supplier)

    def find_domain_record(self, domain: Domain | None, code: str) -> list[MfgSupplier]:
        """The domain record of supplier ``code``, as a list of none or one."""
        supplier = None if domain is None else self.supplier_of(domain, code)
        return [] if supplier is None or domain is None else [self.domain_record(domain, supplier)]

    # --- writes -----------------------------------------------------------------------------

    def write_supplier(self, values: Values, call: Call) -> Record | None:
        """Create, change or delete a supplier."""
        return write_master(
            self.suppliers,
            values,
            call,
            setup=self.setup,
            sequences=self.sequences,
            label="Supplier",
            check=self.check_supplier,
        )

    def check_supplier(self, record: Supplier, domain: Domain | None, call: Call) -> None:
        """Suppliers need a name, a known currency (default: the base one) and known terms."""
        if not record.name.strip():
            call.flag(Supplier, "name", record.name, m.REQUIRED, label="Name")
        record.currency = record.currency or self.setup.base_currency
        self.setup.check_currency(record.currency, call, Supplier)
        self.setup.check_terms(record.credit_terms, call, Supplier)

    def write_mfg_supplier(self, values: Values, call: Call) -> Record | None:
        """Change a supplier's site and daybook set in one domain; QAD makes the record itself."""
        domain = self.setup.domain_of(values, call, MfgSupplier)
        if domain is None:
            return None
        if values.operation != "update":
            label = "a supplier's domain record (made with the supplier)"
            refuse_operation(MfgSupplier, values, call, label)
            return None
        code = values.text("code").strip()
        supplier = self.supplier_of(domain, code) if code else None
        if supplier is None:
            call.flag(MfgSupplier, "code", code, m.NOT_FOUND, label="Supplier", value=code or "''")
            return None
        current = self.domain_record(domain, supplier)
        if not hash_ok(current, values, call, MfgSupplier):
            return None
        draft = attrs.evolve(current)
        values.assign(draft, exclude=("domain", "code"))
        if draft.site and draft.site not in domain.sites:
            call.flag(MfgSupplier, "site", draft.site, m.NOT_FOUND, label="Site", value=draft.site)
            return None
        call.stamp_draft(draft, current)
        call.journal.put(self.mfg_suppliers.scope(domain.code), key_of(code), draft)
        return draft
