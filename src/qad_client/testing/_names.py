"""Every vendor-facing name the simulator speaks, in one table, so a tenant correction is one line.

The left column of each ``fields`` table is the simulator's own attribute name; the right column
is what goes over the wire. Names marked ``# guess`` were not seen in any QAD source (see
``/work/shared/api-notes/qad.md`` section 10); the rest were observed in public code calling QAD.

This overlaps the client's ``qad_client._names`` on purpose and must not import it: the
simulator is an independent fake of QAD, and a client tested against a fake built from the
client's own guesses would be tested against itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = [
    "ALLOCATION",
    "ANALYSIS_TYPE",
    "BASES",
    "BROWSE_PREFIX",
    "CONTROL",
    "COST_CENTRE",
    "DATA_TYPES",
    "DOMAIN",
    "ENVELOPE",
    "ERROR",
    "EXPENSE_LINE",
    "GL_ACCOUNT",
    "GL_TYPE",
    "GRID",
    "HEADERS",
    "INVOICE_STATUS",
    "INVOICE_TYPE",
    "ITEM",
    "ITEM_STATUS",
    "MATCHING_LINE",
    "META",
    "METADATA",
    "MFG_SUPPLIER",
    "OAUTH",
    "OPEN_RECEIVER",
    "OPERATION",
    "ORDER_STATUS",
    "PATHS",
    "PAYMENT_STATUS",
    "PERMISSION",
    "PROJECT",
    "PURCHASE_ORDER",
    "PURCHASE_ORDER_LINE",
    "QUERY",
    "RECEIPT",
    "RECEIPT_LINE",
    "REFERENCE_FIELD",
    "REFERENCE_LENGTH",
    "SUB_ACCOUNT",
    "SUPPLIER",
    "SUPPLIER_INVOICE",
    "SUPPLIER_PAYMENT",
    "UNIT_OF_MEASURE",
    "WRITE_ACTIONS",
    "Names",
]


@attrs.frozen
class Names:
    """The wire names of one QAD table: its collection key, browse, URN and fields."""

    plural: str
    row_object: str
    fields: Mapping[str, str]
    browse_id: str = ""
    entity_uri: str = ""
    writable: bool = True
    permission: str = ""
    keys: tuple[str, ...] = ()  # the attributes a keyed POST (update) or DELETE names [N7]

    @property
    def permission_name(self) -> str:
        """The name a user's permission list uses for this table (its plural by default)."""
        return self.permission or self.plural

    def wire(self, attribute: str) -> str:
        """The wire name of ``attribute``, falling back to the shared meta names."""
        return (
            self.fields.get(attribute) or META.get(attribute) or CONTROL.get(attribute, attribute)
        )


BROWSE_PREFIX = "urn:browse:bebrowse:com.qad.erp."

REFERENCE_FIELD = "customShort0"  # where the documents here keep a caller's reference
REFERENCE_LENGTH = 20  # customShort0..19 are x(20)

BASES = ("clouderp", "qad-central")  # the first is the one base URLs are built with

PATHS = {
    "token": "/oauth/token",
    "security_control": "/api/qracore/securityControl",
    "browses": "/api/qracore/browses",
    "total_count": "/api/qracore/browses/totalCount",  # [N8]
    "permission_state": "/api/qracore/permissionState",  # [N6]
    "entity_metadata": "/api/qracore/entitymetadatas",  # [N14]
    "erp": "/api/erp",
    "line_grid": "/api/erp/purchaseOrderLinesGrid",
    "line_field_change": "/api/erp/purchaseOrderLines/fieldChangeV2",
    "line_is_received": "/api/erp/purchaseOrderLines/isReceivedPurchaseOrderLineV2",
}

HEADERS = {
    "workspace": "x-qad-workspace-id",
}

