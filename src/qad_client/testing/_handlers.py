"""HTTP to state and back: authentication, domain selection, envelopes. No business rules here."""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import httpx

from mlconnector_http._clock import Clock
from mlconnector_http.testing import SimRequest, json_response
from qad_client.testing import _envelope as env
from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._auth import AuthFailure, AuthState, Grant, Principal
from qad_client.testing._browse import BrowseError, Filter, page, parse_filter
from qad_client.testing._codec import (
    NAMES,
    Operation,
    decode,
    encode,
    field_specs,
    table_for_plural,
)
from qad_client.testing._messages import Issue
from qad_client.testing._records import Domain, OpenReceiver, POLine, Record
from qad_client.testing._state import TenantState

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "Context",
    "HTTPError",
    "Tenant",
    "browses",
    "entity_metadata",
    "erp_read",
    "erp_write",
    "line_field_change",
    "line_grid_commit",
    "line_grid_read",
    "line_is_received",
    "security_control",
    "token",
]

DEFAULT_PAGE_SIZE = 50
_LINE = n.PURCHASE_ORDER_LINE


@attrs.define
class Tenant:
    """One tenant (one QAD environment): its data and its logins."""

    key: str
    state: TenantState
    auth: AuthState


class HTTPError(Exception):
    """Stop handling and answer ``status`` with ``body``."""

    def __init__(
        self, status: int, body: Mapping[str, object], headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = dict(body)
        self.headers = dict(headers or {})

    def response(self) -> httpx.Response:
        """The answer this error stands for."""
        return json_response(self.status, self.body, self.headers)


@attrs.define
class Context:
    """Everything a handler needs about one request."""

    request: SimRequest
    tenant: Tenant
    clock: Clock
    counters: Counter[str]
    principal: Principal | None = None

    @property
    def state(self) -> TenantState:
        return self.tenant.state

    def fail(
        self, status: int, message: str, headers: Mapping[str, str] | None = None
    ) -> HTTPError:
        """An :class:`HTTPError` in QAD's bare ``{"errors": [...]}`` body."""
        return HTTPError(status, env.error_body(status, message), headers)


# --- authentication ----------------------------------------------------------------------------


def _authenticate(ctx: Context, *, basic: bool = False) -> Principal:
    """The caller, from a Bearer token (or Basic where QAD accepts it); else 401."""
    header = ctx.request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    auth = ctx.tenant.auth
    if scheme.lower() == "bearer" and credentials:
        found = auth.check(credentials.strip(), ctx.clock.time())
        if isinstance(found, AuthFailure):
            ctx.counters[f"auth.{found.reason}"] += 1
            challenge = f'Bearer error="invalid_token", error_description="{found.description}"'
            raise HTTPError(
                401,
                env.oauth_error("invalid_token", found.description),
                {"www-authenticate": challenge},
            )
        ctx.principal = found.principal
        return found.principal
    if scheme.lower() == "basic" and basic:
        pair = _basic_pair(credentials)
        user = auth.basic(*pair) if pair else None
        if user is None:
            ctx.counters["auth.bad_basic"] += 1
            raise ctx.fail(401, "Bad credentials", {"www-authenticate": 'Basic realm="QAD"'})
        ctx.principal = user
        return user
    ctx.counters["auth.missing"] += 1
    raise ctx.fail(
        401,
        "Full authentication is required to access this resource",
        {"www-authenticate": 'Bearer realm="QAD"'},
    )


def _basic_pair(credentials: str) -> tuple[str, str] | None:
    """``(name, secret)`` from the value of a Basic ``Authorization`` header, if well formed."""
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, sep, secret = decoded.partition(":")
    return (name, secret) if sep else None


def _authorize(ctx: Context, names: n.Names, *, write: bool) -> None:
    """403 unless the caller may read (or write) the table."""
    principal = ctx.principal
    assert principal is not None
    if not principal.may(names.permission_name, write=write):
        ctx.counters["auth.forbidden"] += 1
        action = "change" if write else "read"
        raise ctx.fail(403, f"User {principal.name} is not allowed to {action} {names.plural}.")


def token(ctx: Context) -> httpx.Response:
    """``POST /oauth/token``: password, refresh_token and client_credentials grants."""
    form: dict[str, str] = dict(ctx.request.params.items())
    if ctx.request.content:
        form.update(ctx.request.form())
    o = n.OAUTH
    grant_type = form.get(o["grant_type"], "")
    auth = ctx.tenant.auth
    now = ctx.clock.time()
    result: Grant | AuthFailure
    if grant_type == o["password_grant"]:
        result = auth.password_grant(
            form.get(o["client_id"], ""),
            form.get(o["username"], ""),
            form.get(o["password"], ""),
            now,
        )
    elif grant_type == o["refresh_grant"]:
        result = auth.refresh_grant(
            form.get(o["client_id"], ""), form.get(o["refresh_token"], ""), now
        )
    elif grant_type == o["client_grant"]:
        client_id, secret = _client_credentials(ctx, form)
        result = auth.client_grant(client_id, secret, now)
    else:
        ctx.counters["token.rejected"] += 1
        unsupported = f"Unsupported grant type {grant_type!r}"
        return json_response(400, env.oauth_error("unsupported_grant_type", unsupported))
    if isinstance(result, AuthFailure):
        ctx.counters["token.rejected"] += 1
        status = 401 if result.reason == "invalid_client" else 400
        return json_response(status, env.oauth_error(result.reason, result.description))
    ctx.counters[f"token.{grant_type}"] += 1
    body: dict[str, object] = {
        o["access_token"]: result.access_token,
        o["token_type"]: o["bearer"],
        o["expires_in"]: result.expires_in,
    }
    if result.refresh_token is not None:
        body[o["refresh_token"]] = result.refresh_token
    return json_response(200, body, {"cache-control": "no-store"})


def _client_credentials(ctx: Context, form: Mapping[str, str]) -> tuple[str, str]:
    """The client id and secret from Basic auth (RFC 6749 2.3.1), else from the form."""
    scheme, _, credentials = ctx.request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        return _basic_pair(credentials) or ("", "")
    return form.get(n.OAUTH["client_id"], ""), form.get(n.OAUTH["client_secret"], "")


def security_control(ctx: Context) -> httpx.Response:
    """``GET /api/qracore/securityControl``: the client id and session limits (Basic auth)."""
    _authenticate(ctx, basic=True)
    config = ctx.tenant.auth.config
    o = n.OAUTH
    control = {
        o["sc_client_id"]: config.client_id,
        o["session_length"]: config.session_length,
        o["timeout_minutes"]: config.timeout_minutes,
    }
    return json_response(200, {n.ENVELOPE["data"]: {o["security_controls"]: [control]}})


# --- domain selection --------------------------------------------------------------------------


def _workspace_domain(ctx: Context) -> Domain | None:
    """The domain named by ``x-qad-workspace-id: {domain}_{entity}``; bad ones are 400."""
    raw = ctx.request.headers.get(n.HEADERS["workspace"], "").strip()
    if not raw:
        return None
    code, sep, entity = raw.partition("_")
    domain = ctx.state.domain(code)
    if not sep or domain is None:
        raise ctx.fail(400, f"Unknown workspace {raw!r}; expected <domain>_<entity>.")
    if entity.upper() != domain.entity.upper():
        raise ctx.fail(400, f"Entity {entity} is not the entity of domain {domain.code}.")
    return domain


def _read_domain(ctx: Context) -> Domain | None:
    """The query's ``domainCode`` (or ``domainContext``), else the workspace header's domain;
    unknown ones are a 400."""
    code = ctx.request.query(n.QUERY["domain"]) or ctx.request.query(n.QUERY["domain_context"])
    workspace = _workspace_domain(ctx)
    if code:
        domain = ctx.state.domain(code)
        if domain is None:
            raise ctx.fail(400, f"Domain {code} does not exist.")
        return domain
    return workspace


def _require_scope(ctx: Context, names: n.Names, domain: Domain | None, shared_set: str) -> None:
    """400 unless a domain (or, for shared-set tables, a shared set) is known."""
    if domain is not None or names is n.DOMAIN:
        return
    if not (shared_set and "shared_set" in names.fields):
        raise ctx.fail(400, f"{n.QUERY['domain']} is required.")


# --- /api/erp ----------------------------------------------------------------------------------


def _json_body(ctx: Context) -> Any:
    try:
        return json.loads(ctx.request.content or b"null", parse_float=Decimal)
    except ValueError as error:
        raise ctx.fail(400, f"Malformed JSON: {error}") from error


def _table(ctx: Context, plural: str) -> type[Record]:
    table = table_for_plural(plural)
    if table is None:
        raise ctx.fail(404, f"No resource {plural}.")
    return table


def erp_read(ctx: Context, plural: str) -> httpx.Response:
    """``GET /api/erp/<plural>?domainCode&<field>=<value>``: exact-match read by any field."""
    table = _table(ctx, plural)
    names = NAMES[table]
    _authenticate(ctx)
    _authorize(ctx, names, write=False)
    domain = _read_domain(ctx)
    shared_set = ctx.request.query(n.CONTROL["shared_set"]) or ""
    _require_scope(ctx, names, domain, shared_set)
    by_wire = {s.wire: s.attribute for s in field_specs(table) if s.kind != "rows"}
    params = {
        by_wire[name]: value
        for name, value in ctx.request.params.items()
        if name in by_wire and by_wire[name] not in ("domain", "shared_set")
    }
    found = ctx.state.find(table, domain, shared_set, params)
    ctx.counters[f"read.{plural}"] += 1
    return json_response(200, env.read_reply(names.plural, [encode(r) for r in found]))


def erp_write(ctx: Context, plural: str, *, table: type[Record] | None = None) -> httpx.Response:
    """``POST /api/erp/<plural>``: create, update or delete records, all or nothing."""
    table = table or _table(ctx, plural)
    names = NAMES[table]
    if not names.writable:
        raise ctx.fail(405, f"{plural} is read-only.")
    principal = _authenticate(ctx)
    _authorize(ctx, names, write=True)
    body = _json_body(ctx)
    items = body.get(names.plural) if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ctx.fail(400, f'Expected a body {{"{names.plural}": [...]}}.')
    keys = _key_params(ctx, names)
    if keys and (len(items) != 1 or not _body_matches(table, items[0], keys)):
        raise ctx.fail(400, _KEYS_MISMATCH)
    return _apply(ctx, table, items, principal, "update" if keys else "create")


def erp_delete(ctx: Context, plural: str) -> httpx.Response:
    """``DELETE /api/erp/<plural>?<keys>``: delete (or void) the one record the keys name."""
    table = _table(ctx, plural)
    names = NAMES[table]
    if not names.writable:
        raise ctx.fail(405, f"{plural} is read-only.")
    principal = _authenticate(ctx)
    _authorize(ctx, names, write=True)
    keys = _key_params(ctx, names)
    if not keys:
        raise ctx.fail(400, "A delete names its record with every key field parameter.")
    record = {names.wire(a): v for a, v in keys.items()}
    record[n.CONTROL["data_operation"]] = n.OPERATION["delete"]
    hash_ = ctx.request.query(n.CONTROL["concurrency_hash"])
    if hash_ is not None:
        record[n.CONTROL["concurrency_hash"]] = hash_
    return _apply(ctx, table, [record], principal, "delete")


_KEYS_MISMATCH = (  # QAD's IllegalArgumentException texts [N7]
    "Key field parameter(s) must match the corresponding value in the submitted entity data."
)
_KEYS_PARTIAL = "Key field parameter(s) must all be null or all non-null."


def _key_params(ctx: Context, names: n.Names) -> dict[str, str]:
    """The key query parameters: all of them (an update or delete) or none (a create).

    QAD's controllers answer a partial key 400 [N5, N7]; ``domainCode``/``sharedSetCode``
    only scope the call and are not counted.
    """
    given = {a: ctx.request.query(names.wire(a)) for a in names.keys}
    present = {a: v for a, v in given.items() if v not in (None, "")}
    if present and len(present) != len(names.keys):
        raise ctx.fail(400, _KEYS_PARTIAL)
    return {a: str(v) for a, v in present.items()}


def _body_matches(table: type, raw: object, keys: Mapping[str, str]) -> bool:
    if not isinstance(raw, Mapping):
        return False
    names = NAMES[table]
    return all(str(raw.get(names.wire(a), v)).casefold() == v.casefold() for a, v in keys.items())


def _apply(
    ctx: Context, table: type[Record], items: list[Any], principal: Principal, default: Operation
) -> httpx.Response:
    """Decode and write ``items`` all or nothing; ``default`` is what the URL asked for."""
    names = NAMES[table]
    default_domain, issues = _write_domain(ctx, table)
    entries = []
    for raw in items:
        values, problems = decode(table, raw, default, by_url=True)
        entries.append(values)
        issues.extend(problems)
    result = ctx.state.write(
        table,
        entries,
        user=principal.name,
        default_domain=default_domain,
        now=ctx.clock.now(),
        issues=issues,
    )
    outcome = "ok" if result.success else "rejected"
    ctx.counters[f"write.{names.plural}.{outcome}"] += 1
    records = [encode(r) for r in result.records] if result.success else items
    reply = env.write_reply(names.plural, records, result.issues, result.confirmations)
    return json_response(200, reply)


def _write_domain(ctx: Context, table: type) -> tuple[Domain | None, list[Issue]]:
    """A write's default domain; an unknown ``domainCode`` is a field error, not a 400."""
    code = ctx.request.query(n.QUERY["domain"]) or ctx.request.query(n.QUERY["domain_context"])
    workspace = _workspace_domain(ctx)
    if not code:
        return workspace, []
    domain = ctx.state.domain(code)
    if domain is None:
        return None, [Issue.of(table, "domain", code, m.NOT_FOUND, label="Domain", value=code)]
    return domain, []


# --- purchase order line grid ------------------------------------------------------------------


def _grid_order(ctx: Context) -> tuple[Domain, Any]:
    """The purchase order a grid call names (404 when unknown)."""
    _authenticate(ctx)
    _authorize(ctx, _LINE, write=False)
    domain = _read_domain(ctx)
    if domain is None:
        raise ctx.fail(400, f"{n.QUERY['domain']} is required.")
    number = ctx.request.query(_LINE.fields["po_number"]) or ""
    order = ctx.state.purchase_order(domain, number)
    if order is None:
        raise ctx.fail(404, f"Purchase order {number} does not exist.")
    return domain, order


def line_grid_read(ctx: Context) -> httpx.Response:
    """``GET purchaseOrderLinesGrid``: a new line template (``initialize=true``) or the lines."""
    domain, order = _grid_order(ctx)
    if (ctx.request.query(n.QUERY["initialize"]) or "").lower() == "true":
        lines = [ctx.state.line_template(domain, order)]
    else:
        lines = list(order.lines.values())
    return json_response(200, env.read_reply(_LINE.plural, [encode(x) for x in lines]))


def line_grid_commit(ctx: Context) -> httpx.Response:
    """``POST purchaseOrderLinesGrid``: save lines built with the grid."""
    return erp_write(ctx, _LINE.plural, table=POLine)


def line_field_change(ctx: Context) -> httpx.Response:
    """``POST purchaseOrderLines/fieldChangeV2?fieldName=``: default one field, save nothing."""
    _authenticate(ctx)
    _authorize(ctx, _LINE, write=False)
    wire_field = ctx.request.query(n.QUERY["field_name"]) or ""
    by_wire = {wire: attribute for attribute, wire in _LINE.fields.items()}
    body = _json_body(ctx)
    items = body.get(_LINE.plural) if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) != 1:
        raise ctx.fail(400, f'Expected a body {{"{_LINE.plural}": [<one line>]}}.')
    default_domain, issues = _write_domain(ctx, POLine)
    values, problems = decode(POLine, items[0])
    issues.extend(problems)
    line, found = ctx.state.field_change(
        values,
        by_wire.get(wire_field, wire_field),
        default_domain=default_domain,
        now=ctx.clock.now(),
    )
    issues.extend(found)
    ctx.counters["line.field_change"] += 1
    records = [encode(line)] if line is not None else items
    return json_response(200, env.write_reply(_LINE.plural, records, issues))


