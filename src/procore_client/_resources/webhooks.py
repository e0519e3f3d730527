"""Webhook management (``/rest/v1.0/webhooks/hooks``): hooks, triggers and delivery history.

Every call is scoped to the client's company, or to one project when ``project_id`` is given
(a hook and its triggers must share scope and API version). Deliveries page with a
``page_start`` keyset cursor instead of page numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator, Secret
from procore_client._convert import structure_list, structure_one
from procore_client._exceptions import ProcoreConfigurationError, ProcoreDecodeError
from procore_client._models import (
    BulkTriggerResult,
    Delivery,
    DeliveryStatus,
    Hook,
    Trigger,
    TriggerEventType,
    TriggerSpec,
)
from procore_client._paging import (
    check_id,
    cursor_page_parser,
    is_int,
    is_text,
    list_op,
    paging_params,
    record_parser,
    v1,
)
from procore_client._resources._base import (
    AsyncProcoreResource,
    ProcoreResource,
    run_batches,
    run_batches_async,
)
from procore_client.webhooks import WebhookPayloadError, parse_event

if TYPE_CHECKING:
    from procore_client._client import AsyncProcoreClient, ProcoreClient

__all__ = [
    "BULK_TRIGGER_LIMIT",
    "DEFAULT_API_VERSION",
    "AsyncDeliveries",
    "AsyncHooks",
    "AsyncResources",
    "AsyncTriggers",
    "AsyncWebhooks",
    "Deliveries",
    "Hooks",
    "Resources",
    "Triggers",
    "Webhooks",
    "bulk_create_triggers",
    "bulk_delete_triggers",
    "create_hook",
    "create_trigger",
    "delete_hook",
    "delete_trigger",
    "list_deliveries",
    "list_hooks",
    "list_resources",
    "list_triggers",
    "update_hook",
]

BULK_TRIGGER_LIMIT = 500
DEFAULT_API_VERSION = "v2"
_NAMESPACE = re.compile(r"^[a-z0-9-]+$")


def _scope(company_id: int, project_id: int | None) -> tuple[str, int]:
    """``("project_id", id)`` when a project is given, else the company."""
    if project_id is not None:
        return "project_id", int(check_id("project_id", project_id))
    return "company_id", int(check_id("company_id", company_id))


def _hook_path(hook_id: int, rest: str = "") -> str:
    return v1(f"webhooks/hooks/{check_id('hook_id', hook_id)}{rest}")


def _done(response: httpx.Response) -> None:
    return None


def _authorization(value: str | Secret) -> str:
    text = value.reveal() if isinstance(value, Secret) else value
    if not is_text(text):
        raise ProcoreConfigurationError("authorization must be a non-empty header value")
    return text


def _hook_fields(
    *,
    destination_url: str | None,
    authorization: str | Secret | None,
    namespace: str | None,
    api_version: str | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if api_version is not None:
        fields["api_version"] = api_version
    if namespace is not None:
        if not _NAMESPACE.match(namespace):
            raise ProcoreConfigurationError(
                f"namespace {namespace!r} must be lowercase a-z, 0-9 and '-' only"
            )
        fields["namespace"] = namespace
    if destination_url is not None:
        if not destination_url.startswith(("https://", "http://")):
            raise ProcoreConfigurationError("destination_url must be an http(s) URL")
        fields["destination_url"] = destination_url
    if authorization is not None:
        fields["destination_headers"] = {"Authorization": _authorization(authorization)}
    return fields


def create_hook(
    company_id: int,
    destination_url: str,
    *,
    namespace: str,
    authorization: str | Secret,
    api_version: str = DEFAULT_API_VERSION,
    project_id: int | None = None,
) -> Operation[Hook]:
    """A hook that POSTs events to ``destination_url`` with ``Authorization: <authorization>``."""
    scope, scope_id = _scope(company_id, project_id)
    fields = _hook_fields(
        destination_url=destination_url,
        authorization=authorization,
        namespace=namespace,
        api_version=api_version,
    )
    return Operation(
        name="webhooks.hooks.create",
        method="POST",
        path=v1("webhooks/hooks"),
        json={scope: scope_id, "hook": fields},
        parse=record_parser(Hook, "created hook"),
    )


def list_hooks(
    company_id: int,
    *,
    namespace: str | None = None,
    api_version: str | None = None,
    project_id: int | None = None,
) -> Operation[Page[Hook]]:
    """Hooks of the scope (``namespace="*"`` lists every namespace)."""
    scope, scope_id = _scope(company_id, project_id)
    params = [(scope, str(scope_id))]
    if namespace is not None:
        params.append(("namespace", namespace))
    if api_version is not None:
        params.append(("api_version", api_version))
    return list_op("webhooks.hooks.list", v1("webhooks/hooks"), params, Hook, "hook")


def update_hook(
    company_id: int,
    hook_id: int,
    *,
    destination_url: str | None = None,
    authorization: str | Secret | None = None,
    namespace: str | None = None,
    api_version: str | None = None,
    project_id: int | None = None,
) -> Operation[Hook]:
    """Change a hook (e.g. rotate its Authorization value: accept both while it propagates)."""
    scope, scope_id = _scope(company_id, project_id)
    fields = _hook_fields(
        destination_url=destination_url,
        authorization=authorization,
        namespace=namespace,
        api_version=api_version,
    )
    if not fields:
        raise ProcoreConfigurationError("update_hook needs at least one field to change")
    return Operation(
        name="webhooks.hooks.update",
        method="PATCH",
        path=_hook_path(hook_id),
        json={scope: scope_id, "hook": fields},
        parse=record_parser(Hook, f"hook {hook_id}"),
        retry_safe=True,
    )


def delete_hook(company_id: int, hook_id: int, *, project_id: int | None = None) -> Operation[None]:
    """Delete a hook and its triggers."""
    scope, scope_id = _scope(company_id, project_id)
    return Operation(
        name="webhooks.hooks.delete",
        method="DELETE",
        path=_hook_path(hook_id),
        params=[(scope, str(scope_id))],
        parse=_done,
        retry_safe=True,
    )


def create_trigger(
    company_id: int,
    hook_id: int,
    resource_name: str,
    event_type: TriggerEventType | str,
    *,
    api_version: str = DEFAULT_API_VERSION,
    project_id: int | None = None,
) -> Operation[Trigger]:
    """Fire the hook on ``event_type`` of ``resource_name`` (e.g. ``"Company Vendors"``)."""
    scope, scope_id = _scope(company_id, project_id)
    return Operation(
        name="webhooks.triggers.create",
        method="POST",
        path=_hook_path(hook_id, "/triggers"),
        json={
            scope: scope_id,
            "api_version": api_version,
            "trigger": _trigger_body((resource_name, event_type)),
        },
        parse=record_parser(Trigger, "created trigger"),
    )


def _parse_bulk(response: httpx.Response) -> BulkTriggerResult:
    """200/207 ``{"success": [...], <other key>: [...]}``; a bulk delete lists bare ids."""
    body = response.json()
    if not isinstance(body, Mapping):
        raise ProcoreDecodeError("bulk trigger response", ["expected a JSON object"])
    rows = [{"id": row} if is_int(row) else row for row in body.get("success") or []]
    succeeded = structure_list(rows, Trigger, kind="trigger")
    failed: list[Mapping[str, Any]] = []
    for key, value in body.items():
        if key != "success" and isinstance(value, list):
            failed.extend(v if isinstance(v, Mapping) else {"error": v} for v in value)
    return BulkTriggerResult(succeeded=tuple(succeeded), failed=tuple(failed))


def _combine(results: Sequence[BulkTriggerResult]) -> BulkTriggerResult:
    return BulkTriggerResult(
        succeeded=tuple(t for r in results for t in r.succeeded),
        failed=tuple(f for r in results for f in r.failed),
    )


def _bulk_sizes(ops: Sequence[Operation[BulkTriggerResult]]) -> list[int]:
    return [len(op.json["triggers"]) for op in ops]


def _trigger_body(trigger: TriggerSpec | tuple[str, str]) -> dict[str, str]:
    spec = trigger if isinstance(trigger, TriggerSpec) else TriggerSpec(*trigger)
    return {"resource_name": spec.resource_name, "event_type": spec.event_type.value}


def _bulk(
    action: str,
    method: str,
    company_id: int,
    hook_id: int,
    rows: Sequence[dict[str, Any]],
    api_version: str,
    project_id: int | None,
) -> list[Operation[BulkTriggerResult]]:
    """One call per 500 ``rows`` (Procore's cap); deleting is safe to resend, creating is not."""
    scope, scope_id = _scope(company_id, project_id)
    return [
        Operation(
            name=f"webhooks.triggers.{action}",
            method=method,
            path=_hook_path(hook_id, "/triggers/bulk"),
            json={
                scope: scope_id,
                "api_version": api_version,
                "triggers": list(rows[start : start + BULK_TRIGGER_LIMIT]),
            },
            parse=_parse_bulk,
            retry_safe=method == "DELETE",
        )
        for start in range(0, len(rows), BULK_TRIGGER_LIMIT)
    ]


def bulk_create_triggers(
    company_id: int,
    hook_id: int,
    triggers: Sequence[TriggerSpec | tuple[str, str]],
    *,
    api_version: str = DEFAULT_API_VERSION,
    project_id: int | None = None,
) -> list[Operation[BulkTriggerResult]]:
    """Create many triggers, 500 per call; 207 answers list the refused ones."""
    rows = [_trigger_body(t) for t in triggers]
    return _bulk("bulk_create", "POST", company_id, hook_id, rows, api_version, project_id)


def bulk_delete_triggers(
    company_id: int,
    hook_id: int,
    trigger_ids: Sequence[int],
    *,
    api_version: str = DEFAULT_API_VERSION,
    project_id: int | None = None,
) -> list[Operation[BulkTriggerResult]]:
    """Delete many triggers, 500 per call (the body shape ``{"triggers": [{"id"}]}`` is a guess)."""
    rows = [{"id": int(check_id("trigger_id", i))} for i in trigger_ids]
    return _bulk("bulk_delete", "DELETE", company_id, hook_id, rows, api_version, project_id)


def list_triggers(
    company_id: int, hook_id: int, *, project_id: int | None = None
) -> Operation[Page[Trigger]]:
    """A hook's triggers."""
    scope, scope_id = _scope(company_id, project_id)
    path = _hook_path(hook_id, "/triggers")
    return list_op("webhooks.triggers.list", path, [(scope, str(scope_id))], Trigger, "trigger")


def delete_trigger(
    company_id: int, hook_id: int, trigger_id: int, *, project_id: int | None = None
) -> Operation[None]:
    """Delete one trigger."""
    scope, scope_id = _scope(company_id, project_id)
    return Operation(
        name="webhooks.triggers.delete",
        method="DELETE",
        path=_hook_path(hook_id, f"/triggers/{check_id('trigger_id', trigger_id)}"),
        params=[(scope, str(scope_id))],
        parse=_done,
        retry_safe=True,
    )


def _delivery(row: Any) -> Delivery:
    if not isinstance(row, Mapping):
        raise ProcoreDecodeError("delivery", ["expected a JSON object"])
    fields = {key: value for key, value in row.items() if key != "event"}
    label = f"delivery of event {row.get('event_id')}"
    delivery = structure_one(fields, Delivery, record=label)
    try:
        event = parse_event(row.get("event"))
    except WebhookPayloadError:
        event = None
    return attrs.evolve(delivery, event=event)


def list_deliveries(
    company_id: int,
    hook_id: int,
    *,
    status: DeliveryStatus | str | None = None,
    page_size: int = 100,
    project_id: int | None = None,
) -> Operation[Page[Delivery]]:
    """A hook's delivery attempts, ``page_size`` per page, the next page at ``page_start``."""
    scope, scope_id = _scope(company_id, project_id)
    params = [(scope, str(scope_id)), *paging_params(page_size, "page_size")]
    if status is not None:
        params.append(("filters[status]", str(DeliveryStatus(status))))
    return Operation(
        name="webhooks.deliveries.list",
        method="GET",
        path=_hook_path(hook_id, "/deliveries"),
        params=params,
        parse=cursor_page_parser(_delivery, page_size, "delivery"),
    )


def _resource_names(response: httpx.Response) -> list[str]:
    """``[{"name": "Projects", ...}, ...]`` (or plain names) as the names. UNCONFIRMED shape."""
    body = response.json()
    if not isinstance(body, list):
        raise ProcoreDecodeError("webhook resources", ["expected a JSON array"])
    names: list[str] = []
    for index, row in enumerate(body):
        name = row.get("name") if isinstance(row, Mapping) else row
        if not is_text(name):
            raise ProcoreDecodeError("webhook resources", [f"[{index}].name: expected a name"])
        names.append(str(name))
    return names


def list_resources(company_id: int, *, project_id: int | None = None) -> Operation[list[str]]:
    """The resource names triggers may name (``GET /rest/v1.0/webhooks/resources``)."""
    scope, scope_id = _scope(company_id, project_id)
    return Operation(
        name="webhooks.resources.list",
        method="GET",
        path=v1("webhooks/resources"),
        params=[(scope, str(scope_id))],
        parse=_resource_names,
    )


def resource_names(triggers: Sequence[TriggerSpec | tuple[str, str]]) -> list[str]:
    """The ``resource_name`` of each trigger."""
    return [t.resource_name if isinstance(t, TriggerSpec) else t[0] for t in triggers]


def check_resource_names(names: Sequence[str], listed: Sequence[str]) -> None:
    """Refuse a ``resource_name`` that ``webhooks/resources`` does not list: Procore accepts
    such a trigger and it never fires (``"vendor"`` for ``"Company Vendors"``, say)."""
    known = set(listed)
    for name in names:
        if name not in known:
            raise ProcoreConfigurationError(
                f"resource_name {name!r} is not a webhook resource of this scope; "
                "client.webhooks.resources.list() gives the names"
            )


class Resources(ProcoreResource):
    """``client.webhooks.resources``."""

    def list(self, *, project_id: int | None = None) -> list[str]:
        """The names a trigger's ``resource_name`` may take."""
        return self._send(list_resources(self._company_id, project_id=project_id))


class Hooks(ProcoreResource):
    """``client.webhooks.hooks``."""

    def create(
        self,
        destination_url: str,
        *,
        namespace: str,
        authorization: str | Secret,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> Hook:
        """Create a hook; Procore will send ``Authorization: <authorization>`` with each event."""
        return self._send(
            create_hook(
                self._company_id,
                destination_url,
                namespace=namespace,
                authorization=authorization,
                api_version=api_version,
                project_id=project_id,
            )
        )

    def list(
        self,
        *,
        namespace: str | None = None,
        api_version: str | None = None,
        project_id: int | None = None,
    ) -> Paginator[Hook]:
        """Hooks of the company (or project)."""
        return self._paginate(
            list_hooks(
                self._company_id,
                namespace=namespace,
                api_version=api_version,
                project_id=project_id,
            )
        )

    def update(
        self,
        hook_id: int,
        *,
        destination_url: str | None = None,
        authorization: str | Secret | None = None,
        namespace: str | None = None,
        api_version: str | None = None,
        project_id: int | None = None,
    ) -> Hook:
        """Change a hook."""
        return self._send(
            update_hook(
                self._company_id,
                hook_id,
                destination_url=destination_url,
                authorization=authorization,
                namespace=namespace,
                api_version=api_version,
                project_id=project_id,
            )
        )

    def delete(self, hook_id: int, *, project_id: int | None = None) -> None:
        """Delete a hook."""
        return self._send(delete_hook(self._company_id, hook_id, project_id=project_id))


class Triggers(ProcoreResource):
    """``client.webhooks.triggers``.

    Bulk calls go 500 triggers per request; when a later request fails, ``ProcoreBatchError``
    carries the results of the earlier ones.
    """

    def _batches(self, ops: Sequence[Operation[BulkTriggerResult]]) -> BulkTriggerResult:
        result: BulkTriggerResult = run_batches(self._send, ops, _bulk_sizes(ops), _combine)
        return result

    def create(
        self,
        hook_id: int,
        resource_name: str,
        event_type: TriggerEventType | str,
        *,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> Trigger:
        """Fire ``hook_id`` on one kind of change of one resource (a name the resources list
        gives; the list is read first)."""
        listed = self._send(list_resources(self._company_id, project_id=project_id))
        check_resource_names([resource_name], listed)
        return self._send(
            create_trigger(
                self._company_id,
                hook_id,
                resource_name,
                event_type,
                api_version=api_version,
                project_id=project_id,
            )
        )

    def bulk_create(
        self,
        hook_id: int,
        triggers: Sequence[TriggerSpec | tuple[str, str]],
        *,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> BulkTriggerResult:
        """Create many triggers (500 per call), each naming a listed resource."""
        listed = self._send(list_resources(self._company_id, project_id=project_id))
        check_resource_names(resource_names(triggers), listed)
        ops = bulk_create_triggers(
            self._company_id, hook_id, triggers, api_version=api_version, project_id=project_id
        )
        return self._batches(ops)

    def bulk_delete(
        self,
        hook_id: int,
        trigger_ids: Sequence[int],
        *,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> BulkTriggerResult:
        """Delete many triggers (500 per call)."""
        ops = bulk_delete_triggers(
            self._company_id, hook_id, trigger_ids, api_version=api_version, project_id=project_id
        )
        return self._batches(ops)

    def list(self, hook_id: int, *, project_id: int | None = None) -> Paginator[Trigger]:
        """A hook's triggers."""
        return self._paginate(list_triggers(self._company_id, hook_id, project_id=project_id))

    def delete(self, hook_id: int, trigger_id: int, *, project_id: int | None = None) -> None:
        """Delete one trigger."""
        return self._send(
            delete_trigger(self._company_id, hook_id, trigger_id, project_id=project_id)
        )


class Deliveries(ProcoreResource):
    """``client.webhooks.deliveries``."""

    def list(
        self,
        hook_id: int,
        *,
        status: DeliveryStatus | str | None = None,
        page_size: int = 100,
        project_id: int | None = None,
    ) -> Paginator[Delivery]:
        """A hook's delivery attempts (``status``: any, successful, failing, discarded)."""
        return self._paginate(
            list_deliveries(
                self._company_id, hook_id, status=status, page_size=page_size, project_id=project_id
            )
        )


class AsyncHooks(AsyncProcoreResource):
    """``client.webhooks.hooks`` (async)."""

    async def create(
        self,
        destination_url: str,
        *,
        namespace: str,
        authorization: str | Secret,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> Hook:
        """Create a hook; Procore will send ``Authorization: <authorization>`` with each event."""
        return await self._send(
            create_hook(
                self._company_id,
                destination_url,
                namespace=namespace,
                authorization=authorization,
                api_version=api_version,
                project_id=project_id,
            )
        )

    def list(
        self,
        *,
        namespace: str | None = None,
        api_version: str | None = None,
        project_id: int | None = None,
    ) -> AsyncPaginator[Hook]:
        """Hooks of the company (or project)."""
        return self._paginate(
            list_hooks(
                self._company_id,
                namespace=namespace,
                api_version=api_version,
                project_id=project_id,
            )
        )

    async def update(
        self,
        hook_id: int,
        *,
        destination_url: str | None = None,
        authorization: str | Secret | None = None,
        namespace: str | None = None,
        api_version: str | None = None,
        project_id: int | None = None,
    ) -> Hook:
        """Change a hook."""
        return await self._send(
            update_hook(
                self._company_id,
                hook_id,
                destination_url=destination_url,
                authorization=authorization,
                namespace=namespace,
                api_version=api_version,
                project_id=project_id,
            )
        )

    async def delete(self, hook_id: int, *, project_id: int | None = None) -> None:
        """Delete a hook."""
        return await self._send(delete_hook(self._company_id, hook_id, project_id=project_id))


class AsyncTriggers(AsyncProcoreResource):
    """``client.webhooks.triggers`` (async)."""

    async def _batches(self, ops: Sequence[Operation[BulkTriggerResult]]) -> BulkTriggerResult:
        result: BulkTriggerResult = await run_batches_async(
            self._send, ops, _bulk_sizes(ops), _combine
        )
        return result

    async def create(
        self,
        hook_id: int,
        resource_name: str,
        event_type: TriggerEventType | str,
        *,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> Trigger:
        """Fire ``hook_id`` on one kind of change of one resource (a name the resources list
        gives; the list is read first)."""
        listed = await self._send(list_resources(self._company_id, project_id=project_id))
        check_resource_names([resource_name], listed)
        return await self._send(
            create_trigger(
                self._company_id,
                hook_id,
                resource_name,
                event_type,
                api_version=api_version,
                project_id=project_id,
            )
        )

    async def bulk_create(
        self,
        hook_id: int,
        triggers: Sequence[TriggerSpec | tuple[str, str]],
        *,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> BulkTriggerResult:
        """Create many triggers (500 per call), each naming a listed resource."""
        listed = await self._send(list_resources(self._company_id, project_id=project_id))
        check_resource_names(resource_names(triggers), listed)
        ops = bulk_create_triggers(
            self._company_id, hook_id, triggers, api_version=api_version, project_id=project_id
        )
        return await self._batches(ops)

    async def bulk_delete(
        self,
        hook_id: int,
        trigger_ids: Sequence[int],
        *,
        api_version: str = DEFAULT_API_VERSION,
        project_id: int | None = None,
    ) -> BulkTriggerResult:
        """Delete many triggers (500 per call)."""
        ops = bulk_delete_triggers(
            self._company_id, hook_id, trigger_ids, api_version=api_version, project_id=project_id
        )
        return await self._batches(ops)

    def list(self, hook_id: int, *, project_id: int | None = None) -> AsyncPaginator[Trigger]:
        """A hook's triggers."""
        return self._paginate(list_triggers(self._company_id, hook_id, project_id=project_id))

    async def delete(self, hook_id: int, trigger_id: int, *, project_id: int | None = None) -> None:
        """Delete one trigger."""
        return await self._send(
            delete_trigger(self._company_id, hook_id, trigger_id, project_id=project_id)
        )


class AsyncDeliveries(AsyncProcoreResource):
    """``client.webhooks.deliveries`` (async)."""

    def list(
        self,
        hook_id: int,
        *,
        status: DeliveryStatus | str | None = None,
        page_size: int = 100,
        project_id: int | None = None,
    ) -> AsyncPaginator[Delivery]:
        """A hook's delivery attempts (``status``: any, successful, failing, discarded)."""
        return self._paginate(
            list_deliveries(
                self._company_id, hook_id, status=status, page_size=page_size, project_id=project_id
            )
        )


class Webhooks:
    """``client.webhooks``: ``.hooks`` (destinations), ``.triggers``, ``.deliveries`` and
    ``.resources`` (the names triggers may use)."""

    def __init__(self, client: ProcoreClient) -> None:
        self.hooks = Hooks(client)
        self.triggers = Triggers(client)
        self.deliveries = Deliveries(client)
        self.resources = Resources(client)


class AsyncResources(AsyncProcoreResource):
    """``client.webhooks.resources`` (async)."""

    async def list(self, *, project_id: int | None = None) -> list[str]:
        """The names a trigger's ``resource_name`` may take."""
        return await self._send(list_resources(self._company_id, project_id=project_id))


class AsyncWebhooks:
    """``client.webhooks`` of the async client."""

    def __init__(self, client: AsyncProcoreClient) -> None:
        self.hooks = AsyncHooks(client)
        self.triggers = AsyncTriggers(client)
        self.deliveries = AsyncDeliveries(client)
        self.resources = AsyncResources(client)