PERMISSION = {  # permissionState [N6]
    "uri": "uri",
    "action": "action",
    "has_permission": "hasPermission",
    "view_prefix": "urn:view:hybridbrowse:",  # the browse id's view; the mapping is a guess
    "read": "READ",
}
WRITE_ACTIONS = ("CREATE", "WRITE", "IMPORT", "DELETE")  # QAD's permission kinds [N11]

QUERY = {
    "domain": "domainCode",
    "domain_context": "domainContext",  # what the mfgSuppliers calls send instead [N1]
    "browse": "browseId",
    "page": "page",
    "page_size": "pageSize",
    "page_action": "pageAction",
    "filter": "filter",
    "initialize": "initialize",
    "field_name": "fieldName",
    "entity_uri": "entityURI",
}

OAUTH = {
    "grant_type": "grant_type",
    "password_grant": "password",
    "refresh_grant": "refresh_token",
    "client_grant": "client_credentials",  # guess: never seen against QAD
    "bearer": "bearer",
    "client_id": "client_id",
    "client_secret": "client_secret",
    "username": "username",
    "password": "password",
    "refresh_token": "refresh_token",
    "access_token": "access_token",
    "token_type": "token_type",
    "expires_in": "expires_in",
    "security_controls": "securityControls",
    "session_length": "sessionLength",
    "timeout_minutes": "timeoutMinutes",
    "sc_client_id": "clientId",
}

ENVELOPE = {
    "data": "data",
    "submit_result": "submitResult",
    "success": "success",
    "error_severity": "errorSeverity",
    "errors": "errors",
    "code": "code",
    "field_name": "fieldName",
    "field_value": "fieldValue",
    "message": "message",
    "severity": "severity",
    "aux": "auxillaryData",  # sic, as QAD spells it
    "has_more": "HasMoreParams",
    "confirmation_text": "messageText",  # of a ``…Confs`` entry [N5]
}

ERROR = {
    "errors": "errors",  # the bare envelope of a non-200 answer, a 403 for one [N2]
    "severity": "severity",
    "code": "code",
    "message": "message",
    "field_name": "fieldName",
    "oauth_error": "error",
    "oauth_description": "error_description",
}

CONTROL = {
    "data_operation": "dataOperation",
    "concurrency_hash": "concurrencyHash",
    "domain": "domainCode",
    "shared_set": "sharedSetCode",
}

META = {
    "uri": "uri",
    "concurrency_hash": "concurrencyHash",
    "modified_date": "lastModifiedDate",
    "modified_time": "lastModifiedTime",
    "modified_user": "lastModifiedUser",
    "modified_datetime": "lastModifiedDateTime",  # the browse filter field; guess
}

GRID = {
    "is_received": "isReceivedPurchaseOrderLine",  # guess
}

METADATA = {  # an entity-builder save [N14]
    "list": "entityMetadatas",
    "uri": "entityURI",
    "name": "entityName",
    "code": "entityCode",
    "fields": "entityFields",
    "field_name": "entityFieldCode",
    "data_type": "dataType",
    "read_only": "isReadOnly",
    "tables": "entityTables",
    "table_name": "entityTableCode",
    "json_name": "jsonName",
}

DATA_TYPES = {  # Progress ABL type names
    "str": "character",
    "dec": "decimal",
    "int": "integer",
    "bool": "logical",
    "date": "date",
    "datetime": "datetime-tz",
}

# Enumerated values as they travel in fields (only orderStatus "O" was observed [C4]).
OPERATION = {"create": "C", "update": "U", "delete": "D"}  # dataOperation [C4, C1]
ORDER_STATUS = {"open": "O", "closed": "C", "cancelled": "X"}  # orderStatus and lineStatus
ANALYSIS_TYPE = {"none": "None", "cost_centre": "CostCentre", "project": "Project", "both": "Both"}
GL_TYPE = {"profit_loss": "PL", "balance": "BALANCE"}  # guess
INVOICE_TYPE = {"invoice": "INVOICE", "credit_note": "CREDITNOTE"}  # guess
INVOICE_STATUS = {  # guess
    "initial": "INITIAL",
    "matched": "MATCHED",
    "hold": "HOLD",
    "final": "FINAL",
}
PAYMENT_STATUS = {"paid": "PAID", "void": "VOID"}  # guess
ITEM_STATUS = {"active": "ACTIVE", "inactive": "INACTIVE"}  # "ACTIVE" [N8]; INACTIVE a guess
UNIT_OF_MEASURE = {"each": "EA"}

