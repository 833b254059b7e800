"""Which real numbers solve an equation, found numerically for many equations at once: how search
hits that are one relation in different clothes (``x = pi``, ``exp(pi - x) = 1``,
``(x/pi)^e = 1``, ``x^3 = pi^3``) are told apart from different relations (``x^2 = pi^2``).

:func:`real_roots` evaluates every equation's two sides as one compiled tensor program
(:mod:`phi_lab.compute.program`) on a grid of the real line around the target, finds the sign
changes of ``lhs − rhs`` (and exact zeros) where both sides are finite and real, the edges of
the domain (``sqrt(x - pi) = 0``) and the touching zeros (``(x - pi)^2 = 0``), and refines
each (bisection, or a ternary search for the touching ones), again for all equations at once.
A sign change across a pole (``1/(x - 1)`` at 1) is dropped: at the refined point the
difference is not small next to the sides.  The grid is ``sinh`` of an even grid, so it is
fine near 0 and reaches ``±max(10, 10·|target|)``.

This is a numeric *grouping* aid, not a verdict: roots closer together than the grid's
spacing and roots outside the window are not seen, and a function that comes within 10⁻⁶ of
zero without reaching it counts as touching it; two equations are put together only when the
roots they show there agree.  The verification of each hit is
:mod:`phi_lab.compute.equation_search`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from phi_lab.compute.program import Program, compile_program, run_program
from phi_lab.equations.evaluate import MpArithmetic
from phi_lab.equations.syntax import Node

__all__ = ["real_roots"]

_CHUNK = 512  # equations per program run: (chunk · depth · points) complex values in memory


def real_roots(
    equations: Sequence[tuple[Node, Node]],
    variable: str,
    *,
    around: float,
    device: torch.device,
    points: int = 2049,
    steps: int = 36,
) -> list[tuple[float, ...]]:
    """The real roots of each ``lhs = rhs`` seen in ``[−R, R]``, R = max(10, 10·|around|), sorted,
    each rounded to 7 significant digits.

    Parameters
    ----------
    equations:
        (lhs, rhs) trees in ``variable`` and the named constants pi, e, phi.
    variable:
        The unknown's name.
    around:
        The target the equations were found for (sets the window).
    device:
        Where the programs run.
    points:
        Grid points over the window.
    steps:
        Bisection steps for each sign change.
    """
    constants = {name: complex(MpArithmetic(20).constant(name)) for name in ("pi", "e", "phi")}
    reach = math.asinh(max(10.0, 10.0 * abs(around)))
    grid = torch.sinh(torch.linspace(-reach, reach, points, dtype=torch.float64))
    roots: list[tuple[float, ...]] = []
    for start in range(0, len(equations), _CHUNK):
        chunk = equations[start : start + _CHUNK]
        program = compile_program(
            [(left, right) for left, right in chunk], [constants] * len(chunk), device, [(variable,)] * len(chunk)
        )
        roots.extend(_chunk_roots(program, grid, device, steps))
    return roots


def _difference(program: Program, samples: torch.Tensor, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, N) real ``lhs − rhs`` (NaN where a side is not finite and real) and (B, N) ``|lhs| + |rhs|``."""
    batch = samples.shape[0]
    values = run_program(program, [samples[row : row + 1].to(device) for row in range(batch)])
    values = values.to("cpu", torch.complex128)
    left, right = values[:, 0, :], values[:, 1, :]
    size = left.abs() + right.abs()
    real = (
        torch.isfinite(left.real)
        & torch.isfinite(right.real)
        & (left.imag.abs() <= 1e-9 * left.real.abs().clamp_min(1e-300))
        & (right.imag.abs() <= 1e-9 * right.real.abs().clamp_min(1e-300))
    )
    difference = torch.where(real, (left - right).real, torch.full_like(size, math.nan))
    return difference, size


