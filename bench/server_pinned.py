"""``bench_server.py --pin``: what the worker costs on top of :func:`phi_lab.validate`.

With two usable cores or more (and ``taskset``), the servers and the in-process loop run on
the first core, the load generator on the second; with fewer, it says so and runs unpinned.
One run, the rows round-robin, all on ``POST /validate`` over the seed's four examples with 16
connections: a bare FastAPI app (:func:`bench.server_processes.bare_app`), one ``phi-lab
serve`` process, and in-process ``phi_lab.validate()`` on the same texts; then worker ÷
in-process (goal: at least 0.65), bare ÷ in-process, and per request the worker's cost beyond
``validate()`` next to the bare endpoint's, each measured and by CPU time.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.server_load import (
    SEEDS,
    WARMUP_PER_CONNECTION,
    Helper,
    Load,
    Row,
    Step,
    pin_self,
    pool,
    start_generator,
    validate_bodies,
)
from bench.server_processes import Worker, get_text, start_bare, start_worker, stop_worker, wait_healthy
from bench.server_report import fmt, machine_facts, spread, stack_line

__all__ = ["PINNED_CONCURRENCY", "TARGET_WORKER_OVER_INPROCESS", "print_pinned_report", "run_pinned"]

WORKER_START_TIMEOUT_S = 90.0

#: Goal of the pinned comparison, printed next to the measurement (never asserted).
TARGET_WORKER_OVER_INPROCESS = 0.65
#: Goal for the worker's tail latency at :data:`PINNED_CONCURRENCY` connections (never asserted).
TARGET_P99_OVER_P50 = 5.0
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
        f"{server}, load generator on core {client} (taskset, or os.sched_setaffinity for httpx)"
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
    pin_self(cpu)
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
        "worker_p99_over_p50": div(worker.p99_ms, worker.p50_ms),
        "bare_p99_over_p50": div(bare.p99_ms, bare.p50_ms),
    }


def run_pinned(args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    """The bare app, one worker and in-process ``validate()`` on one core, the load generator on another."""
    began = time.perf_counter()
    cores, pinning = pinning_cores()
    server_cpu, client_cpu = cores if cores is not None else (None, None)
    progress(pinning)
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="phi-lab-bench-")))
        generator, generator_text, note = start_generator(args.generator, client_cpu, root, prefer_wrk=True)
        stack.callback(generator.stop)
        if note is not None:
            progress(note)
        inprocess = Helper.start(validate_loop, "phi-lab-inprocess", server_cpu)
        stack.callback(inprocess.stop)
        progress("starting the bare app and one worker")
        bare = start_bare(root, server_cpu)
        stack.callback(stop_worker, bare)
        worker = start_worker("worker", args.device, True, root, server_cpu)  # its defaults: batching on
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
            "load generator": generator.pid,
        }
        affinity = {name: sorted(os.sched_getaffinity(pid)) for name, pid in processes.items() if pid is not None}
        if generator.pid is None and client_cpu is not None:
            affinity["load generator"] = [client_cpu]  # wrk: taskset -c per slice
    rows = {step.key: pool(step, slices[step.key]) for step in steps}
    in_row = pool_calls(in_slices)
    return {
        "machine": machine_facts(args.device, None, generator_text),
        "settings": {
            "pinning": pinning,
            "generator_note": note,
            "server_core": server_cpu,
            "client_core": client_cpu,
            "affinity": affinity,
            "device": args.device,
            "worker_device": info["device"],
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "compute_threads": info["limits"]["compute_threads"],
            "batching": info["limits"]["batching"],
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
    print(stack_line(facts))
    print(
        f"cpu {facts['processor']}; {facts['cpu_count']} cpus ({facts['cpus_usable']} usable); "
        f"1-min load average at the end {fmt(facts['load_average_1min'], '.2f')}; platform {facts['platform']}"
    )
    print(settings["pinning"])
    print("affinity read back: " + ", ".join(f"{name} {cores}" for name, cores in settings["affinity"].items()))
    print(
        f"servers: the bare app (bench.server_processes.bare_app, uvicorn configured as phi-lab serve) and "
        f"phi-lab serve (1 process, PHI_LAB_DEVICE={settings['device']}, device reported "
        f"{settings['worker_device']}, compute threads {settings['compute_threads']}, dynamic batching "
        f"{'on' if settings['batching'] else 'off'}, log level {settings['log_level']}), both on 127.0.0.1"
    )
    print(
        f"load: {facts['generator']}, {settings['concurrency']} keep-alive connections, "
        f"closed loop, POST /validate over the seed's {len(SEEDS)} examples (cycled); in-process: "
        f"phi_lab.validate(text, device={settings['device']!r}) back to back over the same {len(SEEDS)}, one "
        f"thread; {settings['duration_s']:g} s per row, in {settings['rounds']} interleaved slices (rows "
        f"round-robin), each HTTP slice after a warm-up"
    )
    if settings["generator_note"]:
        print(settings["generator_note"])
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
            f"{row['req_per_s']:8,.0f} {spread(row['req_per_s_by_round']):>4} {fmt(row['p50_ms'], '8.2f'):>8} "
            f"{fmt(row['p99_ms'], '8.2f'):>8} {fmt(row['server_cpu_pct'], '6.0f'):>6}% "
            f"{fmt(row['client_cpu_pct'], '6.0f'):>6}% {fmt(row['other_cpu_pct'], '6.0f'):>6}% "
            f"{fmt(row['server_cpu_ms_per_eq'], '10.3f'):>10}"
        )
        if row["failures"]:
            print(f"{'':44} failures: {row['failures']}")
    inp = report["inprocess"]
    print(
        f"{'in-process phi_lab.validate() (calls)':44} {'-':>4} {inp['calls']:7d} {0:6d} {inp['calls_per_s']:8,.0f} "
        f"{spread(inp['calls_per_s_by_round']):>4} {inp['p50_ms']:8.2f} {inp['p99_ms']:8.2f} "
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
                f"{fmt(row['other_cpu_pct'], '.0f')} %), not by the server: its req/s is a lower bound"
            )
    print()
    r = report["ratios"]

    def x(key: str) -> str:
        return fmt(r.get(key), ".2f", "n/a") + ("×" if r.get(key) is not None else "")

    def ms(key: str) -> str:
        return fmt(r.get(key), ".3f", "n/a") + (" ms" if r.get(key) is not None else "")

    value = r["worker_over_inprocess"]
    verdict = "n/a" if value is None else ("PASS" if value >= TARGET_WORKER_OVER_INPROCESS else "MISS")
    print(f"  {'ratios':52} {'measured':>9} {'by CPU':>8}")
    print(
        f"  {'worker ÷ in-process':52} {x('worker_over_inprocess'):>9} {x('worker_over_inprocess_by_cpu'):>8}"
        f"   goal >= {TARGET_WORKER_OVER_INPROCESS:.2f}: {verdict}"
    )
    print(f"  {'bare ÷ in-process':52} {x('bare_over_inprocess'):>9} {x('bare_over_inprocess_by_cpu'):>8}")
    tail = r.get("worker_p99_over_p50")
    tail_verdict = "n/a" if tail is None else ("PASS" if tail <= TARGET_P99_OVER_P50 else "MISS")
    print(
        f"  {'worker p99 ÷ p50':52} {x('worker_p99_over_p50'):>9} {'':>8}   goal <= {TARGET_P99_OVER_P50:g}: "
        f"{tail_verdict} (bare: {x('bare_p99_over_p50')})"
    )
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


def _percentile(samples: Sequence[int], q: int) -> float:
    if len(samples) < 2:
        return float(samples[0])
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]
