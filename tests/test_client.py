"""WorkerClient against in-process fake workers (httpx.MockTransport): no sockets, no real server."""

from __future__ import annotations

import ast
import json
import pickle
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

import phi_lab as pl
from phi_lab.client import LOCAL_WORKER_ID, MAX_RETRY_AFTER, WorkerClient, WorkerResult, retry_after
from phi_lab.errors import WorkerError

BASE = "http://fleet.test"
Handler = Callable[[httpx.Request], httpx.Response]
# Cheap equations whose local verdicts are quick and varied (relation, identity, contradiction, unparseable).
SAMPLES = ["E = mc²", "x² = x + 1", "1 = 2", "sin(x)^2 + cos(x)^2 = 1", "F = m*a", "a = (b"]


def fake_result(equation: str, worker_id: str, mode: str = "auto") -> dict[str, Any]:
    """A to_dict()-shaped result plus worker_id, without running the pipeline."""
    row = pl.ValidationResult(True, 0.9, (1, 0, 0), 1, 0.0, "Valid: fake.", 0.1, equation=equation, kind="relation")
    return row.to_dict() | {"mode": mode, "worker_id": worker_id}


class FakeWorker:
    """A worker implementing the HTTP contract, recording what it was sent."""

    def __init__(self, worker_id: str = "w1", *, seed: int | None = None, max_batch: int = 10_000) -> None:
        self.worker_id = worker_id
        self.seed = seed
        self.max_batch = max_batch
        self.requests: list[tuple[str, Any]] = []
        self.finished: list[str] = []  # first equation of each batch, in the order answered
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body: Any = json.loads(request.content) if request.content else None
        with self._lock:
            self.requests.append((request.url.path, body))
        if request.url.path == "/health":
            return httpx.Response(200, text="healthy")
        if request.url.path == "/info":
            return httpx.Response(200, json=self.info())
        if request.url.path == "/validate":
            return httpx.Response(200, json=fake_result(body["equation"], self.worker_id, body.get("mode", "auto")))
        if request.url.path == "/validate/batch":
            equations = body["equations"]
            if len(equations) > self.max_batch:
                return httpx.Response(422, json={"detail": f"at most {self.max_batch} equations per request"})
            if self.seed is not None:  # deterministic per chunk, so chunks finish out of order
                time.sleep(random.Random(f"{self.seed}:{equations[0]}").uniform(0.0, 0.02))
            rows = [fake_result(text, self.worker_id, body.get("mode", "auto")) for text in equations]
            with self._lock:
                self.finished.append(equations[0])
            return httpx.Response(200, json={"results": rows})
        return httpx.Response(404, json={"detail": "Not Found"})

    def info(self) -> dict[str, Any]:
        return {
            "worker_id": self.worker_id,
            "device": "cpu",
            "status": "ready",
            "version": pl.__version__,
            "uptime_s": 1.5,
            "requests_served": len(self.requests),
            "limits": {"max_batch": self.max_batch, "max_equation_length": 4096},
        }

    def batches(self) -> list[list[str]]:
        return [body["equations"] for path, body in self.requests if path == "/validate/batch"]


class Sequenced:
    """A handler answering from a list of responses (or exceptions to raise), then delegating."""

    def __init__(self, answers: list[httpx.Response | Exception], then: Handler | None = None) -> None:
        self.answers = list(answers)
        self.then = then
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.answers:
            answer = self.answers.pop(0)
        elif self.then is not None:
            return self.then(request)
        else:
            raise AssertionError("no answer left")
        if isinstance(answer, Exception):
            raise answer
        return answer


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def client(handler: Handler, **options: Any) -> WorkerClient:
    options.setdefault("backoff", 0.0)
    return WorkerClient(BASE, transport=httpx.MockTransport(handler), **options)


def columns() -> list[str]:
    return [*pl.validate_many([]).columns, "worker_id"]


def verdicts(row: dict[str, Any]) -> dict[str, Any]:
    """A result without the fields that legitimately differ between runs and machines."""
    return {key: value for key, value in row.items() if key not in ("processing_time_ms", "worker_id", "device")}


