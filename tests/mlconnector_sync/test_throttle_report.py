"""The run report shows, per flow, how long its clients waited for their rate budgets (the
listings' polite spacing included), so pacing that stays is seen rather than guessed."""

from __future__ import annotations

import pytest

from mlconnector_http import FakeClock, RetryPolicy
from mlconnector_sync import Engine
from mlconnector_sync._connections import BUILDERS, ThrottleMeter
from mlconnector_sync.cli._output import print_report
from mlconnector_sync.state import open_store
from mlconnector_sync.testing._scenarios import PROCURIFY_TENANT, Manufacturer
from procurify_client import ProcurifyClient

FLOW = "procurify_pos_to_qad"


def _waited(*, paced: bool, capsys: pytest.CaptureFixture[str]) -> tuple[float, int, str]:
    world = Manufacturer(seed=2, scale=1, purchase_orders=12, purchased_only=True)
    clock, meter = FakeClock(), ThrottleMeter()
    creds = world.procurify_credentials
    procurify = ProcurifyClient(
        base_url=f"https://{PROCURIFY_TENANT}.procurify.com",
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=world.procurify.transport(),
        retry=RetryPolicy.for_testing(),
        clock=clock,
        event_hook=meter,
        **({} if paced else {"budget": None}),
    )
    store = open_store("memory:")
    flow = BUILDERS[FLOW](procurify, world.qad_client(), connection="procurify", domain="10USA")
    report = Engine([flow], store, throttle_seconds=meter.total).run_once()
    store.close()
    capsys.readouterr()
    print_report(report)
    shown = capsys.readouterr().out
    return report.flows[FLOW].throttle_seconds, world.procurify.request_count(), shown


def test_paced_listings_and_reads_show_their_wait_and_unpaced_ones_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    waited, requests, shown = _waited(paced=True, capsys=capsys)
    assert requests > 10
    # Procurify's polite spacing (50 ms) between the flow's requests, on the fake clock
    assert waited == pytest.approx(0.05 * (requests - 1), rel=0.25)
    assert f"{waited:.2f}" in shown
    unpaced, _, _ = _waited(paced=False, capsys=capsys)
    assert unpaced == 0
