"""Typed Procore records: frozen attrs classes, Decimal money, aware datetimes, open enums.

Field names are Procore's wire names (v1 JSON). Every field but ``id`` is optional because
Procore's views (compact, normal, extended) return different subsets. Statuses are open enums:
a value Procore adds later becomes an ``UNKNOWN_<value>`` member instead of failing a sync.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs

from mlconnector_http import FieldError, OpenStrEnum, Secret
from procore_client._exceptions import ProcoreSyncError

__all__ = [
    "AccountingMethod",
    "Attachment",
    "BulkTriggerResult",
    "BusinessRegister",
    "BusinessRegisterType",
    "Commitment",
    "CommitmentStatus",
    "Company",
    "ContractPayment",
    "CostCode",
    "CurrencyConfiguration",
    "Delivery",
    "DeliveryOutcome",
    "DeliveryStatus",
    "DirectCost",
    "DirectCostStatus",
    "DirectCostType",
    "Hook",
    "LineItem",
    "LineItemBaseType",
    "LineItemType",
    "Me",
    "PayloadVersion",
    "Project",
    "PurchaseOrderContract",
    "PurchaseOrderContractStatus",
    "Ref",
    "RelatedResource",
    "Requisition",
    "RequisitionItem",
    "RequisitionStatus",
    "RequisitionSummary",
    "SyncFailure",
    "SyncResult",
    "Trigger",
    "TriggerEventType",
    "TriggerSpec",
    "Vendor",
    "VendorInput",
    "VendorRef",
    "VerificationStatus",
    "WebhookEvent",
    "WebhookMetadata",
    "WorkOrderContract",
    "WorkOrderContractStatus",
]

T = TypeVar("T")


class _FoldedEnum(OpenStrEnum):
    """An open enum that also matches a known value in another case (``EIN``, ``CREATE``)."""

    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if isinstance(value, str):
            for member in cls:
                if member.value.casefold() == value.casefold():
                    return member
        return super()._missing_(value)


class RequisitionStatus(OpenStrEnum):
    """Subcontractor invoice (requisition) status."""

    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    REVISE_AND_RESUBMIT = "revise_and_resubmit"
    APPROVED = "approved"
    APPROVED_AS_NOTED = "approved_as_noted"
    PENDING_OWNER_APPROVAL = "pending_owner_approval"


class WorkOrderContractStatus(OpenStrEnum):
    """Work order contract (subcontract) status; Procore writes these in title case."""

    DRAFT = "Draft"
    OUT_FOR_BID = "Out For Bid"
    OUT_FOR_SIGNATURE = "Out For Signature"
    APPROVED = "Approved"
    COMPLETE = "Complete"
    TERMINATED = "Terminated"
    VOID = "Void"


class PurchaseOrderContractStatus(OpenStrEnum):
    """Purchase order contract status."""

    DRAFT = "Draft"
    PROCESSING = "Processing"
    SUBMITTED = "Submitted"
    PARTIALLY_RECEIVED = "Partially Received"
    RECEIVED = "Received"
    APPROVED = "Approved"
    CLOSED = "Closed"


class CommitmentStatus(OpenStrEnum):
    """Status of a commitment of either kind (the union of both contract status sets)."""

    DRAFT = "Draft"
    OUT_FOR_BID = "Out For Bid"
    OUT_FOR_SIGNATURE = "Out For Signature"
    PROCESSING = "Processing"
    SUBMITTED = "Submitted"
    PARTIALLY_RECEIVED = "Partially Received"
    RECEIVED = "Received"
    APPROVED = "Approved"
    COMPLETE = "Complete"
    CLOSED = "Closed"
    TERMINATED = "Terminated"
    VOID = "Void"


class DirectCostType(OpenStrEnum):
    """Kind of direct cost."""

    INVOICE = "invoice"
    SUBCONTRACTOR_INVOICE = "subcontractor_invoice"
    EXPENSE = "expense"
    PAYROLL = "payroll"


class DirectCostStatus(OpenStrEnum):
    """Direct cost status."""

    DRAFT = "draft"
    PENDING = "pending"
    REVISE_AND_RESUBMIT = "revise_and_resubmit"
    APPROVED = "approved"


class LineItemBaseType(OpenStrEnum):
    """The base type of a cost type ("line item type")."""

    EQUIPMENT = "equipment"
    MATERIALS = "materials"
    COMMITMENT = "commitment"
    OWNER_COST = "owner_cost"
    PROFESSIONAL_SERVICES = "professional_services"
    OTHER = "other"


class AccountingMethod(OpenStrEnum):
    """How a contract is billed."""

    AMOUNT = "amount"
    UNIT = "unit"


class BusinessRegisterType(_FoldedEnum):
    """Kind of tax registration: Australian Business Number or US Employer Identification Number."""

    ABN = "abn"
    EIN = "ein"


class VerificationStatus(OpenStrEnum):
    """Whether Procore verified a business register."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    DOES_NOT_EXIST = "does_not_exist"


