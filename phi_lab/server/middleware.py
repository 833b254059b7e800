"""The worker's one ASGI middleware, :class:`Edge`: what every request goes through before a route.

In one layer (each of these was a middleware of its own, each a coroutine and a ``send``
wrapper more per request):

* ``X-Request-ID``: the client's (at most 128 characters) or a new one, 32 hex digits (a
  per-process random prefix and a counter), returned on every response;
* the body limit: 413 for a body over ``max_body_bytes``, by ``Content-Length`` or while a
  chunked body streams in (read here, at most the limit + 1 bytes, then replayed: the app never
  parses an oversized body);
* CORS: requests that carry an ``Origin`` go through Starlette's ``CORSMiddleware``; those
  without one (programs, nginx health checks) skip it and get its ``Vary: Origin`` header here;
* Prometheus metrics (requests by route, method and status; latency by route) and the access
  log line (:mod:`phi_lab.server.accesslog`).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.middleware.cors import CORSMiddleware

from phi_lab.server.accesslog import AccessLog
from phi_lab.server.metrics import Metrics
from phi_lab.server.settings import Settings

__all__ = ["ROUTES", "Edge", "RequestIds"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Paths counted under their own name in the metrics; any other is ``other``.
ROUTES = frozenset(
    {"/", "/health", "/info", "/validate", "/validate/batch", "/metrics", "/docs", "/redoc", "/openapi.json"}
)
_NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestIds:
    """New request ids: 32 hex digits, a random 64-bit prefix per process and a 64-bit counter."""

    __slots__ = ("_counter", "_prefix")

    def __init__(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count(int.from_bytes(os.urandom(4)))

    def new(self) -> str:
        return f"{self._prefix}{next(self._counter) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


class Edge:
    """ASGI middleware: request id, body limit, CORS, metrics and the access log (see the module)."""

    def __init__(self, app: ASGIApp, *, settings: Settings, metrics: Metrics, access_log: AccessLog) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
        self.limit = settings.max_body_bytes
        self.metrics = metrics
        self.access_log = access_log
        self.ids = RequestIds()
        self._requests: dict[tuple[str, str, int], Any] = {}
        self._latency: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = None
        declared = None
        origin = False
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id = value.decode("latin-1")[:128]
            elif name == b"content-length":
                declared = value
            elif name == b"origin":
                origin = True
        if not request_id:
            request_id = self.ids.new()
        status = 500
        id_header = (b"x-request-id", request_id.encode("latin-1"))

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append(id_header)
                if not origin:
                    _vary_origin(headers)
                message["headers"] = headers
            await send(message)

        app = self.cors if origin else self.app
        try:
            if scope["method"] in _NO_BODY_METHODS:
                await app(scope, receive, sending)
            elif declared is not None and declared.isdigit():
                if int(declared) > self.limit:
                    await self._refuse(sending)
                else:
                    await app(scope, receive, sending)
            else:
                await self._streamed(app, scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - start
            path, method = scope["path"], scope["method"]
            route = path if path in ROUTES else "other"
            self._count(route, method, status, elapsed)
            self.access_log.record(method, path, status, elapsed, request_id)

    async def _streamed(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        """A body without a Content-Length: read it (at most the limit + 1 bytes), then replay it."""
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

        await app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        detail = f"the request body is larger than the limit of {self.limit:,} bytes"
        body = orjson.dumps({"detail": detail, "code": "too_large"})
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _count(self, route: str, method: str, status: int, elapsed: float) -> None:
        """Requests and latency, with the labelled children looked up once per label set."""
        key = (route, method, status)
        requests: Counter | None = self._requests.get(key)
        if requests is None:
            requests = self._requests[key] = self.metrics.requests.labels(route, method, str(status))
        requests.inc()
        latency: Histogram | None = self._latency.get(route)
        if latency is None:
            latency = self._latency[route] = self.metrics.latency.labels(route)
        latency.observe(elapsed)


def _vary_origin(headers: list[tuple[bytes, bytes]]) -> None:
    """Add ``Origin`` to the response's ``Vary``, as Starlette's CORS middleware does for every answer."""
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            headers[index] = (name, value + b", Origin")
            return
    headers.append((b"vary", b"Origin"))
