"""The load generators of ``bench_server.py`` and the rows they produce.

Two generators send a :class:`Load` for its duration and answer the same figures (a dict: the
requests answered 200, a latency histogram in microseconds, failures by kind, seconds, and
the CPU time of the client, the server processes and everything else meanwhile):

* :class:`WrkGenerator`: ``wrk`` (Debian's package, C, one thread, a Lua script of our own
  that cycles the bodies and prints its latency histogram), started per slice under
  ``taskset``.  It costs a few µs per request, so the server sets the pace.
* :class:`Helper` running :func:`load_generator`: one Python process with an
  ``httpx.AsyncClient`` (closed loop, one coroutine per connection).  It needs nothing but the
  client extra, but spends about 3 ms of its own CPU per request: on a small machine it, not
  the server, sets the pace of the cheap rows.

:func:`pool` merges a row's slices into a :class:`Row`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "GENERATORS",
    "MAX_REQUESTS_PER_ROW",
    "REQUEST_TIMEOUT_S",
    "SEEDS",
    "WARMUP_PER_CONNECTION",
    "Generator",
    "Helper",
    "Load",
    "Row",
    "Step",
    "WrkGenerator",
    "cpu_seconds",
    "find_wrk",
    "histogram",
    "load_generator",
    "machine_ticks",
    "percentile_us",
    "pin_self",
    "pool",
    "start_generator",
    "validate_bodies",
]

REQUEST_TIMEOUT_S = 30.0
#: A hard bound on the requests of one row, on top of its duration.
MAX_REQUESTS_PER_ROW = 1_000_000
#: Warm-up requests per connection before each row (a batch row sends one per connection).
WARMUP_PER_CONNECTION = 4
#: wrk's warm-up, once per URL before its first slice (wrk takes whole seconds).
WRK_WARMUP_S = 1


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


class Generator(Protocol):
    """What sends a :class:`Load` (or an in-process job) and answers its figures."""

    @property
    def pid(self) -> int | None:
        """Its process, when it keeps one running (wrk runs one per slice)."""

    def run(self, job: Any) -> dict[str, Any]: ...

    def stop(self) -> None: ...


# ----------------------------------------------------------------------------- CPU time


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


@dataclass(slots=True)
class _Meter:
    """CPU time of the server processes and of the whole machine, read before a slice and after."""

    server_pids: tuple[int, ...]
    server_before: float | None = None
    box_before: tuple[int, int, int] | None = None

    def start(self) -> None:
        self.server_before = cpu_seconds(self.server_pids)
        self.box_before = machine_ticks()

    def figures(self, elapsed: float, client_cpu: float) -> dict[str, float | None]:
        server_after, box_after = cpu_seconds(self.server_pids), machine_ticks()
        before, box_before = self.server_before, self.box_before
        server_cpu = server_after - before if server_after is not None and before is not None else None
        other_cpu = None
        if box_before is not None and box_after is not None and box_after[1] > box_before[1] and server_cpu is not None:
            box_busy = (box_after[0] - box_before[0]) / (box_after[1] - box_before[1])
            # Everything else that ran meanwhile: other programs, the parent, kernel threads.
            other_cpu = max(0.0, box_busy * box_after[2] * elapsed - server_cpu - client_cpu)
        return {"client_cpu_s": client_cpu, "server_cpu_s": server_cpu, "other_cpu_s": other_cpu}


def pin_self(cpu: int | None) -> None:
    """Pin the calling process to core ``cpu`` (``None``: leave it where it is)."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


# ----------------------------------------------------------------------------- latencies


def histogram(latencies_ns: Iterable[int]) -> list[tuple[int, int]]:
    """Latencies as (microseconds, count) pairs, by value: the form wrk reports and :func:`pool` merges."""
    counts = Counter(max(1, round(sample / 1000)) for sample in latencies_ns)
    return sorted(counts.items())


