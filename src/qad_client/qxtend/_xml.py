"""XML in and out, safely: built with ElementTree, parsed with defusedxml, bounded in size.

A QXtend answer comes from a server the integration does not control (and the simulator reads
requests from any caller), so parsing refuses a DOCTYPE of any kind (no DTDs, so no entity
expansion and no external entities), documents over ``MAX_BYTES``, more than ``MAX_ELEMENTS``
elements or deeper than ``MAX_DEPTH``, and text that is not XML. Every refusal is one typed
error, :class:`UnsafeXML`, which the transport turns into the family's error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import defusedxml
import defusedxml.ElementTree as SafeET

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "UnsafeXML",
    "child",
    "children",
    "local",
    "parse",
    "qname",
    "serialize",
    "sub",
    "text_of",
]

MAX_BYTES = 8 * 1024 * 1024
"""The largest document read: a page of query rows is far below it."""
MAX_ELEMENTS = 200_000
MAX_DEPTH = 64


class UnsafeXML(ValueError):
    """A document refused before or while reading it: malformed, too big, or hostile."""


def qname(namespace: str, name: str) -> str:
    """``{namespace}name``, ElementTree's spelling of a namespaced name."""
    return f"{{{namespace}}}{name}" if namespace else name


def local(tag: object) -> str:
    """An element's name without its namespace."""
    text = tag if isinstance(tag, str) else ""
    return text.rpartition("}")[2]


def namespace_of(tag: object) -> str:
    """An element's namespace (``""`` when it has none)."""
    text = tag if isinstance(tag, str) else ""
    return text[1:].partition("}")[0] if text.startswith("{") else ""


def sub(parent: ET.Element, namespace: str, name: str, text: str | None = None) -> ET.Element:
    """A new child element, with text when given (ElementTree escapes it)."""
    element = ET.SubElement(parent, qname(namespace, name))
    if text is not None:
        element.text = text
    return element


def serialize(root: ET.Element) -> bytes:
    """The document as UTF-8 bytes with an XML declaration."""
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _walk(root: ET.Element) -> Iterator[tuple[ET.Element, int]]:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        yield element, depth
        stack.extend((c, depth + 1) for c in element)


def parse(content: bytes, *, max_bytes: int = MAX_BYTES) -> ET.Element:
    """The root element of ``content``; anything unsafe or malformed raises :class:`UnsafeXML`."""
    if len(content) > max_bytes:
        raise UnsafeXML(f"document of {len(content)} bytes is over the {max_bytes}-byte limit")
    if b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper():
        raise UnsafeXML("document declares a DOCTYPE or entities: refused (no DTDs are read)")
    try:
        root = SafeET.fromstring(
            content, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as hostile:
        raise UnsafeXML(f"hostile XML refused: {type(hostile).__name__}") from None
    except ET.ParseError as bad:
        raise UnsafeXML(f"not well-formed XML: {bad}") from None
    for count, (_, depth) in enumerate(_walk(root), start=1):
        if depth > MAX_DEPTH:
            raise UnsafeXML(f"document nests deeper than {MAX_DEPTH} elements")
        if count > MAX_ELEMENTS:
            raise UnsafeXML(f"document has more than {MAX_ELEMENTS} elements")
    return root


def child(parent: ET.Element, name: str, namespace: str | None = None) -> ET.Element | None:
    """The first child named ``name`` (in ``namespace`` when given, else in any)."""
    for element in parent:
        if local(element.tag) != name:
            continue
        if namespace is None or namespace_of(element.tag) == namespace:
            return element
    return None


def children(parent: ET.Element, name: str) -> list[ET.Element]:
    """Every child named ``name``, in any namespace."""
    return [element for element in parent if local(element.tag) == name]


def text_of(element: ET.Element | None) -> str:
    """An element's text, stripped; ``""`` for a missing or empty element."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()
