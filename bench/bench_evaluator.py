"""Throughput of phi_lab's compiled tensor program next to a per-expression tree walk and SymPy lambdify.

Run from the repository root::

    python bench/bench_evaluator.py [--device cpu] [--sizes 100,1000,10000] [--json]
    python -m bench.bench_evaluator ...

What it measures, all in one process on one machine:

* a seeded batch of random syntax trees (:func:`random_batch`: variables x, y, z and small
  numbers; + − × ÷ ^ and sqrt, exp, log, sin, cos; about 15 nodes on average) at
  :data:`POINTS` sample points, for each batch size;
* (a) :func:`~phi_lab.compute.program.compile_program` (timed alone) and
  :func:`~phi_lab.compute.program.run_program`: the whole batch as one padded postfix program;
* (b) the naive loop: :func:`~phi_lab.equations.evaluate.evaluate` with
  :class:`~phi_lab.compute.arithmetic.TorchArithmetic`, one expression at a time;
* (c) SymPy: :func:`~phi_lab.equations.symbolic.to_sympy`, then ``sympy.lambdify`` (code
  generation, timed alone) and numpy evaluation on complex128 arrays.

Throughput is node-evaluations per second: syntax-tree nodes (leaves included) × sample
points / seconds.  The same run checks that (a) and (b) agree: the same NaN/inf mask, and
values within a relative 1e-12 on every sample finite in both.  Nothing is asserted; the
published anchors are printed for scale only (other machines, other operator sets, real
rather than complex arithmetic).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch

from phi_lab.compute.arithmetic import TorchArithmetic
from phi_lab.compute.device import complex_dtype, resolve_device
from phi_lab.compute.program import Program, compile_program, run_program
from phi_lab.equations.evaluate import evaluate
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol, walk

#: Sample points per expression (phi_lab.compute.numeric.SAMPLES).
POINTS = 64
#: Default batch sizes.
SIZES = (100, 1_000, 10_000)
#: Seed of the random trees and sample points.
SEED = 20_240_618
VARIABLES = ("x", "y", "z")
#: Relative tolerance of the program-versus-tree-walk check.
RELATIVE = 1e-12
#: Skip the lambdify row when its projected time (from the previous size) exceeds this.
LAMBDIFY_BUDGET_S = 25.0

#: Published anchors, printed for scale (never compared against).
ANCHORS = (
    ("DynamicExpressions.jl (behind PySR), one CPU thread", 0.5e9, "operator-evaluations/s"),
    ("EvoGP, one GPU", 1e11, "GP operations/s (lower bound: 'over 10^11')"),
)

_BINARY = ("add", "sub", "mul", "div", "pow")
_UNARY = ("sqrt", "exp", "log", "sin", "cos")
_NUMBERS = (
    ("1", Fraction(1)),
    ("2", Fraction(2)),
    ("3", Fraction(3)),
    ("0.5", Fraction(1, 2)),
    ("1.5", Fraction(3, 2)),
)


# ----------------------------------------------------------------------------- the batch


def random_tree(rng: random.Random, size: int) -> Node:
    """A random tree of exactly ``size`` nodes (binary ``add``/``mul`` only, so nodes = postfix instructions)."""
    if size <= 1:
        if rng.random() < 0.65:
            return Symbol(rng.choice(VARIABLES))
        text, value = rng.choice(_NUMBERS)
        return Number(value, text)
    if size == 2 or rng.random() < 0.3:
        return Call(rng.choice(_UNARY), (random_tree(rng, size - 1),))
    op = rng.choice(_BINARY)
    if op == "pow":  # a short exponent, so most powers stay finite
        right = rng.randint(1, min(3, size - 2))
    else:
        right = rng.randint(1, size - 2)
    return Operation(op, (random_tree(rng, size - 1 - right), random_tree(rng, right)))


def random_batch(count: int, seed: int = SEED) -> list[Node]:
    """``count`` seeded random trees of 5 to 25 nodes (15 on average)."""
    rng = random.Random(seed)
    return [random_tree(rng, rng.randint(5, 25)) for _ in range(count)]


def sample_points(device: torch.device, points: int = POINTS, seed: int = SEED) -> torch.Tensor:
    """(3, points) seeded values of x, y, z: reals in (−2.5, 2.5), so sqrt and log take complex values too."""
    generator = torch.Generator(device="cpu").manual_seed(seed)
    real = -2.5 + 5.0 * torch.rand((len(VARIABLES), points), generator=generator, dtype=torch.float64)
    return real.to(torch.complex128).to(device=device, dtype=complex_dtype(device))


def count_nodes(trees: Sequence[Node]) -> int:
    """Syntax-tree nodes of ``trees``, leaves included."""
    return sum(sum(1 for _ in walk(tree)) for tree in trees)


# ----------------------------------------------------------------------------- the three evaluators


def compile_batch(trees: Sequence[Node], device: torch.device) -> Program:
    """(a) compile: every expression with the variable order x, y, z, so they share one sample tensor."""
    return compile_program([(tree,) for tree in trees], [{}] * len(trees), device, [VARIABLES] * len(trees))


def run_batch(program: Program, samples: torch.Tensor) -> torch.Tensor:
    """(a) run: (B, N) values."""
    return run_program(program, [samples] * program.code.shape[0])[:, 0]


def walk_batch(trees: Sequence[Node], samples: torch.Tensor) -> torch.Tensor:
    """(b) the naive loop: one tree walk per expression, (B, N) values."""
    arithmetic = TorchArithmetic(samples.device)
    values = dict(zip(VARIABLES, samples, strict=True))
    rows = []
    for tree in trees:
        value = evaluate(tree, values, arithmetic)
        if not isinstance(value, torch.Tensor):  # a tree without variables folds to a Python scalar
            value = torch.full_like(samples[0], value)
        rows.append(value)
    return torch.stack(rows)


def lambdify_batch(trees: Sequence[Node]) -> tuple[list[Any], list[Callable[..., Any]], float, float]:
    """(c) SymPy trees and lambdified functions, with the seconds spent converting and generating code.

    ``sympy.lambdify`` generates Python source and ``exec``s it.  That is acceptable here only
    because the expressions are this script's own random trees; never lambdify user input.
    """
    import sympy

    from phi_lab.equations.symbolic import to_sympy

    symbols = [sympy.Symbol(name) for name in VARIABLES]
    start = time.perf_counter()
    expressions = [to_sympy(tree, frozenset()) for tree in trees]
    converted = time.perf_counter() - start
    start = time.perf_counter()
    functions = [_lambdify(sympy, symbols, expression) for expression in expressions]
    return expressions, functions, converted, time.perf_counter() - start


def _lambdify(sympy: Any, symbols: list[Any], expression: Any) -> Callable[..., Any]:
    """``sympy.lambdify``, or a NaN function where SymPy's printer fails (it evaluates constant
    subterms such as ``1/(1 − 1)`` while ordering terms and raises ZeroDivisionError)."""
    try:
        function: Callable[..., Any] = sympy.lambdify(symbols, expression, modules="numpy")
    except ArithmeticError:
        return _nan
    return function


def _nan(*_: Any) -> complex:
    return complex("nan")


def numpy_batch(functions: Sequence[Callable[..., Any]], samples: Any) -> Any:
    """(c) evaluate the lambdified functions on complex128 numpy arrays, (B, N) values."""
    import numpy

    out = numpy.empty((len(functions), samples.shape[1]), dtype=numpy.complex128)
    with numpy.errstate(all="ignore"):
        for row, function in enumerate(functions):
            out[row] = function(*samples)  # broadcasts a constant expression's scalar
    return out


# ----------------------------------------------------------------------------- checks and timing


@dataclass(frozen=True, slots=True)
class Agreement:
    """How two (B, N) value tensors compare."""

    samples: int
    masked: int
    mask_mismatches: int
    value_mismatches: int
    max_relative_error: float
    worst_rows: tuple[int, ...]


def compare(left: torch.Tensor, right: torch.Tensor, relative: float = RELATIVE) -> Agreement:
    """Masks (NaN or inf in either part) must agree; finite values within ``relative``."""
    left, right = left.to("cpu", torch.complex128), right.to("cpu", torch.complex128)
    finite_left = torch.isfinite(torch.view_as_real(left)).all(dim=-1)
    finite_right = torch.isfinite(torch.view_as_real(right)).all(dim=-1)
    both = finite_left & finite_right
    difference = torch.where(both, (left - right).abs(), 0.0)
    scale = torch.where(both, torch.maximum(left.abs(), right.abs()), 1.0)
    error = torch.where(scale > 0, difference / scale, difference)
    bad = (error > relative) | (finite_left != finite_right)
    return Agreement(
        samples=left.numel(),
        masked=int((~finite_left).sum()),
        mask_mismatches=int((finite_left != finite_right).sum()),
        value_mismatches=int((error > relative).sum()),
        max_relative_error=float(error.max()) if error.numel() else 0.0,
        worst_rows=tuple(int(row) for row in bad.any(dim=1).nonzero().flatten()[:5]),
    )


def timed(function: Callable[[], Any], device: torch.device, budget_s: float = 1.0) -> tuple[float, Any]:
    """Best of up to 5 runs of ``function`` (fewer when one run is slow), in seconds, and its last result."""
    best = float("inf")
    result: Any = None
    spent = 0.0
    for _ in range(5):
        _synchronize(device)
        start = time.perf_counter()
        result = function()
        _synchronize(device)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        if spent + elapsed > budget_s:
            break
    return best, result


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def sample_copy_seconds(batch: int, samples: torch.Tensor) -> float:
    """Time of run_program's per-row loop that copies each expression's samples (re-done here alone)."""
    variables = torch.zeros((batch, samples.shape[0], samples.shape[1]), dtype=samples.dtype, device=samples.device)
    _synchronize(samples.device)
    start = time.perf_counter()
    for row in range(batch):
        variables[row, : samples.shape[0]] = samples
    _synchronize(samples.device)
    return time.perf_counter() - start


def measure(size: int, device: torch.device, lambdify: bool) -> dict[str, Any]:
    """All rows for one batch size."""
    trees = random_batch(size)
    nodes = count_nodes(trees)
    evaluations = nodes * POINTS
    samples = sample_points(device)
    compile_s, program = timed(lambda: compile_batch(trees, device), device)
    run_s, values = timed(lambda: run_batch(program, samples), device)
    walk_s, walked = timed(lambda: walk_batch(trees, samples), device, budget_s=3.0)
    agreement = compare(values, walked)
    result: dict[str, Any] = {
        "expressions": size,
        "nodes": nodes,
        "mean_nodes": nodes / size,
        "points": POINTS,
        "node_evaluations": evaluations,
        "program_length": program.code.shape[1],
        "program_depth": program.depth,
        "padding_efficiency": nodes / (size * program.code.shape[1]),
        "program": {
            "compile_s": compile_s,
            "run_s": run_s,
            "run_per_s": evaluations / run_s,
            "compile_and_run_per_s": evaluations / (compile_s + run_s),
            "sample_copy_loop_s": sample_copy_seconds(size, samples),
        },
        "tree_walk": {"run_s": walk_s, "run_per_s": evaluations / walk_s},
        "agreement": {
            "samples": agreement.samples,
            "masked": agreement.masked,
            "mask_mismatches": agreement.mask_mismatches,
            "value_mismatches": agreement.value_mismatches,
            "max_relative_error": agreement.max_relative_error,
            "worst_rows": list(agreement.worst_rows),
            "ok": agreement.mask_mismatches == 0 and agreement.value_mismatches == 0,
        },
        "lambdify": None,
    }
    if lambdify:
        _, functions, convert_s, codegen_s = lambdify_batch(trees)
        arrays = samples.to("cpu", torch.complex128).numpy()
        numpy_s, numeric = timed(lambda: numpy_batch(functions, arrays), torch.device("cpu"), budget_s=3.0)
        versus = compare(torch.from_numpy(numeric), values, relative=1e-9)
        result["lambdify"] = {
            "to_sympy_s": convert_s,
            "codegen_s": codegen_s,
            "numpy_s": numpy_s,
            "run_per_s": evaluations / numpy_s,
            "with_codegen_per_s": evaluations / (convert_s + codegen_s + numpy_s),
            "masked": versus.masked,
            "disagreeing_with_program": versus.mask_mismatches + versus.value_mismatches,
        }
    return result


def machine_facts(device: torch.device) -> dict[str, Any]:
    """Python, torch and CPU facts of this run."""
    import numpy
    import sympy

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "sympy": sympy.__version__,
        "numpy": numpy.__version__,
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


# ----------------------------------------------------------------------------- report


def print_report(report: dict[str, Any]) -> None:
    """The figures as text."""
    facts = report["machine"]
    print(
        f"machine: {facts['processor']}, {facts['cpu_count']} CPUs, torch {facts['torch']} "
        f"({facts['torch_threads']} threads), device {facts['device']} ({facts['device_name']}), "
        f"sympy {facts['sympy']}, numpy {facts['numpy']}, load {facts['load_average_1min']}"
    )
    print(f"random trees over x, y, z (seed {SEED}), {POINTS} sample points each, complex128")
    print("throughput in node-evaluations/s = tree nodes × sample points / seconds")
    print()
    for row in report["sizes"]:
        program, walked, agreement = row["program"], row["tree_walk"], row["agreement"]
        print(
            f"{row['expressions']:,} expressions, {row['nodes']:,} nodes ({row['mean_nodes']:.1f} per tree), "
            f"{row['node_evaluations']:,} node-evaluations; program length {row['program_length']}, "
            f"stack depth {row['program_depth']}, padding efficiency {row['padding_efficiency']:.0%}"
        )
        print(f"  {'':44} {'seconds':>10} {'node-evals/s':>14}")
        print(f"  {'(a) compile_program':44} {program['compile_s']:10.4f}")
        print(f"  {'(a) run_program':44} {program['run_s']:10.4f} {program['run_per_s']:14.3e}")
        print(f"  {'    of which per-row sample copy (re-timed)':44} {program['sample_copy_loop_s']:10.4f}")
        both = program["compile_s"] + program["run_s"]
        print(f"  {'(a) compile + run':44} {both:10.4f} {program['compile_and_run_per_s']:14.3e}")
        print(
            f"  {'(b) tree walk, TorchArithmetic per expression':44} {walked['run_s']:10.4f} "
            f"{walked['run_per_s']:14.3e}"
        )
        lambdified = row["lambdify"]
        if lambdified is None:
            print(f"  {'(c) lambdify':44} skipped: {row.get('lambdify_skipped', 'not requested')}")
        else:
            print(f"  {'(c) to_sympy':44} {lambdified['to_sympy_s']:10.4f}")
            print(f"  {'(c) sympy.lambdify (code generation)':44} {lambdified['codegen_s']:10.4f}")
            print(f"  {'(c) numpy evaluation':44} {lambdified['numpy_s']:10.4f} {lambdified['run_per_s']:14.3e}")
            total = lambdified["to_sympy_s"] + lambdified["codegen_s"] + lambdified["numpy_s"]
            print(f"  {'(c) to_sympy + lambdify + numpy':44} {total:10.4f} {lambdified['with_codegen_per_s']:14.3e}")
        ratio = walked["run_s"] / program["run_s"]
        print(f"  run_program vs tree walk: {ratio:.1f}× the throughput")
        verdict = "OK" if agreement["ok"] else "MISMATCH"
        print(
            f"  check (a) = (b): {verdict} — {agreement['masked']:,} of {agreement['samples']:,} samples masked "
            f"(NaN/inf), {agreement['mask_mismatches']} mask mismatches, {agreement['value_mismatches']} values "
            f"beyond {RELATIVE:g} relative (max {agreement['max_relative_error']:.2e})"
            + (f", rows {agreement['worst_rows']}" if agreement["worst_rows"] else "")
        )
        if lambdified is not None:
            print(
                f"  (info) lambdify vs program: {lambdified['disagreeing_with_program']} samples differ beyond 1e-9 "
                "or in mask (numpy's own branch and overflow conventions; not a pass/fail check)"
            )
        print()
    print("published anchors, for scale only (other hardware, real arithmetic, other operator sets):")
    for name, rate, unit in ANCHORS:
        print(f"  {name:52} {rate:10.1e} {unit}")
    print()
    print(f"total benchmark time {report['elapsed_s']:.1f} s")


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print it (text, or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", help="torch device for (a) and (b) (default cpu)")
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="comma-separated batch sizes (default 100,1000,10000: about a minute on 2 CPU cores)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="torch intra-op threads (default: torch's own choice)"
    )
    parser.add_argument("--no-lambdify", action="store_true", help="leave out the SymPy lambdify row")
    parser.add_argument("--json", action="store_true", help="print machine-readable figures only")
    args = parser.parse_args(argv)
    try:
        sizes = [int(text) for text in args.sizes.split(",") if text.strip()]
    except ValueError:
        parser.error("--sizes takes comma-separated integers")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive integers")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    began = time.perf_counter()
    device = resolve_device(args.device)
    warm = sample_points(device)
    run_batch(compile_batch(random_batch(50, seed=1), device), warm)  # first-call costs out of the figures
    walk_batch(random_batch(5, seed=1), warm)
    rows = []
    per_expression_s: float | None = None  # lambdify cost per expression, from the last size that ran it
    for size in sorted(sizes):
        projected = None if per_expression_s is None else per_expression_s * size
        lambdify = not args.no_lambdify and (projected is None or projected <= LAMBDIFY_BUDGET_S)
        row = measure(size, device, lambdify)
        if row["lambdify"] is not None:
            spent = row["lambdify"]["to_sympy_s"] + row["lambdify"]["codegen_s"] + row["lambdify"]["numpy_s"]
            per_expression_s = spent / size
        elif not args.no_lambdify:
            row["lambdify_skipped"] = (
                f"projected {projected:.0f} s from the smaller size, over the {LAMBDIFY_BUDGET_S:g} s budget"
            )
        rows.append(row)
    report = {
        "machine": machine_facts(device),
        "points": POINTS,
        "seed": SEED,
        "relative_tolerance": RELATIVE,
        "anchors": [{"name": name, "per_s": rate, "unit": unit} for name, rate, unit in ANCHORS],
        "sizes": rows,
        "elapsed_s": time.perf_counter() - began,
    }
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
