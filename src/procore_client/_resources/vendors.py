"""Company vendors: list, get, create, update, ``/sync`` upsert in batches, business registers.

``PATCH /rest/v1.0/vendors/sync`` answers 200 even when items fail; the failures come back as
a typed :class:`SyncResult`, never as success. More than 1,000 items are split into batches.
The tax id lives in the vendor's business register (``POST`` once, ``PATCH`` to change: a second
``POST`` is a 409).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import httpx

from mlconnector_http import AsyncPaginator, FieldError, Operation, Page, Paginator
from procore_client._convert import structure_list, structure_one
from procore_client._exceptions import (
    ProcoreConfigurationError,
    ProcoreDecodeError,
    read_error_body,
)
from procore_client._models import (
    BusinessRegister,
    BusinessRegisterType,
    SyncFailure,
    SyncResult,
    Vendor,
    VendorInput,
)
from procore_client._paging import (
    DEFAULT_PER_PAGE,
    check_id,
    date_range,
    filters,
    get_op,
    is_text,
    list_op,
    paging_params,
    record_parser,
    v1,
)
from procore_client._resources._base import (
    AsyncProcoreResource,
    ProcoreResource,
    run_batches,
    run_batches_async,
)

__all__ = [
    "SYNC_BATCH_SIZE",
    "AsyncVendors",
    "Vendors",
    "create_business_register",
    "create_vendor",
    "get_business_register",
    "get_vendor",
    "list_vendors",
    "parse_sync_response",
    "raw_origin_id",
    "sync_vendors",
    "update_business_register",
    "update_vendor",
    "vendor_origin_id",
    "vendors_by_origin_id",
]

T = TypeVar("T")

SYNC_BATCH_SIZE = 1000
VendorData = VendorInput | Mapping[str, Any]


def _vendor_body(vendor: VendorData) -> dict[str, Any]:
    if isinstance(vendor, VendorInput):
        return vendor.to_wire()
    if isinstance(vendor, Mapping):
        return dict(vendor)
    raise ProcoreConfigurationError(
        f"expected a VendorInput or a mapping of vendor fields, got {type(vendor).__name__}"
    )


def _sizes(total: int, batch_size: int) -> list[int]:
    return [min(batch_size, total - start) for start in range(0, total, batch_size)]


def _origin_id(body: Mapping[str, Any]) -> str | None:
    value = body.get("origin_id")
    return value if isinstance(value, str) and value else None


def list_vendors(
    company_id: int,
    *,
    modified_since: dt.datetime | None = None,
    modified_before: dt.datetime | None = None,
    origin_id: str | None = None,
    search: str | None = None,
    page_size: int = DEFAULT_PER_PAGE,
) -> Operation[Page[Vendor]]:
    """Vendors, optionally updated in a range, by ``origin_id``, or by name/tax id search."""
    params = [
        ("company_id", check_id("company_id", company_id)),
        *paging_params(page_size),
        *date_range("updated_at", modified_since, modified_before),
        *filters(origin_id=origin_id, search=search),
    ]
    return list_op("vendors.list", v1("vendors"), params, Vendor, "vendor")


def vendors_by_origin_id(company_id: int, origin_id: str) -> Operation[Page[Vendor]]:
    """The first page of the vendor list filtered on ``origin_id`` (lookups walk every page)."""
    given: object = origin_id  # checked: an empty filter would list every vendor
    if not isinstance(given, str) or not is_text(given):
        raise ProcoreConfigurationError(f"origin_id must be a non-empty string, got {origin_id!r}")
    return list_vendors(company_id, origin_id=origin_id, page_size=DEFAULT_PER_PAGE)


def vendor_origin_id(vendor: Vendor) -> object:
    """A vendor's ``origin_id`` (what :meth:`Vendors.find_by_reference` matches on)."""
    return vendor.origin_id


def raw_origin_id(raw: Any) -> object:
    """The ``origin_id`` of a vendor record that did not decode."""
    return raw.get("origin_id") if isinstance(raw, Mapping) else None


def get_vendor(company_id: int, vendor_id: int) -> Operation[Vendor]:
    """One vendor."""
    params = [("company_id", check_id("company_id", company_id))]
    path = v1(f"vendors/{check_id('vendor_id', vendor_id)}")
    return get_op("vendors.get", path, params, Vendor, f"vendor {vendor_id}")


def create_vendor(company_id: int, vendor: VendorData) -> Operation[Vendor]:
    """Create a vendor (not retried: a second POST would create a second vendor)."""
    body = _vendor_body(vendor)
    if not body.get("name"):
        raise ProcoreConfigurationError("a new vendor needs a name")
    return Operation(
        name="vendors.create",
        method="POST",
        path=v1("vendors"),
        json={"company_id": int(check_id("company_id", company_id)), "vendor": body},
        parse=record_parser(Vendor, "created vendor"),
        reference=_origin_id(body),
    )


