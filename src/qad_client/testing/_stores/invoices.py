"""Supplier invoices: defaults, the duplicate-reference rule, the invoice lock, balances.

QAD checks a reference once per entity, supplier and invoice type
(``CInvoiceForDuplicateReference`` [N19]); that key indexes every invoice here. An invoice takes
its currency and due date from the supplier when not sent. Its lines and amounts change only
while it is unpaid and not final (the invoice lock); its supplier, reference, type and currency
never do. Payments settle it through :meth:`InvoiceStore.settle`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._codec import Values
from qad_client.testing._records import Domain, ExpenseLine, Record, Supplier, SupplierInvoice
from qad_client.testing._stores._base import (
    Call,
    Sequences,
    Table,
    Writer,
    expected_one_of,
    hash_ok,
    key_of,
    same_rows,
    unchanged,
)
from qad_client.testing._stores.accounts import AccountStore
from qad_client.testing._stores.matching import ThreeWayMatch, invoice_total, match_line
from qad_client.testing._stores.setup import Setup
from qad_client.testing._stores.suppliers import SupplierStore

__all__ = [
    "INVOICE_FIXED",
    "INVOICE_TYPES",
    "InvoiceStore",
    "ReferenceKey",
    "book_totals",
    "check_invoice_header",
    "default_invoice",
    "invoice_changeable",
    "reference_key",
    "total_agrees",
]

INVOICE_TYPES = tuple(n.INVOICE_TYPE.values())
INVOICE_FIXED = ("supplier", "reference", "invoice_type", "currency")  # no update changes them
_LINES = ("matching_lines", "expense_lines")
_AMOUNTS = ("total", "tax", "invoice_date")  # change only while the invoice is changeable

ReferenceKey = tuple[str, str, str, str]  # entity, supplier, invoice type, reference


# --- rules -----------------------------------------------------------------------------------


def reference_key(entity: str, supplier: str, invoice_type: str, reference: str) -> ReferenceKey:
    """Where QAD checks for a duplicate reference (CInvoiceForDuplicateReference, [N19])."""
    return (key_of(entity), key_of(supplier), key_of(invoice_type), key_of(reference))


def _key_of_invoice(domain: Domain, invoice: SupplierInvoice) -> ReferenceKey:
    return reference_key(domain.entity, invoice.supplier, invoice.invoice_type, invoice.reference)


def default_invoice(invoice: SupplierInvoice, supplier: Supplier, setup: Setup, call: Call) -> None:
    """Invoice defaults: the supplier's currency, today, posting on the invoice date, due
    after the supplier's credit terms."""
    invoice.currency = invoice.currency or supplier.currency
    invoice.invoice_date = invoice.invoice_date or call.today
    invoice.posting_date = invoice.posting_date or invoice.invoice_date
    if invoice.due_date is None:
        days = setup.due_days(supplier.credit_terms)
        invoice.due_date = invoice.invoice_date + timedelta(days=days)


def check_invoice_header(invoice: SupplierInvoice, setup: Setup, call: Call) -> None:
    """A known currency and invoice type, and no negative tax."""
    setup.check_currency(invoice.currency, call, SupplierInvoice)
    if invoice.invoice_type not in INVOICE_TYPES:
        call.flag(
            SupplierInvoice,
            "invoice_type",
            invoice.invoice_type,
            m.INVALID,
            label="Invoice type",
            reason=expected_one_of(INVOICE_TYPES),
        )
    if invoice.tax < 0:
        call.flag(SupplierInvoice, "tax", invoice.tax, m.NEGATIVE, label="Tax")


def total_agrees(sent: object, expected: Decimal, call: Call) -> bool:
    """A total the caller sends must equal the lines plus tax."""
    if sent == expected:
        return True
    call.flag(SupplierInvoice, "total", sent, m.TOTAL_MISMATCH, value=sent, expected=expected)
    return False


def book_totals(invoice: SupplierInvoice, expected: Decimal, *, on_hold: bool) -> None:
    """Total and open balance, and the status: held, matched (PO lines) or initial."""
    invoice.total = invoice.balance = expected
    invoice.is_open = expected != 0
    status = "hold" if on_hold else ("matched" if invoice.matching_lines else "initial")
    invoice.status = n.INVOICE_STATUS[status]


def invoice_changeable(invoice: SupplierInvoice) -> bool:
    """Invoice lock: lines and amounts may change while it is unpaid and not final."""
    return invoice.balance == invoice.total and invoice.status != n.INVOICE_STATUS["final"]


def _changed_amounts(existing: SupplierInvoice, values: Values) -> list[str]:
    """The line tables and amounts an update changes (those the invoice lock guards)."""
    relined = [
        attribute
        for attribute in _LINES
        if values.has(attribute)
        and not same_rows(getattr(existing, attribute), values.lines(attribute))
    ]
    amounts = [
        attribute
        for attribute in _AMOUNTS
        if values.has(attribute) and values.data.get(attribute) != getattr(existing, attribute)
    ]
    return [*relined, *amounts]


