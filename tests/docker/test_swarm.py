"""The Swarm stack on a real engine: docker/stack.yaml, deployed on a one-node swarm on loopback.

The shipped stack places GPU workers on nodes labelled ``gpu`` and publishes the balancer
through the routing mesh. This machine has neither a GPU nor a mesh that answers from the host
(the engine runs without iptables), so :func:`cpu_stack` derives a CPU variant: no placement or
GPU reservation, the CPU image, the balancer published in host mode, healthchecks every 2 s and
a 1 s pause between updated tasks, and no healthcheck on the balancer (see there). Everything
else (dnsrr, the nginx config and entrypoint as Swarm configs, stop-first updates, restart
policy) is the file's own. Then: scale to three, kill a task under load, roll the workers to a
new image under load, and remove it all.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped]  # no stubs installed

from phi_lab import validate
from phi_lab.client import WorkerClient
from phi_lab.server.fleet import free_ports
from tests.docker.conftest import FIGURES, REPO, FleetImages, docker
from tests.polling import wait_until

pytestmark = [pytest.mark.requires_docker, pytest.mark.slow, pytest.mark.timeout(900)]

STACK = "phiswarm"
EQUATIONS = ["E = m*c^2", "F = m*a", "x^2 = x + 1", "F = m + a", "sin(x)^2 + cos(x)^2 = 1", "0 = 1"]
FAST_HEALTH = {"interval": "2s", "timeout": "3s", "retries": 2, "start_period": "60s"}


def cpu_stack(images: FleetImages, port: int) -> dict[str, Any]:
    """docker/stack.yaml for a one-node CPU swarm whose balancer answers on ``port`` (host mode)."""
    stack = yaml.safe_load((REPO / "docker" / "stack.yaml").read_text())
    stack = copy.deepcopy(stack)
    worker = stack["services"]["worker"]
    worker["image"] = images.worker
    worker["environment"] |= {"PHI_LAB_DEVICE": "cpu", "PHI_LAB_TIME_BUDGET_S": "30"}
    worker["healthcheck"] |= FAST_HEALTH
    del worker["deploy"]["placement"], worker["deploy"]["resources"]
    worker["deploy"]["update_config"] |= {"delay": "1s", "monitor": "2s"}
    lb = stack["services"]["lb"]
    lb["image"] = images.nginx
    # No healthcheck on the balancer here: on this engine (20.10, no iptables) a second "healthy"
    # event makes Swarm re-activate the task's service binding, which fails ("network sandbox
    # does not exist", moby#31698) and kills the balancer in the middle of a rolling update.
    # The compose tests run the balancer's healthcheck.
    lb["healthcheck"] = {"disable": True}
    lb["ports"] = [{"target": 80, "published": port, "protocol": "tcp", "mode": "host"}]
    for config in stack["configs"].values():
        config["file"] = str((REPO / "docker" / config["file"]).resolve())
    return stack


@dataclass(frozen=True)
class Swarm:
    url: str

    def tasks(self) -> list[str]:
        """The running worker tasks' container ids."""
        listed = docker("ps", "--filter", f"label=com.docker.swarm.service.name={STACK}_worker", "--format", "{{.ID}}")
        return listed.stdout.split()

    def healthy(self, count: int) -> bool:
        ids = self.tasks()
        states = [docker("inspect", "--format", "{{.State.Health.Status}}", i, check=False).stdout.strip() for i in ids]
        return len(ids) == count and states == ["healthy"] * count

    def worker_ids(self, requests: int) -> Counter[str]:
        try:
            with httpx.Client(base_url=self.url, timeout=10) as http:
                return Counter(http.get("/info").json()["worker_id"] for _ in range(requests))
        except (httpx.HTTPError, ValueError, KeyError):
            return Counter()


@pytest.fixture(scope="module")
def swarm(fleet_images: FleetImages, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Swarm]:
    state = docker("info", "--format", "{{.Swarm.LocalNodeState}}").stdout.strip()
    joined_here = state == "inactive"
    if joined_here:
        docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377")
    [port] = free_ports(1)
    path = tmp_path_factory.mktemp("swarm") / "stack.yaml"
    path.write_text(yaml.safe_dump(cpu_stack(fleet_images, port), sort_keys=False))
    try:
        start = time.monotonic()
        docker("stack", "deploy", "--compose-file", str(path), STACK)
        swarm = Swarm(url=f"http://127.0.0.1:{port}")
        docker("service", "scale", "--detach", f"{STACK}_worker=3", timeout=300)
        wait_until("three healthy worker tasks", lambda: swarm.healthy(3), timeout=240)
        wait_until("three replicas through nginx", lambda: len(swarm.worker_ids(9)) == 3, timeout=60)
        FIGURES["swarm: stack deployed, 3 tasks answering through nginx"] = f"{time.monotonic() - start:.1f} s"
        yield swarm
    finally:
        docker("stack", "rm", STACK, check=False)
        wait_until("the stack's containers are gone", lambda: not _stack_containers(), timeout=120)
        wait_until("the stack's network is gone", lambda: not _stack_networks(), timeout=60)
        if joined_here:
            docker("swarm", "leave", "--force", check=False)
            docker("network", "rm", "docker_gwbridge", check=False)  # made by `swarm init`


