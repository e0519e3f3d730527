"""Method + path-template routing for simulators, plus small request/response helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx

__all__ = ["Handler", "NoRoute", "Router", "SimRequest", "json_response"]

Handler = Callable[..., httpx.Response]


class SimRequest:
    """A read-only view of an incoming request with the parsing a handler needs."""

    def __init__(self, request: httpx.Request) -> None:
        self.raw = request
        self.method = request.method.upper()
        self.url = request.url
        self.path = request.url.path
        self.headers = request.headers
        self.params = request.url.params
        self.content = request.content

    def query(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        value = self.params.get(name)
        return default if value is None else str(value)

    def query_all(self, name: str) -> list[str]:
        """Every value of a repeated query parameter."""
        return self.params.get_list(name)

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` when it is not JSON."""
        return json.loads(self.content or b"null")

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        return dict(parse_qsl(self.content.decode("utf-8"), keep_blank_values=True))


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON response with the given status, body and extra headers."""
    body = json.dumps(data, default=str).encode("utf-8")
    all_headers = {"content-type": "application/json"}
    all_headers.update(headers or {})
    return httpx.Response(status, content=body, headers=all_headers)


class NoRoute(LookupError):
    """No route matches; ``status`` is 404 (unknown path) or 405 (known path, other method)."""

    def __init__(self, status: int, method: str, path: str) -> None:
        super().__init__(f"{status}: {method} {path}")
        self.status = status


_PARAM = re.compile(r"\{(\w+)\}")


class Router:
    """Maps ``METHOD /path/{param}/`` templates to handlers called as ``handler(req, **params)``."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Register ``handler`` for ``method`` on paths matching ``template``."""
        pattern = _PARAM.sub(
            lambda m: f"(?P<{m.group(1)}>[^/]+)",
            re.escape(template).replace(r"\{", "{").replace(r"\}", "}"),
        )
        self._routes.append((method.upper(), re.compile(f"^{pattern}$"), handler))

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`add`."""

        def register(handler: Handler) -> Handler:
            self.add(method, template, handler)
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and path parameters for a request; raises :class:`NoRoute`."""
        path_known = False
        for route_method, pattern, handler in self._routes:
            found = pattern.match(path)
            if found is None:
                continue
            path_known = True
            if route_method == method.upper():
                return handler, found.groupdict()
        raise NoRoute(405 if path_known else 404, method, path)
