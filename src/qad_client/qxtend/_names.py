"""Every QXtend name the transport speaks, in one table, each marked with its source or ``# guess``.

Sources are the tags of ``api-notes/qad.md`` section 5 and ``qad-evidence.md`` sections 2.7 and 3
(S1 session context, S2 the ``maintainPurchaseOrder`` example, S3/S5 responses and
``dsExceptions``, S4 operation codes, S6 process exceptions, S9 the Query Service, C10/C11/N21
public QXI clients). A name without a tag is a guess: check it against the site's QXtend schema
(``<apiName>-<apiVersion>`` in the QXI admin) before relying on it.

Field tables map the REST wire name of a field (the client's ``_names`` tables, which the REST
and QXtend transports share) to the QDoc element that carries it. The QXtend simulator reads
this same table, so a wrong name here is not caught by the tests: only by a real site.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = [
    "AUTH_FAULT_PHRASES",
    "CONTEXT",
    "DEFAULT_VERSIONS",
    "DUPLICATE_PHRASES",
    "FAULT",
    "FINANCIALS_ACTION",
    "MAX_READ_ROWS",
    "META",
    "NS",
    "OPERATION",
    "QDOCS",
    "QUERY",
    "QUERY_TABLES",
    "RESPONSE",
    "SESSION",
    "WSA",
    "QDocSpec",
]

NS = {
    "soap": "http://schemas.xmlsoap.org/soap/envelope/",  # SOAP 1.1 [C11]
    "qdoc": "urn:schemas-qad-com:xml-services",  # the QDoc default namespace [S2, C10]
    "qcom": "urn:schemas-qad-com:xml-services:common",  # [S1, C10]
    "wsa": "http://www.w3.org/2005/08/addressing",  # [C10, C11]
}

WSA = {
    "action": "Action",  # sent empty [C11]
    "to": "To",  # urn:services-qad-com:{RECEIVER}, mandatory [S1, C10]
    "to_prefix": "urn:services-qad-com:",  # [S1, C10]
    "message_id": "MessageID",  # [C11]
    "reference_parameters": "ReferenceParameters",  # [C11]
    "suppress_detail": "suppressResponseDetail",  # [S2, C11]
    "reply_to": "ReplyTo",  # [C11]
    "address": "Address",  # [C11]
}

SESSION = {
    "context": "dsSessionContext",  # [S1, C10]
    "row": "ttContext",  # [S1, C10]
    "qualifier": "propertyQualifier",  # [S1]
    "qualifier_value": "QAD",  # [S1, C10]
    "name": "propertyName",  # [S1]
    "value": "propertyValue",  # [S1]
}

# dsSessionContext property names [S1; N21 confirms all of them in use]
CONTEXT = {
    "domain": "domain",
    "scope_transaction": "scopeTransaction",
    "version": "version",
    "mnemonics_raw": "mnemonicsRaw",
    "username": "username",
    "password": "password",
    "action": "action",  # Financials (SIAPI) objects only
    "entity": "entity",  # Financials (SIAPI) objects only
    "receiver": "receiver",  # sent by C10 besides wsa:To
}

# The ``operation`` element of each QDoc record [S4]
OPERATION = {
    "add": "A",  # error if the record exists: re-sent with its key, no second record
    "modify": "M",  # error if it is missing: an update never creates
    "delete": "D",  # never sent: REST never deletes either
    "sync": "S",  # upsert; never sent: a delayed upsert could overwrite a newer change
    "get": "G",
    "noop": "N",  # navigation only: validate() probes a QDoc with it, nothing is written
}

RESPONSE = {
    "suffix": "Response",  # <apiName>Response [S3]
    "result": "result",  # success | warning | error [S3, C10]
    "success": "success",
    "warning": "warning",
    "error": "error",
    "exceptions": "dsExceptions",  # [S5]
    "row": "temp_err_msg",  # [S5]
    "number": "tt_msg_nbr",  # always present [S5]
    "description": "tt_msg_desc",  # always present [S5]
    "severity": "tt_msg_sev",  # info | warning | error, default error [S5]
    "field": "tt_msg_field",  # [S5, N21]
    "context": "tt_msg_context",  # [S5]
}

FAULT = {
    "fault": "Fault",  # SOAP 1.1 [S6]
    "code": "faultcode",
    "string": "faultstring",
    "detail": "detail",
    "process_exception": "ProcessException",  # ProcessExceptionNNN [S6]
}

# Phrases of a fault that mean the sign-in was refused: never retried (QAD locks the user).
AUTH_FAULT_PHRASES = ("session init", "invalid user", "password")  # guess
# Phrases of a refusal that mean the record already exists (operation A).
DUPLICATE_PHRASES = ("already exists",)  # guess: QXtend's own wording

# The Query Service, called through QXI [S9]; every name below is a guess.
QUERY = {
    "qdoc": "queryService",  # guess
    "dataset": "dsQueryServiceRequest",  # guess
    "request": "queryServiceRequest",  # guess
    "table": "tableName",  # guess
    "detail": "includeDetail",  # guess: a document's lines nested in its row
    "page": "pageNumber",  # guess
    "page_size": "pageSize",  # guess
    "filter": "queryFilter",  # guess
    "field": "fieldName",  # guess
    "operator": "operator",  # guess: the browse operators eq, ge, rg...
    "value": "fieldValue",  # guess
    "to": "toValue",  # guess: upper bound of rg
    "result_set": "dsQueryServiceResult",  # guess
    "row": "row",  # guess
    "has_more": "hasMoreRows",  # guess
    "continue": "qxtendPage",  # a query parameter of our own next links (the server ignores it)
}

MAX_READ_ROWS = 1000
"""The rows a keyed read asks for: a key selects one record, a reference a few."""

# The primary table of each business object [S9 says queries filter on it]; guesses after po_mstr
QUERY_TABLES: Mapping[str, str] = {
    "supplierV2s": "vd_mstr",
    "items": "pt_mstr",
    "glAccounts": "ac_mstr",
    "costCentres": "cc_mstr",
    "subAccounts": "sb_mstr",
    "projects": "pj_mstr",
    "domainV3s": "dom_mstr",
    "purchaseOrderHeaders": "po_mstr",
    "purchaseOrderReceipts": "prh_hist",
    "openReceivers": "prh_hist_open",
    "supplierInvoices": "CInvoice",  # a Financials business class [S12]
}
# Supplier payments have no QDoc here (none is public): over QXtend they are refused.

# Audit fields every query row carries (REST wire name -> QDoc element); all guesses.
META = {
    "uri": "uri",
    "lastModifiedDateTime": "modDateTime",
    "lastModifiedUser": "modUser",
}


@attrs.frozen
class QDocSpec:
    """One QDoc: its API name, dataset and record elements, and the fields it carries.

    Args:
        api: the body root and API name (``maintainPurchaseOrder``).
        dataset: the dataset element under the root (``dsPurchaseOrder``).
        record: the element of one record (``purchaseOrder``).
        fields: REST wire name -> QDoc element, scalar fields only.
        children: REST wire name of a line list -> the QDoc spec of its rows.
        financials: sent with ``action`` and ``entity`` in the session context (SIAPI).
    """

    api: str
    dataset: str
    record: str
    fields: Mapping[str, str]
    children: Mapping[str, QDocSpec] = attrs.field(factory=dict)
    financials: bool = False
    _by_element: Mapping[str, str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        reverse = {name: wire for wire, name in (*META.items(), *self.fields.items())}
        object.__setattr__(self, "_by_element", reverse)

    def element(self, wire: str) -> str | None:
        """The QDoc element of a REST wire name, if this QDoc carries it."""
        return self.fields.get(wire) or META.get(wire)

    def wire(self, element: str) -> str | None:
        """The REST wire name of a QDoc element, if this QDoc carries it."""
        return self._by_element.get(element)


def _rows(record: str, fields: Mapping[str, str]) -> QDocSpec:
    return QDocSpec(api="", dataset="", record=record, fields=fields)


_SUPPLIER = QDocSpec(
    api="maintainSupplier",  # the name is in S4; no client builds it (qad-evidence 3)
    dataset="dsSupplier",
    record="supplier",
    fields={
        "sharedSetCode": "sharedSet",
        "supplierCode": "addr",  # vd_addr
        "businessRelationName": "name",
        "addressName": "sortName",  # guess (ad_sort)
        "businessRelationCode": "busRelation",
        "street1": "line1",
        "street2": "line2",
        "street3": "line3",
        "city": "city",
        "zipCode": "zip",
        "countryCode": "ctry",
        "federalTax": "taxIdFed",
        "stateTax": "taxIdState",
        "currencyCode": "curr",
        "creditTermsCode": "crTerms",
        "isActive": "active",
        "customShort0": "user1",
    },
)

_PO_LINE = _rows(
    "purchaseOrderDet",  # [S2]
    {
        "domainCode": "domain",
        "purchaseOrderNumber": "nbr",
        "purchaseOrderLine": "line",  # [S2]
        "siteCode": "site",
        "itemCode": "part",  # [S2]
        "description": "desc",
        "quantityOrdered": "qtyOrd",  # [S2]
        "unitOfMeasure": "um",
        "purchaseCost": "purCost",
        "dueDate": "dueDate",  # [S2]
        "glAccountCode": "acct",
        "subAccountCode": "sub",
        "costCentreCode": "cc",
        "projectCode": "project",
        "quantityReceived": "qtyRcvd",
        "quantityInvoiced": "qtyInvoiced",
        "lineStatus": "status",
    },
)

_PURCHASE_ORDER = QDocSpec(
    api="maintainPurchaseOrder",  # [S2, S4]
    dataset="dsPurchaseOrder",
    record="purchaseOrder",  # [S2]
    fields={
        "domainCode": "domain",
        "purchaseOrderNumber": "nbr",  # [S2]
        "supplierCode": "vend",  # [S2]
        "orderDate": "ordDate",  # [S2]
        "dueDate": "dueDate",
        "currencyCode": "curr",
        "exchangeRate": "exRate",
        "creditTermsCode": "crTerms",
        "shipToSite": "ship",
        "orderStatus": "stat",
        "remarks": "rmks",  # [S2]
        "customShort0": "user1",  # po_user1 (qad_client._names)
    },
    children={"purchaseOrderLines": _PO_LINE},
)

_RECEIPT_LINE = _rows(
    "lineDetail",  # [C10, N21]
    {
        "purchaseOrderLine": "line",  # [C10]
        "itemCode": "part",
        "quantityReceived": "lotserialQty",  # [C10, N21]
        "unitOfMeasure": "receiptUm",  # [C10]
        "siteCode": "site",  # [N21]
        "location": "location",  # [N21]
        "lotSerial": "serial",
    },
)

_RECEIPT = QDocSpec(
    api="receivePurchaseOrder",  # [C10, N21]
    dataset="dsPurchaseOrderReceive",  # [C10]
    record="purchaseOrderReceive",  # [C10]
    fields={
        "domainCode": "domain",
        "receiverNumber": "receiver",
        "purchaseOrderNumber": "ordernum",  # [C10, N21]
        "supplierCode": "vend",
        "receiptDate": "receiptDate",
        "effectiveDate": "effDate",  # [C10, N21]
        "customShort0": "psNbr",  # the packing slip number carries our reference
    },
    children={"lines": _RECEIPT_LINE},
)

_MATCHING_LINE = _rows(
    "tAPMatchingCIAPM",  # the BCInvoiceAPMatching table [S12]
    {
        "purchaseOrderNumber": "poNbr",
        "purchaseOrderLine": "poLine",
        "receiverNumber": "receiver",
        "matchQuantity": "matchQty",
        "matchUnitPrice": "matchPrice",
        "isPvodFinished": "isPvodFinished",  # [S12]
    },
)

_EXPENSE_LINE = _rows(
    "tAPMatchingCostCIAPM",  # [S12]
    {
        "glAccountCode": "glCode",
        "subAccountCode": "divisionCode",
        "costCentreCode": "costCentreCode",
        "projectCode": "projectCode",
        "amountTC": "amountTC",
        "lineText": "lineText",
    },
)

_SUPPLIER_INVOICE = QDocSpec(
    api="maintainSupplierInvoice",  # UNCONFIRMED (qad-evidence 2.7): supplier_invoice_api
    dataset="dsSupplierInvoice",
    record="tCInvoiceRef",  # the BCInvoice header table [S12]
    fields={
        "supplierInvoiceId": "cInvoiceId",
        "domainCode": "domain",
        "entityCode": "entity",
        "supplierCode": "creditorCode",
        "supplierInvoiceReference": "cInvoiceReference",  # [N19]
        "invoiceType": "cInvoiceType",  # [N19]
        "invoiceDate": "cInvoiceDate",
        "postingDate": "postingDate",
        "dueDate": "dueDate",
        "currencyCode": "currencyCode",
        "totalAmountTC": "originalCreditTC",
        "taxAmountTC": "taxTC",
        "status": "status",
        "isOpen": "isOpen",
        "balanceTC": "balanceTC",
        "customShort0": "cInvoiceDescription",
    },
    children={"matchingLines": _MATCHING_LINE, "expenseLines": _EXPENSE_LINE},
    financials=True,  # Financials objects travel with action/entity [S1]
)


def _master(record: str, code: str, extra: Mapping[str, str]) -> QDocSpec:
    return QDocSpec(
        api="",
        dataset="",
        record=record,
        fields={"sharedSetCode": "sharedSet", code: "code", **extra},
    )


_ANALYSIS = {"description": "desc", "isActive": "active"}

# Every REST table the transport serves, keyed by its REST plural; ``api`` empty = read only.
QDOCS: Mapping[str, QDocSpec] = {
    "supplierV2s": _SUPPLIER,
    "purchaseOrderHeaders": _PURCHASE_ORDER,
    "purchaseOrderReceipts": _RECEIPT,
    "supplierInvoices": _SUPPLIER_INVOICE,
    "glAccounts": _master(
        "glAccount",
        "glCode",
        {
            "description": "desc",
            "glType": "type",
            "analysisType": "analysisType",
            "allowSubAccount": "allowSub",
            "isActive": "active",
        },
    ),
    "costCentres": _master("costCentre", "costCentreCode", _ANALYSIS),
    "subAccounts": _master("subAccount", "subAccountCode", _ANALYSIS),
    "projects": _master("project", "projectCode", _ANALYSIS),
    "items": QDocSpec(
        api="",
        dataset="",
        record="item",
        fields={
            "domainCode": "domain",
            "itemCode": "part",
            "description": "desc1",
            "description2": "desc2",
            "unitOfMeasure": "um",
            "itemType": "partType",
            "itemStatus": "status",
            "glAccountCode": "acct",
        },
    ),
    "domainV3s": QDocSpec(
        api="",
        dataset="",
        record="domain",
        fields={"domainContext": "domain", "entityContext": "entity", "description": "name"},
    ),
    "openReceivers": QDocSpec(
        api="",
        dataset="",
        record="openReceiver",
        fields={
            "domainCode": "domain",
            "receiverNumber": "receiver",
            "purchaseOrderNumber": "poNbr",
            "purchaseOrderLine": "poLine",
            "supplierCode": "vend",
            "itemCode": "part",
            "receiptDate": "rcpDate",
            "quantityReceived": "qtyRcvd",
            "quantityMatched": "qtyMatched",
            "openQuantity": "qtyOpen",
            "unitCost": "unitCost",
            "currencyCode": "curr",
            "isFinished": "isFinished",
        },
    ),
}

# The API version each QDoc is sent with, unless the connection names another [S1: mandatory].
DEFAULT_VERSIONS: Mapping[str, str] = {
    "maintainSupplier": "ERP3_1",  # guess
    "maintainPurchaseOrder": "ERP3_1",  # guess (ERP3_1 is the example version of S1)
    "receivePurchaseOrder": "ERP3_3",  # [N21]
    "maintainSupplierInvoice": "ERP3_1",  # guess
    QUERY["qdoc"]: "ERP3_1",  # guess
}

# The SIAPI ``action`` of a Financials create.
FINANCIALS_ACTION = "create"  # guess
