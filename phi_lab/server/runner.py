"""Run a worker under uvicorn, draining gracefully on SIGTERM.

On the first SIGTERM the worker reports ``draining`` (``/health`` → 503, new requests → 503
with ``Retry-After``, which nginx retries on another worker), waits for in-flight requests
to finish (at most ``grace_period_s``), then lets uvicorn close its sockets and exit with
status 0.  SIGINT, or a second SIGTERM, skips the drain and goes straight to uvicorn's own
shutdown (which stops accepting connections and waits for open ones); uvicorn then re-raises
that signal, so the exit status is the signal's (130 or 143).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from types import FrameType

import uvicorn
from fastapi import FastAPI

from phi_lab.server.app import create_app
from phi_lab.server.settings import Settings

__all__ = ["configure_logging", "serve"]


def configure_logging(settings: Settings) -> None:
    """One handler on the root logger, at the configured level (JSON lines are the message itself)."""
    fmt = "%(message)s" if settings.log_json else "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=settings.log_level.upper(), format=fmt, force=True)


def serve(settings: Settings | None = None) -> None:
    """Serve a worker until SIGTERM/SIGINT (blocks)."""
    settings = settings or Settings.from_environment()
    configure_logging(settings)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=max(1, round(settings.grace_period_s)),
        lifespan="on",
    )
    _DrainingServer(config, app, settings.grace_period_s).run()


class _DrainingServer(uvicorn.Server):
    """uvicorn's server, with a drain phase before the usual graceful shutdown."""

    def __init__(self, config: uvicorn.Config, app: FastAPI, grace_period_s: float) -> None:
        super().__init__(config)
        self._app = app
        self._grace = grace_period_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._draining = False

    async def serve(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)  # type: ignore[arg-type]

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM and not self._draining and self._loop is not None:
            self._draining = True
            self._app.state.begin_draining()
            logging.getLogger("phi_lab.server").info("SIGTERM: draining for at most %.1f s", self._grace)
            loop = self._loop
            loop.call_soon_threadsafe(lambda: loop.create_task(self._drain()))
            return
        super().handle_exit(sig, frame)

    async def _drain(self) -> None:
        engine = self._app.state.engine
        deadline = time.monotonic() + self._grace
        while engine.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        self.should_exit = True
