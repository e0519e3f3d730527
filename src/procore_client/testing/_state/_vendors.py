"""Company vendors (the Directory), their business registers (ABN/EIN) and the ``/sync`` upsert."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procore_client.testing._errors import (
    AlreadyExists,
    DuplicateOrigin,
    RecordNotFound,
    TooLarge,
    ValidationFailed,
)
from procore_client.testing._models import BusinessRegister, Vendor
from procore_client.testing._params import cast_integer
from procore_client.testing._state._core import Core
from procore_client.testing._state._fields import (
    SYNC_BATCH_LIMIT,
    VENDOR_FIELDS,
    origin_field,
    read_fields,
)
from procore_client.testing._state._projects import ProjectStore
from procore_client.testing._state._rules import (
    apply_register,
    check_register,
    check_vendor_fields,
    find_record,
)

__all__ = ["VendorStore"]


class VendorStore:
    """Every company's vendors; writes announce ``Company Vendors`` events."""

    def __init__(self, core: Core, directory: ProjectStore) -> None:
        self.core = core
        self.directory = directory
        self.vendors: dict[int, Vendor] = {}
        self.vendors_by_company: dict[int, dict[int, Vendor]] = {}
        directory.opened_company.append(lambda company_id: self._index(company_id))

    def _index(self, company_id: int) -> dict[int, Vendor]:
        return self.vendors_by_company.setdefault(company_id, {})

    def clear(self) -> None:
        """Forget every vendor."""
        self.vendors.clear()
        self.vendors_by_company.clear()

    def put_vendor(self, vendor: Vendor) -> None:
        """Insert a ready-made vendor (origin id indexed, no validation, no event)."""
        self.core.origins.claim(vendor.company_id, "vendor", vendor.origin_id, vendor.id)
        self.vendors[vendor.id] = vendor
        self._index(vendor.company_id)[vendor.id] = vendor
        self.core.touch()

    def vendor(self, company_id: int, vendor_id: int) -> Vendor:
        """The company's vendor ``vendor_id``."""
        return find_record(self.vendors_by_company, company_id, vendor_id, "Vendor")

    def _clean(
        self, company_id: int, raw: Mapping[str, Any], vendor_id: int | None
    ) -> dict[str, Any]:
        clean, errors = read_fields(raw, VENDOR_FIELDS)
        check_vendor_fields(clean, errors, self.vendors_by_company.get(company_id, {}), vendor_id)
        if errors:
            raise ValidationFailed(errors)
        return clean

    def create_vendor(
        self, company_id: int, fields: Mapping[str, Any], *, actor: str | None = None
    ) -> Vendor:
        """Validate and create a vendor; announces ``Company Vendors``/create."""
        self.directory.company(company_id)
        clean = self._clean(company_id, fields, None)
        if not str(clean.get("name") or "").strip():
            raise ValidationFailed({"name": ["can't be blank"]})
        clean.setdefault("is_active", True)
        vendor_id = self.core.next_id("vendor")
        self.core.origins.claim(company_id, "vendor", clean.get("origin_id"), vendor_id)
        now = self.core.clock.now()
        vendor = Vendor(vendor_id, company_id, now, now, clean)
        self.vendors[vendor_id] = vendor
        self._index(company_id)[vendor_id] = vendor
        self.core.touch()
        self.core.emit("vendor", vendor_id, "create", company_id, None, actor)
        return vendor

    def update_vendor(
        self,
        company_id: int,
        vendor_id: int,
        fields: Mapping[str, Any],
        *,
        actor: str | None = None,
    ) -> Vendor:
        """Validate and apply a partial update; announces ``Company Vendors``/update."""
        vendor = self.vendor(company_id, vendor_id)
        clean = self._clean(company_id, fields, vendor_id)
        if "origin_id" in clean:
            self.core.origins.move(
                company_id, "vendor", vendor.origin_id, clean["origin_id"], vendor_id
            )
        vendor.fields.update(clean)
        self._changed(vendor, actor)
        return vendor

    def _changed(self, vendor: Vendor, actor: str | None) -> None:
        vendor.updated_at = self.core.clock.now()
        self.core.touch()
        self.core.emit("vendor", vendor.id, "update", vendor.company_id, None, actor)

    def sync_vendors(
        self, company_id: int, updates: list[Any], *, actor: str | None = None
    ) -> tuple[list[Vendor], list[dict[str, Any]]]:
        """Upsert up to 1000 vendors matched by ``id`` then ``origin_id``; errors per item.

        Returns the vendors written and, for each failed item, the item itself with an
        ``errors`` mapping added (Procore answers 200 either way).
        """
        self.directory.company(company_id)
        if len(updates) > SYNC_BATCH_LIMIT:
            raise TooLarge(f"A maximum of {SYNC_BATCH_LIMIT} updates can be synced at once")
        entities: list[Vendor] = []
        errors: list[dict[str, Any]] = []
        for item in updates:
            if not isinstance(item, dict):
                errors.append({"item": item, "errors": {"base": ["must be an object"]}})
                continue
            try:
                entities.append(self._sync_one(company_id, item, actor))
            except ValidationFailed as failure:
                errors.append({**item, "errors": failure.fields})
            except DuplicateOrigin:
                errors.append({**item, "errors": {"origin_id": ["has already been taken"]}})
            except RecordNotFound:
                errors.append({**item, "errors": {"id": ["not found"]}})
        return entities, errors

    def _sync_one(self, company_id: int, item: dict[str, Any], actor: str | None) -> Vendor:
        fields = {k: v for k, v in item.items() if k not in ("id", "business_register_attributes")}
        register = item.get("business_register_attributes")
        vendor_id = cast_integer(item.get("id"))
        if vendor_id is not None:
            if not isinstance(vendor_id, int) or isinstance(vendor_id, bool):
                raise ValidationFailed({"id": ["must be an integer"]})
            self.vendor(company_id, vendor_id)
        else:
            origin = origin_field(item.get("origin_id"), "origin_id")
            if origin is None:
                raise ValidationFailed({"base": ["id or origin_id is required"]})
            vendor_id = self.core.origins.find(company_id, "vendor", origin)
        checked: tuple[str, str] | None = None
        if register is not None:
            if not isinstance(register, dict):
                raise ValidationFailed({"business_register_attributes": ["must be an object"]})
            checked = check_register(register.get("type"), register.get("identifier"))
        if vendor_id is None:
            vendor = self.create_vendor(company_id, fields, actor=actor)
        else:
            vendor = self.update_vendor(company_id, vendor_id, fields, actor=actor)
        if checked is not None:
            kind, identifier = checked
            if vendor.business_register is None:
                vendor.business_register = BusinessRegister(
                    self.core.next_id("business_register"), kind, identifier
                )
            else:
                apply_register(vendor.business_register, kind, identifier)
        return vendor

    def create_business_register(
        self,
        company_id: int,
        vendor_id: int,
        kind: object,
        identifier: object,
        *,
        actor: str | None = None,
    ) -> BusinessRegister:
        """Attach an ABN/EIN to a vendor; a second one is a conflict (409)."""
        vendor = self.vendor(company_id, vendor_id)
        if vendor.business_register is not None:
            raise AlreadyExists("A Business Register is already associated with the Vendor.")
        clean_kind, digits = check_register(kind, identifier)
        vendor.business_register = BusinessRegister(
            self.core.next_id("business_register"), clean_kind, digits
        )
        self._changed(vendor, actor)
        return vendor.business_register

    def update_business_register(
        self,
        company_id: int,
        vendor_id: int,
        kind: object,
        identifier: object,
        *,
        actor: str | None = None,
    ) -> BusinessRegister:
        """Change a vendor's ABN/EIN; a new identifier clears its verification."""
        vendor = self.vendor(company_id, vendor_id)
        register = vendor.business_register
        if register is None:
            raise RecordNotFound("BusinessRegister", vendor_id)
        clean_kind, digits = check_register(kind or register.type, identifier)
        apply_register(register, clean_kind, digits)
        self._changed(vendor, actor)
        return register
