"""HTTP <-> state for each REST operation (moto's ``responses.py``).

Each handler gets an authenticated :class:`Call` (app, ``Procore-Company-Id``) and path
parameters, checks company and DMSA project access, and calls the state or the webhook engine.
Domain errors propagate to the simulator, which renders them in Procore's body shapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import attrs
import httpx

from mlconnector_http.testing import SimRequest, json_response
from procore_client.testing import _render as render
from procore_client.testing._errors import BadRequest, Forbidden, HttpError, RecordNotFound
from procore_client.testing._models import (
    App,
    BusinessRegister,
    Commitment,
    Company,
    DirectCost,
    Project,
    Requisition,
    Vendor,
)
from procore_client.testing._params import (
    FORM_TYPE,
    MULTIPART_TYPE,
    rails_form,
    rails_multipart,
)
from procore_client.testing._query import (
    choice_filter,
    date_range,
    id_filter,
    int_param,
    paginate,
    record_filter,
    require_int,
    within,
)
from procore_client.testing._state import (
    PO_STATUSES,
    REQUISITION_STATUSES,
    RESOURCE_NAMES,
    WO_STATUSES,
    ProcoreState,
)
from procore_client.testing._webhooks import Hook, WebhookEngine

__all__ = ["Call", "Handlers", "Settings"]

T = TypeVar("T")

_KINDS = {
    "work_order_contracts": ("WorkOrderContract", WO_STATUSES),
    "purchase_order_contracts": ("PurchaseOrderContract", PO_STATUSES),
}


@attrs.frozen
class Call:
    """An authenticated API request and the company its header names."""

    req: SimRequest
    app: App
    company_id: int


@attrs.define
class Settings:
    """Knobs that shape list answers."""

    max_per_page: int = 2000
    projects_v11_max_per_page: int = 300


def _body(call: Call) -> dict[str, Any]:
    """The write's parameters from a JSON body or, as Rails takes them, a form or multipart
    body."""
    if not call.req.content:
        return {}
    content_type = call.req.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media == FORM_TYPE:
        return rails_form(call.req.content)
    if media == MULTIPART_TYPE:
        return rails_multipart(content_type, call.req.content)
    try:
        data = json.loads(call.req.content)
    except ValueError:
        raise HttpError(400, {"errors": "The request body is not valid JSON"}) from None
    if not isinstance(data, dict):
        raise HttpError(400, {"errors": "The request body must be a JSON object"})
    return data


def _nested(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if not isinstance(value, dict):
        raise HttpError(400, {"errors": f"{key} is missing"})
    return value


def _empty(status: int = 200) -> httpx.Response:
    return httpx.Response(status)


class Handlers:
    """Every REST operation the simulator serves."""

    def __init__(
        self,
        state: ProcoreState,
        webhooks: WebhookEngine,
        settings: Settings,
    ) -> None:
        self.state = state
        self.webhooks = webhooks
        self.settings = settings

    # -- access -------------------------------------------------------------------------------

    def _company(self, call: Call, company_id: int) -> Company:
        company = self.state.companies.get(company_id)
        if company is None or call.app.client_id not in company.installed_for:
            raise Forbidden("App is not connected to this company")
        return company

    def _company_param(self, call: Call, body: dict[str, Any] | None = None) -> Company:
        company_id = require_int(call.req, "company_id", (body or {}).get("company_id"))
        return self._company(call, company_id)

    def _project_param(self, call: Call, body: dict[str, Any] | None = None) -> Project:
        project_id = require_int(call.req, "project_id", (body or {}).get("project_id"))
        return self.state.check_project(call.app.client_id, project_id)

    def _project_path(self, call: Call, project_id: str) -> Project:
        return self.state.check_project(call.app.client_id, _path_id(project_id, "Project"))

    # -- listing ------------------------------------------------------------------------------

    def _cached(self, call: Call, compute: Callable[[], list[T]]) -> list[T]:
        query = tuple(
            sorted(
                (k, v) for k, v in call.req.params.multi_items() if k not in ("page", "per_page")
            )
        )
        key: Hashable = (call.req.path, call.app.client_id, query)
        return self.state.cached(key, compute)

    def _page(
        self,
        call: Call,
        rows: Sequence[T],
        render_row: Callable[[T], dict[str, Any]],
        *,
        maximum: int | None = None,
    ) -> httpx.Response:
        chunk, headers = paginate(call.req, rows, maximum=maximum or self.settings.max_per_page)
        return json_response(200, [render_row(r) for r in chunk], headers)

    # -- identity -----------------------------------------------------------------------------

    def me(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/me``."""
        return json_response(200, render.me(call.app))

    def companies(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/companies``: the companies where the app is installed."""
        rows = [c for c in self.state.companies.values() if call.app.client_id in c.installed_for]
        rows.sort(key=lambda c: c.id)
        return self._page(call, rows, render.company)

    def company_base_url(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/company_base_url``: the zone of the header's company."""
        company = self._company(call, call.company_id)
        return json_response(200, {"zone": company.zone, "web_base_url": "https://app.procore.com"})

    # -- projects -----------------------------------------------------------------------------

    def _projects(self, call: Call, company: Company, version: str) -> list[Project]:
        req = call.req
        status = req.query("filters[by_status]") or "Active"
        if status not in ("Active", "Inactive", "All"):
            raise BadRequest("filters[by_status] must be one of Active, Inactive or All")
        name = (req.query("filters[name]") or "").lower()
        number = req.query("filters[project_number]") if version == "v1.1" else None
        common = record_filter(req)
        client_id = call.app.client_id
        rows = [
            p
            for p in self.state.projects_by_company.get(company.id, {}).values()
            if self.state.app_permitted(client_id, p)
            and (status == "All" or p.active == (status == "Active"))
            and (not name or name in p.name.lower())
            and (number is None or p.project_number == number)
            and common(p)
        ]
        sort = req.query("sort")
        if sort in ("name", "display_name"):
            rows.sort(key=lambda p: p.name.lower())
        else:
            rows.sort(key=lambda p: p.id)
        return rows

    def projects(self, call: Call, version: str = "v1.0") -> httpx.Response:
        """``GET /rest/v1.{0,1}/projects?company_id=``: projects granted to the app's DMSA."""
        company = self._company_param(call)
        rows = self._cached(call, lambda: self._projects(call, company, version))
        compact = call.req.query("view") in ("compact", "ids") or (
            call.req.query("serializer_view") == "compact"
        )
        maximum = self.settings.projects_v11_max_per_page if version == "v1.1" else None
        return self._page(
            call, rows, lambda p: render.project(p, company, compact=compact), maximum=maximum
        )

    def company_projects(self, call: Call, company_id: str) -> httpx.Response:
        """``GET /rest/v1.0/companies/{company_id}/projects`` (unpaged in the spec)."""
        company = self._company(call, _path_id(company_id, "Company"))
        rows = [
            p
            for p in self.state.projects_by_company.get(company.id, {}).values()
            if self.state.app_permitted(call.app.client_id, p) and p.active
        ]
        return json_response(200, [render.company_project(p) for p in rows])

    # -- vendors ------------------------------------------------------------------------------

    def _vendors(self, call: Call, company: Company) -> list[Vendor]:
        req = call.req
        common = record_filter(req)
        search = (req.query("filters[search]") or "").strip().lower()
        digits = search.replace("-", "").replace(" ", "")
        parents = id_filter(req, "parent_id")
        trades = id_filter(req, "trade_id")
        codes = id_filter(req, "standard_cost_code_id")

        def matches(v: Vendor) -> bool:
            fields = v.fields
            if not common(v):
                return False
            if parents is not None and fields.get("parent_id") not in parents:
                return False
            if trades is not None and not trades.intersection(fields.get("trade_ids") or ()):
                return False
            if codes is not None and not codes.intersection(
                fields.get("standard_cost_code_ids") or ()
            ):
                return False
            if search:
                register = v.business_register
                haystack = (
                    v.name.lower(),
                    str(fields.get("keywords") or "").lower(),
                    str(fields.get("origin_code") or "").lower(),
                )
                if not any(search in text for text in haystack) and not (
                    register is not None and digits and digits in register.identifier
                ):
                    return False
            return True

        unfiltered = not any(key.startswith("filters[") for key in req.params)
        everything = self.state.vendors_by_company.get(company.id, {}).values()
        rows = list(everything) if unfiltered else [v for v in everything if matches(v)]
        sort = req.query("sort")
        if sort in ("name", "-name"):
            rows.sort(key=lambda v: v.name.lower(), reverse=sort.startswith("-"))
        elif sort is not None and sort not in ("main_office_name", "project_and_bid_counts"):
            raise BadRequest(f"sort={sort} is not supported")
        return rows

    def _children(self, vendor: Vendor) -> int:
        if vendor.fields.get("parent_id") is not None:
            return 0
        return sum(
            1
            for v in self.state.vendors_by_company.get(vendor.company_id, {}).values()
            if v.fields.get("parent_id") == vendor.id
        )

    def vendors(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/vendors?company_id=``."""
        company = self._company_param(call)
        rows = self._cached(call, lambda: self._vendors(call, company))
        view = call.req.query("view")
        return self._page(call, rows, lambda v: render.vendor(v, view=view))

    def vendor(self, call: Call, vendor_id: str) -> httpx.Response:
        """``GET /rest/v1.0/vendors/{id}?company_id=``."""
        company = self._company_param(call)
        found = self.state.vendor(company.id, _path_id(vendor_id, "Vendor"))
        view = call.req.query("view")
        return json_response(200, render.vendor(found, self._children(found), view=view))

    def create_vendor(self, call: Call) -> httpx.Response:
        """``POST /rest/v1.0/vendors`` -> 201."""
        body = _body(call)
        company = self._company_param(call, body)
        created = self.state.create_vendor(
            company.id, _nested(body, "vendor"), actor=call.app.client_id
        )
        return json_response(201, render.vendor(created))

    def update_vendor(self, call: Call, vendor_id: str) -> httpx.Response:
        """``PATCH /rest/v1.0/vendors/{id}``."""
        body = _body(call)
        company = self._company_param(call, body)
        updated = self.state.update_vendor(
            company.id,
            _path_id(vendor_id, "Vendor"),
            _nested(body, "vendor"),
            actor=call.app.client_id,
        )
        return json_response(200, render.vendor(updated, self._children(updated)))

    def sync_vendors(self, call: Call) -> httpx.Response:
        """``PATCH /rest/v1.0/vendors/sync``: 200 with ``entities`` and per-item ``errors``."""
        body = _body(call)
        company = self._company_param(call, body)
        updates = body.get("updates")
        if not isinstance(updates, list):
            raise HttpError(400, {"errors": "updates is missing"})
        entities, errors = self.state.sync_vendors(company.id, updates, actor=call.app.client_id)
        return json_response(
            200, {"entities": [render.vendor(v) for v in entities], "errors": errors}
        )

    def _register(
        self, call: Call, vendor_id: str, write: Callable[..., BusinessRegister]
    ) -> BusinessRegister:
        body = _body(call)
        company = self._company_param(call, body)
        spec = _nested(body, "business_register")
        return write(
            company.id,
            _path_id(vendor_id, "Vendor"),
            spec.get("type"),
            spec.get("identifier"),
            actor=call.app.client_id,
        )

    def create_register(self, call: Call, vendor_id: str) -> httpx.Response:
        """``POST /rest/v1.0/vendors/{id}/business_register`` -> 201, or 409 for a second one."""
        created = self._register(call, vendor_id, self.state.create_business_register)
        return json_response(201, render.register(created))

    def update_register(self, call: Call, vendor_id: str) -> httpx.Response:
        """``PATCH /rest/v1.0/vendors/{id}/business_register``."""
        updated = self._register(call, vendor_id, self.state.update_business_register)
        return json_response(200, render.register(updated))

    # -- cost codes and line item types ------------------------------------------------------

    def cost_codes(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/cost_codes?project_id=``."""
        owner = self._project_param(call)
        common = record_filter(call.req)
        codes = self.state.cost_codes_by_project.get(owner.id, {}).values()
        rows = self._cached(call, lambda: [c for c in codes if common(c)])
        types = list(self.state.line_item_types_by_company.get(owner.company_id, {}).values())
        return self._page(call, rows, lambda c: render.cost_code(c, owner, types))

    def cost_code(self, call: Call, code_id: str) -> httpx.Response:
        """``GET /rest/v1.0/cost_codes/{id}?project_id=``."""
        owner = self._project_param(call)
        found = self.state.cost_code(owner.id, _path_id(code_id, "CostCode"))
        types = list(self.state.line_item_types_by_company.get(owner.company_id, {}).values())
        return json_response(200, render.cost_code(found, owner, types))

    def create_cost_code(self, call: Call) -> httpx.Response:
        """``POST /rest/v1.0/cost_codes`` with ``{project_id, cost_code: {code, name, ...}}``."""
        body = _body(call)
        owner = self._project_param(call, body)
        made = self.state.create_cost_code(owner.id, _nested(body, "cost_code"))
        types = list(self.state.line_item_types_by_company.get(owner.company_id, {}).values())
        return json_response(201, render.cost_code(made, owner, types))

    def update_cost_code(self, call: Call, code_id: str) -> httpx.Response:
        """``PATCH /rest/v1.0/cost_codes/{id}`` with ``{project_id, cost_code: {...}}``."""
        body = _body(call)
        owner = self._project_param(call, body)
        changed = self.state.update_cost_code(
            owner.id, _path_id(code_id, "CostCode"), _nested(body, "cost_code")
        )
        types = list(self.state.line_item_types_by_company.get(owner.company_id, {}).values())
        return json_response(200, render.cost_code(changed, owner, types))

    def line_item_types(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/line_item_types?company_id=|project_id=``."""
        if int_param(call.req, "project_id") is not None:
            company_id = self._project_param(call).company_id
        else:
            company_id = self._company_param(call).id
        common = record_filter(call.req)
        types = self.state.line_item_types_by_company.get(company_id, {}).values()
        rows = [t for t in types if common(t)]
        return self._page(call, rows, render.line_item_type)

    def line_item_type(self, call: Call, type_id: str) -> httpx.Response:
        """``GET /rest/v1.0/line_item_types/{id}?company_id=``."""
        company = self._company_param(call)
        found = self.state.line_item_type(company.id, _path_id(type_id, "LineItemType"))
        return json_response(200, render.line_item_type(found))

    # -- requisitions -------------------------------------------------------------------------

    def _requisitions(self, call: Call, owner: Project) -> list[Requisition]:
        req = call.req
        common = record_filter(req)
        commitment_id = int_param(req, "filters[commitment_id]")
        period_id = int_param(req, "filters[period_id]")
        status = choice_filter(req, "status", REQUISITION_STATUSES)
        last_only = (req.query("filters[is_last]") or "").lower() == "true"
        rows = [
            r
            for r in self.state.requisitions_by_project.get(owner.id, {}).values()
            if (commitment_id is None or r.commitment_id == commitment_id)
            and (period_id is None or r.period_id == period_id)
            and (status is None or r.status == status)
            and common(r)
        ]
        if last_only:
            latest = {
                c: reqs[-1].id for c, reqs in self.state.requisitions_by_commitment.items() if reqs
            }
            rows = [r for r in rows if latest.get(r.commitment_id) == r.id]
        return rows

    def requisitions(self, call: Call, version: str = "v1.0") -> httpx.Response:
        """``GET /rest/v1.{0,1}/requisitions?project_id=``."""
        owner = self._project_param(call)
        rows = self._cached(call, lambda: self._requisitions(call, owner))
        items = call.req.query("view") in ("extended", "items")
        policy = call.req.query("view") in ("extended", "action_policy")
        return self._page(
            call,
            rows,
            lambda r: render.requisition(
                r, self.state, version=version, items=items, policy=policy
            ),
        )

    def requisition(self, call: Call, requisition_id: str, version: str = "v1.0") -> httpx.Response:
        """``GET /rest/v1.{0,1}/requisitions/{id}?project_id=``."""
        owner = self._project_param(call)
        found = self.state.requisition(owner.id, _path_id(requisition_id, "Requisition"))
        items = version == "v1.1" and call.req.query("view") in ("extended", "items")
        policy = call.req.query("view") in ("extended", "action_policy")
        return json_response(
            200,
            render.requisition(found, self.state, version=version, items=items, policy=policy),
        )

    def update_requisition(
        self, call: Call, requisition_id: str, version: str = "v1.0"
    ) -> httpx.Response:
        """``PATCH /rest/v1.{0,1}/requisitions/{id}``: project_id and commitment_id (both required)
        in the body or the query; an invoice of another commitment is not found. Both versions
        answer in the v1.1 shape with the items, as both specs document."""
        body = _body(call)
        owner = self._project_param(call, body)
        commitment_id = require_int(call.req, "commitment_id", body.get("commitment_id"))
        found = self.state.requisition(owner.id, _path_id(requisition_id, "Requisition"))
        if found.commitment_id != commitment_id:
            raise RecordNotFound("Requisition", found.id)
        updated = self.state.update_requisition(
            owner.id,
            _path_id(requisition_id, "Requisition"),
            _nested(body, "requisition"),
            attachments=body.get("attachments"),
            actor=call.app.client_id,
        )
        return json_response(
            200, render.requisition(updated, self.state, version="v1.1", items=True)
        )

    # -- commitments --------------------------------------------------------------------------

    def _contracts(
        self, call: Call, owner: Project, kind: str, statuses: tuple[str, ...]
    ) -> list[Commitment]:
        req = call.req
        common = record_filter(req)
        status = choice_filter(req, "status", statuses)
        deleted = req.query("filters[include_deleted]")
        if deleted not in (None, "only", "with"):
            raise BadRequest("filters[include_deleted] must be only or with")
        return [
            c
            for c in self.state.commitments_by_project.get(owner.id, {}).values()
            if c.kind == kind
            and (status is None or c.status == status)
            and common(c)
            and (
                (deleted is None and c.deleted_at is None)
                or deleted == "with"
                or (deleted == "only" and c.deleted_at is not None)
            )
        ]

    def contracts(self, call: Call, resource: str) -> httpx.Response:
        """``GET /rest/v1.0/{work_order,purchase_order}_contracts?project_id=``."""
        kind, statuses = _KINDS[resource]
        owner = self._project_param(call)
        rows = self._cached(call, lambda: self._contracts(call, owner, kind, statuses))
        compact = call.req.query("view") != "extended"
        return self._page(
            call, rows, lambda c: render.commitment_row(c, self.state, compact=compact)
        )

    def contract(self, call: Call, resource: str, contract_id: str) -> httpx.Response:
        """``GET /rest/v1.0/{work_order,purchase_order}_contracts/{id}?project_id=``."""
        kind, _ = _KINDS[resource]
        owner = self._project_param(call)
        found = self.state.commitment(owner.id, _path_id(contract_id, kind), kind)
        return json_response(200, render.commitment_detail(found, self.state))

    def contract_line_items(self, call: Call, resource: str, contract_id: str) -> httpx.Response:
        """``GET /rest/v1.0/{...}_contracts/{id}/line_items?project_id=``."""
        kind, _ = _KINDS[resource]
        owner = self._project_param(call)
        found = self.state.commitment(owner.id, _path_id(contract_id, kind), kind)
        common = record_filter(call.req)
        codes = id_filter(call.req, "cost_code_id")
        type_id = int_param(call.req, "filters[line_item_type_id]")
        rows = [
            i
            for i in found.line_items
            if (codes is None or i.cost_code_id in codes)
            and (type_id is None or i.line_item_type_id == type_id)
            and common(i)
        ]
        return self._page(call, rows, lambda i: render.contract_line_item(i, found, self.state))

    def commitments(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/commitments?project_id=`` (both contract kinds)."""
        owner = self._project_param(call)
        rows = [
            c
            for c in self.state.commitments_by_project.get(owner.id, {}).values()
            if c.deleted_at is None
        ]
        return self._page(call, rows, lambda c: render.commitment_summary(c, self.state))

    def commitment(self, call: Call, commitment_id: str) -> httpx.Response:
        """``GET /rest/v1.0/commitments/{id}?project_id=``."""
        owner = self._project_param(call)
        found = self.state.commitment(owner.id, _path_id(commitment_id, "Commitment"))
        return json_response(200, render.commitment_detail(found, self.state))

    # -- payments -----------------------------------------------------------------------------

    def payments(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/contract_payments?project_id=&contract_id=``."""
        owner = self._project_param(call)
        contract = self.state.commitment(owner.id, require_int(call.req, "contract_id"))
        rows = list(self.state.payments_by_commitment.get(contract.id, {}).values())
        return self._page(call, rows, render.payment)

    def payment(self, call: Call, payment_id: str) -> httpx.Response:
        """``GET /rest/v1.0/contract_payments/{id}?project_id=&contract_id=``."""
        owner = self._project_param(call)
        found = self.state.payment(
            owner.id,
            require_int(call.req, "contract_id"),
            _path_id(payment_id, "ContractPayment"),
        )
        return json_response(200, render.payment(found))

    def update_payment(self, call: Call, payment_id: str) -> httpx.Response:
        """``PATCH /rest/v1.0/contract_payments/{id}``: project_id and contract_id (both
        required) in the body or the query; once synced to the ERP only origin fields change."""
        body = _body(call)
        owner = self._project_param(call, body)
        contract_id = require_int(call.req, "contract_id", body.get("contract_id"))
        updated = self.state.update_payment(
            owner.id,
            contract_id,
            _path_id(payment_id, "ContractPayment"),
            _nested(body, "contract_payment"),
            attachments=body.get("attachments"),
            actor=call.app.client_id,
        )
        return json_response(200, render.payment(updated))

    # -- direct costs -------------------------------------------------------------------------

    def _direct_costs(self, call: Call, owner: Project) -> list[DirectCost]:
        req = call.req
        common = record_filter(req)
        invoice = req.query("filters[invoice_number]")
        paid = date_range(req, "payment_date")
        received = date_range(req, "received_date")
        return [
            d
            for d in self.state.direct_costs_by_project.get(owner.id, {}).values()
            if d.deleted_at is None
            and (invoice is None or d.invoice_number == invoice)
            and common(d)
            and within(d.payment_date, paid)
            and within(d.received_date, received)
        ]

    def direct_costs(self, call: Call, project_id: str) -> httpx.Response:
        """``GET /rest/v1.{0,1}/projects/{project_id}/direct_costs`` (one row shape in both)."""
        owner = self._project_path(call, project_id)
        rows = self._cached(call, lambda: self._direct_costs(call, owner))
        return self._page(call, rows, lambda d: render.direct_cost_row(d, self.state))

    def direct_cost(
        self, call: Call, project_id: str, cost_id: str, version: str = "v1.1"
    ) -> httpx.Response:
        """``GET /rest/v1.1/projects/{project_id}/direct_costs/{id}`` with line items; the v1.0
        show answers the header alone."""
        owner = self._project_path(call, project_id)
        found = self.state.direct_cost(owner.id, _path_id(cost_id, "DirectCost"))
        if version == "v1.0":
            return json_response(200, render.direct_cost_item(found, self.state))
        return json_response(200, render.direct_cost_detail(found, self.state))

    def create_direct_cost(self, call: Call, project_id: str) -> httpx.Response:
        """``POST /rest/v1.1/projects/{project_id}/direct_costs`` -> 201."""
        owner = self._project_path(call, project_id)
        body = _body(call)
        created = self.state.create_direct_cost(
            owner.id,
            _nested(body, "direct_cost"),
            attachments=body.get("attachments"),
            actor=call.app.client_id,
        )
        return json_response(201, render.direct_cost_detail(created, self.state))

    def update_direct_cost(self, call: Call, project_id: str, cost_id: str) -> httpx.Response:
        """``PATCH /rest/v1.1/projects/{project_id}/direct_costs/{id}``."""
        owner = self._project_path(call, project_id)
        body = _body(call)
        updated = self.state.update_direct_cost(
            owner.id,
            _path_id(cost_id, "DirectCost"),
            _nested(body, "direct_cost"),
            attachments=body.get("attachments"),
            actor=call.app.client_id,
        )
        return json_response(200, render.direct_cost_detail(updated, self.state))

    def delete_direct_cost(self, call: Call, project_id: str, cost_id: str) -> httpx.Response:
        """``DELETE /rest/v1.1/projects/{project_id}/direct_costs/{id}`` -> 204."""
        owner = self._project_path(call, project_id)
        self.state.delete_direct_cost(
            owner.id, _path_id(cost_id, "DirectCost"), actor=call.app.client_id
        )
        return _empty(204)

    # -- webhooks -----------------------------------------------------------------------------

    def _scope(self, call: Call, body: dict[str, Any]) -> tuple[int, int | None]:
        project_id = int_param(call.req, "project_id")
        if project_id is None and isinstance(body.get("project_id"), int):
            project_id = body["project_id"]
        if project_id is not None:
            owner = self.state.check_project(call.app.client_id, project_id)
            return owner.company_id, owner.id
        company_id = int_param(call.req, "company_id")
        if company_id is None and isinstance(body.get("company_id"), int):
            company_id = body["company_id"]
        if company_id is None:
            raise HttpError(400, {"errors": "company_id or project_id is required"})
        return self._company(call, company_id).id, None

    def _hook(self, call: Call, hook_id: str, body: dict[str, Any]) -> Hook:
        company_id, project_id = self._scope(call, body)
        hook = self.webhooks.hook(call.app.client_id, _path_id(hook_id, "Webhooks::Hook"))
        if hook.company_id != company_id or (
            project_id is not None and hook.project_id != project_id
        ):
            raise RecordNotFound("Webhooks::Hook", hook_id)
        return hook

    def create_hook(self, call: Call) -> httpx.Response:
        """``POST /rest/v1.0/webhooks/hooks`` -> 201."""
        body = _body(call)
        company_id, project_id = self._scope(call, body)
        hook = self.webhooks.create_hook(
            call.app.client_id, call.app.user_id, company_id, project_id, _nested(body, "hook")
        )
        return json_response(201, self.webhooks.render_hook(hook))

    def webhook_resources(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/webhooks/resources?company_id=|project_id=``: trigger names."""
        self._scope(call, {})
        names = sorted(set(RESOURCE_NAMES.values()))
        return json_response(200, [render.webhook_resource(name) for name in names])

    def hooks(self, call: Call) -> httpx.Response:
        """``GET /rest/v1.0/webhooks/hooks?company_id=|project_id=&namespace=&api_version=``."""
        company_id, project_id = self._scope(call, {})
        rows = self.webhooks.list_hooks(
            call.app.client_id,
            company_id,
            project_id,
            call.req.query("namespace"),
            call.req.query("api_version"),
        )
        return json_response(200, [self.webhooks.render_hook(h) for h in rows])

    def hook(self, call: Call, hook_id: str) -> httpx.Response:
        """``GET /rest/v1.0/webhooks/hooks/{id}``."""
        return json_response(200, self.webhooks.render_hook(self._hook(call, hook_id, {})))

    def update_hook(self, call: Call, hook_id: str) -> httpx.Response:
        """``PATCH /rest/v1.0/webhooks/hooks/{id}``."""
        body = _body(call)
        hook = self._hook(call, hook_id, body)
        self.webhooks.update_hook(hook, _nested(body, "hook"))
        return json_response(200, self.webhooks.render_hook(hook))

    def delete_hook(self, call: Call, hook_id: str) -> httpx.Response:
        """``DELETE /rest/v1.0/webhooks/hooks/{id}`` -> 200 with an empty body."""
        self.webhooks.delete_hook(self._hook(call, hook_id, _body(call)))
        return _empty()

    def create_trigger(self, call: Call, hook_id: str) -> httpx.Response:
        """``POST /rest/v1.0/webhooks/hooks/{hook_id}/triggers`` -> 201."""
        body = _body(call)
        hook = self._hook(call, hook_id, body)
        trigger = self.webhooks.create_trigger(hook, body.get("trigger"), body.get("api_version"))
        return json_response(201, self.webhooks.render_trigger(trigger))

    def triggers(self, call: Call, hook_id: str) -> httpx.Response:
        """``GET /rest/v1.0/webhooks/hooks/{hook_id}/triggers``."""
        hook = self._hook(call, hook_id, {})
        return json_response(
            200, [self.webhooks.render_trigger(t) for t in self.webhooks.triggers_of(hook)]
        )

    def delete_trigger(self, call: Call, hook_id: str, trigger_id: str) -> httpx.Response:
        """``DELETE /rest/v1.0/webhooks/hooks/{hook_id}/triggers/{id}`` -> 200."""
        hook = self._hook(call, hook_id, _body(call))
        self.webhooks.delete_trigger(hook, _path_id(trigger_id, "Webhooks::Trigger"))
        return _empty()

    def bulk_create_triggers(self, call: Call, hook_id: str) -> httpx.Response:
        """``POST .../triggers/bulk``: 200 when all succeed, 207 with ``errors`` otherwise."""
        body = _body(call)
        hook = self._hook(call, hook_id, body)
        created, failed = self.webhooks.bulk_create(
            hook, body.get("triggers"), body.get("api_version")
        )
        data: dict[str, Any] = {"success": [self.webhooks.render_trigger(t) for t in created]}
        if failed:
            data["errors"] = failed
        return json_response(207 if failed else 200, data)

    def bulk_delete_triggers(self, call: Call, hook_id: str) -> httpx.Response:
        """``DELETE .../triggers/bulk`` with ``{"triggers": [id, ...]}``."""
        body = _body(call)
        hook = self._hook(call, hook_id, body)
        raw = body.get("triggers", body.get("trigger_ids"))
        if not isinstance(raw, list):
            raise HttpError(400, {"errors": "triggers is missing"})
        if len(raw) > 500:
            raise HttpError(413, {"errors": "A maximum of 500 triggers is allowed"})
        done, failed = self.webhooks.bulk_delete(hook, raw)
        data: dict[str, Any] = {"success": done}
        if failed:
            data["errors"] = failed
        return json_response(207 if failed else 200, data)

    def deliveries(self, call: Call, hook_id: str) -> httpx.Response:
        """``GET .../deliveries?filters[status]=&page_size=&page_start=`` (keyset paging)."""
        hook = self._hook(call, hook_id, {})
        size = int_param(call.req, "page_size") or 100
        size = min(max(size, 1), self.settings.max_per_page)
        status = call.req.query("filters[status]") or call.req.query("filter[status]")
        rows = self.webhooks.deliveries_of(hook, status, size, int_param(call.req, "page_start"))
        return json_response(200, [self.webhooks.render_delivery(d) for d in rows])


def _path_id(raw: str, model: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise RecordNotFound(model, raw) from None
