"""Solutions as witnesses: find where a relation (or a system) holds, then prove it at 80 digits.

A relation is a *relation*, not a contradiction, once one point satisfies it; a system is
consistent once one point satisfies all its equations.  The searches here find such points
numerically and keep only those confirmed with mpmath (:func:`confirm_root`):

* :func:`find_real_root` scans lines through a few base points, one variable at a time, over
  a grid covering both signs and magnitudes 10⁻⁴ to 10⁶ (one device batch for all lines),
  takes every sign change of ``lhs − rhs`` and every grid zero, and refines them with the
  secant method at 85 digits;
* :func:`find_complex_root` runs the secant method in the complex plane from a few starts
  (math mode: ``x² = −1``, ``sin x = 2`` have complex solutions only);
* :func:`find_common_root` runs Newton's method on a system from several starts.

A refined point is a witness only if the two sides agree to 70 digits there, relative to the
size of the terms (so a pole, where a sign changes without a root, is never taken).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from phi_lab.compute.device import complex_dtype
from phi_lab.compute.sampling import evaluate_relations
from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.isolation import budget_clock
from phi_lab.equations.syntax import Relation

__all__ = [
    "OutOfTime",
    "Witness",
    "check_time",
    "confirm_root",
    "find_common_root",
    "find_complex_root",
    "find_real_root",
    "polish",
]

#: Working precision of the refinement, and the agreement a witness needs.
_DIGITS = 85
_AGREEMENT = 1e-70
_GRID = np.concatenate((-np.logspace(6, -4, 41), [0.0], np.logspace(-4, 6, 41)))
_COMPLEX_STARTS = (1 + 1j, -1 + 1j, 0.5 + 2j, -2 + 0.5j, 2 - 1j, 0.1 + 0.1j, 3 + 3j, -0.5 - 2j)


class OutOfTime(Exception):
    """The equation's time budget for heavy procedures ran out."""


def check_time(deadline: float) -> None:
    """Raise :class:`OutOfTime` past ``deadline`` (a :func:`~phi_lab.equations.isolation.budget_clock` value)."""
    if budget_clock() > deadline:
        raise OutOfTime


@dataclass(frozen=True, slots=True)
class Witness:
    """A point where the relation holds (confirmed at 85 digits)."""

    point: Mapping[str, Any]

    def text(self) -> str:
        """``x ≈ -0.5``, ``x ≈ 1.5708 + 1.31696i, y = 2``."""
        return ", ".join(f"{name} {_approximately(value)}" for name, value in sorted(self.point.items()))


def _approximately(value: Any) -> str:
    import mpmath

    value = mpmath.mpc(value)
    real = mpmath.nstr(value.real, 6)
    if abs(value.imag) <= 1e-30 * max(abs(value.real), 1):
        exact = value.real == mpmath.mpf(real)
        return f"{'=' if exact else '≈'} {real}"
    sign = "+" if value.imag > 0 else "-"
    return f"≈ {real} {sign} {mpmath.nstr(abs(value.imag), 6)}i"


def _residual(relation: Relation, values: Mapping[str, Any], arithmetic: MpArithmetic) -> tuple[Any, Any]:
    return evaluate(relation.lhs, values, arithmetic), evaluate(relation.rhs, values, arithmetic)


def _constants(arithmetic: MpArithmetic, constants: frozenset[str]) -> dict[str, Any]:
    return {name: arithmetic.constant(name) for name in constants}


def confirm_root(relation: Relation, point: Mapping[str, Any], constants: frozenset[str]) -> bool:
    """Whether ``point`` is a genuine solution.

    Both sides must be defined and agree to 70 digits (at 85), relative to the largest value met
    while computing them (so ``cos x = 0`` at x = 680310.3… counts, its cosine being 10⁻⁸⁰ next
    to an argument of 10⁶).  And the equation must *resolve* there: moving a variable by a
    relative 10⁻⁸ makes the sides differ by far more than the agreement, which a root of any
    order does (``cos x = 1 − x²/2`` at 0) and sides that merely converge do not (``tanh x = 1``
    at x = 10¹⁵ agrees to a million digits).  A point where nothing resolves may lie in a whole
    region of solutions (``√(x²) = −x`` for x ≤ 0): it counts only within |values| ≤ 10 and if
    the sides still agree at 250 digits.
    """
    if any(0 < abs(value) < _TINY for value in point.values()):
        return False  # a limit, not a point: callers snap such values to 0 first (see _snapped)
    agreement = _agreement(relation, point, constants, _DIGITS)
    if agreement is None or agreement[0] > _AGREEMENT * agreement[1]:
        return False
    _, scale = agreement
    for name in sorted(point):
        value = point[name]
        nudged = dict(point)
        nudged[name] = value + _NUDGE * max(abs(value), 1)
        moved = _agreement(relation, nudged, constants, _DIGITS)
        if moved is not None and moved[0] > 1e-60 * max(scale, moved[1]):
            return True
    if any(abs(value) > _REGION for value in point.values()):
        return False
    precise = _agreement(relation, point, constants, 250, relative=True)
    return precise is not None and precise[0] <= 1e-240 * precise[1]


