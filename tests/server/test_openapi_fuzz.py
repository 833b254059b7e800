"""Property-based fuzz of the worker's OpenAPI contract with schemathesis, in-process over ASGI.

The schema is loaded from the running app (``schemathesis.openapi.from_asgi``, which also runs
the app's lifespan, so the engine is warm and ``/health`` is 200), and every operation is fuzzed
with the schema's own generators: positive cases (schema-valid requests) for every operation,
negative cases (schema-invalid bodies, malformed JSON) for the two POSTs.  Each response must pass:

* ``not_a_server_error``: no 5xx.  The documented 503 (queue full, draining) and 504 (time
  budget) cannot legitimately occur here: one request at a time, never draining, and a 2 s
  budget that every request generated here beats by far;
* ``status_code_conformance``: the status is one the operation documents;
* ``content_type_conformance``: the content type is the documented one;
* ``response_schema_conformance``: the body matches the documented schema.

On top of the schema-driven generation, equation-shaped bodies (a small grammar of ASCII,
Unicode and LaTeX expressions) reach past the parser into every verdict kind, which random
strings almost never do.  Everything is bounded: ``derandomize=True``, at most
:data:`MAX_EXAMPLES` examples per operation, batches cut to :data:`MAX_BATCH` equations.

A broken little app shows that each of the four checks does fail when its contract is broken.

Three contract violations the fuzz found are pinned as regression tests with their exact
requests (see the ``FOUND`` notes): an undecodable body (was an undocumented 400, now 422), a
quotient of literals past 1e308 (was a 500 from an OverflowError, now a verdict) and a lone
surrogate echoed back (was a 500 from a UnicodeEncodeError, now escaped JSON).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import ServerError
from schemathesis.errors import FailureGroup
from schemathesis.openapi.checks import JsonSchemaError, UndefinedContentType, UndefinedStatusCode
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from phi_lab.server import Settings, create_app

#: The checks every response must pass.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Every operation of the worker's schema, all of them fuzzed (``test_every_operation_is_fuzzed``).
OPERATIONS = [
    ("GET", "/health"),
    ("GET", "/info"),
    ("GET", "/metrics"),
    ("POST", "/validate"),
    ("POST", "/validate/batch"),
]
MAX_EXAMPLES = 60
#: Generated batches are cut to this many equations, so no example can take long.
MAX_BATCH = 8
#: Deterministic and bounded; shrinking stays on so that a failure is reported minimal.
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

# FOUND (1): a body that is not UTF-8 (``b"\xc9"`` as application/json) got FastAPI's undocumented
# ``400 {"detail": "There was an error parsing the body"}``; the app now answers 422, as documented.
# FOUND (2): ``{"equation": "x = 1e400/3"}`` raised OverflowError in phi_lab.equations.golden
# (``float(numerator / denominator)``), a 500; it is now an ordinary verdict.
OVERFLOWING_EQUATION = "x = 1e400/3"
# FOUND (3): a lone surrogate, legal as a JSON escape (``{"equation": "\ud800 = 1"}``), echoed back,
# could not be encoded as UTF-8 (a 500); responses now fall back to \u escapes.  The generators
# never make surrogates (schemathesis encodes strings as UTF-8), hence the pinned requests.
#: The verdict kinds (``ValidationBody.kind``).
KINDS = {"identity", "relation", "contradiction", "not_an_equation", "unparseable"}


def _fuzz(strategy: st.SearchStrategy[Case], seen: Counter[int | str]) -> None:
    """Send every generated case and validate its response; count statuses and the verdict kinds."""

    @FUZZ
    @given(case=strategy)
    def run(case: Case) -> None:
        response = case.call()
        seen[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)
        if response.status_code == 200 and case.operation.method.upper() == "POST":
            body = response.json()
            seen.update(result["kind"] for result in body.get("results", [body]))

    run()


def _small_batch(case: Case) -> Case:
    """Cut a generated batch to :data:`MAX_BATCH` equations (the generator has no maxItems to obey)."""
    body = case.body
    if isinstance(body, dict):
        equations = body.get("equations")
        if isinstance(equations, list) and len(equations) > MAX_BATCH:
            case.body = {**body, "equations": equations[:MAX_BATCH]}
    return case


@pytest.fixture(scope="module")
def worker_schema() -> Iterator[schemathesis.BaseSchema]:
    """The worker's schema, loaded from the app; the app's lifespan runs until the module is done."""
    app = create_app(Settings(device="cpu"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)  # starts the lifespan: engine warm-up
    try:
        yield schema
    finally:
        schemathesis_asgi.shutdown_lifespans()  # runs the app's shutdown: engine.stop()


def test_the_fuzzed_app_is_started(worker_schema: schemathesis.BaseSchema) -> None:
    response = worker_schema["/health"]["GET"].Case().call()
    assert (response.status_code, response.text) == (200, "healthy")


def test_every_operation_is_fuzzed(worker_schema: schemathesis.BaseSchema) -> None:
    # ok() raises on an operation the schema could not describe, which fails the test as it should.
    labels = {result.ok().label for result in worker_schema.get_all_operations()}  # type: ignore[union-attr]
    assert labels == {f"{method} {path}" for method, path in OPERATIONS}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_its_schema(worker_schema: schemathesis.BaseSchema, method: str, path: str) -> None:
    operation = worker_schema[path][method]
    modes = [GenerationMode.POSITIVE]
    if method == "POST":  # the GETs take no input, so there is nothing negative to send them
        modes.append(GenerationMode.NEGATIVE)
    strategy = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in modes)).map(_small_batch)
    seen: Counter[int | str] = Counter()
    _fuzz(strategy, seen)
    assert seen[200] > 0, seen
    if method == "POST":
        assert seen[422] > 0, seen  # negative cases did reach the validation errors


@pytest.mark.parametrize("path", ["/validate", "/validate/batch"])
def test_schema_examples_conform(worker_schema: schemathesis.BaseSchema, path: str) -> None:
    """The seed examples the schema advertises are answered 200, conforming."""
    operation = worker_schema[path]["POST"]
    strategies = worker_schema.get_strategies_from_examples(operation)
    assert strategies
    seen: Counter[int | str] = Counter()
    _fuzz(st.one_of(*strategies), seen)
    assert seen[200] > 0 and set(seen) <= {200, "relation", "identity"}, seen


# Equation-shaped text: random strings almost never get past the parser, these reach every verdict kind.
_ATOMS = ["x", "y", "E", "m", "c", "F", "a", "t", "v", "φ", "π", "e", "i", "T", "V", "ħ", "θ", "m₀", "x_1", "\\pi"]
_ATOMS += ["\\phi", "0", "1", "2", "3", "0.5", "1.618", "1e-308", "1e308", "1e400", "∞", "NaN"]
_FUNCTIONS = ["sin", "cos", "log", "ln", "exp", "sqrt", "abs", "√", "\\sqrt", "f"]
_OPERATORS = ["+", "-", "*", "/", "^", "**", "·", "×", " ", "\\cdot "]
_POWERS = ["²", "³", "⁻¹", "^2", "^{-1}", "^0.5", "^(1/2)", "**1000", "^φ", "^x"]
_SEPARATORS = [" = ", " = ", " == ", "="]


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def call(function: str, argument: str) -> str:
        return f"{function}{{{argument}}}" if function.startswith("\\") else f"{function}({argument})"

    return st.one_of(
        st.builds(lambda left, op, right: f"{left}{op}{right}", inner, st.sampled_from(_OPERATORS), inner),
        inner.map(lambda text: f"({text})"),
        st.builds(call, st.sampled_from(_FUNCTIONS), inner),
        st.builds(lambda base, power: base + power, inner, st.sampled_from(_POWERS)),
        inner.map(lambda text: f"-{text}"),
        st.builds(lambda top, bottom: f"\\frac{{{top}}}{{{bottom}}}", inner, inner),
    )


_EXPRESSIONS = st.recursive(st.sampled_from(_ATOMS), _grow, max_leaves=6)
_RELATIONS = st.builds(
    lambda left, sep, right: left + sep + right, _EXPRESSIONS, st.sampled_from(_SEPARATORS), _EXPRESSIONS
)
EQUATIONS = st.one_of(_RELATIONS, _RELATIONS, st.lists(_RELATIONS, min_size=2, max_size=3).map("; ".join), _EXPRESSIONS)
_UNITS = ["m", "kg", "s", "N", "J", "m/s^2", "kg*m^2/s^2", "dimensionless", "1", "rad", "K", "eV", "degC", "%", "m/(s"]
UNITS = st.none() | st.dictionaries(
    st.sampled_from(["x", "E", "m", "c", "F", "a", "t", "φ"]), st.sampled_from(_UNITS), max_size=3
)
OPTIONS = st.fixed_dictionaries({}, optional={"mode": st.sampled_from(["auto", "physics", "math"]), "units": UNITS})


@pytest.mark.parametrize("path", ["/validate", "/validate/batch"])
def test_equation_shaped_bodies_conform(worker_schema: schemathesis.BaseSchema, path: str) -> None:
    operation = worker_schema[path]["POST"]
    if path == "/validate":
        bodies = st.builds(lambda equation, options: {"equation": equation, **options}, EQUATIONS, OPTIONS)
    else:
        equations = st.lists(EQUATIONS, min_size=0, max_size=MAX_BATCH)
        bodies = st.builds(lambda equations, options: {"equations": equations, **options}, equations, OPTIONS)
    seen: Counter[int | str] = Counter()
    _fuzz(bodies.map(lambda body: operation.Case(body=body, media_type="application/json")), seen)
    assert seen[200] > 0, seen
    assert len(set(seen) & KINDS) >= 3, seen  # past the parser: not only unparseable / not_an_equation


# -- contract violations the fuzz found, pinned as regressions --


@pytest.mark.parametrize("path", ["/validate", "/validate/batch"])
def test_undecodable_body_gets_a_documented_status(worker_schema: schemathesis.BaseSchema, path: str) -> None:
    case = worker_schema[path]["POST"].Case(body=b"\xc9", media_type="application/json")
    case.call_and_validate(checks=CHECKS)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/validate", {"equation": OVERFLOWING_EQUATION}),
        ("/validate/batch", {"equations": ["E = mc²", OVERFLOWING_EQUATION]}),
    ],
)
def test_overflowing_literal_is_a_verdict(worker_schema: schemathesis.BaseSchema, path: str, body: Any) -> None:
    case = worker_schema[path]["POST"].Case(body=body, media_type="application/json")
    assert case.call_and_validate(checks=CHECKS).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/validate", b'{"equation": "\\ud800 = 1"}'),
        ("/validate/batch", b'{"equations": ["\\udfff"]}'),
        ("/validate", b'{"equation": "x = 1", "\\ud800": 1}'),  # a 422 that echoes the input
    ],
)
def test_lone_surrogate_gets_a_documented_status(
    worker_schema: schemathesis.BaseSchema, path: str, body: bytes
) -> None:
    case = worker_schema[path]["POST"].Case(body=body, media_type="application/json")
    assert case.call_and_validate(checks=CHECKS).status_code in (200, 422)


def test_oversized_body_is_a_conforming_413(worker_schema: schemathesis.BaseSchema) -> None:
    """The Edge middleware's 413 (by Content-Length) matches the documented ErrorBody."""
    case = worker_schema["/validate/batch"]["POST"].Case(body={"equations": ["x = 1"] * 200_000})
    assert case.call_and_validate(checks=CHECKS).status_code == 413


