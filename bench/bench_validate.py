"""Latency and throughput of :func:`phi_lab.validate` next to a SymPy ``parse_expr`` baseline.

Run from the repository root::

    python bench/bench_validate.py [--repeat N] [--device cpu] [--json]
    python -m bench.bench_validate ...

What it measures, all in one process on one machine, single-threaded caller:

* the cold cost: ``import phi_lab`` and the first ``validate()`` call (pint's registry,
  the catalog and torch's sample pool load lazily on that call);
* warm ``validate()`` latency (p50/p99 of individual calls) and equations/s, for the seed's
  four examples and for :data:`CORPUS`, a fixed mix of about 40 equations;
* the baseline on the same strings: SymPy ``parse_expr`` with implicit multiplication and
  ``^`` as power, on ASCII versions split at ``=``; equations it rejects (LaTeX, most
  malformed ones) are counted and left out of its timing, and the ratio compares both on
  the equations it accepts;
* the pipeline stages of ``validate()`` for a few equations, called through the package
  internals, to show where the time goes.

Nothing is asserted: the targets (p50 under 1 ms on the seed examples, 2,000 equations/s
per core on the corpus) are printed next to the measured figures.  The baseline only
*parses*; ``validate()`` also checks units, samples the relation numerically, matches the
catalog and scores φ-coherence, so the ratio is a price, not a like-for-like race.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from tokenize import TokenError
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.machine import host_facts

#: The four examples of the project's seed.
SEEDS: tuple[str, ...] = ("E = mc²", "F = ma", "PV = nRT", "φ² = φ + 1")

#: A fixed mixed corpus: (category, text).  Keep it stable so figures stay comparable.
CORPUS: tuple[tuple[str, str], ...] = (
    # physics laws, Unicode and ASCII spellings
    ("physics", "E = mc²"),
    ("physics", "F = ma"),
    ("physics", "PV = nRT"),
    ("physics", "F = G m₁ m₂ / r²"),
    ("physics", "E_k = 1/2 m v²"),
    ("physics", "V = IR"),
    ("physics", "E = hν"),
    ("physics", "T = 2π√(l/g)"),
    ("physics", "v = u + at"),
    ("physics", "E² = (pc)² + (mc²)²"),
    ("physics", "P·V = N·k_B·T"),
    ("physics", "F = q × v × B"),
    # identities
    ("identity", "sin²x + cos²x = 1"),
    ("identity", "(a + b)² = a² + 2ab + b²"),
    ("identity", "x² − 1 = (x − 1)(x + 1)"),
    ("identity", "e^(iπ) + 1 = 0"),
    ("identity", "log(ab) = log(a) + log(b)"),
    ("identity", "cosh²x − sinh²x = 1"),
    # golden ratio
    ("phi", "φ² = φ + 1"),
    ("phi", "φ = 1 + 1/φ"),
    ("phi", "φ³ = 2φ + 1"),
    ("phi", "2cos(π/5) = φ"),
    ("phi", "φ = (1 + √5)/2"),
    ("phi", "x² = x + 1"),
    ("phi", "φ − 1/φ = 1"),
    ("phi", "a/b = (a + b)/a"),
    # contradictions and dimension errors
    ("contradiction", "1 = 2"),
    ("contradiction", "x + 1 = x"),
    ("contradiction", "sin²x + cos²x = 2"),
    ("contradiction", "φ² = φ + 2"),
    ("contradiction", "E = mc"),
    ("contradiction", "F = m a²"),
    # LaTeX
    ("latex", r"E = m c^{2}"),
    ("latex", r"\phi^{2} = \phi + 1"),
    ("latex", r"F = G \frac{m_1 m_2}{r^2}"),
    ("latex", r"T = 2\pi\sqrt{\frac{l}{g}}"),
    ("latex", r"\sin^2\theta + \cos^2\theta = 1"),
    ("latex", r"e^{i\pi} + 1 = 0"),
    ("latex", r"\varphi = \frac{1 + \sqrt{5}}{2}"),
    ("latex", r"E_k = \frac{1}{2} m v^{2}"),
    # traps for a validator that only samples (issue 9): proofs, witnesses, systems
    ("trap", "|x| = x + 1"),
    ("trap", "acos(cos(x)) = x"),
    ("trap", "x^60 = x^60 + 1"),
    ("trap", "sin(x)^2 + cos(x)^2 = 1 + 10^-12"),
    ("trap", "10^300 + 1 = 10^300"),
    ("trap", "exp(x) = 0"),
    ("trap", "tanh(x) = 1"),
    ("trap", "cosh(x) = sinh(x)"),
    ("trap", "x = y; y = z; z = x + 1"),
    ("trap", "c = 1/sqrt(mu_0 epsilon_0)"),
    # malformed, or not an equation
    ("malformed", "E = mc^2 +"),
    ("malformed", "= 5"),
    ("malformed", "x = (1 + 2"),
    ("malformed", "a < b"),
    ("malformed", "∫ f dx = 1"),
    ("malformed", "x + y"),
)

#: Equations whose pipeline stages are timed one by one.
STAGE_EQUATIONS: tuple[str, ...] = ("E = mc²", "φ² = φ + 1")

#: Targets, printed next to the measurements (never asserted).
TARGET_SEED_P50_MS = 1.0
TARGET_CORPUS_EQ_PER_S = 2000.0

#: Unicode → ASCII for the baseline (the brief's list, plus the subscripts the corpus uses).
_ASCII = str.maketrans(
    {"²": "^2", "³": "^3", "φ": "phi", "π": "pi", "·": "*", "×": "*", "−": "-", "√": " sqrt ", "₁": "_1", "₂": "_2"}
)


@dataclass(frozen=True, slots=True)
class Summary:
    """Latency figures of many timed calls."""

    calls: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    eq_per_s: float


def summarize(samples_ns: Sequence[int]) -> Summary:
    """p50/p99/mean in ms and calls per second (from the summed call times) of ``samples_ns``."""
    total = sum(samples_ns)
    return Summary(
        calls=len(samples_ns),
        p50_ms=statistics.median(samples_ns) / 1e6,
        p99_ms=_percentile(samples_ns, 99) / 1e6,
        mean_ms=total / len(samples_ns) / 1e6,
        eq_per_s=len(samples_ns) / (total / 1e9) if total else float("inf"),
    )


def _percentile(samples: Sequence[int], q: int) -> float:
    if len(samples) < 2:
        return float(samples[0])
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def _timed_ns(call: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    call()
    return time.perf_counter_ns() - start


# ----------------------------------------------------------------------------- baseline


def _parse_expr_baseline() -> Callable[[str], list[Any]]:
    """Return a function that parses each ``=``-separated piece of an ASCII equation.

    SECURITY: ``parse_expr`` evaluates the Python code it builds.  It is only ever fed this
    script's own fixed corpus (:data:`SEEDS`, :data:`CORPUS`), never user input; phi_lab
    itself never evaluates text.
    """
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    transformations = (*standard_transformations, implicit_multiplication_application, convert_xor)

    def parse_pieces(ascii_text: str) -> list[Any]:
        return [parse_expr(piece, transformations=transformations) for piece in ascii_text.split("=")]

    return parse_pieces


def to_ascii(text: str) -> str:
    """The baseline's input: ``text`` with Unicode operators, powers and names in ASCII."""
    return text.translate(_ASCII)


