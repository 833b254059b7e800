"""Several workers without Docker: ``phi-lab serve --workers N`` and the fleet helpers.

- ``phi-lab serve --workers 2`` (phi_lab.server.supervisor) on a free port of 127.0.0.1:
  both workers answer, each with its own ``worker_id``; SIGTERM while a batch is in flight
  drains (``/health`` says ``draining``, the batch is answered) and every process exits,
  the supervisor with 0; a worker killed while serving is replaced, and SIGINT then stops
  them all with 130; a worker that dies before it is ready stops the supervisor with 1; a
  device that is not there fails before any worker starts.
- phi_lab.server.fleet: two single workers behind nginx running docker/nginx.conf answer
  through the balancer, and ``stop()`` leaves no process behind.
- ``python -m phi_lab.server.nginx`` prints the loopback configuration the package renders
  (the fleet tests use the same renderer through tests/server/nginx_loopback.py).

Every request loop is bounded in requests and in time; every process started is stopped
in a ``finally`` (``LocalServer.stop``, ``Fleet.stop``).
"""

from __future__ import annotations

import io
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]  # as in phi_lab/compute/pool.py
import pytest

from phi_lab.cli import EXIT_USAGE, main
from phi_lab.errors import InputError, WorkerError
from phi_lab.server import Settings
from phi_lab.server.fleet import LocalServer, free_ports, start_fleet, start_server
from phi_lab.server.nginx import main as render_main
from phi_lab.server.nginx import render_loopback as package_render
from phi_lab.server.supervisor import supervise

REPO = Path(__file__).resolve().parents[2]
NGINX_CONF = REPO / "docker" / "nginx.conf"

#: The environment of every server started here (over the test's own).
ENV = {"PHI_LAB_DEVICE": "cpu", "PHI_LAB_LOG_LEVEL": "info", "PHI_LAB_GRACE_S": "20"}
#: Most requests sent while waiting for something that answers on a shared port.
MAX_REQUESTS = 400
#: Longest wait for such a loop, a process to exit, or a worker to be replaced.
DEADLINE_S = 90.0
REQUEST_TIMEOUT_S = 30.0


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[..., LocalServer]]:
    """Start ``phi-lab serve`` servers (``start_server``); every one is stopped at teardown."""
    started: list[LocalServer] = []

    def start(workers: int, **env: str) -> LocalServer:
        server = start_server(workers, env={**ENV, **env}, log=tmp_path / f"serve-{len(started)}.log")
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def children(server: LocalServer) -> list[psutil.Process]:
    return psutil.Process(server.proc.pid).children()


def until(condition: Callable[[], bool], what: str, server: LocalServer, limit: int = MAX_REQUESTS) -> None:
    """Call ``condition`` until it is true: at most ``limit`` times and :data:`DEADLINE_S` seconds."""
    deadline = time.monotonic() + DEADLINE_S
    for _ in range(limit):
        if condition():
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}\n{server.log_tail()}")


