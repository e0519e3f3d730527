"""Cost codes per project (``full_code`` from the parent) and cost types ("line item types") per
company."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procore_client.testing._errors import ValidationFailed
from procore_client.testing._models import CostCode, LineItemType
from procore_client.testing._state._core import Core
from procore_client.testing._state._fields import BASE_TYPES, COST_CODE_FIELDS, read_fields
from procore_client.testing._state._projects import ProjectStore
from procore_client.testing._state._rules import find_record

__all__ = ["CodeStore"]


def _full_code(code: CostCode, parent: CostCode | None) -> str:
    """A cost code's ``full_code``: its parent's full code, a dash, its own code."""
    return code.code if parent is None else f"{parent.full_code}-{code.code}"


class CodeStore:
    """Cost codes and line item types; a cost code's parent is fixed once set."""

    def __init__(self, core: Core, directory: ProjectStore) -> None:
        self.core = core
        self.directory = directory
        self.line_item_types: dict[int, LineItemType] = {}
        self.line_item_types_by_company: dict[int, dict[int, LineItemType]] = {}
        self.cost_codes: dict[int, CostCode] = {}
        self.cost_codes_by_project: dict[int, dict[int, CostCode]] = {}
        directory.opened_company.append(
            lambda company_id: self.line_item_types_by_company.setdefault(company_id, {})
        )
        directory.opened_project.append(
            lambda project_id: self.cost_codes_by_project.setdefault(project_id, {})
        )

    def clear(self) -> None:
        """Forget every cost code and line item type."""
        self.line_item_types.clear()
        self.line_item_types_by_company.clear()
        self.cost_codes.clear()
        self.cost_codes_by_project.clear()

    # -- line item types ------------------------------------------------------------------------

    def put_line_item_type(self, item: LineItemType) -> None:
        """Insert a ready-made line item type."""
        self.core.origins.claim(item.company_id, "line_item_type", item.origin_id, item.id)
        self.line_item_types[item.id] = item
        self.line_item_types_by_company.setdefault(item.company_id, {})[item.id] = item
        self.core.touch()

    def line_item_type(self, company_id: int, type_id: int) -> LineItemType:
        """The company's line item type ``type_id``."""
        return find_record(self.line_item_types_by_company, company_id, type_id, "LineItemType")

    def add_line_item_type(
        self,
        company_id: int,
        name: str,
        code: str,
        base_type: str = "other",
        *,
        origin_id: str | None = None,
    ) -> LineItemType:
        """Create a company line item type (cost type)."""
        self.directory.company(company_id)
        if base_type not in BASE_TYPES:
            raise ValidationFailed({"base_type": ["is not included in the list"]})
        now = self.core.clock.now()
        item = LineItemType(
            self.core.next_id("line_item_type"),
            company_id,
            name,
            code,
            base_type,
            now,
            now,
            origin_id,
        )
        self.put_line_item_type(item)
        return item

    # -- cost codes -------------------------------------------------------------------------------

    def put_cost_code(self, code: CostCode) -> None:
        """Insert a ready-made cost code, deriving ``full_code`` from its parent."""
        if code.parent_id is not None:
            parent = self.cost_codes.get(code.parent_id)
            if parent is not None and not code.full_code:
                code.full_code = _full_code(code, parent)
        if not code.full_code:
            code.full_code = code.code
        self.directory.claim_origin("cost_code", code)
        self.cost_codes[code.id] = code
        self.cost_codes_by_project.setdefault(code.project_id, {})[code.id] = code
        self.core.touch()

    def cost_code(self, project_id: int, code_id: int) -> CostCode:
        """The project's cost code ``code_id``."""
        return find_record(self.cost_codes_by_project, project_id, code_id, "CostCode")

    def add_cost_code(
        self,
        project_id: int,
        code: str,
        name: str,
        *,
        parent_id: int | None = None,
        origin_id: str | None = None,
    ) -> CostCode:
        """Create a project cost code."""
        self.directory.project(project_id)
        codes = self.cost_codes_by_project.setdefault(project_id, {})
        if parent_id is not None and parent_id not in codes:
            raise ValidationFailed({"parent_id": ["must be a cost code of this project"]})
        now = self.core.clock.now()
        item = CostCode(
            self.core.next_id("cost_code"),
            project_id,
            code,
            name,
            len(codes) + 1,
            now,
            now,
            parent_id,
        )
        item.origin_id = origin_id
        self.put_cost_code(item)
        return item

    def create_cost_code(self, project_id: int, fields: Mapping[str, Any]) -> CostCode:
        """``POST /cost_codes``: ``code`` and ``name`` required, origin ids unique per company."""
        parsed, errors = read_fields(fields, COST_CODE_FIELDS)
        for required in ("code", "name"):
            if not parsed.get(required):
                errors.setdefault(required, []).append("can't be blank")
        if errors:
            raise ValidationFailed(errors)
        item = self.add_cost_code(
            project_id,
            parsed["code"],
            parsed["name"],
            parent_id=parsed.get("parent_id"),
            origin_id=parsed.get("origin_id"),
        )
        item.origin_data = parsed.get("origin_data")
        return item

    def update_cost_code(
        self, project_id: int, code_id: int, fields: Mapping[str, Any]
    ) -> CostCode:
        """``PATCH /cost_codes/{id}``: name, code (its ``full_code`` follows), origin fields."""
        item = self.cost_code(project_id, code_id)
        parsed, errors = read_fields(fields, COST_CODE_FIELDS)
        for required in ("code", "name"):
            if required in parsed and not parsed[required]:
                errors.setdefault(required, []).append("can't be blank")
        if "parent_id" in parsed:
            errors.setdefault("parent_id", []).append("cannot be changed")
        if errors:
            raise ValidationFailed(errors)
        company_id = self.directory.company_of(project_id)
        if "origin_id" in parsed:
            self.core.origins.move(
                company_id, "cost_code", item.origin_id, parsed["origin_id"], item.id
            )
        for key, value in parsed.items():
            setattr(item, key, value)
        if "code" in parsed:
            parent = None if item.parent_id is None else self.cost_codes.get(item.parent_id)
            item.full_code = _full_code(item, parent)
        item.updated_at = self.core.clock.now()
        self.core.touch()
        return item