def baseline_accepts(parse: Callable[[str], list[Any]], ascii_text: str) -> bool:
    """Whether ``parse_expr`` accepts every piece of ``ascii_text`` (one untimed try)."""
    try:
        parse(ascii_text)
    except (SyntaxError, TokenError, TypeError, ValueError, NameError, AttributeError, ArithmeticError):
        # The failures parse_expr raises on LaTeX, malformed text and names it mistakes
        # for functions (N, sin without parentheses): counted, never timed.
        return False
    return True


# ----------------------------------------------------------------------------- measurements


@dataclass(frozen=True, slots=True)
class CorpusFigures:
    """Everything measured on one corpus."""

    equations: int
    validate: Summary
    validate_accepted: Summary
    parse_expr: Summary | None
    parse_expr_accepted: int
    parse_expr_failures: tuple[str, ...]
    ratio: float | None
    per_equation_p50_ms: dict[str, float]


def measure_corpus(
    texts: Sequence[str], repeat: int, validate: Callable[[str], object], parse: Callable[[str], list[Any]]
) -> CorpusFigures:
    """Time ``validate`` on every text and the baseline on those it accepts, ``repeat`` passes."""
    ascii_texts = {text: to_ascii(text) for text in texts}
    accepted = [text for text in texts if baseline_accepts(parse, ascii_texts[text])]
    failures = tuple(text for text in texts if text not in accepted)
    for text in texts:  # warm-up pass
        validate(text)
    per_text: dict[str, list[int]] = {text: [] for text in texts}
    baseline: list[int] = []
    for _ in range(repeat):
        # Interleaved passes, so that drift (thermal, other load) hits both sides alike.  The
        # first call after the other side's pass runs with cold CPU caches (up to +0.6 ms seen
        # here): each pass starts with one untimed call so it is not charged to one equation.
        validate(texts[0])
        for text in texts:
            per_text[text].append(_timed_ns(partial(validate, text)))
        if accepted:
            parse(ascii_texts[accepted[0]])
        for text in accepted:
            baseline.append(_timed_ns(partial(parse, ascii_texts[text])))
    every = [sample for text in texts for sample in per_text[text]]
    on_accepted = [sample for text in accepted for sample in per_text[text]]
    validate_accepted = summarize(on_accepted) if on_accepted else summarize(every)
    parse_summary = summarize(baseline) if baseline else None
    ratio = validate_accepted.mean_ms / parse_summary.mean_ms if parse_summary and on_accepted else None
    return CorpusFigures(
        equations=len(texts),
        validate=summarize(every),
        validate_accepted=validate_accepted,
        parse_expr=parse_summary,
        parse_expr_accepted=len(accepted),
        parse_expr_failures=failures,
        ratio=ratio,
        per_equation_p50_ms={text: statistics.median(samples) / 1e6 for text, samples in per_text.items()},
    )


