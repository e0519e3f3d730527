"""Scenarios: seeded simulators of a customer's systems, served on loopback, plus the config
that points a runner at them. ``mlconnector simulate`` and the tests use these."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import httpx

from mlconnector_http import RetryPolicy
from mlconnector_http.testing import Fault, Simulator
from procurify_client import BillStatus, BillType, ProcurifyClient, PurchaseOrderState
from procurify_client.testing import ProcurifySimulator, RateLimit
from procurify_client.testing._state import Bill, BillItem, Payment
from qad_client import (
    NewAllocation,
    NewExpenseLine,
    NewReceipt,
    NewReceiptLine,
    NewSupplierInvoice,
    NewSupplierPayment,
    OrderStatus,
    QADClient,
)
from qad_client.testing import QADSimulator, QXtendSimulator

__all__ = [
    "QAD_FRONT_DOORS",
    "SCENARIOS",
    "Manufacturer",
    "ReceivingQAD",
    "ReceivingQXtend",
    "ServedScenario",
    "add_random_faults",
    "add_timeouts_after_commit",
]

QAD_TENANT = "acme"
QAD_DOMAIN = "10USA"
QAD_ENTITY = "10USACO"
QAD_USER = "integration"
QAD_PASSWORD = "sim-qad-password"  # a simulator credential, written only to simulator configs
WAREHOUSE_PASSWORD = "sim-warehouse-password"
PROCURIFY_TENANT = "acme"


INTERNAL_AGENT = "mlconnector-scenario"
"""The user agent of the scenario's own calls (the warehouse posting receipts); faults skip it."""


def _external(request: httpx.Request) -> bool:
    return str(request.headers.get("user-agent", "")) != INTERNAL_AGENT


