"""Direct costs per project (invoices, expenses, payroll, subcontractor invoices) and their line
items: at most 100 lines, each on a cost code of the project; an ERP-synced cost is immutable."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from procore_client.testing._errors import RecordLocked, RecordNotFound, ValidationFailed
from procore_client.testing._models import DirectCost, DirectCostLineItem
from procore_client.testing._params import cast_integer
from procore_client.testing._state._codes import CodeStore
from procore_client.testing._state._core import Core
from procore_client.testing._state._fields import (
    DIRECT_COST_FIELDS,
    RESOURCE_NAMES,
    origin_field,
    parse_money,
    read_fields,
)
from procore_client.testing._state._projects import ProjectStore
from procore_client.testing._state._rules import check_line_count, check_unlocked, uploads
from procore_client.testing._state._vendors import VendorStore

__all__ = ["DirectCostStore"]

_NEW_LINE: Mapping[str, Any] = {
    "cost_code_id": None,
    "line_item_type_id": None,
    "description": "",
    "quantity": 1,
    "unit_cost": 0,
    "uom": "ls",
    "ref": None,
    "origin_id": None,
    "origin_data": None,
}


class DirectCostStore:
    """Every project's direct costs; writes announce the cost and each line it adds or edits."""

    def __init__(
        self, core: Core, directory: ProjectStore, vendors: VendorStore, codes: CodeStore
    ) -> None:
        self.core = core
        self.directory = directory
        self.vendors = vendors
        self.codes = codes
        self.direct_costs: dict[int, DirectCost] = {}
        self.direct_costs_by_project: dict[int, dict[int, DirectCost]] = {}
        directory.opened_project.append(
            lambda project_id: self.direct_costs_by_project.setdefault(project_id, {})
        )

    def clear(self) -> None:
        """Forget every direct cost."""
        self.direct_costs.clear()
        self.direct_costs_by_project.clear()

    def put_direct_cost(self, cost: DirectCost) -> None:
        """Insert a ready-made direct cost."""
        self.directory.claim_origin("direct_cost", cost)
        self.direct_costs[cost.id] = cost
        self.direct_costs_by_project.setdefault(cost.project_id, {})[cost.id] = cost
        self.core.touch()

    def direct_cost(self, project_id: int, cost_id: int) -> DirectCost:
        """The project's direct cost ``cost_id`` (deleted ones are gone)."""
        cost = self.direct_costs_by_project.get(project_id, {}).get(cost_id)
        if cost is None or cost.deleted_at is not None:
            raise RecordNotFound("DirectCost", cost_id)
        return cost

    def _direct_cost_header(
        self, company_id: int, body: Mapping[str, Any], *, creating: bool
    ) -> dict[str, Any]:
        parsed, errors = read_fields(body, DIRECT_COST_FIELDS)
        if creating and "direct_cost_type" not in body:
            errors["direct_cost_type"] = ["is not included in the list"]
        vendor_id = cast_integer(body.get("vendor_id"))
        if vendor_id is None:
            if creating:
                errors["vendor_id"] = ["can't be blank"]
        elif type(vendor_id) is int and vendor_id in self.vendors.vendors_by_company.get(
            company_id, {}
        ):
            parsed["vendor_id"] = vendor_id
        else:
            errors["vendor_id"] = ["must be a vendor of this company"]
        if errors:
            raise ValidationFailed(errors)
        return parsed

    def _direct_cost_lines(
        self,
        project_id: int,
        lines: object,
        cost_id: int,
        existing: Mapping[int, DirectCostLineItem] | None = None,
    ) -> list[tuple[DirectCostLineItem, bool]]:
        """Lines from a body, each flagged new; an item with a known ``id`` replaces that line."""
        if not isinstance(lines, list):
            raise ValidationFailed({"line_items": ["must be an array"]})
        known = existing or {}
        check_line_count(len(known), lines)
        codes = self.codes.cost_codes_by_project.get(project_id, {})
        company_id = self.directory.project(project_id).company_id
        types = self.codes.line_item_types_by_company.get(company_id, {})
        now = self.core.clock.now()
        position = max((line.position for line in known.values()), default=0)
        built: list[tuple[DirectCostLineItem, bool]] = []
        for offset, line in enumerate(lines):
            where = f"line_items[{offset}]"
            if not isinstance(line, dict):
                raise ValidationFailed({where: ["must be an object"]})
            old = known.get(cast_integer(line["id"])) if "id" in line else None
            if "id" in line and old is None:
                raise ValidationFailed({f"{where}.id": ["not found"]})
            spec = {**(_NEW_LINE if old is None else attrs.asdict(old, recurse=False)), **line}
            code_id = cast_integer(spec.get("wbs_code_id", spec["cost_code_id"]))
            if code_id not in codes:
                raise ValidationFailed(
                    {f"{where}.wbs_code_id": ["must be a cost code of this project"]}
                )
            type_id = cast_integer(spec["line_item_type_id"])
            if type_id is not None and type_id not in types:
                raise ValidationFailed({f"{where}.line_item_type_id": ["is invalid"]})
            quantity = parse_money(spec["quantity"], f"{where}.quantity")
            unit_cost = parse_money(spec["unit_cost"], f"{where}.unit_cost")
            if "amount" in line:
                amount = parse_money(line["amount"], f"{where}.amount")
            elif old is not None and "quantity" not in line and "unit_cost" not in line:
                amount = old.amount
            else:
                amount = (quantity * unit_cost).quantize(Decimal("0.01"))
            if old is None:
                position += 1
            item = DirectCostLineItem(
                id=self.core.next_id("direct_cost_line_item") if old is None else old.id,
                direct_cost_id=cost_id,
                cost_code_id=int(code_id),
                line_item_type_id=type_id,
                description=str(spec["description"] or ""),
                amount=amount,
                quantity=quantity,
                unit_cost=unit_cost,
                uom=str(spec["uom"] or "ls"),
                position=position if old is None else old.position,
                created_at=now if old is None else old.created_at,
                updated_at=now,
                ref=spec["ref"],
                origin_id=origin_field(spec["origin_id"], f"{where}.origin_id"),
                origin_data=spec["origin_data"],
            )
            built.append((item, old is None))
        return built

    def create_direct_cost(
        self,
        project_id: int,
        body: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> DirectCost:
        """Validate and create a direct cost with its line items and uploads; announces the
        cost and each line."""
        project = self.directory.project(project_id)
        parsed = self._direct_cost_header(project.company_id, body, creating=True)
        if parsed.get("direct_cost_type") == "invoice" and not parsed.get("invoice_number"):
            raise ValidationFailed({"invoice_number": ["can't be blank"]})
        files = uploads(attachments)
        cost_id = self.core.next_id("direct_cost")
        lines = [
            line
            for line, _ in self._direct_cost_lines(project_id, body.get("line_items", []), cost_id)
        ]
        origin = parsed.pop("origin_id", None)
        self.core.origins.claim(project.company_id, "direct_cost", origin, cost_id)
        now = self.core.clock.now()
        cost = DirectCost(
            cost_id,
            project_id,
            parsed.pop("vendor_id"),
            parsed.pop("direct_cost_type"),
            parsed.pop("status", "draft"),
            now,
            now,
            origin_id=origin,
            line_items=lines,
        )
        for key, value in parsed.items():
            setattr(cost, key, value)
        self.core.attach(cost.attachments, files)
        self.direct_costs[cost_id] = cost
        self.direct_costs_by_project[project_id][cost_id] = cost
        self.core.touch()
        self.core.emit("direct_cost", cost_id, "create", project.company_id, project_id, actor)
        for line in lines:
            self.core.emit(
                "direct_cost_line_item",
                line.id,
                "create",
                project.company_id,
                project_id,
                actor,
                ((cost_id, RESOURCE_NAMES["direct_cost"]),),
            )
        return cost

    def update_direct_cost(
        self,
        project_id: int,
        cost_id: int,
        body: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> DirectCost:
        """Apply a PATCH; a direct cost with an ``origin_id`` is immutable but for origin fields
        (uploads are kept either way: a guess, as for invoices)."""
        project = self.directory.project(project_id)
        cost = self.direct_cost(project_id, cost_id)
        check_unlocked(cost.origin_id, body, "Direct Cost")
        parsed = self._direct_cost_header(project.company_id, body, creating=False)
        files = uploads(attachments)
        changed: list[tuple[DirectCostLineItem, bool]] = []
        if "line_items" in body:
            current = {line.id: line for line in cost.line_items}
            changed = self._direct_cost_lines(project_id, body["line_items"], cost_id, current)
        if "origin_id" in parsed:
            self.core.origins.move(
                project.company_id, "direct_cost", cost.origin_id, parsed["origin_id"], cost_id
            )
        for key, value in parsed.items():
            setattr(cost, key, value)
        replaced = {line.id: line for line, is_new in changed if not is_new}
        cost.line_items = [replaced.get(line.id, line) for line in cost.line_items]
        cost.line_items.extend(line for line, is_new in changed if is_new)
        self.core.attach(cost.attachments, files)
        cost.updated_at = self.core.clock.now()
        self.core.touch()
        self.core.emit("direct_cost", cost_id, "update", project.company_id, project_id, actor)
        for line, is_new in changed:
            self.core.emit(
                "direct_cost_line_item",
                line.id,
                "create" if is_new else "update",
                project.company_id,
                project_id,
                actor,
                ((cost_id, RESOURCE_NAMES["direct_cost"]),),
            )
        return cost

    def delete_direct_cost(
        self, project_id: int, cost_id: int, *, actor: str | None = None
    ) -> None:
        """Soft-delete a direct cost; ERP-synced ones refuse."""
        project = self.directory.project(project_id)
        cost = self.direct_cost(project_id, cost_id)
        if cost.origin_id is not None:
            raise RecordLocked("This Direct Cost is synced with ERP and cannot be deleted.")
        cost.deleted_at = self.core.clock.now()
        cost.updated_at = cost.deleted_at
        self.core.touch()
        self.core.emit("direct_cost", cost_id, "delete", project.company_id, project_id, actor)
