"""The QAD resources over QXtend: each REST operation's :class:`Intent` carried out as QDocs.

* A browse is one Query Service page (``includeDetail=false``); its next link is the endpoint
  with our own ``qxtendPage`` parameter, which :class:`SOAPOperation` moves into the body.
* A keyed read is a query with the document's lines (``includeDetail=true``). QXtend has no
  concurrency hash, so the transport gives each read record one: a digest of the record as
  read. An update reads the record again and refuses with ``QADConflict`` when that digest
  changed, then sends ``M``.
* A create is ``A`` (re-sent with its key it meets "already exists", never a second record;
  a document QAD numbers is found by its external reference, below), an update ``M`` (never
  creates), PO lines ``A``/``M`` each. ``S`` and ``D`` are never sent.
* Every accepted write is read back and the stored record returned, so a create needs its key
  or an ``external_reference`` to be found by. A receipt is verified by that read: QXtend has
  answered ``success`` without the quantity posting and ``error`` with the movement posted, so
  the read decides. A create whose answer was lost (a timeout after the server committed) is
  looked for by its external reference before the unknown outcome is reported: found once,
  it is the write's result.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import httpx

from mlconnector_http import (
    APIError,
    FieldError,
    Flow,
    Operation,
    Page,
    WriteOutcomeUnknown,
    decode_each,
)
from qad_client import _names as n
from qad_client._convert import from_wire
from qad_client._exceptions import (
    QADAuthError,
    QADConfigurationError,
    QADConflict,
    QADServerError,
    QADStatusError,
    QADValidationError,
)
from qad_client._intent import Intent
from qad_client._models import Filter, PathCheck, Supplier, ValidationReport, Workspace, WriteResult
from qad_client.qxtend import _names as x
from qad_client.qxtend import _xml
from qad_client.qxtend._connection import QXtendConnection
from qad_client.qxtend._envelope import QDocReply, SOAPOperation, build_envelope, read_reply

__all__ = ["QXtendTransport"]

T = TypeVar("T")

Wire = dict[str, Any]
_CODES = {n.CONTROL["create"]: x.OPERATION["add"], n.CONTROL["update"]: x.OPERATION["modify"]}
_DEFAULT_PAGE = 200


def _spec(table: n.Table) -> x.QDocSpec:
    spec = x.QDOCS.get(table.plural)
    if spec is None:
        raise QADConfigurationError(f"{table.plural} is not available over QXtend")
    return spec


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _to_qdoc(spec: x.QDocSpec, record: Mapping[str, Any], operation: str) -> dict[str, Any]:
    """A REST wire record as a QDoc record: ``operation`` first, each field by its element."""
    out: dict[str, Any] = {"operation": operation} if operation else {}
    for wire, value in record.items():
        if wire == n.CONTROL["data_operation"] or value is None:
            continue
        if wire in spec.children:
            child = spec.children[wire]
            out[child.record] = [
                _to_qdoc(child, row, _CODES.get(row.get(n.CONTROL["data_operation"], ""), ""))
                for row in value
            ]
            continue
        element = spec.element(wire)
        if element is None:
            raise QADConfigurationError(
                f"{spec.record} has no QDoc element for {wire!r}: add it to "
                "qad_client.qxtend._names.QDOCS"
            )
        out[element] = _text(value)
    return out


def _from_qdoc(spec: x.QDocSpec, row: ET.Element) -> Wire:
    """A QDoc row as a REST wire record (strings; the converter reads numbers and flags)."""
    by_record = {child.record: (wire, child) for wire, child in spec.children.items()}
    out: Wire = {}
    for element in row:
        name = _xml.local(element.tag)
        if name in by_record:
            wire, child = by_record[name]
            out.setdefault(wire, []).append(_from_qdoc(child, element))
            continue
        found = spec.wire(name)
        if found is not None:
            out[found] = _xml.text_of(element)
    for wire in spec.children:
        out.setdefault(wire, [])
    return out


def digest(record: Mapping[str, Any]) -> str:
    """The stand-in concurrency hash of a record as read: a digest of its fields."""
    data = {k: v for k, v in record.items() if k != n.META["concurrency_hash"]}
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class QXtendTransport:
    """Carries out QAD operations' intents as QXtend calls, as flows both executors run."""

    def __init__(self, connection: QXtendConnection) -> None:
        self.connection = connection

    def __repr__(self) -> str:
        c = self.connection
        return f"QXtendTransport(endpoint={str(c.endpoint)!r}, receiver={c.receiver!r})"

    # --- the seam ------------------------------------------------------------------------------

    def carried(self, flow: Flow[T], ws: Workspace) -> Flow[T]:
        """``flow`` with each operation it yields carried out over QXtend."""
        try:
            op = next(flow)
            while True:
                try:
                    value = yield from self.flow_of(op, ws)
                except APIError as error:
                    op = flow.throw(error)
                else:
                    op = flow.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    def flow_of(self, op: Operation[T], ws: Workspace) -> Flow[T]:
        """One REST operation's meaning as QXtend calls; refused when it has no equivalent."""
        if isinstance(op, SOAPOperation):
            value: T = yield op
            return value
        intent: Intent | None = getattr(op, "intent", None)
        if intent is None:
            raise QADConfigurationError(
                f"{op.name} is not available over QXtend (a REST-only call); "
                "purchase_orders.save with new_lines adds PO lines on both transports"
            )
        if intent.kind == "browse":
            page: T = yield self.browse(intent, ws, path=op.path)
            return page
        if intent.kind == "read":
            found: T = yield self.query(intent.table, intent.model, self._key_filters(intent), ws)
            return found
        written: T = yield from self.write(op, intent, ws)
        return written

    def first_page(self, op: Operation[Page[T]], ws: Workspace) -> SOAPOperation[Page[T]]:
        """The first page of a listing, for the toolkit's paginator."""
        intent: Intent | None = getattr(op, "intent", None)
        if intent is None or intent.kind != "browse":
            raise QADConfigurationError(f"{op.name} is not a listing QXtend can serve")
        return self.browse(intent, ws, path=op.path)

    # --- reads ---------------------------------------------------------------------------------

    def _query_op(
        self,
        name: str,
        table: n.Table,
        filters: Sequence[Filter],
        ws: Workspace,
        *,
        detail: bool,
        page_size: int,
        path: str,
        parse: Any,
    ) -> SOAPOperation[Any]:
        q = x.QUERY
        query_table = x.QUERY_TABLES.get(table.plural)
        if query_table is None:
            raise QADConfigurationError(f"{table.plural} cannot be queried over QXtend")
        spec = _spec(table)
        clauses = []
        for flt in filters:
            element = spec.element(table.wire(flt.field))
            if element is None:
                raise QADConfigurationError(f"{table.plural} cannot be queried on {flt.field!r}")
            clause: dict[str, Any] = {
                q["field"]: element,
                q["operator"]: flt.op,
                q["value"]: flt.value,
            }
            if flt.to is not None:
                clause[q["to"]] = flt.to
            clauses.append(clause)
        connection = self.connection

        def envelope(page: int | None) -> bytes:
            request: dict[str, Any] = {
                q["table"]: query_table,
                q["detail"]: "true" if detail else "false",
                q["page"]: str(page or 1),
                q["page_size"]: str(page_size),
                q["filter"]: clauses,
            }
            return build_envelope(
                connection,
                q["qdoc"],
                q["dataset"],
                q["request"],
                [request],
                domain=ws.domain,
            )

        return SOAPOperation(
            name=name,
            method="POST",
            path=path,
            parse=parse,
            envelope=envelope,
            retry_safe=True,  # a query changes nothing
            authenticated=False,
        )

    def _rows(self, reply: httpx.Response, table: n.Table) -> tuple[list[Wire], bool]:
        found = read_reply(reply, x.QUERY["qdoc"])
        q = x.QUERY
        results = _xml.child(found.body, q["result_set"])
        if results is None:
            raise ValueError(f"query of {table.plural} answered without {q['result_set']}")
        spec = _spec(table)
        rows = [_from_qdoc(spec, row) for row in _xml.children(results, q["row"])]
        more = _xml.text_of(_xml.child(found.body, q["has_more"])).lower() == "true"
        return rows, more

    def browse(self, intent: Intent, ws: Workspace, *, path: str) -> SOAPOperation[Page[Any]]:
        """One page of a listing: flat rows (no lines, no hash, as a REST browse)."""
        table, model = intent.table, intent.model
        endpoint = str(self.connection.endpoint)
        start = path if path.startswith(endpoint) else endpoint

        def parse(reply: httpx.Response) -> Page[Any]:
            rows, more = self._rows(reply, table)
            page = _page_of(str(reply.request.url)) or 1
            entries = decode_each(
                rows,
                lambda i, row: from_wire(row, model, record=f"{table.plural} page {page} row {i}"),
                identify=lambda row: row.get(table.wire(table.keys[0])) if table.keys else None,
                page_url=str(reply.request.url),
            )
            next_url = None
            if more and entries:
                next_url = str(
                    httpx.URL(endpoint).copy_set_param(x.QUERY["continue"], str(page + 1))
                )
            return Page.of(entries, next_url)

        return self._query_op(
            f"{table.plural}.browse",
            table,
            intent.filters,
            ws,
            detail=False,
            page_size=intent.page_size or _DEFAULT_PAGE,
            path=start,
            parse=parse,
        )

    def _key_filters(self, intent: Intent) -> list[Filter]:
        return [Filter(attribute, "eq", value) for attribute, value in intent.keys.items()]

    def query(
        self, table: n.Table, model: type[T], filters: Sequence[Filter], ws: Workspace
    ) -> SOAPOperation[list[T]]:
        """Every record the filters select, whole (lines included), each with its digest."""
        label = ",".join(f"{f.field}={f.value}" for f in filters)

        def parse(reply: httpx.Response) -> list[T]:
            rows, _ = self._rows(reply, table)
            out = []
            for row in rows:
                row[n.META["concurrency_hash"]] = digest(row)
                out.append(from_wire(row, model, record=f"{table.plural} {label}"))
            return out

        return self._query_op(
            f"{table.plural}.read",
            table,
            filters,
            ws,
            detail=True,
            page_size=x.MAX_READ_ROWS,
            path=str(self.connection.endpoint),
            parse=parse,
        )

    # --- writes --------------------------------------------------------------------------------

    def maintain(
        self,
        name: str,
        table: n.Table,
        rows: Sequence[Mapping[str, Any]],
        ws: Workspace,
        *,
        reference: str | None,
    ) -> SOAPOperation[QDocReply]:
        """One ``maintain<Object>`` (or ``receivePurchaseOrder``) message, not retry-safe."""
        spec = _spec(table)
        api = self.connection.api_name(table.plural)
        if not api:
            raise QADConfigurationError(f"{table.plural} is read-only over QXtend")
        self.connection.version(api)  # refused before sending when not configured
        connection = self.connection

        def envelope(_: int | None) -> bytes:
            return build_envelope(
                connection,
                api,
                spec.dataset,
                spec.record,
                rows,
                domain=ws.domain,
                financials=spec.financials,
            )

        def parse(reply: httpx.Response) -> QDocReply:
            return read_reply(reply, api, rename=lambda field: _wire_name(spec, field))

        return SOAPOperation(
            name=name,
            method="POST",
            path=str(self.connection.endpoint),
            parse=parse,
            envelope=envelope,
            authenticated=False,
            reference=reference,
        )

    def _lookup(self, intent: Intent, record: Mapping[str, Any]) -> list[Filter] | None:
        """How the written record is found again: its keys, else its external reference."""
        table = intent.table
        keys = [(k, record.get(table.wire(k))) for k in table.keys]
        if keys and all(v not in (None, "") for _, v in keys):
            return [Filter(k, "eq", _text(v)) for k, v in keys]
        if "external_reference" in table.fields:
            reference = record.get(table.wire("external_reference"))
            if isinstance(reference, str) and reference:
                return [Filter("external_reference", "eq", reference)]
        return None

    def write(self, op: Operation[Any], intent: Intent, ws: Workspace) -> Flow[Any]:
        """Send the write with a deliberate operation code, then read the record back."""
        table, model = intent.table, intent.model
        ws = intent.workspace or ws
        spec = _spec(table)
        record = dict(intent.record)
        if table.scope == "domain":
            record.setdefault(table.wire("domain"), ws.domain)
        if "entity" in table.fields:
            record.setdefault(table.wire("entity"), ws.entity)
        lookup = self._lookup(intent, record)
        if lookup is None:
            raise QADConfigurationError(
                f"a {table.plural} create over QXtend needs its "
                f"{'/'.join(table.keys) or 'key'} or an external_reference, so that it can be "
                "read back (and found after a lost answer) without a second document"
            )
        code = _CODES.get(intent.operation)
        if code is None:
            raise QADConfigurationError(f"{op.name}: no QXtend operation for {intent.operation!r}")
        if code == x.OPERATION["modify"]:
            current: list[Any] = yield self.query(table, model, lookup, ws)
            if not current:
                raise QADConflict(
                    f"{table.plural} {lookup[0].value} no longer exists in domain {ws.domain}",
                    status_code=200,
                    method="POST",
                    path=self.connection.endpoint.path,
                )
            if getattr(current[0], "concurrency_hash", "") != intent.concurrency_hash:
                raise QADConflict(
                    f"{table.plural} {lookup[0].value} has been changed by another user since "
                    "it was read: read it again with get() and re-apply the change",
                    status_code=200,
                    method="POST",
                    path=self.connection.endpoint.path,
                )
        message = self.maintain(
            op.name, table, [_to_qdoc(spec, record, code)], ws, reference=op.reference
        )
        if table is n.RECEIPT:
            return (yield from self._verified_receipt(message, record, lookup, model, ws))
        try:
            reply: QDocReply = yield message
        except WriteOutcomeUnknown as unknown:
            return (yield from self._resolved(unknown, intent, record, ws))
        stored: list[Any] = yield self.query(table, model, lookup, ws)
        if len(stored) != 1:
            raise QADServerError(
                f"QXtend accepted {op.name}, but reading it back found {len(stored)} records",
                status_code=200,
                method="POST",
                path=self.connection.endpoint.path,
            )
        return WriteResult(stored[0], reply.messages)

    def _resolved(
        self,
        unknown: WriteOutcomeUnknown,
        intent: Intent,
        record: Mapping[str, Any],
        ws: Workspace,
    ) -> Flow[Any]:
        """A create whose answer was lost, looked for by its external reference at once.

        Exactly one record carrying the reference is this write's (references are unique per
        source record); none, or an update, leaves the outcome unknown for the caller.
        """
        table = intent.table
        reference = (
            record.get(table.wire("external_reference"))
            if "external_reference" in table.fields
            else None
        )
        if (
            intent.operation != n.CONTROL["create"]
            or not isinstance(reference, str)
            or not reference
        ):
            raise unknown
        by_reference = [Filter("external_reference", "eq", reference)]
        found: list[Any] = yield self.query(table, intent.model, by_reference, ws)
        if len(found) != 1:
            raise unknown
        note = FieldError("", f"the answer was lost ({unknown.cause}); found by {reference!r}")
        return WriteResult(found[0], (note,))

    def _verified_receipt(
        self,
        message: SOAPOperation[QDocReply],
        record: Mapping[str, Any],
        lookup: list[Filter],
        model: type,
        ws: Workspace,
    ) -> Flow[Any]:
        """Post a receipt; what the read-back finds decides, whatever the answer said."""
        refused: APIError | None = None
        messages: tuple[FieldError, ...] = ()
        try:
            reply: QDocReply = yield message
            messages = reply.messages
        except (QADValidationError, WriteOutcomeUnknown) as error:
            refused = error
        found: list[Any] = yield self.query(n.RECEIPT, model, lookup, ws)
        wanted = _quantities(record.get(n.RECEIPT.wire("lines")) or [])
        posted = [r for r in found if _posted(r) == wanted]
        if len(posted) == 1:
            if refused is not None:
                note = FieldError(
                    "", f"QXtend answered {type(refused).__name__}, but the receipt is posted"
                )
                messages = (*getattr(refused, "errors", ()), note)
            return WriteResult(posted[0], messages)
        if refused is not None:
            raise refused
        raise QADServerError(
            f"QXtend answered success to receivePurchaseOrder, but {len(found)} receipt(s) "
            f"carry {lookup[0].value} and {len(posted)} with the quantities sent: not posted",
            status_code=200,
            method="POST",
            path=self.connection.endpoint.path,
        )

    # --- validate ------------------------------------------------------------------------------

    def validate(self, ws: Workspace, apis: Sequence[tuple[str, str]]) -> Flow[ValidationReport]:
        """Endpoint, receiver and credentials (one query), then each QDoc with a no-op ``N``."""
        checks: list[PathCheck] = []
        probe = Intent(kind="browse", table=n.SUPPLIER, model=Supplier, page_size=1)
        label = f"{x.QUERY['qdoc']} ({x.QUERY_TABLES['supplierV2s']})"
        try:
            yield self.browse(probe, ws, path="")
            checks.append(PathCheck("query", "POST", label, 200))
        except QADAuthError:
            raise
        except QADStatusError as error:
            checks.append(PathCheck("query", "POST", label, error.status_code, error.message))
        except QADConfigurationError as error:
            checks.append(PathCheck("query", "POST", label, None, str(error)))
        for resource, plural in apis:
            api = self.connection.api_name(plural)
            try:
                version = self.connection.version(api)
            except QADConfigurationError as error:
                checks.append(PathCheck(resource, "POST", api, None, str(error)))
                continue
            table = next(t for t in n.TABLES.values() if t.plural == plural)
            noop = self.maintain(f"validate.{api}", table, [{"operation": "N"}], ws, reference=None)
            noop = _as_safe(noop)
            try:
                yield noop
                checks.append(PathCheck(resource, "POST", f"{api} ({version})", 200))
            except QADAuthError:
                raise
            except QADStatusError as error:
                checks.append(
                    PathCheck(
                        resource, "POST", f"{api} ({version})", error.status_code, error.message
                    )
                )
        return ValidationReport(tuple(checks))


def _wire_name(spec: x.QDocSpec, element: str) -> str:
    """The REST wire name of a QDoc element an error names, so errors read alike on both."""
    for candidate in (spec, *spec.children.values()):
        found = candidate.wire(element)
        if found is not None:
            return found
    return element


def _as_safe(op: SOAPOperation[T]) -> SOAPOperation[T]:
    return attrs.evolve(op, retry_safe=True)  # N writes nothing


def _page_of(path: str) -> int | None:
    raw = httpx.URL(path).params.get(x.QUERY["continue"]) if path else None
    return int(raw) if raw is not None and raw.isdigit() and len(raw) < 9 else None


def _quantities(lines: Sequence[Mapping[str, Any]]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for line in lines:
        key = int(str(line.get(n.RECEIPT_LINE.wire("po_line"))))
        out[key] = out.get(key, Decimal(0)) + Decimal(
            str(line.get(n.RECEIPT_LINE.wire("quantity")))
        )
    return out


def _posted(receipt: Any) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for line in receipt.lines:
        out[line.po_line] = out.get(line.po_line, Decimal(0)) + line.quantity
    return out
