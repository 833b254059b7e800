"""High-precision evidence: a relation compared at a point at 50 and 80 digits.

Double precision cannot tell ``x + 10⁻¹¹`` from ``x``, nor ``exp(30x) + 1`` from ``exp(30x)``;
every claim the validator makes from samples is therefore confirmed here, at the same points,
with mpmath (:class:`~phi_lab.equations.evaluate.MpArithmetic`).  The precision grows with
the cancellation at the point (:func:`extra_digits`): where the intermediate values are
10¹⁹⁷ times larger than the sides (``cosh²x − sinh²x`` at x = −227), 197 more digits are used.

* :func:`compare_at` says whether the two sides are *equal* at a point: a true equality
  leaves a difference that shrinks with the precision (or sits at its rounding level), a
  false one leaves the same difference at 50 and 80 digits.  Where a side uses a measured
  constant (``G``, ``ε₀``, ``μ₀``), equal means equal within 3 combined standard
  uncertainties of CODATA 2018, found by perturbing each constant by its own uncertainty.
* :func:`constant_difference` says whether ``lhs − rhs`` is one and the same constant at
  several points (a contradiction such as ``sin²x + cos²x = 1 + 10⁻¹²``).
* :func:`format_difference` prints two unequal values with enough digits to show they differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate, same_value
from phi_lab.equations.names import MEASURED_UNCERTAINTY
from phi_lab.equations.syntax import Relation, Symbol, walk

__all__ = [
    "Comparison",
    "TrackingArithmetic",
    "compare_at",
    "constant_difference",
    "extra_digits",
    "format_difference",
    "format_number",
    "tracking_arithmetic",
]

#: Standard uncertainties within which two sides with measured constants count as equal.
SIGMAS = 3.0


@dataclass(frozen=True, slots=True)
class Comparison:
    """The two sides of a relation at one point, at 50 digits, and whether they are equal.

    ``sigma`` is the combined standard uncertainty of ``lhs − rhs`` from measured constants
    (0 when none is used); ``within`` how many of them the sides differ by.
    """

    equal: bool
    lhs: Any
    rhs: Any
    sigma: float = 0.0
    within: float = 0.0


#: Most digits of cancellation compensated by raising the precision (beyond: Undefined).
MAX_EXTRA_DIGITS = 2_000


class TrackingArithmetic(MpArithmetic):
    """:class:`MpArithmetic` that remembers the largest magnitude of any intermediate value."""

    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.largest = self.context.mpf(0)

    def _finite(self, value: Any) -> Any:
        value = super()._finite(value)
        size = abs(value)
        self.largest = max(self.largest, size)
        return value


def tracking_arithmetic(digits: int) -> TrackingArithmetic:
    """An arithmetic at ``digits`` digits whose ``largest`` attribute records the largest magnitude
    of any intermediate value it produced (the scale against which a residual is judged)."""
    return TrackingArithmetic(digits)


def extra_digits(relation: Relation, point: Mapping[str, Any], constants: frozenset[str]) -> int:
    """Digits lost to cancellation at ``point``: how far the largest intermediate value exceeds
    the sides (``cosh²x − sinh²x`` at x = −227 cancels 197 digits).

    Raises
    ------
    Undefined
        If a side is undefined there, or more than :data:`MAX_EXTRA_DIGITS` would be needed.
    """
    return _tracked_sides(relation, point, constants, 30)[1]


def _tracked_sides(
    relation: Relation, point: Mapping[str, Any], constants: frozenset[str], digits: int
) -> tuple[tuple[Any, Any], int]:
    """Both sides at ``digits`` digits, and how many digits their evaluation cancelled."""
    arithmetic = TrackingArithmetic(digits)
    context = arithmetic.context
    values: dict[str, Any] = {name: arithmetic.constant(name) for name in constants}
    values.update({name: context.mpc(value) for name, value in point.items()})
    lhs, rhs = evaluate(relation.lhs, values, arithmetic), evaluate(relation.rhs, values, arithmetic)
    result = max(abs(lhs), abs(rhs))
    if arithmetic.largest == 0:
        return (lhs, rhs), 0
    reference = result if result > 0 else context.mpf(1)
    lost = int(context.log10(arithmetic.largest / reference)) if arithmetic.largest > reference else 0
    if lost > MAX_EXTRA_DIGITS:
        raise Undefined("too much cancellation to resolve (more than 2,000 digits)", unrepresentable=True)
    return (lhs, rhs), max(0, lost)


def _precise_pair(
    relation: Relation, point: Mapping[str, Any], constants: frozenset[str], *, absolute: bool = False
) -> tuple[tuple[Any, Any], tuple[Any, Any], int]:
    """The sides at 50 and 80 digits, each raised by the digits that cancel (two evaluations
    when little cancels, three when it does).  With ``absolute``, also by the digits of the
    sides' size, so that their *difference* is known to 50 digits after the point however
    large they are (cosh²x − (sinh²x + 1 + 10⁻³⁰) at x = 350, where the sides reach 10³⁰⁴)."""
    low, extra = _tracked_sides(relation, point, constants, 50)
    if absolute:
        size = max(abs(low[0]), abs(low[1]))
        if size > 1:
            extra += min(MAX_EXTRA_DIGITS, int(MpArithmetic(20).context.log10(size)) + 1)
    if extra > 10:
        low = _sides(relation, point, constants, 50 + extra)
    else:
        extra = 0
    return low, _sides(relation, point, constants, 80 + extra), extra


def _sides(relation: Relation, point: Mapping[str, Any], constants: frozenset[str], digits: int) -> tuple[Any, Any]:
    arithmetic = MpArithmetic(digits)
    context = arithmetic.context
    values: dict[str, Any] = {name: arithmetic.constant(name) for name in constants}
    values.update({name: context.mpc(value) for name, value in point.items()})
    return evaluate(relation.lhs, values, arithmetic), evaluate(relation.rhs, values, arithmetic)


def measured_in(relation: Relation, constants: frozenset[str]) -> tuple[str, ...]:
    """The measured constants (with a CODATA uncertainty) that ``relation`` uses."""
    names = {node.name for side in (relation.lhs, relation.rhs) for node in walk(side) if isinstance(node, Symbol)}
    return tuple(sorted(name for name in names & constants if name in MEASURED_UNCERTAINTY))


def compare_at(
    relation: Relation, point: Mapping[str, Any], constants: frozenset[str], *, strict: bool = False
) -> Comparison:
    """Compare the sides at ``point`` (variable → number) at 50 and 80 digits.

    With ``strict`` (a claimed solution), equal also means equal to 150 digits at 160: a
    difference such as ``1 − tanh(87) ≈ 2·10⁻⁷⁶`` hides below 80 digits but not below 160.

    Raises
    ------
    Undefined
        If a side is undefined there.
    """
    low, high, extra = _precise_pair(relation, point, constants)
    measured = measured_in(relation, constants)
    if not measured:
        equal = same_value(low, high)
        if equal and strict:
            lhs, rhs = _sides(relation, point, constants, 160 + extra)
            equal = bool(abs(lhs - rhs) <= 1e-150 * max(abs(lhs), abs(rhs)))
        return Comparison(equal, low[0], low[1])
    sigma = _uncertainty(relation, point, constants, measured, low)
    difference = abs(low[0] - low[1])
    rounding = 1e-40 * max(abs(low[0]), abs(low[1]))
    within = float(difference / sigma) if sigma else (0.0 if difference <= rounding else float("inf"))
    return Comparison(bool(difference <= SIGMAS * sigma + rounding), low[0], low[1], float(sigma), within)


def _uncertainty(
    relation: Relation,
    point: Mapping[str, Any],
    constants: frozenset[str],
    measured: Sequence[str],
    sides: tuple[Any, Any],
) -> Any:
    """Standard uncertainty of ``lhs − rhs`` from the measured constants (linear propagation)."""
    arithmetic = MpArithmetic(50)
    context = arithmetic.context
    base = sides[0] - sides[1]
    variance = context.mpf(0)
    for name in measured:
        relative = context.mpf(MEASURED_UNCERTAINTY[name])
        values: dict[str, Any] = {other: arithmetic.constant(other) for other in constants}
        values[name] = values[name] * (1 + relative)
        values.update({key: context.mpc(value) for key, value in point.items()})
        shifted = evaluate(relation.lhs, values, arithmetic) - evaluate(relation.rhs, values, arithmetic)
        variance += abs(shifted - base) ** 2
    return context.sqrt(variance)


def constant_difference(
    relation: Relation, points: Sequence[Mapping[str, Any]], constants: frozenset[str]
) -> Any | None:
    """``lhs − rhs`` if it is the same constant at every point (at 50/80 digits), else ``None``.

    Each side's change between points is compared, not the residuals, so that a tiny varying
    part stays visible next to a large constant one (x·h¹⁰ changes by 1e-330, −1 does not).
    """
    if len(points) < 2:
        return None
    try:
        sides = []
        for point in points:
            low, high, _ = _precise_pair(relation, point, constants, absolute=True)
            sides.append((low, high))
    except Undefined:
        return None
    (lhs0_low, rhs0_low), (lhs0_high, rhs0_high) = sides[0]
    for (lhs_low, rhs_low), (lhs_high, rhs_high) in sides[1:]:
        lhs_still = same_value((lhs_low, lhs0_low), (lhs_high, lhs0_high))
        rhs_still = same_value((rhs_low, rhs0_low), (rhs_high, rhs0_high))
        if lhs_still and rhs_still:
            continue
        low = (lhs_low - lhs0_low, rhs_low - rhs0_low)
        high = (lhs_high - lhs0_high, rhs_high - rhs0_high)
        if not same_value(low, high):
            return None
    return lhs0_low - rhs0_low


def format_number(value: Any, digits: int = 6) -> str:
    """A real or complex mpmath value, however large or small, to ``digits`` significant digits."""
    import mpmath

    if value.imag == 0:
        return str(mpmath.nstr(value.real, digits))
    sign = "+" if value.imag > 0 else "-"
    return f"{mpmath.nstr(value.real, digits)}{sign}{mpmath.nstr(abs(value.imag), digits)}i"


def format_difference(lhs: Any, rhs: Any) -> str:
    """``"1 ≠ 2"``; values that agree to six digits get enough digits to differ, then the gap.

    ``2.62537e+17 ≠ 2.62537e+17`` is never printed: ``262537412640768743.99999999999925 ≠
    262537412640768744 (they differ by 7.5e-13)``.
    """
    for digits in (6, 12, 20, 30, 45):
        left, right = format_number(lhs, digits), format_number(rhs, digits)
        if left != right:
            break
    gap = abs(lhs - rhs)
    scale = max(abs(lhs), abs(rhs))
    if digits > 6 or (scale and gap < 1e-6 * scale):
        import mpmath

        return f"{left} ≠ {right} (they differ by {mpmath.nstr(gap, 3)})"
    return f"{left} ≠ {right}"
