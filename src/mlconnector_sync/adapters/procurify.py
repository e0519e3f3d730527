"""Procurify as a target: vendors and account codes, through the public client only."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
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

    An update is a PATCH of the fields in ``owns`` (absent ones cleared) and the reference, in
    one request: what a clerk set in Procurify (emails, type, phones, score, and fields this
    client does not model) stays as it is, which a PUT of the whole record could not promise.
    """

    def __init__(
        self,
        client: ProcurifyClient,
        *,
        owns: Iterable[str],
        index_ttl: float = 300.0,
    ) -> None:
        self.client = client
        self.owns = frozenset(owns)
        unknown = self.owns - _WRITABLE
        if unknown:
            raise ValueError(f"not writable vendor fields: {', '.join(sorted(unknown))}")
        self.index_ttl = index_ttl
        self._unlinked: dict[str, list[Vendor]] | None = None
        self._built_at = 0.0

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        found = self.client.vendors.find_by_reference(reference)
        if not found and document.get("name"):
            found = list(self._index().get(normalized_name(str(document["name"])), []))
            how = "natural key (name)"
        else:
            how = "reference"
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
        fields = {name: document.get(name) for name in self.owns}
        try:
            vendor = self.client.vendors.patch(int(target_id), **fields, external_id=reference)
        except APIStatusError as error:
            raise refusal(error) from error
        self._linked(vendor.id)
        return Written(str(vendor.id))


_WRITABLE = frozenset(f.name for f in attrs.fields(VendorInput)) - {"external_id"}


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
