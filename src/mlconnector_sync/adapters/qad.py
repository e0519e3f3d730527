"""QAD as a source: suppliers and GL accounts, read incrementally through the public client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from mlconnector_sync._flow import Rejected, SourceRecord
from mlconnector_sync.adapters._common import records
from qad_client import QADClient

__all__ = ["QADGLAccountSource", "QADSupplierSource", "code_of"]


def code_of(source_key: str) -> str:
    """The QAD code a source key names (``qad:conn/10USA:supplier:S100`` -> ``S100``)."""
    return source_key.rsplit(":", 1)[-1]


class _MasterDataSource:
    """One QAD master-data browse; the partition is the connection's domain."""

    kind = ""

    def __init__(self, client: QADClient, *, connection: str, domain: str) -> None:
        self.client = client
        self.connection = connection
        self.domain = domain

    def partitions(self) -> Sequence[str]:
        return [self.domain]

    def key(self, code: str) -> str:
        return f"qad:{self.connection}/{self.domain}:{self.kind}:{code}"

    def _listing(self, since: dt.datetime | None) -> Any:
        raise NotImplementedError

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        return records(
            self._listing(since).with_rejects(),
            key=self.key,
            ident=lambda item: item.code,
            modified=lambda item: item.modified_at,
        )


class QADSupplierSource(_MasterDataSource):
    """Suppliers (active and inactive: a deactivation must reach the target too)."""

    kind = "supplier"

    def _listing(self, since: dt.datetime | None) -> Any:
        return self.client.suppliers.list(modified_since=since)


class QADGLAccountSource(_MasterDataSource):
    """GL accounts."""

    kind = "gl_account"

    def _listing(self, since: dt.datetime | None) -> Any:
        return self.client.gl_accounts.list(modified_since=since)
