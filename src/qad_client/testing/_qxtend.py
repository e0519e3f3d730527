"""QXtend Inbound of a simulated QAD Enterprise Edition site: a second front door on one tenant.

``QXtendSimulator`` answers SOAP 1.1 QDocs at ``/qxi<instance>/services/QdocWebService`` over
the *same* :class:`~qad_client.testing.TenantState` as a :class:`QADSimulator` tenant, and
under the REST simulator's lock: a supplier written through QXtend is read back through REST
and the reverse, with the same business rules (three-way match, tolerances, all-or-nothing
requests). It reads requests with the client's safe parser (no DTDs, bounded sizes), checks
``wsa:To`` names a receiver it has, each API's version, and the ``dsSessionContext``
credentials against the tenant's users (wrong passwords count towards QAD's lockout).

Faults besides the kernel's (``sim.faults``: timeouts, timeouts after commit, drops):
:func:`soap_fault` answers a ``ProcessException``; :meth:`QXtendSimulator.error_after_posting`
answers ``result=error`` although the goods movement posted, and
:meth:`QXtendSimulator.success_without_posting` answers ``success`` without posting it, the
two receipt behaviours seen on real sites. Every QDoc handled is logged in ``sim.calls``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from mlconnector_http.testing import Fault, NoRoute, Simulator
from qad_client import _names as client_names
from qad_client.qxtend import _names as x
from qad_client.qxtend import _xml
from qad_client.testing._browse import BrowseError, parse_filter
from qad_client.testing._codec import NAMES, decode, encode, field_specs
from qad_client.testing._messages import Issue
from qad_client.testing._records import Domain, Record

if TYPE_CHECKING:
    from qad_client.testing._simulator import QADSimulator

__all__ = ["DEFAULT_APIS", "QDocCall", "QXtendSimulator", "soap_fault"]

_QDOC = x.NS["qdoc"]
_QCOM = x.NS["qcom"]
_SOAP = x.NS["soap"]
_WSA = x.NS["wsa"]
_XML_TYPE = {"content-type": "text/xml; charset=utf-8"}
_OPERATIONS = {
    x.OPERATION["add"]: "C",
    x.OPERATION["modify"]: "U",
    x.OPERATION["sync"]: "S",
}

DEFAULT_APIS: Mapping[str, str] = dict(x.DEFAULT_VERSIONS)
"""API name -> version a new receiver accepts (the client's defaults)."""


@attrs.frozen
class QDocCall:
    """One QDoc the simulator handled: API, receiver, user, record operations and result."""

    api: str
    receiver: str
    user: str
    operations: tuple[str, ...]
    result: str
    at: datetime


def _fault_body(code: str, text: str, kind: str = "") -> bytes:
    root = ET.Element(_xml.qname(_SOAP, "Envelope"))
    body = _xml.sub(root, _SOAP, "Body")
    fault = _xml.sub(body, _SOAP, x.FAULT["fault"])
    _xml.sub(fault, "", x.FAULT["code"], code)
    _xml.sub(fault, "", x.FAULT["string"], text)
    if kind:
        detail = _xml.sub(fault, "", x.FAULT["detail"])
        _xml.sub(detail, _QDOC, kind)
    return _xml.serialize(root)


def _fault(code: str, text: str, kind: str = "") -> httpx.Response:
    return httpx.Response(500, headers=_XML_TYPE, content=_fault_body(code, text, kind))


def soap_fault(text: str = "Processing timeout", *, number: int = 100) -> Fault:
    """A SOAP Fault answer (``ProcessException<number>``) instead of the handler's."""
    kind = f"{x.FAULT['process_exception']}{number}"
    return Fault.http_status(
        500, headers=dict(_XML_TYPE), body=_fault_body("soapenv:Server", text, kind)
    )


class _Refused(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__("refused")
        self.response = response


def _sim_table(plural: str) -> type[Record] | None:
    for table, names in NAMES.items():
        if names.plural == plural and issubclass(table, Record):
            return table
    return None


class QXtendSimulator(Simulator):
    """QXtend Inbound over one tenant of a :class:`QADSimulator` (state and lock shared).

    Args:
        rest: the REST simulator whose tenant this front door serves.
        tenant: the tenant key (``add_tenant``'s name).
        receiver: the QXI receiver created with the simulator.
        apis: API name -> version that receiver accepts (default :data:`DEFAULT_APIS`).
        instance: the ``qxi<instance>`` path segment.
        host: the host (and port) of the in-process endpoint.
        supplier_invoice_api: the QDoc this site takes supplier invoices through.
    """

    def __init__(
        self,
        rest: QADSimulator,
        tenant: str,
        *,
        receiver: str = "MLCONNECTOR",
        apis: Mapping[str, str] | None = None,
        instance: str = "qxilive",
        host: str = "qad-ee.example.com:8143",
        supplier_invoice_api: str = x.QDOCS["supplierInvoices"].api,
    ) -> None:
        super().__init__(clock=rest.clock)
        self.lock = rest.lock  # one lock: the two front doors never interleave on the state
        self.rest = rest
        self.tenant = tenant
        self.instance = instance
        self.host = host
        self.supplier_invoice_api = supplier_invoice_api
        self.receivers: dict[str, dict[str, str]] = {}
        self.calls: list[QDocCall] = []
        self._error_after_posting: dict[str, int] = {}
        self._success_without_posting: dict[str, int] = {}
        rest.state(tenant)  # the tenant must exist
        self.add_receiver(receiver, apis)

    # --- configuration -------------------------------------------------------------------------

    def add_receiver(self, name: str, apis: Mapping[str, str] | None = None) -> None:
        """Configure a receiver and the API versions it accepts."""
        accepted = dict(DEFAULT_APIS if apis is None else apis)
        if apis is None and self.supplier_invoice_api not in accepted:
            accepted[self.supplier_invoice_api] = DEFAULT_APIS[x.QDOCS["supplierInvoices"].api]
        with self.lock:
            self.receivers[name] = accepted

    def endpoint(self, origin: str | None = None) -> str:
        """The QXI web service URL, in process or below ``origin`` (from :meth:`serve`)."""
        path = f"/{self.instance}/services/QdocWebService"
        return (origin.rstrip("/") if origin else f"https://{self.host}") + path

    def error_after_posting(self, api: str = "receivePurchaseOrder", times: int = 1) -> None:
        """The next ``times`` accepted ``api`` messages post, then answer ``result=error``."""
        with self.lock:
            self._error_after_posting[api] = self._error_after_posting.get(api, 0) + times

    def success_without_posting(self, api: str = "receivePurchaseOrder", times: int = 1) -> None:
        """The next ``times`` ``api`` messages answer ``success`` and post nothing."""
        with self.lock:
            self._success_without_posting[api] = self._success_without_posting.get(api, 0) + times

    def reset(self) -> None:
        """Forget fault rules, the request log and the QDoc log (the tenant stays)."""
        with self.lock:
            self.faults.clear()
            self.requests.clear()
            self.calls.clear()
            self._error_after_posting.clear()
            self._success_without_posting.clear()

    # --- HTTP ----------------------------------------------------------------------------------

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        """One SOAP request: envelope, receiver, session, then the API's handler."""
        if not request.url.path.endswith(f"/{self.instance}/services/QdocWebService"):
            raise NoRoute(404, request.method, request.url.path)
        if request.method != "POST":
            raise NoRoute(405, request.method, request.url.path)
        try:
            return self._handle(request)
        except _Refused as refused:
            return refused.response

    def not_found(self, request: httpx.Request, error: NoRoute) -> httpx.Response:
        """404/405 as an Axis-style SOAP Fault."""
        return httpx.Response(
            error.status,
            headers=_XML_TYPE,
            content=_fault_body("soapenv:Client", f"No service at {request.url.path}"),
        )

    def _handle(self, request: httpx.Request) -> httpx.Response:
        try:
            root = _xml.parse(request.content)
        except _xml.UnsafeXML as bad:
            raise _Refused(_fault("soapenv:Client", f"Request refused: {bad}")) from None
        if root.tag != _xml.qname(_SOAP, "Envelope"):
            raise _Refused(
                _fault("soapenv:VersionMismatch", f"Not a SOAP 1.1 envelope: {root.tag}")
            )
        header = _xml.child(root, "Header", _SOAP)
        to = _xml.text_of(_xml.child(header, x.WSA["to"], _WSA)) if header is not None else ""
        receiver = to.removeprefix(x.WSA["to_prefix"]) if to.startswith(x.WSA["to_prefix"]) else ""
        if receiver not in self.receivers:
            raise _Refused(
                _fault("soapenv:Client", f"Receiver {to!r} not found", "ProcessException110")
            )
        body = _xml.child(root, "Body", _SOAP)
        calls = list(body) if body is not None else []
        if len(calls) != 1 or _xml.namespace_of(calls[0].tag) != _QDOC:
            raise _Refused(_fault("soapenv:Client", "SOAP body must hold one QDoc"))
        call = calls[0]
        api = _xml.local(call.tag)
        context = self._context(call)
        version = self.receivers[receiver].get(api)
        if version is None or context.get(x.CONTEXT["version"]) != version:
            raise _Refused(
                _fault(
                    "soapenv:Client",
                    f"API {api}-{context.get(x.CONTEXT['version'], '')} is not configured for "
                    f"receiver {receiver}",
                    "ProcessException120",
                )
            )
        tenant = self.rest._tenant(self.tenant)
        principal = tenant.auth.basic(
            context.get(x.CONTEXT["username"], ""), context.get(x.CONTEXT["password"], "")
        )
        if principal is None:
            raise _Refused(
                _fault(
                    "soapenv:Server",
                    "Session init failed: invalid user or password",
                    "ProcessException101",
                )
            )
        domain = tenant.state.domain(context.get(x.CONTEXT["domain"], ""))
        if api == x.QUERY["qdoc"]:
            return self._query(call, api, receiver, principal.name, domain)
        return self._maintain(call, api, receiver, principal, domain, context)

    def _context(self, call: ET.Element) -> dict[str, str]:
        s = x.SESSION
        context = _xml.child(call, s["context"], _QCOM)
        out: dict[str, str] = {}
        for row in _xml.children(context, s["row"]) if context is not None else []:
            name = _xml.text_of(_xml.child(row, s["name"]))
            out[name] = _xml.text_of(_xml.child(row, s["value"]))
        return out

    def _reply(
        self,
        api: str,
        result: str,
        issues: Iterable[Issue],
        spec: x.QDocSpec | None,
        extra: ET.Element | None = None,
        more: bool | None = None,
    ) -> httpx.Response:
        root = ET.Element(_xml.qname(_SOAP, "Envelope"))
        body = _xml.sub(root, _SOAP, "Body")
        answer = _xml.sub(body, _QDOC, api + x.RESPONSE["suffix"])
        _xml.sub(answer, _QDOC, x.RESPONSE["result"], result)
        r = x.RESPONSE
        listed = list(issues)
        if listed:
            exceptions = _xml.sub(answer, _QCOM, r["exceptions"])
            for issue in listed:
                row = _xml.sub(exceptions, _QCOM, r["row"])
                _xml.sub(row, _QCOM, r["number"], issue.code)
                _xml.sub(row, _QCOM, r["description"], issue.message)
                _xml.sub(row, _QCOM, r["severity"], issue.severity)
                _xml.sub(row, _QCOM, r["field"], _element_of(spec, issue))
                _xml.sub(row, _QCOM, r["context"], "" if issue.value is None else str(issue.value))
        if extra is not None:
            answer.append(extra)
        if more is not None:
            _xml.sub(answer, _QDOC, x.QUERY["has_more"], "true" if more else "false")
        return httpx.Response(200, headers=_XML_TYPE, content=_xml.serialize(root))

    def _log(
        self, api: str, receiver: str, user: str, operations: Iterable[str], result: str
    ) -> None:
        self.calls.append(
            QDocCall(api, receiver, user, tuple(operations), result, self.clock.now())
        )

    # --- the Query Service ---------------------------------------------------------------------

    def _query(
        self, call: ET.Element, api: str, receiver: str, user: str, domain: Domain | None
    ) -> httpx.Response:
        q = x.QUERY
        dataset = _xml.child(call, q["dataset"])
        request = _xml.child(dataset, q["request"]) if dataset is not None else None
        if request is None:
            raise _Refused(_fault("soapenv:Client", f"{api} without {q['request']}"))
        name = _xml.text_of(_xml.child(request, q["table"]))
        plural = next((p for p, t in x.QUERY_TABLES.items() if t == name), "")
        table = _sim_table(plural)
        if table is None or domain is None:
            issue = Issue(Domain, "domain", name, "QX-2001", f"Unknown table {name!r} or domain.")
            self._log(api, receiver, user, ("G",), "error")
            return self._reply(api, "error", [issue], None)
        spec = x.QDOCS[plural]
        try:
            page = max(1, int(_xml.text_of(_xml.child(request, q["page"])) or "1"))
            size = min(
                1000, max(1, int(_xml.text_of(_xml.child(request, q["page_size"])) or "200"))
            )
            filters = [
                self._filter(spec, clause, table) for clause in _xml.children(request, q["filter"])
            ]
        except (ValueError, BrowseError) as bad:
            issue = Issue(table, "", "", "QX-2002", f"Bad query: {bad}")
            self._log(api, receiver, user, ("G",), "error")
            return self._reply(api, "error", [issue], spec)
        detail = _xml.text_of(_xml.child(request, q["detail"])).lower() == "true"
        state = self.rest.state(self.tenant)
        selected = [r for r in state.source(table, domain) if all(f.accepts(r) for f in filters)]
        start = (page - 1) * size
        chosen = selected[start : start + size]
        results = ET.Element(_xml.qname(_QDOC, q["result_set"]))
        for record in chosen:
            wire = encode(record)
            if not detail:
                wire = {k: v for k, v in wire.items() if not isinstance(v, list)}
            _row(results, q["row"], spec, wire)
        self._log(api, receiver, user, ("G",), "success")
        return self._reply(api, "success", [], spec, results, more=start + size < len(selected))

    def _filter(self, spec: x.QDocSpec, clause: ET.Element, table: type[Record]) -> Any:
        q = x.QUERY
        element = _xml.text_of(_xml.child(clause, q["field"]))
        wire = spec.wire(element)
        if wire is None:
            raise BrowseError(f"unknown field {element!r}")
        op = _xml.text_of(_xml.child(clause, q["operator"]))
        value = _xml.text_of(_xml.child(clause, q["value"]))
        if op == "rg":
            to = _xml.text_of(_xml.child(clause, q["to"]))
            return parse_filter(f"{wire},rg,{value},literal,{to},literal", table)
        return parse_filter(f"{wire},{op},{value},literal", table)

    # --- maintain<Object> ----------------------------------------------------------------------

    def _maintain(
        self,
        call: ET.Element,
        api: str,
        receiver: str,
        principal: Any,
        domain: Domain | None,
        context: Mapping[str, str],
    ) -> httpx.Response:
        plural = next((p for p, s in x.QDOCS.items() if s.api and s.api == api), "")
        if api == self.supplier_invoice_api:
            plural = "supplierInvoices"
        table = _sim_table(plural)
        if table is None:
            raise _Refused(_fault("soapenv:Client", f"Unknown API {api}", "ProcessException120"))
        spec = x.QDOCS[plural]
        names = NAMES[table]
        dataset = _xml.child(call, spec.dataset)
        rows = _xml.children(dataset, spec.record) if dataset is not None else []
        operations = tuple(_xml.text_of(_xml.child(r, "operation")) for r in rows)
        if not rows:
            raise _Refused(_fault("soapenv:Client", f"{api} without {spec.dataset}/{spec.record}"))
        if all(op == x.OPERATION["noop"] for op in operations):
            self._log(api, receiver, principal.name, operations, "success")
            return self._reply(api, "success", [], spec)
        issues: list[Issue] = []
        if spec.financials and not (
            context.get(x.CONTEXT["action"]) and context.get(x.CONTEXT["entity"])
        ):
            issues.append(
                Issue(table, "entity", "", "QX-3001", "Financials APIs need action and entity.")
            )
        if not principal.may(names.permission_name, write=True):
            issues.append(
                Issue(table, "", "", "QX-3002", f"User {principal.name} may not run {api}.")
            )
        entries = []
        for row in rows:
            raw = self._wire_record(spec, row, table, domain, issues)
            values, problems = decode(table, raw)
            issues.extend(problems)
            entries.append(values)
        state = self.rest.state(self.tenant)
        now = self.clock.now()
        if issues:
            result = "error"
            self._log(api, receiver, principal.name, operations, result)
            return self._reply(api, result, issues, spec)
        if self._take(self._success_without_posting, api):
            self._log(api, receiver, principal.name, operations, "success")
            return self._reply(api, "success", [], spec)
        written = state.write(
            table, entries, user=principal.name, default_domain=domain, now=now, issues=()
        )
        result = "success" if written.success else "error"
        if written.success and written.issues:
            result = "warning"
        issues = list(written.issues)
        if written.success and self._take(self._error_after_posting, api):
            result = "error"
            issues.append(Issue(table, "", "", "OE-5467", "Error while updating the movement."))
        self._log(api, receiver, principal.name, operations, result)
        return self._reply(api, result, issues, spec)

    def _take(self, counts: dict[str, int], api: str) -> bool:
        if counts.get(api, 0) <= 0:
            return False
        counts[api] -= 1
        return True

    def _wire_record(
        self,
        spec: x.QDocSpec,
        row: ET.Element,
        table: type[Record],
        domain: Domain | None,
        issues: list[Issue],
    ) -> dict[str, Any]:
        """A QDoc record as the REST wire dict the state's codec reads, with its operation."""
        raw: dict[str, Any] = {}
        children = {c.record: (wire, c) for wire, c in spec.children.items()}
        for element in row:
            name = _xml.local(element.tag)
            if name == "operation":
                continue
            if name in children:
                wire, child = children[name]
                line = {
                    child.wire(_xml.local(e.tag)) or "": _xml.text_of(e)
                    for e in element
                    if _xml.local(e.tag) != "operation"
                }
                line.pop("", None)
                code = _xml.text_of(_xml.child(element, "operation")) or x.OPERATION["add"]
                line[client_names.CONTROL["data_operation"]] = _OPERATIONS.get(code, "C")
                raw.setdefault(wire, []).append(line)
                continue
            wire_name = spec.wire(name)
            if wire_name is not None:
                raw[wire_name] = _xml.text_of(element)
        code = _xml.text_of(_xml.child(row, "operation"))
        operation = _OPERATIONS.get(code)
        if operation is None:
            issues.append(Issue(table, "", code, "QX-3003", f"Unknown operation {code!r}."))
            return raw
        existing = self._existing(table, domain, raw)
        if operation == "S":
            operation = "U" if existing is not None else "C"
        if operation == "C" and existing is not None:
            label = NAMES[table].plural
            issues.append(
                Issue(
                    table,
                    self._key_attribute(table),
                    ".".join(existing.key()),
                    "QAD-1003",
                    f"{label} {'.'.join(existing.key())} already exists.",
                )
            )
        if operation == "U":
            if existing is None:
                issues.append(Issue(table, "", "", "QAD-1001", "Record does not exist."))
            else:
                raw[client_names.CONTROL["concurrency_hash"]] = existing.concurrency_hash
        raw[client_names.CONTROL["data_operation"]] = operation
        return raw

    def _key_attribute(self, table: type[Record]) -> str:
        by_wire = {s.wire: s.attribute for s in field_specs(table)}
        client_table = next(
            (t for t in client_names.TABLES.values() if t.plural == NAMES[table].plural), None
        )
        if client_table is None or not client_table.keys:
            return ""
        return by_wire.get(client_table.wire(client_table.keys[0]), "")

    def _existing(
        self, table: type[Record], domain: Domain | None, raw: Mapping[str, Any]
    ) -> Record | None:
        if domain is None:
            return None
        by_wire = {s.wire: s.attribute for s in field_specs(table)}
        client_table = next(
            (t for t in client_names.TABLES.values() if t.plural == NAMES[table].plural), None
        )
        if client_table is None or not client_table.keys:
            return None
        params = {}
        for key in client_table.keys:
            wire = client_table.wire(key)
            value = raw.get(wire)
            if not value or wire not in by_wire:
                return None
            params[by_wire[wire]] = str(value)
        found = self.rest.state(self.tenant).find(table, domain, "", params)
        return found[0] if found else None


def _element_of(spec: x.QDocSpec | None, issue: Issue) -> str:
    from qad_client.testing._codec import wire_name

    wire = wire_name(issue.table, issue.field) if issue.field else ""
    if spec is None or not wire:
        return wire
    for candidate in (spec, *spec.children.values()):
        element = candidate.element(wire)
        if element is not None:
            return element
    return wire


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _row(parent: ET.Element, name: str, spec: x.QDocSpec, wire: Mapping[str, Any]) -> None:
    row = _xml.sub(parent, _QDOC, name)
    for key, value in wire.items():
        if isinstance(value, list):
            child = spec.children.get(key)
            if child is None:
                continue
            for line in value:
                if isinstance(line, Mapping):
                    _row(row, child.record, child, line)
            continue
        element = spec.element(key)
        if element is not None:
            _xml.sub(row, _QDOC, element, _text(value))