def _stack_containers() -> list[str]:
    return docker("ps", "-a", "--filter", f"label=com.docker.stack.namespace={STACK}", "-q").stdout.split()


def _stack_networks() -> list[str]:
    return docker("network", "ls", "--filter", f"label=com.docker.stack.namespace={STACK}", "-q").stdout.split()


def _steady_load(url: str, stop: threading.Event, limit: int, seconds: float) -> list:
    """Validations through the balancer, 4 at a time with a 10 ms pause after each, until ``stop``
    is set (at most ``limit`` requests and ``seconds``); ``WorkerClient`` retries as it does for users."""
    answers: list = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    with WorkerClient(url, timeout=30, retries=3, fallback=None) as client:

        def run(k: int) -> None:
            i = k
            while not stop.is_set() and time.monotonic() < deadline and len(answers) < limit:
                answer = client.validate(EQUATIONS[i % len(EQUATIONS)])
                with lock:
                    answers.append(answer)
                i += 4
                time.sleep(0.01)

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(run, range(4)))
    return answers


def _check_verdicts(answers: list) -> None:
    expected = {text: validate(text).to_dict() for text in EQUATIONS}
    for answer in answers:
        record = answer.record().to_dict()
        assert record == expected[record["equation"]] | {"processing_time_ms": record["processing_time_ms"]}


def test_a_task_killed_under_load_costs_no_request(swarm: Swarm) -> None:
    stop = threading.Event()
    result: list = []
    loader = threading.Thread(target=lambda: result.extend(_steady_load(swarm.url, stop, limit=600, seconds=60)))
    loader.start()
    time.sleep(1.0)
    docker("kill", swarm.tasks()[0])
    time.sleep(2.0)
    stop.set()
    loader.join(timeout=120)
    assert len(result) >= 50  # requests before, during and after the kill, all answered
    _check_verdicts(result)
    wait_until("Swarm replaces the killed task", lambda: swarm.healthy(3), timeout=180)
    FIGURES["swarm: a task killed under load"] = f"{len(result)} validations answered, 0 lost"


def test_a_rolling_update_loses_no_request(swarm: Swarm, fleet_images: FleetImages) -> None:
    rolled = f"{fleet_images.worker.split(':')[0]}:rolled"
    docker("tag", fleet_images.worker, rolled)
    before = set(swarm.tasks())
    stop = threading.Event()
    result: list = []
    loader = threading.Thread(target=lambda: result.extend(_steady_load(swarm.url, stop, limit=20_000, seconds=300)))
    loader.start()
    try:
        start = time.monotonic()
        # Blocks until every task runs the new image (stop-first, one at a time).
        docker("service", "update", "--detach=false", "--image", rolled, f"{STACK}_worker", timeout=400)
        seconds = time.monotonic() - start
    finally:
        stop.set()
        loader.join(timeout=120)
        docker("rmi", rolled, check=False)
    image = docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", f"{STACK}_worker")
    assert image.stdout.strip().startswith(rolled)
    wait_until("three healthy updated tasks", lambda: swarm.healthy(3), timeout=120)
    assert not before & set(swarm.tasks()), "some task was not replaced"
    assert 50 <= len(result) < 20_000, "the load did not last the whole update"
    _check_verdicts(result)
    FIGURES["swarm: rolling update of 3 tasks under load"] = (
        f"{seconds:.1f} s, {len(result)} validations answered, 0 lost"
    )


def test_the_stack_file_deploys_as_shipped_apart_from_the_cpu_changes(fleet_images: FleetImages) -> None:
    shipped = yaml.safe_load((REPO / "docker" / "stack.yaml").read_text())
    derived = cpu_stack(fleet_images, 18080)
    assert derived["services"]["worker"]["deploy"]["endpoint_mode"] == "dnsrr"
    assert derived["services"]["lb"]["entrypoint"] == shipped["services"]["lb"]["entrypoint"]
    assert {c["target"] for c in derived["services"]["lb"]["configs"]} == {
        "/etc/nginx/nginx.conf",
        "/etc/nginx/lb-entrypoint.sh",
    }
    assert Path(derived["configs"]["nginx_conf"]["file"]) == REPO / "docker" / "nginx.conf"
