"""Real worker processes: a fleet behind nginx, SIGTERM draining, and the time budget.

These are the behaviours the in-process tests (test_app.py) cannot show, because they need
processes, sockets and signals:

- three ``phi-lab serve`` workers on loopback behind Debian's nginx running
  ``docker/nginx.conf`` (rendered by tests/server/nginx_loopback.py): a bounded load is
  answered in full, by every worker, with the verdicts ``phi_lab.validate`` gives locally,
  and keeps being answered in full when one worker is killed with SIGKILL mid-load (nginx
  retries on the next worker);
- one worker sent SIGTERM while a long batch is in flight: it reports ``draining``,
  refuses new work with 503 + Retry-After (or its socket is already closed), finishes the
  batch and exits 0;
- one worker with a 0.05 s time budget: a pathological request gets 504 while ordinary
  requests sent alongside it are answered.

Every load is bounded in requests and in time; every process started is stopped in a
``finally`` (tests/server/processes.py, nginx_loopback.stop_nginx).
"""

from __future__ import annotations

import json
import math
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import phi_lab
from tests.polling import wait_until
from tests.server.nginx_loopback import ACCESS_LOG, find_nginx, render_loopback, start_nginx, stop_nginx
from tests.server.processes import Worker, free_port, log_tail, start_workers, stop_workers

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
NGINX_CONF = REPO / "docker" / "nginx.conf"
NGINX = find_nginx()


#: The verdict fields a worker must give exactly as phi_lab.validate does locally.
VERDICT_FIELDS = ("valid", "kind", "confidence", "betti", "chi", "phi_coherence", "explanation", "checks", "catalog")

#: A fixed mix: catalog matches, identities, contradictions, unparseable text, a non-equation,
#: a dimension mismatch, a system, LaTeX, Unicode, units and modes.
BODIES: tuple[dict[str, Any], ...] = (
    {"equation": "E = mc²"},
    {"equation": "F = m*a"},
    {"equation": "a^2 + b^2 = c^2"},
    {"equation": "e^(i*pi) + 1 = 0"},
    {"equation": "sin(x)^2 + cos(x)^2 = 1"},
    {"equation": "1 = 2"},
    {"equation": "F = m + a"},
    {"equation": "E = ("},
    {"equation": "x + = 3"},
    {"equation": "2 + 2 = 5"},
    {"equation": "(a + b)^2 = a^2 + 2*a*b + b^2"},
    {"equation": "x = 10^400"},
    {"equation": r"\frac{a}{b} = c"},
    {"equation": "φ^2 = φ + 1"},
    {"equation": "a = 1; b = 2"},
    {"equation": "x + y"},
    {"equation": "E = h*f"},
    {"equation": "log(0) = x"},
    {"equation": "F = m*a", "mode": "physics", "units": {"F": "N", "m": "kg", "a": "m/s^2"}},
    {"equation": "F = m*v", "mode": "physics", "units": {"F": "N", "m": "kg", "v": "m/s"}},
    {"equation": "sqrt(x^2) = x", "mode": "math"},
)

LOAD_REQUESTS = 300
LOAD_CONCURRENCY = 12
#: Bounds the wait for a whole load run (it normally takes a few seconds).
LOAD_DEADLINE_S = 120.0
REQUEST_TIMEOUT_S = 30.0


# --- load ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One request of a load run."""

    body: dict[str, Any]
    request_id: str
    started: float
    ended: float
    status: int | None = None
    json: Any = None
    error: str | None = None

    @property
    def worker_id(self) -> str | None:
        return self.json.get("worker_id") if isinstance(self.json, dict) else None


