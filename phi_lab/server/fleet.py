"""Workers, and a fleet behind nginx, on this machine's loopback: start, use, stop.

For notebooks, scripts and tests, without containers:

- :func:`start_server` runs ``phi-lab serve`` (``--workers N`` for N processes on one port)
  on a free port of ``127.0.0.1`` and returns once every one of its workers has answered;
  :meth:`LocalServer.stop` sends SIGTERM (each worker drains) and waits.
- :func:`start_fleet` runs ``count`` single workers on ``count`` ports behind nginx running
  ``docker/nginx.conf`` (rendered by :mod:`phi_lab.server.nginx`): least connections and
  failover, as in the Docker fleet.

Every process started here is stopped by ``stop()``, by the ``with`` block, or when this
Python process exits; on Linux also when it dies (the servers get a parent-death signal).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from phi_lab.errors import InputError, WorkerError
from phi_lab.server.nginx import find_nginx, render_loopback, start_nginx, stop_nginx

__all__ = ["Fleet", "LocalServer", "free_ports", "start_fleet", "start_server"]

#: How long a server may take until every worker answers (each imports torch: seconds).
READY_TIMEOUT_S = 90.0
#: How long ``stop`` waits after SIGTERM before SIGKILL (past the supervisor's own deadline at the default grace).
STOP_TIMEOUT_S = 60.0
#: Requests to loopback never go through an ``http_proxy`` of the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(eq=False)
class LocalServer:
    """A ``phi-lab serve`` process on ``127.0.0.1:port`` (one worker, or a supervisor of several).

    Attributes
    ----------
    proc:
        The process (the supervisor when ``workers`` > 1).
    port, workers:
        Where it listens and how many worker processes serve there.
    log:
        Its standard output and error.
    worker_ids:
        The ids its workers answered with while it started (one per worker).
    """

    proc: subprocess.Popen[bytes]
    port: int
    workers: int
    log: Path
    worker_ids: tuple[str, ...] = ()
    _remove_log: bool = field(default=False, repr=False)
    _terminated: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, size: int = 4000) -> str:
        """The end of its output (for error messages)."""
        try:
            return self.log.read_text(errors="replace")[-size:]
        except FileNotFoundError:
            return "(no log)"

    def terminate(self) -> None:
        """Send SIGTERM once, without waiting (a second SIGTERM would cut the drain short)."""
        if not self._terminated:
            self._terminated = True
            self.proc.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """SIGTERM (every worker drains, then exits), SIGKILL after ``timeout`` s; return the exit status.

        Safe to call again, and on a server that has exited.
        """
        if self.proc.poll() is None:
            self.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()  # its workers notice their supervisor is gone, and drain
                self.proc.wait()
        atexit.unregister(self.stop)
        if self._remove_log:
            self.log.unlink(missing_ok=True)
        return self.proc.returncode

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports of 127.0.0.1 that nothing listens on now (held until all are chosen)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def start_server(
    workers: int = 1,
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = READY_TIMEOUT_S,
) -> LocalServer:
    """Run ``phi-lab serve --workers N`` on ``127.0.0.1`` and wait until every worker answers.

    Parameters
    ----------
    workers:
        Worker processes on the port (``--workers``).
    port:
        The port; default a free one.
    env:
        Variables over this process's environment (e.g. ``{"PHI_LAB_DEVICE": "cpu"}``).
    log:
        File for its output; default a temporary file, removed by :meth:`LocalServer.stop`.
    timeout:
        Seconds to wait until ``workers`` distinct worker ids have answered ``GET /info``.

    Returns
    -------
    LocalServer
        Ready; stop it with :meth:`~LocalServer.stop` or a ``with`` block.

    Raises
    ------
    InputError
        For ``workers`` below 1.
    WorkerError
        When it exits or is not ready in time (it is stopped first; the message ends with
        its output).
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a whole number of at least 1, got {workers!r}")
    server = _launch(free_ports(1)[0] if port is None else port, workers, env, log)
    try:
        server.worker_ids = _wait_ready(server, time.monotonic() + timeout)
    except BaseException:
        server.stop()
        raise
    return server