# --- master data -----------------------------------------------------------------------------

SUPPLIER = Names(
    keys=("code",),
    plural="supplierV2s",  # [N1]
    row_object="supplierV2",
    browse_id=BROWSE_PREFIX + "base.supplierV2s",  # guess
    entity_uri="urn:be:com.qad.base.supplier.ISupplierV2",  # [N1]
    fields={
        "shared_set": "sharedSetCode",
        "code": "supplierCode",
        "name": "businessRelationName",  # [N1]
        "address_name": "addressName",  # [N1]
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
        "external_reference": REFERENCE_FIELD,  # a free field x(20); no externalReference [N1]
    },
)

MFG_SUPPLIER = Names(  # the domain half of a supplier create [N1]
    keys=("code",),
    plural="mfgSuppliers",
    row_object="mfgSupplier",  # guess
    entity_uri="urn:be:com.qad.base.supplier.IMfgSupplier",  # [N1]
    fields={
        "domain": "domainCode",  # guess (the query names it domainContext)
        "code": "supplierCode",  # [N1]
        "site": "siteCode",  # [N1]
        "daybook_set": "daybookSetCode",  # [N1]
    },
    permission="supplierV2s",
)

ITEM = Names(
    keys=("code",),
    plural="items",  # [N8, N9]
    row_object="item",  # guess
    browse_id=BROWSE_PREFIX + "base.items",  # guess
    entity_uri="urn:be:com.qad.base.item.IItem",  # [N12]
    fields={
        "domain": "domainCode",
        "code": "itemCode",
        "description1": "description",  # [N8]
        "description2": "description2",
        "unit_of_measure": "unitOfMeasure",
        "item_type": "itemType",
        "status": "itemStatus",  # [N8]; no isActive, no top-level purchaseCost
        "gl_account": "glAccountCode",  # guess
    },
)

GL_ACCOUNT = Names(
    keys=("code",),
    plural="glAccounts",  # guess
    row_object="glAccount",
    browse_id=BROWSE_PREFIX + "financials.glAccounts",  # guess; the namespace [N10]
    entity_uri="urn:be:com.qad.financials.generalledger.IGLAccount",  # guess
    fields={
        "shared_set": "sharedSetCode",
        "code": "glCode",
        "description": "description",
        "gl_type": "glType",
        "analysis_type": "analysisType",
        "allow_sub_account": "allowSubAccount",
        "is_active": "isActive",
    },
)


def _analysis_code(plural: str, row_object: str, code: str, interface: str) -> Names:
    return Names(
        keys=("code",),
        plural=plural,
        row_object=row_object,
        browse_id=BROWSE_PREFIX + f"financials.{plural}",  # the projects browse [N10]
        entity_uri=f"urn:be:com.qad.financials.generalledger.{interface}",  # guess
        fields={
            "shared_set": "sharedSetCode",
            "code": code,
            "description": "description",
            "is_active": "isActive",
        },
    )


COST_CENTRE = _analysis_code("costCentres", "costCentre", "costCentreCode", "ICostCentre")  # guess
SUB_ACCOUNT = _analysis_code("subAccounts", "subAccount", "subAccountCode", "ISubAccount")  # guess
PROJECT = _analysis_code("projects", "project", "projectCode", "IProject")  # guess

