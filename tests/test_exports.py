"""Each package's public API is exactly its ``__all__`` (kept sorted by ruff RUF022)."""

from __future__ import annotations

import importlib
import importlib.util

import pytest

PACKAGES = [
    "mlconnector_http",
    "mlconnector_http.testing",
    "procurify_client",
    "procurify_client.testing",
    "procore_client",
    "procore_client.testing",
    "qad_client",
    "qad_client.testing",
    "mlconnector_sync",
    "mlconnector_sync.state",
    "mlconnector_sync.testing",
]


def _present(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None and hasattr(
            importlib.import_module(name), "__all__"
        )
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("name", [p for p in PACKAGES if _present(p)])
def test_all_is_sorted_complete_and_resolvable(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(set(exported)) == len(exported)
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is in __all__ but missing"
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and not isinstance(value, type(importlib))
        and getattr(value, "__module__", name).split(".")[0] == name.split(".")[0]
    }
    assert public <= set(exported) | {"annotations"}, sorted(public - set(exported))
