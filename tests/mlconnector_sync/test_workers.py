"""Four worker processes on one PostgreSQL run the same flows at once: no duplicate in the
target, every record posted, the shared rate budget never exceeded (the simulator counts its
429 answers), and one token refresh per expiry across all workers."""

from __future__ import annotations

import collections
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

from mlconnector_sync.testing._scenarios import INTERNAL_AGENT, Manufacturer, write_config
from procurify_client.testing import RateLimit

WORKERS = 4
SCALE = 10  # 400 suppliers, 150 GL accounts
TOKEN_TTL = 6  # seconds: several expiries during the test (clients refresh at half-life)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlconnector_sync", *args]


def test_four_workers_share_units_budget_and_tokens(tmp_path: Path, postgres_url: str) -> None:
    world = Manufacturer(
        seed=5,
        scale=SCALE,
        procurify_rate_limit=RateLimit(requests_per_window=100, window_seconds=1),
    )
    with world.serve() as served:
        config = tmp_path / "workers.toml"
        write_config(served, config, timeout=10.0)
        text = config.read_text()
        text = re.sub(r'(?m)^url = ".*"$', f'url = "{postgres_url}"', text, count=1)
        text = text.replace(
            'system = "procurify"\n', 'system = "procurify"\nrate_limit = "80/1s"\n', 1
        )
        config.write_text(text)
        world.procurify.tenant("acme").token_ttl = TOKEN_TTL
        world.procurify.clear_log()
        world.qad.clear_log()
        for _ in range(6):  # rounds: a worker that found a unit busy tries again next round
            workers = [
                subprocess.Popen(
                    _cli("run", "--config", str(config), "--once", "--json"),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(WORKERS)
            ]
            results = [w.communicate(timeout=300) for w in workers]
            assert all(w.returncode == 0 for w in workers), [e[-2000:] for _, e in results]
            reports = [json.loads(out) for out, _ in results]
            if all(
                r["flows"][f]["counts"]["pending"] == 0 and not r["flows"][f]["busy"]
                for r in reports
                for f in r["flows"]
            ):
                break
        procurify_log = list(world.procurify.requests)
        qad_log = list(world.qad.requests)
        vendors = world.procurify.tenant("acme").vendors.values()
    linked = collections.Counter(v.external_id for v in vendors if v.external_id)
    qad_suppliers = {f"SUP{i:05d}" for i in range(1, 40 * SCALE + 1)}
    assert qad_suppliers <= set(linked), sorted(qad_suppliers - set(linked))[:5]
    assert max(linked.values()) == 1, [k for k, n in linked.items() if n > 1][:5]
    status = json.loads(
        subprocess.run(
            _cli("status", "--config", str(config), "--json"),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    for name, flow in status["flows"].items():
        # the PO flow holds what the scenario plants (an unmapped account code, two vendors);
        # the bill flow holds those POs' bills and bills whose goods QAD has not received
        held_ok = name in ("procurify_pos_to_qad", "procurify_bills_to_qad")
        settled = {"posted", "skipped", "held"} if held_ok else set()
        settled |= {"posted", "skipped"}
        open_rows = {s: n for s, n in flow["counts"].items() if s not in settled and n}
        assert open_rows == {}, name
    assert sum(1 for r in procurify_log if r.status == 429) == 0
    # one refresh per expiry across the workers: never two token requests close together
    fetched = sorted(r.at for r in procurify_log if r.path == "/oauth/token")
    assert fetched
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(fetched)]
    assert all(gap >= TOKEN_TTL / 2 - 1 for gap in gaps), gaps
    assert len(fetched) <= (fetched[-1] - fetched[0]).total_seconds() / (TOKEN_TTL / 2 - 1) + 1
    integration = [r for r in qad_log if r.user_agent != INTERNAL_AGENT]  # not the warehouse
    assert sum(1 for r in integration if r.path.endswith("/oauth/token")) == 1
