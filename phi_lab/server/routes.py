"""The worker's routes, on one :class:`~fastapi.APIRouter`; each takes the app's
:class:`~phi_lab.server.engine.Engine` through ``Depends(get_engine)``.

``GET /`` (a small HTML page calling ``/validate``), ``GET /health`` (text ``healthy``; 503
while starting or draining), ``GET /info``, ``POST /validate``, ``POST /validate/batch`` and
``GET /metrics`` (Prometheus).  Verdicts go out as :class:`~phi_lab.server.responses.JSONBytes`
built from the engine's dicts: their response models document them and are not re-applied.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

import phi_lab
from phi_lab.equations.binding import check_options
from phi_lab.errors import PhiLabError
from phi_lab.hints import HINT_CODES, word_hint
from phi_lab.options import MAX_EQUATION_CHARS
from phi_lab.server.engine import Engine, Job
from phi_lab.server.models import BatchRequest, BatchResponse, ErrorBody, InfoResponse, ValidateRequest, ValidationBody
from phi_lab.server.responses import JSONBytes

__all__ = ["EngineDep", "get_engine", "router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "Body larger than the limit"},
    422: {"model": ErrorBody, "description": "Malformed body, a missing or mistyped field, or an input over a limit"},
    503: {"model": ErrorBody, "description": "Queue full or draining; see Retry-After"},
    504: {"model": ErrorBody, "description": "The request exceeded its time budget"},
}


async def get_engine(request: Request) -> Engine:
    """The app's engine (``create_app`` puts it in ``app.state.engine``).

    A coroutine on purpose: FastAPI runs a plain ``def`` dependency in a thread pool, a thread
    hop per request."""
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]

router = APIRouter()


# In the order they are matched: the busiest first.


@router.post("/validate", response_model=ValidationBody, responses=_ERRORS)
async def validate(body: ValidateRequest, engine: EngineDep) -> JSONBytes:
    """Validate one equation; an invalid equation is a 200 with ``valid: false``."""
    options = check_options(body.units, body.mode)
    with engine.admit():
        result = await engine.validate(Job(body.equation, options))
    return JSONBytes(result)


@router.get("/health", response_class=PlainTextResponse, responses={503: {"description": "Starting or draining"}})
async def health(engine: EngineDep) -> PlainTextResponse:
    """``healthy`` once the worker can serve; 503 while starting or draining."""
    if engine.ready:
        return PlainTextResponse("healthy")
    return PlainTextResponse(engine.status.value, status_code=503)


@router.post("/validate/batch", response_model=BatchResponse, responses=_ERRORS)
async def validate_batch(body: BatchRequest, engine: EngineDep) -> JSONBytes:
    """Validate many equations with the same options; results in input order."""
    options = check_options(body.units, body.mode)
    with engine.admit():
        results = await engine.validate_batch(body.equations, options)
        for result in results:
            if isinstance(result, PhiLabError):
                raise result
    return JSONBytes({"results": results})


@router.get("/info", response_model=InfoResponse)
async def info(engine: EngineDep) -> JSONBytes:
    """Who this worker is, its device, status, uptime and limits."""
    return JSONBytes(
        {
            "worker_id": engine.worker_id,
            "device": str(engine.device),
            "status": engine.status.value,
            "version": phi_lab.__version__,
            "uptime_s": round(engine.uptime_s, 3),
            "requests_served": engine.served,
            "limits": engine.settings.limits(),
        }
    )


@router.get("/metrics", response_class=PlainTextResponse)
async def prometheus(engine: EngineDep) -> Response:
    """Prometheus metrics of this worker."""
    if engine.device.type == "cuda":
        import torch

        engine.metrics.device_memory.set(torch.cuda.memory_allocated())
    return Response(generate_latest(engine.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def page() -> HTMLResponse:
    """A small page for people outside Jupyter: an input, a Validate button, the result card."""
    return HTMLResponse(_page())


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
