"""Procurify as a target: vendors and account codes, through the public client only."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from mlconnector_http import APIStatusError
from mlconnector_sync._flow import Match, Written
from mlconnector_sync.adapters._common import normalized_name, refusal
from procurify_client import AccountCodeInput, ProcurifyClient, VendorInput

__all__ = ["ProcurifyAccountCodeSink", "ProcurifyVendorSink"]


class ProcurifyVendorSink:
    """Vendors keyed by ``external_id``; an unlinked vendor of the same normalised name is
    linked rather than duplicated. The client's lookup checks every match, so a filter the
    server ignores can never link a different vendor.

    Unlinked vendors are indexed by name from one full listing, rebuilt once it is older than
    ``index_ttl`` seconds, so a first sync costs one lookup per record, not two.
    """

    def __init__(self, client: ProcurifyClient, *, index_ttl: float = 300.0) -> None:
        self.client = client
        self.index_ttl = index_ttl
        self._unlinked: dict[str, list[int]] | None = None
        self._built_at = 0.0

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        found = [Match(str(v.id)) for v in self.client.vendors.find_by_reference(reference)]
        if found or not document.get("name"):
            return found
        ids = self._index().get(normalized_name(str(document["name"])), [])
        return [Match(str(i), "natural key (name)") for i in ids]

    def _index(self) -> dict[str, list[int]]:
        if self._unlinked is None or time.monotonic() - self._built_at > self.index_ttl:
            index: dict[str, list[int]] = {}
            for vendor in self.client.vendors.list(page_size=1000):
                if not vendor.external_id:
                    index.setdefault(normalized_name(vendor.name), []).append(vendor.id)
            self._unlinked, self._built_at = index, time.monotonic()
        return self._unlinked

    def _linked(self, vendor_id: int) -> None:
        for ids in (self._unlinked or {}).values():
            if vendor_id in ids:
                ids.remove(vendor_id)

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            vendor = self.client.vendors.create(VendorInput(**document, external_id=reference))
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(str(vendor.id))

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            vendor = self.client.vendors.update(
                int(target_id), VendorInput(**document, external_id=reference)
            )
        except APIStatusError as error:
            raise refusal(error) from error
        self._linked(vendor.id)
        return Written(str(vendor.id))


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
