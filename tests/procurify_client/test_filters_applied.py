"""Every filter the client accepts is applied by the simulator, none silently ignored.

Procurify ignores a filter it does not know, so a simulator that ignored one would let a
misspelt or unsupported filter pass every test. Each filter of the PO and bill lists is sent
through the client with a value taken from the seeded records, and the answer must be exactly
the records the filter selects; a filter no simulated record can satisfy (no PO has an expiry
date, no bill was exported) must answer none. The tables must name every filter the client
accepts, so a new client filter without simulator support fails here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

from procurify_client import (
    ProcurifyClient,
    ProcurifyConfigurationError,
    ProcurifyValidationError,
)
from procurify_client._resources import account_codes, bills, payments, purchase_orders, vendors
from procurify_client.testing import ProcurifySimulator
from procurify_client.testing._state import (
    Bill,
    Payment,
    PurchaseOrder,
    Tenant,
    Vendor,
)

from .conftest import SUBDOMAIN

Case = tuple[Callable[[Tenant], Any], Callable[[Any, Any], bool]]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else moment.date()


def _median(values: list[Any]) -> Any:
    ordered = sorted(v for v in values if v is not None)
    return ordered[len(ordered) // 2]


def _po_value(pick: Callable[[PurchaseOrder], Any]) -> Callable[[Tenant], Any]:
    return lambda t: _median([pick(po) for po in t.purchase_orders])


def _bill_value(pick: Callable[[Bill], Any]) -> Callable[[Tenant], Any]:
    return lambda t: _median([pick(b) for b in t.bills.values()])


def _low(pick: Callable[[Any], Any]) -> Callable[[Any, Any], bool]:
    return lambda record, value: pick(record) is not None and pick(record) >= value


def _high(pick: Callable[[Any], Any]) -> Callable[[Any, Any], bool]:
    return lambda record, value: pick(record) is not None and pick(record) <= value


def _equal(pick: Callable[[Any], Any]) -> Callable[[Any, Any], bool]:
    return lambda record, value: pick(record) == value


def _none(_record: Any, _value: Any) -> bool:
    return False


def _first_user(t: Tenant) -> int:
    return min(t.users)


def _po_day(po: PurchaseOrder) -> dt.date:
    return po.date.date()


def _po_promise(po: PurchaseOrder) -> dt.date:
    return po.promise_date.date()


def _po_total(po: PurchaseOrder) -> Decimal:
    return po.total


PO_CASES: dict[str, Case] = {
    "date_0": (_po_value(_po_day), _low(_po_day)),
    "date_1": (_po_value(_po_day), _high(_po_day)),
    "promise_date_0": (_po_value(_po_promise), _low(_po_promise)),
    "promise_date_1": (_po_value(_po_promise), _high(_po_promise)),
    "expiry_date_0": (lambda t: dt.date(2000, 1, 1), _none),
    "expiry_date_1": (lambda t: dt.date(2100, 1, 1), _none),
    "total_0": (_po_value(_po_total), _low(_po_total)),
    "total_1": (_po_value(_po_total), _high(_po_total)),
    "pref_vendor": (_po_value(lambda po: po.vendor_id), _equal(lambda po: po.vendor_id)),
    "purchaser": (_po_value(lambda po: po.purchaser_id), _equal(lambda po: po.purchaser_id)),
    "purchase_order": (_po_value(lambda po: po.number), _equal(lambda po: po.number)),
    "currency": (_po_value(lambda po: po.currency_id), _equal(lambda po: po.currency_id)),
    "has_blanket_order_items": (lambda t: True, _none),
    "order_by": (lambda t: "-id", lambda po, value: True),
}

BILL_CASES: dict[str, Case] = {
    **{
        f"{name}_{end}": (
            _bill_value(lambda b, n=name: _day(getattr(b, n))),
            (_low if end == 0 else _high)(lambda b, n=name: _day(getattr(b, n))),
        )
        for name in ("invoice_date", "due_date", "gl_post_date", "submitted_date")
        for end in (0, 1)
    },
    "last_export_date_0": (lambda t: dt.date(2000, 1, 1), _none),
    "last_export_date_1": (lambda t: dt.date(2100, 1, 1), _none),
    "vendor": (_bill_value(lambda b: b.vendor_id), _equal(lambda b: b.vendor_id)),
    "approver": (_bill_value(lambda b: b.approver_id), _equal(lambda b: b.approver_id)),
    "creator": (_bill_value(lambda b: b.creator_id), _equal(lambda b: b.creator_id)),
    "user": (_bill_value(lambda b: b.creator_id), _equal(lambda b: b.creator_id)),
    "last_export_user": (_first_user, _none),
    "currency": (_bill_value(lambda b: b.currency_id), _equal(lambda b: b.currency_id)),
    "group": (_bill_value(lambda b: b.group), _equal(lambda b: b.group)),
    "include_bill_group_ids": (
        lambda t: [_median([b.group for b in t.bills.values()])],
        lambda b, ids: b.group in ids,
    ),
    "exclude_bill_group_ids": (
        lambda t: [_median([b.group for b in t.bills.values()])],
        lambda b, ids: b.group not in ids,
    ),
    "type": (_bill_value(lambda b: b.type), _equal(lambda b: b.type)),
    "has_payment": (lambda t: True, lambda b, v: b.payment_uuid is not None),
    "has_posting_date": (lambda t: False, lambda b, v: b.gl_post_date is None),
    "is_exported": (lambda t: True, _none),
    "search": (
        _bill_value(lambda b: b.invoice_number),
        lambda b, v: v.casefold() in b.invoice_number.casefold(),
    ),
    "order_by": (lambda t: "-id", lambda b, value: True),
}


def _pay_value(pick: Callable[[Payment], Any]) -> Callable[[Tenant], Any]:
    return lambda t: _median([pick(p) for p in t.payments.values()])


def _pay_created(p: Payment) -> dt.datetime:
    return p.created_at


def _pay_processing(p: Payment) -> dt.datetime | None:
    return p.processing_date


PAYMENT_CASES: dict[str, Case] = {
    "created_at_after": (_pay_value(_pay_created), _low(_pay_created)),
    "created_at_before": (_pay_value(_pay_created), _high(_pay_created)),
    "processing_date_after": (_pay_value(_pay_processing), _low(_pay_processing)),
    "processing_date_before": (_pay_value(_pay_processing), _high(_pay_processing)),
    "vendor": (_pay_value(lambda p: p.vendor_id), _equal(lambda p: p.vendor_id)),
    "currency": (  # every seeded payment is in the base currency: ask for another one
        lambda t: max(set(t.currencies) - {p.currency_id for p in t.payments.values()}),
        _equal(lambda p: p.currency_id),
    ),
    "ids": (lambda t: [min(t.payments), max(t.payments)], lambda p, ids: p.id in ids),
    "bill_groups": (
        lambda t: [_median([g for p in t.payments.values() for g in p.bill_groups])],
        lambda p, groups: bool(set(p.bill_groups) & set(groups)),
    ),
    "invoice_number": (
        lambda t: _median([n for p in t.payments.values() for n in p.invoice_numbers]),
        lambda p, number: number in p.invoice_numbers,
    ),
    "payment_amount": (_pay_value(lambda p: p.amount), _equal(lambda p: p.amount)),
    "order_by": (lambda t: "-updated_at", lambda p, value: True),
}


def _active(t: Tenant) -> list[Vendor]:
    return [v for v in t.vendors.values() if v.active]


VENDOR_CASES: dict[str, Case] = {
    "name": (lambda t: _median([v.name for v in _active(t)]), _equal(lambda v: v.name)),
    "external_id": (
        lambda t: _median([v.external_id for v in _active(t)]),
        _equal(lambda v: v.external_id),
    ),
    "type": (lambda t: 4, _equal(lambda v: v.type)),
    "exclude_other": (lambda t: True, lambda v, value: v.type != 1),
    "search": (
        lambda t: _median([v.name for v in _active(t)]).split()[0].lower(),
        lambda v, word: word in v.name.casefold(),
    ),
}


def _code_parents(t: Tenant) -> set[int]:
    return {c.parent for c in t.account_codes.values() if c.parent is not None}


ACCOUNT_CODE_CASES: dict[str, Case] = {
    "active": (lambda t: True, _equal(lambda c: c.active)),
    "code": (
        lambda t: _median([c.code for c in t.account_codes.values()]),
        _equal(lambda c: c.code),
    ),
    "search": (
        lambda t: _median([c.code for c in t.account_codes.values()]),
        lambda c, needle: needle.casefold() in f"{c.code}\n{c.description}".casefold(),
    ),
}

# ``is_parent`` needs the tenant (a code is a parent when another names it)
IS_PARENT = "is_parent"

# filters applied only by refusing the request: the simulator has no contracts to name
REFUSED = {"contract"}


def test_the_tables_cover_every_filter_the_client_accepts() -> None:
    assert set(purchase_orders.LIST_FILTERS) == set(PO_CASES) | REFUSED
    assert set(bills.LIST_FILTERS) == set(BILL_CASES) | REFUSED
    assert set(payments.LIST_FILTERS) == set(PAYMENT_CASES)
    assert set(vendors.LIST_FILTERS) == set(VENDOR_CASES) | {"order_by"}
    assert set(account_codes.LIST_FILTERS) == set(ACCOUNT_CODE_CASES) | {IS_PARENT, "order_by"}


@pytest.mark.parametrize("name", sorted(PO_CASES))
def test_each_po_filter_is_applied(
    client: ProcurifyClient, sim: ProcurifySimulator, name: str
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    pick, keep = PO_CASES[name]
    value = pick(tenant)
    expected = {po.id for po in tenant.purchase_orders if keep(po, value)}
    got = {po.id for po in client.purchase_orders.list(**{name: value})}
    assert got == expected
    if name != "order_by":
        assert len(expected) < len(tenant.purchase_orders), f"{name} must exclude something"


@pytest.mark.parametrize("name", sorted(BILL_CASES))
def test_each_bill_filter_is_applied(
    client: ProcurifyClient, sim: ProcurifySimulator, name: str
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    pick, keep = BILL_CASES[name]
    value = pick(tenant)
    expected = {b.uuid for b in tenant.bills.values() if keep(b, value)}
    got = {b.uuid for b in client.bills.list(**{name: value})}
    assert got == expected
    if name != "order_by":
        assert len(expected) < len(tenant.bills), f"{name} must exclude something"


@pytest.mark.parametrize("name", sorted(PAYMENT_CASES))
def test_each_payment_filter_is_applied(
    client: ProcurifyClient, sim: ProcurifySimulator, name: str
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    pick, keep = PAYMENT_CASES[name]
    value = pick(tenant)
    expected = {p.uuid for p in tenant.payments.values() if keep(p, value)}
    got = {p.uuid for p in client.payments.list(**{name: value})}
    assert got == expected
    if name != "order_by":
        assert len(expected) < len(tenant.payments), f"{name} must exclude something"


@pytest.mark.parametrize("name", sorted(VENDOR_CASES))
def test_each_vendor_filter_is_applied(
    client: ProcurifyClient, sim: ProcurifySimulator, name: str
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    pick, keep = VENDOR_CASES[name]
    value = pick(tenant)
    expected = {v.id for v in _active(tenant) if keep(v, value)}
    assert {v.id for v in client.vendors.list(**{name: value})} == expected
    assert len(expected) < len(_active(tenant)), f"{name} must exclude something"


@pytest.mark.parametrize("name", sorted(ACCOUNT_CODE_CASES))
def test_each_account_code_filter_is_applied(
    client: ProcurifyClient, sim: ProcurifySimulator, name: str
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    tenant.account_codes[min(tenant.account_codes)] = attrs.evolve(
        tenant.account_codes[min(tenant.account_codes)], active=False
    )
    tenant.changed()
    pick, keep = ACCOUNT_CODE_CASES[name]
    value = pick(tenant)
    expected = {c.id for c in tenant.account_codes.values() if keep(c, value)}
    assert {c.id for c in client.account_codes.list(**{name: value})} == expected
    assert len(expected) < len(tenant.account_codes), f"{name} must exclude something"


def test_is_parent_is_applied(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    first, second = sorted(tenant.account_codes)[:2]
    tenant.account_codes[second] = attrs.evolve(tenant.account_codes[second], parent=first)
    tenant.changed()
    parents = _code_parents(tenant)
    assert {c.id for c in client.account_codes.list(is_parent=True)} == parents
    others = {c.id for c in client.account_codes.list(is_parent=False)}
    assert others == set(tenant.account_codes) - parents


@pytest.mark.parametrize(
    ("lister", "order_by", "key"),
    [
        ("vendors", "-name", lambda v: (v.name, v.id)),
        ("vendors", "-id", lambda v: v.id),
        ("account_codes", "-code", lambda c: (c.code, c.id)),
        ("bills", "-id", lambda b: b.id),
        ("purchase_orders", "-id", lambda po: po.id),
    ],
)
def test_order_by_is_applied(
    client: ProcurifyClient, lister: str, order_by: str, key: Callable[[Any], Any]
) -> None:
    got = list(getattr(client, lister).list(order_by=order_by))
    assert len(got) > 2
    assert got == sorted(got, key=key, reverse=True)


def test_a_contract_filter_is_refused_as_django_filter_refuses_an_unknown_choice(
    client: ProcurifyClient,
) -> None:
    with pytest.raises(ProcurifyValidationError) as po_error:
        list(client.purchase_orders.list(contract=1))
    assert [e.field for e in po_error.value.errors] == ["contract"]
    with pytest.raises(ProcurifyValidationError):
        list(client.bills.list(contract=1))


@pytest.mark.parametrize(
    ("lister", "name"),
    [
        ("purchase_orders", "requester"),
        ("purchase_orders", "account_code"),
        ("bills", "payment_date_0"),
        ("bills", "department"),
        ("bills", "location"),
        ("bills", "account_code"),
        ("bills", "expense"),
        ("bills", "exclude_expense_bills"),
        ("bills", "sync_status_v2"),
        ("vendors", "type__in"),
    ],
)
def test_documented_filters_the_simulator_cannot_check_are_refused(
    client: ProcurifyClient, lister: str, name: str
) -> None:
    with pytest.raises(ProcurifyConfigurationError, match=f"unknown filter for .*: {name}"):
        getattr(client, lister).list(**{name: 1})
