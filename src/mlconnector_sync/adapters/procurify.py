"""Procurify as a target: vendors and account codes, through the public client only."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from mlconnector_http import APIStatusError
from mlconnector_sync._flow import Match, Written
from mlconnector_sync.adapters._common import normalized_name, refusal
from procurify_client import AccountCodeInput, ProcurifyClient, Vendor, VendorInput

__all__ = ["ProcurifyAccountCodeSink", "ProcurifyVendorSink"]


class ProcurifyVendorSink:
    """Vendors keyed by ``external_id``; an unlinked vendor of the same normalised name is
    linked rather than duplicated. The client's lookup checks every match, so a filter the
    server ignores can never link a different vendor.

    Unlinked vendors are indexed by name from one full listing, rebuilt once it is older than
    ``index_ttl`` seconds, so a first sync costs one lookup per record, not two.

    A vendor PUT replaces the whole record, so an update sends the fields in ``owns`` from the
    document (absent ones cleared) and every other writable field as the vendor has it now
    (emails, type, phones, score...), read just before: from the lookup that found the vendor
    when it is under ``fresh_for`` seconds old, else by one GET.
    """

    def __init__(
        self,
        client: ProcurifyClient,
        *,
        owns: Iterable[str],
        index_ttl: float = 300.0,
        fresh_for: float = 60.0,
    ) -> None:
        self.client = client
        self.owns = frozenset(owns)
        unknown = self.owns - _WRITABLE
        if unknown:
            raise ValueError(f"not writable vendor fields: {', '.join(sorted(unknown))}")
        self.index_ttl = index_ttl
        self.fresh_for = fresh_for
        self._unlinked: dict[str, list[Vendor]] | None = None
        self._built_at = 0.0
        self._read: dict[int, tuple[float, Vendor]] = {}

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        found = self.client.vendors.find_by_reference(reference)
        if not found and document.get("name"):
            found = list(self._index().get(normalized_name(str(document["name"])), []))
            how = "natural key (name)"
        else:
            how = "reference"
        now = time.monotonic()
        self._read.update((v.id, (now, v)) for v in found)
        return [Match(str(v.id), how) for v in found]

    def _index(self) -> dict[str, list[Vendor]]:
        if self._unlinked is None or time.monotonic() - self._built_at > self.index_ttl:
            index: dict[str, list[Vendor]] = {}
            for vendor in self.client.vendors.list(page_size=1000):
                if not vendor.external_id:
                    index.setdefault(normalized_name(vendor.name), []).append(vendor)
            self._unlinked, self._built_at = index, time.monotonic()
        return self._unlinked

    def _linked(self, vendor_id: int) -> None:
        for vendors in (self._unlinked or {}).values():
            vendors[:] = [v for v in vendors if v.id != vendor_id]

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            vendor = self.client.vendors.create(VendorInput(**document, external_id=reference))
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(str(vendor.id))

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        vendor_id = int(target_id)
        try:
            vendor = self.client.vendors.update(
                vendor_id, self._replacement(self._current(vendor_id), document, reference)
            )
        except APIStatusError as error:
            raise refusal(error) from error
        self._linked(vendor.id)
        return Written(str(vendor.id))

    def _current(self, vendor_id: int) -> Vendor:
        """The vendor as the lookup just read it, or as Procurify has it now (one GET)."""
        read_at, vendor = self._read.pop(vendor_id, (0.0, None))
        if vendor is not None and time.monotonic() - read_at <= self.fresh_for:
            return vendor
        return self.client.vendors.get(vendor_id)

    def _replacement(
        self, current: Vendor, document: Mapping[str, Any], reference: str
    ) -> VendorInput:
        """The whole record to PUT: ``owns`` from the document, the rest as Procurify has it."""
        fields = {name: getattr(current, name) for name in _WRITABLE - self.owns}
        fields.update({name: document.get(name) for name in self.owns})
        fields["external_id"] = reference
        if fields.get("type") is None:
            fields.pop("type", None)
        if "overall_score" in fields:
            fields["overall_score"] = _writable_score(fields["overall_score"])
        return VendorInput(**fields)


_WRITABLE = frozenset(f.name for f in attrs.fields(VendorInput)) - {"external_id"}
_SCORE_PLACES = Decimal("0.001")


def _writable_score(score: Decimal | None) -> Decimal | None:
    """A score as read (a float, any precision) as a write takes it: 3 places, under 100."""
    if score is None or not score.is_finite() or not 0 <= score < 100:
        return None
    rounded = score.quantize(_SCORE_PLACES, rounding=ROUND_HALF_UP)
    return rounded if rounded < 100 else Decimal("99.999")


class ProcurifyAccountCodeSink:
    """Account codes keyed by their code, which is both the reference and the natural key."""

    def __init__(self, client: ProcurifyClient) -> None:
        self.client = client

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        return [
            Match(str(c.id), "code") for c in self.client.account_codes.find_by_reference(reference)
        ]

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            code = self.client.account_codes.create(AccountCodeInput(**document))
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(str(code.id))

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            code = self.client.account_codes.update(int(target_id), AccountCodeInput(**document))
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(str(code.id))