# --- the store -------------------------------------------------------------------------------


class InvoiceStore:
    """Every domain's supplier invoices, by id and by duplicate-reference key."""

    def __init__(
        self,
        setup: Setup,
        sequences: Sequences,
        suppliers: SupplierStore,
        accounts: AccountStore,
        matching: ThreeWayMatch,
    ) -> None:
        self.setup = setup
        self.sequences = sequences
        self.suppliers = suppliers
        self.accounts = accounts
        self.matching = matching
        self.invoices: Table[SupplierInvoice] = Table()
        self.invoice_refs: dict[ReferenceKey, SupplierInvoice] = {}

    @property
    def tables(self) -> Mapping[type, Table[Any]]:
        """Each record class this store keeps, and its table."""
        return {SupplierInvoice: self.invoices}

    @property
    def writers(self) -> Mapping[type, Writer]:
        """The write path of each record class."""
        return {SupplierInvoice: self.write_invoice}

    # --- reads ------------------------------------------------------------------------------

    def invoice(self, domain: Domain, invoice_id: int) -> SupplierInvoice | None:
        """The invoice ``invoice_id`` of ``domain``, if any."""
        return self.invoices.get(domain.code, str(invoice_id))

    def by_reference(
        self, domain: Domain, supplier: str, reference: str, invoice_type: str | None
    ) -> SupplierInvoice | None:
        """The invoice of this supplier and reference: of ``invoice_type``, or the first type."""
        types = (invoice_type,) if invoice_type else INVOICE_TYPES
        for kind in types:
            found = self.invoice_refs.get(reference_key(domain.entity, supplier, kind, reference))
            if found is not None:
                return found
        return None

    def _named(self, domain: Domain, values: Values, call: Call) -> SupplierInvoice | None:
        """The invoice an update names, by ``supplierInvoiceId`` or supplier + reference."""
        if values.has("id"):
            found = self.invoice(domain, values.integer("id"))
            value: object = values.integer("id")
        else:
            found = self.by_reference(
                domain,
                values.text("supplier"),
                values.text("reference"),
                values.text("invoice_type") or None,
            )
            value = values.text("reference")
        if found is None:
            field = "id" if values.has("id") else "reference"
            call.flag(
                SupplierInvoice, field, value, m.NOT_FOUND, label="Supplier invoice", value=value
            )
        return found

    # --- writes -----------------------------------------------------------------------------

    def write_invoice(self, values: Values, call: Call) -> Record | None:
        """Create, change (dates and references only) or delete a supplier invoice."""
        domain = self.setup.domain_of(values, call, SupplierInvoice)
        if domain is None:
            return None
        entity = values.text("entity")
        if entity and key_of(entity) != key_of(domain.entity):
            call.flag(
                SupplierInvoice,
                "entity",
                entity,
                m.ENTITY_MISMATCH,
                value=entity,
                domain=domain.code,
            )
            return None
        if values.operation == "create":
            return self._create(domain, values, call)
        existing = self._named(domain, values, call)
        if existing is None or not hash_ok(existing, values, call, SupplierInvoice):
            return None
        if values.operation == "delete":
            return self._delete(domain, existing, call)
        return self._change(domain, existing, values, call)

    def reference_taken(
        self, domain: Domain, supplier: Supplier, reference: str, values: Values, call: Call
    ) -> bool:
        """CInvoiceForDuplicateReference [N19]: one reference per entity, supplier and type."""
        invoice_type = values.text("invoice_type") or n.INVOICE_TYPE["invoice"]
        if reference_key(domain.entity, supplier.code, invoice_type, reference) not in (
            self.invoice_refs
        ):
            return False
        call.flag(
            SupplierInvoice,
            "reference",
            reference,
            m.DUPLICATE_REFERENCE,
            value=reference,
            supplier=supplier.code,
            type=invoice_type,
            entity=domain.entity,
        )
        return True

    def _create(self, domain: Domain, values: Values, call: Call) -> SupplierInvoice | None:
        """A new invoice: unique reference per entity, supplier and type, matched lines."""
        before = call.errors()
        supplier = self.suppliers.require(domain, values.text("supplier"), call, SupplierInvoice)
        reference = values.text("reference").strip()
        if not reference:
            label = "Supplier invoice reference"
            call.flag(SupplierInvoice, "reference", "", m.REQUIRED, label=label)
        if supplier is None or not reference:
            return None
        if self.reference_taken(domain, supplier, reference, values, call):
            return None
        invoice = SupplierInvoice(domain=domain.code, entity=domain.entity)
        values.assign(invoice, exclude=("domain", "entity"))
        invoice.supplier = supplier.code
        invoice.reference = reference
        default_invoice(invoice, supplier, self.setup, call)
        check_invoice_header(invoice, self.setup, call)
        matches = [match_line(v) for v in values.lines("matching_lines")]
        expenses = [self._expense_line(domain, v, call) for v in values.lines("expense_lines")]
        if not matches and not expenses:
            call.flag(SupplierInvoice, "matching_lines", "", m.NO_LINES, label="A supplier invoice")
        if matches and invoice.invoice_type == n.INVOICE_TYPE["credit_note"]:
            call.flag(SupplierInvoice, "matching_lines", "", m.CREDIT_NOTE_MATCH)
            return None
        on_hold = self.matching.check(domain, invoice, matches, call)
        if call.errors() > before:
            return None
        invoice.matching_lines = matches
        invoice.expense_lines = expenses
        expected = invoice_total(invoice)
        if values.has("total") and not total_agrees(invoice.total, expected, call):
            return None
        book_totals(invoice, expected, on_hold=on_hold)
        invoice.id = self.sequences.next("invoice", call)
        self.sequences.stamp_new(invoice, call.user, call.now)
        call.journal.put(self.invoices.scope(domain.code), str(invoice.id), invoice)
        call.journal.put(self.invoice_refs, _key_of_invoice(domain, invoice), invoice)
        self.matching.post(domain, matches, call)
        return invoice

    def _change(
        self, domain: Domain, existing: SupplierInvoice, values: Values, call: Call
    ) -> SupplierInvoice | None:
        """Dates and references change freely; lines and amounts only while unlocked."""
        if not unchanged(existing, values, INVOICE_FIXED, call, SupplierInvoice):
            return None
        changed = _changed_amounts(existing, values)
        if changed and not invoice_changeable(existing):
            for attribute in changed:
                call.flag(
                    SupplierInvoice,
                    attribute,
                    values.data.get(attribute, ""),
                    m.INVOICE_LOCKED,
                    value=existing.reference,
                )
            return None
        draft = attrs.evolve(existing)
        values.assign(draft, exclude=("domain", "entity", *INVOICE_FIXED, *_LINES, "total"))
        if changed and not self._reline(domain, existing, draft, values, call):
            return None
        call.stamp_draft(draft, existing)
        call.journal.put(self.invoices.scope(domain.code), str(existing.id), draft)
        call.journal.put(self.invoice_refs, _key_of_invoice(domain, existing), draft)
        return draft

    def _reline(
        self,
        domain: Domain,
        existing: SupplierInvoice,
        draft: SupplierInvoice,
        values: Values,
        call: Call,
    ) -> bool:
        """Replace an unpaid invoice's lines and amounts: its matches are given back to their
        receivers and the new lines matched afresh, as when it was created."""
        before = call.errors()
        self.matching.post(domain, existing.matching_lines, call, reverse=True)
        if values.has("matching_lines"):
            draft.matching_lines = [match_line(v) for v in values.lines("matching_lines")]
        else:
            draft.matching_lines = [attrs.evolve(x) for x in existing.matching_lines]
        if values.has("expense_lines"):
            draft.expense_lines = [
                self._expense_line(domain, v, call) for v in values.lines("expense_lines")
            ]
        if draft.tax < 0:
            call.flag(SupplierInvoice, "tax", draft.tax, m.NEGATIVE, label="Tax")
        if not draft.matching_lines and not draft.expense_lines:
            call.flag(SupplierInvoice, "matching_lines", "", m.NO_LINES, label="A supplier invoice")
        on_hold = self.matching.check(domain, draft, draft.matching_lines, call)
        if call.errors() > before:
            return False
        expected = invoice_total(draft)
        if values.has("total") and not total_agrees(values.data.get("total"), expected, call):
            return False
        book_totals(draft, expected, on_hold=on_hold)
        self.matching.post(domain, draft.matching_lines, call)
        return True

    def _expense_line(self, domain: Domain, values: Values, call: Call) -> ExpenseLine:
        """A non-PO line: account coding as the GL account demands, positive amount."""
        line = ExpenseLine()
        values.assign(line)
        self.accounts.check_coding(domain, line, call, ExpenseLine)
        if line.amount <= 0:
            call.flag(ExpenseLine, "amount", line.amount, m.NOT_POSITIVE, label="Amount")
        return line

    def _delete(
        self, domain: Domain, invoice: SupplierInvoice, call: Call
    ) -> SupplierInvoice | None:
        """Remove an unpaid invoice and give its matched quantities back."""
        if invoice.balance != invoice.total:
            call.flag(
                SupplierInvoice,
                "reference",
                invoice.reference,
                m.HAS_PAYMENTS,
                value=invoice.reference,
            )
            return None
        self.matching.post(domain, invoice.matching_lines, call, reverse=True)
        call.journal.pop(self.invoices.scope(domain.code), str(invoice.id))
        call.journal.pop(self.invoice_refs, _key_of_invoice(domain, invoice))
        return invoice

    def settle(self, invoice: SupplierInvoice, amount: Decimal, call: Call) -> None:
        """Reduce (or, negative, restore) an invoice's balance and keep ``is_open`` in step."""
        balance = invoice.balance - amount
        call.journal.set(invoice, "balance", balance)
        call.journal.set(invoice, "is_open", balance != 0)
        call.touch(invoice)
