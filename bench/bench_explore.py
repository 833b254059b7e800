"""Exploration: time to the first correct hit and hits within a fixed budget, next to ``mpmath.identify``.

Run from the repository root::

    python bench/bench_explore.py [--budget 5] [--device cpu] [--targets phi,sqrt2,pi] [--json]
    python -m bench.bench_explore ...

What it measures, all in one process on one machine, for each target of :data:`TARGETS`
(φ, φ², 1/φ, √2, π, e, ln 2, ∛2, and the Euler–Mascheroni constant γ given as a 50-digit
string, which none of the tools should explain):

* (a) :func:`phi_lab.exploration.find_closed_forms` over :data:`CONSTANTS` and
  :data:`OPERATIONS` up to complexity :data:`CLOSED_FORM_COMPLEXITY`, stopped by the time
  budget (the same for every target): the seconds into the search of the first *exact* hit
  (verified at 50 digits, relative error below 1e-40), the simplest exact expression, how many
  distinct exact forms (and near misses within the search's 1e-9 tolerance, each closer than
  every simpler hit) the budget found,
  candidates evaluated and why the search stopped;
* (b) :func:`phi_lab.exploration.find_equations` over the same leaves (plus ``x``) and
  operations, with its default complexity limits and the same budget: the first exact
  equation's time, the simplest exact equation and the count;
* (c) the baseline, ``mpmath.identify`` on the same target: as a double (its usual use, 15
  digits) and at 30 digits, each with its default search and with the base constants
  :func:`identify_constants` (π, e, φ, ln 2, passed as a dict of values, so mpmath evaluates no strings).
  Its formula is judged with phi_lab's own parser and 50-digit arithmetic (never ``eval``):
  exact below 1e-40 relative, otherwise the digits it agrees to.

The searches are the targets *given exactly* (expression text such as ``"sqrt(2)"``, or the
digits of γ), since a float target can never give an exact hit; identify gets the target
rounded to its working precision, as a user would hand it one.  A warm-up search runs
first, out of the figures.  Times are wall-clock seconds; ``found_after_s`` counts from the
start of enumeration.  Nothing is asserted: the figures are printed next to the baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import mpmath

from bench.machine import host_facts
from phi_lab.compute.device import resolve_device
from phi_lab.compute.enumeration import precise_value, read_target
from phi_lab.equations.evaluate import MpArithmetic, Undefined
from phi_lab.equations.parser import parse_syntax
from phi_lab.errors import ParseError
from phi_lab.exploration import find_closed_forms, find_equations


def _euler_gamma_digits(digits: int = 50) -> str:
    """The Euler–Mascheroni constant as a string of ``digits`` significant digits (from mpmath)."""
    context = mpmath.MPContext()
    context.dps = digits + 10
    return str(context.nstr(context.euler, digits))


@dataclass(frozen=True, slots=True)
class Target:
    """One number of the panel: a key for ``--targets``, a label, and the text the searches get."""

    key: str
    label: str
    text: str


#: The panel.  γ is given as digits: no tool here has it as a leaf, so nothing should be exact.
TARGETS: tuple[Target, ...] = (
    Target("phi", "φ", "phi"),
    Target("phi2", "φ²", "phi^2"),
    Target("inv_phi", "1/φ", "1/phi"),
    Target("sqrt2", "√2", "sqrt(2)"),
    Target("pi", "π", "pi"),
    Target("e", "e", "e"),
    Target("ln2", "ln 2", "log(2)"),
    Target("cbrt2", "∛2", "2^(1/3)"),
    Target("gamma", "γ", _euler_gamma_digits()),
)

#: Leaves of both searches (``phi`` deliberately absent: φ must be *found*).
CONSTANTS = ("1", "2", "3", "5", "pi", "e")
#: Operations of both searches.
OPERATIONS = ("+", "-", "*", "/", "^", "sqrt", "exp", "log")
#: find_closed_forms' last level: level 9 (tens of millions of candidates) takes longer than the
#: default budget on 2 CPU cores, so the budget is what stops the search.
CLOSED_FORM_COMPLEXITY = 9
#: Members the closed-form pool may keep (about 90 bytes each, so 0.9 GB): large enough that the
#: time budget, not the pool, stops the search.
CLOSED_FORM_POOL = 10_000_000
#: find_equations' limits: sides up to 7 (about a second on 2 CPU cores), equations up to 10.
EQUATION_COMPLEXITY = 10
EQUATION_SIDE_COMPLEXITY = 7
#: Seconds per search (each tool, each target).
BUDGET_S = 5.0
#: Rows asked for, so that the counts are not capped (closed forms verify every hit anyway;
#: find_equations validates every row it returns, about half a millisecond each).
CLOSED_FORM_ROWS = 100_000
EQUATION_ROWS = 20_000
#: Working precisions of the identify runs: a double, then more digits.
IDENTIFY_DIGITS = (15, 30)
#: Skip the remaining 30-digit identify runs once one call has taken longer than this.
IDENTIFY_SLOW_S = 5.0
#: Precision and threshold of every verdict.
DIGITS = 50
EXACT = 1e-40


# ----------------------------------------------------------------------------- the three tools


def _exact_summary(frame: Any, column: str) -> dict[str, Any]:
    """First exact hit (by time), simplest exact hit (the frame's ranking) and counts."""
    found_after = frame.attrs["found_after_s"]
    exact = frame[frame["exact"]]
    first_text, first_s = None, None
    if len(exact):
        first_text = min(exact[column], key=lambda text: (found_after[text], text))
        first_s = found_after[first_text]
    return {
        "first_exact_s": first_s,
        "first_exact": first_text,
        "simplest_exact": str(exact[column].iloc[0]) if len(exact) else None,
        "simplest_exact_complexity": int(exact["complexity"].iloc[0]) if len(exact) else None,
        "exact": len(exact),
        "inexact": int(len(frame) - len(exact)),
        "rows": len(frame),
    }


def run_closed_forms(target: Target, budget_s: float, device: str) -> dict[str, Any]:
    """(a) one closed-form search with the fixed budget."""
    start = time.perf_counter()
    frame = find_closed_forms(
        target.text,
        constants=CONSTANTS,
        operations=OPERATIONS,
        max_complexity=CLOSED_FORM_COMPLEXITY,
        max_results=CLOSED_FORM_ROWS,
        max_pool=CLOSED_FORM_POOL,
        time_budget_s=budget_s,
        device=device,
    )
    wall = time.perf_counter() - start
    attrs = frame.attrs
    return {
        **_exact_summary(frame, "expression"),
        "capped": len(frame) >= CLOSED_FORM_ROWS,
        "stopped": attrs["stopped"],
        "levels": attrs["levels"],
        "candidates": attrs["candidates"],
        "pool": attrs["pool"],
        "search_s": attrs["seconds"],
        "wall_s": wall,
    }


def run_equations(target: Target, budget_s: float, device: str) -> dict[str, Any]:
    """(b) one equation search with the fixed budget (its rows validated, as find_equations does)."""
    start = time.perf_counter()
    frame = find_equations(
        target.text,
        constants=CONSTANTS,
        operations=OPERATIONS,
        max_complexity=EQUATION_COMPLEXITY,
        max_side_complexity=EQUATION_SIDE_COMPLEXITY,
        max_results=EQUATION_ROWS,
        time_budget_s=budget_s,
        device=device,
    )
    wall = time.perf_counter() - start
    attrs = frame.attrs
    return {
        **_exact_summary(frame, "equation"),
        "capped": len(frame) >= EQUATION_ROWS,
        "exact_and_valid": int((frame["exact"] & frame["valid"]).sum()),
        "stopped": attrs["stopped"],
        "levels": attrs["levels"],
        "candidates": attrs["candidates"],
        "pool": attrs["pool"],
        "pairs": attrs["pairs"],
        "search_s": attrs["seconds"],
        "wall_s": wall,
    }


def judge(formula: str | None, goal: Any, arithmetic: MpArithmetic) -> dict[str, Any]:
    """A formula's verdict against the 50-digit target: none, unparsed, undefined, exact or digits.

    The text goes through phi_lab's parser and :func:`precise_value` only; nothing is evaluated
    as Python.
    """
    if formula is None:
        return {"verdict": "none", "digits": None, "error": None}
    try:
        syntax = parse_syntax(formula)
    except ParseError as exc:
        return {"verdict": "unparsed", "digits": None, "error": None, "reason": str(exc)}
    if len(syntax.expressions) != 1 or syntax.relations:
        return {"verdict": "unparsed", "digits": None, "error": None, "reason": "not a single expression"}
    try:
        value = precise_value(syntax.expressions[0], arithmetic)
    except (Undefined, KeyError) as exc:
        return {"verdict": "undefined", "digits": None, "error": None, "reason": str(exc)}
    ctx = arithmetic.context
    error = abs(value - goal) / (abs(goal) or ctx.mpf(1))
    digits = DIGITS if error == 0 else max(0, min(DIGITS, int(-ctx.log10(error))))
    exact = bool(error < EXACT)
    return {"verdict": "exact" if exact else f"{digits} digits", "digits": digits, "error": float(error)}


def identify_constants(context: Any) -> dict[str, Any]:
    """The base constants of the identify runs, by the names its formulas use, at ``context``'s precision."""
    return {"pi": +context.pi, "e": +context.e, "phi": +context.phi, "log(2)": context.log(2)}


def run_identify(goal_text: str, digits: int, with_constants: bool) -> dict[str, Any]:
    """(c) ``identify`` in a private mpmath context of ``digits`` digits (the global ``mp`` is untouched).

    At 15 digits the target is handed over as a Python float, as most callers do.
    """
    context = mpmath.MPContext()
    context.dps = digits
    value = float(goal_text) if digits <= 15 else context.mpf(goal_text)
    constants = identify_constants(context) if with_constants else []
    start = time.perf_counter()
    formula = context.identify(value, constants)
    return {"formula": formula, "seconds": time.perf_counter() - start}


def measure(target: Target, budget_s: float, device: str, identify_high: bool) -> dict[str, Any]:
    """All three tools on one target."""
    arithmetic = MpArithmetic(DIGITS)
    goal = read_target(target.text, arithmetic)
    goal_text = str(arithmetic.context.nstr(arithmetic.context.re(goal), DIGITS))
    identify: dict[str, Any] = {}
    for digits in IDENTIFY_DIGITS:
        for with_constants in (False, True):
            key = f"{digits}d_{'constants' if with_constants else 'default'}"
            if digits > 15 and not identify_high:
                identify[key] = None
                continue
            outcome = run_identify(goal_text, digits, with_constants)
            identify[key] = {**outcome, **judge(outcome["formula"], goal, arithmetic)}
    return {
        "key": target.key,
        "label": target.label,
        "text": target.text,
        "value": goal_text,
        "closed_forms": run_closed_forms(target, budget_s, device),
        "equations": run_equations(target, budget_s, device),
        "identify": identify,
    }


def warm_up(device: str) -> None:
    """First-call costs (torch, the validator's registries and catalog) out of the figures."""
    find_closed_forms("2", constants=CONSTANTS, operations=OPERATIONS, max_complexity=3, device=device)
    find_equations("2", constants=CONSTANTS, operations=OPERATIONS, max_complexity=4, device=device)
    run_identify("1.5", 15, True)


def machine_facts(device: str) -> dict[str, Any]:
    """Host, library versions and the device of the searches."""
    import torch

    resolved = resolve_device(device)
    return {
        **host_facts(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "mpmath": mpmath.__version__,
        "device": str(resolved),
        "device_name": torch.cuda.get_device_name(resolved) if resolved.type == "cuda" else resolved.type,
    }


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Targets found exactly by each tool, and the median time to the first exact hit."""
    summary: dict[str, Any] = {}
    for tool in ("closed_forms", "equations"):
        times = [row[tool]["first_exact_s"] for row in rows if row[tool]["first_exact_s"] is not None]
        summary[tool] = {
            "targets_exact": len(times),
            "median_first_exact_s": statistics.median(times) if times else None,
        }
    for key in rows[0]["identify"] if rows else ():
        runs = [row["identify"][key] for row in rows if row["identify"][key] is not None]
        if not runs:
            summary[f"identify_{key}"] = None
            continue
        times = [run["seconds"] for run in runs if run["verdict"] == "exact"]
        summary[f"identify_{key}"] = {
            "targets_exact": len(times),
            "targets_run": len(runs),
            "median_exact_s": statistics.median(times) if times else None,
            "median_call_s": statistics.median(run["seconds"] for run in runs),
        }
    return summary


# ----------------------------------------------------------------------------- report


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.1f}ms" if value < 0.1 else f"{value:.2f}s"


def _count(result: dict[str, Any]) -> str:
    return f"{result['exact']}{'+' if result['capped'] else ''}/{result['inexact']}"


def _clip(text: str | None, width: int) -> str:
    if text is None:
        return "—"
    return text if len(text) <= width else text[: width - 1] + "…"


def _identify_cell(run: dict[str, Any] | None) -> str:
    if run is None:
        return "skipped"
    named = {"exact": "exact", "none": "None", "unparsed": "unparsed", "undefined": "undef"}
    return named.get(run["verdict"], f"{run['digits']}dig")


_IDENTIFY_COLUMNS = (
    ("15d_default", "id15"),
    ("15d_constants", "id15+C"),
    ("30d_default", "id30"),
    ("30d_constants", "id30+C"),
)


def print_report(report: dict[str, Any]) -> None:
    """The figures as text."""
    facts, settings = report["machine"], report["settings"]
    print("phi_lab exploration benchmark: closed forms, equations, mpmath.identify")
    print("=" * 78)
    print(
        f"host: {facts['processor']}, {facts['cpu_count']} CPUs ({facts['cpus_usable']} usable), "
        f"load {facts['load_average_1min']}, python {facts['python']}, torch {facts['torch']} "
        f"({facts['torch_threads']} threads), mpmath {facts['mpmath']}"
    )
    print(f"device: {facts['device']} ({facts['device_name']})")
    print(
        f"searches: constants {', '.join(settings['constants'])}; operations {' '.join(settings['operations'])}; "
        f"budget {settings['budget_s']:g} s each"
    )
    print(
        f"  (a) find_closed_forms max_complexity {settings['closed_form_complexity']}; "
        f"(b) find_equations max_complexity {settings['equation_complexity']}, "
        f"max_side_complexity {settings['equation_side_complexity']}"
    )
    print(
        f"  (c) mpmath.identify at {' and '.join(str(d) for d in IDENTIFY_DIGITS)} digits, default and with "
        f"constants (+C) {{{', '.join(settings['identify_constants'])}}}"
    )
    print("exact = equal to the target at 50 digits (relative error < 1e-40); Ndig = agrees to N digits only")
    print()
    header = (
        f"{'target':6} │ {'(a) 1st':>7} {'simplest exact':18} {'ex/near':>9} {'cand.':>7} {'stop':>5} │ "
        f"{'(b) 1st':>7} {'simplest exact equation':24} {'exact':>6} {'lv':>2} {'stop':>5} │ "
        + " ".join(f"{title:>8}" for _, title in _IDENTIFY_COLUMNS)
    )
    print(header)
    print("─" * len(header))
    for row in report["targets"]:
        closed, equations = row["closed_forms"], row["equations"]
        cells = " ".join(f"{_identify_cell(row['identify'][key]):>8}" for key, _ in _IDENTIFY_COLUMNS)
        print(
            f"{row['label']:6} │ {_seconds(closed['first_exact_s']):>7} {_clip(closed['simplest_exact'], 18):18} "
            f"{_count(closed):>9} {closed['candidates']:>7,} {closed['stopped'][:5]:>5} │ "
            f"{_seconds(equations['first_exact_s']):>7} {_clip(equations['simplest_exact'], 24):24} "
            f"{str(equations['exact']) + ('+' if equations['capped'] else ''):>6} {equations['levels']:>2} "
            f"{equations['stopped'][:5]:>5} │ {cells}"
        )
    print()
    print(
        "(a) 1st: seconds into the search of the first exact hit; ex/near: distinct exact forms / near misses "
        "(each closer than every simpler hit); "
        "cand.: candidates evaluated; stop: why it stopped (time or max_c[omplexity])"
    )
    print(
        "(b) 1st: likewise for equations; exact: distinct exact relations (rearrangements such as x/pi = 1 "
        "are variants of x = pi; dressed-up ones such as exp(x) = exp(pi) are left out by the search); "
        "lv: side-complexity levels "
        "finished (pairs come from finished levels only); stop: as for (a)"
    )
    print()
    print("mpmath.identify: the formula returned, the call's time and the verdict")
    for row in report["targets"]:
        for key, title in _IDENTIFY_COLUMNS:
            run = row["identify"][key]
            if run is None:
                print(f"  {row['label']:5} {title:7} skipped (an earlier call took over {IDENTIFY_SLOW_S:g} s)")
                continue
            verdict = run["verdict"]
            if verdict == "unparsed":
                verdict = f"unparsed: {run.get('reason', '')}"
            print(f"  {row['label']:5} {title:7} {_seconds(run['seconds']):>8}  {run['formula']!s:58} {verdict}")
    print()
    print("summary")
    summary = report["summary"]
    for tool, title in (("closed_forms", "(a) find_closed_forms"), ("equations", "(b) find_equations")):
        figures = summary[tool]
        print(
            f"  {title:24} exact on {figures['targets_exact']} of {len(report['targets'])} targets, "
            f"median time to first exact hit {_seconds(figures['median_first_exact_s'])}"
        )
    for key, title in _IDENTIFY_COLUMNS:
        figures = summary.get(f"identify_{key}")
        if figures is None:
            print(f"  (c) identify {title:11} skipped")
            continue
        print(
            f"  (c) identify {title:11} exact on {figures['targets_exact']} of {figures['targets_run']} targets, "
            f"median call {_seconds(figures['median_call_s'])}"
        )
    print()
    print(f"total benchmark time {report['elapsed_s']:.1f} s")


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print it (text, or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET_S,
        help=f"seconds per search, each tool and target (default {BUDGET_S:g}: about 2 minutes in all on 2 CPU cores)",
    )
    parser.add_argument("--device", default="cpu", help="torch device of the searches (default cpu)")
    parser.add_argument(
        "--targets",
        default=",".join(target.key for target in TARGETS),
        help=f"comma-separated subset of {', '.join(target.key for target in TARGETS)} (default all)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable figures only")
    args = parser.parse_args(argv)
    if not args.budget > 0:
        parser.error("--budget must be positive")
    known = {target.key: target for target in TARGETS}
    keys = [key.strip() for key in args.targets.split(",") if key.strip()]
    unknown = [key for key in keys if key not in known]
    if unknown or not keys:
        parser.error(f"--targets takes a comma-separated subset of {', '.join(known)}; unknown: {unknown}")
    began = time.perf_counter()
    facts = machine_facts(args.device)
    warm_up(args.device)
    rows = []
    identify_high = True
    for index, key in enumerate(keys, start=1):
        print(f"[{index}/{len(keys)}] {known[key].label} …", file=sys.stderr, flush=True)
        row = measure(known[key], args.budget, args.device, identify_high)
        slow = [run["seconds"] for name, run in row["identify"].items() if name.startswith("30") and run is not None]
        if slow and max(slow) > IDENTIFY_SLOW_S:
            identify_high = False
        rows.append(row)
    report = {
        "machine": facts,
        "settings": {
            "constants": list(CONSTANTS),
            "operations": list(OPERATIONS),
            "budget_s": args.budget,
            "closed_form_complexity": CLOSED_FORM_COMPLEXITY,
            "equation_complexity": EQUATION_COMPLEXITY,
            "equation_side_complexity": EQUATION_SIDE_COMPLEXITY,
            "identify_constants": list(identify_constants(mpmath.mp)),
            "identify_digits": list(IDENTIFY_DIGITS),
            "exact_below": EXACT,
            "digits": DIGITS,
        },
        "targets": rows,
        "summary": summarize(rows),
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
