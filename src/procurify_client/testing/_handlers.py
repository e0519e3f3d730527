"""HTTP to state and back: each handler reads a request, asks the tenant, renders the answer.

Errors come back in the shapes Procurify's stack uses: DRF ``{"detail": ...}`` and
``{field: [message]}`` bodies for the API, OAuth ``{"error": ...}`` bodies for the token
endpoint (an Auth0-style issuer).
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import httpx

from mlconnector_http.testing import SimRequest
from procurify_client.testing import _render as render
from procurify_client.testing._query import Filters, InvalidPage, Page, paginate
from procurify_client.testing._serializers import (
    ACCOUNT_CODE_CREATE,
    ACCOUNT_CODE_UPDATE,
    VENDOR_FIELDS,
    validate,
)
from procurify_client.testing._state import (
    AUDIENCE,
    PAYMENT_STATUSES,
    VENDOR_GROUPS,
    AccountCodeQuery,
    Bill,
    BillQuery,
    NotFound,
    PaymentQuery,
    PurchaseOrderQuery,
    Tenant,
    ValidationFailed,
    VendorQuery,
)

__all__ = ["Handlers", "Problem", "ProcurifyRequest", "detail", "drf_response", "handle"]

T = TypeVar("T")
Handler = Callable[..., httpx.Response]

PO_ROLES = ("purchased", "receivable")
PO_STATUSES = ("all", "open", "partial", "closed", "cancelled", "paid")
PAYMENT_ORDERINGS = ("created_at", "-created_at", "updated_at", "-updated_at")
_PERMISSIONS = {"can_edit": True, "can_delete": False, "can_approve": True}


class ProcurifyRequest(SimRequest):
    """A request already matched to its tenant."""

    def __init__(self, request: httpx.Request, tenant: Tenant) -> None:
        super().__init__(request)
        self.tenant = tenant


class Problem(Exception):
    """A DRF ``{"detail": ...}`` error answer a handler gives up with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


def drf_response(status: int, data: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON answer encoded as DRF's renderer does it: compact separators, UTF-8."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return httpx.Response(
        status, content=body, headers={"content-type": "application/json", **(headers or {})}
    )


