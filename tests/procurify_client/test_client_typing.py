"""mypy --strict on ``typing_clients.py``: each client takes only its own transport and client.

CI type-checks ``src`` and ``tests/typing`` only; this runs the Procurify typing module too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # a few seconds when mypy's cache is cold
def test_the_clients_refuse_the_other_flavours_transport_and_http_client() -> None:
    from mypy import api

    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(Path(__file__).with_name("typing_clients.py")),
        ]
    )
    assert status == 0, stdout + stderr
