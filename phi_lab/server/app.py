"""The HTTP worker: ``create_app(settings)`` builds the FastAPI app.

Routes: ``GET /`` (a small HTML page calling ``/validate``), ``GET /health`` (text
``healthy``; 503 while starting or draining), ``GET /info``, ``POST /validate``,
``POST /validate/batch``, ``GET /metrics`` (Prometheus), ``GET /docs`` (Swagger UI),
``GET /redoc`` and ``/openapi.json``; the docs pages load their files from this worker, never
from a CDN (:mod:`phi_lab.server.docs`), so they render on machines without internet.
Request → :class:`~phi_lab.server.engine.Engine` → response; errors of the ``PhiLabError``
tree become status codes and :data:`~phi_lab.server.models.ErrorCode` codes in
:func:`_error_response`, the one place that maps them.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

import phi_lab
from phi_lab.compute.device import resolve_device
from phi_lab.equations.binding import normalize_units
from phi_lab.errors import (
    BudgetExceededError,
    DeviceError,
    InputError,
    ModeError,
    OverloadedError,
    PhiLabError,
    UnitError,
)
from phi_lab.hints import HINT_CODES, word_hint
from phi_lab.options import MAX_EQUATION_CHARS, check_mode
from phi_lab.server.docs import add_docs
from phi_lab.server.engine import Engine, Job
from phi_lab.server.metrics import Metrics
from phi_lab.server.models import (
    BatchRequest,
    BatchResponse,
    ErrorBody,
    ErrorCode,
    InfoResponse,
    ValidateRequest,
    ValidationBody,
)
from phi_lab.server.settings import Settings

__all__ = ["BodyLimit", "Observer", "create_app", "worker_identity"]

logger = logging.getLogger("phi_lab.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "Body larger than the limit"},
    422: {"model": ErrorBody, "description": "Malformed body, a missing or mistyped field, or an input over a limit"},
    503: {"model": ErrorBody, "description": "Queue full or draining; see Retry-After"},
    504: {"model": ErrorBody, "description": "The request exceeded its time budget"},
}


def worker_identity() -> str:
    """``hostname-pid``: unique per process and per container."""
    return f"{socket.gethostname()}-{os.getpid()}"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build a worker app.

    Parameters
    ----------
    settings:
        Its configuration; default :meth:`Settings.from_environment`.
    """
    settings = settings or Settings.from_environment()
    metrics = Metrics.create()
    device = resolve_device(settings.device)
    engine = Engine(settings, device, metrics, worker_identity())
    state: dict[str, Any] = {"status": "starting", "started": time.monotonic(), "served": 0}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await engine.start()
        state["status"] = "ready"
        logger.info("worker %s ready on %s", engine.worker_id, device)
        try:
            yield
        finally:
            state["status"] = "draining"
            await engine.stop()

    app = FastAPI(
        title="phi_lab worker",
        version=phi_lab.__version__,
        description="Validates equations: parsing, dimensions, numeric checks, topology, φ-coherence.",
        lifespan=lifespan,
        docs_url=None,  # served by add_docs, from the worker's own files
        redoc_url=None,
    )
    add_docs(app)
    app.state.engine = engine
    app.state.worker = state
    app.state.settings = settings

    def begin_draining() -> None:
        state["status"] = "draining"
        engine.draining = True

    app.state.begin_draining = begin_draining

    @app.exception_handler(PhiLabError)
    async def _phi_lab_error(_request: Request, error: PhiLabError) -> Response:
        return _error_response(error)

    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        """A small page for people outside Jupyter: an input, a Validate button, the result card."""
        return HTMLResponse(_page())

    @app.get("/health", response_class=PlainTextResponse, responses={503: {"description": "Starting or draining"}})
    async def health() -> PlainTextResponse:
        """``healthy`` once the worker can serve; 503 while starting or draining."""
        if state["status"] == "ready":
            return PlainTextResponse("healthy")
        return PlainTextResponse(state["status"], status_code=503)

    @app.get("/info", response_model=InfoResponse)
    async def info() -> dict[str, Any]:
        """Who this worker is, its device, status, uptime and limits."""
        return {
            "worker_id": engine.worker_id,
            "device": str(device),
            "status": state["status"],
            "version": phi_lab.__version__,
            "uptime_s": round(time.monotonic() - state["started"], 3),
            "requests_served": state["served"],
            "limits": settings.limits(),
        }

    @app.post("/validate", response_model=ValidationBody, responses=_ERRORS)
    async def validate(body: ValidateRequest) -> Response:
        """Validate one equation; an invalid equation is a 200 with ``valid: false``."""
        check_mode(body.mode)
        units = normalize_units(body.units)
        with engine.admit():
            result = await engine.validate(Job(body.equation, body.mode, units))
        state["served"] += 1
        return _json(result)

    @app.post("/validate/batch", response_model=BatchResponse, responses=_ERRORS)
    async def validate_batch(body: BatchRequest) -> Response:
        """Validate many equations with the same options; results in input order."""
        check_mode(body.mode)
        units = normalize_units(body.units)
        with engine.admit():
            results = await engine.validate_batch(body.equations, body.mode, units)
        for result in results:
            if isinstance(result, PhiLabError):
                raise result
        state["served"] += 1
        return _json({"results": results})

    @app.get("/metrics", response_class=PlainTextResponse)
    async def prometheus() -> Response:
        """Prometheus metrics of this worker."""
        _sample_device_memory(metrics, device.type)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # Added last, so outermost: request ids, the access log and metrics see every response.
    app.add_middleware(Observer, metrics=metrics, settings=settings)
    return app