DOMAIN = Names(
    plural="domainV3s",
    row_object="domainV3",
    browse_id=BROWSE_PREFIX + "base.domainV3s",
    entity_uri="urn:be:com.qad.base.domain.IDomainV3",  # guess
    fields={
        "code": "domainCode",  # guess
        "context": "domainContext",
        "entity": "entityContext",
        "description": "description",  # guess
    },
    writable=False,
)

# --- purchasing ------------------------------------------------------------------------------

PURCHASE_ORDER = Names(
    keys=("number",),
    plural="purchaseOrderHeaders",
    row_object="purchaseOrder",  # guess
    browse_id=BROWSE_PREFIX + "purchasing.purchaseOrders",  # guess
    entity_uri="urn:be:com.qad.purchasing.purchaseorders.IPurchaseOrderHeader",
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
        "external_reference": REFERENCE_FIELD,  # a free field x(20); no externalReference [N1]
        "lines": "purchaseOrderLines",  # guess: lines nested in the header
    },
)

PURCHASE_ORDER_LINE = Names(
    keys=("po_number", "line"),
    plural="purchaseOrderLines",
    row_object="purchaseOrderLine",  # guess
    browse_id=BROWSE_PREFIX + "purchasing.purchaseOrderLines",  # guess
    entity_uri="urn:be:com.qad.purchasing.purchaseorders.IPurchaseOrderLine",  # guess
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
    permission="purchaseOrderHeaders",
)

RECEIPT = Names(
    keys=("receiver",),
    plural="purchaseOrderReceipts",  # guess
    row_object="purchaseOrderReceipt",
    browse_id=BROWSE_PREFIX + "purchasing.purchaseOrderReceipts",  # guess
    entity_uri="urn:be:com.qad.purchasing.receipts.IPurchaseOrderReceipt",  # guess
    fields={
        "domain": "domainCode",
        "receiver": "receiverNumber",
        "po_number": "purchaseOrderNumber",
        "supplier": "supplierCode",
        "receipt_date": "receiptDate",
        "effective_date": "effectiveDate",
        "external_reference": REFERENCE_FIELD,  # a free field x(20); no externalReference [N1]
        "lines": "lines",
    },
)

RECEIPT_LINE = Names(
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

OPEN_RECEIVER = Names(
    plural="openReceivers",
    row_object="openReceiver",  # guess
    browse_id=BROWSE_PREFIX + "purchasing.openReceivers",  # guess (legacy browse ap007)
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
    writable=False,
    permission="purchaseOrderReceipts",
)

# --- financials ------------------------------------------------------------------------------

SUPPLIER_INVOICE = Names(
    keys=("id",),
    plural="supplierInvoices",  # guess
    row_object="supplierInvoice",
    browse_id=BROWSE_PREFIX + "financials.supplierInvoices",  # guess
    entity_uri="urn:be:com.qad.financials.purchaseledger.supplierinvoice.ISupplierInvoice",
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
        "external_reference": REFERENCE_FIELD,  # a free field x(20); no externalReference [N1]
        "matching_lines": "matchingLines",
        "expense_lines": "expenseLines",
    },
)

MATCHING_LINE = Names(
    plural="matchingLines",
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

EXPENSE_LINE = Names(
    plural="expenseLines",
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

SUPPLIER_PAYMENT = Names(
    keys=("number",),
    plural="supplierPayments",  # guess
    row_object="supplierPayment",
    browse_id=BROWSE_PREFIX + "financials.supplierPayments",  # guess
    entity_uri="urn:be:com.qad.financials.purchaseledger.supplierpayment.ISupplierPayment",  # guess
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
        "external_reference": REFERENCE_FIELD,  # a free field x(20); no externalReference [N1]
        "allocations": "allocations",
    },
)

ALLOCATION = Names(
    plural="allocations",
    row_object="allocation",
    fields={
        "invoice_id": "supplierInvoiceId",
        "invoice_reference": "supplierInvoiceReference",
        "amount": "amountTC",
        "discount": "discountTC",
    },
)
