"""Run the fleet's nginx configuration from a user directory, against workers on loopback.

``docker/nginx.conf`` is written for the balancer's container: its replicas come from an
included file that ``docker/lb-entrypoint.sh`` keeps equal to what Docker's DNS answers for
the ``worker`` service (the ``# replicas: NAME:PORT PARAMETERS`` line says which), it listens
on port 80 and logs to the container's output. :func:`render_loopback` rewrites exactly those
parts so that Debian's nginx (1.22 and later) runs it from a directory of its own, as the
current user, against workers on ``127.0.0.1``, and leaves every other line alone: balancing,
failover, body size, request ids and logging are the fleet's own. :func:`start_nginx` and
:func:`stop_nginx` run the result as a foreground process.  From a shell::

    python -m phi_lab.server.nginx docker/nginx.conf --ports 8001 8002 --listen 8080 --prefix ~/phi-fleet

prints the configuration (see docs/workers.md for the whole recipe).

The rewrites, all by line (the configuration keeps one directive per line):

- ``user``: dropped; ``user root;`` when running as root, so that the worker processes can
  write the temporary directories under ``prefix``. Loopback only.
- ``daemon off;`` and ``master_process on;`` are added: nginx stays in the foreground, as a
  child of whoever started it, with its real master/worker structure.
- ``pid``, ``error_log`` and ``access_log`` (the file ones) point into ``prefix``, and every
  ``*_temp_path`` is set to ``prefix/NAME_temp`` (nginx creates those itself).
- The ``include ...;`` of the replicas (the line after ``# replicas: NAME:PORT PARAMETERS``)
  becomes one ``server 127.0.0.1:PORT PARAMETERS;`` per port, with the parameters of the
  ``# replicas:`` line (or ``server_params`` when given): what the entrypoint would write.
- ``listen 80;`` becomes ``listen 127.0.0.1:LISTEN_PORT;``.

tests/server/nginx_loopback.py holds the tests' copy of this module; a test keeps the two
rendering alike.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from phi_lab.errors import InputError, WorkerError

__all__ = [
    "ACCESS_LOG",
    "ERROR_LOG",
    "PID_FILE",
    "find_nginx",
    "main",
    "render_loopback",
    "start_nginx",
    "stop_nginx",
]

PID_FILE = "nginx.pid"
ERROR_LOG = "error.log"
ACCESS_LOG = "access.log"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

_USER = re.compile(r"^[ \t]*user[ \t][^;]*;[ \t]*\n", re.MULTILINE)
_PID = re.compile(r"^([ \t]*)pid[ \t][^;]*;", re.MULTILINE)
_ERROR_LOG = re.compile(r"^([ \t]*)error_log[ \t]+\S+([^;]*);", re.MULTILINE)
_ACCESS_LOG = re.compile(r"^([ \t]*)access_log[ \t]+(?!off\b)\S+([^;]*);", re.MULTILINE)
#: ``# replicas: NAME:PORT PARAMETERS`` then the ``include`` of the file the entrypoint writes.
_REPLICAS = re.compile(
    r"^[ \t]*#[ \t]*replicas:[ \t]*(\S+):(\d+)([^\n]*)\n([ \t]*)include[ \t]+[^;\s]+[ \t]*;", re.MULTILINE
)
_LISTEN = re.compile(r"^([ \t]*)listen[ \t]+80[ \t]*;", re.MULTILINE)
_HTTP = re.compile(r"^([ \t]*)http[ \t]*\{[ \t]*\n", re.MULTILINE)


def find_nginx() -> str | None:
    """Return the path of the nginx binary, or ``None`` where there is none.

    Debian installs it in ``/usr/sbin``, which a non-root ``PATH`` may lack.
    """
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _quote(path: Path) -> str:
    text = str(path)
    if any(c in text for c in '"\\;{}\n'):
        raise InputError(f"nginx cannot be given this path unquoted or quoted: {text!r}")
    return f'"{text}"'


def _sub(
    pattern: re.Pattern[str],
    repl: str | Callable[[re.Match[str]], str],
    text: str,
    what: str,
    *,
    exactly_one: bool = True,
) -> str:
    """Substitute ``pattern``; raise unless it matched once (or, if not ``exactly_one``, at all)."""
    new, n = pattern.subn(repl, text)
    if n == 0 or (exactly_one and n != 1):
        raise InputError(f"expected {'one' if exactly_one else 'a'} {what} in the nginx configuration, found {n}")
    return new


def render_loopback(
    config_text: str,
    ports: Sequence[int],
    listen_port: int,
    prefix: Path,
    *,
    server_params: str | None = None,
) -> str:
    """Rewrite ``docker/nginx.conf`` to run on loopback from ``prefix``.

    Parameters
    ----------
    config_text
        The text of ``docker/nginx.conf``.
    ports
        Ports of the workers on ``127.0.0.1``, one upstream server each (at least one).
    listen_port
        Port nginx listens on, on ``127.0.0.1``.
    prefix
        Existing directory for the pid file, logs and temporary files (nginx's ``-p``).
    server_params
        Parameters for each upstream server line instead of the ``# replicas:`` line's,
        e.g. ``"max_fails=1 fail_timeout=5s"``.

    Returns
    -------
    str
        The configuration, to write to a file and pass to ``nginx -c``.

    Raises
    ------
    InputError
        When a directive to rewrite is missing or ambiguous (the renderer must be kept in
        step with ``docker/nginx.conf``), or no port is given.
    """
    if not ports:
        raise InputError("at least one worker port is needed")
    prefix = prefix.resolve()
    text = config_text

    text, n_user = _USER.subn("", text)
    if n_user > 1:
        raise InputError(f"expected at most one user directive, found {n_user}")
    head = ["daemon off;", "master_process on;"]
    if os.geteuid() == 0:
        head.append("user root;")
    text = "\n".join(head) + "\n" + text

    text = _sub(_PID, rf"\g<1>pid {_quote(prefix / PID_FILE)};", text, "pid directive")
    text = _sub(_ERROR_LOG, rf"\g<1>error_log {_quote(prefix / ERROR_LOG)}\g<2>;", text, "error_log", exactly_one=False)
    text = _sub(
        _ACCESS_LOG, rf"\g<1>access_log {_quote(prefix / ACCESS_LOG)}\g<2>;", text, "access_log", exactly_one=False
    )
    replicas = list(_REPLICAS.finditer(text))
    if len(replicas) != 1:
        raise InputError(
            f"expected one `# replicas: NAME:PORT PARAMETERS` line followed by an include, found {len(replicas)}"
        )
    match = replicas[0]
    indent = match.group(4)
    if server_params is None:
        server_params = match.group(3).strip()
    params = f" {server_params}" if server_params else ""
    servers = "\n".join(f"{indent}server 127.0.0.1:{port}{params};" for port in ports)
    text = text[: match.start()] + servers + text[match.end() :]

    text = _sub(_LISTEN, rf"\g<1>listen 127.0.0.1:{listen_port};", text, "listen 80 directive")

    def temp_paths(m: re.Match[str]) -> str:
        inner = m.group(1) + "    "
        lines = [f"{inner}{name}_temp_path {_quote(prefix / f'{name}_temp')};" for name in TEMP_PATHS]
        return m.group(0) + "\n".join(lines) + "\n"

    return _sub(_HTTP, temp_paths, text, "http block")


def start_nginx(
    config_path: Path,
    prefix: Path,
    *,
    nginx: str | None = None,
    timeout: float = 10.0,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.Popen[bytes]:
    """Start nginx in the foreground on a rendered configuration; return once it listens.

    nginx writes its pid file after it has bound its listening sockets, so once the file
    holds the master's pid, connections are accepted (queued until a worker takes them).

    Parameters
    ----------
    config_path
        A configuration made by :func:`render_loopback` with the same ``prefix``.
    prefix
        The ``prefix`` given to :func:`render_loopback`.
    nginx
        The nginx binary; by default :func:`find_nginx`.
    timeout
        Seconds to wait for the pid file.
    preexec_fn
        Run in the child before nginx starts (as :class:`subprocess.Popen`'s), e.g. to ask
        for a signal when the parent dies.

    Returns
    -------
    subprocess.Popen
        The master process; end it with :func:`stop_nginx`.

    Raises
    ------
    WorkerError
        When nginx is missing, exits, or does not start listening in time (with its
        error log in the message).
    """
    binary = nginx or find_nginx()
    if binary is None:
        raise WorkerError("nginx is not installed (Debian: apt-get install nginx)")
    prefix = prefix.resolve()
    pid_file = prefix / PID_FILE
    pid_file.unlink(missing_ok=True)
    startup_log = (prefix / "nginx.stderr").open("wb")
    proc = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(config_path.resolve()), "-e", str(prefix / ERROR_LOG)],
        stdin=subprocess.DEVNULL,
        stdout=startup_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop_nginx can end the workers too
        preexec_fn=preexec_fn,  # noqa: PLW1509 (the caller's; see phi_lab.server.fleet)
    )
    startup_log.close()
    deadline = time.monotonic() + timeout
    while not _pid_written(pid_file, proc.pid):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_nginx(proc)
            raise WorkerError(f"nginx did not start:\n{_logs(prefix)}")
        time.sleep(0.02)
    return proc


def stop_nginx(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """Stop nginx gracefully, else kill it and its workers; return the master's exit status.

    SIGQUIT lets the workers finish the requests they hold. If that takes longer than
    ``timeout`` seconds, or the master had already died, SIGKILL goes to nginx's process
    group (its own, see :func:`start_nginx`): workers outlive a dead master, still listening.
    """
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout)
            return proc.returncode
        except subprocess.TimeoutExpired:
            pass
    # Killed, or the master died on its own: end whatever is left of its process group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout)
    return proc.returncode


def _pid_written(pid_file: Path, pid: int) -> bool:
    try:
        return pid_file.read_text().strip() == str(pid)
    except FileNotFoundError:
        return False


def _logs(prefix: Path) -> str:
    parts = []
    for name in ("nginx.stderr", ERROR_LOG):
        path = prefix / name
        if path.exists():
            parts.append(f"--- {name}\n{path.read_text(errors='replace')}")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m phi_lab.server.nginx CONF --ports P1 P2 ... --listen PORT --prefix DIR``.

    Print ``CONF`` (``docker/nginx.conf``) rendered by :func:`render_loopback`; pass the
    output to ``nginx -p DIR -c FILE``.  Exit 2, with one line on stderr, when it cannot.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m phi_lab.server.nginx",
        description="Render docker/nginx.conf for workers on 127.0.0.1 and nginx run from a directory of yours.",
    )
    parser.add_argument("config", type=Path, help="the configuration to render (docker/nginx.conf)")
    parser.add_argument("--ports", type=int, nargs="+", required=True, help="the workers' ports on 127.0.0.1")
    parser.add_argument("--listen", type=int, required=True, help="the port nginx listens on, on 127.0.0.1")
    parser.add_argument("--prefix", type=Path, required=True, help="nginx's directory (pid, logs, temporary files)")
    parser.add_argument("--server-params", help="parameters of each upstream server line (default: the file's)")
    args = parser.parse_args(argv)
    try:
        text = render_loopback(
            args.config.read_text(), args.ports, args.listen, args.prefix, server_params=args.server_params
        )
    except (OSError, InputError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