def line_is_received(ctx: Context) -> httpx.Response:
    """``GET purchaseOrderLines/isReceivedPurchaseOrderLineV2``: whether any of it was received."""
    _, order = _grid_order(ctx)
    raw = ctx.request.query(_LINE.fields["line"]) or ""
    line = order.lines.get(int(raw)) if raw.isdigit() else None
    if line is None:
        raise ctx.fail(404, f"Purchase order line {order.number}/{raw} does not exist.")
    received = line.quantity_received > 0
    return json_response(200, {n.ENVELOPE["data"]: {n.GRID["is_received"]: received}})


# --- qracore -----------------------------------------------------------------------------------


def browses(ctx: Context) -> httpx.Response:
    """``GET /api/qracore/browses``: filtered, paged flat rows (Basic or Bearer)."""
    table, source, filters = _browse_source(ctx)
    number, size = _paging(ctx)
    rows, has_more, _ = page(source, table, filters, number, size)
    ctx.counters[f"browse.{NAMES[table].plural}"] += 1
    return json_response(200, env.browse_reply(rows, has_more=has_more))


def total_count(ctx: Context) -> httpx.Response:
    """``GET /api/qracore/browses/totalCount?browseId=``: the rows the browse selects."""
    table, source, filters = _browse_source(ctx)
    _, _, total = page(source, table, filters, 1, 1)
    ctx.counters[f"count.{NAMES[table].plural}"] += 1
    return json_response(200, env.count_reply(total))


