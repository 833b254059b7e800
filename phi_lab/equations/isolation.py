"""Run a heavy symbolic procedure in a child process with a hard deadline.

SymPy's solvers and Gröbner bases are exact but can run for minutes on small inputs, and a
thread cannot be stopped.  :func:`run_isolated` forks a child (which shares the already
imported SymPy, so it starts in about 15 ms), lets it compute, reads the pickled answer
through a pipe and kills the child at the deadline: the caller always gets an answer in
time (:class:`Isolated`), and a runaway procedure never outlives it.

Where ``os.fork`` does not exist (Windows), the procedure runs in the calling thread with
no deadline; phi_lab only sends it inputs within its size bounds.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Isolated", "run_isolated"]

_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Isolated:
    """The outcome of an isolated call.

    ``status`` is ``done`` (``value`` holds the result), ``timeout`` (killed at the
    deadline) or ``failed`` (it raised, or died; ``reason`` says how).
    """

    status: Literal["done", "timeout", "failed"]
    value: Any = None
    reason: str = ""
    seconds: float = 0.0


def run_isolated(function: Callable[..., Any], *args: Any, seconds: float) -> Isolated:
    """Call ``function(*args)`` in a forked child; give up after ``seconds``.

    The result must pickle.  Exceptions raised by ``function`` come back as ``failed``
    with their ``repr`` (they are never re-raised: the caller decides without them).
    """
    start = time.perf_counter()
    if not hasattr(os, "fork") or seconds <= 0:
        return _in_process(function, args, start) if seconds > 0 else Isolated("timeout", reason="no time left")
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded process" (Python ≥ 3.12)
        pid = os.fork()
    if pid == 0:  # the child: compute, write, leave without running any cleanup of the parent's
        os.close(read_end)
        _child(function, args, write_end)
    os.close(write_end)
    try:
        data = _read_until(read_end, start + seconds)
    finally:
        os.close(read_end)
        _reap(pid)
    elapsed = time.perf_counter() - start
    if data is None:
        return Isolated("timeout", reason=f"not finished within {seconds:g} s", seconds=elapsed)
    try:
        status, value = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, ValueError):
        return Isolated("failed", reason="the child process died without an answer", seconds=elapsed)
    if status == "ok":
        return Isolated("done", value, seconds=elapsed)
    return Isolated("failed", reason=str(value), seconds=elapsed)


def _child(function: Callable[..., Any], args: tuple[Any, ...], write_end: int) -> None:
    try:
        try:
            payload = pickle.dumps(("ok", function(*args)))
        except BaseException as exc:
            payload = pickle.dumps(("error", repr(exc)[:500]))
        view = memoryview(payload)
        while view:
            written = os.write(write_end, view[:_CHUNK])
            view = view[written:]
    finally:
        os._exit(0)


def _read_until(read_end: int, deadline: float) -> bytes | None:
    """Everything the child writes before it closes the pipe, or ``None`` at the deadline."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([read_end], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(read_end, _CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> None:
    """Kill the child if it still runs, and collect it (no zombies)."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _in_process(function: Callable[..., Any], args: tuple[Any, ...], start: float) -> Isolated:
    try:
        value = function(*args)
    except Exception as exc:
        return Isolated("failed", reason=repr(exc)[:500], seconds=time.perf_counter() - start)
    return Isolated("done", value, seconds=time.perf_counter() - start)
