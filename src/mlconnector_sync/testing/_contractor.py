"""The contractor scenario: a general contractor on Procore with QAD as its ledger.

Deterministic for a given ``seed``: ``projects`` active jobsites, each with subcontracts
(work order contracts) billed by a month of subcontractor invoices (retainage withheld on
every invoice, released on the final one of some subcontracts), invoice-type direct costs,
payments of the first invoices, and a few records that must be held: a cost code nobody
mapped (and the payment of an invoice that uses it, until the invoice posts). QAD holds
every supplier; Procore knows most of them already (by a differently written name, or by
tax id only), the rest exist only in QAD until the vendor flow creates them.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
import httpx

from mlconnector_http import Clock, FakeClock, RetryPolicy
from procore_client import ProcoreClient, RequisitionStatus
from procore_client.testing import ProcoreSimulator
from procore_client.testing import _render as render
from qad_client import InvoiceType, QADClient
from qad_client.testing import QADSimulator
from qad_client.testing._records import GLAccount, Supplier

__all__ = [
    "COST_TYPES",
    "UNMAPPED_CODE",
    "Contractor",
    "DroppingTransport",
    "ServedContractor",
    "Totals",
    "procore_totals",
    "qad_totals",
]

COMPANY_ID = 8800
CLIENT_ID = "contractor-app"
CLIENT_SECRET = "sim-procore-secret"  # a simulator credential
QAD_TENANT = "builders"
QAD_DOMAIN = "10USA"
QAD_ENTITY = "10USACO"
QAD_USER = "integration"
QAD_PASSWORD = "sim-qad-password"  # a simulator credential

COST_TYPES: Mapping[str, tuple[str, str, str]] = {
    # code: (name, base type, QAD GL account it maps to by default)
    "S": ("Subcontract", "commitment", "5100"),
    "M": ("Materials", "materials", "5200"),
    "L": ("Labor", "other", "5300"),
    "E": ("Equipment", "equipment", "5400"),
}
COST_CODES = ("01-100", "03-300", "05-500", "09-900", "26-100")
UNMAPPED_CODE = "99-999"
"""A cost code used on a few lines that no mapping entry covers, with a cost type (``X``)
that has no default either: those records hold, naming the pair."""
WEBHOOK_SECRET = "Bearer sim-webhook-secret"  # a simulator credential
RETAINAGE_PAYABLE = "2150"
BANK_ACCOUNT = "1010"

_FIRST = ("Summit", "Granite", "Harbor", "Pioneer", "Keystone", "Redwood", "Atlas", "Beacon")
_TRADE = ("Concrete", "Electric", "Plumbing", "Steel", "Drywall", "Roofing", "Glazing")


def _money(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


@attrs.frozen
class _Vendor:
    code: str
    name: str
    tax_id: str


class Contractor:
    """A seeded Procore company and QAD tenant for the Procore -> QAD flows.

    Args:
        seed: varies amounts and names; the same seed gives the same data.
        projects: active projects the app may read (plus one it may not, and one inactive).
        subcontracts: work order contracts per project, three lines each.
        direct_costs: invoice-type direct costs per project.
        suppliers: QAD suppliers; two thirds of them already exist in Procore unlinked.
    """

    name = "contractor"

    def __init__(
        self,
        *,
        seed: int = 0,
        projects: int = 50,
        subcontracts: int = 2,
        direct_costs: int = 1,
        suppliers: int = 12,
        clock: Clock | None = None,
        webhook_attempts: int = 3,
        webhook_transport: Any = None,
    ) -> None:
        self.seed = seed
        self.paced = True
        self.clock: Clock = clock or FakeClock(dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC))
        self.procore = ProcoreSimulator(
            clock=self.clock,
            webhook_attempts=webhook_attempts,
            webhook_transport=webhook_transport,
        )
        self.qad = QADSimulator(clock=self.clock)
        self.procore.add_app(CLIENT_ID, CLIENT_SECRET)
        self.procore.add_company(COMPANY_ID, "Builders Inc.", installed_for=[CLIENT_ID])
        self.qad.add_tenant(QAD_TENANT)
        self.qad.add_user(QAD_TENANT, QAD_USER, QAD_PASSWORD)
        seeded = self.qad.seed(QAD_TENANT, cost_centres=4, projects=projects)
        self.qad_projects = seeded.projects
        self.cost_centres = seeded.cost_centres
        self.vendors = self._suppliers(suppliers)
        self.vendor_ids = self._procore_vendors()
        self._accounts()
        self.types = {
            code: self.procore.add_line_item_type(COMPANY_ID, name, code, base).id
            for code, (name, base, _) in {**COST_TYPES, "X": ("Other", "other", "")}.items()
        }
        self.project_ids: list[int] = []
        for index in range(projects):
            self.project_ids.append(self._project(index, subcontracts, direct_costs))
        self.hidden_project = self.procore.add_project(
            COMPANY_ID, name="Not permitted", permitted_for=[]
        ).id
        self.inactive_project = self.procore.add_project(
            COMPANY_ID, name="Closed jobsite", active=False
        ).id

    # -- setup ------------------------------------------------------------------------------

    def _suppliers(self, count: int) -> list[_Vendor]:
        state = self.qad.state(QAD_TENANT)
        domain = state.domain(QAD_DOMAIN)
        assert domain is not None
        made = []
        for i in range(count):
            first, trade = _FIRST[i % len(_FIRST)], _TRADE[(i + self.seed) % len(_TRADE)]
            name = f"{first} {trade} {i + 1:02d} LLC"
            tax = f"{(i * 7919 + self.seed) % 90 + 10}-{(i * 104729 + 1234567) % 9000000 + 1000000}"
            code = f"SUB{i + 1:04d}"
            state.insert(
                Supplier(
                    shared_set=domain.supplier_set,
                    code=code,
                    name=name,
                    business_relation=code,
                    street1=f"{100 + i} Main St",
                    city="Denver",
                    zip="80202",
                    country="US",
                    tax_id_federal=tax,
                    currency=state.base_currency,
                ),
                user="seed",
                now=self.clock.now(),
            )
            made.append(_Vendor(code, name, tax))
        return made

    def _procore_vendors(self) -> dict[str, int]:
        """Procore vendors for two thirds of the suppliers, none linked: every third by a
        differently written name, every other by tax id under a trade name."""
        ids: dict[str, int] = {}
        for i, vendor in enumerate(self.vendors):
            if i % 3 == 2:
                continue  # only in QAD
            if i % 3 == 0:
                written = vendor.name.upper().replace(" LLC", ", L.L.C.").replace(".", "")
                made = self.procore.add_vendor(COMPANY_ID, written)
            else:
                made = self.procore.add_vendor(COMPANY_ID, f"{vendor.name.split()[0]} Services")
                self.procore.state.create_business_register(
                    COMPANY_ID, made.id, "ein", vendor.tax_id
                )
            ids[vendor.code] = made.id
        return ids

    def _accounts(self) -> None:
        state = self.qad.state(QAD_TENANT)
        domain = state.domain(QAD_DOMAIN)
        assert domain is not None
        analysis = {"5100": "CostCentre", "5200": "Project", "5300": "Both", "5400": "None"}
        for code, kind in analysis.items():
            state.insert(
                GLAccount(
                    shared_set=domain.account_set,
                    code=code,
                    description=f"Job cost {code}",
                    analysis_type=kind,
                ),
                user="seed",
                now=self.clock.now(),
            )
        state.insert(
            GLAccount(
                shared_set=domain.account_set,
                code=RETAINAGE_PAYABLE,
                description="Retainage payable",
                gl_type="BALANCE",
            ),
            user="seed",
            now=self.clock.now(),
        )

    def _project(self, index: int, subcontracts: int, direct_costs: int) -> int:
        number = f"P-{1001 + index}"
        project = self.procore.add_project(
            COMPANY_ID, name=f"Jobsite {index + 1}", project_number=number
        )
        codes = {
            code: self.procore.add_cost_code(project.id, code, f"Division {code}").id
            for code in (*COST_CODES, UNMAPPED_CODE)
        }
        linked = [v for v in self.vendors if v.code in self.vendor_ids]
        state = self.procore.state
        for n in range(subcontracts):
            vendor = linked[(index * subcontracts + n) % len(linked)]
            spread = [(index * 3 + n * 5 + k * 7 + self.seed) % 50 + 10 for k in range(3)]
            commitment = self.procore.add_commitment(
                project.id,
                vendor_id=self.vendor_ids[vendor.code],
                title=f"Subcontract {n + 1}",
                amounts=[_money(s * 100_000) for s in spread],
            )
            commitment.retainage_percent = Decimal("10.00") if n % 2 == 0 else Decimal("5.00")
            kinds = ("S", "M", "L") if n % 2 == 0 else ("S", "E", "S")
            for k, line in enumerate(commitment.line_items):
                line.cost_code_id = codes[COST_CODES[(index + n + k) % len(COST_CODES)]]
                line.line_item_type_id = self.types[kinds[k]]
            if index % 5 == 4 and n == 0:  # a line nobody mapped
                commitment.line_items[-1].cost_code_id = codes[UNMAPPED_CODE]
                commitment.line_items[-1].line_item_type_id = self.types["X"]
            total = sum((line.amount for line in commitment.line_items), Decimal(0))
            first = (total * Decimal("0.3")).quantize(Decimal("0.01"))
            second = (total * Decimal("0.25")).quantize(Decimal("0.01")) + Decimal("0.07")
            claims = [(first, "approved", Decimal(0)), (second, "approved_as_noted", Decimal(0))]
            if n == 0 and index % 4 == 0:  # the final invoice releases the retainage held
                rest = total - first - second
                held = (total * commitment.retainage_percent / 100).quantize(Decimal("0.01"))
                claims.append((rest, "approved", held))
            if n == 1 and index % 3 == 0:  # not approved yet: does not post
                claims.append((Decimal("1000.00"), "under_review", Decimal(0)))
            for day, (claimed, status, released) in enumerate(claims, start=1):
                requisition = state.add_requisition(
                    project.id,
                    commitment.id,
                    status=status,
                    total_claimed=claimed,
                    retainage_released=released,
                    invoice_number=f"{commitment.number}-{day:02d}",
                )
                requisition.billing_date = dt.date(2026, 11, min(day * 9, 28))
                if day == 1 and n == 0:  # the first invoice of each first subcontract is paid
                    due = render.requisition(requisition, state, version="v1.1")["summary"]
                    state.add_payment(
                        project.id,
                        commitment.id,
                        due["current_payment_due"],
                        paid_on=dt.date(2026, 11, 25),
                        requisition_id=requisition.id,
                    )
        for d in range(direct_costs):
            vendor = linked[(index + d) % len(linked)]
            kind = "invoice" if d % 2 == 0 else "subcontractor_invoice"
            self.procore.add_direct_cost(
                project.id,
                direct_cost_type=kind,
                status="approved",
                vendor_id=self.vendor_ids[vendor.code],
                invoice_number=f"DC-{number}-{d + 1}",
                direct_cost_date="2026-11-15",
                line_items=[
                    {
                        "cost_code_id": codes[COST_CODES[(index + d + k) % len(COST_CODES)]],
                        "line_item_type_id": self.types[("M", "E")[k]],
                        "description": f"Supplies {k + 1}",
                        "amount": str(_money((index + 3) * 1000 + k * 517 + 33)),
                    }
                    for k in range(2)
                ],
            )
        return project.id

    # -- what a config and a test need -------------------------------------------------------

    def mappings(self) -> dict[str, dict[str, str]]:
        """The mapping tables a customer would load: cost codes (a default per cost type,
        one pair mapped apart), Procore projects to QAD projects, the retainage account."""
        cost_codes = {
            f"*|{code}": f"{account}/{self.cost_centres[i % len(self.cost_centres)]}"
            for i, (code, (_, _, account)) in enumerate(COST_TYPES.items())
        }
        cost_codes["01-100|S"] = f"5400/{self.cost_centres[0]}"
        projects = {
            f"P-{1001 + i}": code
            for i, code in enumerate(self.qad_projects[: len(self.project_ids)])
        }
        return {
            "cost_codes": cost_codes,
            "procore_projects": projects,
            "procore": {"retainage_payable": RETAINAGE_PAYABLE, "bank_account": BANK_ACCOUNT},
        }

    def procore_client(self, served: ServedContractor | None = None) -> ProcoreClient:
        """A client sharing the simulator's clock (no real waits): on its loopback origins
        when ``served`` is given, else in process."""
        where: dict[str, Any] = (
            {"base_url": served.procore["base_url"], "auth_url": served.procore["auth_url"]}
            if served
            else {"transport": self.procore.transport()}
        )
        return ProcoreClient(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            company_id=COMPANY_ID,
            clock=self.clock,
            retry=RetryPolicy.for_testing(),
            allow_private_network=served is not None,
            **where,
        )

    def qad_client(self, served: ServedContractor | None = None) -> QADClient:
        """A client of the QAD simulator: on loopback when ``served`` is given, else in
        process."""
        where: dict[str, Any] = (
            {"tenant_url": served.qad["tenant_url"], "allow_private_network": True}
            if served
            else {"tenant_url": self.qad.base_url(QAD_TENANT), "transport": self.qad.transport()}
        )
        return QADClient(
            domain=QAD_DOMAIN,
            entity=QAD_ENTITY,
            username=QAD_USER,
            password=QAD_PASSWORD,
            clock=self.clock,
            retry=RetryPolicy.for_testing(),
            **where,
        )

    def month_of_changes(self) -> int:
        """What happens in Procore during the month, as users do it (webhooks fire): a new
        approved invoice-type direct cost on every project, and the invoices that were under
        review approved. Returns how many records changed."""
        changed = 0
        linked = [v for v in self.vendors if v.code in self.vendor_ids]
        state = self.procore.state
        for index, project in enumerate(self.project_ids):
            codes = list(state.cost_codes_by_project[project])
            vendor = linked[(index * 5 + 1) % len(linked)]
            self.procore.add_direct_cost(
                project,
                direct_cost_type="invoice",
                status="approved",
                vendor_id=self.vendor_ids[vendor.code],
                invoice_number=f"DC-P-{1001 + index}-late",
                direct_cost_date="2026-11-27",
                line_items=[
                    {
                        "cost_code_id": codes[index % len(COST_CODES)],
                        "line_item_type_id": self.types["L"],
                        "description": "Late delivery",
                        "amount": str(_money(index * 731 + 4_999)),
                    }
                ],
            )
            changed += 1
            for requisition in list(state.requisitions_by_project.get(project, {}).values()):
                if requisition.status == "under_review":
                    self.procore.update_requisition(project, requisition.id, status="approved")
                    changed += 1
        return changed

    def unpace(self) -> None:
        """Lift Procore's hourly and spike windows, for crash and load tests on the real
        clock (a served config then paces nothing either)."""
        self.procore.set_rate_limits(hourly=None, spike=None)
        self.paced = False

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[ServedContractor]:
        """Serve both simulators on loopback: Procore's API on ``port`` and its token host
        on the next, as separate origins as in production; QAD on the one after."""
        with contextlib.ExitStack() as stack:
            procore = stack.enter_context(self.procore.serve_apart(host, port))
            qad_origin = stack.enter_context(self.qad.serve(host, port + 2 if port else 0))
            yield ServedContractor(
                procore={
                    "base_url": procore.base_url,
                    "auth_url": procore.auth_url,
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "company_id": COMPANY_ID,
                    "webhook_secret": WEBHOOK_SECRET,
                },
                qad={
                    "tenant_url": self.qad.base_url(QAD_TENANT, origin=qad_origin),
                    "username": QAD_USER,
                    "password": QAD_PASSWORD,
                    "domain": QAD_DOMAIN,
                    "entity": QAD_ENTITY,
                },
                mappings=self.mappings(),
                paced=self.paced,
            )

    def settings(self) -> dict[str, Any]:
        """What the scenario is made of, for reports."""
        return {
            "projects": len(self.project_ids),
            "suppliers": len(self.vendors),
            "procore_vendors": len(self.vendor_ids),
        }


class DroppingTransport(httpx.BaseTransport):
    """Real HTTP for the simulator's webhook deliveries, losing ``share`` of them on the way
    (chosen by a digest of each body and the seed, so a run is repeatable)."""

    def __init__(self, share: float, *, seed: int = 0) -> None:
        self.share = share
        self.seed = seed
        self.dropped = 0
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        digest = hashlib.sha256(f"{self.seed}:".encode() + request.read()).digest()
        if int.from_bytes(digest[:4], "big") / 2**32 < self.share:
            self.dropped += 1
            raise httpx.ConnectError("lost on the way (the demo drops it)", request=request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


FLOWS = (
    ("qad_suppliers_to_procore", "qad", "procore"),
    ("procore_requisitions_to_qad", "procore", "qad"),
    ("procore_direct_costs_to_qad", "procore", "qad"),
    ("procore_payments_to_qad", "procore", "qad"),
)


def _q(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


@attrs.frozen
class ServedContractor:
    """The contractor's systems as served on loopback: what a config needs."""

    procore: Mapping[str, Any]
    qad: Mapping[str, Any]
    mappings: Mapping[str, Mapping[str, str]]
    paced: bool = True

    def config_toml(self, state_path: str, *, timeout: float) -> str:
        """A ready-to-run config: simulator credentials inline (only simulators may), the
        Procore connection paced to the simulator's spike window (25 requests per 10 s)
        unless the simulator was served without it."""
        lines = [
            "# written by `mlconnector simulate --scenario contractor`: simulator connections",
            "[state]",
            f"url = {_q(state_path)}",
            "",
            "[engine]",
            'retry_base = "1s"',
            'lease_ttl = "30s"',
            'pushed_every = "30s"',
            "",
        ]
        for name, settings in (("procore", self.procore), ("qad", self.qad)):
            lines += [f"[connections.{name}]", f"system = {_q(name)}", "simulator = true"]
            for key, value in settings.items():
                lines.append(
                    f"{key} = {value}" if isinstance(value, int) else f"{key} = {_q(value)}"
                )
            lines += [f"timeout = {timeout}"]
            if name == "procore" and self.paced:
                lines += ['rate_limit = "24/10s"']
            lines += [""]
        for flow, source, target in FLOWS:
            lines += [
                f"[flows.{flow}]",
                f"source = {_q(source)}",
                f"target = {_q(target)}",
                'every = "15m"',
                "",
            ]
        for name, table in self.mappings.items():
            lines += [f"[mappings.{name}]"]
            lines += [f"{_q(key)} = {_q(value)}" for key, value in table.items()]
            lines += [""]
        return "\n".join(lines)


