"""One tenant's data and every business rule the simulator enforces, with no HTTP in sight.

Writes go through :meth:`TenantState.write`: each record is checked, then applied through a
journal; if any record of the request fails, the journal rolls the whole request back, the way
a QXtend ``scopeTransaction=true`` call behaves. Keys compare case-insensitively, as Progress
character fields do. Every collection is indexed by its natural key, so creates are O(1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import attrs

from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._codec import Values
from qad_client.testing._messages import Issue
from qad_client.testing._records import (
    ZERO,
    Allocation,
    CostCentre,
    Domain,
    ExpenseLine,
    GLAccount,
    Item,
    MatchingLine,
    MfgSupplier,
    OpenReceiver,
    POLine,
    Project,
    PurchaseOrder,
    Receipt,
    Record,
    SharedRecord,
    SubAccount,
    Supplier,
    SupplierInvoice,
    SupplierPayment,
)
from qad_client.testing._stores._base import (
    Call,
    Sequences,
    Table,
    WriteResult,
    hash_ok,
    key_of,
    lookup,
    scope_of,
    unchanged,
)
from qad_client.testing._stores.accounts import ANALYSIS_TYPES, AccountStore
from qad_client.testing._stores.items import ItemStore
from qad_client.testing._stores.purchase_orders import LINE_FIELD_GROUPS, OrderStore
from qad_client.testing._stores.receipts import ReceiptStore, receiver_key
from qad_client.testing._stores.setup import Setup, Tolerances
from qad_client.testing._stores.suppliers import SupplierStore

__all__ = [
    "ANALYSIS_TYPES",
    "LINE_FIELD_GROUPS",
    "Table",
    "TenantState",
    "Tolerances",
    "WriteResult",
    "key_of",
]

T = TypeVar("T", bound=Record)
M = TypeVar("M", bound=Record)

INVOICE_TYPES = tuple(n.INVOICE_TYPE.values())

# The natural key of each table read through ``/api/erp`` (POs' lines are read by PO number).
_KEYS: Mapping[type, str] = {
    Supplier: "code",
    MfgSupplier: "code",
    Item: "code",
    GLAccount: "code",
    CostCentre: "code",
    SubAccount: "code",
    Project: "code",
    PurchaseOrder: "number",
    Receipt: "receiver",
    SupplierInvoice: "id",
    SupplierPayment: "number",
}


class TenantState:
    """Domains, shared sets, master data, documents and the rules that guard them."""

    def __init__(
        self,
        *,
        tolerances: Tolerances,
        currencies: Iterable[str],
        base_currency: str,
        credit_terms: Mapping[str, int],
    ) -> None:
        self.sequences = Sequences()
        self.setup = Setup(
            self.sequences,
            tolerances=tolerances,
            currencies=currencies,
            base_currency=base_currency,
            credit_terms=credit_terms,
        )
        self.account_store = AccountStore(self.setup, self.sequences)
        self.supplier_store = SupplierStore(self.setup, self.sequences)
        self.item_store = ItemStore(self.setup, self.sequences, self.account_store)
        self.order_store = OrderStore(
            self.setup, self.sequences, self.supplier_store, self.item_store, self.account_store
        )
        self.receipt_store = ReceiptStore(self.setup, self.sequences, self.order_store)
        self.invoices: Table[SupplierInvoice] = Table()
        # QAD's CInvoiceForDuplicateReference key: entity, supplier, invoice type, reference
        self.invoice_refs: dict[tuple[str, str, str, str], SupplierInvoice] = {}
        self.payments: Table[SupplierPayment] = Table()
        self._stores: dict[type, Table[Any]] = {
            **self.supplier_store.tables,
            **self.item_store.tables,
            **self.account_store.tables,
            **self.order_store.tables,
            **self.receipt_store.tables,
            SupplierInvoice: self.invoices,
            SupplierPayment: self.payments,
        }
        self._writers: dict[type, Callable[[Values, Call], Record | None]] = {
            **self.supplier_store.writers,
            **self.item_store.writers,
            **self.account_store.writers,
            **self.order_store.writers,
            **self.receipt_store.writers,
            SupplierInvoice: self._write_invoice,
            SupplierPayment: self._write_payment,
        }

    # --- the tables callers read ----------------------------------------------------------------

    @property
    def suppliers(self) -> Table[Supplier]:
        """Suppliers by supplier set and code."""
        return self.supplier_store.suppliers

    @property
    def mfg_suppliers(self) -> Table[MfgSupplier]:
        """Suppliers' domain records changed since QAD made them, by domain and code."""
        return self.supplier_store.mfg_suppliers

    @property
    def items(self) -> Table[Item]:
        """Items by domain and code."""
        return self.item_store.items

    @property
    def gl_accounts(self) -> Table[GLAccount]:
        """GL accounts by account set and code."""
        return self.account_store.gl_accounts

    @property
    def cost_centres(self) -> Table[CostCentre]:
        """Cost centres by account set and code."""
        return self.account_store.cost_centres

    @property
    def sub_accounts(self) -> Table[SubAccount]:
        """Sub-accounts by account set and code."""
        return self.account_store.sub_accounts

    @property
    def projects(self) -> Table[Project]:
        """Projects by account set and code."""
        return self.account_store.projects

    @property
    def purchase_orders(self) -> Table[PurchaseOrder]:
        """Purchase orders (each with its lines) by domain and number."""
        return self.order_store.purchase_orders

    @property
    def receipts(self) -> Table[Receipt]:
        """Posted receipts by domain and receiver number."""
        return self.receipt_store.receipts

    @property
    def receivers(self) -> Table[OpenReceiver]:
        """Receiver lines by domain and receiver#line, matched or not."""
        return self.receipt_store.receivers

    # --- setup ----------------------------------------------------------------------------------

    @property
    def tolerances(self) -> Tolerances:
        """The invoice price and over-receipt tolerances (settable)."""
        return self.setup.tolerances

    @tolerances.setter
    def tolerances(self, tolerances: Tolerances) -> None:
        self.setup.tolerances = tolerances

    @property
    def base_currency(self) -> str:
        """The currency a supplier gets when none is sent."""
        return self.setup.base_currency

    @property
    def credit_terms(self) -> Mapping[str, int]:
        """Credit-terms codes (as compared) and their days."""
        return self.setup.credit_terms

    @property
    def domains(self) -> Mapping[str, Domain]:
        """Every domain, by code as compared."""
        return self.setup.domains

    def add_domain(self, domain: Domain, *, now: datetime) -> None:
        """Register a domain and the shared sets it points to."""
        self.setup.add_domain(domain, now=now)

    def domain(self, code: str) -> Domain | None:
        """The domain named ``code``, if any."""
        return self.setup.domain(code)

    def next_po_number(self, domain: Domain) -> str:
        """Take the next free purchase order number of ``domain`` (for seeding)."""
        return self.order_store.next_po_number(domain)

    def insert(self, record: Record, *, user: str, now: datetime) -> None:
        """Store a master record or a PO as-is, bypassing the rules (seeding); it must be valid."""
        self.sequences.stamp_new(record, user, now)
        if isinstance(record, SharedRecord):
            scope, key = record.shared_set, record.code
        elif isinstance(record, Item):
            scope, key = record.domain, record.code
        elif isinstance(record, PurchaseOrder):
            for line in record.lines.values():
                self.sequences.stamp_new(line, user, now)
            scope, key = record.domain, record.number
        else:
            raise TypeError(f"cannot seed a {type(record).__name__}")
        self._stores[type(record)].scope(scope)[key_of(key)] = record

    # --- reads ----------------------------------------------------------------------------------

    def source(
        self, table: type, domain: Domain | None, shared_set: str = "", *, po_number: str = ""
    ) -> Iterator[Record]:
        """Every record of ``table`` visible from ``domain`` (or in ``shared_set``).

        ``po_number`` narrows open receivers to one PO's through an index (the caller still
        applies its filters), so matching a bill does not scan every receiver of the domain.
        """
        if table is Domain:
            yield from self.domains.values()
        elif table is MfgSupplier:
            yield from self.supplier_store.domain_records(domain)
        elif table is POLine:
            yield from self.order_store.lines(scope_of(PurchaseOrder, domain))
        elif table is OpenReceiver:
            yield from self.receipt_store.open_receivers_of(domain, po_number)
        else:
            yield from self._stores[table].records(scope_of(table, domain, shared_set))

    def find(
        self,
        table: type,
        domain: Domain | None,
        shared_set: str,
        params: Mapping[str, str],
    ) -> list[Record]:
        """Records whose attributes equal ``params``; a natural key is looked up, not scanned."""
        candidates = self._by_key(table, domain, shared_set, params)
        if candidates is None:
            candidates = self.source(table, domain, shared_set)
        return [r for r in candidates if all(_equals(getattr(r, a), v) for a, v in params.items())]

    def _by_key(
        self,
        table: type,
        domain: Domain | None,
        shared_set: str,
        params: Mapping[str, str],
    ) -> Iterable[Record] | None:
        if table is MfgSupplier and "code" in params:
            return self.supplier_store.find_domain_record(domain, params["code"])
        if table is POLine and "po_number" in params:
            return self.order_store.lines_of(scope_of(PurchaseOrder, domain), params["po_number"])
        key = _KEYS.get(table)
        if key is None or key not in params:
            return None
        found = self._stores[table].get(scope_of(table, domain, shared_set), params[key])
        return [] if found is None else [found]

    def purchase_order(self, domain: Domain, number: str) -> PurchaseOrder | None:
        """The purchase order ``number`` of ``domain``, if any."""
        return self.order_store.purchase_order(domain, number)

    def line_template(self, domain: Domain, order: PurchaseOrder) -> POLine:
        """A new, unsaved line for ``order`` with QAD's defaults (the grid ``initialize`` call)."""
        return self.order_store.line_template(domain, order)

    def open_receivers(self, domain: Domain, po_number: str, po_line: int) -> list[OpenReceiver]:
        """The receivers of one PO line that still have quantity to match."""
        return self.receipt_store.open_receivers(domain, po_number, po_line)

    # --- writes ---------------------------------------------------------------------------------

    def write(
        self,
        table: type,
        entries: Iterable[Values],
        *,
        user: str,
        default_domain: Domain | None,
        now: datetime,
        issues: Iterable[Issue] = (),
    ) -> WriteResult:
        """Apply every entry, or none of them if any fails."""
        call = Call(user, default_domain, now)
        call.issues.extend(issues)
        writer = self._writers[table]
        records: list[Record] = []
        for values in entries:
            record = writer(values, call)
            if record is not None:
                records.append(record)
        if call.errors():
            call.journal.rollback()
            return WriteResult(False, [], call.issues)
        return WriteResult(True, records, call.issues, call.confirmations)

    def field_change(
        self, values: Values, attribute: str, *, default_domain: Domain | None, now: datetime
    ) -> tuple[POLine | None, list[Issue]]:
        """Default and check one changed field of an unsaved PO line (``fieldChangeV2``)."""
        return self.order_store.field_change(
            values, attribute, default_domain=default_domain, now=now
        )

    # --- supplier invoices ----------------------------------------------------------------------

    def _find_invoice(self, domain: Domain, values: Values, call: Call) -> SupplierInvoice | None:
        """The invoice an update names, by ``supplierInvoiceId`` or supplier + reference."""
        if values.has("id"):
            found = self.invoices.get(domain.code, str(values.integer("id")))
            value: object = values.integer("id")
        else:
            found = self._invoice_by_reference(
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

    def _invoice_by_reference(
        self, domain: Domain, supplier: str, reference: str, invoice_type: str | None
    ) -> SupplierInvoice | None:
        """The invoice of this supplier and reference: of ``invoice_type``, or the first type."""
        types = (invoice_type,) if invoice_type else tuple(n.INVOICE_TYPE.values())
        for kind in types:
            found = self.invoice_refs.get(
                (key_of(domain.entity), key_of(supplier), key_of(kind), key_of(reference))
            )
            if found is not None:
                return found
        return None

    def _write_invoice(self, values: Values, call: Call) -> Record | None:
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
            return self._create_invoice(domain, values, call)
        existing = self._find_invoice(domain, values, call)
        if existing is None or not hash_ok(existing, values, call, SupplierInvoice):
            return None
        if values.operation == "delete":
            return self._delete_invoice(domain, existing, call)
        fixed = ("supplier", "reference", "invoice_type", "currency")
        if not unchanged(existing, values, fixed, call, SupplierInvoice):
            return None
        relined = [
            attribute
            for attribute in _INVOICE_LINES
            if values.has(attribute)
            and not _same_rows(getattr(existing, attribute), values.lines(attribute))
        ]
        amounts = [
            attribute
            for attribute in ("total", "tax", "invoice_date")
            if values.has(attribute) and values.data.get(attribute) != getattr(existing, attribute)
        ]
        if (relined or amounts) and not _invoice_changeable(existing):
            for attribute in (*relined, *amounts):
                call.flag(
                    SupplierInvoice,
                    attribute,
                    values.data.get(attribute, ""),
                    m.INVOICE_LOCKED,
                    value=existing.reference,
                )
            return None
        draft = attrs.evolve(existing)
        values.assign(draft, exclude=("domain", "entity", *fixed, *_INVOICE_LINES, "total"))
        if (relined or amounts) and not self._reline_invoice(domain, existing, draft, values, call):
            return None
        call.stamp_draft(draft, existing)
        call.journal.put(self.invoices.scope(domain.code), str(existing.id), draft)
        call.journal.put(self.invoice_refs, _reference_key(domain, existing), draft)
        return draft

    def _reline_invoice(
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
        for match in existing.matching_lines:
            self.receipt_store.move_matched(domain, match, -match.quantity, call)
        if values.has("matching_lines"):
            draft.matching_lines = [_match_line(v) for v in values.lines("matching_lines")]
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
        on_hold = self._check_matches(domain, draft, draft.matching_lines, call)
        if call.errors() > before:
            return False
        expected = _invoice_total(draft)
        if values.has("total") and values.data.get("total") != expected:
            call.flag(
                SupplierInvoice,
                "total",
                values.data.get("total"),
                m.TOTAL_MISMATCH,
                value=values.data.get("total"),
                expected=expected,
            )
            return False
        draft.total = draft.balance = expected
        draft.is_open = expected != 0
        status = "hold" if on_hold else ("matched" if draft.matching_lines else "initial")
        draft.status = n.INVOICE_STATUS[status]
        for match in draft.matching_lines:
            self.receipt_store.move_matched(domain, match, match.quantity, call)
        return True

    def _create_invoice(self, domain: Domain, values: Values, call: Call) -> SupplierInvoice | None:
        """A new invoice: unique reference per entity, supplier and type, matched lines."""
        before = call.errors()
        supplier = self.supplier_store.require(
            domain, values.text("supplier"), call, SupplierInvoice
        )
        reference = values.text("reference").strip()
        if not reference:
            call.flag(
                SupplierInvoice, "reference", "", m.REQUIRED, label="Supplier invoice reference"
            )
        if supplier is None or not reference:
            return None
        if self._reference_taken(domain, supplier, reference, values, call):
            return None
        invoice = self._new_invoice(domain, supplier, reference, values, call)
        matches = [_match_line(v) for v in values.lines("matching_lines")]
        expenses = [self._expense_line(domain, v, call) for v in values.lines("expense_lines")]
        if not matches and not expenses:
            call.flag(SupplierInvoice, "matching_lines", "", m.NO_LINES, label="A supplier invoice")
        if matches and invoice.invoice_type == n.INVOICE_TYPE["credit_note"]:
            call.flag(SupplierInvoice, "matching_lines", "", m.CREDIT_NOTE_MATCH)
            return None
        on_hold = self._check_matches(domain, invoice, matches, call)
        if call.errors() > before:
            return None
        invoice.matching_lines = matches
        invoice.expense_lines = expenses
        expected = _invoice_total(invoice)
        if values.has("total") and invoice.total != expected:
            call.flag(
                SupplierInvoice,
                "total",
                invoice.total,
                m.TOTAL_MISMATCH,
                value=invoice.total,
                expected=expected,
            )
            return None
        invoice.total = expected
        invoice.balance = expected
        invoice.is_open = expected != 0
        status = "hold" if on_hold else ("matched" if matches else "initial")
        invoice.status = n.INVOICE_STATUS[status]
        invoice.id = self.sequences.next("invoice", call)
        self.sequences.stamp_new(invoice, call.user, call.now)
        call.journal.put(self.invoices.scope(domain.code), str(invoice.id), invoice)
        call.journal.put(self.invoice_refs, _reference_key(domain, invoice), invoice)
        for match in matches:
            self.receipt_store.move_matched(domain, match, match.quantity, call)
        return invoice

    def _reference_taken(
        self, domain: Domain, supplier: Supplier, reference: str, values: Values, call: Call
    ) -> bool:
        """CInvoiceForDuplicateReference [N19]: one reference per entity, supplier and type."""
        invoice_type = values.text("invoice_type") or n.INVOICE_TYPE["invoice"]
        ref_key = (
            key_of(domain.entity),
            key_of(supplier.code),
            key_of(invoice_type),
            key_of(reference),
        )
        if ref_key not in self.invoice_refs:
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

    def _new_invoice(
        self, domain: Domain, supplier: Supplier, reference: str, values: Values, call: Call
    ) -> SupplierInvoice:
        """The invoice header as sent, its defaults filled from the supplier, its fields checked."""
        invoice = SupplierInvoice(domain=domain.code, entity=domain.entity)
        values.assign(invoice, exclude=("domain", "entity"))
        invoice.supplier = supplier.code
        invoice.reference = reference
        invoice.currency = invoice.currency or supplier.currency
        invoice.invoice_date = invoice.invoice_date or call.today
        invoice.posting_date = invoice.posting_date or invoice.invoice_date
        if invoice.due_date is None:
            days = self.setup.due_days(supplier.credit_terms)
            invoice.due_date = invoice.invoice_date + timedelta(days=days)
        self.setup.check_currency(invoice.currency, call, SupplierInvoice)
        if invoice.invoice_type not in INVOICE_TYPES:
            call.flag(
                SupplierInvoice,
                "invoice_type",
                invoice.invoice_type,
                m.INVALID,
                label="Invoice type",
                reason="expected one of " + ", ".join(INVOICE_TYPES),
            )
        if invoice.tax < 0:
            call.flag(SupplierInvoice, "tax", invoice.tax, m.NEGATIVE, label="Tax")
        return invoice

    def _expense_line(self, domain: Domain, values: Values, call: Call) -> ExpenseLine:
        """A non-PO line: account coding as the GL account demands, positive amount."""
        line = ExpenseLine()
        values.assign(line)
        self.account_store.check_coding(domain, line, call, ExpenseLine)
        if line.amount <= 0:
            call.flag(ExpenseLine, "amount", line.amount, m.NOT_POSITIVE, label="Amount")
        return line

    def _check_matches(
        self,
        domain: Domain,
        invoice: SupplierInvoice,
        matches: list[MatchingLine],
        call: Call,
    ) -> bool:
        """The three-way match: each line against its receiver, quantity and price.

        Returns whether the invoice goes on hold (a price outside tolerance, not strict).
        """
        pending: dict[str, Decimal] = {}
        on_hold = False
        for match in matches:
            order = lookup(
                self.purchase_orders,
                domain.code,
                match.po_number,
                call,
                MatchingLine,
                "po_number",
                "Purchase order",
            )
            if order is None or not _order_fits_invoice(order, invoice, match, call):
                continue
            if not _match_line_valid(order, match, call):
                continue
            match.po_number = order.number
            receiver = self._receiver_for(domain, order, match, pending, call)
            if receiver is None or not _within_open_quantity(receiver, match, pending, call):
                continue
            key = receiver_key(receiver.receiver, receiver.po_line)
            pending[key] = pending.get(key, ZERO) + match.quantity
            held = _price_outside_tolerance(self.setup.tolerances, receiver, match, call)
            on_hold = on_hold or held
        return on_hold

    def _receiver_for(
        self,
        domain: Domain,
        order: PurchaseOrder,
        match: MatchingLine,
        pending: Mapping[str, Decimal],
        call: Call,
    ) -> OpenReceiver | None:
        """The open receiver a matching line names; blank or closed ones are errors."""
        open_ones = [
            r
            for r in self.open_receivers(domain, order.number, match.po_line)
            if r.open_quantity > pending.get(receiver_key(r.receiver, r.po_line), ZERO)
        ]
        if not match.receiver.strip():
            if open_ones:
                call.flag(MatchingLine, "receiver", "", m.REQUIRED, label="Receiver number")
            else:
                call.flag(
                    MatchingLine,
                    "receiver",
                    "",
                    m.NO_OPEN_RECEIVER,
                    po=order.number,
                    line=match.po_line,
                    detail="",
                )
            return None
        for receiver in open_ones:
            if key_of(receiver.receiver) == key_of(match.receiver):
                match.receiver = receiver.receiver
                return receiver
        call.flag(
            MatchingLine,
            "receiver",
            match.receiver,
            m.NO_OPEN_RECEIVER,
            po=order.number,
            line=match.po_line,
            detail=f" on receiver {match.receiver}",
        )
        return None

    def _delete_invoice(
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
        for match in invoice.matching_lines:
            self.receipt_store.move_matched(domain, match, -match.quantity, call)
        call.journal.pop(self.invoices.scope(domain.code), str(invoice.id))
        call.journal.pop(self.invoice_refs, _reference_key(domain, invoice))
        return invoice

    # --- supplier payments ----------------------------------------------------------------------

    def _write_payment(self, values: Values, call: Call) -> Record | None:
        """Create, change (external reference only) or void (``D``) a payment."""
        domain = self.setup.domain_of(values, call, SupplierPayment)
        if domain is None:
            return None
        index = self.payments.scope(domain.code)
        number = values.text("number").strip()
        existing = index.get(key_of(number)) if number else None
        if values.operation == "create":
            if existing is not None:
                call.flag(
                    SupplierPayment,
                    "number",
                    number,
                    m.ALREADY_EXISTS,
                    label="Payment",
                    value=number,
                )
                return None
            return self._create_payment(domain, values, number, call)
        if existing is None:
            call.flag(
                SupplierPayment,
                "number",
                number,
                m.NOT_FOUND,
                label="Payment",
                value=number or "''",
            )
            return None
        if not hash_ok(existing, values, call, SupplierPayment):
            return None
        if values.operation == "delete":
            return self._void_payment(domain, existing, call)
        fixed = ("supplier", "payment_date", "bank_gl_account", "currency", "amount")
        if not unchanged(existing, values, fixed, call, SupplierPayment):
            return None
        if values.has("allocations") and not _same_rows(
            existing.allocations, values.lines("allocations")
        ):
            call.flag(SupplierPayment, "allocations", "", m.NOT_CHANGEABLE)
            return None
        draft = attrs.evolve(existing)
        values.assign(draft, exclude=("domain", "entity", "number", *fixed))
        call.stamp_draft(draft, existing)
        call.journal.put(index, key_of(number), draft)
        return draft

    def _create_payment(
        self, domain: Domain, values: Values, number: str, call: Call
    ) -> SupplierPayment | None:
        """A new payment: every allocation settles an open invoice of its supplier."""
        before = call.errors()
        supplier = self.supplier_store.require(
            domain, values.text("supplier"), call, SupplierPayment
        )
        if supplier is None:
            return None
        payment = SupplierPayment(domain=domain.code, entity=domain.entity)
        values.assign(payment, exclude=("domain", "entity", "number", "allocations"))
        payment.supplier = supplier.code
        payment.currency = payment.currency or supplier.currency
        payment.payment_date = payment.payment_date or call.today
        lookup(
            self.gl_accounts,
            domain.account_set,
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
            invoice = self._allocation_invoice(domain, payment, allocation, settled, call)
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
            self._settle(invoice, allocation.amount + allocation.discount, call)
        return payment

    def _allocation_invoice(
        self,
        domain: Domain,
        payment: SupplierPayment,
        allocation: Allocation,
        settled: dict[int, Decimal],
        call: Call,
    ) -> SupplierInvoice | None:
        """The invoice an allocation settles, checked against balance and owner."""
        if allocation.invoice_id:
            invoice = self.invoices.get(domain.code, str(allocation.invoice_id))
            field, value = "invoice_id", str(allocation.invoice_id)
        else:
            invoice = self._invoice_by_reference(
                domain, payment.supplier, allocation.invoice_reference, None
            )
            field, value = "invoice_reference", allocation.invoice_reference
        if invoice is None:
            call.flag(
                Allocation, field, value, m.NOT_FOUND, label="Supplier invoice", value=value or "''"
            )
            return None
        allocation.invoice_id = invoice.id
        allocation.invoice_reference = invoice.reference
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
            return None
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
            return None
        if not invoice.is_open:
            call.flag(Allocation, field, value, m.INVOICE_CLOSED, value=invoice.reference)
            return None
        if allocation.amount <= 0:
            call.flag(
                Allocation, "amount", allocation.amount, m.NOT_POSITIVE, label="Allocation amount"
            )
            return None
        if allocation.discount < 0:
            call.flag(Allocation, "discount", allocation.discount, m.NEGATIVE, label="Discount")
            return None
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
            return None
        settled[invoice.id] = already + wanted
        return invoice

    def _settle(self, invoice: SupplierInvoice, amount: Decimal, call: Call) -> None:
        """Reduce (or, negative, restore) an invoice's balance and keep ``is_open`` in step."""
        balance = invoice.balance - amount
        call.journal.set(invoice, "balance", balance)
        call.journal.set(invoice, "is_open", balance != 0)
        call.touch(invoice)

    def _void_payment(
        self, domain: Domain, payment: SupplierPayment, call: Call
    ) -> SupplierPayment | None:
        """Void a payment: its allocations go back onto the invoices' balances."""
        if payment.status == n.PAYMENT_STATUS["void"]:
            call.flag(
                SupplierPayment, "number", payment.number, m.ALREADY_VOID, value=payment.number
            )
            return None
        for allocation in payment.allocations:
            invoice = self.invoices.get(domain.code, str(allocation.invoice_id))
            if invoice is not None:
                self._settle(invoice, -(allocation.amount + allocation.discount), call)
        call.journal.set(payment, "status", n.PAYMENT_STATUS["void"])
        call.touch(payment)
        return payment

    def _payment_number(self, domain: Domain, year: int, call: Call) -> str:
        while True:
            number = f"{year}{self.sequences.next(f'pay:{key_of(domain.code)}:{year}', call):06d}"
            if self.payments.get(domain.code, number) is None:
                return number


def _match_line(values: Values) -> MatchingLine:
    line = MatchingLine()
    values.assign(line)
    return line


def _equals(value: object, text: str) -> bool:
    """Whether a stored value equals a query-string value, compared by type."""
    if isinstance(value, bool):
        return value == (text.strip().lower() in ("true", "yes", "1"))
    if isinstance(value, Decimal):
        try:
            return value == Decimal(text)
        except ArithmeticError:
            return False
    if isinstance(value, date):
        return value.isoformat() == text.strip()[:10]
    if value is None:
        return text == ""
    return key_of(str(value)) == key_of(text)


_INVOICE_LINES = ("matching_lines", "expense_lines")


CENT = Decimal("0.01")


def _reference_key(domain: Domain, invoice: SupplierInvoice) -> tuple[str, str, str, str]:
    """Where QAD checks for a duplicate reference (CInvoiceForDuplicateReference, [N19])."""
    return (
        key_of(domain.entity),
        key_of(invoice.supplier),
        key_of(invoice.invoice_type),
        key_of(invoice.reference),
    )


# --- three-way match rules ------------------------------------------------------------------


def _order_fits_invoice(
    order: PurchaseOrder, invoice: SupplierInvoice, match: MatchingLine, call: Call
) -> bool:
    """A matched PO belongs to the invoice's supplier and is in the invoice's currency."""
    if key_of(order.supplier) != key_of(invoice.supplier):
        call.flag(
            MatchingLine,
            "po_number",
            match.po_number,
            m.SUPPLIER_MISMATCH,
            label="Purchase order",
            value=order.number,
            owner=order.supplier,
            supplier=invoice.supplier,
        )
        return False
    if key_of(order.currency) != key_of(invoice.currency):
        call.flag(
            MatchingLine,
            "po_number",
            match.po_number,
            m.CURRENCY_MISMATCH,
            value=invoice.currency,
            label="purchase order",
            other=order.currency,
        )
        return False
    return True


def _match_line_valid(order: PurchaseOrder, match: MatchingLine, call: Call) -> bool:
    """The matched line exists on the PO, with a positive quantity and a price of 0 or more."""
    if match.po_line not in order.lines:
        ref = f"{match.po_number}/{match.po_line}"
        call.flag(
            MatchingLine,
            "po_line",
            match.po_line,
            m.NOT_FOUND,
            label="Purchase order line",
            value=ref,
        )
        return False
    if match.quantity <= 0:
        call.flag(MatchingLine, "quantity", match.quantity, m.NOT_POSITIVE, label="Match quantity")
        return False
    if match.unit_price < 0:
        call.flag(
            MatchingLine, "unit_price", match.unit_price, m.NEGATIVE, label="Match unit price"
        )
        return False
    return True


def _within_open_quantity(
    receiver: OpenReceiver, match: MatchingLine, pending: Mapping[str, Decimal], call: Call
) -> bool:
    """A match takes no more than its receiver still holds, counting earlier lines of the call."""
    available = receiver.open_quantity - pending.get(
        receiver_key(receiver.receiver, receiver.po_line), ZERO
    )
    if match.quantity <= available:
        return True
    call.flag(
        MatchingLine,
        "quantity",
        match.quantity,
        m.OVER_MATCH,
        quantity=match.quantity,
        open=available,
        receiver=receiver.receiver,
        po=match.po_number,
        line=match.po_line,
    )
    return False


def _price_outside_tolerance(
    tolerances: Tolerances, receiver: OpenReceiver, match: MatchingLine, call: Call
) -> bool:
    """Flag a price outside tolerance: an error when strict, else a warning that holds it.

    Returns whether the invoice goes on hold.
    """
    limit = tolerances.price_limit(receiver.unit_cost)
    if abs(match.unit_price - receiver.unit_cost) <= limit:
        return False
    strict = tolerances.strict_price
    call.flag(
        MatchingLine,
        "unit_price",
        match.unit_price,
        m.PRICE_TOLERANCE if strict else m.PRICE_HOLD,
        warning=not strict,
        price=match.unit_price,
        po_price=receiver.unit_cost,
        tolerance=limit,
    )
    return not strict


def _invoice_total(invoice: SupplierInvoice) -> Decimal:
    """Matched quantity x price, each line rounded to the cent as QAD books it, plus expense
    amounts, plus tax."""
    matched = sum(
        ((x.quantity * x.unit_price).quantize(CENT, ROUND_HALF_UP) for x in invoice.matching_lines),
        ZERO,
    )
    return matched + sum((x.amount for x in invoice.expense_lines), ZERO) + invoice.tax


def _invoice_changeable(invoice: SupplierInvoice) -> bool:
    """Lines and amounts may change while the invoice is unpaid and not final."""
    return invoice.balance == invoice.total and invoice.status != n.INVOICE_STATUS["final"]


def _same_rows(existing: Iterable[object], sent: list[Values]) -> bool:
    """Whether every sent line repeats the stored line at its position."""
    stored = list(existing)
    if len(stored) != len(sent):
        return False
    for row, values in zip(stored, sent, strict=True):
        for attribute, value in values.data.items():
            current = getattr(row, attribute)
            if isinstance(value, str) and isinstance(current, str):
                if key_of(value) != key_of(current):
                    return False
            elif value != current:
                return False
    return True
