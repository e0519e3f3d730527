"""``GET /rest/v1.0/me``: the user the token acts as (needs the company header under DMSA)."""

from __future__ import annotations

from mlconnector_http import Operation
from procore_client._models import Me
from procore_client._paging import get_op, v1

__all__ = ["get_me"]


def get_me() -> Operation[Me]:
    """Who the app is (its service account)."""
    return get_op("me.get", v1("me"), (), Me, "me")