def _chunk_roots(program: Program, grid: torch.Tensor, device: torch.device, steps: int) -> list[tuple[float, ...]]:
    batch = int(program.code.shape[0])
    samples = grid.to(torch.complex128)[None, :].expand(batch, -1)
    values, _ = _difference(program, samples, device)
    found: list[list[float]] = [[] for _ in range(batch)]
    for row, column in (values == 0).nonzero().tolist():
        found[row].append(float(grid[column]))
    low, high = values[:, :-1], values[:, 1:]
    defined = ~torch.isnan(values)
    # Sign changes (NaN compares false: undefined ends are skipped); the edges of the domain
    # (sqrt(x - pi) = 0 at pi); touching zeros, where |lhs − rhs| has a local minimum between
    # neighbours of one sign ((x - pi)^2 = 0).
    crossing = (torch.sign(low) * torch.sign(high) < 0).nonzero()
    edge = (defined[:, :-1] ^ defined[:, 1:]).nonzero()
    size = values.abs()
    touching = (
        (size[:, 1:-1] < size[:, :-2])
        & (size[:, 1:-1] <= size[:, 2:])
        & (torch.sign(values[:, :-2]) == torch.sign(values[:, 2:]))
    ).nonzero()
    for kind, where in (("crossing", crossing), ("edge", edge), ("touching", touching)):
        if not len(where):
            continue
        rows, columns = where[:, 0], where[:, 1]
        if kind == "touching":
            lows, highs = grid[columns], grid[columns + 2]  # around the minimum at column + 1
        else:
            lows, highs = grid[columns], grid[columns + 1]
        points, small = _refine(
            kind,
            program,
            device=device,
            rows=rows,
            bracket=(lows, highs),
            at_low=values[rows, columns],
            at_high=values[rows, columns + (2 if kind == "touching" else 1)],
            batch=batch,
            steps=steps,
        )
        for row, point, ok in zip(rows.tolist(), points.tolist(), small.tolist(), strict=True):
            if ok:
                found[row].append(point)
    return [_rounded(row) for row in found]


def _refine(
    kind: str,
    program: Program,
    *,
    device: torch.device,
    rows: torch.Tensor,
    bracket: tuple[torch.Tensor, torch.Tensor],
    at_low: torch.Tensor,
    at_high: torch.Tensor,
    batch: int,
    steps: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Shrink each bracket (all rows at once) and say whether it ends on a root (private).

    ``crossing``: bisection on the sign; ``edge``: bisection on being defined, towards the
    domain's edge; ``touching``: ternary search for the least ``|lhs − rhs|``.  A point is a
    root when ``|lhs − rhs|`` there is below 10⁻⁶ of ``1 + |lhs| + |rhs|`` (a pole is not).
    """
    lows, highs = bracket[0].clone(), bracket[1].clone()
    width = int(torch.bincount(rows, minlength=batch).max())
    slot = torch.arange(len(rows)) - torch.searchsorted(rows, rows)  # nonzero() lists rows in order

    def evaluate(where: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        padded = torch.zeros((batch, width), dtype=torch.complex128)
        padded[rows, slot] = where.to(torch.complex128)
        here, size = _difference(program, padded, device)
        return here[rows, slot], size[rows, slot]

    low_sign, low_defined = torch.sign(at_low), ~torch.isnan(at_low)
    # A third off per ternary step; an edge is followed down to the last double before it.
    for _ in range({"crossing": steps, "edge": steps + 24, "touching": 2 * steps}[kind]):
        if kind == "touching":
            first, second = lows + (highs - lows) / 3, highs - (highs - lows) / 3
            one, _ = evaluate(first)
            two, _ = evaluate(second)
            left = one.abs().nan_to_num(math.inf) <= two.abs().nan_to_num(math.inf)
            highs = torch.where(left, second, highs)
            lows = torch.where(left, lows, first)
            continue
        middle = (lows + highs) / 2
        value, _ = evaluate(middle)
        same = torch.sign(value) == low_sign if kind == "crossing" else ~torch.isnan(value) == low_defined
        lows = torch.where(same, middle, lows)
        highs = torch.where(same, highs, middle)
    if kind == "edge":  # the defined end
        point = torch.where(low_defined, lows, highs)
    else:
        point = (lows + highs) / 2
    value, size = evaluate(point)
    small = value.abs() <= 1e-6 * (1.0 + size)
    if kind == "edge":  # exp(sqrt(sqrt(x - pi))) - 1 is still 1e-4 one ulp past pi: falling to 0
        start = torch.where(low_defined, at_low, at_high)
        small |= value.abs() <= 1e-3 * start.abs()
    return point, small


def _rounded(roots: list[float]) -> tuple[float, ...]:
    """Sorted, rounded to 7 significant digits (a double or edge root is found to about 8), repeats once."""
    return tuple(sorted({float(f"{root:.7g}") + 0.0 for root in roots}))
