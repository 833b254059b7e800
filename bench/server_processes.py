"""The servers ``bench_server.py`` measures, each a real process on 127.0.0.1: ``phi-lab serve``
workers, the bare FastAPI app of the pinned comparison, and nginx in front of workers."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "BARE_ANSWER",
    "REPO",
    "Balancer",
    "Worker",
    "bare_app",
    "dynamic_batches",
    "free_port",
    "get_text",
    "serve_bare",
    "start_balancer",
    "start_bare",
    "start_worker",
    "stop_worker",
    "upstream_shares",
    "wait_healthy",
]

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Worker:
    """A running server process: ``phi-lab serve``, or the bare app of :func:`serve_bare`."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _serve_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("phi-lab")
    if script.exists():
        return [str(script), "serve", "--port", str(port)]
    return [sys.executable, "-m", "phi_lab.cli", "serve", "--port", str(port)]


def _server_env(settings: dict[str, str]) -> dict[str, str]:
    """This environment without PHI_LAB_* and PORT, plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PHI_LAB_") and key != "PORT"}
    env.update(settings)
    return env


def _start(name: str, command: list[str], env: dict[str, str], port: int, log_dir: Path, *, cpu: int | None) -> Worker:
    """Start a server process, under ``taskset -c CPU`` when ``cpu`` is given (pinned from its first instruction)."""
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]  # taskset execs the command: same pid
    log = log_dir / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches this script, which stops it
        )
    return Worker(name, port, process, log)


def start_worker(name: str, device: str, batching: bool, log_dir: Path, cpu: int | None = None) -> Worker:
    """Start a worker on a free loopback port (on core ``cpu`` if given); every PHI_LAB_* setting at its
    default but these."""
    port = free_port()
    env = _server_env(
        {
            "PHI_LAB_HOST": "127.0.0.1",
            "PHI_LAB_DEVICE": device,
            "PHI_LAB_BATCHING": "on" if batching else "off",
            "PHI_LAB_GRACE_S": "5",  # idle at the end: drains at once
        }
    )
    return _start(name, _serve_command(port), env, port, log_dir, cpu=cpu)


class BareEquation(BaseModel):
    """The bare endpoint's body: the fields of the worker's ``POST /validate`` request, checked by pydantic."""

    model_config = ConfigDict(extra="forbid")

    equation: str
    mode: Literal["auto", "physics", "math"] = "auto"
    units: dict[str, str] | None = None


#: What the bare endpoint answers, whatever the equation (``valid`` and ``worker_id``, as
#: :func:`bench.server_load.check_answer` expects of a ``/validate`` answer).
BARE_ANSWER: dict[str, Any] = {"equation": "E = mc²", "valid": True, "verdict": "valid", "worker_id": "bare"}


def bare_app() -> Any:
    """A FastAPI app with nothing but ``POST /validate`` (a pydantic body, a fixed dict) and ``GET /health``:
    the HTTP ceiling of the worker's stack without the worker."""
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    app = FastAPI(title="bare")

    @app.post("/validate")
    async def validate(body: BareEquation) -> dict[str, Any]:
        return BARE_ANSWER

    @app.get("/health", response_class=PlainTextResponse)
    async def health() -> str:
        return "healthy"

    return app


def serve_bare(port: int) -> None:
    """Serve :func:`bare_app` on 127.0.0.1 until SIGTERM/SIGINT, configured as ``phi-lab serve`` configures
    uvicorn (``phi_lab.server.runner``): default loop and http (``auto``: uvloop and httptools when
    installed), no access log, lifespan on."""
    import uvicorn

    config = uvicorn.Config(bare_app(), host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on")
    uvicorn.Server(config).run()


def start_bare(log_dir: Path, cpu: int | None = None) -> Worker:
    """Start :func:`serve_bare` in its own process on a free loopback port (on core ``cpu`` if given)."""
    port = free_port()
    command = [sys.executable, "-m", "bench.server_processes", "--serve-bare", str(port)]
    return _start("bare", command, _server_env({}), port, log_dir, cpu=cpu)


def wait_healthy(worker: Worker, deadline: float) -> None:
    """Return once ``worker`` answers ``/health`` with 200; raise when it exits or the deadline passes."""
    while True:
        if worker.process.poll() is not None:
            raise RuntimeError(f"worker {worker.name} exited with {worker.process.returncode}:\n{_tail(worker.log)}")
        # urlopen raises URLError, an OSError, while nothing listens and HTTPError on a 503.
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{worker.url}/health", timeout=2) as response:
            if response.status == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"worker {worker.name} not healthy in time:\n{_tail(worker.log)}")
        time.sleep(0.1)


def stop_worker(worker: Worker) -> None:
    """SIGTERM (the worker drains, then exits), else SIGKILL; never raises."""
    if worker.process.poll() is None:
        worker.process.terminate()
        try:
            worker.process.wait(15)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(5)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def get_text(url: str) -> str:
    """GET ``url`` with the standard library; the body as text."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


@dataclass(frozen=True, slots=True)
class Balancer:
    """A running nginx on a loopback rendering of ``docker/nginx.conf``."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    prefix: Path
    pids: tuple[int, ...]  # the master and its worker processes

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def start_balancer(name: str, workers: Sequence[Worker], root: Path) -> Balancer:
    """Render docker/nginx.conf for ``workers`` on loopback and start nginx on it."""
    from tests.server.nginx_loopback import render_loopback, start_nginx

    prefix = root / name
    prefix.mkdir()
    port = free_port()
    config = prefix / "nginx.conf"
    template = (REPO / "docker" / "nginx.conf").read_text()
    config.write_text(render_loopback(template, [worker.port for worker in workers], port, prefix))
    process = start_nginx(config, prefix)
    # The master writes its pid file before it forks its workers: wait until their number settles.
    children: list[int] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = _children(process.pid)
        if now and now == children:
            break
        children = now
    return Balancer(name, port, process, prefix, (process.pid, *children))


def upstream_shares(balancer: Balancer) -> dict[str, int]:
    """Requests per upstream address in the balancer's JSON access log (warm-ups included)."""
    from tests.server.nginx_loopback import ACCESS_LOG

    shares: Counter[str] = Counter()
    with contextlib.suppress(OSError):
        for line in (balancer.prefix / ACCESS_LOG).read_text().splitlines():
            with contextlib.suppress(ValueError):
                shares[json.loads(line)["upstream_addr"]] += 1
    return dict(shares)


def dynamic_batches(worker: Worker) -> dict[str, float]:
    """Compute jobs and equations of the dynamic batcher so far, from the worker's /metrics."""
    text = get_text(f"{worker.url}/metrics")
    figures = {}
    for kind in ("count", "sum"):
        match = re.search(rf'^phi_lab_batch_size_{kind}{{source="dynamic"}} (\S+)$', text, re.MULTILINE)
        figures[kind] = float(match.group(1)) if match else 0.0
    return {"jobs": figures["count"], "equations": figures["sum"]}


if __name__ == "__main__":  # python -m bench.server_processes --serve-bare PORT: the bare app's process
    if len(sys.argv) != 3 or sys.argv[1] != "--serve-bare":
        raise SystemExit("usage: python -m bench.server_processes --serve-bare PORT")
    serve_bare(int(sys.argv[2]))
