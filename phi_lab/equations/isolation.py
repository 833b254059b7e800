"""Run heavy symbolic procedures in a helper process, each with a hard deadline.

SymPy's solvers and Gröbner bases are exact but can run for minutes on small inputs, and a
thread cannot be stopped.  So they run in a separate Python process (the *prover*, this
module run as ``python -m phi_lab.equations.isolation``), started on first use and kept:
it imports SymPy once and keeps SymPy's caches warm, so a call costs about a millisecond
of overhead.  :func:`run_isolated` sends it a procedure (by name, from :data:`PROCEDURES`:
nothing else can be run) and its arguments, pickled, and waits at most the given seconds;
past them it kills the prover (the next call starts a fresh one) and answers ``timeout``.
The caller always gets an answer in time (:class:`Isolated`), and a runaway procedure never
outlives its deadline.  Starting the prover (about a second) is charged to no deadline:
callers measure their budgets with :func:`budget_clock`, which stops while a prover starts,
so verdicts do not depend on whether it was already running.

Calls from several threads take turns (one prover, one request at a time).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Literal

__all__ = ["PROCEDURES", "Isolated", "budget_clock", "run_isolated"]

#: Seconds the prover may take to start (import SymPy) before it counts as broken.
START_SECONDS = 60.0
_HEADER = struct.Struct(">Q")
_READY = b"ready"


def _procedures() -> dict[str, Callable[..., Any]]:
    """What the prover may run (imported there, never here)."""
    from phi_lab.equations import solving

    return {
        "solve": solving.solve_in_prover,
        "analyse_system": solving.system_in_prover,
        "decide_constants": solving.constants_in_prover,
        "echo": _echo,
        "sleep": _sleep,
    }


#: Names of the procedures the prover runs (see :func:`_procedures`).
PROCEDURES = ("solve", "analyse_system", "decide_constants", "echo", "sleep")


def _echo(value: Any) -> Any:
    """Return ``value`` (to check the prover round trip)."""
    return value


def _sleep(seconds: float) -> None:
    """Sleep (to check deadlines)."""
    time.sleep(seconds)


@dataclass(frozen=True, slots=True)
class Isolated:
    """The outcome of an isolated call.

    ``status`` is ``done`` (``value`` holds the result), ``timeout`` (stopped at the
    deadline) or ``failed`` (it raised, or the prover died; ``reason`` says how).
    """

    status: Literal["done", "timeout", "failed"]
    value: Any = None
    reason: str = ""
    seconds: float = 0.0


class _Prover:
    """The parent's handle on the prover process (one per parent process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.owner = os.getpid()
        self.starting = 0.0  # seconds spent starting provers, over the life of this process

    def ensure(self) -> subprocess.Popen[bytes]:
        if self.process is not None and self.process.poll() is None and self.owner == os.getpid():
            return self.process
        self.owner = os.getpid()
        begun = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "phi_lab.equations.isolation"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdout is not None
        ready = _read_frame(process.stdout, time.perf_counter() + START_SECONDS)
        self.starting += time.perf_counter() - begun
        if ready != _READY:
            process.kill()
            process.wait()
            raise RuntimeError("the prover process did not start")
        self.process = process
        return process

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def call(self, name: str, args: tuple[Any, ...], seconds: float) -> Isolated:
        with self.lock:
            try:
                process = self.ensure()
            except (OSError, RuntimeError) as exc:
                return Isolated("failed", reason=f"the prover could not start: {exc}")
            start = time.perf_counter()
            assert process.stdin is not None and process.stdout is not None
            try:
                payload = pickle.dumps((name, args))
                process.stdin.write(_HEADER.pack(len(payload)) + payload)
                process.stdin.flush()
            except (OSError, pickle.PicklingError) as exc:
                self.stop()
                return Isolated("failed", reason=f"could not send the request: {exc}")
            answer = _read_frame(process.stdout, start + seconds)
            elapsed = time.perf_counter() - start
            if answer is None:
                self.stop()  # still computing, or dead: a fresh prover next time
                return Isolated("timeout", reason=f"not finished within {seconds:g} s", seconds=elapsed)
        status, value = pickle.loads(answer)
        if status == "ok":
            return Isolated("done", value, seconds=elapsed)
        return Isolated("failed", reason=str(value), seconds=elapsed)


def _read_frame(stream: IO[bytes], deadline: float) -> bytes | None:
    """One length-prefixed frame from ``stream``, or ``None`` at the deadline or end of stream."""
    header = _read_exactly(stream, _HEADER.size, deadline)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    return _read_exactly(stream, size, deadline)


def _read_exactly(stream: IO[bytes], size: int, deadline: float) -> bytes | None:
    chunks: list[bytes] = []
    remaining = size
    descriptor = stream.fileno()
    while remaining:
        wait = None if deadline == float("inf") else deadline - time.perf_counter()
        if wait is not None and wait <= 0:
            return None
        ready, _, _ = select.select([descriptor], [], [], wait)
        if not ready:
            return None
        chunk = os.read(descriptor, min(remaining, 1 << 16))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


_PROVER = _Prover()
atexit.register(_PROVER.stop)


def budget_clock() -> float:
    """``time.perf_counter()`` less the time spent starting prover processes: the clock that
    time budgets are measured on, so that a one-off start never eats an equation's budget."""
    return time.perf_counter() - _PROVER.starting


def run_isolated(name: str, *args: Any, seconds: float) -> Isolated:
    """Run the procedure ``name`` (one of :data:`PROCEDURES`) on ``args`` in the prover.

    The arguments and the result must pickle.  Exceptions raised by the procedure come back
    as ``failed`` with their ``repr`` (they are never re-raised: the caller decides without
    them).
    """
    if name not in PROCEDURES:
        raise ValueError(f"unknown procedure {name!r}")
    if seconds <= 0:
        return Isolated("timeout", reason="no time left")
    return _PROVER.call(name, args, seconds)


def _serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The prover's loop: read a request, run it, write the answer; stop at end of input."""
    procedures = _procedures()
    _write_frame(answers, _READY)
    while True:
        frame = _read_frame(requests, float("inf"))
        if frame is None:
            return
        name, args = pickle.loads(frame)
        try:
            answer = pickle.dumps(("ok", procedures[name](*args)))
        except Exception as exc:
            answer = pickle.dumps(("error", repr(exc)[:500]))
        _write_frame(answers, answer)


def _write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        _serve(sys.stdin.buffer, sys.stdout.buffer)
