"""Exploration: a panel of targets, enumeration throughput, and RIES and ``mpmath.identify`` beside them.

Run from the repository root::

    python bench/bench_explore.py [--budget 5] [--device cpu] [--targets phi,sqrt2,pi] [--json]
                                  [--throughput-complexity 7] [--ries PATH [--ries-levels 2,3]]
    python -m bench.bench_explore ...

One run prints, all measured in one process on one machine (host facts first):

1. **The panel.**  For each target of :data:`TARGETS` (φ, φ², 1/φ, √2, π, e, ln 2, ∛2, γ given
   as a 50-digit string which no tool here should explain, the plastic number ρ, the real root
   of x³ = x + 1 given by its radicals, and π²/6):

   * (a) :func:`phi_lab.exploration.find_closed_forms` over :data:`CONSTANTS` and
     :data:`OPERATIONS` up to complexity :data:`CLOSED_FORM_COMPLEXITY`, stopped by the time
     budget (the same for every target): the seconds into the search of the first *exact* hit
     (verified at 50 digits, relative error below 1e-40), the simplest exact expression, how
     many distinct exact forms (and near misses, each closer than every simpler hit) the budget
     found, candidates evaluated and why the search stopped;
   * (b) :func:`phi_lab.exploration.find_equations` over the same leaves (plus ``x``) and
     operations: the first exact equation's time, the simplest exact equation and the count
     among the rows asked for (``--equation-rows``: each row is validated, which is slow);
   * for (a) and (b), the hygiene of the :data:`TOP_ROWS` first rows, both of which should be
     0: rows with a *trivial rewrite* somewhere in them (a subtree matched by a rule of
     ``phi_lab.compute.pruning.trivial_rewrite``, such as ``x*1`` or ``exp(log(a))``; "n/a"
     while that function does not exist) and rows that *repeat* an earlier row (the same
     :func:`phi_lab.equations.forms.form_key` for closed forms, the same
     :func:`phi_lab.equations.forms.relation_key` for equations).  Each row's text is parsed
     back with :func:`phi_lab.equations.parser.parse_syntax`, as a user would read it;
   * (c) the baseline, ``mpmath.identify`` on the same target: as a double (its usual use, 15
     digits) and at 30 digits, each with its default search and with the base constants
     :func:`identify_constants` (π, e, φ, ln 2, passed as a dict of values, so mpmath evaluates
     no strings).  Its formula is judged with phi_lab's parser and 50-digit arithmetic (never
     ``eval``): exact below 1e-40 relative, otherwise the digits it agrees to.

2. **Enumeration throughput, pruned and unpruned** (:mod:`bench.bench_pool`, which runs alone
   too): :func:`phi_lab.compute.pool.grow` over find_closed_forms' default vocabulary up to
   ``--throughput-complexity`` levels within the budget, once with its pruning rules
   (``prune=True``) and once without (``prune=False``): levels finished, candidates generated
   (evaluated + pruned), pruned (not built because a rule excluded them), evaluated, kept
   (distinct values), seconds, kept/s and evaluated/s, and the ratio of the times to finish
   the deepest level both finished.  While ``grow`` has no ``prune`` argument the pool's
   default is measured once and the pruned figures read "n/a".

3. **RIES side by side** (``--ries PATH``: a RIES binary built outside this repository).
   On each target, given as a 20-digit decimal, RIES runs at ``-l2`` (and the levels of
   ``--ries-levels``) restricted to the panel's vocabulary (``-S``; see :mod:`bench.ries`):
   its answer lines (one per strictly better match) are printed under phi_lab's simplest
   closed form and equation for that target, with its expression statistics and time.  Its
   throughput comes from full-level runs on φ (:data:`bench.ries.FULL_LEVEL`: without it RIES
   stops after its first match as close as a double allows), with the panel's symbols and
   with all of its own, printed in the throughput table: its ``expressions`` (complete
   expressions evaluated) next to phi_lab's evaluated, its ``distinct`` next to kept, its
   ``dead-ends`` (partial expressions cut off) next to pruned.

The searches get the targets *given exactly* (expression text such as ``"sqrt(2)"``, or the
digits of γ), since a float target can never give an exact hit; identify gets the target
rounded to its working precision, and RIES a decimal, as a user would hand them one.  A
warm-up search runs first, out of the figures.  Times are wall-clock seconds (RIES's are its
own clock); ``found_after_s`` counts from the start of enumeration.  Nothing is asserted:
the figures are printed next to the baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import mpmath

from bench.bench_pool import MAX_COMPLEXITY as THROUGHPUT_COMPLEXITY
from bench.bench_pool import grow_once, measure_throughput, throughput_lines
from bench.machine import host_facts
from bench.ries import FULL_LEVEL, run_ries, symbol_set
from phi_lab.compute.device import resolve_device
from phi_lab.compute.enumeration import precise_value, read_target
from phi_lab.equations.evaluate import MpArithmetic, Undefined
from phi_lab.equations.forms import form_key, relation_key
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Node, Syntax
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
#: ρ, the plastic number, has no short closed form over these leaves but a short equation
#: (x³ = x + 1); π²/6, not algebraic, is pi^2/(2*3) at complexity 7 (6 is no leaf) and 6x = π² as an equation.
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
    Target("plastic", "ρ", "((9 + sqrt(69))/18)^(1/3) + ((9 - sqrt(69))/18)^(1/3)"),
    Target("zeta2", "π²/6", "pi^2/6"),
)

#: Leaves of both searches (``phi`` deliberately absent: φ must be *found*).
CONSTANTS = ("1", "2", "3", "5", "pi", "e")
#: Operations of both searches, and of the throughput runs.
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
#: Seconds per search (each tool, each target), and per throughput run.
BUDGET_S = 5.0
#: Rows asked for.  Closed forms: all of them, so that the counts are not capped (every hit is
#: verified anyway).  Equations: find_equations validates every row it returns, and a row takes
#: about half a second on 2 busy CPU cores (the validator's proofs, its isolated solver), so by
#: default only the rows whose hygiene is checked; the count then reads "20+" (``--equation-rows``).
CLOSED_FORM_ROWS = 100_000
EQUATION_ROWS = 20
#: Rows whose hygiene (trivial rewrites, repeats) is checked, from the top of each frame.
TOP_ROWS = 20
#: Working precisions of the identify runs: a double, then more digits.
IDENTIFY_DIGITS = (15, 30)
#: Skip the remaining 30-digit identify runs once one call has taken longer than this.
IDENTIFY_SLOW_S = 5.0
#: Precision and threshold of every verdict.
DIGITS = 50
EXACT = 1e-40
#: Digits of the decimal RIES gets (it reads a double).
RIES_DIGITS = 20
#: Seconds a RIES run may take.
RIES_TIMEOUT_S = 120.0


# ----------------------------------------------------------------------------- (a), (b): the searches


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
        "top": str(frame[column].iloc[0]) if len(frame) else None,
        "exact": len(exact),
        "inexact": int(len(frame) - len(exact)),
        "rows": len(frame),
    }


def run_closed_forms(target: Target, budget_s: float, device: str) -> dict[str, Any]:
    """(a) one closed-form search with the fixed budget, and the hygiene of its top rows."""
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
        "hygiene": check_rows(list(frame["expression"][:TOP_ROWS]), _read_expression),
    }


def run_equations(target: Target, budget_s: float, device: str, rows: int = EQUATION_ROWS) -> dict[str, Any]:
    """(b) one equation search with the fixed budget (its rows validated, as find_equations does)."""
    start = time.perf_counter()
    frame = find_equations(
        target.text,
        constants=CONSTANTS,
        operations=OPERATIONS,
        max_complexity=EQUATION_COMPLEXITY,
        max_side_complexity=EQUATION_SIDE_COMPLEXITY,
        max_results=rows,
        time_budget_s=budget_s,
        device=device,
    )
    wall = time.perf_counter() - start
    attrs = frame.attrs
    return {
        **_exact_summary(frame, "equation"),
        "capped": len(frame) >= rows,
        "exact_and_valid": int((frame["exact"] & frame["valid"]).sum()),
        "stopped": attrs["stopped"],
        "levels": attrs["levels"],
        "candidates": attrs["candidates"],
        "pool": attrs["pool"],
        "pairs": attrs["pairs"],
        "search_s": attrs["seconds"],
        "wall_s": wall,
        "hygiene": check_rows(list(frame["equation"][:TOP_ROWS]), _read_equation),
    }


# ----------------------------------------------------------------------------- hygiene of the top rows


def trivial_rule() -> Callable[[Node], str | None] | None:
    """``phi_lab.compute.pruning.trivial_rewrite``, or None while that module or function does not exist.

    Imported when asked for, so that the benchmark runs before and after the pruning rules land.
    """
    try:
        module = importlib.import_module("phi_lab.compute.pruning")
    except ModuleNotFoundError as exc:
        if exc.name != "phi_lab.compute.pruning":
            raise  # the module exists but something it imports does not: a real error
        return None
    rule: Callable[[Node], str | None] | None = getattr(module, "trivial_rewrite", None)
    return rule


def _read_expression(syntax: Syntax) -> tuple[tuple[Node, ...], str]:
    """A closed form's tree and its form key."""
    if len(syntax.expressions) != 1 or syntax.relations:
        raise ParseError("not a single expression", syntax.text, 1)
    node = syntax.expressions[0]
    return (node,), form_key(node)