def update_vendor(company_id: int, vendor_id: int, vendor: VendorData) -> Operation[Vendor]:
    """Change some fields of a vendor (setting the same values twice is harmless)."""
    body = _vendor_body(vendor)
    body.pop("id", None)
    return Operation(
        name="vendors.update",
        method="PATCH",
        path=v1(f"vendors/{check_id('vendor_id', vendor_id)}"),
        json={"company_id": int(check_id("company_id", company_id)), "vendor": body},
        parse=record_parser(Vendor, f"vendor {vendor_id}"),
        retry_safe=True,
        reference=_origin_id(body),
    )


def parse_sync_response(response: httpx.Response, cls: type[T], kind: str) -> SyncResult[T]:
    """``{"entities": [...], "errors": [{...item, "errors": {...}}]}`` as a :class:`SyncResult`."""
    body = response.json()
    if not isinstance(body, Mapping):
        raise ProcoreDecodeError(f"{kind} sync response", ["expected a JSON object"])
    entities = structure_list(body.get("entities") or [], cls, kind=kind)
    failures: list[SyncFailure] = []
    for entry in body.get("errors") or []:
        if not isinstance(entry, Mapping):
            entry = {"errors": entry}
        item = {key: value for key, value in entry.items() if key != "errors"}
        raw = entry.get("errors")
        _, message, fields = read_error_body({"errors": raw} if raw is not None else None)
        if not fields:
            fields = (FieldError("base", message or "rejected by Procore"),)
        failures.append(SyncFailure(item=item, errors=fields))
    return SyncResult(succeeded=tuple(entities), failed=tuple(failures))


def sync_vendors(
    company_id: int, updates: Sequence[VendorData], *, batch_size: int = SYNC_BATCH_SIZE
) -> list[Operation[SyncResult[Vendor]]]:
    """One ``PATCH /vendors/sync`` per batch of at most ``batch_size`` (Procore's cap: 1,000).

    Items match by ``id``, else by ``origin_id`` (created when not found). A batch is retried
    only when every item carries one of the two, so a repeat cannot create duplicates.
    """
    if isinstance(batch_size, bool) or not 1 <= batch_size <= SYNC_BATCH_SIZE:
        raise ProcoreConfigurationError(
            f"batch_size must be between 1 and {SYNC_BATCH_SIZE}, got {batch_size!r}"
        )
    if isinstance(updates, str | bytes | Mapping):
        raise ProcoreConfigurationError("updates must be a sequence of vendors")
    company = int(check_id("company_id", company_id))
    bodies = [_vendor_body(item) for item in updates]

    def parse(response: httpx.Response) -> SyncResult[Vendor]:
        return parse_sync_response(response, Vendor, "vendor")

    operations = []
    for start in range(0, len(bodies), batch_size):
        batch = bodies[start : start + batch_size]
        operations.append(
            Operation(
                name="vendors.sync",
                method="PATCH",
                path=v1("vendors/sync"),
                json={"company_id": company, "updates": batch},
                parse=parse,
                retry_safe=all(item.get("id") or item.get("origin_id") for item in batch),
            )
        )
    return operations


def _register_op(
    method: str, company_id: int, vendor_id: int, kind: BusinessRegisterType | str, identifier: str
) -> Operation[BusinessRegister]:
    if not is_text(identifier):
        raise ProcoreConfigurationError("a business register needs an identifier (the tax id)")
    register_type = BusinessRegisterType(kind)
    if not register_type.is_known:
        raise ProcoreConfigurationError(
            f"business register type must be 'abn' or 'ein', got {kind!r}"
        )
    return Operation(
        name="vendors.business_register." + ("create" if method == "POST" else "update"),
        method=method,
        path=v1(f"vendors/{check_id('vendor_id', vendor_id)}/business_register"),
        params=[("company_id", check_id("company_id", company_id))],
        json={"business_register": {"type": register_type.value, "identifier": identifier}},
        parse=record_parser(BusinessRegister, f"business register of vendor {vendor_id}"),
        retry_safe=method == "PATCH",
    )


def create_business_register(
    company_id: int, vendor_id: int, kind: BusinessRegisterType | str, identifier: str
) -> Operation[BusinessRegister]:
    """Set a vendor's tax id (409 :class:`ProcoreConflict` when it already has one)."""
    return _register_op("POST", company_id, vendor_id, kind, identifier)


def update_business_register(
    company_id: int, vendor_id: int, kind: BusinessRegisterType | str, identifier: str
) -> Operation[BusinessRegister]:
    """Change a vendor's existing tax id."""
    return _register_op("PATCH", company_id, vendor_id, kind, identifier)


def get_business_register(company_id: int, vendor_id: int) -> Operation[BusinessRegister | None]:
    """A vendor's tax id, read from the vendor (Procore has no GET of the register itself)."""
    params = [("company_id", check_id("company_id", company_id))]

    def parse(response: httpx.Response) -> BusinessRegister | None:
        vendor = structure_one(response.json(), Vendor, record=f"vendor {vendor_id}")
        return vendor.business_register

    path = v1(f"vendors/{check_id('vendor_id', vendor_id)}")
    return Operation(
        name="vendors.business_register.get", method="GET", path=path, params=params, parse=parse
    )