class TriggerEventType(_FoldedEnum):
    """The change a webhook trigger fires on (Procore answers these upper case)."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class DeliveryOutcome(OpenStrEnum):
    """What happened to one webhook delivery attempt."""

    OK = "ok"
    RETRIED = "retried"
    FAILED = "failed"
    DISCARDED = "discarded"


class DeliveryStatus(OpenStrEnum):
    """The ``filters[status]`` values of the deliveries listing."""

    ANY = "any"
    SUCCESSFUL = "successful"
    FAILING = "failing"
    DISCARDED = "discarded"


@attrs.frozen(kw_only=True, slots=False)
class Ref:
    """A nested reference to another record (``{"id": ..., "name": ...}``); a WBS code names
    itself by ``flat_code`` and ``description``."""

    id: int | None = None
    name: str | None = None
    code: str | None = None
    full_code: str | None = None
    flat_code: str | None = None
    description: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class VendorRef:
    """The vendor of a contract; Procore names it ``name`` or ``company`` depending on the view."""

    id: int | None = None
    name: str | None = None
    company: str | None = None

    @property
    def display_name(self) -> str | None:
        """Whichever of ``name`` / ``company`` Procore sent."""
        return self.name or self.company


@attrs.frozen(kw_only=True, slots=False)
class CurrencyConfiguration:
    """The currency a record is kept in and, in a multi-currency project, its rate to the
    project's base currency."""

    currency_iso_code: str | None = None
    currency_exchange_rate: Decimal | None = None
    base_currency_iso_code: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class Attachment:
    """A file attached to a record; ``url`` is where Procore serves it."""

    id: int | None = None
    url: str | None = None
    filename: str | None = None
    content_type: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class _Record:
    """What most Procore records carry: an id, the ERP link (``origin_*``) and timestamps."""

    id: int
    origin_id: str | None = None
    origin_data: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@attrs.frozen(kw_only=True, slots=False)
class Company:
    """A company that installed the app (``GET /rest/v1.0/companies``)."""

    id: int
    name: str | None = None
    is_active: bool | None = None
    logo_url: str | None = None
    my_company: bool | None = None


@attrs.frozen(kw_only=True, slots=False)
class Me:
    """The user the token acts as (for a DMSA app: its service account)."""

    id: int
    login: str | None = None
    name: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class Project(_Record):
    """A project of the company (only those the DMSA was granted are listed)."""

    name: str | None = None
    display_name: str | None = None
    project_number: str | None = None
    active: bool | None = None
    company: Ref | None = None
    address: str | None = None
    city: str | None = None
    state_code: str | None = None
    country_code: str | None = None
    zip: str | None = None
    time_zone: str | None = None
    stage: str | None = None
    start_date: dt.date | None = None
    completion_date: dt.date | None = None
    total_value: Decimal | None = None
    origin_code: str | None = None
    accounting_project_number: str | None = None
    project_stage: Ref | None = None
    work_scope: str | None = None
    delivery_method: str | None = None
    sector: str | None = None
    estimated_value: Decimal | None = None
    estimated_budget: Decimal | None = None
    projected_finish_date: dt.date | None = None
    is_demo: bool | None = None
    parent_job_id: int | None = None
    owners_project_id: int | None = None
    store_number: str | None = None
    designated_market_area: str | None = None
    county: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class BusinessRegister:
    """A vendor's tax registration, Procore's only home for a tax ID."""

    id: int | None = None
    type: BusinessRegisterType | None = None
    identifier: str | None = None
    verified_at: dt.datetime | None = None
    verification_status: VerificationStatus | None = None


