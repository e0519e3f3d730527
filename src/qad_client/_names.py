"""Every vendor-facing name the client speaks, one table per resource, so a fix is one line.

QAD publishes no REST reference: the names come from public code calling real tenants where
that exists and from the proposed model in ``api-notes/qad.md`` section 10 otherwise. Each name
that no public source showed is marked ``# guess``; check those against a real tenant first.
The left column of a ``fields`` table is the model attribute, the right column the wire name.

The simulator keeps its own table (``qad_client.testing._names``), which overlaps this one on
purpose: it is an independent fake, and a client that read the simulator's names would be
tested against itself. A name corrected against a real tenant is corrected in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = [
    "ALLOCATION",
    "AUDIT",
    "BROWSE",
    "CONFLICT_PHRASES",
    "CONTROL",
    "COST_CENTRE",
    "DOMAIN",
    "DUPLICATE_CODES",
    "DUPLICATE_PHRASES",
    "ENVELOPE",
    "EXPENSE_LINE",
    "GL_ACCOUNT",
    "GRID",
    "HEADERS",
    "ITEM",
    "ITEM_STATUS",
    "MATCHING_LINE",
    "META",
    "MFG_SUPPLIER",
    "OAUTH",
    "OPEN_RECEIVER",
    "PATHS",
    "PERMISSION",
    "PROJECT",
    "PURCHASE_ORDER",
    "PURCHASE_ORDER_LINE",
    "RECEIPT",
    "RECEIPT_LINE",
    "REFERENCE_FIELDS",
    "REFERENCE_LENGTH",
    "SECURITY",
    "SUB_ACCOUNT",
    "SUPPLIER",
    "SUPPLIER_INVOICE",
    "SUPPLIER_PAYMENT",
    "TABLES",
    "Scope",
    "Table",
]

Scope = Literal["domain", "shared_set"]

# Paths are relative to the tenant URL (``https://{tenant}.qad.com/clouderp/``).
PATHS = {
    "token": "oauth/token",
    "security_control": "api/qracore/securityControl",
    "browses": "api/qracore/browses",
    "total_count": "api/qracore/browses/totalCount",  # [N8], QAD-internal 2015 harness
    "permission_state": "api/qracore/permissionState",  # [N6]
    "erp": "api/erp",
    "line_grid": "api/erp/purchaseOrderLinesGrid",
    "line_field_change": "api/erp/purchaseOrderLines/fieldChangeV2",
}

HEADERS = {
    "workspace": "x-qad-workspace-id",  # seen in one public client only
}

# Query parameters of reads, browses and the line grid.
BROWSE = {
    "browse_id": "browseId",
    "page": "page",
    "page_size": "pageSize",
    "page_action": "pageAction",
    "first_page": "first",  # the only pageAction value ever seen
    "next_page": "next",  # guess: pageAction of page 2 onwards
    "call_id": "callId",
    "filter": "filter",
    "literal": "literal",  # the fourth part of every filter seen
    "domain": "domainCode",
    "view": "viewUri",
    "initialize": "initialize",
    "field_name": "fieldName",
}

# ``permissionState`` [N6]: ``?uri=<view>&action=<ACTION>`` -> ``{"data": {"hasPermission": b}}``
PERMISSION = {
    "uri": "uri",
    "action": "action",
    "create": "CREATE",
    "write": "WRITE",
    "has_permission": "hasPermission",
}

OAUTH = {
    "grant_type": "grant_type",
    "password_grant": "password",
    "refresh_grant": "refresh_token",
    "client_id": "client_id",
    "username": "username",
    "password": "password",
    "refresh_token": "refresh_token",
}

SECURITY = {
    "data": "data",
    "controls": "securityControls",
    "client_id": "clientId",
    "session_length": "sessionLength",  # minutes, absolute session life
    "timeout_minutes": "timeoutMinutes",  # minutes, idle timeout
}

ENVELOPE = {
    "data": "data",
    "submit_result": "submitResult",
    "success": "success",
    "errors": "errors",
    "code": "code",
    "field_name": "fieldName",
    "field_value": "fieldValue",
    "message": "message",
    "severity": "severity",  # an integer [N2]; its scale is unknown (a 403 carries 1)
    "error_severity": "errorSeverity",  # submitResult's overall severity, an integer [C1]
    "aux": "auxillaryData",  # sic, as QAD spells it
    "has_more": "HasMoreParams",  # the string "true" or "false"
    "confirmation_text": "messageText",  # of a ``…Confs`` entry [N5]
    "supplementary": "supplementaryMessages",  # sent empty beside every write [N1, N4, N5, N8]
}

CONTROL = {
    "data_operation": "dataOperation",
    "create": "C",
    "update": "U",  # the intent's code only: an update goes on the wire as "" [N1, N5]
    "concurrency_hash": "concurrencyHash",
}

# Audit and identity fields every stored record carries (model attribute -> wire name).
META = {
    "uri": "uri",
    "concurrency_hash": "concurrencyHash",
    "modified_at": "lastModifiedDateTime",  # guess (the browse filter field)
    "modified_by": "lastModifiedUser",
}

# The split audit stamp Financials tables carry; read when ``lastModifiedDateTime`` is absent.
AUDIT = {
    "date": "lastModifiedDate",
    "time": "lastModifiedTime",  # seconds since midnight
}

GRID = {
    # Fields set one by one through fieldChangeV2, in the order the UI does [C4].
    "field_change_order": ("site", "item", "quantity_ordered", "purchase_cost"),
}

# ``itemStatus`` of an item that can be bought [N8]; items carry no ``isActive``.
ITEM_STATUS = {"active": "ACTIVE"}

# Texts a failed write carries for the two meanings that are not plain validation.
CONFLICT_PHRASES = ("has been changed by another user",)
DUPLICATE_PHRASES = ("already exists", "duplicatereference")  # the second: BCInvoice's query [N19]
DUPLICATE_CODES = frozenset({"RECORD_ALREADY_EXIST"})  # the BE message key of a taken key [N18]


# There is no ``externalReference`` field [N1, N24]: our reference rides in a free field,
# ``customShort0..19`` (x(20) [qad-evidence 2.8]), one per document type. On ``supplierV2s``
# the free fields are confirmed [N1]; on the other documents they are a guess.
REFERENCE_FIELDS: Mapping[str, str] = {
    "supplierV2s": "customShort0",
    "purchaseOrderHeaders": "customShort0",
    "purchaseOrderReceipts": "customShort0",
    "supplierInvoices": "customShort0",
    "supplierPayments": "customShort0",
}
REFERENCE_LENGTH = 20  # the width of a customShort field


@attrs.frozen
class Table:
    """The wire names of one QAD table.

    Args:
        plural: the collection key of write bodies and replies, and ``/api/erp/<plural>``.
        row_object: the prefix of browse row keys and filter fields (``supplierV2.name``).
        browse_id: the browse that lists the table.
        view_uri: the business-object URN sent as ``viewUri`` on ``/api/erp`` calls.
        fields: model attribute -> wire name (the audit fields of ``META`` are added).
        keys: the attributes that name one record in a read.
        scope: ``domain`` tables take ``domainCode``; ``shared_set`` tables follow the domain.
        read_only: attributes QAD computes; never sent on a write.
        children: attribute -> the table of its line rows.
        domain_param: the query parameter that names the domain of a ``domain`` table.
    """

    plural: str
    row_object: str
    browse_id: str = ""
    view_uri: str = ""
    fields: Mapping[str, str] = attrs.field(factory=dict)
    keys: tuple[str, ...] = ()
    scope: Scope = "domain"
    read_only: frozenset[str] = frozenset()
    children: Mapping[str, Table] = attrs.field(factory=dict)
    domain_param: str = BROWSE["domain"]

    @property
    def path(self) -> str:
        """The ``/api/erp`` path of reads and writes, relative to the tenant URL."""
        return f"{PATHS['erp']}/{self.plural}"

    def wire(self, attribute: str) -> str:
        """The wire name of a model attribute."""
        found = self.fields.get(attribute) or META.get(attribute)
        if found is None:
            raise KeyError(f"{self.plural} has no field {attribute!r}")
        return found

    @property
    def permission_uri(self) -> str:
        """The ``uri`` ``permissionState`` is asked about: the browse as a hybrid-browse view.

        One live client asks ``urn:view:hybridbrowse:com.qad.erp.base.customerV2s`` [N6] for the
        customer browse ``urn:browse:bebrowse:com.qad.erp.base.customers``; the rule that maps
        a browse to its view is our guess.
        """
        return _VIEW + self.browse_id.removeprefix(_BROWSE_URN) if self.browse_id else ""

    def filter_field(self, attribute: str) -> str:
        """The name a browse filter uses for ``attribute``."""
        return f"{self.row_object}.{self.wire(attribute)}"


_BROWSE_URN = "urn:browse:bebrowse:"
_VIEW = "urn:view:hybridbrowse:"  # [N6]
_BE = _BROWSE_URN + "com.qad.erp."
_FIN = _BE + "financials."  # the namespace of financial lookups [N10]

SUPPLIER = Table(
    plural="supplierV2s",  # [N1]
    row_object="supplierV2",
    browse_id=_BE + "base.supplierV2s",  # guess (maybe base.suppliers; legacy mfg:ad014)
    view_uri="urn:be:com.qad.base.supplier.ISupplierV2",  # [N1]
    scope="shared_set",
    keys=("code",),
    fields={
        "shared_set": "sharedSetCode",
        "code": "supplierCode",
        "name": "businessRelationName",  # supplierV2s has no "name" [N1]
        "address_name": "addressName",  # [N1, N4]
        "business_relation": "businessRelationCode",
        "street1": "street1",
        "street2": "street2",
        "street3": "street3",
        "city": "city",
        "zip": "zipCode",
        "country": "countryCode",
        "tax_id_federal": "federalTax",
        "tax_id_state": "stateTax",
        "currency": "currencyCode",
        "credit_terms": "creditTermsCode",
        "is_active": "isActive",
        "external_reference": REFERENCE_FIELDS["supplierV2s"],
    },
    read_only=frozenset({"shared_set"}),
)

# The domain half of a supplier: QAD makes it with the supplier; a create sets its site and
# daybook set with GET, change, POST back [N1].
MFG_SUPPLIER = Table(
    plural="mfgSuppliers",  # [N1]
    row_object="mfgSupplier",  # guess
    view_uri="urn:be:com.qad.base.supplier.IMfgSupplier",  # [N1]
    keys=("code",),
    fields={
        "domain": "domainCode",  # guess
        "code": "supplierCode",  # [N1]
        "site": "siteCode",  # [N1]
        "daybook_set": "daybookSetCode",  # [N1]
    },
    domain_param="domainContext",  # [N1]
)

ITEM = Table(
    plural="items",  # [N8, N9]
    row_object="item",  # guess
    browse_id=_BE + "base.items",  # guess (legacy mfg:gp340 / pp100)
    view_uri="urn:be:com.qad.base.item.IItem",  # [N12]
    keys=("code",),
    fields={
        "domain": "domainCode",
        "code": "itemCode",
        "description": "description",  # [N8, N9]
        "description2": "description2",
        "unit_of_measure": "unitOfMeasure",
        "item_type": "itemType",
        "status": "itemStatus",  # "ACTIVE" [N8]; items have no isActive
        "gl_account": "glAccountCode",  # guess (leans contradicted: GL comes from productLine)
    },
)

GL_ACCOUNT = Table(
    plural="glAccounts",  # guess
    row_object="glAccount",
    browse_id=_FIN + "glAccounts",  # guess (financial browses sit under financials [N10])
    view_uri="urn:be:com.qad.financials.generalledger.IGLAccount",  # guess
    scope="shared_set",
    keys=("code",),
    fields={
        "shared_set": "sharedSetCode",
        "code": "glCode",
        "description": "description",
        "gl_type": "glType",
        "analysis_type": "analysisType",  # guess
        "allow_sub_account": "allowSubAccount",  # guess
        "is_active": "isActive",
    },
)


def _analysis(plural: str, row: str, code: str, urn: str) -> Table:
    return Table(
        plural=plural,
        row_object=row,
        browse_id=_FIN + plural,
        view_uri=f"urn:be:com.qad.financials.generalledger.{urn}",
        scope="shared_set",
        keys=("code",),
        fields={
            "shared_set": "sharedSetCode",
            "code": code,
            "description": "description",
            "is_active": "isActive",
        },
    )


COST_CENTRE = _analysis("costCentres", "costCentre", "costCentreCode", "ICostCentre")  # guess
SUB_ACCOUNT = _analysis("subAccounts", "subAccount", "subAccountCode", "ISubAccount")  # guess
PROJECT = _analysis("projects", "project", "projectCode", "IProject")  # browse [N10]; rest guess

DOMAIN = Table(
    plural="domainV3s",
    row_object="domainV3",
    browse_id=_BE + "base.domainV3s",
    fields={
        "code": "domainContext",
        "entity": "entityContext",
        "description": "description",  # guess
    },
)

PURCHASE_ORDER_LINE = Table(
    plural="purchaseOrderLines",
    row_object="purchaseOrderLine",  # guess
    view_uri="urn:be:com.qad.purchasing.purchaseorders.IPurchaseOrderLine",  # guess
    fields={
        "domain": "domainCode",
        "po_number": "purchaseOrderNumber",
        "line": "purchaseOrderLine",
        "site": "siteCode",
        "item": "itemCode",
        "description": "description",  # guess
        "quantity_ordered": "quantityOrdered",
        "unit_of_measure": "unitOfMeasure",  # guess
        "purchase_cost": "purchaseCost",
        "due_date": "dueDate",
        "gl_account": "glAccountCode",  # guess
        "sub_account": "subAccountCode",  # guess
        "cost_centre": "costCentreCode",  # guess
        "project": "projectCode",  # guess
        "quantity_received": "quantityReceived",  # guess
        "quantity_invoiced": "quantityInvoiced",  # guess
        "status": "lineStatus",  # guess
    },
    # ``status`` is written: a line is closed or cancelled (``purchase_orders.save``)
    read_only=frozenset({"quantity_received", "quantity_invoiced"}),
)

PURCHASE_ORDER = Table(
    plural="purchaseOrderHeaders",
    row_object="purchaseOrder",  # guess
    browse_id=_BE + "purchasing.purchaseOrders",  # guess
    view_uri="urn:be:com.qad.purchasing.purchaseorders.IPurchaseOrderHeader",
    keys=("number",),
    fields={
        "domain": "domainCode",
        "number": "purchaseOrderNumber",
        "supplier": "supplierCode",
        "order_date": "orderDate",
        "due_date": "dueDate",
        "currency": "currencyCode",
        "exchange_rate": "exchangeRate",
        "credit_terms": "creditTermsCode",
        "ship_to": "shipToSite",
        "status": "orderStatus",
        "remarks": "remarks",
        "external_reference": REFERENCE_FIELDS["purchaseOrderHeaders"],
        "lines": "purchaseOrderLines",  # guess: lines nested in the header
    },
    children={"lines": PURCHASE_ORDER_LINE},
)

RECEIPT_LINE = Table(
    plural="lines",
    row_object="purchaseOrderReceiptLine",
    fields={
        "po_line": "purchaseOrderLine",
        "item": "itemCode",
        "quantity": "quantityReceived",
        "unit_of_measure": "unitOfMeasure",
        "site": "siteCode",
        "location": "location",
        "lot_serial": "lotSerial",
    },
)

RECEIPT = Table(
    plural="purchaseOrderReceipts",  # guess
    row_object="purchaseOrderReceipt",  # guess
    browse_id=_BE + "purchasing.purchaseOrderReceipts",  # guess
    view_uri="urn:be:com.qad.purchasing.receipts.IPurchaseOrderReceipt",  # guess
    keys=("receiver",),
    fields={
        "domain": "domainCode",
        "receiver": "receiverNumber",
        "po_number": "purchaseOrderNumber",
        "supplier": "supplierCode",
        "receipt_date": "receiptDate",
        "effective_date": "effectiveDate",
        "external_reference": REFERENCE_FIELDS["purchaseOrderReceipts"],
        "lines": "lines",  # guess
    },
    children={"lines": RECEIPT_LINE},
)

OPEN_RECEIVER = Table(
    plural="openReceivers",  # guess
    row_object="openReceiver",  # guess
    browse_id=_BE + "purchasing.openReceivers",  # guess (legacy browse ap007)
    fields={
        "domain": "domainCode",
        "receiver": "receiverNumber",
        "po_number": "purchaseOrderNumber",
        "po_line": "purchaseOrderLine",
        "supplier": "supplierCode",
        "item": "itemCode",
        "receipt_date": "receiptDate",
        "quantity_received": "quantityReceived",
        "quantity_matched": "quantityMatched",
        "open_quantity": "openQuantity",
        "unit_cost": "unitCost",
        "currency": "currencyCode",
        "is_finished": "isFinished",
    },
)

MATCHING_LINE = Table(
    plural="matchingLines",  # guess
    row_object="matchingLine",
    fields={
        "po_number": "purchaseOrderNumber",
        "po_line": "purchaseOrderLine",
        "receiver": "receiverNumber",
        "quantity": "matchQuantity",
        "unit_price": "matchUnitPrice",
        "is_pvod_finished": "isPvodFinished",
    },
)

EXPENSE_LINE = Table(
    plural="expenseLines",  # guess
    row_object="expenseLine",
    fields={
        "gl_account": "glAccountCode",
        "sub_account": "subAccountCode",
        "cost_centre": "costCentreCode",
        "project": "projectCode",
        "amount": "amountTC",
        "text": "lineText",
    },
)

SUPPLIER_INVOICE = Table(
    plural="supplierInvoices",  # guess
    row_object="supplierInvoice",  # guess
    browse_id=_BE + "financials.supplierInvoices",  # guess
    view_uri="urn:be:com.qad.financials.purchaseledger.supplierinvoice.ISupplierInvoice",
    keys=("id",),
    fields={
        "id": "supplierInvoiceId",  # guess
        "domain": "domainCode",
        "entity": "entityCode",
        "supplier": "supplierCode",
        "reference": "supplierInvoiceReference",
        "invoice_type": "invoiceType",
        "invoice_date": "invoiceDate",
        "posting_date": "postingDate",
        "due_date": "dueDate",
        "currency": "currencyCode",
        "total": "totalAmountTC",
        "tax": "taxAmountTC",
        "status": "status",
        "is_open": "isOpen",
        "balance": "balanceTC",
        "external_reference": REFERENCE_FIELDS["supplierInvoices"],
        "matching_lines": "matchingLines",
        "expense_lines": "expenseLines",
    },
    read_only=frozenset({"id", "status", "is_open", "balance"}),
    children={"matching_lines": MATCHING_LINE, "expense_lines": EXPENSE_LINE},
)

ALLOCATION = Table(
    plural="allocations",  # guess
    row_object="allocation",
    fields={
        "invoice_id": "supplierInvoiceId",
        "invoice_reference": "supplierInvoiceReference",
        "amount": "amountTC",
        "discount": "discountTC",
    },
)

SUPPLIER_PAYMENT = Table(
    plural="supplierPayments",  # guess
    row_object="supplierPayment",  # guess
    browse_id=_BE + "financials.supplierPayments",  # guess
    view_uri="urn:be:com.qad.financials.purchaseledger.supplierpayment.ISupplierPayment",
    keys=("number",),
    fields={
        "domain": "domainCode",
        "entity": "entityCode",
        "number": "paymentNumber",
        "supplier": "supplierCode",
        "payment_date": "paymentDate",
        "bank_gl_account": "bankGLAccount",
        "currency": "currencyCode",
        "amount": "amountTC",
        "status": "status",
        "external_reference": REFERENCE_FIELDS["supplierPayments"],
        "allocations": "allocations",
    },
    read_only=frozenset({"status"}),
    children={"allocations": ALLOCATION},
)

# Every top-level table, keyed by the client attribute that serves it.
TABLES: Mapping[str, Table] = {
    "suppliers": SUPPLIER,
    "items": ITEM,
    "gl_accounts": GL_ACCOUNT,
    "cost_centres": COST_CENTRE,
    "sub_accounts": SUB_ACCOUNT,
    "projects": PROJECT,
    "domains": DOMAIN,
    "purchase_orders": PURCHASE_ORDER,
    "purchase_order_receipts": RECEIPT,
    "open_receivers": OPEN_RECEIVER,
    "supplier_invoices": SUPPLIER_INVOICE,
    "supplier_payments": SUPPLIER_PAYMENT,
}
