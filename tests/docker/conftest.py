"""A real Docker engine for the fleet's container tests (marker ``requires_docker``).

- ``docker_engine``: the engine at ``/var/run/docker.sock``. Where none answers, Debian's
  ``dockerd --iptables=false`` is started (scripts/system-packages.sh installs docker.io) and
  stopped again after the session. An engine that cannot be had skips the tests, except on CI
  (``CI=true``), where it fails them: the README's test command promises these tests there.
- ``fleet_images``: the worker image and the balancer's nginx image, built by
  ``docker/build-offline.sh`` (base image from Debian packages, once per engine; the CPU torch
  wheel from this machine's pip), so nothing is pulled from an image registry.
- ``docker``: the client, run and checked; :data:`FIGURES` collects the timings the tests
  measure, printed at the end of the run (docker/README.md quotes them). No test asserts a time.

All traffic goes from this machine to ``127.0.0.1`` ports the tests publish, bounded in count and
time; every container, network, stack and swarm a test makes is removed by it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOCKET = Path("/var/run/docker.sock")

#: figure name → text, printed by ``pytest_terminal_summary`` (tests/conftest.py hooks it).
FIGURES: dict[str, str] = {}


@dataclass(frozen=True)
class FleetImages:
    """What ``docker/build-offline.sh`` built: the variables the compose and stack files read."""

    worker: str
    nginx: str

    def environment(self) -> dict[str, str]:
        return {"PHI_LAB_WORKER_IMAGE": self.worker, "PHI_LAB_NGINX_IMAGE": self.nginx}


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the docker client (``docker ARGS``); raise with its output when it fails and ``check``."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def _engine_answers() -> bool:
    return shutil.which("docker") is not None and docker("info", timeout=20, check=False).returncode == 0


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"a Docker engine is required on CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def docker_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A Docker engine that answers; started here (and stopped after the session) where none runs."""
    if _engine_answers():
        yield
        return
    dockerd = shutil.which("dockerd") or shutil.which("dockerd", path="/usr/sbin:/usr/bin")
    if dockerd is None or shutil.which("docker") is None:
        _unavailable("needs Docker (Debian package docker.io; scripts/system-packages.sh installs it)")
    if os.geteuid() != 0:
        _unavailable("starting dockerd needs root")
    log_path = tmp_path_factory.mktemp("dockerd") / "dockerd.log"
    with log_path.open("wb") as log:
        # No iptables: this machine's network is not Docker's to rewrite. Published ports then go
        # through docker-proxy, and builds reach the package servers with --network host.
        process = subprocess.Popen([str(dockerd), "--iptables=false"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _engine_answers():
            if process.poll() is not None or time.monotonic() > deadline:
                _unavailable(f"dockerd did not start:\n{log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def fleet_images(docker_engine: None) -> FleetImages:
    """The worker and nginx images, built offline by docker/build-offline.sh."""
    start = time.monotonic()
    result = subprocess.run(
        ["bash", str(REPO / "docker" / "build-offline.sh")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"docker/build-offline.sh failed:\n{result.stderr[-4000:]}"
    built = dict(line.split("=", 1) for line in result.stdout.split() if "=" in line)
    FIGURES["images (docker/build-offline.sh)"] = f"{time.monotonic() - start:.0f} s; " + "; ".join(
        line.removeprefix("build-offline: ")
        for line in result.stderr.splitlines()
        if line.startswith("build-offline:") and " in " in line
    )
    return FleetImages(worker=built["PHI_LAB_WORKER_IMAGE"], nginx=built["PHI_LAB_NGINX_IMAGE"])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the timings the container tests measured (figures, not checks)."""
    if FIGURES:
        terminalreporter.section("docker figures")
        for name, text in FIGURES.items():
            terminalreporter.write_line(f"{name}: {text}")
