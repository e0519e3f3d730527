"""The simulator's error catalogue: code and message text of every business-rule answer.

Kept in one table because clients match on these texts (QAD's duplicate answer is only known to
contain "already exists"). Codes are invented (``QAD-`` plus a number); the texts quoted in
``qad.md`` ("already exists", "Record has been changed by another user", "No open receiver for PO
line") are kept verbatim.
"""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = [
    "ALREADY_EXISTS",
    "ALREADY_VOID",
    "ANALYSIS_NOT_ALLOWED",
    "ANALYSIS_REQUIRED",
    "BELOW_RECEIVED",
    "CREDIT_NOTE_MATCH",
    "CURRENCY_MISMATCH",
    "DUE_BEFORE_ORDER",
    "DUE_DATE_DEFAULTED",
    "DUPLICATE_LINE",
    "DUPLICATE_REFERENCE",
    "ENTITY_MISMATCH",
    "HASH_REQUIRED",
    "HAS_PAYMENTS",
    "HAS_RECEIPTS",
    "INACTIVE",
    "INVALID",
    "INVOICE_CLOSED",
    "INVOICE_LOCKED",
    "ITEM_MISMATCH",
    "LINE_NOT_OPEN",
    "NEGATIVE",
    "NOT_CHANGEABLE",
    "NOT_FOUND",
    "NOT_POSITIVE",
    "NO_LINES",
    "NO_OPEN_RECEIVER",
    "ORDER_NOT_OPEN",
    "OVER_ALLOCATION",
    "OVER_MATCH",
    "OVER_RECEIPT",
    "PRICE_HOLD",
    "PRICE_TOLERANCE",
    "REQUIRED",
    "STALE",
    "SUPPLIER_MISMATCH",
    "TOO_LONG",
    "TOTAL_MISMATCH",
    "UNKNOWN_FIELD",
    "UNSUPPORTED_OPERATION",
    "Issue",
    "Msg",
    "Severity",
]


@attrs.frozen
class Msg:
    """One catalogue entry: a stable code and a ``str.format`` template."""

    code: str
    template: str

    def format(self, **values: object) -> str:
        """The message text with ``values`` filled in."""
        return self.template.format(**values)


Severity = Literal["error", "warning"]


@attrs.frozen
class Issue:
    """One rule's answer about one field of one table: an error, or a warning that lets it pass."""

    table: type
    field: str
    value: object
    code: str
    message: str
    severity: Severity = "error"

    @classmethod
    def of(
        cls,
        table: type,
        field: str,
        field_value: object,
        msg: Msg,
        /,
        *,
        warning: bool = False,
        **values: object,
    ) -> Issue:
        """An issue whose text is ``msg`` filled with ``values``."""
        severity: Severity = "warning" if warning else "error"
        return cls(table, field, field_value, msg.code, msg.format(**values), severity)


NOT_FOUND = Msg("QAD-1001", "{label} {value} does not exist.")
INACTIVE = Msg("QAD-1002", "{label} {value} is not active.")
TOO_LONG = Msg("47", "Field length should be less than {limit}.")  # QAD's own text [N3]
DUE_DATE_DEFAULTED = Msg("QAD-C001", "Due date defaults to the order date {date}.")  # a Conf
ALREADY_EXISTS = Msg("QAD-1003", "{label} {value} already exists.")
DUPLICATE_REFERENCE = Msg(  # the check is QAD's CInvoiceForDuplicateReference [N19]; text a guess
    "QAD-1010",
    "Supplier invoice reference {value} already exists for supplier {supplier}, "
    "invoice type {type} in entity {entity} (CInvoiceForDuplicateReference).",
)
REQUIRED = Msg("QAD-1004", "{label} is required.")
INVALID = Msg("QAD-1005", "{label} has an invalid value: {reason}.")
NOT_CHANGEABLE = Msg("QAD-1006", "The field cannot be changed once the record exists.")
UNSUPPORTED_OPERATION = Msg("QAD-1007", "Operation {operation} is not allowed for {label}.")
STALE = Msg("QAD-1008", "Record has been changed by another user.")
HASH_REQUIRED = Msg("QAD-1009", "The concurrency hash is required to change this record.")
NOT_POSITIVE = Msg("QAD-1010", "{label} must be greater than zero.")
NEGATIVE = Msg("QAD-1011", "{label} cannot be negative.")
ENTITY_MISMATCH = Msg("QAD-1012", "Entity {value} is not the entity of domain {domain}.")

# account coding
ANALYSIS_REQUIRED = Msg("QAD-2001", "GL account {account} requires a {label}.")
ANALYSIS_NOT_ALLOWED = Msg("QAD-2002", "GL account {account} does not allow a {label}.")

# purchasing
DUE_BEFORE_ORDER = Msg("QAD-3001", "Due date {due} is before the order date {ordered}.")
ORDER_NOT_OPEN = Msg("QAD-3002", "Purchase order {value} is not open.")
LINE_NOT_OPEN = Msg("QAD-3003", "Purchase order line {po}/{line} is not open.")
OVER_RECEIPT = Msg(
    "QAD-3004", "Quantity {quantity} exceeds the open quantity {open} on PO line {po}/{line}."
)
BELOW_RECEIVED = Msg(
    "QAD-3005", "Quantity ordered {quantity} is less than the quantity received {received}."
)
HAS_RECEIPTS = Msg("QAD-3006", "{label} {value} has receipts and cannot be deleted.")
ITEM_MISMATCH = Msg("QAD-3007", "Item {value} is not the item {expected} of PO line {po}/{line}.")
DUPLICATE_LINE = Msg("QAD-3008", "PO line {po}/{line} appears more than once.")
UNKNOWN_FIELD = Msg("QAD-3009", "{value} is not a field of {label}.")

# matching and payables
NO_OPEN_RECEIVER = Msg("QAD-4001", "No open receiver for PO line {po}/{line}{detail}.")
OVER_MATCH = Msg(
    "QAD-4002",
    "Match quantity {quantity} exceeds the open quantity {open} of receiver {receiver} "
    "on PO line {po}/{line}.",
)
_PRICE = "Unit price {price} differs from the PO price {po_price} by more than the tolerance"
PRICE_TOLERANCE = Msg("QAD-4003", _PRICE + " {tolerance}.")
PRICE_HOLD = Msg("QAD-4004", _PRICE + " {tolerance}; the invoice is on hold.")
SUPPLIER_MISMATCH = Msg(
    "QAD-4005", "{label} {value} belongs to supplier {owner}, not to supplier {supplier}."
)
CURRENCY_MISMATCH = Msg("QAD-4006", "Currency {value} differs from the {label} currency {other}.")
TOTAL_MISMATCH = Msg("QAD-4007", "Total {value} does not equal the sum of the lines {expected}.")
CREDIT_NOTE_MATCH = Msg("QAD-4008", "A credit note cannot be matched to receivers.")
NO_LINES = Msg("QAD-4009", "{label} needs at least one line.")
OVER_ALLOCATION = Msg(
    "QAD-4010", "Allocation {amount} exceeds the open balance {balance} of invoice {invoice}."
)
INVOICE_CLOSED = Msg("QAD-4011", "Supplier invoice {value} is not open.")
INVOICE_LOCKED = Msg(
    "QAD-4014", "Supplier invoice {value} is paid or final: its lines and amounts cannot change."
)
HAS_PAYMENTS = Msg("QAD-4012", "Supplier invoice {value} has payments and cannot be deleted.")
ALREADY_VOID = Msg("QAD-4013", "Payment {value} is already void.")