# -- the fuzz can fail: a tiny app that breaks each checked part of its contract --


class Reply(BaseModel):
    value: int = Field(ge=0)


def _broken_app() -> FastAPI:
    app = FastAPI()

    @app.get("/wrong-body", response_model=Reply)
    async def wrong_body() -> JSONResponse:
        return JSONResponse({"value": -1})  # a JSONResponse skips response_model validation

    @app.get("/wrong-status", response_model=Reply)
    async def wrong_status() -> JSONResponse:
        return JSONResponse({"value": 1}, status_code=418)

    @app.get("/wrong-type", response_model=Reply)
    async def wrong_type() -> PlainTextResponse:
        return PlainTextResponse("1")

    @app.post("/server-error", response_model=Reply, responses={500: {"model": Reply}})
    async def server_error(body: Reply) -> JSONResponse:
        return JSONResponse({"value": body.value}, status_code=500)  # documented, and still a server error

    @app.get("/raises", response_model=Reply)
    async def raises() -> Reply:
        raise RuntimeError("boom")

    @app.get("/fine", response_model=Reply)
    async def fine() -> dict[str, Any]:
        return {"value": 1}

    return app


@pytest.fixture(scope="module")
def broken_schema() -> Iterator[schemathesis.BaseSchema]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", _broken_app())
    try:
        yield schema
    finally:
        schemathesis_asgi.shutdown_lifespans()


