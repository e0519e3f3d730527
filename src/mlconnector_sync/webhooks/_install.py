"""``mlconnector webhooks install``: the hook and its triggers, created through Procore's API.

Idempotent: a hook of the namespace already pointing at the URL is updated (its secret), not
duplicated, and only the missing triggers are created. Every resource name is checked first
against ``GET /webhooks/resources``, so a misspelt one is refused before anything is made.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from mlconnector_http import Secret
from procore_client import ProcoreClient, TriggerEventType, TriggerSpec

__all__ = ["DEFAULT_EVENTS", "DEFAULT_RESOURCES", "InstallResult", "install"]

DEFAULT_RESOURCES = ("Requisitions", "Direct Costs", "Contract Payments")
"""What the Procore -> QAD flows fetch when told."""
DEFAULT_EVENTS = (TriggerEventType.CREATE, TriggerEventType.UPDATE, TriggerEventType.DELETE)


@attrs.frozen
class InstallResult:
    """The hook used and the triggers created or already there."""

    hook_id: int
    created_hook: bool
    created: tuple[tuple[str, str], ...]
    existing: tuple[tuple[str, str], ...]
    failed: tuple[str, ...] = ()


def install(
    client: ProcoreClient,
    destination_url: str,
    *,
    authorization: Secret,
    namespace: str = "mlconnector",
    resources: Sequence[str] = DEFAULT_RESOURCES,
    events: Sequence[TriggerEventType] = DEFAULT_EVENTS,
) -> InstallResult:
    """Create (or bring up to date) the hook sending to ``destination_url`` and its triggers.

    Raises:
        ValueError: a resource name Procore does not offer (nothing is created).
    """
    offered = set(client.webhooks.resources.list())
    unknown = [name for name in resources if name not in offered]
    if unknown:
        raise ValueError(
            f"Procore offers no webhook resource {', '.join(map(repr, unknown))}; "
            f"it offers: {', '.join(sorted(offered))}"
        )
    hooks = [
        hook
        for hook in client.webhooks.hooks.list(namespace=namespace)
        if hook.destination_url == destination_url
    ]
    if hooks:
        hook = client.webhooks.hooks.update(hooks[0].id, authorization=authorization)
    else:
        hook = client.webhooks.hooks.create(
            destination_url, namespace=namespace, authorization=authorization
        )
    have = {
        (str(t.resource_name), t.event_type.value)
        for t in client.webhooks.triggers.list(hook.id)
        if t.event_type is not None
    }
    wanted = [(name, event.value) for name in resources for event in events]
    missing = [pair for pair in wanted if pair not in have]
    failed: tuple[str, ...] = ()
    if missing:
        result = client.webhooks.triggers.bulk_create(
            hook.id, [TriggerSpec(name, event) for name, event in missing]
        )
        failed = tuple(str(entry) for entry in result.failed)
    return InstallResult(
        hook_id=hook.id,
        created_hook=not hooks,
        created=tuple(missing) if not failed else (),
        existing=tuple(pair for pair in wanted if pair in have),
        failed=failed,
    )
