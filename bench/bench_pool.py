"""Enumeration throughput of the search pool, with its pruning rules at generation and without.

Run from the repository root (``bench/bench_explore.py`` prints the same table in its section 2)::

    python bench/bench_pool.py [--max-complexity 7] [--budget 5] [--device cpu] [--json]

:func:`phi_lab.compute.pool.grow` alone (no target, no hits) over find_closed_forms' default
vocabulary, :data:`CONSTANTS` and :data:`OPERATIONS`, up to ``--max-complexity`` levels within
the budget, once with ``prune=True`` and once with ``prune=False``: levels finished, candidates
generated (evaluated + pruned), pruned (not built because a rule excluded them), evaluated,
kept (distinct values, finished levels), seconds, kept/s and evaluated/s, and the ratio of the
times to finish the deepest level both runs finished.  While ``grow`` has no ``prune``
argument (before the pruning rules land) the pool's default is measured once and the pruned
figures read "n/a".  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from phi_lab.compute.device import resolve_device
from phi_lab.compute.enumeration import Budget, read_leaves, read_operations
from phi_lab.compute.pool import Pool, grow

__all__ = ["grow_once", "measure_throughput", "pruning_available", "throughput_lines"]

#: Leaves of the throughput runs: find_closed_forms' default vocabulary (√5 is one leaf).
CONSTANTS = ("1", "2", "3", "5", "pi", "e", "sqrt5")
#: The last level: level 7 is about a million candidates (about 2 s on 2 CPU
#: cores); level 8 is ten times as many.
MAX_COMPLEXITY = 7
#: Members a throughput pool may keep (large enough for level 8).
MAX_POOL = 10_000_000
#: find_closed_forms' default operations.
OPERATIONS = ("+", "-", "*", "/", "^", "sqrt", "exp", "log")
#: Seconds per run.
BUDGET_S = 5.0


def pruning_available() -> bool:
    """Whether :func:`grow` takes ``prune`` (the pruning rules at generation)."""
    return "prune" in inspect.signature(grow).parameters


def grow_once(prune: bool | None, max_complexity: int, budget_s: float, device: str) -> dict[str, Any]:
    """One :func:`grow` over the throughput vocabulary; ``prune=None`` leaves the argument out.

    ``finished`` holds, per finished level, the seconds since the start and the counts so far.
    """
    leaves = read_leaves(CONSTANTS)
    unary, binary = read_operations(OPERATIONS)
    budget = Budget(budget_s, MAX_POOL)
    finished: list[dict[str, Any]] = []

    def on_level(pool: Pool) -> int:
        finished.append(
            {
                "level": len(pool.levels) - 1,
                "seconds": budget.elapsed(),
                "evaluated": pool.evaluated,
                "pruned": getattr(pool, "pruned", 0),
                "kept": pool.size,
            }
        )
        return 0

    options: dict[str, Any] = {} if prune is None else {"prune": prune}
    pool = grow(
        leaves,
        unary,
        binary,
        max_complexity=max_complexity,
        budget=budget,
        device=resolve_device(device),
        on_level=on_level,
        **options,
    )
    seconds = budget.elapsed()
    evaluated, pruned = pool.evaluated, getattr(pool, "pruned", 0)
    return {
        "prune": prune,
        "levels": len(pool.levels) - 1,
        "stopped": pool.stopped,
        "generated": evaluated + pruned,
        "pruned": pruned,
        "pruned_by": dict(getattr(pool, "pruned_by", {})),
        "evaluated": evaluated,
        "kept": pool.size,
        "seconds": seconds,
        "kept_per_s": pool.size / seconds,
        "evaluated_per_s": evaluated / seconds,
        "finished": finished,
    }


def measure_throughput(max_complexity: int, budget_s: float, device: str) -> dict[str, Any]:
    """The pool grown with its pruning rules and without, same vocabulary, level and budget.

    ``level_time_ratio`` is pruned / unpruned seconds to finish the deepest level both runs
    finished (None without pruning, or when neither finished a level).
    """
    available = pruning_available()
    pruned = grow_once(True if available else None, max_complexity, budget_s, device)
    unpruned = grow_once(False, max_complexity, budget_s, device) if available else None
    ratio, level = None, None
    if unpruned is not None:
        common = min(pruned["levels"], unpruned["levels"])
        if common >= 1:
            level = common
            ratio = pruned["finished"][common - 1]["seconds"] / unpruned["finished"][common - 1]["seconds"]
    return {
        "pruning_available": available,
        "constants": list(CONSTANTS),
        "operations": list(OPERATIONS),
        "max_complexity": max_complexity,
        "budget_s": budget_s,
        "device": str(resolve_device(device)),
        "pruned": pruned if available else None,
        "default": None if available else pruned,
        "unpruned": unpruned,
        "ratio_level": level,
        "level_time_ratio": ratio,
    }


def _rate(count: float | None, seconds: float | None) -> str:
    return f"{count / seconds:,.0f}" if count is not None and seconds else "—"


def _number(count: int | None) -> str:
    return f"{count:,}" if count is not None else "—"


def throughput_lines(figures: dict[str, Any], ries: Sequence[dict[str, Any]] = ()) -> list[str]:
    """The throughput table as lines (also printed by ``bench/gpu_check.py``), RIES's runs below phi_lab's."""
    lines = [
        f"{'run':30} {'levels':>6} {'generated':>11} {'pruned':>11} {'evaluated':>11} {'kept':>10} "
        f"{'seconds':>8} {'kept/s':>10} {'evaluated/s':>12}"
    ]
    runs = (("pruned", "grow prune=True"), ("unpruned", "grow prune=False"), ("default", "grow (no prune argument)"))
    for key, title in runs:
        run = figures[key]
        if run is None:
            if key != "default":
                lines.append(f"{title:30} {'n/a':>6}  (grow has no prune argument yet)")
            continue
        stop = "" if run["stopped"] == "max_complexity" else f"  (stopped: {run['stopped']})"
        lines.append(
            f"{title:30} {run['levels']:>6} {run['generated']:>11,} {_number(run['pruned']):>11} "
            f"{run['evaluated']:>11,} {run['kept']:>10,} {run['seconds']:>8.2f} {run['kept_per_s']:>10,.0f} "
            f"{run['evaluated_per_s']:>12,.0f}{stop}"
        )
    for run in ries:  # RiesRun.to_dict() and a title
        if run["error"] is not None:
            lines.append(f"{run['title']:30} failed: {run['error']}")
            continue
        lines.append(
            f"{run['title']:30} {'':>6} {'—':>11} {_number(run['dead_ends']):>11} {_number(run['expressions']):>11} "
            f"{_number(run['distinct']):>10} {run['seconds'] or 0:>8.2f} {_rate(run['distinct'], run['seconds']):>10} "
            f"{_rate(run['expressions'], run['seconds']):>12}"
        )
    by_rule = (figures["pruned"] or {}).get("pruned_by")
    if by_rule:
        ranked = sorted(by_rule.items(), key=lambda item: -item[1])
        lines.append("pruned by rule: " + ", ".join(f"{name} {count:,}" for name, count in ranked))
    if figures["level_time_ratio"] is not None:
        lines.append(
            f"time to finish level {figures['ratio_level']}, pruned / unpruned: {figures['level_time_ratio']:.2f}"
        )
    elif figures["pruning_available"]:
        lines.append("time ratio: n/a (no level finished by both runs)")
    else:
        lines.append("time ratio pruned / unpruned: n/a (pruning not available yet)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Grow the pool with and without pruning and print the table (or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--max-complexity", type=int, default=MAX_COMPLEXITY, help=f"default {MAX_COMPLEXITY}")
    parser.add_argument("--budget", type=float, default=BUDGET_S, help=f"seconds per run (default {BUDGET_S:g})")
    parser.add_argument("--device", default="cpu", help="torch device (default cpu)")
    parser.add_argument("--json", action="store_true", help="print machine-readable figures only")
    args = parser.parse_args(argv)
    if not args.budget > 0 or args.max_complexity < 1:
        parser.error("--budget must be positive and --max-complexity at least 1")
    grow_once(None, 3, 10.0, args.device)  # warm-up: first-call costs out of the figures
    figures = measure_throughput(args.max_complexity, args.budget, args.device)
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        print(
            f"grow over constants {', '.join(figures['constants'])}; operations {' '.join(figures['operations'])}; "
            f"up to level {figures['max_complexity']}, budget {figures['budget_s']:g} s each, on {figures['device']}"
        )
        for line in throughput_lines(figures):
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