def detail(status: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """A DRF-style ``{"detail": message}`` answer."""
    return drf_response(status, {"detail": message}, headers)


def handle(handler: Handler, req: ProcurifyRequest, params: dict[str, str]) -> httpx.Response:
    """Run ``handler``, turning state and query errors into Procurify's error answers."""
    try:
        return handler(req, **params)
    except Problem as problem:
        return detail(problem.status, problem.message)
    except ValidationFailed as failed:
        return drf_response(400, failed.errors)
    except InvalidPage:
        return detail(404, "Invalid page.")
    except NotFound:
        return detail(404, "Not found.")


def _single(data: Any, metadata: dict[str, Any] | None = None, status: int = 200) -> httpx.Response:
    return drf_response(status, {"metadata": metadata or {}, "data": data})


def _body(req: SimRequest) -> Any:
    """The JSON request body, refused as DRF refuses other media types and broken JSON."""
    if not req.content:
        return {}
    content_type = req.headers.get("content-type", "")
    if "json" not in content_type.lower():
        raise Problem(415, f'Unsupported media type "{content_type}" in request.')
    try:
        return json.loads(req.content)
    except ValueError as error:
        raise Problem(400, f"JSON parse error - {error}") from None


def _tighter(first: tuple[Any, Any], second: tuple[Any, Any]) -> tuple[Any | None, Any | None]:
    """The intersection of two optional (low, high) bounds."""
    lows = [v for v in (first[0], second[0]) if v is not None]
    highs = [v for v in (first[1], second[1]) if v is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@attrs.frozen
class Handlers:
    """The simulator's endpoints; page sizes are the DRF paginator's settings."""

    default_page_size: int = 10
    max_page_size: int = 1000

    def _page(self, req: SimRequest, items: Sequence[T]) -> Page[T]:
        return paginate(
            req, items, default_size=self.default_page_size, max_size=self.max_page_size
        )

    # -- auth --------------------------------------------------------------------------

    def token(self, req: ProcurifyRequest) -> httpx.Response:
        """``POST /oauth/token``: client credentials in, a 24 h bearer token out."""
        tenant = req.tenant
        body = self._token_body(req)
        headers = {"cache-control": "no-store"}
        grant = body.get("grant_type")
        if grant is None:
            return _oauth_error(400, "invalid_request", "Missing required parameter: grant_type")
        if grant != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")
        if not tenant.credentials_match(body.get("client_id"), body.get("client_secret")):
            return _oauth_error(401, "invalid_client", "Client authentication failed.")
        if body.get("audience") != AUDIENCE:
            return _oauth_error(
                403, "access_denied", f"Service not enabled within domain: {body.get('audience')}"
            )
        now = int(tenant.clock.time())
        scope = (
            f"urn:procurify-api:domain:{tenant.subdomain}.procurify.com "
            f"urn:procurify-api:email:{tenant.api_user.email}"
        )
        claims = {
            "iss": "https://login.procurify.com/",
            "sub": f"{tenant.client_id}@clients",
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + tenant.token_ttl,
            "scope": scope,
            "jti": secrets.token_hex(8),
        }
        token = ".".join(
            (
                _b64(b'{"alg":"RS256","typ":"JWT"}'),
                _b64(json.dumps(claims).encode()),
                _b64(secrets.token_bytes(32)),
            )
        )
        expires_in = tenant.issue_token(token)
        answer = {
            "access_token": token,
            "scope": scope,
            "expires_in": expires_in,
            "token_type": "Bearer",
        }
        return drf_response(200, answer, headers)

    @staticmethod
    def _token_body(req: SimRequest) -> dict[str, Any]:
        """The token request as JSON (documented) or a form (what OAuth libraries send)."""
        content_type = req.headers.get("content-type", "").lower()
        if "x-www-form-urlencoded" in content_type:
            return dict(req.form())
        try:
            body = req.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    @staticmethod
    def authenticated(handler: Handler) -> Handler:
        """Wrap ``handler`` with the bearer-token and ``X-Procurify-Client`` checks.

        The header is documented as required; the 403 answered without it is UNCONFIRMED (no
        source shows what Procurify does), see docs/procurify-guesses.md.
        """

        def guarded(req: ProcurifyRequest, **params: str) -> httpx.Response:
            challenge = {"www-authenticate": 'Bearer realm="api"'}
            header = req.headers.get("authorization", "")
            if not header:
                return detail(401, "Authentication credentials were not provided.", challenge)
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return detail(401, "Invalid token header. No credentials provided.", challenge)
            check = req.tenant.check_token(token.strip())
            if check == "expired":
                return detail(401, "Token has expired.", challenge)
            if check == "unknown":
                return detail(401, "Invalid token.", challenge)
            if req.headers.get("x-procurify-client", "").strip().lower() != "api":
                return detail(
                    403,
                    "Missing or invalid X-Procurify-Client header; API requests must send 'api'.",
                )
            return handler(req, **params)

        return guarded

    # -- users -------------------------------------------------------------------------

    def users_me(self, req: ProcurifyRequest) -> httpx.Response:
        """``GET /api/v3/users/me/``: the user that owns the credentials."""
        return _single(render.me(req.tenant))

    # -- purchase orders ---------------------------------------------------------------

    def purchase_orders(self, req: ProcurifyRequest, role: str, status: str) -> httpx.Response:
        """``GET /api/v2/purchase_orders/{role}/{status}/``."""
        if role not in PO_ROLES or status not in PO_STATUSES:
            raise NotFound(req.path)
        tenant = req.tenant
        f = Filters(req)
        date_from, date_to = f.date_range("date")
        modified_from, modified_to = f.date_range("modified_date")
        promise = f.date_range("promise_date")
        expiry = f.date_range("expiry_date")
        total = f.decimal_range("total")
        vendor_id = f.choice("pref_vendor", tenant.vendors)
        purchaser_id = f.choice("purchaser", tenant.users)
        currency_id = f.choice("currency", tenant.currencies)
        contract_id = f.choice("contract", ())  # the simulator has no contracts
        f.check()
        query = PurchaseOrderQuery(
            role=role,
            status=status,
            date_from=date_from,
            date_to=date_to,
            modified_from=modified_from,
            modified_to=modified_to,
            promise_from=promise[0],
            promise_to=promise[1],
            expiry_from=expiry[0],
            expiry_to=expiry[1],
            total_from=total[0],
            total_to=total[1],
            vendor_id=vendor_id,
            purchaser_id=purchaser_id,
            currency_id=currency_id,
            contract_id=contract_id,
            number=f.text("purchase_order"),
            has_blanket_order_items=f.boolean("has_blanket_order_items"),
            order_by=f.text("order_by") or "id",
        )
        page = self._page(req, tenant.query_purchase_orders(query))
        counts = tenant.purchase_order_counts(query)
        metadata = {
            "pagination": page.pagination,
            "counts": {role_: {**c, "page": len(page.items)} for role_, c in counts.items()},
        }
        data = [render.purchase_order(tenant, po, detail=False) for po in page.items]
        return drf_response(200, {"metadata": metadata, "data": data})

    def purchase_order(self, req: ProcurifyRequest, key: str) -> httpx.Response:
        """``GET /api/v2/purchase_orders/{id}/``: by Procurify PO number or UUID, with lines."""
        po = req.tenant.purchase_order(key)
        data = render.purchase_order(req.tenant, po, detail=True)
        return _single(data, {"can_edit": True, "can_delete": False})

    # -- bills -------------------------------------------------------------------------

    def bills(self, req: ProcurifyRequest) -> httpx.Response:
        """``GET /api/v3/ap/bills/`` (``status`` is not a documented filter, so it is ignored)."""
        tenant = req.tenant
        f = Filters(req)
        modified = _tighter(
            f.datetime_range("last_modified_datetime"), f.date_range("modified_date")
        )
        invoice = f.date_range("invoice_date")
        due = f.date_range("due_date")
        gl_post = f.date_range("gl_post_date")
        submitted = f.date_range("submitted_date")
        last_export = f.date_range("last_export_date")
        vendor_ids = f.choices(("vendor", "vendor[]"), tenant.vendors)
        bill_type = f.choice("type", (0, 1, 2))
        currency_id = f.choice("currency", tenant.currencies)
        people = {
            name: f.choice(name, tenant.users)
            for name in ("approver", "creator", "user", "last_export_user")
        }
        group = f.integer("group")
        contract_id = f.choice("contract", ())  # the simulator has no contracts
        groups = (f.csv_ints("include_bill_group_ids"), f.csv_ints("exclude_bill_group_ids"))
        f.check()
        query = BillQuery(
            modified_from=modified[0],
            modified_to=modified[1],
            invoice_from=invoice[0],
            invoice_to=invoice[1],
            due_from=due[0],
            due_to=due[1],
            gl_post_from=gl_post[0],
            gl_post_to=gl_post[1],
            submitted_from=submitted[0],
            submitted_to=submitted[1],
            last_export_from=last_export[0],
            last_export_to=last_export[1],
            vendor_ids=vendor_ids,
            type=bill_type,
            currency_id=currency_id,
            approver_id=people["approver"],
            creator_id=people["creator"],
            user_id=people["user"],
            last_export_user_id=people["last_export_user"],
            contract_id=contract_id,
            group=group,
            include_groups=groups[0],
            exclude_groups=groups[1],
            has_payment=f.boolean("has_payment"),
            has_posting_date=f.boolean("has_posting_date"),
            is_exported=f.boolean("is_exported"),
            search=f.text("search"),
            order_by=f.text("order_by") or "id",
        )
        found = tenant.query_bills(query)
        page = self._page(req, found)
        metadata = {
            "pagination": page.pagination,
            "summary": tenant.memo(("bill-summary", query), lambda: _bill_summary(found)),
            "permissions": _PERMISSIONS,
        }
        data = [render.bill_summary(tenant, b) for b in page.items]
        return drf_response(200, {"metadata": metadata, "data": data})

    def bill(self, req: ProcurifyRequest, key: str) -> httpx.Response:
        """``GET /api/v2/ap/bills/{uuid}/``: one bill with its ``items``."""
        if any(c not in "0123456789abcdef-" for c in key):
            raise NotFound(key)
        bill = req.tenant.bill(key)
        metadata = {"summary": _bill_summary([bill]), "permissions": _PERMISSIONS}
        return _single(render.bill_detail(req.tenant, bill), metadata)

    # -- payments and receipts ---------------------------------------------------------

    def payments(self, req: ProcurifyRequest) -> httpx.Response:
        """``GET /api/public/v1/payments/`` (public v1 filters: ``*_after``/``*_before``, csv)."""
        tenant = req.tenant
        f = Filters(req)
        created = f.datetime_range("created_at", ("_after", "_before"))
        updated = f.datetime_range("updated_at", ("_after", "_before"))
        processing = f.datetime_range("processing_date", ("_after", "_before"))
        statuses = f.csv_choices("status", PAYMENT_STATUSES)
        order_by = f.text("order_by") or "id"
        if order_by != "id" and order_by not in PAYMENT_ORDERINGS:
            f.errors["order_by"] = [
                f"Select a valid choice. {order_by} is not one of the available choices."
            ]
        query = PaymentQuery(
            created_from=created[0],
            created_to=created[1],
            updated_from=updated[0],
            updated_to=updated[1],
            statuses=statuses,
            vendor_id=f.integer("vendor"),
            currency_id=f.integer("currency"),
            ids=f.csv_ints("ids"),
            bill_groups=f.csv_ints("bill_groups"),
            invoice_number=f.text("invoice_number"),
            processing_from=processing[0],
            processing_to=processing[1],
            amount=f.decimal("payment_amount"),
            order_by=order_by,
        )
        f.check()
        page = self._page(req, tenant.query_payments(query))
        data = [render.payment(tenant, p) for p in page.items]
        return drf_response(200, {"metadata": {"pagination": page.pagination}, "data": data})

    def receipt_items(self, req: ProcurifyRequest) -> httpx.Response:
        """``GET /api/v3/receipt/items/?order_item=``: the top-level ``pagination`` shape."""
        f = Filters(req)
        order_item = f.integer("order_item")
        f.check()
        page = self._page(req, req.tenant.receipts(order_item))
        data = [render.receipt(req.tenant, r) for r in page.items]
        return drf_response(200, {"pagination": page.pagination, "data": data})

    # -- vendors -----------------------------------------------------------------------

    def vendors(self, req: ProcurifyRequest, group: str = "all") -> httpx.Response:
        """``GET /api/v3/vendors/`` (and ``/api/v3/vendors/{vendor_group}/``): active vendors."""
        f = Filters(req)
        vendor_type = f.choice("type", (1, 2, 3, 4, 5, 6, 7))
        f.check()
        query = VendorQuery(
            group=group,
            name=f.text("name"),
            external_id=f.text("external_id"),
            type=vendor_type,
            search=f.text("search"),
        )
        found = req.tenant.query_vendors(query)
        if f.boolean("exclude_other"):
            found = [v for v in found if v.type != 1]
        order_by = f.text("order_by") or ""
        field = order_by.removeprefix("-")
        if field in ("id", "name", "external_id"):
            found = sorted(
                found,
                key=lambda v: (getattr(v, field) or "", v.id) if field != "id" else v.id,
                reverse=order_by.startswith("-"),
            )
        page = self._page(req, found)
        data = [render.vendor(req.tenant, v) for v in page.items]
        return drf_response(200, {"metadata": {"pagination": page.pagination}, "data": data})

    def vendor_or_group(self, req: ProcurifyRequest, key: str) -> httpx.Response:
        """``GET /api/v3/vendors/{id}/``, or a vendor group's list when ``key`` names one."""
        if key in VENDOR_GROUPS:
            return self.vendors(req, key)
        return _single(render.vendor(req.tenant, req.tenant.vendor(_int_key(key))))

    def create_vendor(self, req: ProcurifyRequest) -> httpx.Response:
        """``POST /api/v3/vendors/``."""
        fields = validate(VENDOR_FIELDS, _body(req), partial=False)
        return _single(render.vendor(req.tenant, req.tenant.create_vendor(fields)), status=201)

    def replace_vendor(self, req: ProcurifyRequest, key: str) -> httpx.Response:
        """``PUT /api/v3/vendors/{id}/``: required fields must be present, and every writable
        field left out goes back to its default (the whole record is replaced)."""
        vendor_id = _int_key(key)
        req.tenant.vendor(vendor_id)
        fields = validate(VENDOR_FIELDS, _body(req), partial=False)
        writable = (f.attr for f in VENDOR_FIELDS)
        vendor = req.tenant.replace_vendor(vendor_id, fields, writable)
        return _single(render.vendor(req.tenant, vendor))

    def patch_vendor(self, req: ProcurifyRequest, key: str) -> httpx.Response:
        """``PATCH /api/v3/vendors/{id}/``: only the fields sent change."""
        vendor_id = _int_key(key)
        req.tenant.vendor(vendor_id)
        fields = validate(VENDOR_FIELDS, _body(req), partial=True)
        return _single(render.vendor(req.tenant, req.tenant.update_vendor(vendor_id, fields)))

    # -- account codes -----------------------------------------------------------------

    def account_codes(self, req: ProcurifyRequest) -> httpx.Response:
        """``GET /api/v3/account-codes/``."""
        f = Filters(req)
        query = AccountCodeQuery(
            active=f.boolean("active"),
            code=f.text("code"),
            search=f.text("search"),
            is_parent=f.boolean("is_parent"),
            order_by=f.text("order_by") or "id",
        )
        page = self._page(req, req.tenant.query_account_codes(query))
        data = [render.account_code(c) for c in page.items]
        return drf_response(200, {"metadata": {"pagination": page.pagination}, "data": data})

    def account_code(self, req: ProcurifyRequest, key: str) -> httpx.Response:
        """``GET /api/v3/account-codes/{id}/``."""
        code = req.tenant.account_code(_int_key(key))
        return _single(render.account_code(code))

    def create_account_code(self, req: ProcurifyRequest) -> httpx.Response:
        """``POST /api/v3/account-codes/`` (``code`` must be unique in the tenant)."""
        fields = validate(ACCOUNT_CODE_CREATE, _body(req), partial=False)
        code = req.tenant.create_account_code(fields)
        return _single(render.account_code(code), status=201)

    def replace_account_code(self, req: ProcurifyRequest, key: str) -> httpx.Response:
        """``PUT /api/v3/account-codes/{id}/`` (``active`` is not writable)."""
        code_id = _int_key(key)
        req.tenant.account_code(code_id)
        fields = validate(ACCOUNT_CODE_UPDATE, _body(req), partial=False)
        code = req.tenant.update_account_code(code_id, fields)
        return _single(render.account_code(code))


def _int_key(key: str) -> int:
    if not key.isdecimal():
        raise NotFound(key)
    return int(key)


def _bill_summary(bills: Sequence[Bill]) -> dict[str, Any]:
    """The list summary: the total with tax across ``bills`` and whether currencies mix."""
    total = sum((b.total_with_tax for b in bills), Decimal(0))
    currencies = {b.currency_id for b in bills}
    return {"has_multiple_currency": len(currencies) > 1, "total_cost": float(total)}


def _oauth_error(status: int, error: str, description: str) -> httpx.Response:
    body = {"error": error, "error_description": description}
    return drf_response(status, body, {"cache-control": "no-store"})
