"""The README's main job runs end to end and the supplier push is idempotent."""

from __future__ import annotations

import subprocess
import sys

from mlconnector_sync._demo import run_demo


def test_demo_reads_every_simulator_and_pushes_suppliers_once() -> None:
    lines: list[str] = []
    report = run_demo(scale=1, echo=lines.append)
    figures = dict(report.rows)
    assert figures["Procurify purchase orders"] == "200"
    assert figures["QAD paths answering"] == "24/24"
    assert figures["Procore requisitions"] == "60"
    assert report.vendors_created == (15, 0)
    assert len(lines) == 4


def test_module_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "mlconnector_sync", "--scale", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "vendors created, run 1 / run 2  15 / 0" in done.stdout
