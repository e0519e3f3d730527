"""Procurify as a target: vendors and account codes, through the public client only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlconnector_http import APIStatusError
from mlconnector_sync._flow import Match, Written
from mlconnector_sync.adapters._common import normalized_name, refusal
from procurify_client import AccountCodeInput, ProcurifyClient, VendorInput

__all__ = ["ProcurifyAccountCodeSink", "ProcurifyVendorSink"]


class ProcurifyVendorSink:
    """Vendors keyed by ``external_id``; an unlinked vendor of the same normalised name is
    linked rather than duplicated. Every match is checked here, whatever the server's filter
    did, so a filter the server ignores can never link a different vendor."""

    def __init__(self, client: ProcurifyClient) -> None:
        self.client = client

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        found = [
            Match(str(v.id))
            for v in self.client.vendors.list(external_id=reference, page_size=100)
            if v.external_id == reference
        ]
        if found or not document.get("name"):
            return found
        wanted = normalized_name(str(document["name"]))
        return [
            Match(str(v.id), "natural key (name)")
            for v in self.client.vendors.list(search=str(document["name"]))
            if not v.external_id and normalized_name(v.name) == wanted
        ]

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
        return Written(str(vendor.id))


class ProcurifyAccountCodeSink:
    """Account codes keyed by their code, which is both the reference and the natural key."""

    def __init__(self, client: ProcurifyClient) -> None:
        self.client = client

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        return [
            Match(str(c.id), "code")
            for c in self.client.account_codes.list(code=reference, page_size=100)
            if c.code == reference
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