def permission_state(ctx: Context) -> httpx.Response:
    """``GET /api/qracore/permissionState?uri=<view>&action=``: whether the caller may do it."""
    p = n.PERMISSION
    uri = ctx.request.query(p["uri"]) or ""
    action = (ctx.request.query(p["action"]) or "").upper()
    principal = _authenticate(ctx)
    browse_id = n.BROWSE_PREFIX.removesuffix("com.qad.erp.") + uri.removeprefix(p["view_prefix"])
    names = next((x for x in NAMES.values() if x.browse_id and x.browse_id == browse_id), None)
    if names is None or not uri.startswith(p["view_prefix"]):
        raise ctx.fail(404, f"Unknown view {uri!r}.")
    if action not in (p["read"], *n.WRITE_ACTIONS):
        raise ctx.fail(400, f"Unknown {p['action']} {action!r}.")
    allowed = principal.may(names.permission_name, write=action != p["read"])
    ctx.counters["permission_state"] += 1
    return json_response(200, {n.ENVELOPE["data"]: {p["has_permission"]: allowed}})


def _browse_source(ctx: Context) -> tuple[type[Record], Iterable[Record], list[Filter]]:
    """The table a browse names, its records in the caller's scope, and its parsed filters."""
    browse_id = ctx.request.query(n.QUERY["browse"]) or ""
    table = next((t for t, x in NAMES.items() if x.browse_id and x.browse_id == browse_id), None)
    _authenticate(ctx, basic=True)
    if table is None or not issubclass(table, Record):
        raise ctx.fail(404, f"Unknown browse {browse_id!r}.")
    names = NAMES[table]
    if names is not n.DOMAIN:
        _authorize(ctx, names, write=False)
    domain = _read_domain(ctx)
    shared_set = ctx.request.query(n.CONTROL["shared_set"]) or ""
    _require_scope(ctx, names, domain, shared_set)
    try:
        filters = [parse_filter(raw, table) for raw in ctx.request.query_all(n.QUERY["filter"])]
    except BrowseError as error:
        raise ctx.fail(400, str(error)) from error
    source = ctx.state.source(table, domain, shared_set, po_number=_po_of(table, filters))
    return table, source, filters


