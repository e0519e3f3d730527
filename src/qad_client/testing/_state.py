"""One tenant's data and rules, as a composition of one store per resource family (no HTTP).

The stores live in ``_stores/``: ``setup`` (domains, shared sets, currencies, credit terms,
tolerances), ``suppliers``, ``accounts`` (GL accounts and analysis codes), ``items``,
``purchase_orders``, ``receipts`` (and open receivers), ``matching`` (the three-way match),
``invoices`` and ``payments``. Each holds its records, their indexes and its rules.

Writes go through :meth:`TenantState.write`: each record is checked, then applied through a
journal; if any record of the request fails, the journal rolls the whole request back, the way
a QXtend ``scopeTransaction=true`` call behaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from qad_client.testing._codec import Values
from qad_client.testing._messages import Issue
from qad_client.testing._records import (
    CostCentre,
    Domain,
    GLAccount,
    Item,
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
    Store,
    Table,
    Writer,
    WriteResult,
    key_of,
    scope_of,
)
from qad_client.testing._stores.accounts import ANALYSIS_TYPES, AccountStore
from qad_client.testing._stores.invoices import InvoiceStore
from qad_client.testing._stores.items import ItemStore
from qad_client.testing._stores.matching import ThreeWayMatch
from qad_client.testing._stores.payments import PaymentStore
from qad_client.testing._stores.purchase_orders import LINE_FIELD_GROUPS, OrderStore
from qad_client.testing._stores.receipts import ReceiptStore
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
        seq = self.sequences
        self.account_store = AccountStore(self.setup, seq)
        self.supplier_store = SupplierStore(self.setup, seq)
        self.item_store = ItemStore(self.setup, seq, self.account_store)
        self.order_store = OrderStore(
            self.setup, seq, self.supplier_store, self.item_store, self.account_store
        )
        self.receipt_store = ReceiptStore(self.setup, seq, self.order_store)
        self.matching = ThreeWayMatch(self.setup, self.order_store, self.receipt_store)
        self.invoice_store = InvoiceStore(
            self.setup, seq, self.supplier_store, self.account_store, self.matching
        )
        self.payment_store = PaymentStore(
            self.setup, seq, self.supplier_store, self.account_store, self.invoice_store
        )
        stores: tuple[Store, ...] = (
            self.supplier_store,
            self.item_store,
            self.account_store,
            self.order_store,
            self.receipt_store,
            self.invoice_store,
            self.payment_store,
        )
        self._tables: dict[type, Table[Any]] = {}
        self._writers: dict[type, Writer] = {}
        for store in stores:
            self._tables.update(store.tables)
            self._writers.update(store.writers)

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

    @property
    def invoices(self) -> Table[SupplierInvoice]:
        """Supplier invoices by domain and id."""
        return self.invoice_store.invoices

    @property
    def payments(self) -> Table[SupplierPayment]:
        """Supplier payments by domain and number."""
        return self.payment_store.payments

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
        self._tables[type(record)].scope(scope)[key_of(key)] = record

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
            yield from self._tables[table].records(scope_of(table, domain, shared_set))

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
        found = self._tables[table].get(scope_of(table, domain, shared_set), params[key])
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
