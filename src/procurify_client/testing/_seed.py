"""Deterministic seed data: the same arguments always give the same tenant, byte for byte.

Everything is drawn from one ``random.Random(seed)`` in a fixed order; dates fall in a fixed
window (not "now"), so a seed reproduces across days and machines. PO lines are derived on
demand from a 64-bit hash of (seed, line id), which keeps 100,000 POs cheap to seed and hold.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal

import attrs

from procurify_client.testing._state import (
    CANCELLED,
    CLOSED,
    PAID,
    PURCHASED,
    REOPENED,
    AccountCode,
    Bill,
    BillItem,
    Currency,
    Department,
    Location,
    OrderItem,
    Payment,
    PurchaseOrder,
    Tenant,
    User,
    Vendor,
)

__all__ = ["DEFAULT_START", "DerivedLines", "install_reference_data", "seed_tenant"]

DEFAULT_START = datetime(2025, 1, 1, tzinfo=UTC)
_MASK = (1 << 64) - 1

_VENDOR_PREFIX = (
    "Northwind", "Acme", "Summit", "Pacific", "Granite", "Blue Harbor", "Cedar", "Evergreen",
    "Ironwood", "Lakeside", "Maple", "Orion", "Redline", "Silverline", "Tidewater", "Westfield",
)  # fmt: skip
_VENDOR_NOUN = (
    "Industrial", "Office", "Electrical", "Safety", "Logistics", "Lab", "Packaging", "Tooling",
    "Fasteners", "Hydraulics", "Print", "Networks",
)  # fmt: skip
_VENDOR_SUFFIX = ("Supply", "Co.", "Inc.", "Ltd.", "Group", "Partners", "Distributors")
_CITIES = (
    ("Vancouver", "BC", "Canada", "V6B 1A1"),
    ("Seattle", "WA", "USA", "98101"),
    ("Toronto", "ON", "Canada", "M5H 2N2"),
    ("Chicago", "IL", "USA", "60601"),
    ("Berlin", "BE", "Germany", "10115"),
)
_PRODUCTS = (
    "Nitrile gloves", "Safety glasses", "Copy paper A4", "Toner cartridge", "Hex bolt M8",
    "Cable ties", "Hydraulic hose", "Pallet wrap", "Laptop stand", "USB-C dock", "Hard hat",
    "Lab coat", "Shipping labels", "Bearing 6204", "Drill bits set", "Extension cord",
)  # fmt: skip
_UNITS = ("Each", "Box", "Case", "Pack", "kg", "m")
_ACCOUNT_TOPICS = (
    "Office supplies", "Repairs and maintenance", "Safety equipment", "IT hardware", "Freight in",
    "Consumables", "Professional services", "Travel", "Software", "Raw materials",
)  # fmt: skip
_FIRST = ("Avery", "Blake", "Casey", "Devon", "Emerson", "Finley", "Harper", "Jordan")
_LAST = ("Nguyen", "Okafor", "Schmidt", "Tremblay", "Garcia", "Kowalski", "Singh", "Larsen")
_TAX_PERCENTS = tuple(Decimal(p) for p in ("0", "5", "7", "12", "13"))
_FREIGHTS = tuple(Decimal(f) for f in ("0.00", "0.00", "0.00", "25.00", "49.95", "120.00"))
_ZERO = Decimal("0.00")
_FULFILMENTS: tuple[Literal["empty", "partial", "full"], ...] = ("empty", "partial", "full")


def install_reference_data(tenant: Tenant, *, email: str) -> None:
    """Give a tenant what every domain has: currencies, locations, departments, users."""
    created = DEFAULT_START - timedelta(days=400)
    tenant.currencies = {
        1: Currency(1, "USD", "US Dollar", Decimal("1.000000"), base=True),
        2: Currency(2, "CAD", "Canadian Dollar", Decimal("0.730000")),
        3: Currency(3, "EUR", "Euro", Decimal("1.080000")),
    }
    tenant.locations = {
        n: Location(n, name, created, created + timedelta(days=30 * n), last_changed_by=1)
        for n, name in ((1, "Head Office"), (2, "Warehouse"))
    }
    tenant.departments = {
        1: Department(1, "Operations", 1, "D-OPS"),
        2: Department(2, "Finance", 1, "D-FIN"),
        3: Department(3, "IT", 1, "D-IT"),
        4: Department(4, "Receiving", 2, "D-REC"),
    }
    tenant.users = {1: User(1, "API", "Integration", email, 2, created, position="Integration")}
    for n, (first, last) in enumerate(zip(_FIRST[:4], _LAST[:4], strict=True), start=2):
        domain = f"{tenant.subdomain}.example.com"
        tenant.users[n] = User(n, first, last, f"{first.lower()}@{domain}", 1 + n % 4, created)
    # one buyer is on leave until after the default seeding window
    tenant.users[3] = attrs.evolve(tenant.users[3], expected_return_date=DEFAULT_START.date())
    tenant.api_user_id = 1
    tenant.changed()


def _mix(seed: int, n: int) -> int:
    """A well-spread 64-bit hash of (seed, n) (SplitMix64's finaliser)."""
    z = (seed * 0x9E3779B97F4A7C15 + n * 0xD1B54A32D192ED03) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


@attrs.frozen
class DerivedLines:
    """Builds a PO's lines from its header and a hash of each line id, so none are stored."""

    seed: int
    account_code_ids: tuple[int, ...]
    department_ids: tuple[int, ...]
    user_ids: tuple[int, ...]

    def __call__(self, po: PurchaseOrder) -> tuple[OrderItem, ...]:
        lines = []
        count = po.line_count
        for n in range(count):
            line_id = po.first_line_id + n
            h = _mix(self.seed, line_id)
            product = _PRODUCTS[h % len(_PRODUCTS)]
            quantity = Decimal(po.amounts[2 * n]).scaleb(-2)
            received = _ZERO
            if po.fulfilment == "full" or (po.fulfilment == "partial" and n == 0 and count > 1):
                received = quantity
            elif po.fulfilment == "partial" and n == 0:
                received = (quantity / 2).quantize(Decimal("0.01"))
            lines.append(
                OrderItem(
                    id=line_id,
                    po_id=po.id,
                    line_num=n + 1,
                    name=product,
                    sku=f"SKU-{(h >> 8) % 100_000:05d}",
                    unit=_UNITS[(h >> 24) % len(_UNITS)],
                    quantity=quantity,
                    price=Decimal(po.amounts[2 * n + 1]).scaleb(-2),
                    account_code_id=self.account_code_ids[(h >> 32) % len(self.account_code_ids)],
                    department_id=self.department_ids[(h >> 40) % len(self.department_ids)],
                    requester_id=self.user_ids[(h >> 48) % len(self.user_ids)],
                    external_id=f"OI-{line_id}",
                    received_pass=received,
                    received_fail=_ZERO,
                    last_modified=po.last_modified,
                )
            )
        return tuple(lines)


def _history(v: Vendor) -> Vendor:
    """What Procurify keeps of a vendor's past, derived from its id (no draws, so every later
    record seeds as before): one vendor in three came through a user's vendor request, and
    every other one has a performance score from its deliveries."""
    n = v.id
    requested = n % 3 == 1
    return attrs.evolve(
        v,
        requested_by=2 + n % 4 if requested else None,
        requested_at=v.date_modified - timedelta(days=14) if requested else None,
        overall_score=Decimal(f"{60 + n * 37 % 40}.{n * 131 % 1000:03d}") if n % 2 else None,
    )


def _uuid(rng: random.Random) -> str:
    """A random version-4 UUID drawn from ``rng`` (``uuid.uuid4`` would not be reproducible)."""
    h = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def seed_tenant(
    tenant: Tenant,
    *,
    seed: int | str,
    vendors: int,
    account_codes: int,
    purchase_orders: int,
    lines_per_po: int,
    bills: int,
    payments: int,
    start: datetime,
    days: int,
) -> None:
    """Replace the tenant's records with generated ones; see :meth:`ProcurifySimulator.seed`."""
    if min(vendors, account_codes, purchase_orders, bills, payments) < 0 or days < 1:
        raise ValueError("counts must be >= 0 and days >= 1")
    if purchase_orders and (not vendors or not account_codes or lines_per_po < 1):
        raise ValueError("purchase orders need vendors >= 1, account_codes >= 1, lines_per_po >= 1")
    if bills and not (vendors and account_codes):
        raise ValueError("bills need vendors >= 1 and account_codes >= 1")
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    email = tenant.api_user.email if tenant.users else f"api@{tenant.subdomain}.example.com"
    tenant.clear_data()
    install_reference_data(tenant, email=email)
    rng = random.Random(seed)
    gen = _Generator(tenant, rng, start, start + timedelta(days=days))
    gen.vendors(vendors)
    gen.account_codes(account_codes)
    tenant.line_source = DerivedLines(
        rng.getrandbits(64),
        tuple(tenant.account_codes),
        tuple(tenant.departments),
        tuple(tenant.users),
    )
    tenant.load_purchase_orders(gen.purchase_orders(purchase_orders, lines_per_po))
    gen.bills(bills)
    gen.payments(payments)
    tenant.changed()


class _Generator:
    """The draws of one seeding run, in their fixed order."""

    def __init__(self, tenant: Tenant, rng: random.Random, start: datetime, end: datetime):
        self.t = tenant
        self.rng = rng
        self.start = start
        self.end = end - timedelta(seconds=1)
        self.span = int((end - start).total_seconds())

    def _at(self) -> datetime:
        return self.start + timedelta(seconds=self.rng.randrange(self.span))

    def _after(self, moment: datetime, max_days: int) -> datetime:
        later = moment + timedelta(seconds=self.rng.randrange(max_days * 86_400 + 1))
        return min(later, self.end)

    def vendors(self, count: int) -> None:
        rng = self.rng
        seen: set[str] = set()
        for n in range(1, count + 1):
            words = (
                rng.choice(_VENDOR_PREFIX),
                rng.choice(_VENDOR_NOUN),
                rng.choice(_VENDOR_SUFFIX),
            )
            name = " ".join(words)
            if name in seen:
                name = f"{name} {n}"
            seen.add(name)
            city, province, country, postal = rng.choice(_CITIES)
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
            self.t.vendors[n] = Vendor(
                id=n,
                name=name,
                date_modified=self._at(),
                active=rng.random() >= 0.05,
                type=rng.choices((3, 4, 1), weights=(80, 17, 3))[0],
                external_id=f"V{n:05d}" if rng.random() < 0.6 else None,
                email=tuple(f"ap{k}@{slug}.example.com" for k in range(rng.randint(0, 2))),
                address_line_one=f"{rng.randint(1, 9999)} Main Street",
                postal_code=postal,
                city=city,
                state_province=province,
                country=country,
                phone_one=f"+1-555-{rng.randint(0, 9999):04d}",
                contact=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                currency=1,
            )
            self.t.vendors[n] = _history(self.t.vendors[n])

    def account_codes(self, count: int) -> None:
        rng = self.rng
        for n in range(1, count + 1):
            parent = rng.randint(1, n - 1) if n > 1 and rng.random() < 0.1 else None
            departments = tuple(sorted(rng.sample(sorted(self.t.departments), rng.randint(1, 4))))
            self.t.account_codes[n] = AccountCode(
                id=n,
                code=f"{5000 + 10 * n}",
                description=f"{rng.choice(_ACCOUNT_TOPICS)} {n}",
                account_type=rng.choices((2, 0, 5), weights=(85, 10, 5))[0],
                active=rng.random() >= 0.1,
                parent=parent,
                departments=departments,
            )

    def purchase_orders(self, count: int, lines_per_po: int) -> list[PurchaseOrder]:
        """The PO headers, in date order; the hot loop, so it draws with ``random()`` only."""
        random_ = self.rng.random
        vendor_ids = tuple(self.t.vendors)
        user_ids = tuple(self.t.users)
        offsets = sorted(int(random_() * self.span) for _ in range(count))
        month = 30 * 86_400
        orders = []
        line_id = 1
        for n, offset in enumerate(offsets, start=1):
            created = self.start + timedelta(seconds=offset)
            modified = min(created + timedelta(seconds=int(random_() * month)), self.end)
            roll = random_()
            fulfilment: Literal["empty", "partial", "full"]
            if roll < 0.55:
                state = PURCHASED if roll < 0.45 else REOPENED
                fulfilment = _FULFILMENTS[int(random_() * 3)]
            elif roll < 0.75:
                state, fulfilment = CLOSED, "full"
            elif roll < 0.92:
                state, fulfilment = PAID, "full"
            else:
                state, fulfilment = CANCELLED, "empty"
            amounts: list[int] = []
            for _ in range(lines_per_po):
                whole = random_() < 0.85
                quantity = 100 + int(random_() * 50) * 100 if whole else 1 + int(random_() * 4999)
                amounts += (quantity, 100 + int(random_() * 249_900))
            orders.append(
                PurchaseOrder(
                    id=n,
                    uuid=_uuid(self.rng),
                    po_num=f"PO-{n:06d}" if random_() < 0.3 else None,
                    version=1 if modified == created else 1 + int(random_() * 3),
                    date=created,
                    last_modified=modified,
                    promise_days=3 + int(random_() * 42),
                    vendor_id=vendor_ids[int(random_() * len(vendor_ids))],
                    purchaser_id=user_ids[int(random_() * len(user_ids))],
                    currency_id=1 if random_() < 0.85 else 2,
                    state=state,
                    fulfilment=fulfilment,
                    tax_percent=_TAX_PERCENTS[int(random_() * len(_TAX_PERCENTS))],
                    freight=_FREIGHTS[int(random_() * len(_FREIGHTS))],
                    other=_ZERO,
                    discount=_ZERO,
                    first_line_id=line_id,
                    amounts=tuple(amounts),
                )
            )
            line_id += lines_per_po
        return orders

    def bills(self, count: int) -> None:
        rng = self.rng
        billable = [po for po in self.t.purchase_orders if po.state != CANCELLED]
        item_id = 1
        for n in range(1, count + 1):
            items: list[BillItem] = []
            if billable and rng.random() < 0.9:
                po = rng.choice(billable)
                bill_type, vendor_id, currency_id = 0, po.vendor_id, po.currency_id
                invoice_date = self._after(po.date, 20)
                lines = self.t.lines(po)
                for line in rng.sample(lines, rng.randint(1, len(lines))):
                    items.append(
                        BillItem(
                            id=item_id,
                            description=line.name,
                            sku=line.sku,
                            unit=line.unit,
                            quantity=line.quantity,
                            unit_cost=line.price,
                            tax_percent=po.tax_percent,
                            account_code_id=line.account_code_id,
                            department_id=line.department_id,
                            received_on=invoice_date,
                            po_id=po.id,
                            order_item_id=line.id,
                        )
                    )
                    item_id += 1
            else:
                bill_type, currency_id = 1, 1
                vendor_id = rng.choice(tuple(self.t.vendors))
                invoice_date = self._at()
                for _ in range(rng.randint(1, 2)):
                    items.append(
                        BillItem(
                            id=item_id,
                            description=rng.choice(_ACCOUNT_TOPICS),
                            sku="",
                            unit="Each",
                            quantity=Decimal(rng.randint(1, 5)),
                            unit_cost=Decimal(rng.randrange(500, 80_000)).scaleb(-2),
                            tax_percent=rng.choice(_TAX_PERCENTS),
                            account_code_id=rng.choice(tuple(self.t.account_codes)),
                            department_id=rng.choice(tuple(self.t.departments)),
                            received_on=invoice_date,
                        )
                    )
                    item_id += 1
            status = rng.choices((0, 1, 2, 3), weights=(10, 15, 70, 5))[0]
            submitted = self._after(invoice_date, 5) if status else None
            bill_uuid = _uuid(rng)
            self.t.bills[bill_uuid] = Bill(
                id=n,
                uuid=bill_uuid,
                status=status,
                type=bill_type,
                version=1,
                vendor_id=vendor_id,
                currency_id=currency_id,
                invoice_number=f"INV-{rng.randrange(10**6):06d}",
                invoice_date=invoice_date,
                due_date=invoice_date + timedelta(days=30),
                last_modified=self._after(submitted or invoice_date, 20),
                creator_id=rng.choice(tuple(self.t.users)),
                items=tuple(items),
                submitted_date=submitted,
                gl_post_date=submitted if status == 2 and rng.random() < 0.5 else None,
                approver_id=1 if status in (2, 3) else None,
            )

    def payments(self, count: int) -> None:
        rng = self.rng
        payable = [b for b in self.t.bills.values() if b.status == 2]
        rng.shuffle(payable)
        for n in range(1, count + 1):
            status = rng.choices(
                ("paid", "processing", "approved", "scheduled", "failed", "draft"),
                weights=(60, 10, 10, 10, 5, 5),
            )[0]
            bill = payable.pop() if payable else None
            vendor_id = bill.vendor_id if bill else None
            if bill is None and self.t.vendors:
                vendor_id = rng.choice(tuple(self.t.vendors))
            created = self._after(bill.last_modified, 10) if bill else self._at()
            updated = self._after(created, 5)
            payment = Payment(
                id=n,
                uuid=_uuid(rng),
                amount=bill.total_with_tax
                if bill
                else Decimal(rng.randrange(1000, 10**6)).scaleb(-2),
                currency_id=bill.currency_id if bill else 1,
                status=status,
                created_at=created,
                updated_at=updated,
                creator_id=self.t.api_user_id,
                vendor_id=vendor_id,
                bill_groups=(n,) if bill else (),
                invoice_numbers=(bill.invoice_number,) if bill else (),
                processing_date=updated if status in ("paid", "processing", "scheduled") else None,
                posted_date=updated.date() if status == "paid" else None,
                source_name="Operating account",
                rail=rng.choice(("ACH", "FEDWIRE", "PAPER_CHECK")),
                gl_code="1000",
            )
            self.t.payments[n] = payment
            if bill is not None:
                self.t.bills[bill.uuid] = attrs.evolve(
                    bill,
                    status=4 if status == "paid" else bill.status,
                    group=n,
                    payment_uuid=payment.uuid,
                    last_modified=max(bill.last_modified, updated),
                )