def run_load(
    url: str,
    bodies: Sequence[dict[str, Any]],
    *,
    total: int = LOAD_REQUESTS,
    concurrency: int = LOAD_CONCURRENCY,
    on_done: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """POST ``total`` bodies (cycling through ``bodies``) to ``url``, ``concurrency`` at a time,
    each with its own ``X-Request-ID``.

    Bounded: ``total`` requests, each with a timeout, and requests not yet started when
    :data:`LOAD_DEADLINE_S` has passed are not sent (recorded as errors). ``on_done`` is
    called with the number of requests finished so far, from the load's threads.
    """
    deadline = time.monotonic() + LOAD_DEADLINE_S
    run = uuid.uuid4().hex[:12]  # request ids "RUN-INDEX", found again in nginx's access log
    finished = 0
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    with httpx.Client(timeout=REQUEST_TIMEOUT_S, limits=limits) as client:

        def one(index: int) -> Outcome:
            nonlocal finished
            body = bodies[index % len(bodies)]
            request_id = f"{run}-{index}"
            started = time.monotonic()
            if started > deadline:
                return Outcome(body, request_id, started, started, error="not sent: the load's deadline passed")
            try:
                response = client.post(url, json=body, headers={"X-Request-ID": request_id})
                outcome = Outcome(
                    body, request_id, started, time.monotonic(), response.status_code, _json_or_text(response)
                )
            except httpx.HTTPError as error:
                outcome = Outcome(body, request_id, started, time.monotonic(), error=repr(error))
            with lock:
                finished += 1
                done = finished
            if on_done is not None:
                on_done(done)
            return outcome

        with ThreadPoolExecutor(concurrency, thread_name_prefix="load") as pool:
            return list(pool.map(one, range(total), timeout=LOAD_DEADLINE_S + REQUEST_TIMEOUT_S))


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def expected_verdicts() -> dict[str, dict[str, Any]]:
    """What phi_lab.validate says locally (on the CPU, as the workers run) for each body."""
    return {key(body): _verdict(body) for body in BODIES}


def _verdict(body: dict[str, Any]) -> dict[str, Any]:
    result = phi_lab.validate(body["equation"], body.get("units"), body.get("mode", "auto"), device="cpu")
    return {name: value for name, value in result.to_dict().items() if name in VERDICT_FIELDS}


def key(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def assert_all_answered_as_locally(outcomes: Sequence[Outcome], expected: dict[str, dict[str, Any]]) -> None:
    failed = [o for o in outcomes if o.status != 200]
    assert not failed, f"{len(failed)} of {len(outcomes)} requests failed, e.g. {failed[:3]}"
    for outcome in outcomes:
        got = {name: outcome.json.get(name) for name in VERDICT_FIELDS}
        assert got == expected[key(outcome.body)], outcome.body


# --- the fleet ----------------------------------------------------------------------------------


@dataclass
class Fleet:
    """Three workers behind nginx."""

    workers: list[Worker]
    port: int
    prefix: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        nginx_log = self.prefix / "error.log"
        text = nginx_log.read_text(errors="replace")[-3000:] if nginx_log.exists() else ""
        return "\n".join([*(log_tail(w) for w in self.workers), f"--- nginx error.log:\n{text}"])


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """Three workers on loopback behind nginx (docker/nginx.conf rendered for their ports).

    test_fleet_survives_a_worker_killed_mid_load kills one of them: tests that need all
    three come before it in this module.
    """
    if NGINX is None:
        pytest.skip("needs nginx (Debian package nginx)")
    prefix = tmp_path_factory.mktemp("fleet")
    workers = start_workers(3, prefix)
    try:
        port = free_port()
        config = prefix / "nginx.conf"
        config.write_text(render_loopback(NGINX_CONF.read_text(), [w.port for w in workers], port, prefix))
        nginx = start_nginx(config, prefix)
        try:
            yield Fleet(workers, port, prefix)
        finally:
            stop_nginx(nginx)
    finally:
        stop_workers(workers)


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, Any]]:
    return expected_verdicts()


@pytest.mark.requires_nginx
def test_balancer_answers_healthy(fleet: Fleet) -> None:
    response = httpx.get(f"{fleet.url}/health", timeout=10)
    assert response.status_code == 200
    assert response.text.strip() == "healthy"


@pytest.mark.requires_nginx
def test_fleet_answers_a_load_with_local_verdicts_from_every_worker(
    fleet: Fleet, expected: dict[str, dict[str, Any]]
) -> None:
    assert all(w.proc.poll() is None for w in fleet.workers), "every worker should be running\n" + fleet.logs()
    outcomes = run_load(f"{fleet.url}/validate", BODIES)
    assert len(outcomes) == LOAD_REQUESTS
    assert_all_answered_as_locally(outcomes, expected)
    served = {o.worker_id for o in outcomes}
    assert served == {w.worker_id for w in fleet.workers}, "least_conn should give every worker traffic"
    assert any(o.json["valid"] is False for o in outcomes), "the mix includes invalid equations"