# health and info


def test_health_true_when_ready() -> None:
    with client(FakeWorker()) as c:
        assert c.health() is True


@pytest.mark.parametrize("answer", [httpx.Response(503, text="draining"), httpx.Response(500)])
def test_health_false_when_not_ready_and_not_retried(answer: httpx.Response) -> None:
    handler = Sequenced([answer])
    with client(handler, retries=5) as c:
        assert c.health() is False
    assert handler.calls == 1


def test_health_false_when_unreachable() -> None:
    with client(refuse) as c:
        assert c.health() is False


def test_info_returns_the_workers_json() -> None:
    worker = FakeWorker("w7")
    with client(worker) as c:
        info = c.info()
    assert info["worker_id"] == "w7"
    assert info["limits"]["max_batch"] == 10_000


# validate


def test_validate_sends_the_contract_and_returns_the_record() -> None:
    worker = FakeWorker("w2")
    with client(worker) as c:
        result = c.validate("F = m*a", units={"F": "N"}, mode="physics")
    assert isinstance(result, WorkerResult) and isinstance(result, pl.ValidationResult)
    assert result.worker_id == "w2"
    assert (result.equation, result.mode, result.kind, result.betti) == ("F = m*a", "physics", "relation", (1, 0, 0))
    assert result.to_dict() == fake_result("F = m*a", "w2", "physics")  # the worker's JSON answer, whole
    assert result.record() == pl.ValidationResult.from_dict(result.to_dict())
    assert worker.requests == [("/validate", {"equation": "F = m*a", "mode": "physics", "units": {"F": "N"}})]


def test_a_worker_result_is_a_frozen_picklable_record() -> None:
    with client(FakeWorker("w5")) as c:
        result = c.validate("x = 1")
    again = pickle.loads(pickle.dumps(result))
    assert again == result and again.worker_id == "w5" and type(again) is WorkerResult
    assert WorkerResult.answered(result.record(), "w5") == result
    assert result != result.record()  # a verdict that names its worker is not the bare verdict
    with pytest.raises(AttributeError):
        result.worker_id = "w6"  # type: ignore[misc]
    with pytest.raises(ValueError, match="non-empty"):
        WorkerResult.answered(result.record(), "")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({k: v for k, v in fake_result("x = 1", "w1").items() if k != "worker_id"}, "worker_id"),
        ({k: v for k, v in fake_result("x = 1", "w1").items() if k != "valid"}, "'valid'"),
        (fake_result("x = 1", "w1") | {"kind": "nonsense"}, "unknown kind"),
    ],
)
def test_an_answer_that_is_not_a_verdict_is_a_worker_error(body: dict[str, Any], problem: str) -> None:
    answer = Sequenced([httpx.Response(200, json=body)])
    with client(answer, fallback="local") as c, pytest.raises(WorkerError, match="not a verdict") as raised:
        c.validate("x = 1")  # the worker answered: nothing to fall back from
    assert problem in str(raised.value) and raised.value.status == 200


def test_base_url_with_a_path_prefix_is_kept() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=fake_result("x = 1", "w1"))

    with WorkerClient(f"{BASE}/phi/", transport=httpx.MockTransport(handler)) as c:
        c.validate("x = 1")
    assert seen == [f"{BASE}/phi/validate"]


def test_unknown_mode_is_refused_before_sending() -> None:
    worker = FakeWorker()
    with client(worker) as c, pytest.raises(pl.ModeError):
        c.validate("x = 1", mode="chemistry")
    assert worker.requests == []


# retries


def test_retry_after_503_then_success() -> None:
    handler = Sequenced([httpx.Response(503, headers={"Retry-After": "0"}, text="queue full")], then=FakeWorker())
    with client(handler, backoff=5.0) as c:  # Retry-After: 0 overrides the 5 s backoff
        start = time.perf_counter()
        result = c.validate("E = mc²")
    assert result.worker_id == "w1"
    assert handler.calls == 2
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout("timed out"), httpx.ConnectError("refused"), httpx.RemoteProtocolError("eof")]
)
def test_transport_errors_are_retried(failure: Exception) -> None:
    handler = Sequenced([failure, failure], then=FakeWorker())
    with client(handler, retries=2) as c:
        assert c.validate("x = 1").worker_id == "w1"
    assert handler.calls == 3


