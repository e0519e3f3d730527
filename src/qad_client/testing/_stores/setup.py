"""The tenant's setup: domains and their shared sets, currencies, credit terms, tolerances.

Every other store asks this one where a record lives (its domain or shared set) and whether a
currency, a credit-terms code or a site is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

import attrs

from qad_client.testing import _messages as m
from qad_client.testing._codec import Values
from qad_client.testing._records import ZERO, Domain
from qad_client.testing._stores._base import HUNDRED, Call, Sequences, key_of, scope_of

__all__ = ["Setup", "Tolerances", "site_known"]


@attrs.frozen
class Tolerances:
    """How far an invoice price may stray from the PO price, and how far a receipt may exceed it.

    The allowed price difference is ``max(price_pct% x PO price, price_amount)`` (QAD's
    ``poc_tol_pct``/``poc_tol_cst``). Outside it, ``strict_price`` rejects the invoice; otherwise
    it passes with a warning and status ``HOLD``. ``over_receipt_pct`` lets receipts exceed the
    ordered quantity by that percentage.
    """

    price_pct: Decimal = ZERO
    price_amount: Decimal = ZERO
    strict_price: bool = True
    over_receipt_pct: Decimal = ZERO

    def price_limit(self, po_price: Decimal) -> Decimal:
        """The largest price difference accepted against ``po_price``."""
        return max(abs(po_price) * self.price_pct / HUNDRED, self.price_amount)


class Setup:
    """Domains, shared sets, currencies, credit terms and tolerances of one tenant."""

    def __init__(
        self,
        sequences: Sequences,
        *,
        tolerances: Tolerances,
        currencies: Iterable[str],
        base_currency: str,
        credit_terms: Mapping[str, int],
    ) -> None:
        self.sequences = sequences
        self.tolerances = tolerances
        self.currencies = {key_of(c) for c in currencies}
        self.base_currency = base_currency
        self.credit_terms = {key_of(k): v for k, v in credit_terms.items()}
        self.domains: dict[str, Domain] = {}
        self.shared_sets: set[str] = set()

    def add_domain(self, domain: Domain, *, now: datetime) -> None:
        """Register a domain and the shared sets it points to."""
        self.sequences.stamp_new(domain, "", now)
        self.domains[key_of(domain.code)] = domain
        self.shared_sets.update({key_of(domain.supplier_set), key_of(domain.account_set)})

    def domain(self, code: str) -> Domain | None:
        """The domain named ``code``, if any."""
        return self.domains.get(key_of(code))

    def due_days(self, credit_terms: str) -> int:
        """Days from invoice date to due date under ``credit_terms`` (0 when unknown)."""
        return self.credit_terms.get(key_of(credit_terms), 0)

    # --- where a written record lives -------------------------------------------------------

    def domain_of(self, values: Values, call: Call, table: type) -> Domain | None:
        """The record's ``domainCode``, else the request's; unknown or missing is a field error."""
        code = values.text("domain") if values.has("domain") else values.domain_code
        if code:
            domain = self.domain(code)
            if domain is None:
                call.flag(table, "domain", code, m.NOT_FOUND, label="Domain", value=code)
            return domain
        if call.default_domain is not None:
            return call.default_domain
        call.flag(table, "domain", "", m.REQUIRED, label="Domain")
        return None

    def shared_set_of(
        self, values: Values, call: Call, table: type
    ) -> tuple[str, Domain | None] | None:
        """Where a shared-set record lives: ``sharedSetCode`` if sent, else its domain's set."""
        if values.shared_set_code:
            if key_of(values.shared_set_code) not in self.shared_sets:
                call.flag(
                    table,
                    "shared_set",
                    values.shared_set_code,
                    m.NOT_FOUND,
                    label="Shared set",
                    value=values.shared_set_code,
                )
                return None
            domain = self.domain(values.domain_code) if values.domain_code else None
            return values.shared_set_code, domain or call.default_domain
        domain = self.domain_of(values, call, table)
        if domain is None:
            return None
        return scope_of(table, domain), domain

    # --- reference checks -------------------------------------------------------------------

    def check_currency(self, code: str, call: Call, table: type) -> None:
        """A currency must be one the tenant knows."""
        if key_of(code) not in self.currencies:
            call.flag(table, "currency", code, m.NOT_FOUND, label="Currency", value=code)

    def check_terms(self, code: str, call: Call, table: type) -> None:
        """Credit terms, when given, must be known."""
        if code and key_of(code) not in self.credit_terms:
            call.flag(table, "credit_terms", code, m.NOT_FOUND, label="Credit terms", value=code)


def site_known(domain: Domain, site: str) -> bool:
    """Whether ``site`` is one of the domain's sites (compared as codes are)."""
    return key_of(site) in {key_of(s) for s in domain.sites}
