"""The QAD conventions as pure operation builders: browses, keyed reads, enveloped writes.

Every resource module composes these. Nothing here does I/O: each builder returns an
``Operation`` (a request plus its parser) and multi-step work is a ``Flow``, a generator that
yields operations and receives their results, driven by the sync or the async facade.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import attrs
import httpx

from mlconnector_http import (
    Decoder,
    FieldError,
    Flow,
    Operation,
    Page,
    Reject,
    checked_datetime,
    loads,
    request_id_of,
)
from qad_client import _names as n
from qad_client._convert import browse_rows, encode_value, format_datetime, from_wire, to_wire
from qad_client._exceptions import (
    QADConfigurationError,
    QADConflict,
    QADDuplicate,
    QADError,
    QADNotFound,
    QADStatusError,
    QADValidationError,
    error_entries,
)
from qad_client._intent import Intent, QADOperation
from qad_client._models import Filter, Workspace, WriteResult

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "browse",
    "browse_filters",
    "confirmations_of",
    "count",
    "find",
    "find_all",
    "find_by_external_reference",
    "find_by_reference",
    "get_one",
    "read",
    "read_submit_result",
    "row_value",
    "update",
    "write",
]

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 1000
"""A default listing's page: large, so it makes few requests, and one page stays small."""
# No server cap was ever observed (a live client asks for 999999 [N22]); this one is ours,
# to keep one page's memory bounded.
MAX_PAGE_SIZE = 100_000


# --- browses ----------------------------------------------------------------------------------


def _reference_wire(ws: Workspace | None, table: n.Table) -> tuple[str, str] | None:
    """``(configured, canonical)`` when this tenant keeps the reference in another free field.

    The models decode the reference from the table's default field (``customShort0``), so a
    tenant's own choice is renamed to it on the way in and back on the way out.
    """
    if ws is None or "external_reference" not in table.fields:
        return None
    canonical = table.wire("external_reference")
    configured = ws.reference_field(table.plural, canonical)
    return None if configured == canonical else (configured, canonical)


def _incoming(ws: Workspace | None, table: n.Table, row: Any, prefix: str = "") -> Any:
    """A reply row with the tenant's reference field under the default name (its own dropped)."""
    names = _reference_wire(ws, table)
    if names is None or not isinstance(row, Mapping):
        return row
    configured, canonical = prefix + names[0], prefix + names[1]
    out = {k: v for k, v in row.items() if k not in (canonical, configured)}
    if configured in row:
        out[canonical] = row[configured]
    return out


def _outgoing(ws: Workspace, table: n.Table, record: Mapping[str, Any]) -> dict[str, Any]:
    """A write body with the reference under the tenant's free field."""
    names = _reference_wire(ws, table)
    out = dict(record)
    if names is not None and names[1] in out:
        out[names[0]] = out.pop(names[1])
    return out


def _filter_text(table: n.Table, flt: Filter, ws: Workspace | None = None) -> str:
    for value in (flt.value, flt.to):
        if value is not None and "," in value:
            raise QADConfigurationError(
                f"browse filter values cannot contain ',' ({flt.field}={value!r}): "
                "QAD separates filter parts with commas"
            )
    try:
        field = table.filter_field(flt.field)
        names = _reference_wire(ws, table) if flt.field == "external_reference" else None
        if names is not None:
            field = f"{table.row_object}.{names[0]}"
    except KeyError:
        raise QADConfigurationError(
            f"{table.plural} cannot be filtered on {flt.field!r}; "
            f"fields: {', '.join(sorted(table.fields))}"
        ) from None
    literal = n.BROWSE["literal"]
    if flt.op == "rg":
        if flt.to is None:
            raise QADConfigurationError(f"a range filter on {flt.field!r} needs to=")
        return f"{field},rg,{flt.value},{literal},{flt.to},{literal}"
    return f"{field},{flt.op},{flt.value},{literal}"


def browse_filters(
    table: n.Table,
    filters: Sequence[Filter] = (),
    *,
    modified_since: dt.datetime | None = None,
    **equal: str | bool | None,
) -> list[Filter]:
    """The filters of a list call: the caller's, the ``eq`` shortcuts, and ``modified_since``."""
    out = list(filters)
    for attribute, value in equal.items():
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else value
        out.append(Filter(attribute, "eq", text))
    since = checked_datetime(modified_since, argument="modified_since", family=QADError)
    if since is not None:
        out.append(Filter("modified_at", "ge", format_datetime(since)))
    return out


