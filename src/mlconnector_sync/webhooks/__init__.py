"""The webhook receiver: Procore deliveries into the state's inbox (starlette + uvicorn).

``create_app(Intake(store, source=..., secrets=...))`` is the ASGI app; ``serve`` runs it
with uvicorn; ``install`` creates the hook and triggers through Procore's API. The engine
turns inbox events into targeted fetches (``Flow.pushed``); the scheduled polls still run.
"""

from mlconnector_sync.webhooks._app import DEFAULT_PATH, create_app, serve, serve_in_thread
from mlconnector_sync.webhooks._install import (
    DEFAULT_EVENTS,
    DEFAULT_RESOURCES,
    InstallResult,
    install,
)
from mlconnector_sync.webhooks._intake import Intake, IntakeResult, inbox_event

__all__ = [
    "DEFAULT_EVENTS",
    "DEFAULT_PATH",
    "DEFAULT_RESOURCES",
    "InstallResult",
    "Intake",
    "IntakeResult",
    "create_app",
    "inbox_event",
    "install",
    "serve",
    "serve_in_thread",
]