#: Relative nudge of the resolution test; region witnesses must lie within |values| ≤ _REGION.
_NUDGE = 1e-8
_REGION = 10
#: Nonzero values smaller than this are limits (the secant method closing in on 0), not points.
_TINY = 1e-30


def _snapped(point: Mapping[str, Any]) -> dict[str, Any]:
    """``point`` with values that are tiny limits snapped to 0 (a root at 0 found as 10⁻⁹⁰, or a
    point closing in on an undefined 0 as in ``exp(log x) = x(1 + 10⁻²⁰)``)."""
    return {name: (0 if abs(value) < _TINY else value) for name, value in point.items()}


def _agreement(
    relation: Relation, point: Mapping[str, Any], constants: frozenset[str], digits: int, *, relative: bool = False
) -> tuple[Any, Any] | None:
    """``(|lhs − rhs|, scale)`` at ``digits`` digits, the scale being the largest value met (or,
    ``relative``, the larger side); ``None`` where a side is undefined."""
    from phi_lab.equations.precision import tracking_arithmetic

    arithmetic = tracking_arithmetic(digits)
    context = arithmetic.context
    values = _constants(arithmetic, constants)
    values.update({name: context.mpc(value) for name, value in point.items()})
    try:
        lhs, rhs = _residual(relation, values, arithmetic)
    except Undefined:
        return None
    if relative:
        return abs(lhs - rhs), max(abs(lhs), abs(rhs))
    scale = max(abs(lhs), abs(rhs), arithmetic.largest, *(abs(values[name]) for name in point))
    return abs(lhs - rhs), scale


def _refine(
    relation: Relation,
    point: Mapping[str, Any],
    variable: str,
    start: complex,
    *,
    constants: frozenset[str],
    deadline: float,
    multiple: bool = False,
) -> Any | None:
    """A root in ``variable`` near ``start``: the secant method at 30 digits, then polished at 85.

    With ``multiple`` (a grid point where ``|lhs − rhs|`` only dips towards 0, as ``sin x = 1``
    does), modified Newton is tried too: it converges on multiple roots where the secant crawls.
    """
    import mpmath

    failures = (Undefined, ValueError, ZeroDivisionError, mpmath.libmp.NoConvergence)
    guess: Any = start
    for digits, tolerance, steps in ((30, -25, 50), (_DIGITS, -160, 20)):
        arithmetic = MpArithmetic(digits)
        context = arithmetic.context
        values = _constants(arithmetic, constants)
        values.update({name: context.mpc(value) for name, value in point.items()})

        def residual(t: Any, values: dict[str, Any] = values, arithmetic: MpArithmetic = arithmetic) -> Any:
            check_time(deadline)
            values[variable] = arithmetic.context.mpc(t)
            lhs, rhs = _residual(relation, values, arithmetic)
            return lhs - rhs

        x0 = context.mpc(guess)
        x1 = x0 * (1 + context.mpf(10) ** -8) + context.mpf(10) ** -12
        try:
            guess = context.findroot(
                residual, (x0, x1), solver="secant", tol=context.mpf(10) ** tolerance, maxsteps=steps
            )
            continue
        except failures:
            if not multiple:
                return None
        try:
            guess = context.findroot(residual, x0, solver="mnewton", tol=context.mpf(10) ** tolerance, maxsteps=steps)
        except failures:
            return None
    return guess


