"""Throughput and latency of the HTTP worker: real ``phi-lab serve`` processes on loopback,
driven by a separate load-generator process.

Run from the repository root::

    python bench/bench_server.py [--duration S] [--concurrency N] [--device cpu] [--rounds R] [--json]
    python bench/bench_server.py --pin [...]   # the pinned comparison below
    python -m bench.bench_server ...

What it measures, all in one run on one machine, every server a real process on 127.0.0.1:

* ``POST /validate`` for the seed's four examples and for :data:`CORPUS`, a fixed mix of 30
  equations (one equation per request, cycled in order), on

  - one worker, direct (default settings: dynamic batching off);
  - one worker with dynamic batching on (``PHI_LAB_BATCHING=on``, default wait and size);
  - nginx (``docker/nginx.conf`` rendered for loopback by ``tests/server/nginx_loopback.py``)
    in front of one worker, and in front of two workers;

* ``GET /health`` on the direct worker, a no-op route: the HTTP ceiling of the same server
  (uvicorn, FastAPI and the worker's middlewares, no validation); and nginx's own
  ``/health`` (answered by nginx, no worker) as the balancer's ceiling;
* equations/s through ``POST /validate/batch`` in chunks of 256 and 2,048 corpus equations
  (:data:`BATCH_ROWS`: two and one requests in flight).

The load generator is one process (``multiprocessing``, spawned once) running an
``httpx.AsyncClient`` with a fixed number of concurrent keep-alive connections (closed loop:
each connection sends its next request when the previous answer arrives).  A row's duration
is split into ``--rounds`` slices measured round-robin over all rows (so that drift and other
programs' bursts spread over every row), then pooled.  Each slice sends warm-up requests
first (every connection opened, every payload sent), then runs for its share of the
duration; requests in flight at its deadline finish and count.  Latency is measured by the
client, per request, from send to the end of the body.  CPU columns are CPU time over the
row's wall time, read from ``/proc`` (100 % = one core): the server processes (the
worker(s), plus nginx's master and workers behind it), the client, and everything else that
ran on the machine meanwhile (``other``: a busy machine inflates every figure); and the
server's CPU per equation (per request for ``/health``), the figure least moved by whoever
else competes for the cores.  Each ratio is printed twice: measured (req/s or eq/s), and by
that cost, which is what the measured ratio would be if the client were free and each server
process had a core of its own (on a small machine the httpx client is often the bottleneck
of the cheap rows, ``/health`` above all: see its CPU column).

Nothing is asserted: the target (``/validate`` at least half the ``/health`` ceiling) is
printed next to the figures.  The load generator shares the machine's cores with the
workers and nginx, so the absolute numbers say little; compare ratios within one run.

``--pin`` measures something else: what the worker costs on top of :func:`phi_lab.validate`.
With two usable cores or more (and ``taskset``), the servers run on the first (``taskset -c``)
and the load generator on the second (``os.sched_setaffinity``); with fewer, it says so and
runs unpinned.  One run, the same rows round-robin, all on ``POST /validate`` over the seed's
four examples with 16 connections (``--concurrency``):

* a bare FastAPI app (:func:`bare_app`: a pydantic body, a fixed dict), in its own process
  under uvicorn configured as ``phi-lab serve`` configures it: req/s, p50/p99;
* one ``phi-lab serve`` process (``PHI_LAB_DEVICE`` from ``--device``, default cpu): req/s,
  p50/p99;
* in-process ``phi_lab.validate()`` on the same texts, back to back, in a process pinned to
  the servers' core: calls/s;

then worker ÷ in-process (goal: at least 0.65) and bare ÷ in-process, and per request the
worker's cost beyond ``validate()`` (1/worker − 1/in-process) next to the bare endpoint's
(1/bare), each measured and by CPU time (server CPU per request, in-process CPU per call:
the figure a busy load generator or machine moves least).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import importlib.util
import itertools
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.machine import host_facts

REPO = Path(__file__).resolve().parent.parent

#: The four examples of the project's seed (the same as ``bench_validate.SEEDS``).
SEEDS: tuple[str, ...] = ("E = mc²", "F = ma", "PV = nRT", "φ² = φ + 1")

#: A fixed mixed corpus, five per category.  Keep it stable so figures stay comparable.
CORPUS: tuple[tuple[str, str], ...] = (
    ("physics", "E = mc²"),
    ("physics", "F = G m₁ m₂ / r²"),
    ("physics", "E_k = 1/2 m v²"),
    ("physics", "T = 2π√(l/g)"),
    ("physics", "E² = (pc)² + (mc²)²"),
    ("identity", "sin²x + cos²x = 1"),
    ("identity", "(a + b)² = a² + 2ab + b²"),
    ("identity", "x² − 1 = (x − 1)(x + 1)"),
    ("identity", "e^(iπ) + 1 = 0"),
    ("identity", "cosh²x − sinh²x = 1"),
    ("phi", "φ² = φ + 1"),
    ("phi", "φ = 1 + 1/φ"),
    ("phi", "2cos(π/5) = φ"),
    ("phi", "x² = x + 1"),
    ("phi", "a/b = (a + b)/a"),
    ("contradiction", "1 = 2"),
    ("contradiction", "x + 1 = x"),
    ("contradiction", "sin²x + cos²x = 2"),
    ("contradiction", "E = mc"),
    ("contradiction", "F = m a²"),
    ("latex", r"F = G \frac{m_1 m_2}{r^2}"),
    ("latex", r"T = 2\pi\sqrt{\frac{l}{g}}"),
    ("latex", r"\sin^2\theta + \cos^2\theta = 1"),
    ("latex", r"\varphi = \frac{1 + \sqrt{5}}{2}"),
    ("latex", r"E_k = \frac{1}{2} m v^{2}"),
    ("malformed", "E = mc^2 +"),
    ("malformed", "x = (1 + 2"),
    ("malformed", "a < b"),
    ("malformed", "∫ f dx = 1"),
    ("malformed", "x + y"),
)

#: ``POST /validate/batch`` rows: (equations per request, concurrent requests).  One worker scores
#: batches one at a time (one compute thread), and a request's time budget (2 s per started 1,000
#: equations) runs from its admission, queueing included: two chunks of 256 in flight keep the
#: thread busy, while a second chunk of 2,048 waiting behind the first gets 504s on a loaded
#: two-core machine.
BATCH_ROWS: tuple[tuple[int, int], ...] = ((256, 2), (2048, 1))
#: Target, printed next to the measurement (never asserted).
TARGET_VALIDATE_OVER_HEALTH = 0.5

REQUEST_TIMEOUT_S = 30.0
#: A hard bound on the requests of one row, on top of its duration.
MAX_REQUESTS_PER_ROW = 1_000_000
WORKER_START_TIMEOUT_S = 90.0
#: Warm-up requests per connection before each row (a batch row sends one per connection).
WARMUP_PER_CONNECTION = 4


# ----------------------------------------------------------------------------- load generator


@dataclass(frozen=True, slots=True)
class Load:
    """One row's load: what to send, how, and which processes' CPU to read."""

    url: str
    method: str
    bodies: tuple[bytes, ...]
    check: str  # "health", "validate" or "batch": how a warm-up answer is checked
    concurrency: int
    duration_s: float
    warmup: int
    equations_per_request: int
    server_pids: tuple[int, ...]


def cpu_seconds(pids: Sequence[int]) -> float | None:
    """CPU time (user + system, all threads) of ``pids`` so far, from ``/proc``; ``None`` off Linux."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()  # fields from the 3rd (state) on
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int, int] | None:
    """(busy, total) jiffies of all cores so far and the number of cores, from ``/proc/stat``;
    ``None`` off Linux."""
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    values = [int(value) for value in lines[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    cores = sum(1 for line in lines if re.match(r"cpu\d", line))
    return total - idle, total, cores


def _check_answer(load: Load, status: int, text: str) -> str | None:
    """Why a warm-up answer is not what the row should measure, or ``None`` when it is."""
    if status in (503, 504):
        return None  # overload: a figure of the row (counted in its timed phase), not a broken route
    if status != 200:
        return f"{load.method} {load.url} answered {status}: {text[:300]}"
    if load.check == "health":
        return None if text.strip() == "healthy" else f"unexpected /health answer {text[:100]!r}"
    data = json.loads(text)
    if load.check == "validate":
        return None if "valid" in data and "worker_id" in data else f"unexpected /validate answer {text[:300]}"
    results = data.get("results", [])
    if len(results) != load.equations_per_request:
        return f"/validate/batch returned {len(results)} results for {load.equations_per_request} equations"
    return None


async def drive(load: Load) -> dict[str, Any]:
    """Warm up, then send ``load`` for its duration; return the figures of the timed phase."""
    import httpx

    limits = httpx.Limits(max_connections=load.concurrency, max_keepalive_connections=load.concurrency)
    headers = {"Content-Type": "application/json"} if load.bodies else {}
    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT_S, headers=headers) as client:

        async def send(index: int) -> httpx.Response:
            body = load.bodies[index % len(load.bodies)] if load.bodies else None
            return await client.request(load.method, load.url, content=body)

        try:
            warm = await asyncio.gather(*(send(index) for index in range(load.warmup)))
        except httpx.HTTPError as exc:
            return {"failed": f"warm-up request to {load.url} failed: {type(exc).__name__}: {exc}"}
        for response in warm:
            problem = _check_answer(load, response.status_code, response.text)
            if problem is not None:
                return {"failed": problem}
        if all(response.status_code != 200 for response in warm):
            return {"failed": f"no warm-up request to {load.url} succeeded (status {warm[0].status_code})"}

        issued = itertools.count(load.warmup)
        latencies_ns: list[int] = []
        failures: Counter[str] = Counter()
        server_before = cpu_seconds(load.server_pids)
        box_before = machine_ticks()
        cpu_before = time.process_time()
        start = time.perf_counter()
        deadline = start + load.duration_s

        async def connection() -> None:
            while time.perf_counter() < deadline:
                index = next(issued)
                if index >= MAX_REQUESTS_PER_ROW:
                    return
                began = time.perf_counter_ns()
                try:
                    response = await send(index)
                except httpx.HTTPError as exc:
                    failures[type(exc).__name__] += 1
                    continue
                if response.status_code == 200:
                    latencies_ns.append(time.perf_counter_ns() - began)
                else:
                    failures[str(response.status_code)] += 1

        await asyncio.gather(*(connection() for _ in range(load.concurrency)))
        elapsed = time.perf_counter() - start
        client_cpu = time.process_time() - cpu_before
        server_after = cpu_seconds(load.server_pids)
        box_after = machine_ticks()

    server_cpu = server_after - server_before if server_after is not None and server_before is not None else None
    other_cpu = None
    if box_before is not None and box_after is not None and box_after[1] > box_before[1] and server_cpu is not None:
        box_busy = (box_after[0] - box_before[0]) / (box_after[1] - box_before[1])
        # Everything else that ran meanwhile: other programs, the parent, kernel threads.
        other_cpu = max(0.0, box_busy * box_after[2] * elapsed - server_cpu - client_cpu)
    return {
        "latencies_ns": latencies_ns,
        "failures": dict(failures),
        "seconds": elapsed,
        "client_cpu_s": client_cpu,
        "server_cpu_s": server_cpu,
        "other_cpu_s": other_cpu,
    }


def _percentile(samples: Sequence[int], q: int) -> float:
    if len(samples) < 2:
        return float(samples[0])
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def _pin_self(cpu: int | None) -> None:
    """Pin the calling process to core ``cpu`` (``None``: leave it where it is)."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


def load_generator(conn: Connection, cpu: int | None = None) -> None:
    """The load-generator process: run each :class:`Load` received, answer its figures; stop on ``None``."""
    _pin_self(cpu)
    while True:
        load = conn.recv()
        if load is None:
            return
        conn.send(asyncio.run(drive(load)))


@dataclass(frozen=True, slots=True)
class Calls:
    """One slice of in-process ``phi_lab.validate()`` calls: the texts, cycled, for a duration."""

    texts: tuple[str, ...]
    device: str
    duration_s: float


def call_validate(calls: Calls) -> dict[str, Any]:
    """Call ``phi_lab.validate`` back to back for ``calls.duration_s``; the figures of the slice."""
    import phi_lab

    latencies_ns: list[int] = []
    cpu_before = time.process_time()
    start = time.perf_counter()
    deadline = start + calls.duration_s
    for text in itertools.cycle(calls.texts):
        began = time.perf_counter_ns()
        phi_lab.validate(text, device=calls.device)
        latencies_ns.append(time.perf_counter_ns() - began)
        if time.perf_counter() >= deadline:
            break
    return {
        "latencies_ns": latencies_ns,
        "seconds": time.perf_counter() - start,
        "cpu_s": time.process_time() - cpu_before,
    }


def validate_loop(conn: Connection, cpu: int | None = None) -> None:
    """The in-process process: run each :class:`Calls` received, answer its figures; stop on ``None``.

    It pins itself before importing phi_lab (torch sizes its thread pool at import), and warms up
    untimed on the first slice for a device (pint, the catalog, torch's sample pool load lazily).
    """
    _pin_self(cpu)
    import phi_lab

    warm: set[str] = set()
    while True:
        calls = conn.recv()
        if calls is None:
            return
        if calls.device not in warm:
            for text in calls.texts * WARMUP_PER_CONNECTION:
                phi_lab.validate(text, device=calls.device)
            warm.add(calls.device)
        conn.send(call_validate(calls))


@dataclass(slots=True)
class Helper:
    """The parent's handle on a helper process (the load generator, or the in-process
    ``validate()`` loop): spawned once, reused for every row."""

    process: multiprocessing.process.BaseProcess
    conn: Connection

    @classmethod
    def start(cls, target: Callable[[Connection, int | None], None], name: str, cpu: int | None = None) -> Helper:
        """Spawn ``target(conn, cpu)`` (it pins itself to core ``cpu`` unless ``None``)."""
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=target, args=(child, cpu), name=name, daemon=True)
        process.start()
        child.close()
        return cls(process, parent)

    def run(self, job: Load | Calls) -> dict[str, Any]:
        """Run one slice, bounded: its duration plus warm-up and request time-outs."""
        self.conn.send(job)
        limit = job.duration_s + 2 * REQUEST_TIMEOUT_S + 30
        if not self.conn.poll(limit):
            raise RuntimeError(f"{self.process.name} did not answer within {limit:.0f} s")
        try:
            figures: dict[str, Any] = self.conn.recv()
        except EOFError as exc:
            raise RuntimeError(f"{self.process.name} died (exit code {self.process.exitcode})") from exc
        if "failed" in figures:
            raise RuntimeError(figures["failed"])
        return figures

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        self.conn.close()


# ----------------------------------------------------------------------------- servers


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
#: :func:`_check_answer` expects of a ``/validate`` answer).
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
    command = [sys.executable, "-m", "bench.bench_server", "--serve-bare", str(port)]
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


# ----------------------------------------------------------------------------- plan


def validate_bodies(texts: Sequence[str]) -> tuple[bytes, ...]:
    """One ``POST /validate`` body per text."""
    return tuple(json.dumps({"equation": text}, ensure_ascii=False).encode() for text in texts)


def batch_body(texts: Sequence[str], size: int) -> bytes:
    """One ``POST /validate/batch`` body of ``size`` equations, cycling through ``texts``."""
    chunk = [texts[index % len(texts)] for index in range(size)]
    return json.dumps({"equations": chunk}, ensure_ascii=False).encode()


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: the slices of one row, pooled."""

    key: str
    setup: str
    request: str
    concurrency: int
    requests: int
    failures: dict[str, int]
    seconds: float
    req_per_s: float
    eq_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    mean_ms: float | None
    server_cpu_pct: float | None
    client_cpu_pct: float
    other_cpu_pct: float | None
    server_cpu_ms_per_eq: float | None
    req_per_s_by_round: list[float]


def pool(step: Step, slices: Sequence[dict[str, Any]]) -> Row:
    """Pool the slices of ``step`` measured in every round: counts and CPU summed, latencies merged."""
    latencies = [sample for piece in slices for sample in piece["latencies_ns"]]
    seconds = sum(piece["seconds"] for piece in slices)
    failures: Counter[str] = Counter()
    for piece in slices:
        failures.update(piece["failures"])

    def share(field: str) -> float | None:
        values = [piece[field] for piece in slices]
        return None if None in values else sum(values) / seconds * 100

    client, server = share("client_cpu_s"), share("server_cpu_s")
    units = len(latencies) * step.load.equations_per_request
    return Row(
        key=step.key,
        setup=step.setup,
        request=step.request,
        concurrency=step.load.concurrency,
        requests=len(latencies),
        failures=dict(failures),
        seconds=seconds,
        req_per_s=len(latencies) / seconds,
        eq_per_s=len(latencies) * step.load.equations_per_request / seconds,
        p50_ms=statistics.median(latencies) / 1e6 if latencies else None,
        p99_ms=_percentile(latencies, 99) / 1e6 if latencies else None,
        mean_ms=statistics.fmean(latencies) / 1e6 if latencies else None,
        server_cpu_pct=server,
        client_cpu_pct=client if client is not None else 0.0,
        other_cpu_pct=share("other_cpu_s"),
        # Per equation (per request for /health): what the server spends, whoever else is busy.
        server_cpu_ms_per_eq=server / 100 * seconds / units * 1000 if server is not None and units else None,
        req_per_s_by_round=[len(piece["latencies_ns"]) / piece["seconds"] for piece in slices],
    )


@dataclass(frozen=True, slots=True)
class Step:
    """One row to measure: its key, labels and load."""

    key: str
    setup: str
    request: str
    load: Load


def plan(
    direct: Worker, batching: Worker, fleets: Sequence[tuple[str, Balancer, Sequence[Worker]]], args: argparse.Namespace
) -> list[Step]:
    """Every row of the run, in order."""
    seeds, corpus = validate_bodies(SEEDS), validate_bodies([text for _, text in CORPUS])
    concurrency, duration = args.concurrency, args.duration / args.rounds
    warmup = WARMUP_PER_CONNECTION * concurrency

    def load(url: str, bodies: tuple[bytes, ...], check: str, pids: tuple[int, ...]) -> Load:
        warm = max(warmup, len(bodies))
        return Load(url, "POST" if bodies else "GET", bodies, check, concurrency, duration, warm, 1, pids)

    def single(key: str, setup: str, base: str, pids: tuple[int, ...]) -> list[Step]:
        url = f"{base}/validate"
        return [
            Step(f"{key}/seeds", setup, f"POST /validate, {len(SEEDS)} seeds", load(url, seeds, "validate", pids)),
            Step(
                f"{key}/corpus", setup, f"POST /validate, {len(CORPUS)}-eq corpus", load(url, corpus, "validate", pids)
            ),
        ]

    direct_pids = (direct.process.pid,)
    health = load(f"{direct.url}/health", (), "health", direct_pids)
    steps = [Step("direct/health", "1 worker", "GET /health (no-op)", health)]
    steps += single("direct", "1 worker", direct.url, direct_pids)
    steps += single("batching", "1 worker, batching on", batching.url, (batching.process.pid,))
    for key, balancer, workers in fleets:
        pids = (*balancer.pids, *(worker.process.pid for worker in workers))
        setup = f"nginx → {len(workers)} worker{'s' if len(workers) > 1 else ''}"
        if len(workers) > 1:
            health = load(f"{balancer.url}/health", (), "health", pids)
            steps.append(Step(f"{key}/health", setup, "GET /health (nginx's own)", health))
        steps += single(key, setup, balancer.url, pids)
    texts = [text for _, text in CORPUS]
    for size, connections in BATCH_ROWS:
        body = (batch_body(texts, size),)
        batch = Load(
            f"{direct.url}/validate/batch", "POST", body, "batch", connections, duration, connections, size, direct_pids
        )
        steps.append(Step(f"direct/batch{size}", "1 worker", f"POST /validate/batch, {size:,}/req", batch))
    return steps


# ----------------------------------------------------------------------------- report


def machine_facts(device: str, nginx: str | None) -> dict[str, Any]:
    """Python, server libraries, CPU and nginx of this run."""
    versions: dict[str, str | None] = {}
    for name in ("uvicorn", "fastapi", "starlette", "pydantic", "httpx", "torch"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    nginx_version = None
    if nginx is not None:
        shown = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10, check=False)
        nginx_version = (shown.stderr or shown.stdout).strip().removeprefix("nginx version: nginx/")
    return {
        **host_facts(),
        "device": device,
        "versions": versions,
        # uvicorn picks uvloop and httptools when installed, else asyncio and h11 (pure Python).
        "uvloop": importlib.util.find_spec("uvloop") is not None,
        "httptools": importlib.util.find_spec("httptools") is not None,
        "nginx": nginx_version,
    }


def ratios(rows: dict[str, Row]) -> dict[str, float | None]:
    """The comparisons of the report (``None`` where a row is missing)."""

    def ratio(top: str, bottom: str, field: str = "req_per_s") -> float | None:
        if top not in rows or bottom not in rows:
            return None
        a, b = getattr(rows[top], field), getattr(rows[bottom], field)
        return a / b if a is not None and b else None

    def cost(cheap: str, dear: str) -> float | None:
        return ratio(cheap, dear, "server_cpu_ms_per_eq")

    result: dict[str, float | None] = {}
    for corpus in ("seeds", "corpus"):
        result[f"validate_over_health/{corpus}"] = ratio(f"direct/{corpus}", "direct/health")
        result[f"validate_over_health_by_cpu/{corpus}"] = cost("direct/health", f"direct/{corpus}")
        result[f"batching_off_over_on_by_cpu/{corpus}"] = cost(f"direct/{corpus}", f"batching/{corpus}")
        result[f"batching_on_over_off/{corpus}"] = ratio(f"batching/{corpus}", f"direct/{corpus}")
        result[f"batching_on_over_off_p50/{corpus}"] = ratio(f"batching/{corpus}", f"direct/{corpus}", "p50_ms")
        result[f"two_workers_over_direct/{corpus}"] = ratio(f"nginx2/{corpus}", f"direct/{corpus}")
        result[f"two_workers_over_direct_by_cpu/{corpus}"] = cost(f"direct/{corpus}", f"nginx2/{corpus}")
        result[f"two_workers_over_one_behind_nginx/{corpus}"] = ratio(f"nginx2/{corpus}", f"nginx1/{corpus}")
        result[f"nginx1_over_direct/{corpus}"] = ratio(f"nginx1/{corpus}", f"direct/{corpus}")
    for size, _ in BATCH_ROWS:
        result[f"batch{size}_over_validate_corpus"] = ratio(f"direct/batch{size}", "direct/corpus", "eq_per_s")
        result[f"batch{size}_over_validate_corpus_by_cpu"] = cost("direct/corpus", f"direct/batch{size}")
    return result


def _spread(values: Sequence[float]) -> str:
    """Half the range of ``values`` as a percentage of their mean ("-" for a single value)."""
    mean = statistics.fmean(values) if values else 0.0
    if len(values) < 2 or not mean:
        return "-"
    return f"{(max(values) - min(values)) / 2 / mean * 100:.0f}%"


def _fmt(value: float | None, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def _stack_line(facts: dict[str, Any]) -> str:
    """Python, uvicorn's loop and parser, and the library versions, on one line."""
    versions = facts["versions"]
    stack = "uvloop" if facts["uvloop"] else "asyncio"
    parser = "httptools" if facts["httptools"] else "h11"
    return (
        f"python {facts['python']}; uvicorn {versions['uvicorn']} ({stack} loop, {parser} parser), fastapi "
        f"{versions['fastapi']}, pydantic {versions['pydantic']}, torch {versions['torch']}; "
        f"client httpx {versions['httpx']}"
    )


def print_report(report: dict[str, Any]) -> None:
    """Print ``report`` for people."""
    facts = report["machine"]
    print("phi_lab HTTP worker benchmark")
    print("=" * 120)
    print(f"{_stack_line(facts)}; nginx {facts['nginx'] or 'not found'}")
    print(
        f"cpu {facts['processor']}; {facts['cpu_count']} cpus ({facts['cpus_usable']} usable); "
        f"1-min load average at the end {_fmt(facts['load_average_1min'], '.2f')}; platform {facts['platform']}"
    )
    settings = report["settings"]
    print(
        f"workers: phi-lab serve on 127.0.0.1, PHI_LAB_DEVICE={settings['device']} (device reported: "
        f"{settings['worker_device']}), other PHI_LAB_* at their defaults (compute threads "
        f"{settings['compute_threads']}, log level {settings['log_level']}); batching on = wait "
        f"{settings['batch_wait_ms']:g} ms, at most {settings['batch_max']}"
    )
    batch_connections = " and ".join(str(connections) for _, connections in BATCH_ROWS)
    print(
        f"load: one load-generator process, httpx.AsyncClient, {settings['concurrency']} keep-alive connections "
        f"({batch_connections} for /validate/batch), closed loop; {settings['duration_s']:g} s per row, in "
        f"{settings['rounds']} interleaved slices (rows round-robin), each after {WARMUP_PER_CONNECTION} warm-up "
        "requests per connection (one for a batch)"
    )
    print(
        f"NOTE: the load generator shares these {facts['cpus_usable']} cores with the workers and nginx "
        "(see the CPU columns): compare ratios, not absolute numbers."
    )
    print()
    header = (
        f"{'setup':22} {'request':32} {'conn':>4} {'ok':>7} {'errors':>6} {'req/s':>8} {'eq/s':>8} "
        f"{'±':>4} {'p50 ms':>8} {'p99 ms':>8} {'server':>7} {'client':>7} {'other':>7} {'srv ms/eq':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in report["rows"]:
        errors = sum(row["failures"].values())
        print(
            f"{row['setup']:22} {row['request']:32} {row['concurrency']:4d} {row['requests']:7d} {errors:6d} "
            f"{row['req_per_s']:8,.0f} {row['eq_per_s']:8,.0f} {_spread(row['req_per_s_by_round']):>4} "
            f"{_fmt(row['p50_ms'], '8.2f'):>8} "
            f"{_fmt(row['p99_ms'], '8.2f'):>8} {_fmt(row['server_cpu_pct'], '6.0f'):>6}% "
            f"{_fmt(row['client_cpu_pct'], '6.0f'):>6}% {_fmt(row['other_cpu_pct'], '6.0f'):>6}% "
            f"{_fmt(row['server_cpu_ms_per_eq'], '9.3f'):>9}"
        )
        if row["failures"]:
            print(f"{'':56} failures: {row['failures']}")
    print(
        "±: half the range of the rounds' req/s, % of the row's.  server / client / other: CPU time over the row's "
        "wall time,\n100 % = one core; server = the worker(s), plus nginx behind it; other = everything else on the "
        "machine meanwhile\n(other programs: they inflate every figure); srv ms/eq: server CPU per equation (per "
        "request for /health), the cost\nof a row whatever else competes for the cores"
    )
    print()
    r = report["ratios"]

    def x(key: str) -> str:
        return _fmt(r.get(key), ".2f", "n/a") + ("×" if r.get(key) is not None else "")

    print(
        "ratios: measured (req/s, eq/s), and by server CPU per equation (the inverse ratio of costs: what the "
        "measured\nratio would be with a free client and a core of its own for each server process)"
    )
    target = TARGET_VALIDATE_OVER_HEALTH
    lines: list[tuple[str, str, str, str]] = []
    for corpus in ("seeds", "corpus"):
        value = r.get(f"validate_over_health/{corpus}")
        verdict = "n/a" if value is None else ("PASS" if value >= target else "MISS")
        lines.append(
            (
                f"/validate ÷ /health ceiling, 1 worker, {corpus}",
                x(f"validate_over_health/{corpus}"),
                x(f"validate_over_health_by_cpu/{corpus}"),
                f"target >= {target:.2f}: {verdict}",
            )
        )
    for corpus in ("seeds", "corpus"):
        lines.append(
            (
                f"batching on ÷ off, 1 worker, {corpus}",
                x(f"batching_on_over_off/{corpus}"),
                x(f"batching_off_over_on_by_cpu/{corpus}"),
                f"p50 on ÷ off {x(f'batching_on_over_off_p50/{corpus}')}",
            )
        )
    for corpus in ("seeds", "corpus"):
        lines.append(
            (
                f"2 workers behind nginx ÷ 1 worker direct, {corpus}",
                x(f"two_workers_over_direct/{corpus}"),
                x(f"two_workers_over_direct_by_cpu/{corpus}"),
                f"÷ 1 worker behind nginx {x(f'two_workers_over_one_behind_nginx/{corpus}')}; "
                f"nginx → 1 ÷ direct {x(f'nginx1_over_direct/{corpus}')}",
            )
        )
    for size, _ in BATCH_ROWS:
        lines.append(
            (
                f"/validate/batch {size:,}/req ÷ /validate corpus, eq/s",
                x(f"batch{size}_over_validate_corpus"),
                x(f"batch{size}_over_validate_corpus_by_cpu"),
                "",
            )
        )
    print(f"  {'':52} {'measured':>9} {'by CPU':>8}")
    for label, measured, by_cpu, note in lines:
        print(f"  {label:52} {measured:>9} {by_cpu or '':>8}" + (f"   {note}" if note else ""))
    extras = report["extras"]
    batches = extras.get("dynamic_batches")
    if batches and batches["jobs"]:
        print(
            f"  dynamic batching: {batches['equations']:,.0f} requests in {batches['jobs']:,.0f} compute jobs "
            f"(mean batch {batches['equations'] / batches['jobs']:.2f}), warm-ups included"
        )
    for name, shares in extras.get("upstream_shares", {}).items():
        total = sum(shares.values()) or 1
        spread = ", ".join(f"{addr} {count / total:.0%}" for addr, count in sorted(shares.items()))
        print(f"  {name} requests by upstream (access log, warm-ups included): {spread}")
    print()
    print(f"total benchmark time {report['elapsed_s']:.1f} s")


# ----------------------------------------------------------------------------- pinned mode (--pin)


#: Goal of the pinned comparison, printed next to the measurement (never asserted).
TARGET_WORKER_OVER_INPROCESS = 0.65
#: Concurrent connections of the pinned rows unless ``--concurrency`` says otherwise.
PINNED_CONCURRENCY = 16
#: Server CPU (% of its core) under which a pinned row is flagged as paced by something else.
SATURATED_PCT = 80


def pinning_cores() -> tuple[tuple[int, int] | None, str]:
    """(server core, load-generator core) and a sentence saying so; ``None`` and why not where it can't pin."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cores) < 2:
        return None, f"not pinned: {len(cores) or 'an unknown number of'} usable core(s), pinning needs two"
    if shutil.which("taskset") is None:
        return None, "not pinned: taskset (util-linux) not found"
    server, client = cores[0], cores[1]
    return (server, client), (
        f"pinned: server processes on core {server} (taskset -c {server}), in-process validate() on core "
        f"{server}, load generator on core {client} (os.sched_setaffinity)"
    )


def pinned_plan(bare: Worker, worker: Worker, args: argparse.Namespace) -> list[Step]:
    """The two HTTP rows of the pinned mode: the same bodies (the seeds, cycled) to both servers."""
    seeds = validate_bodies(SEEDS)
    duration = args.duration / args.rounds
    warmup = max(WARMUP_PER_CONNECTION * args.concurrency, len(seeds))

    def load(server: Worker) -> Load:
        url = f"{server.url}/validate"
        return Load(url, "POST", seeds, "validate", args.concurrency, duration, warmup, 1, (server.process.pid,))

    request = f"POST /validate, {len(SEEDS)} seeds"
    return [
        Step("bare", "bare FastAPI app", f"{request} (pydantic body → fixed dict)", load(bare)),
        Step("worker", "phi-lab serve, 1 process", request, load(worker)),
    ]


@dataclass(frozen=True, slots=True)
class InProcessRow:
    """The in-process ``validate()`` slices, pooled."""

    calls: int
    seconds: float
    calls_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_pct: float
    cpu_ms_per_call: float
    calls_per_s_by_round: list[float]


def pool_calls(slices: Sequence[dict[str, Any]]) -> InProcessRow:
    """Pool the in-process slices: counts and CPU summed, latencies merged."""
    latencies = [sample for piece in slices for sample in piece["latencies_ns"]]
    seconds = sum(piece["seconds"] for piece in slices)
    cpu = sum(piece["cpu_s"] for piece in slices)
    return InProcessRow(
        calls=len(latencies),
        seconds=seconds,
        calls_per_s=len(latencies) / seconds,
        p50_ms=statistics.median(latencies) / 1e6,
        p99_ms=_percentile(latencies, 99) / 1e6,
        cpu_pct=cpu / seconds * 100,
        cpu_ms_per_call=cpu / len(latencies) * 1000,
        calls_per_s_by_round=[len(piece["latencies_ns"]) / piece["seconds"] for piece in slices],
    )


def pinned_ratios(bare: Row, worker: Row, inprocess: InProcessRow) -> dict[str, float | None]:
    """worker ÷ in-process and bare ÷ in-process (measured and by CPU), and the per-request costs in ms."""

    def div(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    rate = inprocess.calls_per_s
    worker_ms, bare_ms = div(1000.0, worker.req_per_s), div(1000.0, bare.req_per_s)
    worker_cpu_ms, bare_cpu_ms = worker.server_cpu_ms_per_eq, bare.server_cpu_ms_per_eq
    return {
        "worker_over_inprocess": div(worker.req_per_s, rate),
        "bare_over_inprocess": div(bare.req_per_s, rate),
        "worker_over_inprocess_by_cpu": div(inprocess.cpu_ms_per_call, worker_cpu_ms),
        "bare_over_inprocess_by_cpu": div(inprocess.cpu_ms_per_call, bare_cpu_ms),
        # 1/worker_rps − 1/inprocess_rate: what a request costs the worker beyond validate() itself.
        "worker_overhead_ms": None if worker_ms is None else worker_ms - 1000.0 / rate,
        "bare_ms": bare_ms,
        "worker_overhead_cpu_ms": None if worker_cpu_ms is None else worker_cpu_ms - inprocess.cpu_ms_per_call,
        "bare_cpu_ms": bare_cpu_ms,
    }


def run_pinned(args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    """The bare app, one worker and in-process ``validate()`` on one core, the load generator on another."""
    began = time.perf_counter()
    cores, pinning = pinning_cores()
    server_cpu, client_cpu = cores if cores is not None else (None, None)
    progress(pinning)
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="phi-lab-bench-")))
        generator = Helper.start(load_generator, "phi-lab-load", client_cpu)
        stack.callback(generator.stop)
        inprocess = Helper.start(validate_loop, "phi-lab-inprocess", server_cpu)
        stack.callback(inprocess.stop)
        progress("starting the bare app and one worker")
        bare = start_bare(root, server_cpu)
        stack.callback(stop_worker, bare)
        worker = start_worker("worker", args.device, False, root, server_cpu)
        stack.callback(stop_worker, worker)
        deadline = time.monotonic() + WORKER_START_TIMEOUT_S
        for server in (bare, worker):
            wait_healthy(server, deadline)
        info = json.loads(get_text(f"{worker.url}/info"))
        progress("warming up in-process validate()")
        inprocess.run(Calls(SEEDS, args.device, 0.0))  # imports and warms up: nothing left for the timed slices
        steps = pinned_plan(bare, worker, args)
        calls = Calls(SEEDS, args.device, args.duration / args.rounds)
        slices: dict[str, list[dict[str, Any]]] = {step.key: [] for step in steps}
        in_slices: list[dict[str, Any]] = []
        for round_number in range(1, args.rounds + 1):
            for number, step in enumerate(steps, 1):
                progress(f"round {round_number}/{args.rounds} [{number}/{len(steps) + 1}] {step.setup}: {step.request}")
                slices[step.key].append(generator.run(step.load))
            progress(f"round {round_number}/{args.rounds} [{len(steps) + 1}/{len(steps) + 1}] in-process validate()")
            in_slices.append(inprocess.run(calls))
        processes = {
            "bare": bare.process.pid,
            "worker": worker.process.pid,
            "in-process": inprocess.process.pid,
            "load generator": generator.process.pid,
        }
        affinity = {name: sorted(os.sched_getaffinity(pid)) for name, pid in processes.items() if pid is not None}
    rows = {step.key: pool(step, slices[step.key]) for step in steps}
    in_row = pool_calls(in_slices)
    return {
        "machine": machine_facts(args.device, None),
        "settings": {
            "pinning": pinning,
            "server_core": server_cpu,
            "client_core": client_cpu,
            "affinity": affinity,
            "device": args.device,
            "worker_device": info["device"],
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "compute_threads": info["limits"]["compute_threads"],
            "log_level": info["limits"]["log_level"],
        },
        "rows": [asdict(row) for row in rows.values()],
        "inprocess": asdict(in_row),
        "ratios": pinned_ratios(rows["bare"], rows["worker"], in_row),
        "elapsed_s": time.perf_counter() - began,
    }


def print_pinned_report(report: dict[str, Any]) -> None:
    """Print the pinned ``report`` for people."""
    facts, settings = report["machine"], report["settings"]
    print("phi_lab HTTP worker benchmark, pinned (--pin): bare FastAPI, the worker, in-process validate()")
    print("=" * 120)
    print(_stack_line(facts))
    print(
        f"cpu {facts['processor']}; {facts['cpu_count']} cpus ({facts['cpus_usable']} usable); "
        f"1-min load average at the end {_fmt(facts['load_average_1min'], '.2f')}; platform {facts['platform']}"
    )
    print(settings["pinning"])
    print("affinity read back: " + ", ".join(f"{name} {cores}" for name, cores in settings["affinity"].items()))
    print(
        f"servers: the bare app (bench_server.bare_app, uvicorn configured as phi-lab serve) and phi-lab serve "
        f"(1 process, PHI_LAB_DEVICE={settings['device']}, device reported {settings['worker_device']}, compute "
        f"threads {settings['compute_threads']}, log level {settings['log_level']}), both on 127.0.0.1"
    )
    print(
        f"load: one load-generator process, httpx.AsyncClient, {settings['concurrency']} keep-alive connections, "
        f"closed loop, POST /validate over the seed's {len(SEEDS)} examples (cycled); in-process: "
        f"phi_lab.validate(text, device={settings['device']!r}) back to back over the same {len(SEEDS)}, one "
        f"thread; {settings['duration_s']:g} s per row, in {settings['rounds']} interleaved slices (rows "
        f"round-robin), each HTTP slice after {WARMUP_PER_CONNECTION} warm-up requests per connection"
    )
    print()
    header = (
        f"{'row':44} {'conn':>4} {'ok':>7} {'errors':>6} {'rate/s':>8} {'±':>4} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'server':>7} {'client':>7} {'other':>7} {'srv ms/req':>10}"
    )
    print(header)
    print("-" * len(header))
    labels = {"bare": "bare FastAPI (pydantic body → fixed dict)", "worker": "worker (phi-lab serve, 1 process)"}
    for row in report["rows"]:
        errors = sum(row["failures"].values())
        print(
            f"{labels[row['key']]:44} {row['concurrency']:4d} {row['requests']:7d} {errors:6d} "
            f"{row['req_per_s']:8,.0f} {_spread(row['req_per_s_by_round']):>4} {_fmt(row['p50_ms'], '8.2f'):>8} "
            f"{_fmt(row['p99_ms'], '8.2f'):>8} {_fmt(row['server_cpu_pct'], '6.0f'):>6}% "
            f"{_fmt(row['client_cpu_pct'], '6.0f'):>6}% {_fmt(row['other_cpu_pct'], '6.0f'):>6}% "
            f"{_fmt(row['server_cpu_ms_per_eq'], '10.3f'):>10}"
        )
        if row["failures"]:
            print(f"{'':44} failures: {row['failures']}")
    inp = report["inprocess"]
    print(
        f"{'in-process phi_lab.validate() (calls)':44} {'-':>4} {inp['calls']:7d} {0:6d} {inp['calls_per_s']:8,.0f} "
        f"{_spread(inp['calls_per_s_by_round']):>4} {inp['p50_ms']:8.2f} {inp['p99_ms']:8.2f} "
        f"{inp['cpu_pct']:6.0f}% {'-':>7} {'-':>7} {inp['cpu_ms_per_call']:10.3f}"
    )
    print(
        "rate/s: req/s over HTTP, calls/s in-process.  ±: half the range of the rounds' rates, % of the row's.  "
        "server / client /\nother: CPU time over the row's wall time, 100 % = one core (in-process: the calling "
        "process's); other = everything else\non the machine meanwhile; srv ms/req: server CPU per request "
        "(in-process: per call)"
    )
    for row in report["rows"]:
        server = row["server_cpu_pct"]
        # The server has a core of its own: below saturation, something else set the pace.
        if server is not None and server < SATURATED_PCT:
            print(
                f"NOTE: {row['key']}: the server kept its core only {server:.0f} % busy; the row is paced by the load "
                f"generator (client {row['client_cpu_pct']:.0f} %) or other programs (other "
                f"{_fmt(row['other_cpu_pct'], '.0f')} %), not by the server: its req/s is a lower bound"
            )
    print()
    r = report["ratios"]

    def x(key: str) -> str:
        return _fmt(r.get(key), ".2f", "n/a") + ("×" if r.get(key) is not None else "")

    def ms(key: str) -> str:
        return _fmt(r.get(key), ".3f", "n/a") + (" ms" if r.get(key) is not None else "")

    value = r["worker_over_inprocess"]
    verdict = "n/a" if value is None else ("PASS" if value >= TARGET_WORKER_OVER_INPROCESS else "MISS")
    print(f"  {'ratios':52} {'measured':>9} {'by CPU':>8}")
    print(
        f"  {'worker ÷ in-process':52} {x('worker_over_inprocess'):>9} {x('worker_over_inprocess_by_cpu'):>8}"
        f"   goal >= {TARGET_WORKER_OVER_INPROCESS:.2f}: {verdict}"
    )
    print(f"  {'bare ÷ in-process':52} {x('bare_over_inprocess'):>9} {x('bare_over_inprocess_by_cpu'):>8}")
    print(f"  {'per request':52} {'measured':>9} {'by CPU':>8}")
    print(
        f"  {'worker beyond validate(): 1/worker − 1/in-process':52} {ms('worker_overhead_ms'):>9} "
        f"{ms('worker_overhead_cpu_ms'):>8}"
    )
    print(f"  {'bare endpoint: 1/bare':52} {ms('bare_ms'):>9} {ms('bare_cpu_ms'):>8}")
    print(
        "  by CPU: from server CPU per request and in-process CPU per call (what the measured figure would be "
        "with a free client);\n  costs are taken at each row's own load: a server below saturation spends "
        "more per request (fewer requests per wake-up)"
    )
    print()
    print(f"total benchmark time {report['elapsed_s']:.1f} s")


# ----------------------------------------------------------------------------- main


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop every process


def run(args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    """Start the servers and the load generator, measure every row, stop everything."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # tests.server.nginx_loopback
    from tests.server.nginx_loopback import find_nginx, stop_nginx

    began = time.perf_counter()
    nginx = find_nginx()
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="phi-lab-bench-")))
        generator = Helper.start(load_generator, "phi-lab-load")
        stack.callback(generator.stop)
        progress("starting 3 workers")
        workers: dict[str, Worker] = {}
        for name, batching in (("direct", False), ("batching", True), ("second", False)):
            workers[name] = start_worker(name, args.device, batching, root)
            stack.callback(stop_worker, workers[name])
        deadline = time.monotonic() + WORKER_START_TIMEOUT_S
        for worker in workers.values():
            wait_healthy(worker, deadline)
        info = json.loads(get_text(f"{workers['direct'].url}/info"))
        batching_info = json.loads(get_text(f"{workers['batching'].url}/info"))
        if not batching_info["limits"]["batching"] or info["limits"]["batching"]:
            raise RuntimeError("the workers' batching settings are not the ones asked for")
        fleets: list[tuple[str, Balancer, Sequence[Worker]]] = []
        if nginx is None:
            progress("nginx not found: the nginx rows are left out")
        else:
            for key, members in (("nginx1", [workers["direct"]]), ("nginx2", [workers["direct"], workers["second"]])):
                balancer = start_balancer(key, members, root)
                stack.callback(stop_nginx, balancer.process)
                fleets.append((key, balancer, members))
        steps = plan(workers["direct"], workers["batching"], fleets, args)
        slices: dict[str, list[dict[str, Any]]] = {step.key: [] for step in steps}
        for round_number in range(1, args.rounds + 1):
            # Round-robin: every row gets a slice of each round, so that drift and other
            # programs' bursts spread over all rows instead of falling on a few.
            for number, step in enumerate(steps, 1):
                progress(f"round {round_number}/{args.rounds} [{number}/{len(steps)}] {step.setup}: {step.request}")
                slices[step.key].append(generator.run(step.load))
        rows = {step.key: pool(step, slices[step.key]) for step in steps}
        extras: dict[str, Any] = {
            "dynamic_batches": dynamic_batches(workers["batching"]),
            "upstream_shares": {
                f"nginx → {len(members)}": upstream_shares(balancer) for _, balancer, members in fleets
            },
        }
    return {
        "machine": machine_facts(args.device, nginx),
        "settings": {
            "device": args.device,
            "worker_device": info["device"],
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "batch_rows": [{"equations": size, "concurrency": conc} for size, conc in BATCH_ROWS],
            "compute_threads": info["limits"]["compute_threads"],
            "log_level": info["limits"]["log_level"],
            "batch_wait_ms": batching_info["limits"]["batch_wait_ms"],
            "batch_max": batching_info["limits"]["batch_max"],
        },
        "rows": [asdict(row) for row in rows.values()],
        "ratios": ratios(rows),
        "extras": extras,
        "elapsed_s": time.perf_counter() - began,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print it (text, or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per row (default 5)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help=f"concurrent connections (default 8; {PINNED_CONCURRENCY} with --pin)",
    )
    parser.add_argument("--device", default="cpu", help="PHI_LAB_DEVICE of the workers (default cpu)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved slices each row's duration is split into (default 2)"
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="bare FastAPI, one worker and in-process validate() on one core, the load generator on another",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable figures only")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the bare app's process
    args = parser.parse_args(argv)
    if args.serve_bare is not None:
        serve_bare(args.serve_bare)
        return 0
    if args.concurrency is None:
        args.concurrency = PINNED_CONCURRENCY if args.pin else 8
    if args.duration <= 0 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--duration must be positive, --concurrency and --rounds at least 1")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report = run_pinned(args, progress) if args.pin else run(args, progress)
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif args.pin:
        print_pinned_report(report)
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
