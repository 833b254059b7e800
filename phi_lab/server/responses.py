"""How a worker answers: JSON serialised once, by orjson, and the one map from errors to statuses.

* :class:`JSONBytes` is the app's default response class: ``orjson.dumps`` (about 30× the
  standard library's speed on a verdict), UTF-8; text that cannot be UTF-8 (a lone surrogate
  echoed back from a ``\\ud800`` escape) goes out as ``\\u`` escapes instead of failing.  Routes
  return it directly, so a verdict is never re-validated against its response model.
* :func:`error_response` is the one place that maps the ``PhiLabError`` tree to HTTP statuses
  and :data:`~phi_lab.server.models.ErrorCode` codes; :func:`add_error_handlers` installs it
  with the handlers that make FastAPI's own 400/422 bodies safe and documented.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from phi_lab.errors import (
    BudgetExceededError,
    DeviceError,
    InputError,
    ModeError,
    OverloadedError,
    PhiLabError,
    UnitError,
)
from phi_lab.server.models import ErrorCode

__all__ = ["JSONBytes", "add_error_handlers", "error_body", "error_response", "json_bytes"]


def json_bytes(content: Any) -> bytes:
    """``content`` as JSON in UTF-8, or with ``\\u`` escapes where text cannot be UTF-8."""
    try:
        return orjson.dumps(content)
    except TypeError:  # orjson refuses a lone surrogate; the standard library escapes it
        return json.dumps(content, ensure_ascii=True, allow_nan=False).encode("ascii")


class JSONBytes(JSONResponse):
    """A JSON response rendered by :func:`json_bytes` (a ``JSONResponse``, so that FastAPI's
    OpenAPI documents a route's answers with its response model)."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def error_body(error: PhiLabError | str, code: ErrorCode) -> dict[str, str]:
    return {"detail": str(error), "code": code}


def error_response(error: PhiLabError) -> JSONBytes:
    """The one place that maps the PhiLabError tree to HTTP statuses and error codes."""
    if isinstance(error, OverloadedError):
        retry_after = str(max(1, round(error.retry_after)))
        return JSONBytes(error_body(error, "overloaded"), 503, {"Retry-After": retry_after})
    if isinstance(error, BudgetExceededError):
        return JSONBytes(error_body(error, "budget"), 504)
    if isinstance(error, UnitError):
        return JSONBytes(error_body(error, "units"), 422)
    if isinstance(error, ModeError):
        return JSONBytes(error_body(error, "mode"), 422)
    if isinstance(error, InputError):
        return JSONBytes(error_body(error, "input"), 422)
    if isinstance(error, DeviceError):
        return JSONBytes(error_body(error, "device"), 503, {"Retry-After": "5"})
    return JSONBytes(error_body(error, "internal"), 500)


async def _phi_lab_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, PhiLabError)
    return error_response(error)


async def _invalid_request(_request: Request, error: Exception) -> Response:
    """FastAPI's 422 for a malformed body, made safe for input that cannot be UTF-8."""
    assert isinstance(error, RequestValidationError)
    return JSONBytes({"detail": jsonable_encoder(error.errors())}, 422)


async def _http_error(request: Request, error: Exception) -> Response:
    """A body FastAPI cannot even decode (not UTF-8, nested past the JSON parser's depth)
    is malformed JSON too: 422, as documented, instead of FastAPI's bare 400."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        return JSONBytes(error_body(f"the request body is not valid JSON ({error.detail})", "malformed"), 422)
    return await http_exception_handler(request, error)


def add_error_handlers(app: FastAPI) -> None:
    """Answer PhiLabErrors through :func:`error_response`, FastAPI's 422 and 400 as documented."""
    app.add_exception_handler(PhiLabError, _phi_lab_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
