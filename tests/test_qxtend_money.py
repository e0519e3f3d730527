"""Money and text through QXtend: what goes in as a Decimal comes back the same Decimal, and any
text (markup characters included) comes back as sent, read through QXtend and through REST."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http import FakeClock, RetryPolicy
from qad_client import NewPurchaseOrder, NewPurchaseOrderLine, QADClient, QXtendConnection
from qad_client.testing import QADSimulator, QXtendSimulator

CLOCK = FakeClock()
SIM = QADSimulator(clock=CLOCK)
URL = SIM.add_tenant("acme")
SIM.add_user("acme", "alice", "pw")
SEED = SIM.seed("acme", suppliers=2, items=2)
QX = QXtendSimulator(SIM, "acme")
CLIENT = QADClient.qxtend(
    QXtendConnection(
        endpoint=QX.endpoint(),
        receiver="MLCONNECTOR",
        domain="10USA",
        entity="10USACO",
        username="alice",
        password="pw",
    ),
    transport=QX.transport(),
    clock=CLOCK,
    retry=RetryPolicy.for_testing(),
)
REST = QADClient(
    tenant_url=URL,
    domain="10USA",
    entity="10USACO",
    username="alice",
    password="pw",
    transport=SIM.transport(),
    clock=CLOCK,
)
NUMBERS = itertools.count(1)

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
quantity = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("99999.999"), places=3)
text = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"
    ),
    max_size=30,
).map(str.strip)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(costs=st.lists(st.tuples(quantity, money), min_size=1, max_size=4), remarks=text)
def test_amounts_and_text_survive_a_round_trip_to_the_cent(
    costs: list[tuple[Decimal, Decimal]], remarks: str
) -> None:
    reference = f"money:{next(NUMBERS)}"
    order = NewPurchaseOrder(
        supplier=SEED.suppliers[0],
        order_date=dt.date(2026, 1, 5),
        external_reference=reference,
        remarks=remarks,
        lines=[
            NewPurchaseOrderLine(
                item=SEED.items[0], quantity_ordered=q, purchase_cost=c, site="10-100"
            )
            for q, c in costs
        ],
    )
    created = CLIENT.purchase_orders.create(order).record
    for read in (created, REST.purchase_orders.get(created.number)):
        assert read.remarks == remarks
        assert [(line.quantity_ordered, line.purchase_cost) for line in read.lines] == costs
        total = sum((line.quantity_ordered * line.purchase_cost for line in read.lines), Decimal(0))
        assert total == sum((q * c for q, c in costs), Decimal(0))