def _read_equation(syntax: Syntax) -> tuple[tuple[Node, ...], str]:
    """An equation's sides and its relation key (in ``x``)."""
    if len(syntax.relations) != 1 or syntax.expressions:
        raise ParseError("not a single equation", syntax.text, 1)
    relation = syntax.relations[0]
    return (relation.lhs, relation.rhs), relation_key(relation.lhs, relation.rhs, "x")


def check_rows(texts: Sequence[str], read: Callable[[Syntax], tuple[tuple[Node, ...], str]]) -> dict[str, Any]:
    """Rows with a trivial rewrite in any subtree (the rule walks the tree), and rows whose key
    repeats an earlier row's.

    ``trivial`` is None while :func:`trivial_rule` is unavailable; the examples say which row,
    and which rule or earlier row.
    """
    rule = trivial_rule()
    trivial: list[str] = []
    repeats: list[str] = []
    unparsed: list[str] = []
    seen: dict[str, str] = {}
    for text in texts:
        try:
            roots, key = read(parse_syntax(text))
        except ParseError:
            unparsed.append(text)
            continue
        if rule is not None:
            matched = next((name for root in roots if (name := rule(root)) is not None), None)
            if matched is not None:
                trivial.append(f"{text}  [{matched}]")
        if key in seen:
            repeats.append(f"{text}  [as {seen[key]}]")
        else:
            seen[key] = text
    return {
        "rows": len(texts),
        "trivial": None if rule is None else len(trivial),
        "trivial_rows": trivial,
        "repeats": len(repeats),
        "repeated_rows": repeats,
        "unparsed": unparsed,
    }