def _count(value: Any) -> int | None:
    """A row count sent as an integer or its text; anything else is unknown."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def count(
    table: n.Table, filters: Sequence[Filter] = (), *, ws: Workspace | None = None
) -> Operation[int]:
    """``GET api/qracore/browses/totalCount?browseId=``: how many rows the browse selects.

    The endpoint is QAD's own [N8]; its reply shape was never captured, so a bare count or
    ``{"data": <count>}`` is read and anything else is refused as a server error.
    """
    q = n.BROWSE
    params = [(q["browse_id"], table.browse_id)]
    params += [(q["filter"], _filter_text(table, f, ws)) for f in filters]

    def parse(response: httpx.Response) -> int:
        body = response.json()
        value = body.get(n.ENVELOPE["data"]) if isinstance(body, Mapping) else body
        found = _count(value)
        if found is None:
            raise ValueError(f"totalCount of {table.browse_id} answered no count")
        return found

    return Operation(
        name=f"{table.plural}.count",
        method="GET",
        path=n.PATHS["total_count"],
        params=params,
        parse=parse,
    )


def row_value(table: n.Table, row: Any, attribute: str) -> Any:
    """The raw wire value of ``attribute`` in a browse row or record (prefixed or not)."""
    if not isinstance(row, Mapping):
        return None
    wire = table.wire(attribute)
    return row.get(f"{table.row_object}.{wire}", row.get(wire))


def browse(
    table: n.Table,
    cls: type[T],
    filters: Sequence[Filter] = (),
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
    call_id: str | None = None,
    ws: Workspace | None = None,
) -> Operation[Page[T]]:
    """The first page of a browse; the next page is the same URL with ``page`` plus one.

    ``ws`` names where the tenant keeps our reference, when it chose another free field.
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise QADConfigurationError(f"page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
    q = n.BROWSE
    params: list[tuple[str, str]] = [
        (q["browse_id"], table.browse_id),
        (q["page"], "1"),
        (q["page_size"], str(page_size)),
        (q["page_action"], q["first_page"]),
        (q["call_id"], call_id or str(uuid.uuid4())),
    ]
    params += [(q["filter"], _filter_text(table, f, ws)) for f in filters]
    prefix = table.row_object + "."

    def parse(response: httpx.Response) -> Page[T]:
        body = loads(response.content)
        rows = body.get(n.ENVELOPE["data"]) if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise ValueError(f"browse {table.browse_id} answered without a data list")
        page_text = response.request.url.params.get(q["page"], "1")
        page = int(page_text) if page_text.isdigit() and len(page_text) < 10 else 1
        if _reference_wire(ws, table) is not None:
            rows = [_incoming(ws, table, _incoming(ws, table, row, prefix)) for row in rows]
        entries = browse_rows(
            rows,
            cls,
            record=lambda i: f"{table.plural} page {page} row {i}",
            identify=lambda row: row_value(table, row, table.keys[0]) if table.keys else None,
            page_url=str(response.request.url),
        )
        aux = body.get(n.ENVELOPE["aux"])
        aux = aux if isinstance(aux, dict) else {}
        more = str(aux.get(n.ENVELOPE["has_more"], "false")).strip().lower() == "true"
        next_url = None
        if more and entries:  # "more" with an empty page would never end
            following = {q["page"]: str(page + 1), q["page_action"]: q["next_page"]}
            next_url = str(response.request.url.copy_merge_params(following))
        return Page.of(entries, next_url)

    return QADOperation(
        name=f"{table.plural}.browse",
        method="GET",
        path=n.PATHS["browses"],
        params=params,
        parse=Decoder.page(parse),
        intent=Intent(
            kind="browse", table=table, model=cls, filters=tuple(filters), page_size=page_size
        ),
    )


# --- keyed reads ------------------------------------------------------------------------------


def _scope_params(ws: Workspace, table: n.Table) -> list[tuple[str, str]]:
    return [(table.domain_param, ws.domain)] if table.scope == "domain" else []


def read(
    ws: Workspace, table: n.Table, cls: type[T], keys: Mapping[str, str]
) -> Operation[list[T]]:
    """``GET /api/erp/<plural>?domainCode&<keys>``: every record under the keys (maybe none)."""
    params = _scope_params(ws, table) + [(table.wire(k), v) for k, v in keys.items()]
    label = ",".join(f"{k}={v}" for k, v in keys.items())

    def parse(response: httpx.Response) -> list[T]:
        body = response.json()
        data = body.get(n.ENVELOPE["data"]) if isinstance(body, dict) else None
        rows = data.get(table.plural) if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise ValueError(f"read of {table.plural} answered without data.{table.plural}")
        return [
            from_wire(_incoming(ws, table, row), cls, record=f"{table.plural} {label}")
            for row in rows
        ]

    return QADOperation(
        name=f"{table.plural}.read",
        method="GET",
        path=table.path,
        params=params,
        parse=parse,
        intent=Intent(kind="read", table=table, model=cls, workspace=ws, keys=dict(keys)),
    )


def get_one(ws: Workspace, table: n.Table, cls: type[T], keys: Mapping[str, str]) -> Flow[T]:
    """The one record under ``keys``; ``QADNotFound`` when there is none."""
    found: list[T] = yield read(ws, table, cls, keys)
    if not found:
        label = ", ".join(f"{table.wire(k)}={v}" for k, v in keys.items())
        raise QADNotFound(
            f"no {table.plural} record with {label} in domain {ws.domain}",
            status_code=404,
            method="GET",
            path="/" + table.path,
        )
    return found[0]


def _wire_text(value: Any) -> str | None:
    """A model or raw value as browse filter text, for the client-side check of ``eq``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    encoded = encode_value(value)
    return encoded if isinstance(encoded, str) else str(encoded)


def _selected(table: n.Table, row: Any, filters: Sequence[Filter], *, raw: bool) -> bool:
    """Whether ``row`` satisfies every ``eq`` filter (other operators are left to the server)."""
    for flt in filters:
        if flt.op != "eq":
            continue
        value = row_value(table, row, flt.field) if raw else getattr(row, flt.field, None)
        if _wire_text(value) != flt.value:
            return False
    return True


def find_all(
    ws: Workspace, table: n.Table, cls: type[T], filters: Sequence[Filter]
) -> Flow[list[T]]:
    """Every record the filters select, over all pages, checked here; documents re-read whole.

    The server's filter is not trusted: each row must satisfy every ``eq`` filter exactly, so
    a tenant that ignores a filter never hands back another record, and duplicates show as
    several results. A row that matches but does not decode raises its ``QADDecodeError``
    (reporting the record absent could cause a duplicate). A browse row is flat, so for tables
    with lines each match is read again through ``/api/erp`` to return the full document.
    """
    op: Operation[Page[T]] | None = browse(table, cls, filters, page_size=DEFAULT_PAGE_SIZE, ws=ws)
    seen: set[str] = set()
    rows: list[T] = []
    while op is not None:
        page: Page[T] = yield op
        for entry in page.entries():
            if isinstance(entry, Reject):
                if _selected(table, entry.raw, filters, raw=True):
                    raise entry.to_error(QADError)
            elif _selected(table, entry, filters, raw=False):
                rows.append(entry)
        if page.next_url is None or page.next_url in seen:
            break
        seen.add(page.next_url)
        op = attrs.evolve(op, path=page.next_url, params=())
    if not table.children:
        return rows
    full: list[T] = []
    for row in rows:
        keys = {k: str(getattr(row, k)) for k in table.keys}
        document: T = yield from get_one(ws, table, cls, keys)
        full.append(document)
    return full


def find(ws: Workspace, table: n.Table, cls: type[T], filters: Sequence[Filter]) -> Flow[T | None]:
    """The first record the filters select (checked client-side, see :func:`find_all`), or None."""
    found: list[T] = yield from find_all(ws, table, cls, filters)
    return found[0] if found else None


def find_by_reference(ws: Workspace, table: n.Table, cls: type[T], reference: str) -> Flow[list[T]]:
    """Every record whose ``external_reference`` is exactly ``reference``, over all pages."""
    given: object = reference  # checked: an empty filter would select every record
    if not isinstance(given, str) or not given.strip():
        raise QADConfigurationError(f"reference must be a non-empty string, not {reference!r}")
    if "," in reference:
        raise QADConfigurationError(
            f"reference {reference!r} cannot contain ',': QAD separates filter parts with commas"
        )
    _check_reference(table, reference)
    return (yield from find_all(ws, table, cls, [Filter("external_reference", "eq", reference)]))


def find_by_external_reference(
    ws: Workspace, table: n.Table, cls: type[T], reference: str
) -> Flow[T | None]:
    """The one record carrying ``reference``, or ``None``; ``QADConflict`` if several do."""
    found: list[T] = yield from find_by_reference(ws, table, cls, reference)
    if len(found) > 1:
        raise QADConflict(
            f"{len(found)} {table.plural} records carry external reference {reference!r}: "
            "resolve the duplicates (find_by_reference lists them all)",
            status_code=200,
            method="GET",
            path="/" + n.PATHS["browses"],
        )
    return found[0] if found else None


# --- writes -----------------------------------------------------------------------------------


def _case_insensitive(table: n.Table, field: str) -> str:
    """QAD's spelling of an error's field as the payload spells it (``AddressSearchName``)."""
    wanted = field.casefold()
    for wire in table.fields.values():
        if wire.casefold() == wanted:
            return wire
    return field


def read_submit_result(
    response: httpx.Response, body: Any, table: n.Table | None = None
) -> tuple[FieldError, ...]:
    """The warnings of an accepted write; raises the typed error of a refused one.

    A write answers 200 even when QAD refuses it: ``submitResult.success`` decides (an entry's
    integer ``severity`` has no published scale, so it does not). A body that is only the bare
    ``{"errors": [...]}`` envelope is a refusal too. A refusal naming a changed record is a
    conflict, one saying "already exists" (or naming a duplicate supplier-invoice reference)
    a duplicate, anything else a validation error listing each ``{fieldName, message, code}``;
    field names are given as the table spells them, matched without regard to case.
    """
    e = n.ENVELOPE
    result = body.get(e["submit_result"]) if isinstance(body, Mapping) else None
    bare = error_entries(body) if result is None else None
    if bare is not None:
        result = {e["success"]: False, e["errors"]: body[e["errors"]]}
    if not isinstance(result, Mapping):
        raise ValueError("write reply without submitResult")
    entries = result.get(e["errors"]) or []
    if not isinstance(entries, list):
        raise ValueError("submitResult.errors is not a list")
    success = result.get(e["success"])
    found = error_entries({e["errors"]: entries}) or ()
    messages = tuple(
        attrs.evolve(msg, field=_case_insensitive(table, msg.field)) if table else msg
        for msg in found
    )
    if success is True or str(success).lower() == "true":
        return messages
    texts = " ".join(msg.message.lower() for msg in messages)
    codes = {msg.code for msg in messages if msg.code}
    cls: type[QADStatusError] = QADValidationError
    if any(phrase in texts for phrase in n.CONFLICT_PHRASES):
        cls = QADConflict
    elif any(phrase in texts for phrase in n.DUPLICATE_PHRASES) or codes & n.DUPLICATE_CODES:
        cls = QADDuplicate
    raise cls(
        "; ".join(msg.message for msg in messages if msg.message) or "QAD refused the write",
        status_code=response.status_code,
        request_id=request_id_of(response),
        body=body,
        method=response.request.method,
        path=response.request.url.path,
        errors=messages,
    )


def _wire_body(record: Mapping[str, Any], table: n.Table, *, top: str) -> dict[str, Any]:
    """The REST body of a write: the intent's ``U`` codes become the ``""`` QAD re-POSTs.

    ``U`` marks an update in the intent (QXtend reads it) but was never seen on the wire:
    QAD updates a record POSTed back as read, with its keys in the query string [N1, N5].
    """
    c = n.CONTROL
    out = dict(record)
    out[c["data_operation"]] = "" if top == c["update"] else top
    for attribute in table.children:
        rows = out.get(table.wire(attribute))
        if isinstance(rows, list):
            out[table.wire(attribute)] = [
                {**row, c["data_operation"]: ""}
                if isinstance(row, Mapping) and row.get(c["data_operation"]) == c["update"]
                else row
                for row in rows
            ]
    return out


def _key_params(table: n.Table, record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every key of ``table`` as a query parameter, from the record; refused when one lacks."""
    params: list[tuple[str, str]] = []
    for key in table.keys:
        value = record.get(table.wire(key))
        if value in (None, ""):
            raise QADConfigurationError(
                f"an update of {table.plural} names its record with every key: "
                f"{table.wire(key)} is missing"
            )
        params.append((table.wire(key), str(encode_value(value))))
    return params


def confirmations_of(body: Any) -> tuple[str, ...]:
    """The texts of every ``…Confs`` list beside a write's result (``priceListConfs`` [N5]).

    QAD returns them with a successful write; they inform and never block it.
    """
    if not isinstance(body, Mapping):
        return ()
    found: list[str] = []
    for key, value in body.items():
        if not (isinstance(key, str) and key.endswith("Confs") and isinstance(value, list)):
            continue
        for entry in value:
            if isinstance(entry, Mapping):
                text = entry.get(n.ENVELOPE["confirmation_text"]) or entry.get(
                    n.ENVELOPE["message"]
                )
                found.append(str(text) if text is not None else str(dict(entry)))
            else:
                found.append(str(entry))
    return tuple(found)


def write(
    ws: Workspace,
    table: n.Table,
    cls: type[T],
    record: Mapping[str, Any],
    *,
    operation: str,
    concurrency_hash: str = "",
    path: str | None = None,
    name: str | None = None,
    reference: str | None = None,
    keys: Mapping[str, Any] | None = None,
) -> Operation[WriteResult[T]]:
    """``POST /api/erp/<plural>`` with the QAD envelope; reads ``submitResult``.

    As QAD's controllers decide [N7]: a create (``operation`` ``C``) POSTs with no key query
    parameter (the domain comes from the workspace header), an update (``U``, the intent's
    code, sent as ``""``) POSTs the record back with every key in the query string and the
    hash it was read with. ``reference`` is the external reference the record carries
    (defaults to its ``external_reference`` field): a write whose outcome is unknown names it,
    so the caller looks the record up before re-sending.
    """
    c = n.CONTROL
    _check_reference(table, _reference_of(table, record))
    body_record = {c["concurrency_hash"]: concurrency_hash, **record}
    if table.scope == "domain":
        body_record.setdefault(table.wire("domain"), ws.domain)
    if "entity" in table.fields:
        body_record.setdefault(table.wire("entity"), ws.entity)
    params: list[tuple[str, str]] = []
    if operation != c["create"]:
        named = {table.wire(k): v for k, v in keys.items()} if keys else body_record
        params = _scope_params(ws, table) + _key_params(table, named)
    if table.view_uri:
        params.append((n.BROWSE["view"], table.view_uri))

    def parse(response: httpx.Response) -> WriteResult[T]:
        body = response.json()
        warnings = read_submit_result(response, body, table)
        rows = body.get(table.plural)
        if not isinstance(rows, list) or not rows:
            raise ValueError(f"accepted write of {table.plural} did not echo the record")
        record = from_wire(_incoming(ws, table, rows[0]), cls, record=f"{table.plural} reply")
        return WriteResult(record, warnings, confirmations_of(body))

    return QADOperation(
        name=name or f"{table.plural}.{'create' if operation == c['create'] else 'update'}",
        method="POST",
        path=path or table.path,
        params=params,
        json={
            n.ENVELOPE["supplementary"]: [],
            table.plural: [_outgoing(ws, table, _wire_body(body_record, table, top=operation))],
        },
        parse=parse,
        reference=reference if reference is not None else _reference_of(table, record),
        intent=Intent(
            kind="write",
            table=table,
            model=cls,
            workspace=ws,
            record=dict(record),
            operation=operation,
            concurrency_hash=concurrency_hash,
        ),
    )


def _check_reference(table: n.Table, reference: str | None) -> None:
    """Refuse, before sending, a reference longer than the free field that carries it."""
    if reference is not None and len(reference) > n.REFERENCE_LENGTH:
        raise QADConfigurationError(
            f"external reference {reference!r} is {len(reference)} characters; "
            f"{table.plural}.{table.wire('external_reference')} holds {n.REFERENCE_LENGTH}"
        )


def _reference_of(table: n.Table, record: Mapping[str, Any]) -> str | None:
    """The ``external_reference`` a wire record carries, when the table has one and it is set."""
    if "external_reference" not in table.fields:
        return None
    value = record.get(table.wire("external_reference"))
    return value if isinstance(value, str) and value else None


def update(
    ws: Workspace,
    table: n.Table,
    cls: type[T],
    current: Any,
    *,
    exclude: frozenset[str] = frozenset(),
) -> Operation[WriteResult[T]]:
    """Send ``current`` back as an update (``U``), echoing the hash it was read with.

    Pass a record from ``get()`` (or a create's reply) changed with ``attrs.evolve``: browse
    rows carry no ``concurrencyHash``, and QAD refuses a change it cannot check.
    """
    hash_ = getattr(current, "concurrency_hash", "")
    if not hash_:
        raise QADConfigurationError(
            f"this {table.plural} record has no concurrencyHash: read it with get() "
            "(list rows do not carry one) and change that copy"
        )
    record = to_wire(table, current, exclude=exclude)
    keys = {k: getattr(current, k) for k in table.keys}
    return write(
        ws, table, cls, record, operation=n.CONTROL["update"], concurrency_hash=hash_, keys=keys
    )
