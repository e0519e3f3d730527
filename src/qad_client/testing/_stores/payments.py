"""Supplier payments: each allocation settles an open invoice of the payment's supplier.

A payment's amount is the sum of its allocations; its money fields and allocations never
change after posting (only references do). A delete voids it and puts the allocated amounts
back on the invoices.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._codec import Values
from qad_client.testing._records import (
    ZERO,
    Allocation,
    Domain,
    Record,
    SupplierInvoice,
    SupplierPayment,
)
from qad_client.testing._stores._base import (
    Call,
    Sequences,
    Table,
    Writer,
    hash_ok,
    key_of,
    same_rows,
    unchanged,
)
from qad_client.testing._stores.accounts import AccountStore
from qad_client.testing._stores.invoices import InvoiceStore
from qad_client.testing._stores.setup import Setup
from qad_client.testing._stores.suppliers import SupplierStore

__all__ = [
    "PAYMENT_FIXED",
    "PaymentStore",
    "allocation_amounts_valid",
    "allocation_fits_invoice",
    "within_balance",
]

PAYMENT_FIXED = ("supplier", "payment_date", "bank_gl_account", "currency", "amount")


# --- rules -----------------------------------------------------------------------------------


def allocation_fits_invoice(
    invoice: SupplierInvoice,
    payment: SupplierPayment,
    field: str,
    value: str,
    call: Call,
) -> bool:
    """An allocation settles an open invoice of the payment's supplier, in its currency."""
    if key_of(invoice.supplier) != key_of(payment.supplier):
        call.flag(
            Allocation,
            field,
            value,
            m.SUPPLIER_MISMATCH,
            label="Supplier invoice",
            value=invoice.reference,
            owner=invoice.supplier,
            supplier=payment.supplier,
        )
        return False
    if key_of(invoice.currency) != key_of(payment.currency):
        call.flag(
            Allocation,
            field,
            value,
            m.CURRENCY_MISMATCH,
            value=payment.currency,
            label="invoice",
            other=invoice.currency,
        )
        return False
    if not invoice.is_open:
        call.flag(Allocation, field, value, m.INVOICE_CLOSED, value=invoice.reference)
        return False
    return True


def allocation_amounts_valid(allocation: Allocation, call: Call) -> bool:
    """A positive amount, and a discount of 0 or more."""
    if allocation.amount <= 0:
        label = "Allocation amount"
        call.flag(Allocation, "amount", allocation.amount, m.NOT_POSITIVE, label=label)
        return False
    if allocation.discount < 0:
        call.flag(Allocation, "discount", allocation.discount, m.NEGATIVE, label="Discount")
        return False
    return True


def within_balance(
    invoice: SupplierInvoice, allocation: Allocation, settled: dict[int, Decimal], call: Call
) -> bool:
    """Amount plus discount fit the invoice's balance, counting earlier allocations of the call.

    ``settled`` is updated when they do.
    """
    already = settled.get(invoice.id, ZERO)
    wanted = allocation.amount + allocation.discount
    if already + wanted > invoice.balance:
        call.flag(
            Allocation,
            "amount",
            allocation.amount,
            m.OVER_ALLOCATION,
            amount=wanted,
            balance=invoice.balance - already,
            invoice=invoice.reference,
        )
        return False
    settled[invoice.id] = already + wanted
    return True


# --- the store -------------------------------------------------------------------------------