@pytest.mark.requires_nginx
def test_fleet_survives_a_worker_killed_mid_load(fleet: Fleet, expected: dict[str, dict[str, Any]]) -> None:
    """SIGKILL one worker after a third of the load: no request fails at the balancer.

    With one exception that no balancer can retry: a response the victim had already begun
    to send when it died (nginx passes the status line and headers on to the client as soon
    as it has them, and "passing a request to the next server is only possible if nothing
    has been sent to a client yet", nginx's proxy_next_upstream documentation). uvicorn
    writes the headers and the body of a response in two writes, and while the first
    releases the GIL a compute thread can hold it for up to one switch interval (5 ms), so
    a kill lands in that gap now and then (2 runs in about 30 here). Such a request is
    accepted only when the client saw the body cut short, it was in flight across the kill,
    and nginx's access log shows the victim answering it.
    """
    victim, *survivors = fleet.workers
    assert all(w.proc.poll() is None for w in fleet.workers), "every worker should be running\n" + fleet.logs()
    third = threading.Event()
    kill_sent: list[float] = []
    killed_at: list[float] = []

    def on_done(done: int) -> None:
        if done >= LOAD_REQUESTS // 3:
            third.set()

    def kill_after_a_third() -> None:
        if third.wait(LOAD_DEADLINE_S) and len(finished) == 0:
            kill_sent.append(time.monotonic())
            victim.proc.send_signal(signal.SIGKILL)
            victim.proc.wait(30)  # reaped: nothing listens on its port from here on
            killed_at.append(time.monotonic())

    finished: list[bool] = []
    killer = threading.Thread(target=kill_after_a_third, name="killer")
    killer.start()
    try:
        outcomes = run_load(f"{fleet.url}/validate", BODIES, on_done=on_done)
    finally:
        finished.append(True)
        third.set()  # the killer never waits past the load
        killer.join(60)

    assert killed_at, "the worker was not killed during the load"
    assert victim.proc.returncode == -signal.SIGKILL
    assert len(outcomes) == LOAD_REQUESTS

    dead = f"127.0.0.1:{victim.port}"
    entries = [json.loads(line) for line in (fleet.prefix / ACCESS_LOG).read_text().splitlines()]
    by_id = {entry["request_id"]: entry for entry in entries}
    cut_short = [o for o in outcomes if o.status is None]
    for outcome in cut_short:
        assert outcome.error is not None and "without sending complete message body" in outcome.error, outcome
        assert outcome.started < killed_at[0] and outcome.ended > kill_sent[0], f"not in flight at the kill: {outcome}"
        assert by_id[outcome.request_id]["upstream_addr"].split(", ")[-1] == dead, by_id[outcome.request_id]
    assert len(cut_short) < LOAD_CONCURRENCY
    answered = [o for o in outcomes if o.status is not None]
    assert_all_answered_as_locally(answered, expected)  # every other request: 200, as locally

    before = [o for o in answered if o.started < killed_at[0]]
    after = [o for o in outcomes if o.started > killed_at[0]]
    assert victim.worker_id in {o.worker_id for o in before}, "the victim served traffic before the kill"
    assert after, "requests should remain after the kill"
    assert all(o.status == 200 for o in after), "no request sent after the kill may fail"
    assert {o.worker_id for o in after} == {w.worker_id for w in survivors}

    # nginx kept trying the dead worker (max_fails=0) and moved each such request on.
    retried = [e for e in entries if e["upstream_addr"].startswith(dead + ", ")]
    assert retried, "some requests should have been retried after the dead worker"
    assert all(e["upstream_addr"].split(", ")[-1] != dead for e in retried)


# --- one worker: SIGTERM drain ------------------------------------------------------------------


@pytest.fixture
def worker_factory(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Worker]]:
    """Start one worker with extra environment; every worker started is stopped at teardown."""
    started: list[Worker] = []

    def start(env: dict[str, str]) -> Worker:
        [worker] = start_workers(1, tmp_path, env)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        stop_workers(started)


def in_flight(client: httpx.Client, worker: Worker) -> float:
    """The worker's ``phi_lab_in_flight_requests`` gauge."""
    for line in client.get(f"{worker.url}/metrics").text.splitlines():
        if line.startswith("phi_lab_in_flight_requests "):
            return float(line.split()[1])
    raise AssertionError("no phi_lab_in_flight_requests in /metrics")


def probe(method: str, url: str, **kwargs: Any) -> httpx.Response | None:
    """One request on a fresh connection; ``None`` when the connection is refused or dropped
    (never for a timeout, which fails the test: a draining worker must not hang)."""
    try:
        with httpx.Client(timeout=10) as fresh:
            return fresh.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
        return None


#: A batch the drain test keeps in flight; it should take about this long (seconds).
DRAIN_BATCH_TARGET_S = 1.0
GRACE_S = 20.0


def batch_equations(count: int) -> list[str]:
    return [f"y_{k} = {k}*x^2 + sin(x)" for k in range(count)]