def percentile_us(pairs: Sequence[tuple[int, int]], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank) of a histogram sorted by value; ``None`` when it is empty."""
    total = sum(count for _, count in pairs)
    if not total:
        return None
    rank = max(1, math.ceil(q / 100 * total))
    seen = 0
    for value, count in pairs:
        seen += count
        if seen >= rank:
            return float(value)
    return float(pairs[-1][0])


def check_answer(load: Load, status: int, text: str) -> str | None:
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


# ----------------------------------------------------------------------------- httpx generator


async def drive(load: Load) -> dict[str, Any]:
    """Warm up, then send ``load`` for its duration with httpx; return the figures of the timed phase."""
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
            problem = check_answer(load, response.status_code, response.text)
            if problem is not None:
                return {"failed": problem}
        if all(response.status_code != 200 for response in warm):
            return {"failed": f"no warm-up request to {load.url} succeeded (status {warm[0].status_code})"}

        issued = itertools.count(load.warmup)
        latencies_ns: list[int] = []
        failures: Counter[str] = Counter()
        meter = _Meter(load.server_pids)
        meter.start()
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
        cpu = meter.figures(elapsed, client_cpu)
    return {
        "requests": len(latencies_ns),
        "latency_us": histogram(latencies_ns),
        "failures": dict(failures),
        "seconds": elapsed,
        **cpu,
    }


def load_generator(conn: Connection, cpu: int | None = None) -> None:
    """The httpx load-generator process: run each :class:`Load` received, answer its figures; stop on ``None``."""
    pin_self(cpu)
    while True:
        load = conn.recv()
        if load is None:
            return
        conn.send(asyncio.run(drive(load)))


@dataclass(slots=True)
class Helper:
    """The parent's handle on a helper process (the httpx load generator, or the in-process
    ``validate()`` loop): spawned once, reused for every row."""

    process: multiprocessing.process.BaseProcess
    conn: Connection
    name: str = "httpx"

    @classmethod
    def start(cls, target: Callable[[Connection, int | None], None], name: str, cpu: int | None = None) -> Helper:
        """Spawn ``target(conn, cpu)`` (it pins itself to core ``cpu`` unless ``None``)."""
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=target, args=(child, cpu), name=name, daemon=True)
        process.start()
        child.close()
        return cls(process, parent)

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def run(self, job: Any) -> dict[str, Any]:
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


# ----------------------------------------------------------------------------- wrk generator


#: The wrk script: ``init`` formats every request once (the bodies are written in by
#: :func:`wrk_script`), ``request`` cycles through them, ``done`` prints the counts and the
#: whole latency histogram (µs value:count pairs) for :func:`pool` to merge over slices.
WRK_LUA = """\
local bodies = {@@BODIES@@}
local method = "@@METHOD@@"
local requests = {}
local next_index = 0