# ----------------------------------------------------------------------------- (c): mpmath.identify


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


# ----------------------------------------------------------------------------- RIES


def ries_runs(binary: str, rows: Sequence[dict[str, Any]], levels: Sequence[int]) -> dict[str, Any]:
    """RIES on every target at each level (panel symbols), and full-level runs on φ for throughput."""
    symbols, missing = symbol_set(CONSTANTS, OPERATIONS)
    targets = {
        row["key"]: {
            str(level): run_ries(binary, row["ries_value"], (f"-l{level}", symbols), RIES_TIMEOUT_S).to_dict()
            for level in levels
        }
        for row in rows
    }
    phi = _decimal("phi")
    throughput = [
        {
            "title": f"RIES -l{level} full, {kind}",
            **run_ries(binary, phi, (f"-l{level}", *chosen, *FULL_LEVEL), RIES_TIMEOUT_S).to_dict(),
        }
        for level in levels
        for kind, chosen in (("panel symbols", (symbols,)), ("all symbols", ()))
    ]
    return {
        "binary": binary,
        "levels": list(levels),
        "symbols": symbols,
        "symbols_missing": missing,
        "targets": targets,
        "throughput": throughput,
    }


def _decimal(text: str) -> str:
    """The target ``text`` as a decimal of :data:`RIES_DIGITS` significant digits (via mpmath)."""
    arithmetic = MpArithmetic(DIGITS)
    context = arithmetic.context
    return str(context.nstr(context.re(read_target(text, arithmetic)), RIES_DIGITS))


# ----------------------------------------------------------------------------- one run


def measure(
    target: Target, budget_s: float, device: str, identify_high: bool, equation_rows: int = EQUATION_ROWS
) -> dict[str, Any]:
    """The searches and identify on one target."""
    arithmetic = MpArithmetic(DIGITS)
    goal = read_target(target.text, arithmetic)
    context = arithmetic.context
    goal_text = str(context.nstr(context.re(goal), DIGITS))
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
        "ries_value": str(context.nstr(context.re(goal), RIES_DIGITS)),
        "closed_forms": run_closed_forms(target, budget_s, device),
        "equations": run_equations(target, budget_s, device, equation_rows),
        "identify": identify,
    }


