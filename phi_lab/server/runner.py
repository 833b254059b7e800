"""Run the worker under uvicorn, draining gracefully on SIGTERM: one process, or several on one port.

The runner makes the :class:`~phi_lab.server.engine.Engine` and hands it to the app and to its
server, which drains it on SIGTERM: the engine owns the worker's status, nothing else keeps one.
On the first SIGTERM the worker reports ``draining`` (``/health`` → 503, new requests → 503
with ``Retry-After``, which nginx retries on another worker), waits for in-flight requests
to finish (at most ``grace_period_s``), then lets uvicorn close its sockets and exit with
status 0.  SIGINT, or a second SIGTERM, skips the drain and goes straight to uvicorn's own
shutdown (which stops accepting connections and waits for open ones); uvicorn then re-raises
that signal, so the exit status is the signal's (130 or 143).

:mod:`phi_lab.server.supervisor` binds a port once and runs several such workers on it,
each with :func:`serve_socket`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

import uvicorn
from fastapi import FastAPI

from phi_lab.server.accesslog import configure_access_log
from phi_lab.server.app import create_app
from phi_lab.server.engine import Engine
from phi_lab.server.settings import Settings

__all__ = ["configure_logging", "serve", "serve_socket", "uvicorn_config"]


def configure_logging(settings: Settings) -> None:
    """One handler on the root logger, at the configured level (JSON lines are the message itself);
    the access log through it, or buffered in the same format (:mod:`phi_lab.server.accesslog`)."""
    fmt = "%(message)s" if settings.log_json else "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=settings.log_level.upper(), format=fmt, force=True)
    configure_access_log(settings.access_log, logging.Formatter(fmt), settings.log_json)


def serve(settings: Settings | None = None) -> None:
    """Serve one worker until SIGTERM/SIGINT (blocks); several: :func:`phi_lab.server.supervisor.supervise`."""
    settings = settings or Settings.from_environment()
    configure_logging(settings)
    engine = Engine.create(settings)
    app = create_app(settings, engine=engine)
    _DrainingServer(uvicorn_config(app, settings), engine, settings.grace_period_s).run()


def serve_socket(settings: Settings, sock: socket.socket, on_ready: Callable[[], None] | None = None) -> None:
    """Serve on a socket that is already listening (one worker of several), until SIGTERM/SIGINT.

    Parameters
    ----------
    settings:
        The worker's configuration (``host`` and ``port`` only name the socket in logs).
    sock:
        The listening socket, shared with the other workers.
    on_ready:
        Called once the app has started and the socket is served.
    """
    engine = Engine.create(settings)
    app = create_app(settings, engine=engine)
    _DrainingServer(uvicorn_config(app, settings), engine, settings.grace_period_s, on_ready).run(sockets=[sock])


def uvicorn_config(app: FastAPI, settings: Settings) -> uvicorn.Config:
    """How uvicorn runs a worker: uvloop and httptools when installed (the ``server`` extra has
    both), uvicorn's own access log off (the app writes its own, :mod:`phi_lab.server.accesslog`),
    the app's lifespan on, and a graceful shutdown as long as the drain."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="auto",
        http="auto",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=max(1, round(settings.grace_period_s)),
        lifespan="on",
    )


class _DrainingServer(uvicorn.Server):
    """uvicorn's server, with a drain phase before the usual graceful shutdown."""

    def __init__(
        self,
        config: uvicorn.Config,
        engine: Engine,
        grace_period_s: float,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(config)
        self._engine = engine
        self._grace = grace_period_s
        self._on_ready = on_ready
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drain_task: asyncio.Task[None] | None = None
        self._draining = False

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        # What start-up loaded (torch, SymPy, pint, the catalog, the warm-up) stays for the
        # process's life: out of the collector's reach, a full collection (a pause in the middle
        # of some request) no longer walks it.
        gc.collect()
        gc.freeze()
        if self.started and self._on_ready is not None:
            self._on_ready()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM and not self._draining and self._loop is not None:
            self._draining = True
            self._engine.drain()
            logging.getLogger("phi_lab.server").info("SIGTERM: draining for at most %.1f s", self._grace)
            self._loop.call_soon_threadsafe(self._start_drain)
            return
        super().handle_exit(sig, frame)

    def _start_drain(self) -> None:
        assert self._loop is not None
        self._drain_task = self._loop.create_task(self._drain())

    async def _drain(self) -> None:
        await self._engine.drained(self._grace)
        self.should_exit = True
