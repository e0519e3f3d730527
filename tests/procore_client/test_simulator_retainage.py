"""The simulator's subcontractor invoice money: whatever the claims and releases, the lines
add up to the summary to the cent and the payments due add up to what was earned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import hypothesis.strategies as st
from hypothesis import given, settings

from mlconnector_http import FakeClock
from procore_client.testing import ProcoreSimulator
from procore_client.testing import _render as render

CENT = Decimal("0.01")
cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.integers(min_value=1, max_value=90_000_000), min_size=1, max_size=5),
    claims=st.lists(cents, min_size=1, max_size=6),
    percent=st.sampled_from([Decimal("0"), Decimal("5"), Decimal("7.5"), Decimal("10")]),
    release_at=st.integers(min_value=0, max_value=6),
)
def test_lines_and_summaries_agree_to_the_cent(
    lines: list[int], claims: list[Decimal], percent: Decimal, release_at: int
) -> None:
    sim = ProcoreSimulator(clock=FakeClock(dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
    sim.add_app("app", "secret")
    sim.add_company(1, "Co", installed_for=["app"])
    project = sim.add_project(1)
    state = sim.state
    commitment = state.add_commitment(project.id, amounts=[Decimal(c) / 100 for c in lines])
    commitment.retainage_percent = percent
    held = Decimal("0.00")
    due_total = Decimal("0.00")
    claimed_total = Decimal("0.00")
    for number, claim in enumerate(claims, start=1):
        released = held if number == release_at else Decimal("0")
        requisition = state.add_requisition(
            project.id, commitment.id, total_claimed=claim, retainage_released=released
        )
        data = render.requisition(requisition, state, version="v1.1", items=True)
        summary, items = data["summary"], data["items"]
        gross = sum((Decimal(i["work_completed_this_period"]) for i in items), Decimal(0))
        kept = sum(
            (Decimal(i["work_completed_retainage_retained_this_period"]) for i in items),
            Decimal(0),
        )
        freed = sum(
            (Decimal(i["work_completed_retainage_released_this_period"]) for i in items),
            Decimal(0),
        )
        net = sum((Decimal(i["net_amount"]) for i in items), Decimal(0))
        assert gross == claim
        assert freed == released == Decimal(summary["retainage_released_this_period"])
        assert net == gross - kept + freed == Decimal(summary["current_payment_due"])
        claimed_total += claim
        held += kept - freed
        due_total += Decimal(summary["current_payment_due"])
        assert Decimal(summary["total_retainage"]) == held
        assert due_total == claimed_total - held == Decimal(summary["total_earned_less_retainage"])
        assert all(
            Decimal(i["gross_amount"]).quantize(CENT) == Decimal(i["gross_amount"]) for i in items
        )
        before = sum(
            (Decimal(i["work_completed_from_previous_application"]) for i in items), Decimal(0)
        )
        to_date = sum((Decimal(i["total_completed_and_stored_to_date"]) for i in items), Decimal(0))
        held_before = sum(
            (Decimal(i["work_completed_retainage_from_previous_application"]) for i in items),
            Decimal(0),
        )
        assert before == claimed_total - claim
        assert to_date == claimed_total == Decimal(summary["total_completed_and_stored_to_date"])
        assert held_before + kept - freed == held
        for item, line in zip(items, commitment.line_items, strict=True):
            line_to_date = Decimal(item["total_completed_and_stored_to_date"])
            assert line_to_date == Decimal(item["work_completed_from_previous_application"]) + (
                Decimal(item["work_completed_this_period"])
            )
            assert Decimal(item["total_completed_and_stored_to_date_percent"]) == (
                line_to_date * 100 / line.amount
            ).quantize(CENT)