class Vendors(ProcoreResource):
    """``client.vendors``."""

    def list(
        self,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        search: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> Paginator[Vendor]:
        """The company's vendors."""
        return self._paginate(
            list_vendors(
                self._company_id,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                search=search,
                page_size=page_size,
            )
        )

    def get(self, vendor_id: int) -> Vendor:
        """One vendor."""
        return self._send(get_vendor(self._company_id, vendor_id))

    def find_by_reference(self, reference: str) -> builtins.list[Vendor]:
        """Every vendor of the company whose ``origin_id`` is exactly ``reference``.

        Every page of the list filtered on ``origin_id`` is read and each vendor is checked
        here, so a server that ignores the filter never hands back another vendor, and
        duplicates show as two or more items. Covers what the company vendor list returns
        (Procore documents no active/inactive filter on it; inactive vendors are listed).
        """
        op = vendors_by_origin_id(self._company_id, reference)
        return self._paginate(op).exact_matches(reference, vendor_origin_id, raw_origin_id)

    def create(self, vendor: VendorData) -> Vendor:
        """Create a vendor."""
        return self._send(create_vendor(self._company_id, vendor))

    def update(self, vendor_id: int, vendor: VendorData) -> Vendor:
        """Change some fields of a vendor."""
        return self._send(update_vendor(self._company_id, vendor_id, vendor))

    def sync(
        self, updates: Sequence[VendorData], *, batch_size: int = SYNC_BATCH_SIZE
    ) -> SyncResult[Vendor]:
        """Upsert vendors by id, else origin_id, 1,000 per call; failures are in the result.

        When a later batch fails, ``ProcoreBatchError`` carries the earlier batches' results.
        """
        ops = sync_vendors(self._company_id, updates, batch_size=batch_size)
        result: SyncResult[Vendor] = run_batches(
            self._send, ops, _sizes(len(updates), batch_size), SyncResult.combine
        )
        return result

    def set_business_register(
        self, vendor_id: int, kind: BusinessRegisterType | str, identifier: str
    ) -> BusinessRegister:
        """Give a vendor its tax id (409 when it has one: use ``update_business_register``)."""
        return self._send(create_business_register(self._company_id, vendor_id, kind, identifier))

    def update_business_register(
        self, vendor_id: int, kind: BusinessRegisterType | str, identifier: str
    ) -> BusinessRegister:
        """Change a vendor's tax id."""
        return self._send(update_business_register(self._company_id, vendor_id, kind, identifier))

    def get_business_register(self, vendor_id: int) -> BusinessRegister | None:
        """A vendor's tax id, or ``None``."""
        return self._send(get_business_register(self._company_id, vendor_id))


class AsyncVendors(AsyncProcoreResource):
    """``client.vendors`` (async)."""

    def list(
        self,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        origin_id: str | None = None,
        search: str | None = None,
        page_size: int = DEFAULT_PER_PAGE,
    ) -> AsyncPaginator[Vendor]:
        """The company's vendors."""
        return self._paginate(
            list_vendors(
                self._company_id,
                modified_since=modified_since,
                modified_before=modified_before,
                origin_id=origin_id,
                search=search,
                page_size=page_size,
            )
        )

    async def get(self, vendor_id: int) -> Vendor:
        """One vendor."""
        return await self._send(get_vendor(self._company_id, vendor_id))

    async def find_by_reference(self, reference: str) -> builtins.list[Vendor]:
        """Every vendor whose ``origin_id`` is exactly ``reference`` (see the sync client)."""
        op = vendors_by_origin_id(self._company_id, reference)
        return await self._paginate(op).exact_matches(reference, vendor_origin_id, raw_origin_id)

    async def create(self, vendor: VendorData) -> Vendor:
        """Create a vendor."""
        return await self._send(create_vendor(self._company_id, vendor))

    async def update(self, vendor_id: int, vendor: VendorData) -> Vendor:
        """Change some fields of a vendor."""
        return await self._send(update_vendor(self._company_id, vendor_id, vendor))

    async def sync(
        self, updates: Sequence[VendorData], *, batch_size: int = SYNC_BATCH_SIZE
    ) -> SyncResult[Vendor]:
        """Upsert vendors by id, else origin_id, 1,000 per call; failures are in the result."""
        ops = sync_vendors(self._company_id, updates, batch_size=batch_size)
        result: SyncResult[Vendor] = await run_batches_async(
            self._send, ops, _sizes(len(updates), batch_size), SyncResult.combine
        )
        return result

    async def set_business_register(
        self, vendor_id: int, kind: BusinessRegisterType | str, identifier: str
    ) -> BusinessRegister:
        """Give a vendor its tax id (409 when it has one: use ``update_business_register``)."""
        return await self._send(
            create_business_register(self._company_id, vendor_id, kind, identifier)
        )

    async def update_business_register(
        self, vendor_id: int, kind: BusinessRegisterType | str, identifier: str
    ) -> BusinessRegister:
        """Change a vendor's tax id."""
        return await self._send(
            update_business_register(self._company_id, vendor_id, kind, identifier)
        )

    async def get_business_register(self, vendor_id: int) -> BusinessRegister | None:
        """A vendor's tax id, or ``None``."""
        return await self._send(get_business_register(self._company_id, vendor_id))
