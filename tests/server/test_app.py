"""The worker app in-process: every endpoint, limit and error of the HTTP contract."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

import phi_lab as pl
from phi_lab.equations import parser
from phi_lab.equations.verdict import CHECK_NAMES, KINDS, RESULT_COLUMNS, ValidationResult
from phi_lab.hints import HINT_CODES, word_hint
from phi_lab.options import MAX_EQUATION_CHARS
from phi_lab.server import Settings, create_app
from phi_lab.server.app import engine_of
from phi_lab.server.docs import DOCS_ASSETS, DOCS_POLICY
from phi_lab.server.models import BatchRequest, ValidateRequest, ValidationBody

SEED_FIELDS = ["valid", "confidence", "betti", "chi", "phi_coherence", "explanation", "processing_time_ms"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(device="cpu"))) as test_client:
        yield test_client


def test_health_and_info(client: TestClient) -> None:
    response = client.get("/health")
    assert (response.status_code, response.text) == (200, "healthy")
    info = client.get("/info").json()
    assert list(info)[:3] == ["worker_id", "device", "status"]
    assert info["status"] == "ready" and info["device"] == "cpu"
    assert info["limits"]["max_equation_length"] == MAX_EQUATION_CHARS and info["version"] == pl.__version__


def test_validate_matches_local_validation(client: TestClient) -> None:
    body = client.post("/validate", json={"equation": "E = mc²"}).json()
    assert list(body)[:7] == SEED_FIELDS
    local = pl.validate("E = mc²").to_dict()
    for key in ("valid", "confidence", "betti", "chi", "phi_coherence", "explanation", "kind", "checks", "catalog"):
        assert body[key] == local[key]
    assert body["worker_id"] == client.get("/info").json()["worker_id"]


def test_the_reading_is_in_the_body_and_on_the_page(client: TestClient) -> None:
    body = client.post("/validate", json={"equation": "v = sqrt(2gh)"}).json()
    assert body["reading"] == {"g": "gravitational acceleration", "h": "a height (length)"}
    assert body["reading"] == pl.validate("v = sqrt(2gh)").to_dict()["reading"]
    assert client.post("/validate", json={"equation": "E = mc²"}).json()["reading"] == {}
    assert 'row(facts, "reading"' in client.get("/").text


def test_invalid_equations_are_verdicts_not_errors(client: TestClient) -> None:
    for text in ("E = (", "1 = 2", "F = m + a"):
        response = client.post("/validate", json={"equation": text})
        assert response.status_code == 200 and response.json()["valid"] is False


def test_units_and_mode(client: TestClient) -> None:
    body = {"equation": "F = m*a", "mode": "physics", "units": {"F": "N", "m": "kg", "a": "m/s^2"}}
    assert client.post("/validate", json=body).json()["valid"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "equation"),
        ({"equation": 3}, "equation"),
        ({"equation": "x = 1", "mode": "chemistry"}, "mode"),
        ({"equation": "x = 1", "units": ["m"]}, "units"),
        ({"equation": "x = 1", "surprise": True}, "surprise"),
    ],
)
def test_malformed_bodies_name_the_field(client: TestClient, body: dict[str, object], field: str) -> None:
    response = client.post("/validate", json=body)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/validate", content=b'{"equation": ', headers={"content-type": "application/json"})
    assert response.status_code == 422 and "detail" in response.json()


def test_bad_units_are_422_with_the_symbol_and_a_code(client: TestClient) -> None:
    response = client.post("/validate", json={"equation": "E = mc²", "units": {"m": "blorbs"}})
    assert response.status_code == 422 and "'m'" in response.json()["detail"]
    assert response.json()["code"] == "units"
    response = client.post("/validate", json={"equation": "E = mc²", "units": {"m x": "kg"}})
    assert (response.status_code, response.json()["code"]) == (422, "units")


def test_errors_carry_a_code_the_page_words(client: TestClient) -> None:
    """The page decides on ``code`` (or a field error's ``type``), never on the detail's wording."""
    page = client.get("/").text
    for code in ("units", "overloaded", "budget", "device"):
        assert f'case "{code}"' in page
    assert '"string_too_long"' in page
    undecodable = b'{"equation": "\xff"}'  # not UTF-8: FastAPI's 400, made a 422 with a code
    malformed = client.post("/validate", content=undecodable, headers={"content-type": "application/json"})
    assert (malformed.status_code, malformed.json()["code"]) == (422, "malformed")


#: An equation of exactly ``MAX_EQUATION_CHARS`` characters that parses (a sum of ones).
AT_THE_LIMIT = "x = " + "1+" * ((MAX_EQUATION_CHARS - 6) // 2) + "11"


def test_one_equation_length_limit_everywhere(client: TestClient) -> None:
    """``MAX_EQUATION_CHARS`` is the limit of the HTTP models (single and batch), the published
    schema, ``/info``, the page, and the parser behind ``validate``, the CLI and the widgets."""
    limit = MAX_EQUATION_CHARS
    assert ValidateRequest.model_json_schema()["properties"]["equation"]["maxLength"] == limit
    assert BatchRequest.model_json_schema()["properties"]["equations"]["items"]["maxLength"] == limit
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["ValidateRequest"]["properties"]["equation"]["maxLength"] == limit
    assert schemas["BatchRequest"]["properties"]["equations"]["items"]["maxLength"] == limit
    assert client.get("/info").json()["limits"]["max_equation_length"] == limit
    page = client.get("/")
    assert f'data-max-equation-chars="{limit}"' in page.text and f"Up to {limit:,} characters" in page.text
    assert limit == parser.MAX_LENGTH
    assert len(AT_THE_LIMIT) == limit and pl.validate(AT_THE_LIMIT).kind != "unparseable"
    assert f"the limit is {limit:,}" in pl.validate(AT_THE_LIMIT + "1").explanation


def test_length_limit_is_enforced_by_the_models(client: TestClient) -> None:
    """One character over: a field error naming the limit, for /validate and for each batch item;
    the same limit from a worker with other settings (it is not one)."""
    over = "x" * (MAX_EQUATION_CHARS + 1)
    (error,) = client.post("/validate", json={"equation": over}).json()["detail"]
    assert (error["type"], error["loc"]) == ("string_too_long", ["body", "equation"])
    assert error["ctx"] == {"max_length": MAX_EQUATION_CHARS}
    response = client.post("/validate/batch", json={"equations": ["x = 1", over]})
    (error,) = response.json()["detail"]
    assert response.status_code == 422
    assert (error["type"], error["loc"]) == ("string_too_long", ["body", "equations", 1])
    assert client.post("/validate", json={"equation": AT_THE_LIMIT}).status_code == 200
    with pytest.raises(pl.InputError, match="PHI_LAB_MAX_EQUATION_LENGTH is no longer read"):
        Settings.from_environment({"PHI_LAB_MAX_EQUATION_LENGTH": "4096"})


def test_body_limit_by_length_and_while_streaming(client: TestClient) -> None:
    big = json.dumps({"equations": ["x = 1"] * 200_000}).encode()
    assert len(big) > 1_048_576
    assert client.post("/validate/batch", content=big, headers={"content-type": "application/json"}).status_code == 413

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    response = client.post("/validate/batch", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "1,048,576" in response.json()["detail"]
    assert response.json()["code"] == "too_large"


def test_batch_in_order(client: TestClient) -> None:
    texts = ["E = mc²", "1 = 2", "E = (", "x² = x + 1"]
    results = client.post("/validate/batch", json={"equations": texts}).json()["results"]
    assert [result["equation"] for result in results] == texts
    assert [result["kind"] for result in results] == ["relation", "contradiction", "unparseable", "relation"]


def test_batch_limits() -> None:
    with TestClient(create_app(Settings(device="cpu", max_batch=3))) as small:
        response = small.post("/validate/batch", json={"equations": ["x = 1"] * 4})
        assert response.status_code == 422 and "at most 3" in response.json()["detail"]
        assert response.json()["code"] == "input"


def test_request_id_is_honoured_or_made(client: TestClient) -> None:
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    assert len(client.get("/health").headers["x-request-id"]) == 32


def test_metrics(client: TestClient) -> None:
    client.post("/validate", json={"equation": "F = ma"})
    text = client.get("/metrics").text
    for name in (
        "phi_lab_requests_total",
        "phi_lab_request_seconds_bucket",
        "phi_lab_batch_size_bucket",
        "phi_lab_in_flight_requests",
        "phi_lab_queue_depth",
        "phi_lab_equations_validated_total",
    ):
        assert name in text
    assert 'route="/validate",status="200"' in text


def test_cors_is_permissive_by_default(client: TestClient) -> None:
    headers = {"Origin": "http://localhost:8888", "Access-Control-Request-Method": "POST"}
    response = client.options("/validate", headers=headers)
    assert response.headers["access-control-allow-origin"] in ("*", "http://localhost:8888")


def test_openapi_has_the_seed_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/health", "/info", "/validate", "/validate/batch", "/metrics"} <= set(spec["paths"])
    assert "E = mc²" in json.dumps(spec, ensure_ascii=False)
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("page", "assets"),
    [("/docs", ["swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"]), ("/redoc", ["redoc.standalone.js"])],
)
def test_docs_are_served_from_the_package(client: TestClient, page: str, assets: list[str]) -> None:
    """/docs and /redoc load nothing from a CDN: every URL in the HTML is this worker's, it serves them,
    and the pages' policy lets them load from nowhere else."""
    html = client.get(page).text
    assert "cdn" not in html.lower() and "http:" not in html and "https:" not in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith(DOCS_ASSETS + "/") for url in urls), urls
    for asset in assets:
        assert f"{DOCS_ASSETS}/{asset}" in urls
        response = client.get(f"{DOCS_ASSETS}/{asset}")
        assert response.status_code == 200 and len(response.content) > 1000, asset
    assert "'/openapi.json'" in html or '"/openapi.json"' in html
    assert client.get(page).headers["content-security-policy"] == DOCS_POLICY  # and only from here