def find_real_root(
    relation: Relation,
    variables: Sequence[str],
    constants: frozenset[str],
    *,
    constant_values: Mapping[str, complex],
    bases: Sequence[Mapping[str, float]],
    device: torch.device,
    deadline: float,
    cost: float = 0.0,
) -> Witness | None:
    """A real point where ``relation`` holds, found on grid lines and confirmed, or ``None``.

    ``cost`` is what one device evaluation of the relation took (its sampling): the grid is
    skipped when less than twice that is left.

    Raises
    ------
    OutOfTime
        Past ``deadline``.
    """
    check_time(deadline)
    if budget_clock() + 2 * cost > deadline:
        return None
    names = tuple(variables)
    lines = [(base, variable) for base in bases for variable in names[:4]]
    if not lines:
        return None
    count = len(_GRID)
    columns = []
    for base, variable in lines:
        block = np.array([[base[name]] * count if name != variable else _GRID for name in names], dtype=np.float64)
        columns.append(block)
    points = np.concatenate(columns, axis=1)
    dtype = complex_dtype(device)
    samples = torch.as_tensor(points, device=device).to(dtype)
    values = evaluate_relations([relation], [constant_values], [names], [samples])[0]
    check_time(deadline)
    lhs = values[0].to(torch.complex128).cpu().numpy()
    rhs = values[1].to(torch.complex128).cpu().numpy()
    with np.errstate(all="ignore"):  # inf − inf where a side overflows: undefined, masked below
        residual = lhs - rhs
        scale = np.maximum(np.abs(lhs), np.abs(rhs))
    defined = np.isfinite(residual.real) & np.isfinite(residual.imag)
    real = defined & (np.abs(residual.imag) <= 1e-9 * np.maximum(scale, 1e-300))
    candidates: list[tuple[int, float, bool]] = []  # (line, start value, a multiple root?)
    for line in range(len(lines)):
        offset = line * count
        part = slice(offset, offset + count)
        r, ok, size = residual.real[part], real[part], scale[part]
        zeros = np.nonzero(ok & (np.abs(residual[part]) <= 1e-12 * np.maximum(size, 1e-300)))[0]
        for k in sorted(zeros, key=lambda k: abs(_GRID[k]))[:2]:  # a grid point that is already a solution
            base, variable = lines[line]
            exact_point: dict[str, Any] = {**{name: base[name] for name in names}, variable: float(_GRID[k])}
            if confirm_root(relation, exact_point, constants):
                return Witness(exact_point)
        with np.errstate(all="ignore"):
            magnitude = np.where(ok, np.abs(residual[part]) / np.maximum(size, 1e-300), np.inf)
        middle = magnitude[1:-1]
        dip = (middle < 0.05) & (middle <= 0.5 * np.maximum(magnitude[:-2], magnitude[2:]))
        touching = np.nonzero((middle <= magnitude[:-2]) & (middle <= magnitude[2:]) & dip)[0]
        candidates.extend((line, float(_GRID[k + 1]), True) for k in sorted(touching, key=lambda k: abs(_GRID[k]))[:2])
        changes = np.nonzero(ok[:-1] & ok[1:] & (np.sign(r[:-1]) * np.sign(r[1:]) < 0))[0]
        for k in sorted(changes, key=lambda k: abs(_GRID[k]))[:3]:
            low, high = float(_GRID[k]), float(_GRID[k + 1])
            start = _bisect(relation, lines[line], names, constant_values, (low, high, deadline))
            candidates.append((line, start, False))
    # Sign changes first (they converge fastest), then by size: moderate values before huge ones.
    candidates.sort(key=lambda candidate: (candidate[2], abs(candidate[1])))
    for line, start, multiple in candidates[:8]:
        base, variable = lines[line]
        point: dict[str, Any] = {name: base[name] for name in names if name != variable}
        root = _refine(
            relation, point, variable, complex(start), constants=constants, deadline=deadline, multiple=multiple
        )
        if root is None or abs(root.imag) > 1e-60 * max(abs(root.real), 1):
            continue
        point[variable] = root.real
        point = _snapped(point)
        if confirm_root(relation, point, constants):
            return Witness(point)
    return None