Totals = dict[tuple[str, str], dict[str, Decimal]]
"""Money per (Procore project number, cost code): gross, retained, released, net."""

_ZERO = Decimal("0.00")


def _table() -> Any:
    return collections.defaultdict(lambda: collections.defaultdict(lambda: _ZERO))


def _plain(totals: Any) -> Totals:
    return {key: {k: v for k, v in row.items() if v} for key, row in totals.items()}


def procore_totals(client: ProcoreClient) -> tuple[Totals, dict[str, Decimal]]:
    """From Procore: approved subcontractor invoices' lines and approved invoice-type direct
    costs, per (project, cost code); and per project the net payable by Procore's summaries."""
    by_code = _table()
    payable: dict[str, Decimal] = collections.defaultdict(lambda: _ZERO)
    posting = {RequisitionStatus.APPROVED, RequisitionStatus.APPROVED_AS_NOTED}
    for project in client.projects.list(active=True):
        number = str(project.project_number)
        for req in client.requisitions.list(project.id, with_items=True):
            if req.status not in posting or req.summary is None:
                continue
            payable[number] += req.summary.current_payment_due or _ZERO
            for item in req.items:
                code = "" if item.cost_code is None else str(item.cost_code.full_code)
                row = by_code[(number, code)]
                gross = item.work_completed_this_period or _ZERO
                kept = item.work_completed_retainage_retained_this_period or _ZERO
                freed = item.work_completed_retainage_released_this_period or _ZERO
                row["gross"] += gross
                row["retained"] += kept
                row["released"] += freed
                row["net"] += gross - kept + freed
        for header in client.direct_costs.list(project.id):
            if header.status is None or header.status.value != "approved":
                continue
            if header.direct_cost_type is None or header.direct_cost_type.value not in (
                "invoice",
                "subcontractor_invoice",
            ):
                continue
            cost = client.direct_costs.get(project.id, header.id)
            payable[number] += cost.grand_total or _ZERO
            for line in cost.line_items:
                code = "" if line.cost_code is None else str(line.cost_code.full_code)
                row = by_code[(number, code)]
                row["gross"] += line.amount or _ZERO
                row["net"] += line.amount or _ZERO
    return _plain(by_code), dict(payable)


def qad_totals(client: QADClient) -> tuple[Totals, dict[str, Decimal]]:
    """The same figures read back from QAD's supplier invoices and retainage credit notes
    (each line's text names project, cost code and cost type)."""
    by_code = _table()
    payable: dict[str, Decimal] = collections.defaultdict(lambda: _ZERO)
    for header in client.supplier_invoices.list():
        invoice = client.supplier_invoices.get(header.id)
        sign = -1 if invoice.invoice_type == InvoiceType.CREDIT_NOTE else 1
        for line in invoice.expense_lines:
            project, code, _, what = line.text.split("|")
            row = by_code[(project, code)]
            payable[project] += sign * line.amount
            row["net"] += sign * line.amount
            key = {"work": "gross", "retainage withheld": "retained"}.get(what, "released")
            row[key] += line.amount
    return _plain(by_code), dict(payable)