def test_health_is_503_while_starting_and_draining() -> None:
    app = create_app(Settings(device="cpu"))
    plain = TestClient(app)  # no context manager: lifespan not run, so still starting
    assert plain.get("/health").status_code == 503
    with TestClient(app) as running:
        assert running.get("/health").status_code == 200
        engine_of(app).drain()
        assert running.get("/health").status_code == 503
        refused = running.post("/validate", json={"equation": "x = 1"})
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1"


def test_queue_limit_gives_503_with_retry_after() -> None:
    app = create_app(Settings(device="cpu", queue_limit=1))
    with TestClient(app):  # the only admitted slot is taken below, so the next request is refused
        engine = engine_of(app)
        with engine.admit():
            response = TestClient(app).post("/validate", json={"equation": "x = 1"})
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert "queue is full" in response.json()["detail"]


def test_time_budget_gives_504_and_the_worker_keeps_serving() -> None:
    app = create_app(Settings(device="cpu", time_budget_s=0.001))
    with TestClient(app) as tight:
        slow = "; ".join(f"x_{k} = {k}" for k in range(300))
        response = tight.post("/validate", json={"equation": slow})
        assert response.status_code == 504
        assert "exceeded its time budget" in response.json()["detail"]
        assert tight.get("/health").status_code == 200


