"""The HTTP worker: ``create_app(settings)`` assembles the FastAPI app.

What it puts together, each from its own module:

* the routes (:mod:`phi_lab.server.routes`, one ``APIRouter``; each route gets the
  :class:`~phi_lab.server.engine.Engine` through ``Depends(get_engine)``), and ``GET /docs``,
  ``GET /redoc`` and ``/openapi.json``, whose pages load their files from this worker, never
  from a CDN (:mod:`phi_lab.server.docs`);
* the engine, which owns the worker's lifecycle (starting → ready → draining): the app's
  lifespan starts and stops it, the runner drains it on SIGTERM;
* the answers (:mod:`phi_lab.server.responses`): JSON by orjson, and the one map from the
  ``PhiLabError`` tree to status codes and :data:`~phi_lab.server.models.ErrorCode` codes;
* one ASGI middleware (:class:`~phi_lab.server.middleware.Edge`): request ids, the body limit,
  CORS, metrics and the access log.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import phi_lab
from phi_lab.server.accesslog import AccessLog
from phi_lab.server.docs import add_docs
from phi_lab.server.engine import Engine, worker_identity
from phi_lab.server.middleware import Edge
from phi_lab.server.responses import JSONBytes, add_error_handlers
from phi_lab.server.routes import router
from phi_lab.server.settings import Settings

__all__ = ["create_app", "engine_of", "worker_identity"]

logger = logging.getLogger("phi_lab.server")


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build a worker app.

    Parameters
    ----------
    settings:
        Its configuration; default :meth:`Settings.from_environment`.
    engine:
        The engine to serve (the runner makes it, to drain it on SIGTERM); default
        :meth:`Engine.create` from ``settings``.  :func:`engine_of` gives it back.
    """
    settings = settings or Settings.from_environment()
    engine = engine or Engine.create(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await engine.start()
        logger.info("worker %s ready on %s", engine.worker_id, engine.device)
        try:
            yield
        finally:
            await engine.stop()

    app = FastAPI(
        title="phi_lab worker",
        version=phi_lab.__version__,
        description="Validates equations: parsing, dimensions, numeric checks, topology, φ-coherence.",
        lifespan=lifespan,
        default_response_class=JSONBytes,
        docs_url=None,  # served by add_docs, from the worker's own files
        redoc_url=None,
    )
    app.state.engine = engine
    app.include_router(router)
    add_docs(app)
    add_error_handlers(app)
    app.add_middleware(
        Edge, settings=settings, metrics=engine.metrics, access_log=AccessLog(settings.access_log, settings.log_json)
    )
    return app


def engine_of(app: FastAPI) -> Engine:
    """The engine a worker app built by :func:`create_app` serves."""
    engine = app.state.engine
    if not isinstance(engine, Engine):
        raise TypeError("not an app made by phi_lab.server.create_app")
    return engine
