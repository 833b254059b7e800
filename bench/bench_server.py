"""Throughput and latency of the HTTP worker: real ``phi-lab serve`` processes on loopback,
driven by a separate load-generator process.

Run from the repository root::

    python bench/bench_server.py [--duration S] [--concurrency N] [--device cpu] [--rounds R] [--json]
    python bench/bench_server.py --pin [...]   # the pinned comparison below
    python -m bench.bench_server ...

What it measures, all in one run on one machine, every server a real process on 127.0.0.1:

* ``POST /validate`` for the seed's four examples and for :data:`CORPUS`, a fixed mix of 30
  equations (one equation per request, cycled in order), on

  - one worker, direct, dynamic batching off (``PHI_LAB_BATCHING=off``: one request at a time);
  - one worker with dynamic batching on (its default, with the default wait and size);
  - nginx (``docker/nginx.conf`` rendered for loopback by ``tests/server/nginx_loopback.py``)
    in front of one worker, and in front of two workers;

* ``GET /health`` on the direct worker, a no-op route: the HTTP ceiling of the same server
  (uvicorn, FastAPI and the worker's middlewares, no validation); and nginx's own
  ``/health`` (answered by nginx, no worker) as the balancer's ceiling;
* equations/s through ``POST /validate/batch`` in chunks of 256 and 2,048 corpus equations
  (:data:`BATCH_ROWS`: two and one requests in flight).

The load generator (``--generator``, :mod:`bench.server_load`) is one Python process running an
``httpx.AsyncClient`` (with ``--generator wrk``, Debian's ``wrk``: one C thread, a Lua script
cycling the bodies; ``--pin`` uses wrk when it is installed); either keeps a fixed number of
keep-alive connections (closed loop: each connection sends its next request when the previous
answer arrives).  A row's duration
is split into ``--rounds`` slices measured round-robin over all rows (so that drift and other
programs' bursts spread over every row), then pooled.  Each slice sends warm-up requests
first (every connection opened, every payload sent), then runs for its share of the
duration (wrk: whole seconds).  Latency is measured by the client, per request, from send to
the end of the body, and pooled over slices as a histogram in microseconds.  CPU columns are CPU time over the
row's wall time, read from ``/proc`` (100 % = one core): the server processes (the
worker(s), plus nginx's master and workers behind it), the client, and everything else that
ran on the machine meanwhile (``other``: a busy machine inflates every figure); and the
server's CPU per equation (per request for ``/health``), the figure least moved by whoever
else competes for the cores.  Each ratio is printed twice: measured (req/s or eq/s), and by
that cost, which is what the measured ratio would be if the client were free and each server
process had a core of its own (with httpx on a small machine the client is often the bottleneck
of the cheap rows, ``/health`` above all: see its CPU column).

Nothing is asserted: the target (``/validate`` at least half the ``/health`` ceiling) is
printed next to the figures.  The load generator shares the machine's cores with the
workers and nginx, so the absolute numbers say little; compare ratios within one run.

``--pin`` measures something else: what the worker costs on top of :func:`phi_lab.validate`,
with the servers on one core and the load generator on another (:mod:`bench.server_pinned`).

The code: :mod:`bench.server_load` (generators, rows), :mod:`bench.server_processes` (the
servers), :mod:`bench.server_pinned` (``--pin``), :mod:`bench.server_report` (shared printing).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.server_load import (
    GENERATORS,
    SEEDS,
    WARMUP_PER_CONNECTION,
    Load,
    Row,
    Step,
    pool,
    start_generator,
    validate_bodies,
)
from bench.server_pinned import PINNED_CONCURRENCY, print_pinned_report, run_pinned
from bench.server_processes import (
    REPO,
    Balancer,
    Worker,
    dynamic_batches,
    get_text,
    serve_bare,
    start_balancer,
    start_worker,
    stop_worker,
    upstream_shares,
    wait_healthy,
)
from bench.server_report import fmt, machine_facts, spread, stack_line

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
WORKER_START_TIMEOUT_S = 90.0


# ----------------------------------------------------------------------------- plan


def batch_body(texts: Sequence[str], size: int) -> bytes:
    """One ``POST /validate/batch`` body of ``size`` equations, cycling through ``texts``."""
    chunk = [texts[index % len(texts)] for index in range(size)]
    return json.dumps({"equations": chunk}, ensure_ascii=False).encode()


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


# ----------------------------------------------------------------------------- report


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


def print_report(report: dict[str, Any]) -> None:
    """Print ``report`` for people."""
    facts = report["machine"]
    print("phi_lab HTTP worker benchmark")
    print("=" * 120)
    print(f"{stack_line(facts)}; nginx {facts['nginx'] or 'not found'}")
    print(
        f"cpu {facts['processor']}; {facts['cpu_count']} cpus ({facts['cpus_usable']} usable); "
        f"1-min load average at the end {fmt(facts['load_average_1min'], '.2f')}; platform {facts['platform']}"
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
        f"load: {facts['generator']}, {settings['concurrency']} keep-alive connections "
        f"({batch_connections} for /validate/batch), closed loop; {settings['duration_s']:g} s per row, in "
        f"{settings['rounds']} interleaved slices (rows round-robin), each after {WARMUP_PER_CONNECTION} warm-up "
        "requests per connection (one for a batch; wrk: one warm-up second per URL)"
    )
    if settings["generator_note"]:
        print(settings["generator_note"])
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
            f"{row['req_per_s']:8,.0f} {row['eq_per_s']:8,.0f} {spread(row['req_per_s_by_round']):>4} "
            f"{fmt(row['p50_ms'], '8.2f'):>8} "
            f"{fmt(row['p99_ms'], '8.2f'):>8} {fmt(row['server_cpu_pct'], '6.0f'):>6}% "
            f"{fmt(row['client_cpu_pct'], '6.0f'):>6}% {fmt(row['other_cpu_pct'], '6.0f'):>6}% "
            f"{fmt(row['server_cpu_ms_per_eq'], '9.3f'):>9}"
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
        return fmt(r.get(key), ".2f", "n/a") + ("×" if r.get(key) is not None else "")

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
        split = ", ".join(f"{addr} {count / total:.0%}" for addr, count in sorted(shares.items()))
        print(f"  {name} requests by upstream (access log, warm-ups included): {split}")
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
        generator, generator_text, note = start_generator(args.generator, None, root, prefer_wrk=False)
        stack.callback(generator.stop)
        if note is not None:
            progress(note)
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
        "machine": machine_facts(args.device, nginx, generator_text),
        "settings": {
            "device": args.device,
            "worker_device": info["device"],
            "generator_note": note,
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
    parser.add_argument(
        "--generator",
        choices=GENERATORS,
        default="auto",
        help="load generator: wrk (Debian's package), httpx, or auto (default: wrk when installed for --pin, httpx "
        "for the full run, whose /validate/batch rows need requests in flight at the deadline to count)",
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
