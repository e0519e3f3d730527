"""Rails-style request parameters: nested form keys and the casts Rails applies to strings.

Procore is a Rails app, so a write may come as ``application/x-www-form-urlencoded`` or
``multipart/form-data`` (attachments) with bracketed keys (``requisition[origin_id]=X``,
``ids[]=1``, ``line_items[][amount]=2``), and an integer or boolean attribute sent as a string
(``"12"``, ``"true"``, ``"0"``) is cast.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from typing import Any
from urllib.parse import parse_qsl

from procore_client.testing._errors import HttpError

__all__ = [
    "FORM_TYPE",
    "MULTIPART_TYPE",
    "cast_flag",
    "cast_integer",
    "rails_form",
    "rails_multipart",
]

FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")
_FALSE = frozenset({"0", "f", "false", "off"})
_TRUE = frozenset({"1", "t", "true", "on"})
_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")


def rails_form(content: bytes) -> dict[str, Any]:
    """A form body as Rails' params: nested dicts for ``[key]``, lists for ``[]``.

    In ``a[][x]=1&a[][y]=2&a[][x]=3`` a key already present in the list's last hash starts a
    new one, as Rack does: two elements, ``{x: 1, y: 2}`` and ``{x: 3}``.
    """
    try:
        pairs = parse_qsl(content.decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise HttpError(400, {"errors": "The request body is not valid UTF-8"}) from None
    return _nest(pairs)


def rails_multipart(content_type: str, content: bytes) -> dict[str, Any]:
    """A ``multipart/form-data`` body as Rails' params; a file part (``attachments[]``, say)
    becomes ``{"filename", "content_type", "size"}``, the upload's description."""
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + content)
    if not message.is_multipart():
        raise HttpError(400, {"errors": "The multipart body has no parts"})
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise HttpError(400, {"errors": "A multipart part has no name"})
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            pairs.append((name, data.decode("utf-8", "replace")))
        else:
            upload = {"filename": filename, "content_type": part.get_content_type()}
            pairs.append((name, {**upload, "size": len(data)}))
    return _nest(pairs)


def _nest(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise HttpError(400, {"errors": f"Invalid parameter name {key!r}"})
        _put(params, [match.group(1), *_PART.findall(match.group(2))], value, key)
    return params


def _put(target: dict[str, Any], path: list[str], value: Any, key: str) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        target[head] = value
        return
    if rest[0] == "":
        items = target.setdefault(head, [])
        if not isinstance(items, list):
            raise HttpError(400, {"errors": f"Conflicting parameter {key!r}"})
        if len(rest) == 1:
            items.append(value)
            return
        last = items[-1] if items and isinstance(items[-1], dict) else None
        if last is None or _holds(last, rest[1:]):
            last = {}
            items.append(last)
        _put(last, rest[1:], value, key)
        return
    child = target.setdefault(head, {})
    if not isinstance(child, dict):
        raise HttpError(400, {"errors": f"Conflicting parameter {key!r}"})
    _put(child, rest, value, key)


def _holds(hash_: dict[str, Any], path: list[str]) -> bool:
    """Whether ``path`` is already set in ``hash_`` (a path with ``[]`` in it never is)."""
    if "" in path:
        return False
    value: Any = hash_
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def cast_integer(value: Any) -> Any:
    """``"12"`` as 12, as Rails casts an integer attribute; anything else unchanged."""
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    return value


def cast_flag(value: Any) -> Any:
    """``"true"``/``"1"``/``"t"``/``"on"`` (and the false forms) as a bool; else unchanged.

    Rails also casts other strings to true; the simulator refuses them, to catch a client
    sending nonsense.
    """
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text == "":
            return None
    if type(value) is int and value in (0, 1):
        return bool(value)
    return value