@lru_cache(maxsize=1)
def _page() -> str:
    """``static/index.html`` with what it must agree on written in: the equation length limit
    (a number and a text) and each hint's Python and web wording (JSON)."""
    page = resources.files("phi_lab.server").joinpath("static/index.html").read_text("utf-8")
    hints = {code: {"python": word_hint(code, "python"), "web": word_hint(code, "web")} for code in HINT_CODES}
    filled = {
        "@@MAX_EQUATION_CHARS@@": str(MAX_EQUATION_CHARS),
        "@@MAX_EQUATION_CHARS_TEXT@@": f"{MAX_EQUATION_CHARS:,}",
        "@@HINTS@@": json.dumps(hints, ensure_ascii=False).replace("</", "<\\/"),
    }
    for placeholder, value in filled.items():
        page = page.replace(placeholder, value)
    return page


def _json(content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """JSON as UTF-8; text that cannot be UTF-8 (a lone surrogate echoed back) goes out as \\u escapes."""
    text = json.dumps(content, ensure_ascii=False, allow_nan=False)
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:
        body = json.dumps(content, ensure_ascii=True, allow_nan=False).encode("ascii")
    return Response(body, status_code=status_code, headers=headers, media_type="application/json")


def _error_response(error: PhiLabError) -> Response:
    """The one place that maps the PhiLabError tree to HTTP statuses and error codes."""
    if isinstance(error, OverloadedError):
        retry_after = str(max(1, round(error.retry_after)))
        return _json(_error_body(error, "overloaded"), 503, {"Retry-After": retry_after})
    if isinstance(error, BudgetExceededError):
        return _json(_error_body(error, "budget"), 504)
    if isinstance(error, UnitError):
        return _json(_error_body(error, "units"), 422)
    if isinstance(error, ModeError):
        return _json(_error_body(error, "mode"), 422)
    if isinstance(error, InputError):
        return _json(_error_body(error, "input"), 422)
    if isinstance(error, DeviceError):
        return _json(_error_body(error, "device"), 503, {"Retry-After": "5"})
    return _json(_error_body(error, "internal"), 500)


def _error_body(error: PhiLabError | str, code: ErrorCode) -> dict[str, str]:
    return {"detail": str(error), "code": code}


async def _invalid_request(_request: Request, error: Exception) -> Response:
    """FastAPI's 422 for a malformed body, made safe for input that cannot be UTF-8."""
    assert isinstance(error, RequestValidationError)
    return _json({"detail": jsonable_encoder(error.errors())}, 422)


async def _http_error(request: Request, error: Exception) -> Response:
    """A body FastAPI cannot even decode (not UTF-8, nested past the JSON parser's depth)
    is malformed JSON too: 422, as documented, instead of FastAPI's bare 400."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        return _json(_error_body(f"the request body is not valid JSON ({error.detail})", "malformed"), 422)
    return await http_exception_handler(request, error)


def _sample_device_memory(metrics: Metrics, device_type: str) -> None:
    if device_type == "cuda":
        import torch

        metrics.device_memory.set(torch.cuda.memory_allocated())


class BodyLimit:
    """ASGI middleware: 413 for bodies over ``limit`` bytes, by Content-Length or while streaming.

    A streamed (chunked) body is read here, at most ``limit`` + 1 bytes, before the app
    sees it, then replayed: the app never parses an oversized body.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > self.limit:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        detail = f"the request body is larger than the limit of {self.limit:,} bytes"
        body = json.dumps(_error_body(detail, "too_large")).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class Observer:
    """ASGI middleware: X-Request-ID honoured (or made) and returned, one log line, metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics, settings: Settings) -> None:
        self.app = app
        self.metrics = metrics
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:128] or uuid.uuid4().hex
        route = scope["path"] if scope["path"] in _ROUTES else "other"
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - start
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(elapsed)
            _log_request(self.settings, scope["method"], scope["path"], status, elapsed=elapsed, request_id=request_id)


_ROUTES = frozenset(
    {"/", "/health", "/info", "/validate", "/validate/batch", "/metrics", "/docs", "/redoc", "/openapi.json"}
)


def _log_request(settings: Settings, method: str, path: str, status: int, *, elapsed: float, request_id: str) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    milliseconds = round(elapsed * 1000, 3)
    if settings.log_json:
        logger.info(
            json.dumps({"method": method, "path": path, "status": status, "ms": milliseconds, "request_id": request_id})
        )
    else:
        logger.info("%s %s %s %.3fms request_id=%s", method, path, status, milliseconds, request_id)