def test_5xx_exhausted_raises_worker_error_with_attempts() -> None:
    handler = Sequenced([httpx.Response(502, text="bad gateway")] * 3)
    with client(handler, retries=2) as c, pytest.raises(WorkerError) as raised:
        c.validate("x = 1")
    error = raised.value
    assert handler.calls == 3
    assert "3 attempts" in str(error)
    assert f"{BASE}/validate" in str(error)
    assert "HTTP 502" in str(error)
    assert (error.attempts, error.status, error.url) == (3, 502, f"{BASE}/validate")


def test_504_detail_is_reported() -> None:
    answer = httpx.Response(504, json={"detail": "validation exceeded its time budget of 5 s"})
    with client(Sequenced([answer] * 2), retries=1) as c, pytest.raises(WorkerError, match="time budget"):
        c.validate("x = 1")


def test_connection_errors_exhausted_name_the_exception() -> None:
    with client(refuse, retries=1) as c, pytest.raises(WorkerError) as raised:
        c.validate("x = 1")
    assert "2 attempts" in str(raised.value)
    assert "ConnectError" in str(raised.value)
    assert raised.value.status is None
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert isinstance(raised.value, ConnectionError)


def test_500_is_not_retried() -> None:
    handler = Sequenced([httpx.Response(500, text="boom")])
    with client(handler, retries=3) as c, pytest.raises(WorkerError, match="not retried"):
        c.validate("x = 1")
    assert handler.calls == 1


@pytest.mark.parametrize("status", [400, 404, 413, 422])
def test_4xx_is_never_retried(status: int) -> None:
    handler = Sequenced([httpx.Response(status, json={"detail": "no"})])
    with client(handler, retries=3) as c, pytest.raises((pl.InputError, WorkerError)):
        c.validate("x = 1")
    assert handler.calls == 1


def test_404_is_a_worker_error_with_a_hint() -> None:
    with client(Sequenced([httpx.Response(404)])) as c, pytest.raises(WorkerError, match="base_url") as raised:
        c.info()
    assert raised.value.status == 404


def test_retry_after_header() -> None:
    assert retry_after(None) is None
    assert retry_after("0") == 0.0
    assert retry_after(" 2.5 ") == 2.5
    assert retry_after("-3") == 0.0
    assert retry_after("3600") == MAX_RETRY_AFTER
    assert retry_after("soon") is None
    assert retry_after("nan") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    assert 3.0 < (retry_after(later) or 0.0) <= 5.0
    assert retry_after(format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)) == 0.0


def test_worker_error_pickles() -> None:
    error = WorkerError("POST x failed after 3 attempts", "http://x/validate", 3, 503)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.url, copy.attempts, copy.status) == (str(error), error.url, 3, 503)


# rejected requests: InputError with the worker's explanation


def test_422_raises_input_error_with_detail() -> None:
    answer = httpx.Response(422, json={"detail": "unknown unit 'furlongs' for F"})
    with client(Sequenced([answer])) as c, pytest.raises(pl.InputError, match="unknown unit 'furlongs' for F"):
        c.validate("F = m*a", units={"F": "furlongs"})


def test_422_about_length_says_so() -> None:
    detail = [
        {
            "type": "string_too_long",
            "loc": ["body", "equation"],
            "msg": "String should have at most 4096 characters",
            "ctx": {"max_length": 4096},
        }
    ]
    with client(Sequenced([httpx.Response(422, json={"detail": detail})])) as c, pytest.raises(pl.InputError) as raised:
        c.validate("x" * 5000 + " = 1")
    message = str(raised.value)
    assert "length limit" in message
    assert "5004 characters" in message
    assert "4096" in message