def _po_of(table: type, filters: list[Filter]) -> str:
    """The PO an open-receiver browse asks for with ``eq``, if it does (for the index)."""
    if table is not OpenReceiver:
        return ""
    column = f"{n.OPEN_RECEIVER.row_object}.{n.OPEN_RECEIVER.wire('po_number')}"
    return next((str(f.low) for f in filters if f.op == "eq" and f.column.name == column), "")


def _paging(ctx: Context) -> tuple[int, int]:
    """``page``/``pageSize``/``pageAction`` checked; ``first`` always means page 1."""
    q = n.QUERY
    action = (ctx.request.query(q["page_action"]) or "first").lower()
    if action not in ("first", "next"):
        raise ctx.fail(400, f"Unsupported {q['page_action']} {action!r}; use first or next.")
    try:
        number = int(ctx.request.query(q["page"]) or "1")
        size = int(ctx.request.query(q["page_size"]) or str(DEFAULT_PAGE_SIZE))
    except ValueError as error:
        raise ctx.fail(400, f"{q['page']} and {q['page_size']} must be integers.") from error
    if action == "first":
        number = 1
    if number < 1 or size < 1:
        raise ctx.fail(400, f"{q['page']} and {q['page_size']} must be >= 1.")
    return number, size


def entity_metadata(ctx: Context) -> httpx.Response:
    """``GET /api/qracore/entitymetadatas?entityURI=``: the field list of a business component."""
    uri = ctx.request.query(n.QUERY["entity_uri"]) or ""
    _authenticate(ctx)
    table = next((t for t, x in NAMES.items() if x.entity_uri and x.entity_uri == uri), None)
    if table is None:
        raise ctx.fail(404, f"Unknown entity {uri!r}.")
    names = NAMES[table]
    if names is not n.DOMAIN:
        _authorize(ctx, names, write=False)
    md = n.METADATA
    body = {
        md["uri"]: uri,
        md["code"]: names.plural,
        md["name"]: names.plural,
        md["fields"]: _metadata_fields(table, with_meta=True),
        md["tables"]: [
            {
                md["table_name"]: spec.wire,
                md["json_name"]: spec.wire,
                md["fields"]: _metadata_fields(spec.row),
            }
            for spec in field_specs(table)
            if spec.kind == "rows" and spec.row is not None
        ],
    }
    return json_response(200, {n.ENVELOPE["data"]: {md["list"]: [body]}})


def _metadata_fields(table: type, *, with_meta: bool = False) -> list[dict[str, object]]:
    md = n.METADATA
    fields: list[dict[str, object]] = [
        {
            md["field_name"]: spec.wire,
            md["data_type"]: n.DATA_TYPES[spec.kind],
            md["read_only"]: spec.read_only,
        }
        for spec in field_specs(table)
        if spec.kind != "rows"
    ]
    if with_meta:
        audit = (("uri", "str"), ("concurrency_hash", "str"), ("modified_datetime", "datetime"))
        for attribute, kind in audit:
            fields.append(
                {
                    md["field_name"]: n.META[attribute],
                    md["data_type"]: n.DATA_TYPES[kind],
                    md["read_only"]: True,
                }
            )
    return fields