@pytest.mark.parametrize(
    ("method", "path", "failure"),
    [
        ("GET", "/wrong-body", JsonSchemaError),
        ("GET", "/wrong-status", UndefinedStatusCode),
        ("GET", "/wrong-type", UndefinedContentType),
        ("POST", "/server-error", ServerError),
    ],
)
def test_the_fuzz_fails_on_a_broken_contract(
    broken_schema: schemathesis.BaseSchema, method: str, path: str, failure: type[Exception]
) -> None:
    strategy = broken_schema[path][method].as_strategy(generation_mode=GenerationMode.POSITIVE)
    with pytest.raises(FailureGroup) as caught:
        _fuzz(strategy, Counter())
    assert any(isinstance(error, failure) for error in caught.value.exceptions), caught.value.exceptions


def test_the_fuzz_fails_when_the_app_raises(broken_schema: schemathesis.BaseSchema) -> None:
    """In-process, an unhandled exception reaches the test itself (over HTTP it would be a 500)."""
    with pytest.raises(RuntimeError, match="boom"):
        _fuzz(broken_schema["/raises"]["GET"].as_strategy(), Counter())


def test_the_fuzz_passes_a_correct_operation(broken_schema: schemathesis.BaseSchema) -> None:
    seen: Counter[int | str] = Counter()
    _fuzz(broken_schema["/fine"]["GET"].as_strategy(), seen)
    assert seen == {200: 1}  # no input: one distinct request, and hypothesis stops there
