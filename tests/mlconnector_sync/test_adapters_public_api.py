"""The adapters use only the clients' public API: no private modules, names or attributes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mlconnector_sync.adapters

CLIENTS = ("mlconnector_http", "procurify_client", "procore_client", "qad_client")
ADAPTERS = sorted(Path(mlconnector_sync.adapters.__file__).parent.glob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _uses_of_private_api(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] in CLIENTS:
                if any(_private(part) for part in parts[1:]):
                    found.append(f"line {node.lineno}: from {node.module} import ...")
                found += [
                    f"line {node.lineno}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if _private(alias.name)
                ]
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] in CLIENTS
                and any(_private(part) for part in alias.name.split(".")[1:])
            ]
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own:
                found.append(f"line {node.lineno}: .{node.attr}")
    return found


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: p.name)
def test_an_adapter_uses_only_public_client_names(path: Path) -> None:
    assert _uses_of_private_api(path.read_text()) == []


def test_the_check_finds_each_kind_of_private_use() -> None:
    source = "\n".join(
        [
            "from qad_client._operations import write",
            "from qad_client import _names",
            "import procurify_client._convert",
            "def f(self, client):",
            "    self._own = 1",
            "    return self.client._send(write()), client.__class__",
        ]
    )
    assert _uses_of_private_api(source) == [
        "line 1: from qad_client._operations import ...",
        "line 2: from qad_client import _names",
        "line 3: import procurify_client._convert",
        "line 6: ._send",
    ]