def fresh(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request on a new connection (the kernel picks a worker per connection)."""
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
        return client.request(method, url, **kwargs)


def probe(method: str, url: str, **kwargs: Any) -> httpx.Response | None:
    """As :func:`fresh`; ``None`` when the connection is refused or dropped (never for a timeout)."""
    try:
        return fresh(method, url, **kwargs)
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
        return None


def in_flight(url: str) -> float:
    """The ``phi_lab_in_flight_requests`` gauge of whichever worker takes the connection."""
    for line in fresh("GET", f"{url}/metrics").text.splitlines():
        if line.startswith("phi_lab_in_flight_requests "):
            return float(line.split()[1])
    raise AssertionError("no phi_lab_in_flight_requests in /metrics")


def assert_all_gone(processes: list[psutil.Process], server: LocalServer) -> None:
    _, alive = psutil.wait_procs(processes, timeout=DEADLINE_S)
    assert not alive, f"still running: {alive}\n{server.log_tail()}"


def batch_equations(count: int) -> list[str]:
    return [f"y_{k} = {k}*x^2 + sin(x)" for k in range(count)]


# --- phi-lab serve --workers 2 ------------------------------------------------------------------


@pytest.mark.slow
def test_two_workers_answer_with_their_own_ids_then_drain_on_sigterm(servers: Callable[..., LocalServer]) -> None:
    server = servers(2, PHI_LAB_TIME_BUDGET_S="60")  # a loaded machine must not turn the batches into 504s
    workers = children(server)
    assert len(workers) == 2
    assert len(set(server.worker_ids)) == 2, server.worker_ids

    # /validate from both workers: fresh connections until both ids are seen (bounded).
    seen: set[str] = set()

    def both_seen() -> bool:
        response = fresh("POST", f"{server.url}/validate", json={"equation": "E = mc²"})
        assert response.status_code == 200, response.text
        assert response.json()["valid"] is True
        seen.add(response.json()["worker_id"])
        return len(seen) == 2

    until(both_seen, "answers from both workers", server)
    assert seen == set(server.worker_ids)
    health = fresh("GET", f"{server.url}/health")
    assert (health.status_code, health.text) == (200, "healthy")

    # A batch that is still running when SIGTERM comes (sized from one measured batch).
    start = time.monotonic()
    assert fresh("POST", f"{server.url}/validate/batch", json={"equations": batch_equations(2000)}).is_success
    took = time.monotonic() - start
    equations = batch_equations(min(10_000, max(2000, math.ceil(2000 * 3.0 / took))))
    answer: dict[str, Any] = {}

    def send_batch() -> None:
        try:
            response = httpx.post(f"{server.url}/validate/batch", json={"equations": equations}, timeout=120)
            answer.update(status=response.status_code, json=response.json(), at=time.monotonic())
        except (httpx.HTTPError, ValueError) as error:
            answer.update(error=repr(error))

    batch = threading.Thread(target=send_batch, name="batch")
    batch.start()
    try:
        until(lambda: in_flight(server.url) >= 1 or not batch.is_alive(), "the batch in flight", server)
        assert batch.is_alive(), f"the batch of {len(equations)} ended before SIGTERM could be sent: {answer}"
        server.terminate()
        signalled_at = time.monotonic()
        # The supervisor passes SIGTERM on to its workers: a probe may still reach one that has
        # not had it yet (on a busy machine), so ask until one says draining (bounded).
        probed = probe("GET", f"{server.url}/health")
        while probed is not None and probed.status_code == 200 and time.monotonic() < signalled_at + 10:
            time.sleep(0.05)
            probed = probe("GET", f"{server.url}/health")
        if probed is None and batch.is_alive():  # refused: only once the batch was answered (its
            # client may still be reading or parsing a large answer when the workers have exited)
            answered = server.log_tail(1_000_000).count("POST /validate/batch 200")
            assert answered >= 2, f"connection refused while still draining\n{server.log_tail()}"
        if probed is not None:
            assert (probed.status_code, probed.text) == (503, "draining")
    finally:
        batch.join(120)

    assert answer.get("status") == 200, f"{answer}\n{server.log_tail()}"
    assert answer["at"] > signalled_at, "the batch should have been in flight when SIGTERM came"
    assert len(answer["json"]["results"]) == len(equations)
    assert {r["worker_id"] for r in answer["json"]["results"]} <= set(server.worker_ids)
    assert server.proc.wait(DEADLINE_S) == 0, server.log_tail()
    assert_all_gone(workers, server)
    assert server.log_tail(1_000_000).count("SIGTERM: draining") == 2, "both workers should have drained"


@pytest.mark.slow
def test_a_worker_killed_is_replaced_and_sigint_stops_all(servers: Callable[..., LocalServer]) -> None:
    server = servers(2, PHI_LAB_GRACE_S="2")
    victim, survivor = children(server)
    victim.kill()
    victim.wait(DEADLINE_S)

    new_ids: set[str] = set()

    def replacement_answers() -> bool:
        response = probe("GET", f"{server.url}/info")
        if response is not None and response.status_code == 200:
            new_ids.add(response.json()["worker_id"])
        return bool(new_ids - set(server.worker_ids))

    until(replacement_answers, "a new worker id", server)
    assert server.proc.poll() is None, "the supervisor keeps serving"
    workers = children(server)
    assert len(workers) == 2 and survivor in workers and victim not in workers

    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(DEADLINE_S) == 128 + signal.SIGINT, server.log_tail()
    assert_all_gone(workers, server)
    assert "Traceback" not in server.log_tail(100_000)


@pytest.mark.slow
def test_a_worker_that_dies_before_it_is_ready_stops_the_supervisor(tmp_path: Path) -> None:
    [port] = free_ports(1)
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        proc = subprocess.Popen(
            [sys.executable, "-m", "phi_lab.cli", "serve", "--port", str(port), "--workers", "2"],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **ENV},
        )
    supervisor = psutil.Process(proc.pid)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while len(supervisor.children()) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        workers = supervisor.children()
        assert len(workers) == 2, log.read_text()
        workers[0].kill()  # a worker imports torch for seconds: it is not ready yet
        assert proc.wait(DEADLINE_S) == 1, log.read_text()
        _, alive = psutil.wait_procs(workers, timeout=DEADLINE_S)
        assert not alive
        assert "before it was ready: stopping" in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_missing_device_fails_before_any_worker_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("phi_lab.server.supervisor._spawn", _no_spawn)
    stderr = io.StringIO()
    monkeypatch.setenv("PHI_LAB_DEVICE", "cuda:99")
    monkeypatch.setenv("PORT", str(free_ports(1)[0]))
    assert main(["serve", "--workers", "2"], stderr=stderr) == EXIT_USAGE
    assert stderr.getvalue().startswith("phi-lab: error: ")
    assert stderr.getvalue().count("\n") == 1


def _no_spawn(*args: object) -> None:
    raise AssertionError("no worker may start")


@pytest.mark.parametrize("workers", [0, -1])
def test_supervise_refuses_fewer_than_one_worker(workers: int) -> None:
    with pytest.raises(InputError, match="at least 1"):
        supervise(Settings(), workers)


# --- the fleet helpers --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.requires_nginx
def test_fleet_of_two_behind_nginx_answers_from_both_and_stops(tmp_path: Path) -> None:
    fleet = start_fleet(2, NGINX_CONF, tmp_path, env={**ENV, "PHI_LAB_GRACE_S": "2"})
    try:
        processes = [psutil.Process(server.proc.pid) for server in fleet.servers]
        processes.append(psutil.Process(fleet.nginx.pid))
        processes.extend(processes[-1].children())  # nginx's worker processes
        ids = {server.worker_ids[0] for server in fleet.servers}
        assert len(ids) == 2
        assert fresh("GET", f"{fleet.url}/health").text.strip() == "healthy"
        seen: set[str] = set()
        with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:  # least_conn: nginx spreads them
            for _ in range(20):
                response = client.post(f"{fleet.url}/validate", json={"equation": "F = m*a"})
                assert response.status_code == 200, response.text
                seen.add(response.json()["worker_id"])
        assert seen == ids
    finally:
        fleet.stop()
    assert [server.proc.returncode for server in fleet.servers] == [0, 0]
    assert fleet.nginx.returncode == 0
    _, alive = psutil.wait_procs(processes, timeout=DEADLINE_S)
    assert not alive


def test_render_command_prints_the_loopback_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(NGINX_CONF), "--ports", "8001", "8002", "--listen", "8080", "--prefix", str(tmp_path)]
    assert render_main(argv) == 0
    out = capsys.readouterr().out
    assert out == package_render(NGINX_CONF.read_text(), [8001, 8002], 8080, tmp_path)
    assert "server 127.0.0.1:8001 max_fails=0;" in out and "listen 127.0.0.1:8080;" in out


def test_render_command_reports_a_config_it_cannot_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "other.conf"
    conf.write_text("events {}\nhttp {\n}\n")
    assert render_main([str(conf), "--ports", "8001", "--listen", "8080", "--prefix", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m phi_lab.server.nginx: error: ") and err.count("\n") == 1


def test_start_fleet_without_nginx_says_so_and_starts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("phi_lab.server.fleet.find_nginx", lambda: None)
    monkeypatch.setattr("phi_lab.server.fleet._launch", _no_spawn)
    with pytest.raises(WorkerError, match="nginx is not installed"):
        start_fleet(1, NGINX_CONF, tmp_path)


@pytest.mark.parametrize("count", [0, -2])
def test_helpers_refuse_fewer_than_one_worker(tmp_path: Path, count: int) -> None:
    with pytest.raises(InputError, match="at least 1"):
        start_server(count)
    with pytest.raises(InputError, match="at least 1"):
        start_fleet(count, NGINX_CONF, tmp_path)
