"""Inverse symbolic search: closed forms for a number, found bottom-up on the torch device.

Like RIES or Plouffe's inverter, :func:`find_closed_forms` enumerates expressions over a few
constants and operations in order of complexity (:func:`phi_lab.compute.pool.grow`:
device batches, deduplication by value, budgets), and checks the ones close to the target at
50 digits with :class:`~phi_lab.equations.evaluate.MpArithmetic`.  The default target is φ.

Hits
    Every candidate within ``tolerance`` (relative, in double precision) of the target is a
    hit, *before* deduplication by value, so different constructions of one number such as
    ``(1 + sqrt(5))/2`` and ``2/(sqrt(5) - 1)`` are both reported.  Each hit is re-evaluated
    from its tree at 50 digits; it is exact when its relative error is below 1e-40 (a float
    target, known to about 16 digits, can therefore never give an exact hit: pass a string of
    digits, an mpmath value or a syntax tree instead).  A hit with a part too small to change
    its value at that precision (``pi + 1/exp(exp(5))``: see
    :func:`~phi_lab.compute.enumeration.has_negligible_part`) is dropped, since its 50-digit
    error says nothing about it.

Forms
    Hits that are spellings of one form (``pi``, ``1*pi``, ``exp(log(pi))``, ``2*pi/2``:
    equal under SymPy's automatic canonicalisation, :func:`phi_lab.equations.forms.form_key`)
    are one row: the simplest spelling, the group's size and the other spellings
    (``variants``).  ``max_results`` counts rows, that is distinct forms.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch

from phi_lab.compute.device import resolve_device
from phi_lab.compute.enumeration import (
    BINARY_OPERATIONS,
    DIGITS,
    EXACT,
    UNARY_OPERATIONS,
    Budget,
    Candidate,
    ProgressCallback,
    correct_digits,
    has_negligible_part,
    precise_value,
    read_leaves,
    read_operations,
    read_target,
    reporting,
    usable,
)
from phi_lab.compute.outcome import why_nothing
from phi_lab.compute.pool import grow, member_bytes, pool_limit
from phi_lab.equations.evaluate import MpArithmetic, Undefined
from phi_lab.equations.forms import form_key
from phi_lab.equations.syntax import Node

if TYPE_CHECKING:
    import pandas

__all__ = ["BINARY_OPERATIONS", "COLUMNS", "UNARY_OPERATIONS", "find_closed_forms"]

#: The columns of the frame :func:`find_closed_forms` returns, in order.
COLUMNS = ("expression", "complexity", "value", "error", "digits", "exact", "group_size", "variants")


def find_closed_forms(
    target: float | str | Node | Any = None,
    *,
    constants: Sequence[str] = ("1", "2", "3", "5", "pi", "e", "sqrt5"),
    operations: Sequence[str] = ("+", "-", "*", "/", "^", "sqrt", "exp", "log"),
    max_complexity: int = 7,
    max_results: int = 20,
    time_budget_s: float = 10.0,
    device: str | torch.device | None = None,
    progress: bool | ProgressCallback = False,
    tolerance: float = 1e-9,
    max_pool: int | None = None,
    batch_size: int = 16_384,
    prune: bool = True,
    cancel: threading.Event | None = None,
) -> pandas.DataFrame:
    """Search for closed forms of ``target`` and return the best hits.

    Parameters
    ----------
    target:
        The number to explain: ``None`` for φ, a float, a string of digits (``"1.41421356…"``)
        or expression text (``"sqrt(2)"``), an mpmath number, or a syntax tree; read at 50 digits.
    constants:
        Leaves of the search: integers (``"3"``), ``"pi"``, ``"e"``, ``"phi"``, or ``"sqrtN"``
        for √N (a single leaf of complexity 1).
    operations:
        Binary operations among ``+ - * / ^`` and functions among :data:`UNARY_OPERATIONS`.
    max_complexity:
        The most complex level searched (see :mod:`phi_lab.compute.enumeration` for the count).
    max_results:
        Rows (distinct forms) returned at most.
    time_budget_s:
        Seconds after which the search stops (checked between blocks) with what it found.
    device:
        Torch device for the batches (``None``: :func:`~phi_lab.compute.device.resolve_device`).
    progress:
        ``True`` for a progress bar, or a callable receiving
        :class:`~phi_lab.compute.enumeration.Progress` after every batch.
    tolerance:
        Relative distance to the target, in double precision, that makes a candidate a hit.
    max_pool:
        Members kept for building larger ones; the search stops before exceeding it.  None:
        sized from the memory available (:func:`~phi_lab.compute.pool.pool_limit`).
    batch_size:
        Candidates per device batch.
    prune:
        Skip the candidates :data:`~phi_lab.compute.pruning.RULES` call trivial (``False``
        only to compare with the plain enumeration).
    cancel:
        An event another thread (a notebook's Stop button) may set to stop the search between
        blocks; the hits found so far are returned.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per distinct form (its simplest spelling; ``variants``
        is a tuple of the other spellings found, simplest first, and ``group_size`` counts
        them all), ranked exact first, then by complexity, error (inexact hits) and text.
        ``attrs`` holds ``stopped`` (``"max_complexity"``, ``"time"``, ``"memory"`` or
        ``"cancelled"``), ``levels`` (complexity levels finished), ``candidates`` (evaluated),
        ``pruned`` (excluded by a rule before evaluation), ``pool`` (kept), ``pool_limit`` and
        ``pool_bytes`` (the most members allowed, and the memory the kept ones take),
        ``seconds``, ``device``, ``hits`` (spellings found within the tolerance, all forms: the
        count the progress reports show), ``found_after_s`` (for each returned form, the
        seconds into the search when its first spelling was evaluated) and ``reason`` (why no
        exact form was found, a sentence; None when one was).

    Raises
    ------
    InputError
        For an unknown constant or operation, a bad budget, or a target that is not a finite
        real number.
    """
    arithmetic = MpArithmetic(DIGITS)
    goal = read_target(target, arithmetic)
    leaves = read_leaves(constants)
    unary, binary = read_operations(operations)
    resolved = resolve_device(device)
    limit = pool_limit(1, resolved) if max_pool is None else max_pool
    budget = Budget(time_budget_s, limit, cancel)
    goal_float = float(arithmetic.context.re(goal))
    scale = abs(goal_float) or 1.0
    hits: dict[str, tuple[Candidate, float]] = {}

    def inspect(batch: Sequence[Candidate], values: torch.Tensor) -> int:
        real = values.real[:, 0]
        near = usable(values) & ((real - goal_float).abs() <= tolerance * scale)
        found = 0
        for index in near.nonzero().flatten().tolist():
            candidate = batch[index]  # built here, for the hits only
            if candidate.text not in hits:
                hits[candidate.text] = (candidate, budget.elapsed())
                found += 1
        return found

    with reporting(progress, "closed forms") as report:
        pool = grow(
            leaves,
            unary,
            binary,
            max_complexity=max_complexity,
            budget=budget,
            device=resolved,
            batch_size=batch_size,
            prune=prune,
            inspect=inspect,
            progress=report,
        )
    frame, found_after_s = _frame(hits, goal, arithmetic, max_results)
    levels = len(pool.levels) - 1
    reason = None
    if not frame["exact"].any():
        reason = why_nothing(
            "closed forms",
            target,
            stopped=pool.stopped,
            levels=levels,
            max_complexity=max_complexity,
            constants=constants,
            functions=unary,
        )
    frame.attrs.update(
        stopped=pool.stopped,
        levels=levels,
        candidates=pool.evaluated,
        pruned=pool.pruned,
        pool=pool.size,
        pool_limit=limit,
        pool_bytes=pool.size * member_bytes(1),
        seconds=budget.elapsed(),
        device=str(resolved),
        hits=len(hits),
        found_after_s=found_after_s,
        reason=reason,
    )
    return frame


def _frame(
    hits: dict[str, tuple[Candidate, float]], goal: Any, arithmetic: MpArithmetic, max_results: int
) -> tuple[pandas.DataFrame, dict[str, float]]:
    """Verify every hit at 50 digits, group the spellings of one form, rank the forms (private)."""
    import pandas

    ctx = arithmetic.context
    magnitude = abs(goal) or ctx.mpf(1)
    spellings: list[tuple[str, int, float, float, int, bool, float]] = []
    for text, (candidate, found) in hits.items():
        try:
            value = precise_value(candidate.node, arithmetic)
            if has_negligible_part(candidate.node, arithmetic):
                continue
        except Undefined:
            continue
        error = abs(value - goal) / magnitude
        digits = correct_digits(error)
        exact = bool(error < EXACT)
        spellings.append((text, candidate.complexity, float(ctx.re(value)), float(error), digits, exact, found))
    spellings.sort(key=_rank)
    groups: dict[str, list[tuple[str, int, float, float, int, bool, float]]] = {}
    best_simpler = best_here = math.inf  # the least error below the current complexity, and at it
    level = 0
    for row in sorted(spellings, key=lambda row: (row[1], row[3])):
        if row[1] != level:
            level, best_simpler = row[1], min(best_simpler, best_here)
        best_here = min(best_here, row[3])
        if row[5] or row[3] < best_simpler:  # exact, or a near miss closer than every simpler hit
            groups.setdefault(form_key(hits[row[0]][0].node), []).append(row)
    groups = dict(sorted(groups.items(), key=lambda item: _rank(item[1][0])))
    shown = list(groups.values())[:max_results]
    rows = [(*group[0][:6], len(group), tuple(row[0] for row in group[1:])) for group in shown]
    frame = pandas.DataFrame(rows, columns=list(COLUMNS))
    frame = frame.astype(
        {"complexity": "int64", "value": "float64", "error": "float64", "digits": "int64", "group_size": "int64"}
    )
    return frame, {group[0][0]: min(row[6] for row in group) for group in shown}


def _rank(row: tuple[str, int, float, float, int, bool, float]) -> tuple[bool, int, float, int, str]:
    """Exact hits by complexity, length and text (their errors are rounding noise below 1e-40),
    then near misses by complexity and error."""
    text, complexity, _, error, _, exact, _ = row
    return (not exact, complexity, 0.0 if exact else error, len(text), text)