def test_422_in_a_batch_names_the_equation_by_input_index() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        equations = json.loads(request.content)["equations"]
        if "bad" in equations:
            index = equations.index("bad")
            detail = [{"type": "value_error", "loc": ["body", "equations", index], "msg": "not usable"}]
            return httpx.Response(422, json={"detail": detail})
        return FakeWorker()(request)

    texts = [f"x = {n}" for n in range(10)]
    texts[7] = "bad"
    with client(handler, chunk_size=3, fallback="local") as c, pytest.raises(pl.InputError) as raised:
        c.validate_many(texts)
    assert "equation 7 of the input: not usable" in str(raised.value)


def test_413_on_a_single_equation_is_an_input_error() -> None:
    answer = httpx.Response(413, text="Request Entity Too Large")
    with client(Sequenced([answer])) as c, pytest.raises(pl.InputError, match="too large"):
        c.validate("x = 1")


def test_413_on_a_batch_splits_the_chunk() -> None:
    worker = FakeWorker()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/validate/batch" and len(json.loads(request.content)["equations"]) > 3:
            return httpx.Response(413, json={"detail": "body too large"})
        return worker(request)

    texts = [f"y = {n}" for n in range(20)]
    with client(handler, chunk_size=10) as c:
        frame = c.validate_many(texts)
    assert list(frame["equation"]) == texts
    assert all(len(batch) <= 3 for batch in worker.batches())


def test_4xx_is_raised_even_with_fallback() -> None:
    answer = httpx.Response(422, json={"detail": "mode must be auto, physics or math"})
    with client(Sequenced([answer]), fallback="local") as c, pytest.raises(pl.InputError, match="mode must be"):
        c.validate("x = 1")


# validate_many


def test_validate_many_keeps_input_order_across_concurrent_chunks() -> None:
    worker = FakeWorker(seed=1234)
    texts = [f"x_{n} = {n}" for n in range(500)]
    with client(worker, chunk_size=7, concurrency=8) as c:
        frame = c.validate_many(texts)
    assert list(frame["equation"]) == texts
    assert list(frame.columns) == columns()
    assert set(frame["worker_id"]) == {"w1"}
    batches = worker.batches()
    assert len(batches) == -(-len(texts) // 7)
    assert sorted(text for batch in batches for text in batch) == sorted(texts)  # each sent exactly once
    assert all(len(batch) <= 7 for batch in batches)
    assert worker.finished != [batch[0] for batch in batches]  # chunks really did finish out of order


def test_validate_many_sends_mode_and_units() -> None:
    worker = FakeWorker()
    with client(worker) as c:
        c.validate_many(["F = m*a"], units={"F": "N"}, mode="physics")
    assert worker.requests == [("/validate/batch", {"equations": ["F = m*a"], "mode": "physics", "units": {"F": "N"}})]


def test_validate_many_of_nothing_sends_nothing() -> None:
    worker = FakeWorker()
    with client(worker) as c:
        frame = c.validate_many([])
    assert frame.empty
    assert list(frame.columns) == columns()
    assert worker.requests == []


def test_validate_many_exhausted_without_fallback_raises() -> None:
    with client(Sequenced([httpx.Response(503)] * 3), retries=2) as c, pytest.raises(WorkerError, match="3 attempts"):
        c.validate_many(["x = 1"])


def test_wrong_number_of_results_is_a_worker_error() -> None:
    answer = httpx.Response(200, json={"results": [fake_result("x = 1", "w1")]})
    with client(Sequenced([answer]), fallback="local") as c, pytest.raises(WorkerError, match="1 results for 2"):
        c.validate_many(["x = 1", "y = 2"])


# the local fallback


def test_connection_error_with_fallback_validates_locally() -> None:
    with client(refuse, fallback="local", chunk_size=2) as c:
        with pytest.warns(UserWarning, match="locally"):
            result = c.validate("E = mc²")
        with pytest.warns(UserWarning, match=f"validated {len(SAMPLES)} of {len(SAMPLES)} equations locally"):
            frame = c.validate_many(SAMPLES)
    assert isinstance(result, WorkerResult) and result.worker_id == LOCAL_WORKER_ID
    assert verdicts(result.to_dict()) == verdicts(pl.validate("E = mc²").to_dict())
    assert list(frame.columns) == columns()
    assert set(frame["worker_id"]) == {LOCAL_WORKER_ID}
    local = pl.validate_many(SAMPLES)
    for column in ("equation", "valid", "kind", "confidence", "chi", "phi_coherence", "catalog", "explanation"):
        assert list(frame[column]) == list(local[column]), column


def test_refused_connection_stops_trying_the_fleet() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return refuse(request)

    texts = [f"x = {n}" for n in range(5)]
    options: dict[str, Any] = {"fallback": "local", "chunk_size": 1, "concurrency": 1, "retries": 2}
    with client(handler, **options) as c, pytest.warns(UserWarning, match="5 of 5"):
        frame = c.validate_many(texts)
    assert list(frame["equation"]) == texts
    assert set(frame["worker_id"]) == {LOCAL_WORKER_ID}
    assert len(calls) == 3  # the first chunk's attempts; the others go local without trying


def test_one_failed_chunk_falls_back_alone() -> None:
    worker = FakeWorker("w3", seed=7)

    def handler(request: httpx.Request) -> httpx.Response:
        if "1 = 2" in json.loads(request.content)["equations"]:
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"detail": "draining"})
        return worker(request)

    texts = [f"x_{n} = {n}" for n in range(12)]
    texts[5] = "1 = 2"  # in the second chunk of four
    options: dict[str, Any] = {"fallback": "local", "chunk_size": 4, "concurrency": 3, "retries": 1}
    with client(handler, **options) as c, pytest.warns(UserWarning, match="4 of 12"):
        frame = c.validate_many(texts)
    assert list(frame["equation"]) == texts
    assert list(frame["worker_id"]) == ["w3"] * 4 + [LOCAL_WORKER_ID] * 4 + ["w3"] * 4
    assert not frame.loc[5, "valid"]
    assert frame.loc[5, "kind"] == "contradiction"
    assert sorted(map(tuple, worker.batches())) == sorted([tuple(texts[:4]), tuple(texts[8:])])  # not redone


