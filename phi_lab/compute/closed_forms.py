"""Inverse symbolic search: closed forms for a number, found bottom-up on the torch device.

Like RIES or Plouffe's inverter, :func:`search_closed_forms` enumerates expressions over a few
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
    are one :class:`ClosedForm`: the simplest spelling, and the other spellings
    (``variants``).

The search returns a :class:`ClosedFormSearch`, a frozen record of its forms and of how it went;
:func:`phi_lab.find_closed_forms` is the friendly function that makes a DataFrame of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from phi_lab.compute.enumeration import (
    BINARY_OPERATIONS,
    DIGITS,
    EXACT,
    UNARY_OPERATIONS,
    Candidate,
    ProgressCallback,
    correct_digits,
    has_negligible_part,
    precise_value,
    read_target,
    reporting,
    usable,
)
from phi_lab.compute.outcome import why_nothing
from phi_lab.compute.pool import grow, member_bytes, pool_limit
from phi_lab.compute.scope import SearchBudget, SearchSpace
from phi_lab.equations.evaluate import MpArithmetic, Undefined
from phi_lab.equations.forms import form_key
from phi_lab.equations.syntax import Node

__all__ = ["BINARY_OPERATIONS", "UNARY_OPERATIONS", "ClosedForm", "ClosedFormSearch", "search_closed_forms"]


@dataclass(frozen=True, slots=True)
class ClosedForm:
    """One form of the target: its simplest spelling found, verified at 50 digits.

    Attributes
    ----------
    expression:
        The simplest spelling (text the parser reads back).
    complexity:
        Its complexity (see :mod:`phi_lab.compute.enumeration`).
    value:
        Its value in double precision.
    error:
        Relative distance from the target, at 50 digits.
    digits:
        Correct digits of the target it gives (50 when exact).
    exact:
        ``error`` below 1e-40.
    variants:
        The other spellings of the form found, simplest first.
    found_after_s:
        Seconds into the search when its first spelling was evaluated.
    """

    expression: str
    complexity: int
    value: float
    error: float
    digits: int
    exact: bool
    variants: tuple[str, ...]
    found_after_s: float

    @property
    def group_size(self) -> int:
        """Spellings of the form found, this one included."""
        return 1 + len(self.variants)


@dataclass(frozen=True, slots=True)
class ClosedFormSearch:
    """The outcome of :func:`search_closed_forms`.

    Attributes
    ----------
    forms:
        One per distinct form, ranked exact first, then by complexity, error (inexact forms)
        and text; near misses only where closer than every simpler hit.
    stopped:
        ``"max_complexity"``, ``"time"``, ``"memory"`` or ``"cancelled"``.
    levels, candidates, pruned, pool:
        Complexity levels finished, candidates evaluated, candidates a pruning rule excluded
        before evaluation, members kept.
    pool_limit, pool_bytes:
        The most members allowed, and the memory the kept ones take.
    hits:
        Spellings within the tolerance, all forms (the count the progress reports show).
    seconds:
        Wall time of the search.
    device:
        Where the batches ran.
    reason:
        Why no exact form was found (a sentence), or None.
    """

    forms: tuple[ClosedForm, ...]
    stopped: str
    levels: int
    candidates: int
    pruned: int
    pool: int
    pool_limit: int
    pool_bytes: int
    hits: int
    seconds: float
    device: str
    reason: str | None


def search_closed_forms(
    target: float | str | Node | Any,
    space: SearchSpace,
    budget: SearchBudget,
    device: torch.device,
    *,
    tolerance: float = 1e-9,
    batch_size: int = 16_384,
    prune: bool = True,
    progress: bool | ProgressCallback = False,
) -> ClosedFormSearch:
    """Search ``space`` for closed forms of ``target``.

    Parameters
    ----------
    target:
        The number to explain: ``None`` for φ, a float, a string of digits (``"1.41421356…"``)
        or expression text (``"sqrt(2)"``), an mpmath number, or a syntax tree; read at 50 digits.
    space:
        The constants, operations and most complex level searched.
    budget:
        Seconds, pool members (``None``: sized from the memory available,
        :func:`~phi_lab.compute.pool.pool_limit`) and a cancel event; when one runs out the
        search returns what its finished levels found.
    device:
        Where the batches run.
    tolerance:
        Relative distance to the target, in double precision, that makes a candidate a hit.
    batch_size:
        Candidates per device batch.
    prune:
        Skip the candidates :data:`~phi_lab.compute.pruning.RULES` call trivial (``False``
        only to compare with the plain enumeration).
    progress:
        ``True`` for a progress bar, or a callable receiving
        :class:`~phi_lab.compute.enumeration.Progress` after every batch.

    Returns
    -------
    ClosedFormSearch

    Raises
    ------
    InputError
        For a target that is not a finite real number, or a batch size below 1.
    """
    arithmetic = MpArithmetic(DIGITS)
    goal = read_target(target, arithmetic)
    clock = budget.start(lambda: pool_limit(1, device))
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
                hits[candidate.text] = (candidate, clock.elapsed())
                found += 1
        return found

    with reporting(progress, "closed forms") as report:
        pool = grow(
            space.leaves(),
            space.functions,
            space.binary,
            max_complexity=space.max_complexity,
            budget=clock,
            device=device,
            batch_size=batch_size,
            prune=prune,
            inspect=inspect,
            progress=report,
        )
    forms = _forms(hits, goal, arithmetic)
    levels = len(pool.levels) - 1
    reason = None
    if not any(form.exact for form in forms):
        reason = why_nothing(
            "closed forms",
            target,
            stopped=pool.stopped,
            levels=levels,
            max_complexity=space.max_complexity,
            constants=space.constants,
            functions=space.functions,
        )
    return ClosedFormSearch(
        forms=forms,
        stopped=pool.stopped,
        levels=levels,
        candidates=pool.evaluated,
        pruned=pool.pruned,
        pool=pool.size,
        pool_limit=clock.max_pool,
        pool_bytes=pool.size * member_bytes(1),
        hits=len(hits),
        seconds=clock.elapsed(),
        device=str(device),
        reason=reason,
    )


_Spelling = tuple[str, int, float, float, int, bool, float]  # text, complexity, value, error, digits, exact, found


def _forms(hits: dict[str, tuple[Candidate, float]], goal: Any, arithmetic: MpArithmetic) -> tuple[ClosedForm, ...]:
    """Verify every hit at 50 digits, group the spellings of one form, rank the forms (private)."""
    ctx = arithmetic.context
    magnitude = abs(goal) or ctx.mpf(1)
    spellings: list[_Spelling] = []
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
    groups: dict[str, list[_Spelling]] = {}
    best_simpler = best_here = math.inf  # the least error below the current complexity, and at it
    level = 0
    for row in sorted(spellings, key=lambda row: (row[1], row[3])):
        if row[1] != level:
            level, best_simpler = row[1], min(best_simpler, best_here)
        best_here = min(best_here, row[3])
        if row[5] or row[3] < best_simpler:  # exact, or a near miss closer than every simpler hit
            groups.setdefault(form_key(hits[row[0]][0].node), []).append(row)
    ranked = sorted(groups.values(), key=lambda group: _rank(group[0]))
    return tuple(
        ClosedForm(
            *group[0][:6],
            variants=tuple(row[0] for row in group[1:]),
            found_after_s=min(row[6] for row in group),
        )
        for group in ranked
    )


def _rank(row: _Spelling) -> tuple[bool, int, float, int, str]:
    """Exact hits by complexity, length and text (their errors are rounding noise below 1e-40),
    then near misses by complexity and error."""
    text, complexity, _, error, _, exact, _ = row
    return (not exact, complexity, 0.0 if exact else error, len(text), text)