def _bisect(
    relation: Relation,
    line: tuple[Mapping[str, float], str],
    names: Sequence[str],
    constant_values: Mapping[str, complex],
    bracket: tuple[float, float, float],
) -> float:
    """Narrow a sign change of the real residual in double precision (a good secant start)."""
    from phi_lab.equations.evaluate import ComplexArithmetic

    base, variable = line
    low, high, deadline = bracket  # the sign change, and when to give up
    arithmetic = ComplexArithmetic()
    values: dict[str, complex] = dict(constant_values)
    values.update({name: complex(base[name]) for name in names if name != variable})

    def sign(t: float) -> float | None:
        check_time(deadline)
        values[variable] = complex(t)
        try:
            value = evaluate(relation.lhs, values, arithmetic) - evaluate(relation.rhs, values, arithmetic)
        except Undefined:
            return None
        return float(np.sign(value.real))

    low_sign = sign(low)
    for _ in range(80):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        middle_sign = sign(middle)
        if middle_sign is None or middle_sign == 0:
            return middle
        if middle_sign == low_sign:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def find_complex_root(
    relation: Relation,
    variables: Sequence[str],
    constants: frozenset[str],
    base: Mapping[str, float],
    *,
    deadline: float,
) -> Witness | None:
    """A complex point (one variable complex, the others at ``base``) where ``relation`` holds."""
    for variable in variables[:3]:
        point: dict[str, Any] = {name: base[name] for name in variables if name != variable}
        for start in _COMPLEX_STARTS:
            root = _refine(relation, point, variable, start, constants=constants, deadline=deadline)
            if root is None:
                continue
            candidate = _snapped({**point, variable: root})
            if confirm_root(relation, candidate, constants):
                return Witness(candidate)
    return None


def polish(
    relation: Relation,
    variable: str,
    start: complex,
    constants: frozenset[str],
    others: Mapping[str, Any],
    *,
    deadline: float,
) -> Witness | None:
    """A solution near ``start`` (a double-precision candidate, such as SymPy's), refined to 85
    digits and confirmed, or ``None``."""
    root = _refine(relation, others, variable, start, constants=constants, deadline=deadline, multiple=True)
    if root is None:
        return None
    candidate = _snapped({**others, variable: root})
    return Witness(candidate) if confirm_root(relation, candidate, constants) else None


def find_common_root(
    relations: Sequence[Relation],
    variables: Sequence[str],
    constants: frozenset[str],
    starts: Sequence[Mapping[str, float]],
    *,
    deadline: float,
) -> Witness | None:
    """A real point where every relation holds: Newton's method on as many variables as
    equations (the rest held at the start's values), then confirmation of every relation."""
    names = list(variables)
    square = min(len(relations), len(names))
    for start in starts:
        for shift in range(len(relations)):
            check_time(deadline)
            chosen = [relations[(shift + k) % len(relations)] for k in range(square)]
            unknowns = _unknowns(chosen, names)
            if unknowns is None:
                continue
            fixed: dict[str, Any] = {name: start[name] for name in names if name not in unknowns}
            start_values = [start[name] for name in unknowns]
            root = None
            for digits in (20, _DIGITS):  # a rough root cheaply, then polished
                root = _newton(
                    chosen, unknowns, fixed, start_values, constants=constants, digits=digits, deadline=deadline
                )
                if root is None:
                    break
                start_values = root
            if root is None:
                continue
            point = {**fixed, **dict(zip(unknowns, root, strict=True))}
            # (values keep their own 85-digit context: mpmath.mpc() would round them to doubles)
            if any(abs(getattr(value, "imag", 0)) > 1e-40 for value in point.values()):
                continue
            point = _snapped({name: getattr(value, "real", value) for name, value in point.items()})
            if all(confirm_root(relation, point, constants) for relation in relations):
                return Witness(point)
        chained = _chain(relations, names, constants, start, deadline)
        if chained is not None:
            return chained
    return None


def _chain(
    relations: Sequence[Relation],
    names: Sequence[str],
    constants: frozenset[str],
    start: Mapping[str, float],
    deadline: float,
) -> Witness | None:
    """One equation at a time: solve each for one of its variables not yet fixed (the secant
    method), keeping the values found before; then confirm them all.  This finds common
    solutions where Newton's Jacobian is singular: dependent equations (``exp x = y; log y = x``)
    and equations that hold on a whole region (``log(xy) = log x + log y; x + y = 0``)."""
    point: dict[str, Any] = dict(start)
    settled: set[str] = set()
    for relation in relations:
        if confirm_root(relation, point, constants):
            continue  # already holds here: nothing to solve
        free = [name for name in names if name not in settled and _uses(relation, name)]
        for name in free:
            others = {key: value for key, value in point.items() if key != name}
            root = _refine(relation, others, name, complex(point[name]), constants=constants, deadline=deadline)
            if root is not None and abs(root.imag) <= 1e-60 * max(abs(root.real), 1):
                point[name] = root.real
                settled.add(name)
                break
        else:
            return None
    point = _snapped(point)
    if all(confirm_root(relation, point, constants) for relation in relations):
        return Witness(point)
    return None


