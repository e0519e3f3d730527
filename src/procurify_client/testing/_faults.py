"""Procurify-specific faults: ``next`` links that leave the tenant's host or never advance.

Both are :class:`~mlconnector_http.testing.Fault` rewrites of a list response, for either
pagination shape (``metadata.pagination`` or top-level ``pagination``); other responses pass
through unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from mlconnector_http.testing import Fault

__all__ = ["next_link_loop", "next_links_at"]


def _pagination(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    metadata = body.get("metadata")
    block = metadata.get("pagination") if isinstance(metadata, dict) else body.get("pagination")
    return block if isinstance(block, dict) and block.get("next") else None


def _rewrite_next(change: Callable[[dict[str, Any]], str]) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        try:
            body = json.loads(response.content)
        except ValueError:
            return response
        block = _pagination(body)
        if block is None:
            return response
        block["next"] = change(block)
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "content-length"]
        return httpx.Response(
            response.status_code, headers=headers, content=json.dumps(body).encode()
        )

    return Fault.rewrite(rewrite)


def next_links_at(base_url: str) -> Fault:
    """Point every ``next`` link at ``base_url``'s scheme, host and port, keeping path and query.

    A client that follows ``next`` verbatim sends its bearer token to that host; a careful one
    rebuilds the link on its configured base URL or refuses it.
    """
    base = httpx.URL(base_url)

    def change(block: dict[str, Any]) -> str:
        link = httpx.URL(block["next"])
        return str(link.copy_with(scheme=base.scheme, host=base.host, port=base.port))

    return _rewrite_next(change)


def next_link_loop() -> Fault:
    """Make ``next`` point back at the current page, so a naive paginator never finishes."""

    def change(block: dict[str, Any]) -> str:
        return str(httpx.URL(block["next"]).copy_set_param("page", block["current_page"]))

    return _rewrite_next(change)