# progress and lifetime


def test_progress_bar_counts_equations(capsys: pytest.CaptureFixture[str]) -> None:
    texts = [f"x = {n}" for n in range(9)]
    with client(FakeWorker(), chunk_size=4) as c:
        c.validate_many(texts, progress=True)
        shown = capsys.readouterr().err
        c.validate_many(texts)
        hidden = capsys.readouterr().err
    assert "validating" in shown
    assert "9/9" in shown
    assert hidden == ""


def test_context_manager_closes_the_transport() -> None:
    closed: list[bool] = []

    class Recording(httpx.MockTransport):
        def close(self) -> None:
            closed.append(True)

    with WorkerClient(BASE, transport=Recording(FakeWorker())) as c:
        assert not c.closed
        c.health()
    assert c.closed
    assert closed == [True]
    with pytest.raises(RuntimeError):
        c.validate("x = 1")


@pytest.mark.parametrize(
    "options",
    [{"chunk_size": 0}, {"concurrency": 0}, {"retries": -1}, {"timeout": 0}, {"backoff": -1}, {"fallback": "remote"}],
)
def test_unusable_options_are_input_errors(options: dict[str, Any]) -> None:
    with pytest.raises(pl.InputError):
        WorkerClient(BASE, transport=httpx.MockTransport(FakeWorker()), **options)


def test_client_module_does_not_import_the_torch_pipeline_at_import_time() -> None:
    # The remote path needs httpx and the errors only; the local pipeline is imported on fallback.
    source = Path(pl.__file__).with_name("client.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {name for name in imported if name.split(".")[0] == "torch" or name.startswith("phi_lab.compute")}
    assert "phi_lab.validation" not in imported


def test_importing_the_client_loads_neither_sympy_nor_torch() -> None:
    """A thin client stays thin: it talks HTTP and returns verdicts, no science loaded."""
    import subprocess
    import sys

    code = "import sys, phi_lab.client; print(sorted({'sympy', 'torch', 'pint'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert loaded.stdout.strip() == "[]", loaded.stdout
