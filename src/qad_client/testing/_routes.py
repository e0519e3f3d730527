"""Which tenant a URL names, and which handler answers each method and path below its base.

Tenants are found the way QAD hosts them:

* ``https://{tenant}.qad.com/clouderp/...`` (or ``/qad-central/...``): tenant from the host;
* ``https://{tenant}-nonprod.qad.com/clouderp/{env}/...``: tenant key ``{tenant}-nonprod/{env}``;
* any other host, e.g. loopback ``http://127.0.0.1:{port}/{tenant}/clouderp/...``: the first
  path segment is the host label, so the same keys work (``/{tenant}-nonprod/clouderp/{env}``).
"""

from __future__ import annotations

import attrs

from mlconnector_http.testing import NoRoute, Router
from qad_client.testing import _handlers as h
from qad_client.testing._names import BASES, PATHS

__all__ = ["QAD_DOMAIN", "Located", "build_router", "locate", "tenant_base", "tenant_key"]

QAD_DOMAIN = ".qad.com"
_NONPROD = "-nonprod"


@attrs.frozen
class Located:
    """A request's tenant key and the path below the tenant's base URL."""

    key: str
    rest: str


def locate(method: str, host: str, path: str) -> Located:
    """Split a request URL into tenant key and remaining path; raises ``NoRoute`` (404)."""
    segments = path.split("/")[1:]
    if host.endswith(QAD_DOMAIN):
        label = host[: -len(QAD_DOMAIN)]
    elif segments:
        label, segments = segments[0], segments[1:]
    else:
        raise NoRoute(404, method, path)
    if not segments or segments[0] not in BASES:
        raise NoRoute(404, method, path)
    segments = segments[1:]
    key = label
    if label.endswith(_NONPROD):
        if not segments:
            raise NoRoute(404, method, path)
        key = f"{label}/{segments[0]}"
        segments = segments[1:]
    return Located(key, "/" + "/".join(segments))


def tenant_key(name: str, env: str | None) -> str:
    """The key a tenant is registered under: its host label, plus ``/{env}`` for non-prod."""
    return name if env is None else f"{name}{_NONPROD}/{env}"


def tenant_base(key: str, origin: str | None = None) -> str:
    """The base URL of tenant ``key``: its QAD cloud URL, or below ``origin`` (e.g. loopback)."""
    label, _, env = key.partition("/")
    suffix = f"/{env}" if env else ""
    base = BASES[0]
    if origin is None:
        return f"https://{label}{QAD_DOMAIN}/{base}{suffix}"
    return f"{origin.rstrip('/')}/{label}/{base}{suffix}"


def build_router() -> Router:
    """Every route below a tenant's base URL; specific paths come before ``{plural}``."""
    router = Router()
    router.add("POST", PATHS["token"], h.token)
    router.add("GET", PATHS["security_control"], h.security_control)
    router.add("GET", PATHS["browses"], h.browses)
    router.add("GET", PATHS["total_count"], h.total_count)
    router.add("GET", PATHS["total_count"] + "/", h.total_count)  # as QAD's own harness calls it
    router.add("GET", PATHS["entity_metadata"], h.entity_metadata)
    router.add("GET", PATHS["permission_state"], h.permission_state)
    router.add("GET", PATHS["line_grid"], h.line_grid_read)
    router.add("POST", PATHS["line_grid"], h.line_grid_commit)
    router.add("POST", PATHS["line_field_change"], h.line_field_change)
    router.add("GET", PATHS["line_is_received"], h.line_is_received)
    router.add("GET", PATHS["erp"] + "/{plural}", h.erp_read)
    router.add("POST", PATHS["erp"] + "/{plural}", h.erp_write)
    router.add("DELETE", PATHS["erp"] + "/{plural}", h.erp_delete)
    return router