def _uses(relation: Relation, name: str) -> bool:
    from phi_lab.equations.syntax import Symbol, walk

    return any(
        isinstance(node, Symbol) and node.name == name for side in (relation.lhs, relation.rhs) for node in walk(side)
    )


def _unknowns(relations: Sequence[Relation], names: Sequence[str]) -> list[str] | None:
    """One distinct variable per relation, each used by its relation (a matching), or ``None``."""
    from phi_lab.equations.syntax import Symbol, walk

    used = [
        [
            name
            for name in names
            if any(isinstance(n, Symbol) and n.name == name for side in (r.lhs, r.rhs) for n in walk(side))
        ]
        for r in relations
    ]
    chosen: list[str] = []
    for options in used:
        free = [name for name in options if name not in chosen]
        if not free:
            return None
        chosen.append(free[0])
    return chosen


def _newton(
    relations: Sequence[Relation],
    unknowns: Sequence[str],
    fixed: Mapping[str, Any],
    start: Sequence[Any],
    *,
    constants: frozenset[str],
    digits: int,
    deadline: float,
) -> list[Any] | None:
    """Newton's method at ``digits`` digits on the *scaled* residuals (each equation divided by
    the size of its sides, so ``E = mc²`` with c² ≈ 9·10¹⁶ weighs as much as ``F = ma``), with a
    forward-difference Jacobian; the root, or ``None`` if it does not converge."""
    # Work with as many more digits as the sides outgrow the unknowns, so that a nudge of an
    # unknown still shows in lhs − rhs (E − m·c² is about 10¹⁶ while E starts near 1).
    extra = _magnitude_digits(relations, unknowns, fixed, start, constants)
    arithmetic = MpArithmetic(digits + extra)
    context = arithmetic.context
    base = _constants(arithmetic, constants)
    base.update({name: context.mpc(value) for name, value in fixed.items()})
    step = context.mpf(10) ** (-(digits // 2))
    goal = context.mpf(10) ** (10 - digits)

    def raw(point: Sequence[Any]) -> list[tuple[Any, Any]] | None:
        """Each equation's ``lhs − rhs`` and the size of its sides."""
        check_time(deadline)
        values = dict(base)
        values.update(dict(zip(unknowns, point, strict=True)))
        try:
            sides = [(evaluate(r.lhs, values, arithmetic), evaluate(r.rhs, values, arithmetic)) for r in relations]
        except Undefined:
            return None
        return [(lhs - rhs, max(abs(lhs), abs(rhs), 1)) for lhs, rhs in sides]

    point = [context.mpc(value) for value in start]
    for _ in range(60):
        here = raw(point)
        if here is None:
            return None
        scales = [size for _, size in here]  # fixed for this step, so that the scaling has no derivative
        residual = [difference / size for difference, size in here]
        if max(abs(value) for value in residual) <= goal:
            return point
        columns = []
        for k in range(len(point)):
            nudged = list(point)
            nudged[k] = point[k] + step * max(abs(point[k]), 1)
            there = raw(nudged)
            if there is None:
                return None
            width = nudged[k] - point[k]
            columns.append([(b - a) / (width * size) for (a, _), (b, _), size in zip(here, there, scales, strict=True)])
        jacobian = context.matrix([[columns[k][i] for k in range(len(point))] for i in range(len(residual))])
        try:
            delta = context.lu_solve(jacobian, context.matrix([-value for value in residual]))
        except ZeroDivisionError:
            return None
        point = [point[k] + delta[k] for k in range(len(point))]
    return None


def _magnitude_digits(
    relations: Sequence[Relation],
    unknowns: Sequence[str],
    fixed: Mapping[str, Any],
    start: Sequence[Any],
    constants: frozenset[str],
) -> int:
    """Decimal digits by which the sides exceed the unknowns at the start (0 if they do not)."""
    arithmetic = MpArithmetic(20)
    context = arithmetic.context
    values = _constants(arithmetic, constants)
    values.update({name: context.mpc(value) for name, value in fixed.items()})
    values.update({name: context.mpc(value) for name, value in zip(unknowns, start, strict=True)})
    try:
        size = max(
            max(abs(evaluate(r.lhs, values, arithmetic)), abs(evaluate(r.rhs, values, arithmetic))) for r in relations
        )
    except Undefined:
        return 0
    reference = max([abs(values[name]) for name in unknowns] + [context.mpf(1)])
    return max(0, min(500, int(context.log10(size / reference)) + 5)) if size > reference else 0