def count_procedures(texts: Sequence[str], validate: Callable[[str], object]) -> dict[str, int]:
    """How many of ``texts`` reach each decision procedure (one pass, counters of phi_lab.compute.numeric)."""
    from phi_lab.compute.usage import USAGE

    USAGE.counts.clear()
    for text in texts:
        validate(text)
    return dict(sorted(USAGE.counts.items(), key=lambda item: -item[1]))


def measure_stages(text: str, repeat: int, device_name: str) -> dict[str, Summary]:
    """Time each stage of ``validate()`` on ``text`` through the package internals.

    Mirrors ``phi_lab.validation._validate`` for ``mode="auto"`` and no ``units``.
    """
    from phi_lab import validate
    from phi_lab.compute.device import resolve_device
    from phi_lab.compute.numeric import classify
    from phi_lab.equations.binding import bind
    from phi_lab.equations.catalog import load_catalog
    from phi_lab.equations.dimensions import check_dimensions
    from phi_lab.equations.golden import phi_coherence
    from phi_lab.equations.parser import parse_syntax
    from phi_lab.equations.topology import topology
    from phi_lab.equations.verdict import judge

    device = resolve_device(device_name)
    catalog = load_catalog()
    syntax = parse_syntax(text, frozenset())
    entry = catalog.match(syntax)
    equation = bind(syntax, "auto", {}, entry)
    first_constants = equation.constants
    numeric = classify(syntax, first_constants, device)
    recheck = entry is not None and numeric.kind == "identity" and bool(equation.variables)
    if recheck:  # validate() re-binds without the catalog entry and classifies again
        equation = bind(syntax, "auto", {}, None)
        numeric = classify(syntax, equation.constants, device)
    constants = equation.constants
    dimensions = check_dimensions(syntax, equation.dimensions, constants, require_all=False, declared=False)
    name, written = (entry.name, entry.equation) if entry is not None and not recheck else (None, "")

    stages: dict[str, Callable[[], object]] = {
        "resolve_device": lambda: resolve_device(device_name),
        "parse_syntax": lambda: parse_syntax(text, frozenset()),
        "topology": lambda: topology(syntax),
        "catalog.match": lambda: catalog.match(syntax),
        "bind": lambda: bind(syntax, "auto", {}, entry),
        "classify": lambda: classify(syntax, first_constants, device),
        "check_dimensions": lambda: check_dimensions(
            syntax, equation.dimensions, constants, require_all=False, declared=False
        ),
        "judge": lambda: judge(dimensions, numeric, name, written),
        "phi_coherence": lambda: phi_coherence(syntax, constants, numeric.kind),
    }
    if recheck:
        stages["bind + classify (identity re-check)"] = lambda: classify(
            syntax, bind(syntax, "auto", {}, None).constants, device
        )
    stages["validate() end to end"] = lambda: validate(text, device=device_name)
    samples: dict[str, list[int]] = {stage: [] for stage in stages}
    for call in stages.values():  # warm-up
        call()
    for _ in range(repeat):
        for stage, call in stages.items():
            samples[stage].append(_timed_ns(call))
    return {stage: summarize(values) for stage, values in samples.items()}