def test_sigterm_drains_in_flight_work_then_exits_zero(worker_factory: Callable[[dict[str, str]], Worker]) -> None:
    worker = worker_factory({"PHI_LAB_GRACE_S": f"{GRACE_S:g}"})
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
        # Size the batch so that it is still in flight when SIGTERM arrives.
        count = 2000
        start = time.monotonic()
        assert client.post(f"{worker.url}/validate/batch", json={"equations": batch_equations(count)}).is_success
        took = time.monotonic() - start
        if took < DRAIN_BATCH_TARGET_S:
            count = min(10_000, math.ceil(count * 1.5 * DRAIN_BATCH_TARGET_S / took))
        equations = batch_equations(count)

        answer: dict[str, Any] = {}

        def send_batch() -> None:
            try:
                response = httpx.post(f"{worker.url}/validate/batch", json={"equations": equations}, timeout=60)
                answer.update(status=response.status_code, json=_json_or_text(response), at=time.monotonic())
            except httpx.HTTPError as error:
                answer.update(error=repr(error))

        batch = threading.Thread(target=send_batch, name="batch")
        batch.start()
        try:
            wait_until("the batch in flight", lambda: in_flight(client, worker) >= 1 or not batch.is_alive(), 30, 0.005)
            assert batch.is_alive(), f"the batch of {count} ended before SIGTERM could be sent: {answer}"
            worker.proc.send_signal(signal.SIGTERM)
            signalled_at = time.monotonic()

            # While it drains (the batch still running), /health is 503 "draining" and new work
            # is refused with 503 + Retry-After; a refused connection is acceptable only once
            # the batch is over and the worker may have exited.
            health = probe("GET", f"{worker.url}/health")
            assert health is not None or not batch.is_alive(), "connection refused while still draining"
            if health is not None:
                assert (health.status_code, health.text) == (503, "draining")
            refused = probe("POST", f"{worker.url}/validate", json={"equation": "E = mc²"})
            assert refused is not None or not batch.is_alive(), "connection refused while still draining"
            if refused is not None:
                assert refused.status_code == 503, refused.text
                assert int(refused.headers["Retry-After"]) >= 1
                assert "draining" in refused.json()["detail"]
        finally:
            batch.join(60)

    assert not batch.is_alive(), "the batch request did not finish"
    assert answer.get("status") == 200, f"{answer}\n{log_tail(worker)}"
    assert answer["at"] > signalled_at, "the batch should have been in flight when SIGTERM came"
    results = answer["json"]["results"]
    assert [r["equation"] for r in results] == equations
    assert {r["worker_id"] for r in results} == {worker.worker_id}
    assert worker.proc.wait(GRACE_S + 10) == 0, log_tail(worker)


# --- one worker: time budget --------------------------------------------------------------------

BUDGET_S = 0.05
NORMAL_REQUESTS = 40


def pathological_equation(limit: int = 4096) -> str:
    """As many distinct relations ``sin(x_k) = x_k/(k + 2)`` as fit in ``limit`` characters: none
    is polynomial or solved for its variable, so each goes through samples and a root search at
    85 digits (hundreds of ms in all on this machine; identical relations would be decided once)."""
    parts: list[str] = []
    while len(";".join([*parts, f"sin(x_{len(parts)}) = x_{len(parts)}/{len(parts) + 2}"])) <= limit:
        parts.append(f"sin(x_{len(parts)}) = x_{len(parts)}/{len(parts) + 2}")
    return ";".join(parts)


def test_time_budget_gives_504_to_the_slow_request_only(worker_factory: Callable[[dict[str, str]], Worker]) -> None:
    slow = pathological_equation()
    assert len(slow) <= 4096
    start = time.perf_counter()
    phi_lab.validate(slow, device="cpu")
    assert time.perf_counter() - start > 2 * BUDGET_S, "the pathological equation must take longer than the budget"

    worker = worker_factory({"PHI_LAB_TIME_BUDGET_S": f"{BUDGET_S:g}", "PHI_LAB_COMPUTE_THREADS": "2"})
    url = f"{worker.url}/validate"
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client, ThreadPoolExecutor(3, thread_name_prefix="budget") as pool:
        pathological = pool.submit(client.post, url, json={"equation": slow})
        wait_until(
            "the slow request in flight", lambda: in_flight(client, worker) >= 1 or pathological.done(), 30, 0.005
        )

        def normal_stream(count: int) -> list[httpx.Response]:
            return [client.post(url, json={"equation": "E = mc²"}) for _ in range(count)]

        streams = [pool.submit(normal_stream, NORMAL_REQUESTS // 2) for _ in range(2)]
        slow_response = pathological.result(timeout=60)
        normal = [response for stream in streams for response in stream.result(timeout=60)]

    assert slow_response.status_code == 504, slow_response.text
    assert "exceeded its time budget" in slow_response.json()["detail"]
    assert [r.status_code for r in normal] == [200] * NORMAL_REQUESTS, [r.text for r in normal if r.status_code != 200]
    assert all(r.json()["valid"] is True for r in normal)
    health = httpx.get(f"{worker.url}/health", timeout=10)
    assert (health.status_code, health.text) == (200, "healthy")
