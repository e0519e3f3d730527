"""QAD keys a supplier's invoice number per invoice type: an invoice and a credit note may
share one, and the lookup by number tells them apart when asked for a type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qad_client import InvoiceType, NewExpenseLine, NewSupplierInvoice, QADDuplicate

from .test_client_support import make_world


def test_an_invoice_and_a_credit_note_share_a_number_and_are_found_by_type() -> None:
    world = make_world()
    client = world.client()
    supplier = world.seed.suppliers[0]

    def post(kind: InvoiceType, amount: str) -> int:
        return client.supplier_invoices.create(
            NewSupplierInvoice(
                supplier=supplier,
                reference="P-1001/SC-001-01",
                invoice_date=dt.date(2026, 11, 9),
                currency="USD",
                invoice_type=kind,
                expense_lines=[
                    NewExpenseLine(gl_account=world.seed.expense_account, amount=Decimal(amount))
                ],
            )
        ).record.id

    invoice = post(InvoiceType.INVOICE, "1000.00")
    credit = post(InvoiceType.CREDIT_NOTE, "100.00")
    find = client.supplier_invoices.find_by_supplier_reference
    number = "P-1001/SC-001-01"
    found_invoice = find(supplier, number, invoice_type=InvoiceType.INVOICE)
    found_credit = find(supplier, number, invoice_type=InvoiceType.CREDIT_NOTE)
    assert found_invoice is not None
    assert found_credit is not None
    assert (found_invoice.id, found_credit.id) == (invoice, credit)
    assert find(supplier, number) is not None  # any type
    with pytest.raises(QADDuplicate):
        post(InvoiceType.CREDIT_NOTE, "5.00")