@attrs.frozen(kw_only=True, slots=False)
class _VendorFields:
    """The vendor fields Procore both returns and accepts (wire names)."""

    name: str | None = None
    abbreviated_name: str | None = None
    trade_name: str | None = None
    address: str | None = None
    city: str | None = None
    state_code: str | None = None
    zip: str | None = None
    country_code: str | None = None
    business_phone: str | None = None
    mobile_phone: str | None = None
    fax_number: str | None = None
    email_address: str | None = None
    website: str | None = None
    is_active: bool | None = None
    authorized_bidder: bool | None = None
    prequalified: bool | None = None
    license_number: str | None = None
    notes: str | None = None
    parent_id: int | None = None
    origin_id: str | None = None
    origin_data: str | None = None
    origin_code: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class Vendor(_VendorFields):
    """A company vendor (Directory)."""

    id: int
    legal_name: str | None = None
    business_id: str | None = None
    business_register: BusinessRegister | None = None
    synced_to_erp: bool | None = None
    is_connected: bool | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@attrs.frozen(kw_only=True, slots=False)
class VendorInput(_VendorFields):
    """The writable fields of a vendor; ``None`` fields are not sent.

    ``id`` matters only to ``vendors.sync`` (match by id, else by ``origin_id``; giving both is
    how an ``origin_id`` is changed). To send an explicit ``null``, pass a mapping instead.
    """

    id: int | None = None
    vendor_group_id: int | None = None
    primary_contact_id: int | None = None
    trade_ids: tuple[int, ...] | None = None
    standard_cost_code_ids: tuple[int, ...] | None = None

    def to_wire(self) -> dict[str, Any]:
        """The JSON object Procore expects, without the unset fields."""
        return {
            field.name: list(value) if isinstance(value, tuple) else value
            for field in attrs.fields(VendorInput)
            if (value := getattr(self, field.name)) is not None
        }


@attrs.frozen(kw_only=True, slots=False)
class LineItemType(_Record):
    """A cost type ("line item type")."""

    name: str | None = None
    code: str | None = None
    base_type: LineItemBaseType | None = None


@attrs.frozen(kw_only=True, slots=False)
class CostCode(_Record):
    """A project cost code; ``code`` excludes the parent's prefix, ``full_code`` includes it."""

    code: str | None = None
    full_code: str | None = None
    name: str | None = None
    position: int | None = None
    parent: Ref | None = None
    biller_id: int | None = None
    biller_type: str | None = None
    budgeted: bool | None = None
    standard_cost_code_id: int | None = None
    line_item_types: tuple[LineItemType, ...] = ()
    deleted_at: dt.datetime | None = None
    sortable_code: str | None = None
    biller: str | None = None
    standard_cost_code_list_id: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class RequisitionSummary:
    """The G702-style totals of a requisition."""

    original_contract_sum: Decimal | None = None
    net_change_by_change_orders: Decimal | None = None
    contract_sum_to_date: Decimal | None = None
    total_completed_and_stored_to_date: Decimal | None = None
    total_retainage: Decimal | None = None
    total_earned_less_retainage: Decimal | None = None
    less_previous_certificates_for_payment: Decimal | None = None
    current_payment_due: Decimal | None = None
    balance_to_finish_including_retainage: Decimal | None = None
    tax_applicable_to_this_payment: Decimal | None = None
    retainage_released_this_period: Decimal | None = None


