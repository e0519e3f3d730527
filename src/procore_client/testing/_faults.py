"""Procore-flavoured faults for the kernel's injector: throttling, gateway pages, rate limits.

Use with ``sim.faults.add(service_unavailable(retry_after=2), path="/rest/", times=1)``.
"""

from __future__ import annotations

import json

from mlconnector_http.testing import Fault
from procore_client.testing._limits import RATE_LIMIT_MESSAGE

__all__ = ["bad_gateway", "rate_limited", "service_unavailable"]


def service_unavailable(retry_after: int | None = 5) -> Fault:
    """503 under heavy load, with ``Retry-After`` seconds as Procore's docs describe."""
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    body = json.dumps({"errors": "Service Unavailable"}).encode()
    return Fault.http_status(503, headers=headers, body=body)


def bad_gateway() -> Fault:
    """502 with an HTML page, as the load balancer in front of the API answers."""
    return Fault.html_error(502)


def rate_limited(retry_after: int | None = 10, reset_epoch: int | None = None) -> Fault:
    """A 429 regardless of the real windows (plain-text body, like the real one)."""
    headers = {"content-type": "text/plain"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if reset_epoch is not None:
        headers["X-Rate-Limit-Reset"] = str(reset_epoch)
        headers["X-Rate-Limit-Remaining"] = "0"
    return Fault.http_status(429, headers=headers, body=RATE_LIMIT_MESSAGE.encode())