class ReceivingQAD(QADSimulator):
    """A QAD tenant where goods arrive on their own for a share of PO lines.

    When a PO is created through the API, each line is received in full if a digest of the
    scenario seed, the PO's external reference (or number) and the line number falls under
    ``receive_share``: the same seed and source data always give the same receipts. The other
    lines stay unreceived until a receipt is posted through the API.
    """

    def __init__(self, *, seed: int, receive_share: float, tenant: str = QAD_TENANT) -> None:
        super().__init__()
        self.receive_seed = seed
        self.receive_share = receive_share
        self._tenant_name = tenant
        self._known: set[str] = set()
        self._warehouse: Any = None
        self.received_lines = 0

    def receives(self, order_key: str, line: int) -> bool:
        """Whether goods arrive on their own for this PO line."""
        digest = hashlib.sha256(f"{self.receive_seed}:{order_key}:{line}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32 < self.receive_share

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        response = super().dispatch(request)
        if (
            request.method == "POST"
            and "purchaseOrder" in request.url.path
            and response.status_code < 300
            and _external(request)
        ):
            self._receive_new_orders()
        return response

    def _receive_new_orders(self) -> None:
        state = self.state(self._tenant_name)
        new = []
        for order in reversed(list(state.purchase_orders.records(QAD_DOMAIN))):
            if order.number in self._known:
                break  # POs are kept in creation order: the new ones are at the end
            new.append(order)
        for order in reversed(new):
            self._known.add(order.number)
            key = order.external_reference or order.number
            lines = [
                NewReceiptLine(po_line=number, quantity=line.quantity_ordered)
                for number, line in sorted(order.lines.items())
                if self.receives(key, number)
            ]
            if lines:
                self._client().purchase_order_receipts.create(
                    NewReceipt(
                        po_number=order.number,
                        receipt_date=order.order_date or self.clock.now().date(),
                        lines=lines,
                    )
                )
                self.received_lines += len(lines)

    def receive_rest(self) -> int:
        """The warehouse books every quantity still due on the POs the API created; returns
        the number of lines received."""
        state = self.state(self._tenant_name)
        received = 0
        for order in state.purchase_orders.records(QAD_DOMAIN):
            if order.number not in self._known or order.status != OrderStatus.OPEN.value:
                continue
            lines = [
                NewReceiptLine(
                    po_line=number, quantity=line.quantity_ordered - line.quantity_received
                )
                for number, line in sorted(order.lines.items())
                if line.quantity_ordered > line.quantity_received
                and line.status == OrderStatus.OPEN.value
            ]
            if lines:
                self._client().purchase_order_receipts.create(
                    NewReceipt(
                        po_number=order.number, receipt_date=self.clock.now().date(), lines=lines
                    )
                )
                received += len(lines)
        self.received_lines += received
        return received

    def _client(self) -> Any:
        if self._warehouse is None:
            self.add_user(self._tenant_name, "warehouse", WAREHOUSE_PASSWORD)
            self._warehouse = QADClient(
                tenant_url=self.base_url(self._tenant_name),
                domain=QAD_DOMAIN,
                entity=QAD_ENTITY,
                username="warehouse",
                password=WAREHOUSE_PASSWORD,
                transport=self.transport(),
                user_agent=INTERNAL_AGENT,
                retry=RetryPolicy.for_testing(),
            )
        return self._warehouse


class ReceivingQXtend(QXtendSimulator):
    """The QXtend front door of a :class:`ReceivingQAD` tenant: a PO created through it is
    received the same way as one created through REST."""

    def __init__(self, qad: ReceivingQAD, tenant: str = QAD_TENANT) -> None:
        super().__init__(qad, tenant)
        self.receiving = qad

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        seen = len(self.calls)
        response = super().dispatch(request)
        if _external(request) and any(
            call.api == "maintainPurchaseOrder" and call.result != "error"
            for call in self.calls[seen:]
        ):
            self.receiving._receive_new_orders()
        return response


QAD_FRONT_DOORS = ("rest", "qxtend")
"""How a scenario's QAD is reached: Adaptive REST, or an EE site's QXtend Inbound."""


def add_random_faults(
    simulator: Simulator, rate: float, rng: random.Random, *, stall: float = 1.0
) -> None:
    """Make ``rate`` of the simulator's answers a 429, a 503 or a timeout, at random."""
    if rate <= 0:
        return
    share = rate / 3

    def coin(request: httpx.Request) -> bool:
        return _external(request) and rng.random() < share

    simulator.faults.add(
        Fault.http_status(429, headers={"retry-after": "0"}), times=None, predicate=coin
    )
    simulator.faults.add(Fault.http_status(503), times=None, predicate=coin)
    simulator.faults.add(Fault.timeout(stall), times=None, predicate=coin)


def add_timeouts_after_commit(
    simulator: Simulator, rate: float, rng: random.Random, *, stall: float = 1.0
) -> None:
    """Make ``rate`` of the simulator's document writes (not sign-ins) take effect and then
    time out."""
    if rate <= 0:
        return
    simulator.faults.add(
        Fault.timeout_after_commit(stall),
        times=None,
        predicate=lambda r: (
            r.method in ("POST", "PUT", "PATCH")
            and "/oauth/" not in r.url.path
            and _external(r)
            and rng.random() < rate
        ),
    )


@attrs.frozen
class ServedScenario:
    """The scenario's systems as served: what a config and a client need."""

    systems: dict[str, dict[str, Any]]
    defaults: dict[str, str] = attrs.field(factory=dict)

    def config_toml(self, state_path: str, *, timeout: float) -> str:
        """A ready-to-run config (simulator credentials inline, which only these may do)."""
        lines = [
            "# written by `mlconnector simulate`: simulator connections only",
            "[state]",
            f"url = {_q(state_path)}",
            "",
            "[engine]",
            'retry_base = "1s"',
            'lease_ttl = "30s"',
            "",
        ]
        for name, settings in self.systems.items():
            lines += [f"[connections.{name}]", f"system = {_q(name)}", "simulator = true"]
            lines += [f"{key} = {_q(value)}" for key, value in settings.items()]
            lines += [f"timeout = {timeout}", ""]
        if "qad" in self.systems and "procurify" in self.systems:
            for flow, source, target in (
                ("qad_suppliers_to_procurify", "qad", "procurify"),
                ("qad_gl_accounts_to_procurify", "qad", "procurify"),
                ("procurify_pos_to_qad", "procurify", "qad"),
                ("procurify_bills_to_qad", "procurify", "qad"),
            ):
                lines += [
                    f"[flows.{flow}]",
                    f"source = {_q(source)}",
                    f"target = {_q(target)}",
                    'every = "1m"',
                    "",
                ]
        if self.defaults:
            lines += ["[mappings.defaults]"]
            lines += [f"{key} = {_q(value)}" for key, value in self.defaults.items()]
            lines += [""]
        return "\n".join(lines)


def _payment(
    number: int,
    amount: Decimal,
    currency: int,
    vendor: int,
    groups: tuple[int, ...],
    at: dt.datetime,
) -> Payment:
    return Payment(
        id=number,
        uuid=str(uuid.UUID(int=number, version=4)),
        amount=amount,
        currency_id=currency,
        status="paid",
        created_at=at,
        updated_at=at,
        creator_id=1,
        vendor_id=vendor,
        bill_groups=groups,
        processing_date=at,
        posted_date=at.date(),
        source_name="Operating account",
        rail="ACH",
    )


def _q(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


class Manufacturer:
    """A mid-sized manufacturer: Procurify for purchasing, QAD for the ledger.

    ``scale`` multiplies the data; the same ``seed`` and ``scale`` give the same data. In its
    QAD, goods arrive on their own for ``receive_share`` of the PO lines (see
    :class:`ReceivingQAD`). ``purchase_orders`` (20 x ``scale`` by default),
    ``lines_per_po`` and ``purchased_only`` (every PO purchased, so each may be billed) size
    a month for the benchmarks.
    """

    name = "manufacturer"

    def __init__(
        self,
        *,
        seed: int = 0,
        scale: int = 1,
        procurify_rate_limit: RateLimit | None = None,
        receive_share: float = 0.7,
        purchase_orders: int | None = None,
        lines_per_po: int = 3,
        purchased_only: bool = False,
    ) -> None:
        self.seed = seed
        self.scale = scale
        self.procurify = ProcurifySimulator()
        self.procurify_credentials = self.procurify.add_tenant(
            PROCURIFY_TENANT, rate_limit=procurify_rate_limit
        )
        self.procurify.seed(
            PROCURIFY_TENANT,
            seed=seed,
            vendors=10 * scale,
            account_codes=5 * scale,
            purchase_orders=20 * scale if purchase_orders is None else purchase_orders,
            lines_per_po=lines_per_po,
            bills=0,
            payments=0,
        )
        if purchased_only:
            tenant = self.procurify.tenant(PROCURIFY_TENANT)
            tenant.load_purchase_orders(
                attrs.evolve(po, state=PurchaseOrderState.PURCHASED)
                for po in tenant.purchase_orders
            )
        self.qad = ReceivingQAD(seed=seed, receive_share=receive_share)
        self.qad.add_tenant(QAD_TENANT)
        self.qad.add_user(QAD_TENANT, QAD_USER, QAD_PASSWORD)
        self.qxtend = ReceivingQXtend(self.qad)
        seeded = self.qad.seed(
            QAD_TENANT,
            seed=seed,
            suppliers=40 * scale,
            gl_accounts=15 * scale,
            items=10 * scale,
            cost_centres=3,
            projects=2,
        )
        self.defaults = {
            "item": seeded.items[0],
            "site": "10-100",
            "cost_centre": seeded.cost_centres[0],
            "project": seeded.projects[0],
        }
        self.bank_account = seeded.bank_account
        self._align()
        self._bills(bills_per_po=0.8, expenses=max(2, scale))

    def _align(self) -> None:
        """Make Procurify look like a tenant that buys from QAD's suppliers and codes to QAD's
        accounts, as after a first sync, except for what a clerk should see held: the last two
        vendors have no QAD supplier and the last account code has no QAD GL account."""
        tenant = self.procurify.tenant(PROCURIFY_TENANT)
        state = self.qad.state(QAD_TENANT)
        domain = state.domain(QAD_DOMAIN)
        assert domain is not None
        suppliers = list(state.suppliers.records(domain.supplier_set))
        accounts = [
            a.code
            for a in state.gl_accounts.records(domain.account_set)
            if a.gl_type == "PL" and a.is_active
        ]
        # inactive vendors are left alone: Procurify's API cannot list them, so a sync cannot
        # see one that already carries a supplier code (a limit of the API, documented on the
        # vendor flow)
        vendors = sorted((v for v in tenant.vendors.values() if v.active), key=lambda v: v.id)
        for vendor, supplier in zip(vendors[:-2], suppliers, strict=False):
            tenant.vendors[vendor.id] = attrs.evolve(
                vendor, name=supplier.name, external_id=supplier.code
            )
        for vendor in vendors[-2:]:
            tenant.vendors[vendor.id] = attrs.evolve(vendor, external_id=None)
        codes = sorted(tenant.account_codes.values(), key=lambda c: c.id)
        for code, account in zip(codes[:-1], accounts, strict=False):
            tenant.account_codes[code.id] = attrs.evolve(code, code=account)
        plain = [
            a.code
            for a in state.gl_accounts.records(domain.account_set)
            if a.gl_type == "PL" and a.is_active and a.analysis_type == "None"
        ]
        spare = suppliers[len(vendors) :] or suppliers
        unlinked = vendors[-2:] + sorted(
            (v for v in tenant.vendors.values() if not v.active), key=lambda v: v.id
        )
        self.clerk_fixes: dict[str, dict[str, str]] = {
            "accounts": {codes[-1].code: plain[-1]} if codes and plain else {},
            "vendors": {
                str(vendor.id): supplier.code
                for vendor, supplier in zip(unlinked, spare, strict=False)
            },
        }
        """The mappings a clerk adds after the first run to release what it held."""

    def _bills(self, *, bills_per_po: float, expenses: int) -> None:
        """A month of AP bills in place of the seeded ones, as the tenant's clerks keyed them.

        Most bill a purchased PO line for line, in the PO's currency (some POs are in CAD);
        ``expenses`` bills are for costs without a PO; one is a credit note, one was paid by
        credit card and one is still a draft. Paid bills carry a Procurify payment. Planted
        for the reconciliation (``self.planted``): a bill paid in Procurify that QAD will show
        open, one QAD will show paid short, a Procurify payment for a bill nobody has, and a
        QAD invoice keyed by hand with no bill behind it.
        """
        rng = random.Random(self.seed * 7919 + 17)
        tenant = self.procurify.tenant(PROCURIFY_TENANT)
        start = tenant.now() - dt.timedelta(days=30)
        posting = {PurchaseOrderState.PURCHASED, PurchaseOrderState.REOPENED}
        linked = sorted(v.id for v in tenant.vendors.values() if v.active and v.external_id)
        coded = sorted(tenant.account_codes)[:-1]  # the last one has no GL account in QAD
        bills: list[Bill] = []
        items = iter(range(1, 10**9))

        def bill(vendor: int, currency: int, lines: list[BillItem], **fields: Any) -> None:
            number = len(bills) + 1
            day = start + dt.timedelta(days=rng.randrange(28), minutes=number)
            values: dict[str, Any] = {
                "id": number,
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "status": BillStatus.APPROVED,
                "type": BillType.ORDER,
                "version": 1,
                "vendor_id": vendor,
                "currency_id": currency,
                "invoice_number": f"INV-{self.seed % 100:02d}{number:05d}",
                "invoice_date": day,
                "due_date": day + dt.timedelta(days=30),
                "last_modified": day + dt.timedelta(hours=2),
                "creator_id": tenant.api_user_id,
                "items": tuple(lines),
                "submitted_date": day + dt.timedelta(hours=1),
                "approver_id": tenant.api_user_id,
            }
            values.update(fields)
            bills.append(Bill(**values))

        def expense_line(amount: Decimal, text: str) -> BillItem:
            return BillItem(
                id=next(items),
                description=text,
                sku="",
                unit="Each",
                quantity=Decimal(1) if amount > 0 else Decimal(-1),
                unit_cost=abs(amount),
                tax_percent=Decimal(0),
                account_code_id=rng.choice(coded),
                department_id=rng.choice(sorted(tenant.departments)),
                received_on=start,
            )

        for po in tenant.purchase_orders:
            if po.state not in posting or po.vendor_id not in linked or rng.random() > bills_per_po:
                continue
            lines = [
                BillItem(
                    id=next(items),
                    description=line.name,
                    sku=line.sku,
                    unit=line.unit,
                    quantity=line.quantity,
                    unit_cost=line.price,
                    tax_percent=po.tax_percent,
                    account_code_id=line.account_code_id,
                    department_id=line.department_id,
                    received_on=po.date,
                    po_id=po.id,
                    order_item_id=line.id,
                )
                for line in tenant.lines(po)
                if tenant.account_codes[line.account_code_id].id in coded
            ]
            if lines:
                bill(po.vendor_id, po.currency_id, lines)
        for n in range(expenses):
            amount = Decimal(rng.randrange(2_000, 90_000)).scaleb(-2)
            bill(
                rng.choice(linked),
                1,
                [expense_line(amount, f"Services {n + 1}")],
                type=BillType.EXPENSE,
            )
        credit = Decimal(rng.randrange(1_000, 9_000)).scaleb(-2)
        bill(linked[0], 1, [expense_line(-credit, "Returned goods credit")], type=BillType.EXPENSE)
        bill(
            linked[1],
            1,
            [expense_line(Decimal("129.99"), "Software subscription")],
            type=BillType.CREDIT_CARD,
        )
        bill(linked[2], 1, [expense_line(Decimal("75.00"), "Courier")], status=BillStatus.DRAFT)

        payable = [b for b in bills if b.status == BillStatus.APPROVED and b.total_with_tax > 0]
        paid = payable[: max(3, len(payable) * 3 // 5)]
        payments: dict[int, Payment] = {}
        groups = {b.id: number for number, b in enumerate(paid, start=1)}
        for b in paid:
            at = b.invoice_date + dt.timedelta(days=20)
            number = groups[b.id]
            payments[number] = _payment(
                number, b.total_with_tax, b.currency_id, b.vendor_id, (number,), at
            )
        bills = [
            attrs.evolve(
                b,
                status=BillStatus.PAID,
                group=groups[b.id],
                payment_uuid=payments[groups[b.id]].uuid,
            )
            if b.id in groups
            else b
            for b in bills
        ]
        stray = len(payments) + 1
        payments[stray] = _payment(stray, Decimal("412.50"), 1, linked[0], (9999,), start)
        tenant.bills = {b.uuid: b for b in bills}
        tenant.payments = payments
        tenant.changed()
        self.planted = {
            "paid_in_procurify_open_in_qad": [paid[0].invoice_number],
            "amount_difference": [paid[1].invoice_number],
            "unknown_bill": [f"payment {stray}"],
            "no_bill": [],
        }
        self.short_by = Decimal("10.00")
        self._paid = [(b.invoice_number, b.vendor_id) for b in paid]
        self.clerk_fixes["defaults"] = {
            **self.defaults,
            "card_supplier": str(tenant.vendors[linked[1]].external_id),
        }

    def key_invoice_by_hand(self) -> str:
        """An AP clerk keys a supplier invoice straight into QAD: one with no bill behind it."""
        state = self.qad.state(QAD_TENANT)
        domain = state.domain(QAD_DOMAIN)
        assert domain is not None
        supplier = next(iter(state.suppliers.records(domain.supplier_set))).code
        account = next(
            a.code
            for a in state.gl_accounts.records(domain.account_set)
            if a.gl_type == "PL" and a.is_active and a.analysis_type == "None"
        )
        number = f"HAND-{self.seed % 1000:03d}"
        self.qad._client().supplier_invoices.create(
            NewSupplierInvoice(
                supplier=supplier,
                reference=number,
                invoice_date=self.qad.clock.now().date(),
                currency="USD",
                expense_lines=[NewExpenseLine(gl_account=account, amount=Decimal("250.00"))],
            )
        )
        self.planted["no_bill"] = [number]
        return number

    def settle_in_qad(self) -> int:
        """Finance pays in QAD the bills Procurify shows paid, except the planted two: one is
        left open and one is paid short. Returns the number of QAD payments made."""
        client = self.qad._client()
        vendors = self.procurify.tenant(PROCURIFY_TENANT).vendors
        made = 0
        for number, vendor_id in self._paid:
            if number in self.planted["paid_in_procurify_open_in_qad"]:
                continue
            supplier = str(vendors[vendor_id].external_id)
            invoice = client.supplier_invoices.find_by_supplier_reference(supplier, number)
            if invoice is None or not invoice.is_open:
                continue
            amount = invoice.balance
            if number in self.planted["amount_difference"]:
                amount -= self.short_by
            client.supplier_payments.create(
                NewSupplierPayment(
                    supplier=invoice.supplier,
                    payment_date=self.qad.clock.now().date(),
                    bank_gl_account=self.bank_account,
                    currency=invoice.currency,
                    amount=amount,
                    allocations=[NewAllocation(invoice_id=invoice.id, amount=amount)],
                )
            )
            made += 1
        return made

    def procurify_client(self) -> ProcurifyClient:
        """A client on the in-process Procurify simulator, unpaced, retrying at once."""
        return ProcurifyClient(
            base_url=f"https://{PROCURIFY_TENANT}.procurify.com",
            client_id=self.procurify_credentials.client_id,
            client_secret=self.procurify_credentials.client_secret,
            transport=self.procurify.transport(),
            budget=None,
            retry=RetryPolicy.for_testing(),
        )

    def qad_client(self) -> QADClient:
        """The integration user's client on the in-process QAD simulator."""
        return QADClient(
            tenant_url=self.qad.base_url(QAD_TENANT),
            domain=QAD_DOMAIN,
            entity=QAD_ENTITY,
            username=QAD_USER,
            password=QAD_PASSWORD,
            transport=self.qad.transport(),
            retry=RetryPolicy.for_testing(),
        )

    def simulators(self, qad: str = "rest") -> dict[str, Simulator]:
        """The simulators a client talks to; ``qad="qxtend"`` names QAD's QXtend front door."""
        return {"procurify": self.procurify, "qad": self.qxtend if qad == "qxtend" else self.qad}

    @contextlib.contextmanager
    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, qad: str = "rest"
    ) -> Iterator[ServedScenario]:
        """Serve both simulators on loopback (``port`` for the first, the next for the second);
        ``qad="qxtend"`` serves QAD as an EE site's QXtend Inbound instead of REST."""
        if qad not in QAD_FRONT_DOORS:
            raise ValueError(f"qad must be one of {', '.join(QAD_FRONT_DOORS)}, not {qad!r}")
        with contextlib.ExitStack() as stack:
            procurify_url = stack.enter_context(self.procurify.serve(host, port))
            front = self.qxtend if qad == "qxtend" else self.qad
            qad_origin = stack.enter_context(front.serve(host, port + 1 if port else 0))
            site: dict[str, Any] = {
                "tenant_url": self.qad.base_url(QAD_TENANT, origin=qad_origin),
            }
            if qad == "qxtend":
                site = {
                    "transport": "qxtend",
                    "endpoint": self.qxtend.endpoint(qad_origin),
                    "receiver": next(iter(self.qxtend.receivers)),
                }
            yield ServedScenario(
                defaults=self.defaults,
                systems={
                    "procurify": {
                        "base_url": procurify_url,
                        "client_id": self.procurify_credentials.client_id,
                        "client_secret": self.procurify_credentials.client_secret,
                    },
                    "qad": {
                        **site,
                        "username": QAD_USER,
                        "password": QAD_PASSWORD,
                        "domain": QAD_DOMAIN,
                        "entity": QAD_ENTITY,
                    },
                },
            )


SCENARIOS: dict[str, type[Manufacturer]] = {"manufacturer": Manufacturer}


def write_config(served: ServedScenario, path: Path, *, timeout: float) -> None:
    """Write the scenario's config to ``path`` with SQLite state beside it."""
    state = path.with_suffix(".db")
    path.write_text(served.config_toml(str(state), timeout=timeout), encoding="utf-8")
