"""The README's main job (``mlconnector demo``) runs end to end and posts nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys


def test_demo_syncs_posts_nothing_twice_and_releases_holds_after_the_fixes() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "mlconnector_sync", "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    first, second, third = result["runs"]
    suppliers = first["flows"]["qad_suppliers_to_procurify"]
    assert suppliers["counts"]["posted"] == 40
    assert suppliers["counts"]["failed"] == 0
    accounts = first["flows"]["qad_gl_accounts_to_procurify"]
    assert accounts["counts"]["posted"] >= 15
    assert accounts["counts"]["failed"] == accounts["counts"]["quarantined"] == 0
    assert all(f["changes"].get("posted", 0) == 0 for f in second["flows"].values())
    assert result["duplicated_references"] == []
    # the planted holds (an unmapped account code, vendors without a QAD supplier) are
    # released by the clerk's mappings, and posted once
    held = {e["source_key"] for e in result["held_before_fixes"]}
    assert held
    assert all(e["kind"] == "held" for e in result["held_before_fixes"])
    pos = third["flows"]["procurify_pos_to_qad"]
    assert pos["changes"]["released"] == len(held)
    assert pos["changes"]["posted"] == len(held)
    assert pos["counts"]["held"] == 0
    assert result["exceptions"] == []
