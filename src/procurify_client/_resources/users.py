"""The API user (``/api/v3/users/me/``): the cheapest authenticated call, a connectivity check.

It proves the token request, the headers and the user's access in one round trip, and says
which user the credentials act as (their role decides every 403).
"""

from __future__ import annotations

from mlconnector_http import Operation
from procurify_client._models import CurrentUser
from procurify_client._query import record_parser

__all__ = ["get_me"]


def get_me() -> Operation[CurrentUser]:
    """The user the credentials belong to."""
    return Operation(
        name="users.me",
        method="GET",
        path="/api/v3/users/me/",
        parse=record_parser(CurrentUser, "current user"),
    )
