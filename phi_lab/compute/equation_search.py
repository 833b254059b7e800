"""Equations a number satisfies, found by meet-in-the-middle on the torch device (as RIES does).

:func:`search_equations` grows one pool of expressions over the constants *and* a variable
``x`` (:func:`phi_lab.compute.pool.grow`), each evaluated at ``x = target`` and at three
probe points: ``x·(1 + 10⁻⁷)`` for the slope, ``x·1.0731`` and ``x·1.1379`` so that
deduplication keeps one expression per *function* of x.  After every level, the new members
are paired with the pool by sorting values at the target and binary search (``searchsorted``
over the pool's value arrays), so that the work is one sort per level instead of a comparison
of every pair.

A pair ``L = R`` is an equation of the target when

* at least one side contains x (the left one; when both do, the left is the steeper side);
* it is not a simpler equation dressed up: ``exp(x) = exp(pi)`` (a one-to-one function of
  both sides) and ``x + 1 = pi + 1`` (an operand shared in the same role) are left out, since
  ``x = pi`` is found too;
* their values at the target agree to ``tolerance`` (relative, double precision);
* their slopes differ (by more than 10⁻⁶ relative): the equation pins x down near the target
  instead of holding identically or touching it (a double root);
* the root that this implies, one Newton step from the target, is within ``tolerance`` of it
  (relative): two sides that both vanish at the target agree in value but decide nothing;
* they differ at the probe points (by more than 10⁻⁹): otherwise the equation holds for every
  x (``log(x) + log(1/x) = log(1)``), an identity rather than a property of the target.  The
  50-digit verification checks it again at the first probe point.

Every such pair is verified at 50 digits: the error is the distance from the target to the
equation's root next to it, ``|L − R| / |L′ − R′|`` at the target, relative to the target
(one Newton step; the slope by a difference quotient at 50 digits).  Below 10⁻⁴⁰ it is exact.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import torch

from phi_lab.compute.enumeration import (
    DIGITS,
    EXACT,
    Budget,
    Candidate,
    ProgressCallback,
    correct_digits,
    has_negligible_part,
    precise_value,
    read_target,
    reporting,
)
from phi_lab.compute.outcome import why_nothing
from phi_lab.compute.pool import Pool, grow, member_bytes, pool_limit
from phi_lab.compute.scope import EquationSpace, SearchBudget
from phi_lab.equations.evaluate import MpArithmetic, Undefined
from phi_lab.equations.syntax import Call, Node, Operation

__all__ = ["EquationHit", "EquationSearch", "search_equations"]

_SLOPE_STEP = 1e-7
_PROBES = (1.0731, 1.1379)


@dataclass(frozen=True, slots=True)
class EquationHit:
    """An equation ``left = right`` that the target satisfies, verified at 50 digits.

    Attributes
    ----------
    left, right:
        The two sides (``left`` contains the variable).
    complexity:
        Of both sides together.
    error:
        Relative distance from the target to the equation's nearest root.
    digits:
        Correct digits of that root (50 when exact at this precision).
    exact:
        ``error`` below 1e-40.
    found_after_s:
        Seconds into the search when the pair was matched.
    """

    left: Candidate
    right: Candidate
    complexity: int
    error: float
    digits: int
    exact: bool
    found_after_s: float

    @property
    def text(self) -> str:
        """``"left = right"``, readable by the parser."""
        return f"{self.left.text} = {self.right.text}"


@dataclass(frozen=True, slots=True)
class EquationSearch:
    """The outcome of :func:`search_equations`.

    Attributes
    ----------
    hits:
        Ranked exact first, then by complexity, error and text.
    stopped:
        ``"max_complexity"``, ``"time"``, ``"memory"`` or ``"cancelled"``.
    levels, candidates, pruned, pool:
        Levels finished, candidates evaluated, candidates a pruning rule excluded, members kept.
    pool_limit, pool_bytes:
        The most members allowed, and the memory the kept ones take.
    pairs:
        Pairs that matched in double precision (verified or not): the hits the progress
        reports count.
    seconds:
        Wall time of the search.
    device:
        Where the batches ran.
    reason:
        Why no exact equation was found (a sentence), or None.
    target:
        The target in double precision.
    """

    hits: tuple[EquationHit, ...]
    stopped: str
    levels: int
    candidates: int
    pruned: int
    pool: int
    pool_limit: int
    pool_bytes: int
    pairs: int
    seconds: float
    device: str
    reason: str | None
    target: float


def search_equations(
    target: float | str | Node | Any,
    space: EquationSpace,
    budget: SearchBudget,
    device: torch.device,
    *,
    tolerance: float = 1e-9,
    max_pairs: int = 20_000,
    batch_size: int = 16_384,
    prune: bool = True,
    progress: bool | ProgressCallback = False,
) -> EquationSearch:
    """Search ``space`` for equations that ``target`` satisfies.

    Parameters
    ----------
    target:
        As for :func:`~phi_lab.compute.closed_forms.search_closed_forms` (``None`` is φ); read
        at 50 digits.  Must be real.
    space:
        The constants, operations, variable and complexities of the equations.
    budget:
        Seconds, pool members (``None``: sized from the memory available,
        :func:`~phi_lab.compute.pool.pool_limit`, four sample points each) and a cancel event,
        checked between batches; pairs of the finished levels are still matched and verified.
    device:
        Where the batches run.
    tolerance:
        Relative difference of the sides at the target, and relative distance of the implied
        root from it, in double precision, that make a pair.
    max_pairs:
        Pairs verified at 50 digits at most, the simplest first; more are counted, not verified.
    batch_size:
        Candidates per device batch.
    prune:
        Skip the candidates :data:`~phi_lab.compute.pruning.RULES` call trivial (``False``
        only to compare with the plain enumeration).
    progress:
        ``True`` for a progress bar, or a callable receiving
        :class:`~phi_lab.compute.enumeration.Progress`.

    Raises
    ------
    InputError
        For a target that is not a finite real number, or a batch size below 1.
    """
    variable = space.variable
    arithmetic = MpArithmetic(DIGITS)
    goal = read_target(target, arithmetic)
    goal_float = float(arithmetic.context.re(goal))
    points = 2 + len(_PROBES)
    clock = budget.start(lambda: pool_limit(points, device))
    base = goal_float if goal_float != 0 else 1.0  # a target of 0 is probed at 10⁻⁷, 0.0731, 0.1379
    samples = torch.tensor(
        [goal_float, goal_float + base * _SLOPE_STEP] + [goal_float + base * (probe - 1) for probe in _PROBES],
        dtype=torch.complex128,
    )
    matcher = _Matcher(
        space.max_complexity, tolerance, space.x_on_both_sides, clock, step=base * _SLOPE_STEP, scale=abs(base)
    )
    sides = space.sides
    with reporting(progress, "equations") as report:
        pool = grow(
            sides.leaves(variable),
            sides.functions,
            sides.binary,
            max_complexity=sides.max_complexity,
            budget=clock,
            device=device,
            samples=samples,
            variable=variable,
            batch_size=batch_size,
            prune=prune,
            on_level=matcher.match_level,
            progress=report,
        )
    hits = _verify(matcher.pairs, goal, variable, arithmetic, max_pairs)
    levels = len(pool.levels) - 1
    reason = None
    if not any(hit.exact for hit in hits):
        reason = why_nothing(
            "equations",
            target,
            stopped=pool.stopped,
            levels=levels,
            max_complexity=space.max_complexity,
            constants=space.constants,
            functions=sides.functions,
        )
    return EquationSearch(
        hits=tuple(hits),
        stopped=pool.stopped,
        levels=levels,
        candidates=pool.evaluated,
        pruned=pool.pruned,
        pool=pool.size,
        pool_limit=clock.max_pool,
        pool_bytes=pool.size * member_bytes(points),
        pairs=len(matcher.pairs),
        seconds=clock.elapsed(),
        device=str(device),
        reason=reason,
        target=goal_float,
    )


@dataclass(frozen=True, slots=True)
class _Pair:
    left: Candidate
    right: Candidate
    estimate: float  # the double-precision root error, for ordering before verification
    found_after_s: float


class _Matcher:
    """Pairs each new level with the pool after :func:`grow` finishes it (private)."""

    def __init__(
        self, max_complexity: int, tolerance: float, both_sides: bool, budget: Budget, *, step: float, scale: float
    ) -> None:
        self.max_complexity = max_complexity
        self.scale = scale
        self.tolerance = tolerance
        self.both_sides = both_sides
        self.budget = budget
        self.step = step
        self.pairs: list[_Pair] = []

    def match_level(self, pool: Pool) -> int:
        values = torch.cat([level.values for level in pool.levels])
        complexity = torch.cat(
            [torch.full((len(level),), rank, dtype=torch.int64) for rank, level in enumerate(pool.levels)]
        )
        has_variable = torch.cat([level.has_variable for level in pool.levels])
        starts = [0]
        for level in pool.levels:
            starts.append(starts[-1] + len(level))
        first_new = starts[-2]

        def member(index: int) -> Candidate:
            rank = bisect.bisect_right(starts, index) - 1
            return pool.candidate(rank, index - starts[rank])

        at_target, slope = values[:, 0], (values[:, 1] - values[:, 0]) / self.step
        order = torch.argsort(at_target)
        ordered = at_target[order]
        mine = torch.arange(first_new, len(values))
        width = self.tolerance * at_target[mine].abs().clamp_min(1.0) * (1 + 1e-6)
        low = torch.searchsorted(ordered, at_target[mine] - width)
        high = torch.searchsorted(ordered, at_target[mine] + width, right=True)
        counts = high - low
        a = torch.repeat_interleave(mine, counts)
        firsts = torch.repeat_interleave(low, counts)
        offsets = torch.arange(len(a)) - torch.repeat_interleave(torch.cumsum(counts, 0) - counts, counts)
        b = order[firsts + offsets]
        # Each unordered pair once: a new member with an older one, or two new ones in index order.
        keep = (b < first_new) | (a < b)
        keep &= complexity[a] + complexity[b] <= self.max_complexity
        keep &= has_variable[a] | has_variable[b]
        if not self.both_sides:
            keep &= ~(has_variable[a] & has_variable[b])
        difference = (at_target[a] - at_target[b]).abs()
        keep &= difference <= self.tolerance * torch.maximum(at_target[a].abs(), at_target[b].abs()).clamp_min(1.0)
        slopes = (slope[a] - slope[b]).abs()
        keep &= slopes > 1e-6 * torch.maximum(slope[a].abs(), slope[b].abs()).clamp_min(1e-300)
        # The root next to the target is within the tolerance: sides that merely both vanish
        # (exp(x - exp(5)) = log(1), both below 1e-60) agree in value but pin nothing down.
        keep &= difference <= self.tolerance * self.scale * slopes
        # And the sides differ at the probe points: log(x) + log(1/x) = log(1) holds for every x
        # (its slopes differ only by rounding noise), so it is an identity, not an equation.
        probes = (values[a, 2:] - values[b, 2:]).abs().amax(dim=1)
        size = torch.maximum(values[a, 2:].abs(), values[b, 2:].abs()).amax(dim=1).clamp_min(1.0)
        keep &= probes > 1e-9 * size
        found = 0
        seconds = self.budget.elapsed()
        for i, j, gap, rate in zip(
            a[keep].tolist(), b[keep].tolist(), difference[keep].tolist(), slopes[keep].tolist(), strict=True
        ):
            left, right = _orient(member(i), member(j), float(slope[i]), float(slope[j]))
            if _redundant(left.node, right.node):
                continue
            self.pairs.append(_Pair(left, right, gap / rate, seconds))
            found += 1
        return found


#: Functions one-to-one on the real line (where defined): f(a) = f(b) says no more than a = b.
_INJECTIVE = frozenset({"sqrt", "exp", "log", "sinh", "tanh", "asinh", "atan"})


def _redundant(left: Node, right: Node) -> bool:
    """Whether ``left = right`` only dresses up a simpler equation, which the search finds too.

    ``exp(x) = exp(pi)`` is ``x = pi`` under a one-to-one function; ``x + 1 = pi + 1``,
    ``2*x = 2*pi``, ``x/2 = pi/2``, ``1 - x = 1 - pi`` share an operand in the same role.  (Powers
    are left alone: ``x^2 = 2^2`` also has the root −2.)
    """
    if isinstance(left, Call) and isinstance(right, Call):
        return left.function == right.function and left.function in _INJECTIVE
    if not (isinstance(left, Operation) and isinstance(right, Operation)) or left.op != right.op:
        return False
    if left.op in ("add", "mul"):
        return any(operand in right.args for operand in left.args)
    if left.op in ("sub", "div"):
        return left.args[0] == right.args[0] or left.args[1] == right.args[1]
    return False


def _orient(
    first: Candidate, second: Candidate, first_slope: float, second_slope: float
) -> tuple[Candidate, Candidate]:
    """The side with the variable on the left; with it on both, the steeper side (then by text)."""
    if first.has_variable != second.has_variable:
        return (first, second) if first.has_variable else (second, first)
    if (abs(first_slope), second.text) != (abs(second_slope), first.text):
        return (first, second) if (abs(first_slope), second.text) > (abs(second_slope), first.text) else (second, first)
    return first, second


def _verify(pairs: list[_Pair], goal: Any, variable: str, arithmetic: MpArithmetic, limit: int) -> list[EquationHit]:
    """The 50-digit root error of the simplest ``limit`` pairs, ranked (private)."""
    ctx = arithmetic.context
    magnitude = abs(goal) or ctx.mpf(1)
    step = magnitude * ctx.mpf(10) ** -25
    probe = goal * ctx.mpf(_PROBES[0]) if goal != 0 else ctx.mpf(_PROBES[0] - 1)
    identical = ctx.mpf(10) ** -30
    ranked = sorted(
        pairs,
        key=lambda pair: (pair.left.complexity + pair.right.complexity, pair.estimate, pair.left.text, pair.right.text),
    )
    hits: list[EquationHit] = []
    for pair in ranked[:limit]:
        try:
            if any(has_negligible_part(side.node, arithmetic, {variable: goal}) for side in (pair.left, pair.right)):
                continue  # x = pi + 1/exp(exp(5)): 50 digits cannot tell it from x = pi
            here = _difference(pair, {variable: goal}, arithmetic)
            there = _difference(pair, {variable: goal + step}, arithmetic)
            left, right = _sides(pair, {variable: probe}, arithmetic)
        except Undefined:
            continue
        if abs(left - right) < identical * max(1, abs(left)):
            continue  # an identity in x: equal at the target because equal everywhere
        rate = (there - here) / step
        if rate == 0:
            continue
        error = abs(here / rate) / magnitude
        digits = correct_digits(error)
        complexity = pair.left.complexity + pair.right.complexity
        hits.append(
            EquationHit(
                pair.left, pair.right, complexity, float(error), digits, bool(error < EXACT), pair.found_after_s
            )
        )
    # Exact hits by complexity and text (their errors are rounding noise below 1e-40).
    hits.sort(key=lambda hit: (not hit.exact, hit.complexity, 0.0 if hit.exact else hit.error, hit.text))
    return hits


def _sides(pair: _Pair, values: dict[str, Any], arithmetic: MpArithmetic) -> tuple[Any, Any]:
    return precise_value(pair.left.node, arithmetic, values), precise_value(pair.right.node, arithmetic, values)


def _difference(pair: _Pair, values: dict[str, Any], arithmetic: MpArithmetic) -> Any:
    left, right = _sides(pair, values, arithmetic)
    return left - right
