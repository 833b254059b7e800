"""Run real ``phi-lab serve`` workers on loopback, for tests.

:func:`start_workers` launches workers in parallel (each imports torch, ~2 s), each on a
free port of ``127.0.0.1``, and returns once every one answers ``GET /health`` with 200.
:func:`stop_worker` ends one, gently first (SIGTERM: the worker drains and exits 0), then
with SIGKILL; it is safe on a worker that has already exited.  Each worker's output goes to
a log file whose tail is put in the failure messages.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from phi_lab.server.fleet import free_ports

__all__ = ["Worker", "free_port", "free_ports", "log_tail", "start_workers", "stop_worker", "stop_workers"]

#: How long a worker may take to answer its first ``/health`` with 200.
READY_TIMEOUT_S = 90.0

#: The environment every test worker gets (on top of the test's own, less any PHI_LAB_*).
BASE_ENV = {"PHI_LAB_DEVICE": "cpu", "PHI_LAB_LOG_LEVEL": "warning"}


@dataclass
class Worker:
    """One ``phi-lab serve`` process."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    worker_id: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now (bound, read, released)."""
    return free_ports(1)[0]


def log_tail(worker: Worker, size: int = 4000) -> str:
    """The end of a worker's output, for failure messages."""
    try:
        text = worker.log.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return f"--- worker on port {worker.port}, log {worker.log}:\n{text[-size:]}"


def _launch(port: int, log_dir: Path, env: Mapping[str, str]) -> Worker:
    log = log_dir / f"worker-{port}.log"
    environ = {key: value for key, value in os.environ.items() if not key.startswith("PHI_LAB_")}
    environ.pop("PORT", None)
    environ.update(BASE_ENV)
    environ.update(env)
    with log.open("wb") as output:
        proc = subprocess.Popen(
            [sys.executable, "-m", "phi_lab.cli", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    return Worker(proc, port, log)


def start_workers(
    count: int, log_dir: Path, env: Mapping[str, str] | None = None, *, timeout: float = READY_TIMEOUT_S
) -> list[Worker]:
    """Start ``count`` workers in parallel and wait until each answers ``/health`` with 200.

    Parameters
    ----------
    count
        How many workers.
    log_dir
        Existing directory for their log files.
    env
        Extra environment (e.g. ``{"PHI_LAB_GRACE_S": "20"}``), over :data:`BASE_ENV`.
    timeout
        Seconds to wait for all of them.

    Returns
    -------
    list[Worker]
        Ready workers, their ``worker_id`` read from ``/info``. The caller stops them
        (:func:`stop_workers`), in a ``finally``.

    Raises
    ------
    RuntimeError
        When a worker exits or is not ready in time (every worker started is stopped
        first; the message holds their logs).
    """
    workers: list[Worker] = []
    try:
        for port in free_ports(count):
            workers.append(_launch(port, log_dir, env or {}))
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            for worker in workers:
                _wait_ready(client, worker, deadline)
                worker.worker_id = client.get(f"{worker.url}/info").json()["worker_id"]
    except BaseException:
        stop_workers(workers)
        raise
    return workers


def _wait_ready(client: httpx.Client, worker: Worker, deadline: float) -> None:
    while True:
        if worker.proc.poll() is not None:
            raise RuntimeError(f"worker exited with {worker.proc.returncode} before it was ready\n{log_tail(worker)}")
        with contextlib.suppress(httpx.TransportError):
            if client.get(f"{worker.url}/health").status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"worker not ready after {READY_TIMEOUT_S:g} s\n{log_tail(worker)}")
        time.sleep(0.1)


def stop_worker(worker: Worker, timeout: float = 10.0) -> int:
    """End a worker: SIGTERM, then SIGKILL after ``timeout`` s; return its exit status."""
    stop_workers([worker], timeout)
    return worker.proc.returncode


def stop_workers(workers: Iterable[Worker], timeout: float = 10.0) -> None:
    """End workers: one SIGTERM each (a second would skip the drain), then SIGKILL for any
    still running after ``timeout`` s. Safe on workers that have already exited."""
    workers = list(workers)
    for worker in workers:
        _signal(worker, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for worker in workers:
        try:
            worker.proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(worker, signal.SIGKILL)
            worker.proc.wait(timeout)


def _signal(worker: Worker, signum: signal.Signals) -> None:
    if worker.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            worker.proc.send_signal(signum)
