"""``client.validate()``: ask the tenant about every path the client uses, and report them all.

QAD's REST paths are partly guessed (see ``_names.py``), so a new tenant is checked before a
sync relies on it. Each probe is a read that changes nothing: a one-row browse, a keyed read
of a key that cannot exist, the line grid of an existing PO, and a GET of the POST-only
``fieldChangeV2`` path (405 proves it is there). Then ``permissionState`` is asked for create
and write permission on each table the flows write (:data:`WRITTEN`), and each one missing is
reported by name. A failure is reported, not raised, so one report names every missing path;
only a failed sign-in stops the check.
"""

from __future__ import annotations

from typing import Any

import attrs
import httpx

from mlconnector_http import Flow, Operation
from qad_client import _names as n
from qad_client._exceptions import QADAuthError, QADStatusError
from qad_client._models import PathCheck, ValidationReport, Workspace

__all__ = ["PROBE_KEY", "WRITTEN", "validate_tenant"]

PROBE_KEY = "MLCONNECTOR-PROBE"  # a key no tenant holds

# The tables the sync flows create and change records in (client attribute names).
WRITTEN = (
    "suppliers",
    "purchase_orders",
    "purchase_order_receipts",
    "supplier_invoices",
    "supplier_payments",
)


def _probe(name: str, path: str, params: list[tuple[str, str]]) -> Operation[Any]:
    def parse(response: httpx.Response) -> Any:
        return response.json()

    return Operation(name=f"validate.{name}", method="GET", path=path, params=params, parse=parse)


def _problem(error: QADStatusError) -> str:
    if error.status_code == 404:
        return f"missing (404): {error.message}"
    if error.status_code == 403:
        return f"not permitted (403): {error.message}"
    return f"{error.status_code}: {error.message}"


def _check(
    resource: str, label: str, op: Operation[Any], *, present: tuple[int, ...] = ()
) -> Flow[tuple[PathCheck, Any]]:
    try:
        body = yield op
    except QADAuthError:
        raise
    except QADStatusError as error:
        if error.status_code in present:
            return PathCheck(resource, op.method, label, error.status_code), None
        return PathCheck(resource, op.method, label, error.status_code, _problem(error)), None
    return PathCheck(resource, op.method, label, 200), body


def _first_po_number(body: Any) -> str | None:
    table = n.PURCHASE_ORDER
    rows = body.get(n.ENVELOPE["data"]) if isinstance(body, dict) else None
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
        return None
    wire = table.wire("number")
    value = rows[0].get(f"{table.row_object}.{wire}", rows[0].get(wire))
    return str(value) if value else None


def validate_tenant(ws: Workspace) -> Flow[ValidationReport]:
    """Probe every browse, ``/api/erp`` path and line-grid path; collect what answered."""
    q = n.BROWSE
    checks: list[PathCheck] = []
    po_number: str | None = None
    for resource, table in n.TABLES.items():
        if table.browse_id:
            params = [
                (q["browse_id"], table.browse_id),
                (q["page"], "1"),
                (q["page_size"], "1"),
                (q["page_action"], q["first_page"]),
            ]
            label = f"{n.PATHS['browses']}?{q['browse_id']}={table.browse_id}"
            check, body = yield from _check(
                resource, label, _probe(f"{resource}.browse", n.PATHS["browses"], params)
            )
            checks.append(check)
            if table is n.PURCHASE_ORDER:
                po_number = _first_po_number(body)
        if table.keys:
            params = [(q["domain"], ws.domain)] if table.scope == "domain" else []
            params += [(table.wire(k), "0" if k == "id" else PROBE_KEY) for k in table.keys]
            check, _ = yield from _check(
                resource, table.path, _probe(f"{resource}.read", table.path, params)
            )
            checks.append(check)
    grid = n.PATHS["line_grid"]
    if po_number is None:
        note = "not checked: no purchase order to read the grid of"
        checks.append(PathCheck("purchase_orders", "GET", grid, None, note=note))
    else:
        params = [(q["domain"], ws.domain), (n.PURCHASE_ORDER_LINE.wire("po_number"), po_number)]
        check, _ = yield from _check("purchase_orders", grid, _probe("line_grid", grid, params))
        checks.append(check)
    change = n.PATHS["line_field_change"]
    check, _ = yield from _check(
        "purchase_orders", change, _probe("field_change", change, []), present=(405,)
    )
    checks.append(check)
    for resource in WRITTEN:
        checks += yield from _permissions(resource, n.TABLES[resource])
    return ValidationReport(tuple(checks))


def _permissions(resource: str, table: n.Table) -> Flow[list[PathCheck]]:
    """One check per action (create, write) the flows need on ``table``'s view."""
    p = n.PERMISSION
    path = n.PATHS["permission_state"]
    found: list[PathCheck] = []
    for action in (p["create"], p["write"]):
        params = [(p["uri"], table.permission_uri), (p["action"], action)]
        label = f"{path}?{p['uri']}={table.permission_uri}&{p['action']}={action}"
        check, body = yield from _check(
            resource, label, _probe(f"{resource}.permission.{action}", path, params)
        )
        if check.ok:
            data = body.get(n.ENVELOPE["data"]) if isinstance(body, dict) else None
            granted = data.get(p["has_permission"]) if isinstance(data, dict) else None
            if granted is not True:
                problem = (
                    f"no {action} permission on {table.permission_uri}"
                    if granted is False
                    else f"permissionState answered no {p['has_permission']} flag"
                )
                check = attrs.evolve(check, problem=problem)
        found.append(check)
    return found