@attrs.frozen(kw_only=True, slots=False)
class RequisitionItem:
    """One schedule-of-values line of a requisition (``view=extended``): this period's work
    on a commitment line, its cost code and cost type, and the retainage it withholds or
    releases this period."""

    id: int | None = None
    line_item_id: int | None = None
    cost_code_id: int | None = None
    cost_code: Ref | None = None
    line_item_type: Ref | None = None
    description_of_work: str | None = None
    position: int | None = None
    scheduled_value: Decimal | None = None
    work_completed_this_period: Decimal | None = None
    work_completed_retainage_retained_this_period: Decimal | None = None
    work_completed_retainage_released_this_period: Decimal | None = None
    gross_amount: Decimal | None = None
    net_amount: Decimal | None = None
    item_type: str | None = None
    accounting_method: AccountingMethod | None = None
    line_number: str | None = None
    status: str | None = None
    wbs_code: Ref | None = None
    uom: str | None = None
    scheduled_quantity: Decimal | None = None
    scheduled_unit_price: Decimal | None = None
    subcontractor_claimed_amount: Decimal | None = None
    work_completed_from_previous_application: Decimal | None = None
    work_completed_retainage_from_previous_application: Decimal | None = None
    work_completed_retainage_percent_this_period: Decimal | None = None
    materials_presently_stored: Decimal | None = None
    materials_stored_retainage_currently_retained: Decimal | None = None
    materials_stored_retainage_released_this_period: Decimal | None = None
    total_completed_and_stored_to_date: Decimal | None = None
    total_completed_and_stored_to_date_percent: Decimal | None = None
    previous_progress_id: int | None = None
    comment: str | None = None
    currency_configuration: CurrencyConfiguration | None = None


