"""Several worker processes on one port: ``phi-lab serve --workers N``.

This process, the supervisor, binds ``host:port`` once and starts N workers that share the
listening socket.  Each worker is a new Python process running
:func:`phi_lab.server.runner.serve_socket`: its own app, engine and thread pool, and its own
``worker_id`` (``hostname-pid``, made by the app, so N processes on one port have N ids).
The kernel hands each new connection to whichever worker accepts it first; a keep-alive
connection stays with its worker.  Balancing by load and failover between workers need a
balancer in front (nginx, see docs/workers.md).

Signals, as for a single worker:

- SIGTERM is passed on to every worker: each drains (``/health`` 503 ``draining``, new
  requests 503 with ``Retry-After``, in-flight ones finished within ``grace_period_s``) and
  exits 0; the supervisor then exits 0.
- SIGINT (Ctrl-C) is passed on too: each worker skips the drain and goes straight to
  uvicorn's shutdown; the supervisor exits 130.
- A second signal is passed on again (a second SIGTERM skips the rest of the drain).
  Workers still running ``2 × grace_period_s + 10`` s after the first are killed.

The workers run in their own session, so a terminal's Ctrl-C reaches only the supervisor,
which passes it on once.  A worker that exits while the others serve (a crash, or a SIGTERM
sent to that worker alone to recycle it) is replaced; one that exits before it is ready
(a broken setting or device would fail the same way every time) stops them all, and the
supervisor exits 1.  Workers whose supervisor disappears (SIGKILL) notice within a second
and drain.

Why not ``uvicorn.run(..., workers=N)``: its children run uvicorn's plain server, so they
cannot drain (their socket closes at once and ``/health`` never says ``draining``); the app
would have to be an import string with the settings re-read from the environment; and
customising its supervisor means subclassing internals that changed between uvicorn
releases.  gunicorn with uvicorn workers has the same plain server and is one more
dependency.  Here each worker runs the same draining server as ``phi-lab serve``, and the
settings, checked once in the supervisor, reach the workers as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from types import FrameType
from typing import Any

from phi_lab.compute.device import resolve_device
from phi_lab.errors import InputError
from phi_lab.server.runner import configure_logging, serve_socket
from phi_lab.server.settings import Settings

__all__ = ["supervise"]

logger = logging.getLogger("phi_lab.server.supervisor")

#: Seconds between the supervisor's looks at its workers, and a worker's at its supervisor.
POLL_S = 0.1
PARENT_POLL_S = 1.0
#: Exit status of a supervisor whose worker failed to start.
EXIT_FAILED = 1


@dataclass
class _Worker:
    """One worker process and the read end of the pipe on which it says it is ready."""

    index: int
    proc: subprocess.Popen[bytes]
    ready_fd: int
    ready: bool = False

    def check_ready(self) -> None:
        """Read the ready byte if it has come (non-blocking)."""
        if self.ready or self.ready_fd < 0:
            return
        try:
            data = os.read(self.ready_fd, 1)
        except BlockingIOError:
            return
        self.ready = data == b"1"
        os.close(self.ready_fd)  # the byte, or end of file: the worker exited before it was ready
        self.ready_fd = -1

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)  # does nothing once the process has been reaped

    def close(self) -> None:
        if self.ready_fd >= 0:
            os.close(self.ready_fd)
            self.ready_fd = -1


def supervise(settings: Settings, workers: int) -> int:
    """Serve ``settings.host:settings.port`` with ``workers`` processes until SIGTERM/SIGINT.

    Parameters
    ----------
    settings:
        Every worker's configuration (checked already).
    workers:
        How many worker processes, at least 1.

    Returns
    -------
    int
        0 when every worker that was ready stopped cleanly after SIGTERM; 130 after SIGINT;
        1 when a worker failed to start or the port cannot be bound; otherwise the worst
        status of a worker (128 + the signal that ended it, e.g. 137 for one killed after
        the stop deadline).

    Raises
    ------
    InputError
        When ``workers`` is below 1, or on a system without POSIX processes.
    DeviceError
        When ``settings.device`` names a device this machine lacks (checked before any
        worker starts, as a single worker checks it).
    """
    if workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    if os.name != "posix":
        raise InputError("several workers on one port need a POSIX system (file descriptors passed to children)")
    if settings.device not in (None, "", "auto"):
        resolve_device(settings.device)  # a device that is not there fails here, once, not in every worker
    configure_logging(settings)
    try:
        sock = _listen(settings.host, settings.port)
    except OSError as error:
        logger.error("cannot listen on %s:%d: %s", settings.host, settings.port, error)
        return EXIT_FAILED
    received: list[int] = []

    def record(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    previous = {signum: signal.signal(signum, record) for signum in (signal.SIGTERM, signal.SIGINT)}
    group: list[_Worker] = []
    try:
        return _run(settings, workers, sock, group, received)
    finally:
        for worker in group:  # only after an unexpected error: _run leaves none running
            worker.signal(signal.SIGKILL)
            worker.proc.wait()
            worker.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sock.close()


def _run(settings: Settings, count: int, sock: socket.socket, group: list[_Worker], received: list[int]) -> int:
    url = f"http://{_host_for_url(settings.host)}:{settings.port}"
    logger.info("supervisor %d: starting %d workers on %s", os.getpid(), count, url)
    stopping: int | None = None
    deadline = 0.0
    failed = False
    announced = False
    for index in range(count):
        if received:
            break
        group.append(_spawn(index, settings, sock))
    while True:
        for signum in received[:]:
            received.remove(signum)
            if stopping is None:
                stopping = signum
                deadline = time.monotonic() + _stop_timeout(signum, settings)
            logger.info("supervisor: %s, passed on to %d workers", signal.Signals(signum).name, len(group))
            for worker in group:
                worker.signal(signum)
        for worker in group[:]:
            worker.check_ready()
            status = worker.proc.poll()
            if status is None or stopping is not None:
                continue
            if not worker.ready:
                logger.error("worker %d exited with status %d before it was ready: stopping", worker.index, status)
                failed, stopping = True, signal.SIGTERM
                deadline = time.monotonic() + _stop_timeout(signal.SIGTERM, settings)
                for other in group:
                    other.signal(signal.SIGTERM)
                break
            logger.warning("worker %d exited with status %d: starting another", worker.index, status)
            worker.close()
            group.remove(worker)
            group.insert(worker.index, _spawn(worker.index, settings, sock))
        if not announced and stopping is None and all(worker.ready for worker in group):
            announced = True
            logger.info("%d workers ready on %s (pids %s)", count, url, " ".join(str(w.proc.pid) for w in group))
        if stopping is not None:
            if all(worker.proc.poll() is not None for worker in group):
                break
            if time.monotonic() > deadline:
                for worker in group:
                    if worker.proc.poll() is None:
                        logger.error(
                            "worker %d (pid %d) still running at the stop deadline: killed",
                            worker.index,
                            worker.proc.pid,
                        )
                        worker.signal(signal.SIGKILL)
                        worker.proc.wait()
                break
        time.sleep(POLL_S)
    statuses = []
    for worker in group:
        worker.check_ready()
        worker.close()
        if worker.ready:  # one stopped before it was ready served nothing: its status says nothing
            statuses.append(_exit_status(worker.proc.returncode))
    group.clear()
    worst = max(statuses, default=0)
    if failed:
        return max(worst, EXIT_FAILED)
    if stopping == signal.SIGINT:
        return max(worst, 128 + signal.SIGINT)
    return worst


def _exit_status(returncode: int) -> int:
    """A shell's exit status for a child's return code (-N: killed by signal N)."""
    return 128 - returncode if returncode < 0 else returncode


def _stop_timeout(signum: int, settings: Settings) -> float:
    """How long workers may take to stop: the drain, then uvicorn's own graceful shutdown."""
    return (2 if signum == signal.SIGTERM else 1) * settings.grace_period_s + 10.0


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _listen(host: str, port: int) -> socket.socket:
    """Bind and listen, as uvicorn would (SO_REUSEADDR, IPv6 for an address with a colon)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _spawn(index: int, settings: Settings, sock: socket.socket) -> _Worker:
    """Start worker ``index`` on ``sock``, in its own session (terminal signals reach only us)."""
    ready_read, ready_write = os.pipe()
    os.set_blocking(ready_read, False)
    command = [
        sys.executable,
        "-m",
        "phi_lab.server.supervisor",
        "--fd",
        str(sock.fileno()),
        "--ready-fd",
        str(ready_write),
        "--parent",
        str(os.getpid()),
        "--settings",
        _settings_to_json(settings),
    ]
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            pass_fds=(sock.fileno(), ready_write),
            start_new_session=True,
        )
    except BaseException:
        os.close(ready_read)
        raise
    finally:
        os.close(ready_write)
    logger.info("worker %d started (pid %d)", index, proc.pid)
    return _Worker(index, proc, ready_read)


# --- in a worker --------------------------------------------------------------------------------


def _settings_to_json(settings: Settings) -> str:
    """Every field of ``settings``, as JSON (for the worker's command line)."""
    data = asdict(settings)
    data["cors_origins"] = list(settings.cors_origins)
    return json.dumps(data)


def _settings_from_json(text: str) -> Settings:
    data: dict[str, Any] = json.loads(text)
    data["cors_origins"] = tuple(data["cors_origins"])
    return Settings(**data)


def _watch_parent(parent: int) -> None:
    """SIGTERM this worker (it drains) once its supervisor is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        logging.getLogger("phi_lab.server").warning("supervisor %d is gone: stopping", parent)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="phi-lab-parent-watch", daemon=True).start()


def _worker_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of a worker process (``python -m phi_lab.server.supervisor --fd ...``)."""
    parser = argparse.ArgumentParser(prog="phi_lab.server.supervisor", description="one worker of a supervisor")
    parser.add_argument("--fd", type=int, required=True, help="the listening socket")
    parser.add_argument("--ready-fd", type=int, required=True, help="pipe to write b'1' to once ready")
    parser.add_argument("--parent", type=int, required=True, help="the supervisor's pid")
    parser.add_argument("--settings", required=True, help="Settings as JSON")
    args = parser.parse_args(argv)
    settings = _settings_from_json(args.settings)
    configure_logging(settings)
    _watch_parent(args.parent)
    sock = socket.socket(fileno=args.fd)

    def ready() -> None:
        os.write(args.ready_fd, b"1")
        os.close(args.ready_fd)

    try:
        serve_socket(settings, sock, ready)
    except KeyboardInterrupt:  # SIGINT passed on by the supervisor, re-raised by uvicorn
        return 128 + signal.SIGINT
    return 0


if __name__ == "__main__":
    raise SystemExit(_worker_main())
