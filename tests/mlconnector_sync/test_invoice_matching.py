"""How the supplier-invoice sink draws what a document bills on a PO line from that line's
open receivers (oldest first): by quantity at the billed price, or by amount at each
receiver's unit cost. Property tests: never more than a receiver holds, never more or less
than billed while the receipts cover it, and the shortfall when they do not."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from mlconnector_sync.adapters.qad_invoices import _Receiver, _take_amount, _take_quantity
from qad_client import MatchingLine

SLOT = ("PO1001", 1)
CENT = Decimal("0.01")

quantities = st.decimals(min_value="0.001", max_value="500", places=3)
costs = st.decimals(min_value="0.01", max_value="999", places=2)
receivers = st.lists(st.tuples(quantities, costs), min_size=1, max_size=5).map(
    lambda rows: [
        _Receiver(dt.date(2026, 11, 1 + i), f"RCV{i:03d}", qty, "PO1001", cost)
        for i, (qty, cost) in enumerate(rows)
    ]
)


def _drawn_within_each_receiver(lines: list[MatchingLine], pool: list[_Receiver]) -> None:
    held = {r.receiver: r.open_quantity for r in pool}
    for line in lines:
        assert line.quantity > 0
        assert line.quantity <= held[line.receiver]
        held[line.receiver] -= line.quantity


@given(pool=receivers, share=st.decimals(min_value="0.01", max_value="1.5", places=2))
def test_a_billed_quantity_is_drawn_oldest_first_and_what_is_missing_is_told(
    pool: list[_Receiver], share: Decimal
) -> None:
    available = sum((r.open_quantity for r in pool), Decimal(0))
    wanted = (available * share).quantize(Decimal("0.001"))
    lines: list[MatchingLine] = []
    left = _take_quantity(SLOT, wanted, Decimal("4.20"), pool, lines)
    _drawn_within_each_receiver(lines, pool)
    drawn = sum((line.quantity for line in lines), Decimal(0))
    assert drawn + left == wanted
    assert left == max(wanted - available, Decimal(0))
    assert all(line.unit_price == Decimal("4.20") for line in lines)
    used = [line.receiver for line in lines]
    assert used == [r.receiver for r in pool][: len(used)], "oldest receipt first"


@given(pool=receivers, share=st.decimals(min_value="0.01", max_value="1.5", places=2))
def test_a_billed_amount_is_drawn_at_each_receivers_cost_to_the_cent(
    pool: list[_Receiver], share: Decimal
) -> None:
    # QAD books each line rounded to the cent: what a receiver can carry, and what was drawn
    def booked(quantity: Decimal, cost: Decimal) -> Decimal:
        return (quantity * cost).quantize(CENT, ROUND_HALF_UP)

    bookable = sum((booked(r.open_quantity, r.unit_cost) for r in pool), Decimal(0))
    wanted = (bookable * share).quantize(CENT)
    if wanted <= 0:
        return
    lines: list[MatchingLine] = []
    left = _take_amount(SLOT, wanted, pool, lines)
    _drawn_within_each_receiver(lines, pool)
    costs_of = {r.receiver: r.unit_cost for r in pool}
    assert all(line.unit_price == costs_of[line.receiver] for line in lines)
    drawn = sum((booked(line.quantity, line.unit_price) for line in lines), Decimal(0))
    assert drawn + left == wanted, "to the cent"
    assert left == max(wanted - bookable, Decimal(0))