@dataclass(eq=False)
class Fleet:
    """Single workers on loopback ports behind nginx (:func:`start_fleet`)."""

    servers: list[LocalServer]
    nginx: subprocess.Popen[bytes]
    port: int
    prefix: Path

    @property
    def url(self) -> str:
        """The balancer's address."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop nginx (finishing the requests it holds), then every worker (each drains). Safe to call again."""
        stop_nginx(self.nginx)
        atexit.unregister(self.stop)
        _stop_all(self.servers)

    def __enter__(self) -> Fleet:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def start_fleet(
    count: int,
    nginx_conf: Path,
    prefix: Path,
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    server_params: str | None = None,
    timeout: float = READY_TIMEOUT_S,
) -> Fleet:
    """Start ``count`` workers, each on its own free port, and nginx in front of them.

    Parameters
    ----------
    count:
        How many workers (nginx upstream servers).
    nginx_conf:
        The fleet's configuration, ``docker/nginx.conf`` of the repository.
    prefix:
        An existing directory for nginx (its rendered ``nginx.conf``, pid, logs and temporary
        files) and the workers' logs (``worker-PORT.log``).
    port:
        nginx's port on ``127.0.0.1``; default a free one.
    env:
        Variables for the workers, over this process's environment.
    server_params:
        Parameters for each upstream server line instead of the file's (less ``resolve``).
    timeout:
        Seconds allowed for the workers to become ready.

    Returns
    -------
    Fleet
        Started; stop it with :meth:`~Fleet.stop` or a ``with`` block.

    Raises
    ------
    InputError
        For ``count`` below 1, or a configuration the renderer does not recognise.
    WorkerError
        When a worker or nginx does not start (whatever had started is stopped first).
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InputError(f"count must be a whole number of at least 1, got {count!r}")
    if find_nginx() is None:
        raise WorkerError("nginx is not installed (Debian: apt-get install nginx)")
    prefix = prefix.resolve()
    ports = free_ports(count if port is not None else count + 1)
    listen = port if port is not None else ports.pop()
    servers = [_launch(worker_port, 1, env, prefix / f"worker-{worker_port}.log") for worker_port in ports]
    try:
        deadline = time.monotonic() + timeout
        for server in servers:
            server.worker_ids = _wait_ready(server, deadline)
        config = prefix / "nginx.conf"
        text = render_loopback(nginx_conf.read_text(), ports, listen, prefix, server_params=server_params)
        config.write_text(text)
        nginx = start_nginx(config, prefix, preexec_fn=_die_with_parent())
    except BaseException:
        _stop_all(servers)
        raise
    fleet = Fleet(servers, nginx, listen, prefix)
    atexit.register(fleet.stop)
    return fleet


def _stop_all(servers: list[LocalServer]) -> None:
    """SIGTERM every server first (they drain side by side), then wait for each."""
    for server in servers:
        server.terminate()
    for server in servers:
        server.stop()


def _launch(port: int, workers: int, env: Mapping[str, str] | None, log: Path | None) -> LocalServer:
    environ = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "phi_lab.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    remove_log = log is None
    if log is None:
        handle, name = tempfile.mkstemp(prefix=f"phi_lab_serve_{port}_", suffix=".log")
        os.close(handle)
        log = Path(name)
    with log.open("wb") as output:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environ,
            preexec_fn=_die_with_parent(),  # noqa: PLW1509 (one prctl call, nothing that takes a lock)
        )
    server = LocalServer(proc, port, workers, log, _remove_log=remove_log)
    atexit.register(server.stop)
    return server


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, a function that asks for SIGTERM when the parent dies (run between fork and exec).

    Without it a server started from a notebook would outlive a kernel killed with SIGKILL,
    which runs no ``atexit``.  The signal comes when the *thread* that started the server
    ends, so start servers from a thread that lives as long as they should (the main one).
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not in the child
    pr_set_pdeathsig = 1

    def set_pdeathsig() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM))

    return set_pdeathsig


def _wait_ready(server: LocalServer, deadline: float) -> tuple[str, ...]:
    """Ask ``GET /info``, each time on a new connection, until ``server.workers`` ids have said ``ready``.

    The workers of one port share its socket: the kernel gives each new connection to one of
    them, so every worker is reached after a few requests.
    """
    seen: set[str] = set()
    while True:
        if server.proc.poll() is not None:
            raise WorkerError(
                f"phi-lab serve on port {server.port} exited with status {server.proc.returncode}:\n"
                f"{server.log_tail()}",
                server.url,
            )
        info = _info(server.url)
        if info is not None and info.get("status") == "ready":
            seen.add(str(info["worker_id"]))
            if len(seen) >= server.workers:
                return tuple(sorted(seen))
        if time.monotonic() > deadline:
            raise WorkerError(
                f"phi-lab serve on port {server.port}: {len(seen)} of {server.workers} workers ready in time:\n"
                f"{server.log_tail()}",
                server.url,
            )
        time.sleep(0.05 if info is not None else 0.2)


def _info(url: str) -> dict[str, object] | None:
    """``GET /info`` on a new connection; ``None`` while nothing (ready) answers."""
    try:
        with _DIRECT.open(f"{url}/info", timeout=5) as response:  # a loopback URL we built
            data = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