# ----------------------------------------------------------------------------- report


def machine_facts(device_name: str) -> dict[str, Any]:
    """Python, library versions, CPU and torch threading of this run."""
    import numpy
    import pint
    import sympy
    import torch

    return {
        **host_facts(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "device": device_name,
        "sympy": sympy.__version__,
        "pint": pint.__version__,
        "numpy": numpy.__version__,
    }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_report(report: dict[str, Any]) -> None:
    """Print ``report`` for people."""
    facts = report["machine"]
    print("phi_lab validate() benchmark")
    print("=" * 78)
    print(
        f"python {facts['python']} ({facts['implementation']}), torch {facts['torch']}, sympy {facts['sympy']}, "
        f"pint {facts['pint']}, numpy {facts['numpy']}"
    )
    print(
        f"device {facts['device']}; cpu {facts['processor']}; {facts['cpu_count']} cpus "
        f"({facts['cpus_usable']} usable), torch intra-op threads {facts['torch_threads']}"
    )
    print(f"platform {facts['platform']}; repeat {report['repeat']} passes; single-threaded caller")
    print(f"1-min load average at the end {facts['load_average_1min']} (this run counts about 1.0)")
    targets = report["targets"]
    print(
        f"targets: p50 < {targets['seed_p50_ms']:g} ms on every seed example; "
        f">= {targets['corpus_eq_per_s']:,.0f} equations/s per core on the corpus"
    )
    print()
    cold = report["cold"]
    print("cold start")
    seed = repr(SEEDS[0])
    rows = (
        ("import phi_lab (loads torch, sympy, numpy)", cold["import_phi_lab_ms"]),
        (f"first validate({seed}) (pint, catalog, torch pool)", cold["first_validate_ms"]),
        (f"second validate({seed})", cold["second_validate_ms"]),
        ("first parse_expr, after the above", cold["first_parse_expr_ms"]),
    )
    for label, ms in rows:
        print(f"  {label:52} {ms:10.2f} ms")
    print()
    for key, title in (("seeds", "seed examples"), ("corpus", "mixed corpus")):
        figures = report[key]
        print(f"{title}: {figures['equations']} equations × {report['repeat']} passes")
        header = f"  {'':42} {'calls':>7} {'p50 ms':>9} {'p99 ms':>9} {'mean ms':>9} {'eq/s':>9}"
        print(header)
        _print_row("validate() all", figures["validate"])
        accepted = figures["parse_expr_accepted"]
        _print_row(f"validate() on the {accepted} parse_expr accepts", figures["validate_accepted"])
        if figures["parse_expr"] is not None:
            _print_row(f"parse_expr baseline ({accepted} accepted)", figures["parse_expr"])
        failures = figures["parse_expr_failures"]
        print(f"  parse_expr rejected {len(failures)} of {figures['equations']} (not timed):")
        for line in _wrapped([repr(text) for text in failures] or ["none"], width=114):
            print(f"    {line}")
        if figures["ratio"] is not None:
            print(f"  ratio validate / parse_expr (mean, same {accepted} equations): {figures['ratio']:.2f}×")
        slowest = sorted(figures["per_equation_p50_ms"].items(), key=lambda item: -item[1])
        shown = slowest if key == "seeds" else slowest[:8]
        label = "per-equation p50" if key == "seeds" else "slowest 8 by p50"
        print(f"  {label}: " + "; ".join(f"{text!r} {ms:.3f} ms" for text, ms in shown))
        print()
    seeds, corpus = report["seeds"], report["corpus"]
    worst_seed = max(seeds["per_equation_p50_ms"].values())
    print("targets")
    print(
        f"  seed p50 < {targets['seed_p50_ms']:g} ms: pooled p50 {seeds['validate']['p50_ms']:.3f} ms, "
        f"worst seed p50 {worst_seed:.3f} ms  -> {_verdict(worst_seed < targets['seed_p50_ms'])}"
    )
    rate = corpus["validate"]["eq_per_s"]
    print(
        f"  corpus >= {targets['corpus_eq_per_s']:,.0f} eq/s/core: {rate:,.0f} eq/s  "
        f"-> {_verdict(rate >= targets['corpus_eq_per_s'])}"
    )
    print()
    for text, stages in report["stages"].items():
        total = stages["validate() end to end"]["p50_ms"]
        print(f"stages of validate({text!r}) — p50, share of the end-to-end p50")
        accounted = 0.0
        for stage, figures in stages.items():
            share = figures["p50_ms"] / total * 100 if total else 0.0
            if stage != "validate() end to end":
                accounted += figures["p50_ms"]
            print(
                f"  {stage:38} {figures['p50_ms'] * 1000:9.1f} µs  {share:5.1f} %   "
                f"(p99 {figures['p99_ms'] * 1000:.1f} µs)"
            )
        print(f"  {'sum of stages':38} {accounted * 1000:9.1f} µs  {accounted / total * 100 if total else 0:5.1f} %")
        print()
    procedures = report["procedures"]
    equations = report["corpus"]["equations"]
    print(f"decision procedures reached on the mixed corpus ({equations} equations, one pass; heavier ones last)")
    for name, count in procedures.items():
        print(f"  {name:38} {count:4d}  ({count / equations * 100:5.1f} % of the equations)")
    print()
    print(f"total benchmark time {report['elapsed_s']:.1f} s")


def _wrapped(items: Sequence[str], width: int) -> list[str]:
    """``items`` joined by ``, `` into lines of at most ``width`` characters, never splitting an item."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}, {item}" if current else item
        if current and len(candidate) > width:
            lines.append(current + ",")
            current = item
        else:
            current = candidate
    return [*lines, current]


def _print_row(label: str, figures: dict[str, float]) -> None:
    print(
        f"  {label:42} {figures['calls']:7d} {figures['p50_ms']:9.3f} {figures['p99_ms']:9.3f} "
        f"{figures['mean_ms']:9.3f} {figures['eq_per_s']:9,.0f}"
    )


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print it (text, or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat",
        type=int,
        default=400,
        help="timed passes over each corpus and stage (default 400: about 25 s)",
    )
    parser.add_argument("--device", default="cpu", help="torch device for validate() (default cpu)")
    parser.add_argument("--json", action="store_true", help="print machine-readable figures only")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    began = time.perf_counter_ns()

    # Cold costs first, before anything else imports torch, sympy or pint.
    start = time.perf_counter_ns()
    import phi_lab

    import_ns = time.perf_counter_ns() - start
    first_ns = _timed_ns(lambda: phi_lab.validate(SEEDS[0], device=args.device))
    second_ns = _timed_ns(lambda: phi_lab.validate(SEEDS[0], device=args.device))
    parse = _parse_expr_baseline()
    first_parse_ns = _timed_ns(lambda: parse(to_ascii(SEEDS[0])))

    def validate(text: str) -> object:
        return phi_lab.validate(text, device=args.device)

    seeds = measure_corpus(SEEDS, args.repeat, validate, parse)
    corpus = measure_corpus([text for _, text in CORPUS], args.repeat, validate, parse)
    stages = {
        text: {stage: asdict(summary) for stage, summary in measure_stages(text, args.repeat, args.device).items()}
        for text in STAGE_EQUATIONS
    }
    report = {
        "machine": machine_facts(args.device),
        "repeat": args.repeat,
        "targets": {"seed_p50_ms": TARGET_SEED_P50_MS, "corpus_eq_per_s": TARGET_CORPUS_EQ_PER_S},
        "cold": {
            "import_phi_lab_ms": import_ns / 1e6,
            "first_validate_ms": first_ns / 1e6,
            "second_validate_ms": second_ns / 1e6,
            "first_parse_expr_ms": first_parse_ns / 1e6,
        },
        "seeds": asdict(seeds),
        "corpus": asdict(corpus),
        "stages": stages,
    }
    seed_worst = max(seeds.per_equation_p50_ms.values())
    report["targets"]["seed_p50_met"] = seed_worst < TARGET_SEED_P50_MS
    report["targets"]["corpus_eq_per_s_met"] = corpus.validate.eq_per_s >= TARGET_CORPUS_EQ_PER_S
    report["procedures"] = count_procedures([text for _, text in CORPUS], validate)
    report["elapsed_s"] = (time.perf_counter_ns() - began) / 1e9
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
