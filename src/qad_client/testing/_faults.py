"""Ready-made faults in QAD's shape, for the kernel's rule-based injector (``sim.faults``).

QAD documents no rate limits; these exist so a client's retry path can be exercised anyway.
A 429 carries ``Retry-After`` and QAD's bare ``{"errors": [...]}`` body; a 503 looks like the
HTML page a proxy (QAD cloud sits behind Cloudflare) returns when the tenant is down.
"""

from __future__ import annotations

import json

from mlconnector_http.testing import Fault
from qad_client.testing._envelope import error_body

__all__ = ["rate_limited", "unavailable"]


def rate_limited(retry_after: int = 1) -> Fault:
    """A 429 with ``Retry-After: retry_after`` seconds."""
    body = error_body(429, "Rate limit exceeded.")
    return Fault.http_status(
        429, headers={"retry-after": str(retry_after)}, body=json.dumps(body).encode()
    )


def unavailable(retry_after: int | None = None) -> Fault:
    """A 503 with an HTML body, optionally with ``Retry-After``."""
    headers = {"content-type": "text/html"}
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    page = b"<html><head><title>503 Service Unavailable</title></head><body>down</body></html>"
    return Fault.http_status(503, headers=headers, body=page)