def test_dynamic_batching_scores_concurrent_requests_together() -> None:
    app = create_app(Settings(device="cpu", batching=True, batch_wait_ms=50, batch_max=8))
    texts = ["E = mc²", "F = ma", "1 = 2", "PV = nRT", "x² = x + 1", "E = (", "φ² = φ + 1", "a² + b² = c²"]
    with TestClient(app) as running:
        transport = httpx.ASGITransport(app=app)

        async def burst() -> list[httpx.Response]:
            async with httpx.AsyncClient(transport=transport, base_url="http://worker") as session:
                return await asyncio.gather(*(session.post("/validate", json={"equation": t}) for t in texts))

        assert running.portal is not None
        responses = running.portal.call(burst)  # on the app's own event loop, where the batcher runs
        metrics = running.get("/metrics").text
    assert [response.json()["equation"] for response in responses] == texts
    assert [response.json()["valid"] for response in responses] == [pl.validate(t).valid for t in texts]
    dynamic = [line for line in metrics.splitlines() if line.startswith('phi_lab_batch_size_count{source="dynamic"}')]
    count = float(dynamic[0].split()[-1])
    assert 1 <= count < len(texts)  # fewer compute jobs than requests


def test_page_for_people_outside_jupyter(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<input id="equation"' in page and '<button id="validate"' in page
    assert '<input id="units"' in page and '<label for="units">Units</label>' in page
    assert "@@" not in page  # every placeholder filled in
    embedded = re.search(r'<script id="hints" type="application/json">(.*?)</script>', page)
    assert embedded is not None
    hints = json.loads(embedded[1])
    assert hints == {code: {"python": word_hint(code, "python"), "web": word_hint(code, "web")} for code in HINT_CODES}
    assert 'fetch("validate"' in page  # relative, so it works behind a balancer's path prefix too
    assert re.findall(r"https?://", page) == []  # nothing loaded from elsewhere
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_the_response_model_is_the_verdict_record(client: TestClient) -> None:
    """One parity test between the record and the HTTP contract: same fields, same order, same
    vocabularies, in the model and in the published OpenAPI schema."""
    assert tuple(ValidationBody.model_fields) == (*RESULT_COLUMNS, "worker_id")
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    assert tuple(spec["ValidationBody"]["properties"]) == (*RESULT_COLUMNS, "worker_id")
    assert tuple(spec["ValidationBody"]["properties"]["kind"]["enum"]) == KINDS
    assert tuple(spec["CheckBody"]["properties"]["name"]["enum"]) == CHECK_NAMES
    answer = client.post("/validate", json={"equation": "x**2 = 2"}).json()
    assert tuple(answer) == (*RESULT_COLUMNS, "worker_id")
    assert ValidationResult.from_dict(answer).witness == answer["witness"]


def test_routes_depend_on_the_engine_without_a_thread_hop() -> None:
    """Every route gets the engine through ``Depends(get_engine)``, and every dependency is a
    coroutine: FastAPI runs a plain ``def`` dependency in a thread pool, a hop per request."""
    from fastapi.routing import APIRoute

    from phi_lab.server.routes import get_engine, router

    app = create_app(Settings(device="cpu"))
    api_routes = {route.path: route for route in router.routes if isinstance(route, APIRoute)}
    for path in ("/health", "/info", "/validate", "/validate/batch", "/metrics"):
        dependencies = api_routes[path].dependant.dependencies
        assert [dependency.call for dependency in dependencies] == [get_engine], path
    for route in api_routes.values():
        for dependency in route.dependant.dependencies:
            assert inspect.iscoroutinefunction(dependency.call), (route.path, dependency.call)
    assert engine_of(app) is app.state.engine


def test_made_request_ids_are_unique_and_every_answer_varies_on_origin(client: TestClient) -> None:
    answers = [client.get("/health") for _ in range(3)]
    ids = {answer.headers["x-request-id"] for answer in answers}
    assert len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", made) for made in ids)
    assert all(answer.headers["vary"] == "Origin" for answer in answers)  # as Starlette's CORS middleware says
    refused = client.post("/validate", content=b"x" * 1_048_577, headers={"content-type": "application/json"})
    assert refused.status_code == 413 and len(refused.headers["x-request-id"]) == 32


def test_a_lone_surrogate_is_echoed_as_an_escape(client: TestClient) -> None:
    response = client.post(
        "/validate", content=b'{"equation": "\\ud800 = 1"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and b"\\ud800" in response.content  # pydantic refuses it, echoed
    (error,) = response.json()["detail"]
    assert (error["type"], error["input"]) == ("string_unicode", "\ud800 = 1")
