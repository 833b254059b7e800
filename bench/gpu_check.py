"""One command for a lent NVIDIA machine: CPU-versus-CUDA correctness, evaluator throughput, copy bandwidth.

Run from the repository root (under 5 minutes; starts no server, writes nothing but its JSON)::

    python bench/gpu_check.py

It prints the device, then

1. ``classify_many`` verdicts on :data:`CORPUS` (about 30 equations) on the CPU and on CUDA:
   the kinds must be equal;
2. :func:`~phi_lab.compute.program.run_program` values of one seeded random batch
   (:func:`bench_evaluator.random_batch`) on the CPU and on CUDA: the same NaN/inf mask and
   values within a relative 1e-12;
3. φ's closed forms and equations (:func:`phi_lab.find_closed_forms`,
   :func:`phi_lab.find_equations`) searched on the CPU and on CUDA: the exact hits must be the
   same, and both wall times are printed;
4. the search pool grown on CUDA with its pruning rules and without
   (:func:`bench_pool.measure_throughput`, one level deeper than ``bench_explore.py``'s
   default): levels finished, generated, pruned, evaluated, kept, kept/s, and the time ratio;
5. evaluator throughput on CUDA (node-evaluations/s), doubling the batch until the peak
   memory would pass half of the free memory or the time budget runs out; larger batches
   tile one compiled base program (its compile time is measured once, per expression);
6. the bandwidth of a device-to-device ``copy_`` of a large buffer, and the evaluator's
   throughput expressed as bandwidth under a lower-bound traffic model (one 16-byte complex
   read and one written per node-evaluation).

Without CUDA it prints ``no CUDA device: nothing to check`` and exits 0.  With ``$OUT`` set,
the figures are also written to ``$OUT/gpu_check.json``.  Exit status 1 if a check fails.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root and bench/ importable
    _HERE = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [os.path.dirname(_HERE), _HERE]

import torch

#: Whole-script budget (seconds); the throughput sweep stops early to stay inside it.
BUDGET_S = 240.0
#: The sweep stops when the next batch's projected peak memory passes this share of free memory.
MEMORY_SHARE = 0.5
#: The pool runs on the device: their last level, and the budget of each (pruned, unpruned).
POOL_COMPLEXITY = 8
POOL_BUDGET_S = 45.0
#: Relative tolerance of the CPU-versus-CUDA program values.
RELATIVE = 1e-12

#: (mode, text): physics laws, identities, φ relations, contradictions, systems.
CORPUS: tuple[tuple[str, str], ...] = (
    ("physics", "E = mc²"),
    ("physics", "F = ma"),
    ("physics", "PV = nRT"),
    ("physics", "F = G m₁ m₂ / r²"),
    ("physics", "E_k = 1/2 m v²"),
    ("physics", "T = 2π√(l/g)"),
    ("physics", "E² = (pc)² + (mc²)²"),
    ("physics", "v = u + at"),
    ("math", "sin²x + cos²x = 1"),
    ("math", "(a + b)² = a² + 2ab + b²"),
    ("math", "x² − 1 = (x − 1)(x + 1)"),
    ("math", "log(ab) = log(a) + log(b)"),
    ("math", "cosh²x − sinh²x = 1"),
    ("math", "sqrt(x²) = x"),
    ("math", "exp(log(x)) = x"),
    ("math", "tan(x) = sin(x)/cos(x)"),
    ("math", "x^(1/3) = root(x, 3)"),
    ("math", "gamma(x + 1) = x gamma(x)"),
    ("math", "φ² = φ + 1"),
    ("math", "φ = 1 + 1/φ"),
    ("math", "2cos(π/5) = φ"),
    ("math", "x² = x + 1"),
    ("math", "a/b = (a + b)/a"),
    ("math", "e^(iπ) + 1 = 0"),
    ("math", "1 = 2"),
    ("math", "x + 1 = x"),
    ("math", "sin²x + cos²x = 2"),
    ("math", "1/x = 0"),
    ("math", "x + y = 3; x − y = 1"),
    ("math", "exp(x) = 1 + x + x²/2"),
)


def device_facts(device: torch.device) -> dict[str, Any]:
    """Name, memory and software versions of the CUDA device."""
    free, total = torch.cuda.mem_get_info(device)
    properties = torch.cuda.get_device_properties(device)
    return {
        "name": torch.cuda.get_device_name(device),
        "capability": f"{properties.major}.{properties.minor}",
        "multiprocessors": properties.multi_processor_count,
        "memory_total_gib": total / 2**30,
        "memory_free_gib": free / 2**30,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device_count": torch.cuda.device_count(),
    }


def check_verdicts(device: torch.device) -> dict[str, Any]:
    """classify_many on CORPUS on the CPU and on ``device``; the kinds must agree."""
    from phi_lab.compute.numeric import classify_many
    from phi_lab.equations.names import default_constants
    from phi_lab.equations.parser import parse_syntax

    syntaxes = [parse_syntax(text) for _, text in CORPUS]
    constants = [default_constants(mode) for mode, _ in CORPUS]
    modes = [mode for mode, _ in CORPUS]
    cpu = classify_many(syntaxes, constants, torch.device("cpu"), modes)
    cuda = classify_many(syntaxes, constants, device, modes)
    rows = [
        {
            "text": text,
            "cpu": left.kind,
            "cuda": right.kind,
            "same_kind": left.kind == right.kind,
            "same": left == right,
        }
        for (_, text), left, right in zip(CORPUS, cpu, cuda, strict=True)
    ]
    return {
        "equations": len(rows),
        "kind_mismatches": [row for row in rows if not row["same_kind"]],
        "report_differences": [row["text"] for row in rows if not row["same"]],  # counts or details, informative
        "ok": all(row["same_kind"] for row in rows),
    }


def check_searches(device: torch.device) -> dict[str, Any]:
    """φ's closed forms and equations searched on the CPU and on ``device``: the exact hits must agree.

    The wall time of each search is reported next to the CPU's (the search's Python side,
    candidate generation and compilation, is the same on both; only the batches move).
    """
    from phi_lab.exploration import find_closed_forms, find_equations

    searches = {
        "closed forms": lambda where: find_closed_forms(
            "phi", operations=("+", "-", "*", "/", "sqrt", "cos"), max_complexity=6, time_budget_s=120, device=where
        ),
        "equations": lambda where: find_equations(
            "phi", max_complexity=8, max_results=500, time_budget_s=120, device=where
        ),
    }
    rows = []
    for name, search in searches.items():
        timings, exact = {}, {}
        for where in (torch.device("cpu"), device):
            started = time.perf_counter()
            frame = search(where)
            timings[where.type] = time.perf_counter() - started
            column = "expression" if "expression" in frame.columns else "equation"
            exact[where.type] = list(frame[column][frame["exact"]])
        rows.append(
            {
                "search": name,
                "exact_hits": len(exact["cpu"]),
                "same": exact["cpu"] == exact[device.type],
                "cpu_s": timings["cpu"],
                "device_s": timings[device.type],
            }
        )
    return {"searches": rows, "ok": all(row["same"] for row in rows)}


def check_pool(
    device: torch.device, max_complexity: int = POOL_COMPLEXITY, budget_s: float = POOL_BUDGET_S
) -> dict[str, Any]:
    """The search pool grown on ``device`` with and without pruning (``bench_pool``), its table printed."""
    from bench.bench_pool import grow_once, measure_throughput, throughput_lines

    grow_once(None, 3, 10.0, str(device))  # warm-up: the device's first kernels out of the figures
    figures = measure_throughput(max_complexity, budget_s, str(device))
    for line in throughput_lines(figures):
        print(f"  {line}", flush=True)
    return figures


def check_values(device: torch.device, size: int) -> dict[str, Any]:
    """One random batch through run_program on the CPU and on ``device``."""
    from bench_evaluator import compare, compile_batch, random_batch, run_batch, sample_points

    trees = random_batch(size)
    cpu = run_batch(compile_batch(trees, torch.device("cpu")), sample_points(torch.device("cpu")))
    cuda = run_batch(compile_batch(trees, device), sample_points(device))
    agreement = compare(cpu, cuda, RELATIVE)
    return {
        "expressions": size,
        "samples": agreement.samples,
        "masked_cpu": agreement.masked,
        "mask_mismatches": agreement.mask_mismatches,
        "value_mismatches": agreement.value_mismatches,
        "max_relative_error": agreement.max_relative_error,
        "worst_rows": list(agreement.worst_rows),
        "ok": agreement.mask_mismatches == 0 and agreement.value_mismatches == 0,
    }


def copy_bandwidth(device: torch.device, free_bytes: int) -> dict[str, Any]:
    """GB/s of ``copy_`` between two device buffers (bytes read + bytes written, per second)."""
    size = min(4 * 2**30, free_bytes // 8) // 4 * 4
    source = torch.empty(size // 4, dtype=torch.float32, device=device).fill_(1.0)
    target = torch.empty_like(source)
    target.copy_(source)
    torch.cuda.synchronize(device)
    repeats = 20
    start = time.perf_counter()
    for _ in range(repeats):
        target.copy_(source)
    torch.cuda.synchronize(device)
    elapsed = time.perf_counter() - start
    del source, target
    torch.cuda.empty_cache()
    return {"buffer_gib": size / 2**30, "gb_per_s": 2 * size * repeats / elapsed / 1e9}


def sweep(device: torch.device, deadline: float) -> list[dict[str, Any]]:
    """Evaluator throughput on ``device`` for doubling batch sizes (see the module docstring)."""
    from bench_evaluator import POINTS, compile_batch, count_nodes, random_batch, run_batch, sample_points, timed

    from phi_lab.compute.program import Program

    base_size = 10_000
    trees = random_batch(base_size)
    base_nodes = count_nodes(trees)
    start = time.perf_counter()
    base = compile_batch(trees, device)
    torch.cuda.synchronize(device)
    compile_per_expression = (time.perf_counter() - start) / base_size
    samples = sample_points(device)
    run_batch(compile_batch(trees[:100], device), samples)  # warm-up
    rows: list[dict[str, Any]] = []
    tiles = 1
    while True:
        size = base_size * tiles
        program = base if tiles == 1 else _tiled(base, tiles, Program)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
        before = torch.cuda.memory_allocated(device)
        seconds, values = timed(lambda program=program: run_batch(program, samples), device, budget_s=2.0)
        del values
        peak = torch.cuda.max_memory_allocated(device) - before
        free, _ = torch.cuda.mem_get_info(device)
        evaluations = base_nodes * tiles * POINTS
        row = {
            "expressions": size,
            "node_evaluations": evaluations,
            "run_s": seconds,
            "run_per_s": evaluations / seconds,
            "compile_s_projected": compile_per_expression * size,
            "peak_memory_gib": peak / 2**30,
            "free_memory_gib": free / 2**30,
            "bandwidth_lower_bound_gb_per_s": 32 * evaluations / seconds / 1e9,
        }
        rows.append(row)
        print(
            f"  {size:>10,} expressions  run {seconds:8.3f} s  {row['run_per_s']:10.3e} node-evals/s  "
            f"peak {row['peak_memory_gib']:7.2f} GiB  (compile, projected: {row['compile_s_projected']:.1f} s)",
            flush=True,
        )
        del program
        projected_peak = 2 * peak
        projected_time = 2 + 6 * seconds  # a doubled run, repeated by timed() within its 2 s budget
        if projected_peak > MEMORY_SHARE * (free + peak) or time.perf_counter() + projected_time > deadline:
            break
        tiles *= 2
    return rows


def _tiled(base: Any, tiles: int, program_type: Any) -> Any:
    """``base`` repeated ``tiles`` times (the same expressions, a larger batch)."""
    return program_type(
        code=base.code.repeat(tiles, 1),
        argument=base.argument.repeat(tiles, 1),
        constants=base.constants.repeat(tiles, 1),
        variables=base.variables * tiles,
        outputs=base.outputs,
        depth=base.depth,
    )


def main() -> int:
    """Run the checks; exit 0 when they pass (or when there is no CUDA device)."""
    began = time.perf_counter()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        _write({"cuda": False})
        return 0
    device = torch.device("cuda", torch.cuda.current_device())
    report: dict[str, Any] = {"cuda": True, "device": device_facts(device)}
    facts = report["device"]
    print(
        f"device: {facts['name']} (compute {facts['capability']}, {facts['multiprocessors']} SMs), "
        f"{facts['memory_free_gib']:.1f} of {facts['memory_total_gib']:.1f} GiB free; "
        f"torch {facts['torch']}, CUDA {facts['cuda']}",
        flush=True,
    )
    report["verdicts"] = check_verdicts(device)
    verdicts = report["verdicts"]
    print(
        f"classify_many CPU vs CUDA on {verdicts['equations']} equations: "
        f"{'OK' if verdicts['ok'] else 'MISMATCH'} ({len(verdicts['kind_mismatches'])} kinds differ; "
        f"full reports differ for {verdicts['report_differences'] or 'none'})",
        flush=True,
    )
    for row in verdicts["kind_mismatches"]:
        print(f"  {row['text']!r}: cpu {row['cpu']}, cuda {row['cuda']}")
    report["values"] = check_values(device, 2_000)
    values = report["values"]
    print(
        f"run_program CPU vs CUDA on {values['expressions']:,} random expressions: "
        f"{'OK' if values['ok'] else 'MISMATCH'} ({values['masked_cpu']:,} of {values['samples']:,} samples masked, "
        f"{values['mask_mismatches']} mask mismatches, {values['value_mismatches']} values beyond {RELATIVE:g} "
        f"relative, max {values['max_relative_error']:.2e})",
        flush=True,
    )
    report["searches"] = check_searches(device)
    for row in report["searches"]["searches"]:
        print(
            f"{row['search']} for φ, CPU vs CUDA: {'OK' if row['same'] else 'MISMATCH'} "
            f"({row['exact_hits']} exact hits; {row['cpu_s']:.2f} s on the CPU, {row['device_s']:.2f} s on CUDA)",
            flush=True,
        )
    print(f"search pool on CUDA up to level {POOL_COMPLEXITY}, with and without pruning:", flush=True)
    report["pool"] = check_pool(device)
    report["copy"] = copy_bandwidth(device, torch.cuda.mem_get_info(device)[0])
    copy = report["copy"]
    print(f"device-to-device copy_ of {copy['buffer_gib']:.2f} GiB: {copy['gb_per_s']:,.0f} GB/s (read + write)")
    print("evaluator throughput on CUDA (compiled program, 64 points, complex128):", flush=True)
    report["throughput"] = sweep(device, began + BUDGET_S)
    best = max(report["throughput"], key=lambda row: row["run_per_s"])
    share = best["bandwidth_lower_bound_gb_per_s"] / copy["gb_per_s"]
    report["best"] = {**best, "share_of_copy_bandwidth": share}
    print(
        f"best: {best['run_per_s']:.3e} node-evals/s at {best['expressions']:,} expressions = at least "
        f"{best['bandwidth_lower_bound_gb_per_s']:.1f} GB/s of traffic (32 B per node-evaluation), "
        f"{share:.1%} of copy_ bandwidth; anchor EvoGP: over 1e11 GP operations/s on one GPU"
    )
    report["ok"] = verdicts["ok"] and values["ok"] and report["searches"]["ok"]
    report["elapsed_s"] = time.perf_counter() - began
    print(f"checks {'passed' if report['ok'] else 'FAILED'}; total {report['elapsed_s']:.1f} s")
    _write(report)
    return 0 if report["ok"] else 1


def _write(report: dict[str, Any]) -> None:
    out = os.environ.get("OUT")
    if out:
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "gpu_check.json"), "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    raise SystemExit(main())