class PaymentStore:
    """Every domain's supplier payments, by number."""

    def __init__(
        self,
        setup: Setup,
        sequences: Sequences,
        suppliers: SupplierStore,
        accounts: AccountStore,
        invoices: InvoiceStore,
    ) -> None:
        self.setup = setup
        self.sequences = sequences
        self.suppliers = suppliers
        self.accounts = accounts
        self.invoices = invoices
        self.payments: Table[SupplierPayment] = Table()

    @property
    def tables(self) -> Mapping[type, Table[Any]]:
        """Each record class this store keeps, and its table."""
        return {SupplierPayment: self.payments}

    @property
    def writers(self) -> Mapping[type, Writer]:
        """The write path of each record class."""
        return {SupplierPayment: self.write_payment}

    def write_payment(self, values: Values, call: Call) -> Record | None:
        """Create, change (external reference only) or void (``D``) a payment."""
        domain = self.setup.domain_of(values, call, SupplierPayment)
        if domain is None:
            return None
        index = self.payments.scope(domain.code)
        number = values.text("number").strip()
        existing = index.get(key_of(number)) if number else None
        if values.operation == "create":
            if existing is not None:
                label = "Payment"
                call.flag(
                    SupplierPayment, "number", number, m.ALREADY_EXISTS, label=label, value=number
                )
                return None
            return self._create(domain, values, number, call)
        if existing is None:
            shown = number or "''"
            call.flag(SupplierPayment, "number", number, m.NOT_FOUND, label="Payment", value=shown)
            return None
        if not hash_ok(existing, values, call, SupplierPayment):
            return None
        if values.operation == "delete":
            return self._void(domain, existing, call)
        return self._change(index, existing, values, call)

    def _change(
        self,
        index: dict[str, SupplierPayment],
        existing: SupplierPayment,
        values: Values,
        call: Call,
    ) -> SupplierPayment | None:
        """Only a payment's references change; its money and allocations stay."""
        if not unchanged(existing, values, PAYMENT_FIXED, call, SupplierPayment):
            return None
        if values.has("allocations") and not same_rows(
            existing.allocations, values.lines("allocations")
        ):
            call.flag(SupplierPayment, "allocations", "", m.NOT_CHANGEABLE)
            return None
        draft = attrs.evolve(existing)
        values.assign(draft, exclude=("domain", "entity", "number", *PAYMENT_FIXED))
        call.stamp_draft(draft, existing)
        call.journal.put(index, key_of(existing.number), draft)
        return draft

    def _create(
        self, domain: Domain, values: Values, number: str, call: Call
    ) -> SupplierPayment | None:
        """A new payment: every allocation settles an open invoice of its supplier."""
        before = call.errors()
        supplier = self.suppliers.require(domain, values.text("supplier"), call, SupplierPayment)
        if supplier is None:
            return None
        payment = SupplierPayment(domain=domain.code, entity=domain.entity)
        values.assign(payment, exclude=("domain", "entity", "number", "allocations"))
        payment.supplier = supplier.code
        payment.currency = payment.currency or supplier.currency
        payment.payment_date = payment.payment_date or call.today
        self.accounts.account(
            domain,
            payment.bank_gl_account,
            call,
            SupplierPayment,
            "bank_gl_account",
            "Bank GL account",
        )
        allocations = values.lines("allocations")
        if not allocations:
            call.flag(SupplierPayment, "allocations", "", m.NO_LINES, label="A payment")
        settled: dict[int, Decimal] = {}
        targets: list[tuple[Allocation, SupplierInvoice]] = []
        for allocation_values in allocations:
            allocation = Allocation()
            allocation_values.assign(allocation)
            invoice = self._allocated(domain, payment, allocation, settled, call)
            if invoice is not None:
                targets.append((allocation, invoice))
        if call.errors() > before:
            return None
        expected = sum((a.amount for a, _ in targets), ZERO)
        if values.has("amount") and payment.amount != expected:
            call.flag(
                SupplierPayment,
                "amount",
                payment.amount,
                m.TOTAL_MISMATCH,
                value=payment.amount,
                expected=expected,
            )
            return None
        payment.amount = expected
        payment.allocations = [a for a, _ in targets]
        year = payment.payment_date.year
        payment.number = number or self._payment_number(domain, year, call)
        self.sequences.stamp_new(payment, call.user, call.now)
        call.journal.put(self.payments.scope(domain.code), key_of(payment.number), payment)
        for allocation, invoice in targets:
            self.invoices.settle(invoice, allocation.amount + allocation.discount, call)
        return payment

    def _allocated(
        self,
        domain: Domain,
        payment: SupplierPayment,
        allocation: Allocation,
        settled: dict[int, Decimal],
        call: Call,
    ) -> SupplierInvoice | None:
        """The invoice an allocation settles (by id, else by reference), checked."""
        if allocation.invoice_id:
            invoice = self.invoices.invoice(domain, allocation.invoice_id)
            field, value = "invoice_id", str(allocation.invoice_id)
        else:
            invoice = self.invoices.by_reference(
                domain, payment.supplier, allocation.invoice_reference, None
            )
            field, value = "invoice_reference", allocation.invoice_reference
        if invoice is None:
            label = "Supplier invoice"
            call.flag(Allocation, field, value, m.NOT_FOUND, label=label, value=value or "''")
            return None
        allocation.invoice_id = invoice.id
        allocation.invoice_reference = invoice.reference
        if not allocation_fits_invoice(invoice, payment, field, value, call):
            return None
        if not allocation_amounts_valid(allocation, call):
            return None
        if not within_balance(invoice, allocation, settled, call):
            return None
        return invoice

    def _void(self, domain: Domain, payment: SupplierPayment, call: Call) -> SupplierPayment | None:
        """Void a payment: its allocations go back onto the invoices' balances."""
        if payment.status == n.PAYMENT_STATUS["void"]:
            call.flag(
                SupplierPayment, "number", payment.number, m.ALREADY_VOID, value=payment.number
            )
            return None
        for allocation in payment.allocations:
            invoice = self.invoices.invoice(domain, allocation.invoice_id)
            if invoice is not None:
                self.invoices.settle(invoice, -(allocation.amount + allocation.discount), call)
        call.journal.set(payment, "status", n.PAYMENT_STATUS["void"])
        call.touch(payment)
        return payment

    def _payment_number(self, domain: Domain, year: int, call: Call) -> str:
        while True:
            number = f"{year}{self.sequences.next(f'pay:{key_of(domain.code)}:{year}', call):06d}"
            if self.payments.get(domain.code, number) is None:
                return number
