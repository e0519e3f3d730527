"""The ASGI app (starlette) that receives Procore webhooks, and its uvicorn server.

``POST <path>`` verifies the ``Authorization`` header through ``procore_client.webhooks``
and stores the event in the inbox (a duplicate is answered 200 and not stored again); a
missing or wrong secret is answered 401 and stores nothing. ``GET /health`` answers 200.
Starlette and uvicorn are imported only in this package.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mlconnector_sync.webhooks._intake import Intake

__all__ = ["DEFAULT_PATH", "create_app", "serve", "serve_in_thread"]

DEFAULT_PATH = "/webhooks/procore"


def create_app(intake: Intake, *, path: str = DEFAULT_PATH) -> Starlette:
    """The receiver: every delivery to ``path`` goes through ``intake``."""

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        result = await run_in_threadpool(intake.take, request.headers.raw, body)
        return JSONResponse(
            {"stored": result.stored, "message": result.message}, status_code=result.status
        )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[Route(path, receive, methods=["POST"]), Route("/health", health, methods=["GET"])]
    )


def serve(app: Starlette, *, host: str = "127.0.0.1", port: int = 8787) -> None:
    """Serve ``app`` with uvicorn until SIGINT/SIGTERM."""
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@contextlib.contextmanager
def serve_in_thread(app: Starlette, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` on loopback from a thread (tests, the demo); yields its base URL."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="webhook-receiver", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the webhook receiver did not start")
        time.sleep(0.01)
    sockets = [s for srv in server.servers for s in srv.sockets]
    bound = sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