function init(args)
  local headers = {}
  if #bodies > 0 then headers["Content-Type"] = "application/json" end
  if #bodies == 0 then
    requests[1] = wrk.format(method, nil, headers, nil)
  else
    for i, body in ipairs(bodies) do requests[i] = wrk.format(method, nil, headers, body) end
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format("PHI_LAB_WRK requests=%d duration_us=%d status=%d connect=%d read=%d write=%d timeout=%d\\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout))
  io.write("PHI_LAB_WRK_HISTOGRAM")
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(" ", value, ":", count)
  end
  io.write("\\n")
end
"""


def find_wrk() -> str | None:
    """The path of ``wrk`` (Debian's package ``wrk``), or ``None``."""
    return shutil.which("wrk")


def _lua_string(data: bytes) -> str:
    """``data`` as a Lua string literal: printable ASCII as is, every other byte as a decimal escape."""
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in data) + '"'


def wrk_script(load: Load, directory: Path) -> Path:
    """Write the Lua script that sends ``load``'s bodies, cycled, and return its path."""
    text = WRK_LUA.replace("@@BODIES@@", ", ".join(_lua_string(body) for body in load.bodies))
    text = text.replace("@@METHOD@@", load.method)
    path = directory / f"wrk-{abs(hash((load.url, load.method, load.bodies)))}.lua"
    path.write_text(text)
    return path


def _parse_wrk(output: str) -> tuple[dict[str, int], list[tuple[int, int]]]:
    counts: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    for line in output.splitlines():
        if line.startswith("PHI_LAB_WRK "):
            counts = {key: int(value) for key, value in (item.split("=") for item in line.split()[1:])}
        elif line.startswith("PHI_LAB_WRK_HISTOGRAM"):
            for item in line.split()[1:]:
                value, count = item.split(":")
                pairs.append((int(float(value)), int(float(count))))
    if not counts:
        raise RuntimeError(f"wrk printed no figures:\n{output[-2000:]}")
    return counts, sorted(pairs)


@dataclass(slots=True)
class WrkGenerator:
    """Runs each slice as one ``wrk`` process (one thread, ``--latency``), pinned to ``cpu`` with
    ``taskset`` when given.  Before a URL's first slice it checks one answer per body (as the httpx
    generator's warm-up does) and warms the server up for :data:`WRK_WARMUP_S`."""

    wrk: str
    directory: Path
    cpu: int | None = None
    name: str = "wrk"
    _warmed: set[str] | None = None

    @property
    def pid(self) -> int | None:
        return None

    def _command(self, load: Load, script: Path, seconds: int) -> list[str]:
        command = [
            self.wrk, "-t1", f"-c{load.concurrency}", f"-d{seconds}s", f"--timeout={int(REQUEST_TIMEOUT_S)}s",
            "--latency", "-s", str(script), load.url,
        ]  # fmt: skip
        return ["taskset", "-c", str(self.cpu), *command] if self.cpu is not None else command

    def _check(self, load: Load) -> None:
        for body in load.bodies or (None,):
            request = urllib.request.Request(load.url, data=body, method=load.method)
            if body is not None:
                request.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
                    status, text = response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode(errors="replace")
            problem = check_answer(load, status, text)
            if problem is not None:
                raise RuntimeError(problem)

    def run(self, job: Any) -> dict[str, Any]:
        """Send ``job`` (a :class:`Load`) for its duration, rounded up to whole seconds."""
        load: Load = job
        script = wrk_script(load, self.directory)
        if self._warmed is None:
            self._warmed = set()
        if load.url not in self._warmed:
            self._check(load)
            subprocess.run(self._command(load, script, WRK_WARMUP_S), capture_output=True, check=True, timeout=60)
            self._warmed.add(load.url)
        seconds = max(1, math.ceil(load.duration_s - 1e-9))
        meter = _Meter(load.server_pids)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        meter.start()
        start = time.perf_counter()
        done = subprocess.run(
            self._command(load, script, seconds), capture_output=True, text=True, check=False, timeout=seconds + 60
        )
        elapsed = time.perf_counter() - start
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_cpu = (children_after.ru_utime - children_before.ru_utime) + (
            children_after.ru_stime - children_before.ru_stime
        )
        cpu = meter.figures(elapsed, client_cpu)
        if done.returncode != 0:
            raise RuntimeError(f"wrk exited with {done.returncode}:\n{done.stderr[-2000:]}{done.stdout[-2000:]}")
        counts, pairs = _parse_wrk(done.stdout)
        failures = {kind: counts[kind] for kind in ("status", "connect", "read", "write", "timeout") if counts[kind]}
        if "status" in failures:
            failures["non-2xx"] = failures.pop("status")
        return {
            "requests": counts["requests"] - counts["status"],
            "latency_us": pairs,  # wrk's: every response, a non-2xx one included
            "failures": failures,
            "seconds": counts["duration_us"] / 1e6,
            **cpu,
            "wrk_output": "\n".join(line for line in done.stdout.splitlines() if not line.startswith("PHI_LAB_WRK")),
        }

    def stop(self) -> None:
        """Nothing runs between slices."""


# ----------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class Step:
    """One row to measure: its key, labels and load."""

    key: str
    setup: str
    request: str
    load: Load


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
    """Pool the slices of ``step`` measured in every round: counts and CPU summed, latency histograms merged."""
    merged: Counter[int] = Counter()
    for piece in slices:
        merged.update(dict(piece["latency_us"]))
    pairs = sorted(merged.items())
    total = sum(merged.values())
    requests = sum(piece["requests"] for piece in slices)
    seconds = sum(piece["seconds"] for piece in slices)
    failures: Counter[str] = Counter()
    for piece in slices:
        failures.update(piece["failures"])

    def share(field: str) -> float | None:
        values = [piece[field] for piece in slices]
        return None if None in values else sum(values) / seconds * 100

    def ms(us: float | None) -> float | None:
        return None if us is None else us / 1000

    client, server = share("client_cpu_s"), share("server_cpu_s")
    units = requests * step.load.equations_per_request
    return Row(
        key=step.key,
        setup=step.setup,
        request=step.request,
        concurrency=step.load.concurrency,
        requests=requests,
        failures=dict(failures),
        seconds=seconds,
        req_per_s=requests / seconds,
        eq_per_s=units / seconds,
        p50_ms=ms(percentile_us(pairs, 50)),
        p99_ms=ms(percentile_us(pairs, 99)),
        mean_ms=sum(value * count for value, count in pairs) / total / 1000 if total else None,
        server_cpu_pct=server,
        client_cpu_pct=client if client is not None else 0.0,
        other_cpu_pct=share("other_cpu_s"),
        # Per equation (per request for /health): what the server spends, whoever else is busy.
        server_cpu_ms_per_eq=server / 100 * seconds / units * 1000 if server is not None and units else None,
        req_per_s_by_round=[piece["requests"] / piece["seconds"] for piece in slices],
    )


# ----------------------------------------------------------------------------- bodies


#: The four examples of the project's seed (the same as ``bench_validate.SEEDS``).
SEEDS: tuple[str, ...] = ("E = mc²", "F = ma", "PV = nRT", "φ² = φ + 1")


def validate_bodies(texts: Sequence[str]) -> tuple[bytes, ...]:
    """One ``POST /validate`` body per text."""
    return tuple(json.dumps({"equation": text}, ensure_ascii=False).encode() for text in texts)


# ----------------------------------------------------------------------------- choosing one

GENERATORS = ("auto", "wrk", "httpx")


def start_generator(
    kind: str, cpu: int | None, directory: Path, *, prefer_wrk: bool
) -> tuple[Generator, str, str | None]:
    """The load generator ``kind`` names, pinned to ``cpu``: ``wrk``, ``httpx``, or ``auto`` (wrk
    when ``prefer_wrk`` and it is installed, else httpx).

    Returns the generator, a sentence describing it, and a note when ``auto`` wanted wrk and fell
    back to httpx.
    """
    wrk = find_wrk()
    if kind == "wrk" and wrk is None:
        raise RuntimeError("--generator wrk: wrk not found (Debian's package wrk: apt-get install wrk)")
    if wrk is not None and (kind == "wrk" or (kind == "auto" and prefer_wrk)):
        return WrkGenerator(wrk, directory, cpu), "wrk (1 thread, Lua script cycling the bodies)", None
    helper = Helper.start(load_generator, "phi-lab-load", cpu)
    note = None
    if kind == "auto" and prefer_wrk:
        note = (
            "NOTE: wrk not found (Debian's package wrk): the load generator is httpx, which spends ~3 ms of CPU per "
            "request and\nsets the pace of every row before the server does; install wrk for the server's real "
            "figures"
        )
    return helper, "httpx.AsyncClient in one Python process", note