@attrs.frozen(kw_only=True, slots=False)
class Requisition(_Record):
    """A subcontractor invoice (the API keeps the name "requisition")."""

    number: int | None = None
    project_id: int | None = None
    commitment_id: int | None = None
    commitment_type: str | None = None
    contract_name: str | None = None
    vendor_id: int | None = None
    vendor_name: str | None = None
    invoice_number: str | None = None
    status: RequisitionStatus | None = None
    erp_status: str | None = None
    billing_date: dt.date | None = None
    payment_date: dt.date | None = None
    submitted_at: dt.date | None = None
    period_id: int | None = None
    requisition_start: dt.date | None = None
    requisition_end: dt.date | None = None
    percent_complete: Decimal | None = None
    total_claimed_amount: Decimal | None = None
    final: bool | None = None
    deletable: bool | None = None
    previous_requisition_id: int | None = None
    summary: RequisitionSummary | None = None
    items: tuple[RequisitionItem, ...] = ()
    invoice_type: str | None = None
    comment: str | None = None
    currency_configuration: CurrencyConfiguration | None = None
    action_policy: Mapping[str, Any] | None = None
    attachments: tuple[Attachment, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class LineItem(_Record):
    """A line of a contract's schedule of values or of a direct cost."""

    description: str | None = None
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit_cost: Decimal | None = None
    uom: str | None = None
    total_amount: Decimal | None = None
    extended_amount: Decimal | None = None
    extended_type: str | None = None
    position: int | None = None
    ref: str | None = None
    tax_code_id: int | None = None
    cost_code: Ref | None = None
    wbs_code: Ref | None = None
    line_item_type: Ref | None = None
    currency_configuration: CurrencyConfiguration | None = None


@attrs.frozen(kw_only=True, slots=False)
class DirectCost(_Record):
    """A direct cost (invoice, expense or payroll); ``get`` includes its line items."""

    direct_cost_type: DirectCostType | None = None
    status: DirectCostStatus | None = None
    invoice_number: str | None = None
    description: str | None = None
    terms: str | None = None
    direct_cost_date: dt.date | None = None
    received_date: dt.date | None = None
    payment_date: dt.date | None = None
    vendor_id: int | None = None
    vendor_name: str | None = None
    employee: Ref | None = None
    amount: Decimal | None = None
    grand_total: Decimal | None = None
    line_items_count: int | None = None
    line_items: tuple[LineItem, ...] = ()
    deleted_at: dt.datetime | None = None
    company: Ref | None = None
    project: Ref | None = None
    currency_configuration: CurrencyConfiguration | None = None
    attachments: tuple[Attachment, ...] = ()
    attachments_count: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class _Contract(_Record):
    """Fields shared by work order and purchase order contracts."""

    number: str | None = None
    title: str | None = None
    description: str | None = None
    executed: bool | None = None
    private: bool | None = None
    accounting_method: AccountingMethod | None = None
    vendor: VendorRef | None = None
    project: Ref | None = None
    contract_date: dt.date | None = None
    grand_total: Decimal | None = None
    revised_contract: Decimal | None = None
    approved_change_orders: Decimal | None = None
    pending_change_orders: Decimal | None = None
    draft_change_orders_amount: Decimal | None = None
    total_payments: Decimal | None = None
    total_requisitions_amount: Decimal | None = None
    remaining_balance_outstanding: Decimal | None = None
    percentage_paid: Decimal | None = None
    retainage_percent: Decimal | None = None
    line_items: tuple[LineItem, ...] = ()
    origin_code: str | None = None
    deleted_at: dt.datetime | None = None
    execution_date: dt.date | None = None
    signed_contract_received_date: dt.date | None = None
    letter_of_intent_date: dt.date | None = None
    approval_letter_date: dt.date | None = None
    returned_date: dt.date | None = None
    assignee: Ref | None = None
    pending_revised_contract: Decimal | None = None
    total_draw_requests_amount: Decimal | None = None
    currency_configuration: CurrencyConfiguration | None = None
    requisitions_are_enabled: bool | None = None
    billing_schedule_of_values_status: str | None = None
    attachments: tuple[Attachment, ...] = ()
    payments_issued: tuple[ContractPayment, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class WorkOrderContract(_Contract):
    """A work order contract (subcontract); ``get`` includes its line items."""

    status: WorkOrderContractStatus | None = None
    contract_start_date: dt.date | None = None
    contract_estimated_completion_date: dt.date | None = None
    actual_completion_date: dt.date | None = None
    issued_on_date: dt.date | None = None
    inclusions: str | None = None
    exclusions: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class PurchaseOrderContract(_Contract):
    """A purchase order contract; ``get`` includes its line items."""

    status: PurchaseOrderContractStatus | None = None
    delivery_date: dt.date | None = None
    issued_on_date: dt.date | None = None
    payment_terms: str | None = None
    ship_to_address: str | None = None
    ship_via: str | None = None
    bill_to_address: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class Commitment:
    """A commitment of either kind, as the generic ``/commitments`` listing shows it."""

    id: int
    number: str | None = None
    title: str | None = None
    status: CommitmentStatus | None = None
    description: str | None = None
    executed: bool | None = None
    private: bool | None = None
    delivery_date: dt.date | None = None
    vendor: VendorRef | None = None
    created_at: dt.datetime | None = None


@attrs.frozen(kw_only=True, slots=False)
class ContractPayment(_Record):
    """A payment issued on a commitment."""

    contract_id: int | None = None
    project_id: int | None = None
    requisition_id: int | None = None
    amount: Decimal | None = None
    date: dt.date | None = None
    invoice_number: str | None = None
    check_number: str | None = None
    payment_number: int | None = None
    draw_request_number: int | None = None
    notes: str | None = None
    status: str | None = None
    external_payment_id: str | None = None
    date_payment_initiated: dt.datetime | None = None
    date_payment_settled: dt.datetime | None = None
    origin_code: str | None = None
    attachments: tuple[Attachment, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class Hook:
    """A webhook hook; the ``Authorization`` value Procore will echo is kept as a Secret."""

    id: int
    api_version: str | None = None
    namespace: str | None = None
    destination_url: str | None = None
    destination_headers: Mapping[str, Secret] = attrs.field(factory=dict)
    owned_by_company_id: int | None = None
    owned_by_project_id: int | None = None
    owned_by_user_id: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class Trigger:
    """A webhook trigger: which resource and change fire the hook."""

    id: int
    webhook_hook_id: int | None = None
    resource_name: str | None = None
    resource_id: int | None = None
    event_type: TriggerEventType | None = None
    company_id: int | None = None
    project_id: int | None = None
    user_id: int | None = None


@attrs.frozen(slots=False)
class TriggerSpec:
    """A trigger to create: the resource name (``"Company Vendors"``) and the change."""

    resource_name: str
    event_type: TriggerEventType = attrs.field(converter=TriggerEventType)


@attrs.frozen(kw_only=True, slots=False)
class BulkTriggerResult:
    """What a bulk trigger call did: created (or deleted) triggers and the ones refused.

    ``failed`` keeps Procore's raw entries: the 207 body shape is UNCONFIRMED.
    """

    succeeded: tuple[Trigger, ...] = ()
    failed: tuple[Mapping[str, Any], ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every trigger went through."""
        return not self.failed


@attrs.frozen(kw_only=True, slots=False)
class Delivery:
    """One webhook delivery attempt as Procore recorded it.

    ``event`` is the payload that was sent, parsed like an incoming webhook, or ``None``
    when it could not be read.
    """

    id: int | None = None
    event_id: int | None = None
    outcome: DeliveryOutcome | None = None
    response_status: int | None = None
    response_headers: Mapping[str, Any] = attrs.field(factory=dict)
    response_body: str | None = None
    response_error: str | None = None
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    event: WebhookEvent | None = None


@attrs.frozen(kw_only=True, slots=False)
class SyncFailure:
    """One item a ``/sync`` call refused: the item as Procore echoed it and why."""

    item: Mapping[str, Any]
    errors: tuple[FieldError, ...]

    @property
    def id(self) -> int | None:
        """The Procore id of the item, when it was matched by id."""
        value = self.item.get("id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def origin_id(self) -> str | None:
        """The item's ``origin_id``, when it had one."""
        value = self.item.get("origin_id")
        return None if value is None else str(value)


@attrs.frozen(kw_only=True, slots=False)
class SyncResult(Generic[T]):
    """The answer of a ``/sync`` batch: Procore says 200 even when items failed."""

    succeeded: tuple[T, ...] = ()
    failed: tuple[SyncFailure, ...] = ()
    requests: int = 1

    @property
    def ok(self) -> bool:
        """Whether every item was accepted."""
        return not self.failed

    @classmethod
    def combine(cls, results: Iterable[SyncResult[T]]) -> SyncResult[T]:
        """One result for several batches of the same logical sync."""
        succeeded: list[T] = []
        failed: list[SyncFailure] = []
        requests = 0
        for result in results:
            succeeded.extend(result.succeeded)
            failed.extend(result.failed)
            requests += result.requests
        return cls(succeeded=tuple(succeeded), failed=tuple(failed), requests=requests)

    def raise_for_failures(self) -> None:
        """Raise :class:`~procore_client.ProcoreSyncError` when any item failed."""
        if self.failed:
            names = ", ".join(
                sorted({error.field for failure in self.failed for error in failure.errors})
            )
            raise ProcoreSyncError(
                f"{len(self.failed)} of {len(self.failed) + len(self.succeeded)} items failed"
                + (f" (fields: {names})" if names else ""),
                failures=self.failed,
            )


class PayloadVersion(OpenStrEnum):
    """Procore webhook payload format."""

    V2 = "v2.0"
    V3 = "v3.0"
    V4 = "v4.0"


@attrs.frozen(kw_only=True, slots=False)
class WebhookMetadata:
    """Who caused the change (v2/v3); filter on it to ignore your own writes and avoid loops."""

    source_user_id: int | None = None
    source_project_id: int | None = None
    source_company_id: int | None = None
    source_operation_id: str | None = None
    source_application_id: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class RelatedResource:
    """A record the changed one belongs to (v3), e.g. the direct cost of a line item."""

    id: int
    name: str


@attrs.frozen(kw_only=True, slots=False)
class WebhookEvent:
    """One Procore event, whatever payload version carried it.

    ``resource_type`` is v4's name for v2/v3's ``resource_name`` (``"Company Vendors"``);
    ``event_type`` is ``create``/``update``/``delete`` (v4's ``reason``, kept raw in
    ``reason``: it has more values, which become ``UNKNOWN_<value>`` members). v4 ids arrive as
    strings and are read as integers (a non-numeric id is refused: an assumption, UNCONFIRMED).
    """

    payload_version: PayloadVersion
    id: str
    timestamp: dt.datetime
    event_type: TriggerEventType
    resource_type: str
    resource_id: int
    ulid: str | None = None
    reason: str | None = None
    company_id: int | None = None
    project_id: int | None = None
    user_id: int | None = None
    metadata: WebhookMetadata | None = None
    related_resources: tuple[RelatedResource, ...] = ()
    data: Mapping[str, Any] | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def resource_name(self) -> str:
        """The v2/v3 name of :attr:`resource_type`."""
        return self.resource_type

    @property
    def dedupe_key(self) -> str:
        """The key to deduplicate deliveries on: the event's ULID, else its id."""
        return self.ulid or self.id
