"""Webhook hooks, triggers and a delivery engine that really POSTs over HTTP.

Procore announces changes by POSTing a small JSON event to each hook's ``destination_url``,
echoing the hook's ``destination_headers`` (there is no signature), retrying failures with
backoff and keeping every attempt in the hook's delivery log. This engine does the same, either
on demand (:meth:`WebhookEngine.deliver_pending`, deterministic for tests) or from a background
thread (:meth:`WebhookEngine.start`). It takes its own lock, never the simulator's, so a receiver
may call back into the simulator while a delivery is in flight.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import attrs
import httpx

from mlconnector_http._clock import Clock
from procore_client.testing._errors import HttpError, RecordNotFound, TooLarge, ValidationFailed
from procore_client.testing._models import ChangeEvent
from procore_client.testing._render import iso

__all__ = [
    "PAYLOAD_VERSIONS",
    "TRIGGER_BULK_LIMIT",
    "UI_USER_ID",
    "Delivery",
    "Hook",
    "Trigger",
    "WebhookEngine",
    "WebhookEvent",
]

PAYLOAD_VERSIONS = {
    "v2": "v2.0",
    "v2.0": "v2.0",
    "v3": "v3.0",
    "v3.0": "v3.0",
    "v4": "v4.0",
    "v4.0": "v4.0",
}
TRIGGER_BULK_LIMIT = 500
UI_USER_ID = 4_242_424
_EVENT_TYPES = ("create", "update", "delete")
_NAMESPACE = re.compile(r"^[a-z0-9-]+$")
_LOOPBACK_RECEIVERS = frozenset({"127.0.0.1", "localhost", "::1"})
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_STATUS_OUTCOMES = {
    "any": None,
    "successful": ("ok",),
    "failing": ("retried", "failed"),
    "discarded": ("discarded",),
}


@attrs.define(eq=False)
class Hook:
    """A webhook destination owned by an app in a company or project scope."""

    id: int
    client_id: str
    company_id: int
    project_id: int | None
    api_version: str
    destination_url: str
    destination_headers: dict[str, str]
    namespace: str | None
    owner_user_id: int

    @property
    def payload_version(self) -> str:
        return PAYLOAD_VERSIONS[self.api_version]


@attrs.define(eq=False)
class Trigger:
    """Which resource and event type a hook is told about."""

    id: int
    hook_id: int
    resource_name: str
    event_type: str
    company_id: int
    project_id: int | None
    user_id: int


@attrs.frozen
class WebhookEvent:
    """One announced change, shared by every hook that hears of it."""

    id: int
    ulid: str
    change: ChangeEvent
    user_id: int
    source_user_id: int
    source_application_id: str | None


@attrs.define(eq=False)
class Delivery:
    """One delivery attempt of one event to one hook, as the deliveries log shows it."""

    id: int
    hook_id: int
    event: WebhookEvent
    attempt: int
    payload: dict[str, Any]
    outcome: str
    started_at: datetime
    completed_at: datetime
    response_status: int | None = None
    response_headers: dict[str, str] = attrs.field(factory=dict)
    response_body: str | None = None
    response_error: str | None = None


@attrs.define(eq=False)
class _Pending:
    hook_id: int
    event: WebhookEvent
    attempt: int
    due: float


def _receivable(url: object) -> bool:
    """An https URL; plain http only to a loopback receiver, which tests run on."""
    if not isinstance(url, str):
        return False
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return False
    if not parsed.host:
        return False
    return parsed.scheme == "https" or (
        parsed.scheme == "http" and parsed.host in _LOOPBACK_RECEIVERS
    )


def _mask(value: str) -> str:
    return "*" * max(len(value) - 5, 0) + value[-5:]


def _version(value: object) -> str:
    if not isinstance(value, str) or value not in PAYLOAD_VERSIONS:
        raise ValidationFailed({"api_version": ["must be one of v2, v3 or v4"]})
    return value


class WebhookEngine:
    """Hooks, triggers, the queue of pending deliveries and the delivery log."""

    def __init__(
        self,
        clock: Clock,
        *,
        max_attempts: int = 3,
        backoff: float = 1.0,
        backoff_cap: float = 3600.0,
        timeout: float = 5.0,
        discard_after: float = 12 * 3600.0,
        transport: httpx.BaseTransport | None = None,
        seed: int = 0,
    ) -> None:
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.timeout = timeout
        self.discard_after = discard_after
        self.transport = transport
        self._seed = seed
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.poll_interval = 0.02
        self.clear()

    def clear(self) -> None:
        """Forget hooks, triggers, queued events and the delivery log; zero the counters."""
        with self._lock:
            self.hooks: dict[int, Hook] = {}
            self.triggers: dict[int, Trigger] = {}
            self.deliveries: list[Delivery] = []
            self._queue: list[_Pending] = []
            self._in_flight = 0
            self._next_hook = 1
            self._next_trigger = 1
            self._next_delivery = 1
            self._next_event = 70_000_000_001
            self._rng = random.Random(self._seed)
            self.attempts = 0
            self.successes = 0
            self.failures = 0

    def all_hooks(self) -> list[Hook]:
        """Every hook of every app, oldest first."""
        with self._lock:
            return list(self.hooks.values())

    def all_deliveries(self) -> list[Delivery]:
        """Every delivery attempt so far, oldest first."""
        with self._lock:
            return list(self.deliveries)

    # -- hooks --------------------------------------------------------------------------------

    def create_hook(
        self,
        client_id: str,
        user_id: int,
        company_id: int,
        project_id: int | None,
        body: dict[str, Any],
    ) -> Hook:
        """Validate and create a hook in the given scope."""
        fields = self._hook_fields(body, creating=True)
        with self._lock:
            self._check_one_namespace(client_id, fields["namespace"], None)
            hook = Hook(
                self._next_hook,
                client_id,
                company_id,
                project_id,
                fields["api_version"],
                fields["destination_url"],
                fields.get("destination_headers", {}),
                fields.get("namespace"),
                user_id,
            )
            self._next_hook += 1
            self.hooks[hook.id] = hook
        return hook

    @staticmethod
    def _hook_fields(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        fields: dict[str, Any] = {}
        version = body.get("api_version", body.get("payload_version"))
        if version is not None or creating:
            try:
                fields["api_version"] = _version(version)
            except ValidationFailed as failure:
                errors.update(failure.fields)
        if "destination_url" in body or creating:
            url = body.get("destination_url")
            if not _receivable(url):
                errors["destination_url"] = ["must be an absolute https URL"]
            else:
                fields["destination_url"] = url
        if "destination_headers" in body:
            headers = body["destination_headers"]
            if headers is None:
                fields["destination_headers"] = {}
            elif not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
            ):
                errors["destination_headers"] = ["must map header names to strings"]
            else:
                fields["destination_headers"] = dict(headers)
        if "namespace" in body or creating:
            namespace = body.get("namespace")
            if not isinstance(namespace, str) or not _NAMESPACE.match(namespace):
                errors["namespace"] = ["is required and may only contain a-z, 0-9 and -"]
            else:
                fields["namespace"] = namespace
        if errors:
            raise ValidationFailed(errors)
        return fields

    def _check_one_namespace(self, client_id: str, namespace: str, hook_id: int | None) -> None:
        """An app has one namespace across all companies (Procore's webhooks guide)."""
        taken = {
            h.namespace
            for h in self.hooks.values()
            if h.client_id == client_id and h.id != hook_id and h.namespace is not None
        }
        if taken and namespace not in taken:
            raise ValidationFailed(
                {"namespace": [f"must be {sorted(taken)[0]!r}: an app has one namespace"]}
            )

    def hook(self, client_id: str, hook_id: int) -> Hook:
        """The app's hook ``hook_id`` (other apps' hooks do not exist for it)."""
        with self._lock:
            hook = self.hooks.get(hook_id)
        if hook is None or hook.client_id != client_id:
            raise RecordNotFound("Webhooks::Hook", hook_id)
        return hook

    def list_hooks(
        self,
        client_id: str,
        company_id: int,
        project_id: int | None,
        namespace: str | None,
        api_version: str | None,
    ) -> list[Hook]:
        """The app's hooks in exactly this scope, optionally by namespace and version."""
        with self._lock:
            hooks = list(self.hooks.values())
        return [
            h
            for h in hooks
            if h.client_id == client_id
            and h.company_id == company_id
            and h.project_id == project_id
            and (namespace in (None, "*") or h.namespace == namespace)
            and (api_version is None or h.api_version == api_version)
        ]

    def update_hook(self, hook: Hook, body: dict[str, Any]) -> Hook:
        """Apply a partial update to a hook."""
        fields = self._hook_fields(body, creating=False)
        with self._lock:
            if "namespace" in fields:
                self._check_one_namespace(hook.client_id, fields["namespace"], hook.id)
            for key, value in fields.items():
                setattr(hook, key, value)
        return hook

    def delete_hook(self, hook: Hook) -> None:
        """Delete a hook and its triggers; queued deliveries for it will be discarded."""
        with self._lock:
            self.hooks.pop(hook.id, None)
            for trigger_id in [t.id for t in self.triggers.values() if t.hook_id == hook.id]:
                del self.triggers[trigger_id]

    @staticmethod
    def render_hook(hook: Hook) -> dict[str, Any]:
        """A hook as the API shows it (the Authorization value masked to its last 5 chars)."""
        headers = dict(hook.destination_headers)
        if "Authorization" in headers:
            headers["Authorization"] = _mask(headers["Authorization"])
        return {
            "id": hook.id,
            "api_version": hook.api_version,
            "namespace": hook.namespace,
            "destination_url": hook.destination_url,
            "destination_headers": headers,
            "owned_by_company_id": hook.company_id if hook.project_id is None else None,
            "owned_by_project_id": hook.project_id,
            "owned_by_user_id": hook.owner_user_id,
        }

    # -- triggers -----------------------------------------------------------------------------

    def create_trigger(self, hook: Hook, spec: object, api_version: object = None) -> Trigger:
        """Validate and add one trigger to ``hook``."""
        if not isinstance(spec, dict):
            raise ValidationFailed({"trigger": ["must be an object"]})
        errors: dict[str, list[str]] = {}
        if api_version is not None:
            try:
                if PAYLOAD_VERSIONS[_version(api_version)] != hook.payload_version:
                    errors["api_version"] = ["must match the hook's api_version"]
            except ValidationFailed as failure:
                errors.update(failure.fields)
        name = spec.get("resource_name")
        if not isinstance(name, str) or not name.strip():
            errors["resource_name"] = ["can't be blank"]
        event_type = str(spec.get("event_type") or "").lower()
        if event_type not in _EVENT_TYPES:
            errors["event_type"] = ["must be one of create, update, delete"]
        if errors:
            raise ValidationFailed(errors)
        assert isinstance(name, str)
        with self._lock:
            for existing in self.triggers.values():
                if (
                    existing.hook_id == hook.id
                    and existing.resource_name.lower() == name.lower()
                    and existing.event_type == event_type
                ):
                    raise ValidationFailed({"resource_name": ["has already been taken"]})
            trigger = Trigger(
                self._next_trigger,
                hook.id,
                name,
                event_type,
                hook.company_id,
                hook.project_id,
                hook.owner_user_id,
            )
            self._next_trigger += 1
            self.triggers[trigger.id] = trigger
        return trigger

    def bulk_create(
        self, hook: Hook, specs: object, api_version: object = None
    ) -> tuple[list[Trigger], list[dict[str, Any]]]:
        """Create up to 500 triggers; failures are reported per item."""
        if not isinstance(specs, list):
            raise ValidationFailed({"triggers": ["must be an array"]})
        if len(specs) > TRIGGER_BULK_LIMIT:
            raise TooLarge(f"A maximum of {TRIGGER_BULK_LIMIT} triggers is allowed")
        created: list[Trigger] = []
        failed: list[dict[str, Any]] = []
        for spec in specs:
            try:
                created.append(self.create_trigger(hook, spec, api_version))
            except ValidationFailed as failure:
                item = spec if isinstance(spec, dict) else {"trigger": spec}
                failed.append({**item, "errors": failure.fields})
        return created, failed

    def triggers_of(self, hook: Hook) -> list[Trigger]:
        """The hook's triggers, oldest first."""
        with self._lock:
            return [t for t in self.triggers.values() if t.hook_id == hook.id]

    def delete_trigger(self, hook: Hook, trigger_id: int) -> None:
        """Remove one of the hook's triggers."""
        with self._lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None or trigger.hook_id != hook.id:
                raise RecordNotFound("Webhooks::Trigger", trigger_id)
            del self.triggers[trigger_id]

    def bulk_delete(self, hook: Hook, ids: Iterable[object]) -> tuple[list[int], list[Any]]:
        """Remove several triggers; unknown ids are reported back."""
        done: list[int] = []
        failed: list[Any] = []
        for raw in ids:
            trigger_id = raw.get("id") if isinstance(raw, dict) else raw
            if not isinstance(trigger_id, int) or isinstance(trigger_id, bool):
                failed.append({"id": trigger_id, "errors": {"id": ["must be an integer"]}})
                continue
            try:
                self.delete_trigger(hook, trigger_id)
                done.append(trigger_id)
            except RecordNotFound:
                failed.append({"id": trigger_id, "errors": {"id": ["not found"]}})
        return done, failed

    @staticmethod
    def render_trigger(trigger: Trigger) -> dict[str, Any]:
        """A trigger as the API shows it (event type upper-case, as the 2026 spec's enum)."""
        return {
            "id": trigger.id,
            "webhook_hook_id": trigger.hook_id,
            "resource_name": trigger.resource_name,
            "resource_id": None,
            "event_type": trigger.event_type.upper(),
            "company_id": trigger.company_id,
            "project_id": trigger.project_id,
            "user_id": trigger.user_id,
        }

    # -- events -------------------------------------------------------------------------------

    def _ulid(self, at: datetime) -> str:
        value = (int(at.timestamp() * 1000) << 80) | self._rng.getrandbits(80)
        chars = []
        for _ in range(26):
            chars.append(_CROCKFORD[value & 31])
            value >>= 5
        return "".join(reversed(chars))

    def publish(
        self,
        change: ChangeEvent,
        hears: Callable[[Hook], bool],
        source_user_id: int | None,
    ) -> WebhookEvent | None:
        """Queue ``change`` for every hook that ``hears`` it and has a matching trigger."""
        with self._lock:
            wanted_type = change.event_type.lower()
            wanted_name = change.resource_name.lower()
            hook_ids = {
                t.hook_id
                for t in self.triggers.values()
                if t.event_type == wanted_type and t.resource_name.lower() == wanted_name
            }
            targets = [self.hooks[i] for i in sorted(hook_ids) if i in self.hooks]
            targets = [h for h in targets if hears(h)]
            if not targets:
                return None
            user = source_user_id if source_user_id is not None else UI_USER_ID
            event = WebhookEvent(
                self._next_event,
                self._ulid(change.at),
                change,
                user,
                user,
                change.source_client_id,
            )
            self._next_event += 1
            now = self.clock.time()
            for hook in targets:
                self._queue.append(_Pending(hook.id, event, 1, now))
            self._idle.notify_all()
        return event

    @staticmethod
    def payload(event: WebhookEvent, version: str) -> dict[str, Any]:
        """The JSON body POSTed for ``event`` in payload ``version`` (v2.0, v3.0 or v4.0)."""
        change = event.change
        stamp = change.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if version == "v4.0":
            return {
                "id": event.ulid,
                "timestamp": stamp,
                "reason": change.event_type,
                "company_id": str(change.company_id),
                "project_id": None if change.project_id is None else str(change.project_id),
                "user_id": str(event.user_id),
                "resource_type": change.resource_name,
                "resource_id": str(change.resource_id),
            }
        body: dict[str, Any] = {
            "id": event.id,
            "ulid": event.ulid,
            "timestamp": stamp,
            "metadata": {
                "source_user_id": event.source_user_id,
                "source_project_id": change.project_id,
                "source_operation_id": None,
                "source_company_id": change.company_id,
                "source_application_id": event.source_application_id,
            },
            "user_id": event.user_id,
            "company_id": change.company_id,
            "project_id": change.project_id,
            "api_version": version,
            "event_type": change.event_type,
            "resource_name": change.resource_name,
            "resource_id": change.resource_id,
        }
        if version == "v3.0":
            body["related_resources"] = [{"id": i, "name": n} for i, n in change.related]
        return body

    # -- delivery -----------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Deliveries queued (including retries waiting for their backoff)."""
        with self._lock:
            return len(self._queue)

    def _take_due(self) -> list[_Pending]:
        with self._lock:
            now = self.clock.time()
            due = [p for p in self._queue if p.due <= now]
            if due:
                self._queue = [p for p in self._queue if p.due > now]
                self._in_flight += len(due)
            return due

    def deliver_pending(self) -> list[Delivery]:
        """Attempt every delivery that is due now, again while retries fall due; returns them.

        Retries whose backoff lies in the future stay queued: advance the clock (a
        ``FakeClock``) and call again, or set ``backoff=0`` to retry within one call.
        """
        made: list[Delivery] = []
        client: httpx.Client | None = None
        try:
            while True:
                due = self._take_due()
                if not due:
                    break
                if client is None:
                    client = httpx.Client(transport=self.transport, timeout=self.timeout)
                for item in due:
                    try:
                        made.append(self._attempt(client, item))
                    finally:
                        with self._lock:
                            self._in_flight -= 1
                            self._idle.notify_all()
        finally:
            if client is not None:
                client.close()
        return made

    def _attempt(self, client: httpx.Client, item: _Pending) -> Delivery:
        with self._lock:
            hook = self.hooks.get(item.hook_id)
            target = (
                None if hook is None else (hook.destination_url, dict(hook.destination_headers))
            )
            version = "v2.0" if hook is None else hook.payload_version
        payload = self.payload(item.event, version)
        started = self.clock.now()
        age = self.clock.time() - item.event.change.at.timestamp()
        if target is None or age > self.discard_after:
            return self._record(item, payload, "discarded", started, started)
        url, extra = target
        headers = {"Content-Type": "application/json", "User-Agent": "Procore-Webhooks/1.0"}
        headers.update(extra)
        status: int | None = None
        response_headers: dict[str, str] = {}
        body: str | None = None
        error: str | None = None
        try:
            response = client.post(url, content=json.dumps(payload).encode(), headers=headers)
            status = response.status_code
            response_headers = dict(response.headers)
            body = response.text[:2000]
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"
        completed = self.clock.now()
        ok = status is not None and 200 <= status < 300
        if ok:
            outcome = "ok"
        elif item.attempt < self.max_attempts:
            outcome = "retried"
        else:
            outcome = "failed"
        delivery = self._record(
            item, payload, outcome, started, completed, status, response_headers, body, error
        )
        if outcome == "retried":
            wait = min(self.backoff * 2 ** (item.attempt - 1), self.backoff_cap)
            with self._lock:
                self._queue.append(
                    _Pending(item.hook_id, item.event, item.attempt + 1, self.clock.time() + wait)
                )
        return delivery

    def _record(
        self,
        item: _Pending,
        payload: dict[str, Any],
        outcome: str,
        started: datetime,
        completed: datetime,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        body: str | None = None,
        error: str | None = None,
    ) -> Delivery:
        with self._lock:
            delivery = Delivery(
                self._next_delivery,
                item.hook_id,
                item.event,
                item.attempt,
                payload,
                outcome,
                started,
                completed,
                status,
                headers or {},
                body,
                error,
            )
            self._next_delivery += 1
            self.deliveries.append(delivery)
            if outcome != "discarded":
                self.attempts += 1
            if outcome == "ok":
                self.successes += 1
            elif outcome in ("retried", "failed"):
                self.failures += 1
        return delivery

    def deliveries_of(
        self, hook: Hook, status: str | None, page_size: int, page_start: int | None
    ) -> list[Delivery]:
        """One keyset page of the hook's delivery log (ids ascending, after ``page_start``)."""
        key = (status or "any").lower()
        if key not in _STATUS_OUTCOMES:
            raise HttpError(
                400, {"errors": "filters[status] must be any, successful, failing or discarded"}
            )
        outcomes = _STATUS_OUTCOMES[key]
        with self._lock:
            rows = [
                d
                for d in self.deliveries
                if d.hook_id == hook.id
                and (page_start is None or d.id > page_start)
                and (outcomes is None or d.outcome in outcomes)
            ]
        return rows[:page_size]

    @classmethod
    def render_delivery(cls, delivery: Delivery) -> dict[str, Any]:
        """A delivery-log row; ``id`` is what ``page_start`` refers to."""
        return {
            "id": delivery.id,
            "event_id": delivery.event.id,
            "event": cls.payload(delivery.event, "v2.0"),
            "attempt": delivery.attempt,
            "outcome": delivery.outcome,
            "response_status": delivery.response_status,
            "response_headers": delivery.response_headers,
            "response_body": delivery.response_body,
            "response_error": delivery.response_error,
            "started_at": iso(delivery.started_at),
            "completed_at": iso(delivery.completed_at),
        }

    # -- background mode ----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the background delivery thread is running."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Deliver from a background thread as events arrive and retries fall due."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="procore-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the background thread (queued deliveries stay queued)."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        with self._lock:
            self._idle.notify_all()
        thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.deliver_pending()
            with self._lock:
                if not self._stop.is_set():
                    self._idle.wait(self.poll_interval)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until nothing is queued or in flight (background mode); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._queue or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, self.poll_interval))
        return True