def warm_up(device: str) -> None:
    """First-call costs (torch, the validator's registries and catalog, SymPy) out of the figures."""
    find_closed_forms("2", constants=CONSTANTS, operations=OPERATIONS, max_complexity=3, device=device)
    find_equations("2", constants=CONSTANTS, operations=OPERATIONS, max_complexity=4, device=device)
    grow_once(None, 3, 10.0, device)
    check_rows(["1 + 1"], _read_expression)
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
    """Targets found exactly by each tool, the median time to the first exact hit, and the hygiene totals."""
    summary: dict[str, Any] = {}
    for tool in ("closed_forms", "equations"):
        times = [row[tool]["first_exact_s"] for row in rows if row[tool]["first_exact_s"] is not None]
        trivial = [row[tool]["hygiene"]["trivial"] for row in rows]
        summary[tool] = {
            "targets_exact": len(times),
            "median_first_exact_s": statistics.median(times) if times else None,
            "trivial": None if None in trivial else sum(trivial),
            "repeats": sum(row[tool]["hygiene"]["repeats"] for row in rows),
            "unparsed": sum(len(row[tool]["hygiene"]["unparsed"]) for row in rows),
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


def _hygiene_cells(hygiene: dict[str, Any]) -> str:
    trivial = "n/a" if hygiene["trivial"] is None else str(hygiene["trivial"])
    return f"{trivial:>5} {hygiene['repeats']:>4}"


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


def _print_table(header: str, lines: Sequence[str]) -> None:
    print(header)
    print("─" * len(header))
    for line in lines:
        print(line)


def print_panel(report: dict[str, Any]) -> None:
    """Section 1: the closed forms, the equations and identify on each target."""
    rows = report["targets"]
    print(f"1. the panel (hygiene: trivial rewrites / repeats among each frame's first {TOP_ROWS} rows)")
    print()
    _print_table(
        f"{'target':6} │ {'1st exact':>9} {'simplest exact form':28} {'ex/near':>9} {'cand.':>10} {'stop':>5} "
        f"{'wall':>7} │ {'triv':>5} {'rep':>4}",
        [
            f"{row['label']:6} │ {_seconds(c['first_exact_s']):>9} {_clip(c['simplest_exact'], 28):28} "
            f"{_count(c):>9} {c['candidates']:>10,} {c['stopped'][:5]:>5} {_seconds(c['wall_s']):>7} │ "
            f"{_hygiene_cells(c['hygiene'])}"
            for row in rows
            for c in (row["closed_forms"],)
        ],
    )
    print(
        "(a) find_closed_forms.  1st exact: seconds into the search of the first exact hit; ex/near: distinct "
        "exact forms / near misses (each closer than every simpler hit); cand.: candidates evaluated; stop: why "
        "it stopped (time or max_c[omplexity]); wall: the whole call, verification and grouping of the hits included"
    )
    print()
    _print_table(
        f"{'target':6} │ {'1st exact':>9} {'simplest exact equation':28} {'exact':>6} {'lv':>2} {'stop':>5} "
        f"{'wall':>7} │ {'triv':>5} {'rep':>4}",
        [
            f"{row['label']:6} │ {_seconds(q['first_exact_s']):>9} {_clip(q['simplest_exact'], 28):28} "
            f"{str(q['exact']) + ('+' if q['capped'] else ''):>6} {q['levels']:>2} {q['stopped'][:5]:>5} "
            f"{_seconds(q['wall_s']):>7} │ {_hygiene_cells(q['hygiene'])}"
            for row in rows
            for q in (row["equations"],)
        ],
    )
    print(
        "(b) find_equations.  exact: distinct exact relations (rearrangements such as x/pi = 1 are variants of "
        "x = pi; dressed-up ones such as exp(x) = exp(pi) are left out by the search); lv: side-complexity levels "
        "finished (pairs come from finished levels only)"
    )
    print(
        "triv: rows with a subtree matched by phi_lab.compute.pruning.trivial_rewrite (n/a: not available); "
        "rep: rows with the form_key (a) or relation_key (b) of an earlier row; both should be 0"
    )
    flagged = [
        (row["label"], tool, line)
        for row in rows
        for tool in ("closed_forms", "equations")
        for line in (*row[tool]["hygiene"]["trivial_rows"], *row[tool]["hygiene"]["repeated_rows"])
    ]
    unparsed = [(row["label"], text) for row in rows for tool in ("closed_forms", "equations")
                for text in row[tool]["hygiene"]["unparsed"]]  # fmt: skip
    for label, tool, line in flagged:
        print(f"  {label:5} {tool:12} {line}")
    for label, text in unparsed:
        print(f"  {label:5} unparsed row: {text}")
    print()
    _print_table(
        f"{'target':6} │ " + " ".join(f"{title:>8}" for _, title in _IDENTIFY_COLUMNS),
        [
            f"{row['label']:6} │ "
            + " ".join(f"{_identify_cell(row['identify'][key]):>8}" for key, _ in _IDENTIFY_COLUMNS)
            for row in rows
        ],
    )
    print("(c) mpmath.identify: the formula returned, the call's time and the verdict")
    for row in rows:
        for key, title in _IDENTIFY_COLUMNS:
            run = row["identify"][key]
            if run is None:
                print(f"  {row['label']:5} {title:7} skipped (an earlier call took over {IDENTIFY_SLOW_S:g} s)")
                continue
            verdict = run["verdict"]
            if verdict == "unparsed":
                verdict = f"unparsed: {run.get('reason', '')}"
            print(f"  {row['label']:5} {title:7} {_seconds(run['seconds']):>8}  {run['formula']!s:58} {verdict}")


def print_throughput(report: dict[str, Any]) -> None:
    """Section 2: grow with and without pruning (and RIES's full-level runs when given)."""
    figures = report["throughput"]
    print(
        f"2. enumeration throughput: grow over constants {', '.join(figures['constants'])}; operations "
        f"{' '.join(figures['operations'])}; up to level {figures['max_complexity']}, budget {figures['budget_s']:g} s "
        f"each, on {figures['device']}"
    )
    print()
    ries = report["ries"]["throughput"] if report["ries"] else ()
    for line in throughput_lines(figures, ries):
        print(f"  {line}")
    print(
        "  generated = evaluated + pruned; pruned: not built because a rule excluded them; kept: distinct values in "
        "the pool (finished levels)"
    )
    if ries:
        print(
            "  RIES (one run on φ, full level, its own clock): pruned ← its dead-ends (partial expressions cut off), "
            "evaluated ← its expressions, kept ← its distinct"
        )


def print_ries(report: dict[str, Any]) -> None:
    """Section 3: RIES's answers under phi_lab's for each target."""
    ries = report["ries"]
    if ries is None:
        print("3. RIES: not given (--ries PATH)")
        return
    missing = f" (RIES has no symbol for {', '.join(ries['symbols_missing'])})" if ries["symbols_missing"] else ""
    print(f"3. RIES side by side: {ries['binary']} {ries['symbols']}{missing}, target as {RIES_DIGITS} digits")
    for row in report["targets"]:
        closed, equations = row["closed_forms"], row["equations"]
        print()
        print(
            f"  {row['label']:5} phi_lab: form {_clip(closed['simplest_exact'] or closed['top'], 34)}"
            f"{'' if closed['simplest_exact'] else ' (not exact)'}; "
            f"equation {_clip(equations['simplest_exact'] or equations['top'], 34)}"
            f"{'' if equations['simplest_exact'] else ' (not exact)'}"
        )
        for level, run in ries["targets"][row["key"]].items():
            if run["error"] is not None:
                print(f"        RIES -l{level}: failed: {run['error']}")
                continue
            stopped = f"stopped: {run['stopped']}" if run["stopped"] else "level finished"
            print(
                f"        RIES -l{level}: {run['expressions']:,} expressions, {run['distinct']:,} distinct in "
                f"{run['seconds']:.3f} s ({stopped})"
            )
            for match in run["matches"]:
                where = (
                    "'exact'" if match["exact"] else f"T {'-' if match['delta'] < 0 else '+'} {abs(match['delta']):.3g}"
                )
                print(f"          {match['equation']:36} {where:16} {{{match['complexity']}}}")


def print_report(report: dict[str, Any]) -> None:
    """The figures as text."""
    facts, settings = report["machine"], report["settings"]
    print("phi_lab exploration benchmark: panel, enumeration throughput, RIES, mpmath.identify")
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
        f"max_side_complexity {settings['equation_side_complexity']}, its first {settings['equation_rows']} rows "
        "(each validated)"
    )
    print(
        f"  (c) mpmath.identify at {' and '.join(str(d) for d in IDENTIFY_DIGITS)} digits, default and with "
        f"constants (+C) {{{', '.join(settings['identify_constants'])}}}"
    )
    print("exact = equal to the target at 50 digits (relative error < 1e-40); Ndig = agrees to N digits only")
    print()
    print_panel(report)
    print()
    print_throughput(report)
    print()
    print_ries(report)
    print()
    print("summary")
    summary = report["summary"]
    for tool, title in (("closed_forms", "(a) find_closed_forms"), ("equations", "(b) find_equations")):
        figures = summary[tool]
        trivial = "n/a" if figures["trivial"] is None else figures["trivial"]
        print(
            f"  {title:24} exact on {figures['targets_exact']} of {len(report['targets'])} targets, "
            f"median time to first exact hit {_seconds(figures['median_first_exact_s'])}; "
            f"top-{TOP_ROWS} rows: {trivial} trivial rewrites, {figures['repeats']} repeats"
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
    throughput = report["throughput"]
    if throughput["level_time_ratio"] is not None:
        print(
            f"  pool, level {throughput['ratio_level']}: pruned takes {throughput['level_time_ratio']:.2f}× "
            "the unpruned time"
        )
    print()
    print(f"total benchmark time {report['elapsed_s']:.1f} s")


# ----------------------------------------------------------------------------- main


def _levels(text: str) -> list[int]:
    levels = [int(part) for part in text.split(",") if part.strip()]
    if not levels or any(not 0 <= level <= 6 for level in levels):
        raise argparse.ArgumentTypeError("a comma-separated list of RIES levels between 0 and 6")
    return levels


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print it (text, or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET_S,
        help=f"seconds per search, each tool and target, and per throughput run (default {BUDGET_S:g}: "
        "a few minutes in all on 2 CPU cores)",
    )
    parser.add_argument("--device", default="cpu", help="torch device of the searches (default cpu)")
    parser.add_argument(
        "--targets",
        default=",".join(target.key for target in TARGETS),
        help=f"comma-separated subset of {', '.join(target.key for target in TARGETS)} (default all)",
    )
    parser.add_argument(
        "--throughput-complexity",
        type=int,
        default=THROUGHPUT_COMPLEXITY,
        help=f"last level of the pruned/unpruned pool runs (default {THROUGHPUT_COMPLEXITY})",
    )
    parser.add_argument("--ries", metavar="PATH", help="a RIES binary to run beside phi_lab (built outside this repo)")
    parser.add_argument(
        "--ries-levels", type=_levels, default=[2], help="comma-separated RIES -l levels (default 2; e.g. 2,3)"
    )
    parser.add_argument(
        "--equation-rows",
        type=int,
        default=EQUATION_ROWS,
        help=f"rows find_equations returns (and validates, about 0.5 s each) per target (default {EQUATION_ROWS})",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable figures only")
    args = parser.parse_args(argv)
    if not args.budget > 0:
        parser.error("--budget must be positive")
    if args.equation_rows < 1:
        parser.error("--equation-rows must be at least 1")
    if args.throughput_complexity < 1:
        parser.error("--throughput-complexity must be at least 1")
    if args.ries is not None and not os.access(args.ries, os.X_OK):
        parser.error(f"--ries {args.ries!r} is not an executable file")
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
        row = measure(known[key], args.budget, args.device, identify_high, args.equation_rows)
        slow = [run["seconds"] for name, run in row["identify"].items() if name.startswith("30") and run is not None]
        if slow and max(slow) > IDENTIFY_SLOW_S:
            identify_high = False
        rows.append(row)
    print("throughput …", file=sys.stderr, flush=True)
    throughput = measure_throughput(args.throughput_complexity, args.budget, args.device)
    if args.ries is not None:
        print("RIES …", file=sys.stderr, flush=True)
    ries = ries_runs(args.ries, rows, args.ries_levels) if args.ries is not None else None
    report = {
        "machine": facts,
        "settings": {
            "constants": list(CONSTANTS),
            "operations": list(OPERATIONS),
            "budget_s": args.budget,
            "closed_form_complexity": CLOSED_FORM_COMPLEXITY,
            "equation_complexity": EQUATION_COMPLEXITY,
            "equation_side_complexity": EQUATION_SIDE_COMPLEXITY,
            "equation_rows": args.equation_rows,
            "top_rows": TOP_ROWS,
            "identify_constants": list(identify_constants(mpmath.mp)),
            "identify_digits": list(IDENTIFY_DIGITS),
            "exact_below": EXACT,
            "digits": DIGITS,
        },
        "targets": rows,
        "summary": summarize(rows),
        "throughput": throughput,
        "ries": ries,
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
