"""Domains: which domains the user may work in, and each one's primary entity."""

from __future__ import annotations

from mlconnector_http import AsyncPaginator, Flow, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._exceptions import QADNotFound
from qad_client._models import Domain, Filter
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncDomains", "Domains", "get_domain", "list_domains"]

TABLE = n.DOMAIN


def list_domains(*, page_size: int = ops.DEFAULT_PAGE_SIZE) -> Operation[Page[Domain]]:
    """The domain browse (``domainV3s``)."""
    return ops.browse(TABLE, Domain, page_size=page_size)


def get_domain(code: str) -> Flow[Domain]:
    """One domain and its entity, found through the browse (there is no keyed read)."""
    page: Page[Domain] = yield ops.browse(TABLE, Domain, [Filter("code", "eq", code)], page_size=2)
    for domain in page.items:
        if domain.code.casefold() == code.casefold():
            return domain
    raise QADNotFound(f"no domain {code}", status_code=404, method="GET", path=TABLE.browse_id)


class Domains(QADResource):
    """``client.domains``: use ``get(code).entity`` to build ``client.for_domain``."""

    def list(self, *, page_size: int = ops.DEFAULT_PAGE_SIZE) -> Paginator[Domain]:
        """Domains, lazily."""
        return self._paginate(list_domains(page_size=page_size))

    def get(self, code: str) -> Domain:
        """One domain by code; ``QADNotFound`` if there is none."""
        return self._run(get_domain(code))


class AsyncDomains(AsyncQADResource):
    """``client.domains`` on the async client."""

    def list(self, *, page_size: int = ops.DEFAULT_PAGE_SIZE) -> AsyncPaginator[Domain]:
        """Domains, lazily."""
        return self._paginate(list_domains(page_size=page_size))

    async def get(self, code: str) -> Domain:
        """One domain by code; ``QADNotFound`` if there is none."""
        return await self._run(get_domain(code))
