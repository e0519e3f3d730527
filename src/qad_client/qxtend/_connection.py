"""``QXtendConnection``: where a QAD Enterprise Edition site's QXtend Inbound listens, and as whom.

Everything a QXtend call needs besides its data: the endpoint
(``https://host:port/qxi<instance>/services/QdocWebService``), the receiver named in ``wsa:To``,
the domain and entity, the API version of each QDoc (they differ per API on one site), and the
user whose credentials travel in every call's ``dsSessionContext``. The password is a
:class:`~mlconnector_http.Secret`: its repr, str and format are masked, and it is revealed only
while the envelope is serialized.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from mlconnector_http import Secret, checked_url
from qad_client._exceptions import QADConfigurationError, QADError
from qad_client._models import Workspace
from qad_client.qxtend import _names as x

__all__ = ["QXtendConnection", "endpoint_url"]

_SERVICE_PATH = "services/QdocWebService"
_RECEIVER = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def endpoint_url(value: object, *, allow_private_network: bool = False) -> httpx.URL:
    """The checked QXI endpoint; it must end in ``/qxi<instance>/services/QdocWebService``."""
    url = checked_url(
        value, setting="endpoint", family=QADError, allow_private_network=allow_private_network
    )
    segments = [s for s in url.path.split("/") if s]
    if len(segments) < 3 or "/".join(segments[-2:]) != _SERVICE_PATH:
        raise QADConfigurationError(
            "endpoint must be the QXI web service, http(s)://host:port/qxi<instance>/"
            f"{_SERVICE_PATH}; got {str(url)!r}"
        )
    if not segments[-3].lower().startswith("qxi"):
        raise QADConfigurationError(
            f"endpoint's instance segment must start with 'qxi' (qxilive, qxitest); got "
            f"{segments[-3]!r}"
        )
    return url


def _versions(value: Mapping[str, str]) -> Mapping[str, str]:
    merged = {**x.DEFAULT_VERSIONS, **dict(value)}
    for api, version in merged.items():
        if not re.fullmatch(r"[A-Za-z0-9_.]{1,32}", version):
            raise QADConfigurationError(f"version of {api} must be like ERP3_3, got {version!r}")
    return merged


def _url(value: str | httpx.URL) -> httpx.URL:
    return httpx.URL(str(value))


def _secret(value: str | Secret) -> Secret:
    return Secret(value)


@attrs.frozen(kw_only=True)
class QXtendConnection:
    """A QXtend Inbound front door of one QAD EE site.

    Args:
        endpoint: ``https://host:port/qxi<instance>/services/QdocWebService``.
        receiver: the QXI receiver configured for this integration (``wsa:To`` is
            ``urn:services-qad-com:<receiver>``).
        domain: the QAD domain every call runs in.
        entity: the domain's financial entity (sent as ``entity`` to Financials objects).
        username: the QAD user the calls run as.
        password: that user's password (a ``Secret``; never logged or shown).
        versions: API name -> version (``{"receivePurchaseOrder": "ERP3_3"}``), over the
            defaults of ``qad_client.qxtend._names.DEFAULT_VERSIONS``.
        supplier_invoice_api: the QDoc of supplier invoices on this site (unconfirmed
            publicly; ``maintainSupplierInvoice`` is a guess).
        allow_private_network: accept an endpoint on a private IP address (an on-premises
            server); refused by default, loopback always accepted.
    """

    endpoint: httpx.URL = attrs.field(converter=_url)
    receiver: str
    domain: str
    entity: str
    username: str
    password: Secret = attrs.field(converter=_secret, repr=False)
    versions: Mapping[str, str] = attrs.field(factory=dict, converter=_versions)
    supplier_invoice_api: str = x.QDOCS["supplierInvoices"].api
    allow_private_network: bool = False

    def __attrs_post_init__(self) -> None:
        endpoint_url(self.endpoint, allow_private_network=self.allow_private_network)
        if not _RECEIVER.fullmatch(self.receiver or ""):
            raise QADConfigurationError(
                f"receiver must be a QXI receiver name (letters, digits, _ . -), got "
                f"{self.receiver!r}"
            )
        try:
            Workspace(self.domain, self.entity)
        except (ValueError, TypeError) as error:
            raise QADConfigurationError(f"bad domain or entity: {error}") from None
        if not self.username or not isinstance(self.username, str):
            raise QADConfigurationError("username is required: QXtend signs in on every call")
        if not self.password:
            raise QADConfigurationError("password is required: QXtend signs in on every call")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{2,63}", self.supplier_invoice_api):
            raise QADConfigurationError(
                f"supplier_invoice_api must be a QDoc name, got {self.supplier_invoice_api!r}"
            )

    @property
    def workspace(self) -> Workspace:
        """The domain and entity of every call."""
        return Workspace(self.domain, self.entity)

    @property
    def to(self) -> str:
        """The ``wsa:To`` address: ``urn:services-qad-com:<receiver>``."""
        return x.WSA["to_prefix"] + self.receiver

    def api_name(self, plural: str) -> str:
        """The QDoc API a REST table is written through (``""`` when it is read-only)."""
        if plural == "supplierInvoices":
            return self.supplier_invoice_api
        return x.QDOCS[plural].api if plural in x.QDOCS else ""

    def version(self, api: str) -> str:
        """The version ``api`` is sent with; a QDoc without one is a configuration error."""
        found = self.versions.get(api)
        if found is None and api == self.supplier_invoice_api:
            found = self.versions.get(x.QDOCS["supplierInvoices"].api)
        if not found:
            raise QADConfigurationError(
                f"no API version configured for {api}: add it to versions "
                f"(e.g. {{'{api}': 'ERP3_1'}}) as the site's QXI lists it"
            )
        return found

    def with_changes(self, **changes: Any) -> QXtendConnection:
        """A copy with some settings changed (``domain=``, ``versions=``...)."""
        return attrs.evolve(self, **changes)
