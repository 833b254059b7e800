"""The Compose fleet on a real Docker engine: docker/compose.yaml as shipped, images built offline.

One fleet (project ``phitest``) is brought up with ``--scale worker=3`` and the balancer on a
loopback port, then, in order: three replicas answer through nginx; a worker killed under a
bounded load costs no request; a stopped worker drains; scaling to five adds replicas; a
frozen worker turns ``unhealthy``. ``down -v`` runs at the end, whatever happened.
tests/docker/compose.test.yaml only shortens the healthchecks' intervals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from phi_lab import validate
from phi_lab.client import WorkerClient
from phi_lab.server.fleet import free_ports
from tests.docker.conftest import FIGURES, REPO, FleetImages, docker
from tests.polling import wait_until

pytestmark = [pytest.mark.requires_docker, pytest.mark.slow, pytest.mark.timeout(900)]

PROJECT = "phitest"
FILES = ["-f", "docker/compose.yaml", "-f", "tests/docker/compose.test.yaml"]
EQUATIONS = ["E = m*c^2", "F = m*a", "x^2 = x + 1", "F = m + a", "sin(x)^2 + cos(x)^2 = 1", "0 = 1"]


@dataclass(frozen=True)
class Fleet:
    url: str
    env: dict[str, str]

    def compose(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["docker-compose", *FILES, *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"docker-compose {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
        return result

    def workers(self) -> list[str]:
        """The running worker containers' names, in Compose's numbering."""
        filters = ["--filter", f"label=com.docker.compose.project={PROJECT}"]
        filters += ["--filter", "label=com.docker.compose.service=worker"]
        listed = docker("ps", *filters, "--format", "{{.Names}}").stdout
        return sorted(listed.split(), key=lambda name: int(name.rsplit("_", 1)[1]))

    def health(self, container: str) -> str:
        return docker("inspect", "--format", "{{.State.Health.Status}}", container).stdout.strip()

    def all_healthy(self, count: int) -> bool:
        names = self.workers()
        return len(names) == count and all(self.health(name) == "healthy" for name in names)

    def worker_ids(self, requests: int) -> Counter[str]:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            return Counter(http.get("/info").json()["worker_id"] for _ in range(requests))

    def balancer_log(self) -> list[str]:
        lb = f"{PROJECT}_lb_1"
        return docker("logs", lb).stdout.splitlines()


@pytest.fixture(scope="module")
def fleet(fleet_images: FleetImages) -> Iterator[Fleet]:
    [port] = free_ports(1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_", "PHI_LAB_"))}
    env |= fleet_images.environment() | {"COMPOSE_PROJECT_NAME": PROJECT, "PHI_LAB_LB_PUBLISH": f"127.0.0.1:{port}"}
    fleet = Fleet(url=f"http://127.0.0.1:{port}", env=env)
    fleet.compose("down", "-v", "--remove-orphans")  # what an interrupted run left
    try:
        start = time.monotonic()
        # `up` returns once the balancer's dependency (healthy workers) holds and it started.
        fleet.compose("up", "-d", "--no-build", "--scale", "worker=3")
        wait_until("the balancer answers", lambda: _answers(fleet.url), timeout=60)
        FIGURES["compose: 3 workers healthy and answering through nginx"] = f"{time.monotonic() - start:.1f} s after up"
        yield fleet
    finally:
        fleet.compose("down", "-v", "--remove-orphans", "--timeout", "10")


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/info", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_three_replicas_answer_through_nginx(fleet: Fleet) -> None:
    assert fleet.all_healthy(3)
    seen = fleet.worker_ids(12)
    assert len(seen) == 3, seen
    # least_conn with one request at a time goes round the replicas.
    assert set(seen.values()) == {4}, seen
    with httpx.Client(base_url=fleet.url, timeout=10) as http:
        assert http.get("/health").text.strip() == "healthy"  # the balancer's own
        too_big = http.post("/validate", content=b"x" * (1024 * 1024 + 1), headers={"Content-Type": "application/json"})
        assert too_big.status_code == 413  # nginx's body limit, before any worker


def _load(fleet: Fleet, total: int, concurrency: int, during: threading.Event | None = None) -> tuple[list, float]:
    """``total`` validations through the balancer by ``WorkerClient`` (its retries on), ``concurrency``
    at a time; ``during`` is set when a third of them are answered. Returns the answers and seconds."""
    answers: list = [None] * total
    done = Counter[str]()
    lock = threading.Lock()
    with WorkerClient(fleet.url, timeout=30, retries=3, fallback=None) as client:

        def one(i: int) -> None:
            answers[i] = client.validate(EQUATIONS[i % len(EQUATIONS)])
            with lock:
                done["n"] += 1
                if during is not None and done["n"] == total // 3:
                    during.set()

        start = time.monotonic()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(total)))
        return answers, time.monotonic() - start


def test_a_worker_killed_under_load_costs_no_request(fleet: Fleet) -> None:
    victim = fleet.workers()[1]
    third = threading.Event()

    def kill() -> None:
        if third.wait(timeout=120):
            docker("kill", victim)

    killer = threading.Thread(target=kill)
    killer.start()
    log_before = len(fleet.balancer_log())
    answers, seconds = _load(fleet, total=600, concurrency=8, during=third)
    killer.join()
    assert docker("inspect", "--format", "{{.State.Status}}", victim).stdout.strip() == "exited"

    # 0 failures seen by the client, and every verdict is the one computed here.
    expected = {text: validate(text).to_dict() for text in EQUATIONS}
    for i, answer in enumerate(answers):
        record = answer.record().to_dict()
        assert record == expected[EQUATIONS[i % len(EQUATIONS)]] | {"processing_time_ms": record["processing_time_ms"]}
    assert len({answer.worker_id for answer in answers}) == 3
    # At most one request failed at nginx (its answer to the client, not a retried upstream).
    log = fleet.balancer_log()[log_before:]
    failed_at_nginx = [line for line in log if line.startswith("{") and '"status":5' in line]
    assert len(failed_at_nginx) <= 1, failed_at_nginx
    FIGURES["compose: 600 validations, one of 3 workers killed"] = (
        f"{len(answers) / seconds:.0f} req/s (8 at a time, WorkerClient), {len(failed_at_nginx)} 5xx at nginx"
    )

    fleet.compose("up", "-d", "--no-build", "--no-recreate", "--scale", "worker=3")
    wait_until("the killed worker is back and healthy", lambda: fleet.all_healthy(3), timeout=120)


def test_a_stopped_worker_drains_its_requests(fleet: Fleet) -> None:
    """``docker stop`` (what ``docker-compose stop`` does to each replica) sends SIGTERM: the worker
    finishes the batch it holds, answers it, and exits 0 within the grace period."""
    names = fleet.workers()
    ids = {docker("inspect", "--format", "{{.Config.Hostname}}", name).stdout.strip(): name for name in names}
    batch = {"equations": [f"x^2 = x + {n}" for n in range(1, 1001)]}
    results: dict[int, httpx.Response] = {}

    def post(i: int) -> None:
        with httpx.Client(base_url=fleet.url, timeout=60) as http:
            results[i] = http.post("/validate/batch", json=batch)

    # Least connections gives each of the three replicas one of three batches (a few seconds each).
    threads = [threading.Thread(target=post, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    victim = names[0]
    start = time.monotonic()
    docker("stop", "--time", "30", victim, timeout=60)
    stopped_after = time.monotonic() - start
    for thread in threads:
        thread.join(timeout=60)

    assert [results[i].status_code for i in range(3)] == [200, 200, 200]
    answered_by = {ids.get(r.json()["results"][0]["worker_id"].rsplit("-", 1)[0]) for r in results.values()}
    assert victim in answered_by, f"the stopped worker's batch was not answered by it: {answered_by}"
    assert docker("inspect", "--format", "{{.State.ExitCode}}", victim).stdout.strip() == "0"
    assert stopped_after < 30
    FIGURES["compose: a worker stopped while holding a 1,000-equation batch"] = (
        f"answered it and exited 0 in {stopped_after:.1f} s"
    )


def test_scaling_to_five_adds_replicas(fleet: Fleet) -> None:
    """The documented step: `up -d --no-recreate --scale worker=5`; the balancer sees new replicas by itself."""
    start = time.monotonic()
    fleet.compose("up", "-d", "--no-build", "--no-recreate", "--scale", "worker=5")
    wait_until("five healthy workers", lambda: fleet.all_healthy(5), timeout=180)
    seen: set[str] = set()

    def five_seen() -> bool:
        seen.update(fleet.worker_ids(10))
        return len(seen) == 5

    wait_until("five worker ids through nginx", five_seen, timeout=30)
    FIGURES["compose: scaled 3 -> 5, all answering through nginx"] = f"{time.monotonic() - start:.1f} s"


def test_a_frozen_worker_turns_unhealthy_then_recovers(fleet: Fleet) -> None:
    victim = fleet.workers()[-1]
    pid = int(docker("inspect", "--format", "{{.State.Pid}}", victim).stdout)
    os.kill(pid, signal.SIGSTOP)
    try:
        unhealthy = wait_until("unhealthy", lambda: fleet.health(victim) == "unhealthy", timeout=60)
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until("healthy again", lambda: fleet.health(victim) == "healthy", timeout=60)
    FIGURES["compose: a frozen worker marked unhealthy (2 s interval, 2 retries)"] = f"after {unhealthy:.1f} s"


def test_requests_per_second_through_nginx_for_one_and_three_workers(fleet: Fleet) -> None:
    """A figure, not a check: bounded loads (300 validations, 8 at a time) through the balancer."""
    fleet.compose("up", "-d", "--no-build", "--scale", "worker=3")
    wait_until("three healthy workers", lambda: fleet.all_healthy(3), timeout=120)
    wait_until("three replicas at nginx", lambda: len(fleet.worker_ids(9)) == 3, timeout=30)
    answers, three = _load(fleet, total=300, concurrency=8)
    assert len({answer.worker_id for answer in answers}) == 3
    fleet.compose("up", "-d", "--no-build", "--scale", "worker=1")
    wait_until("one replica at nginx", lambda: len(fleet.worker_ids(6)) == 1, timeout=60)
    answers, one = _load(fleet, total=300, concurrency=8)
    assert len({answer.worker_id for answer in answers}) == 1
    FIGURES["compose: validations/s through nginx, 1 vs 3 workers (2 cores, client on the same machine)"] = (
        f"{300 / one:.0f} vs {300 / three:.0f}"
    )
