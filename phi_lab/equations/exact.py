"""Exact decisions: what the rational form of a relation proves (:mod:`phi_lab.equations.algebra`).

With ``lhs − rhs = N / D`` over ℚ (radicals reduced, π and e transcendental, anything else an
opaque generator), the following is proved, not sampled, whatever values the free generators take:

* ``N`` reduces to 0: the relation is an **identity** wherever it is defined;
* ``N`` is a nonzero rational (or a nonzero polynomial in ``π`` alone, or in ``e`` alone, which
  are transcendental): the sides never agree, a **contradiction** (``x^60 = x^60 + 1``,
  ``10^300 + 1 = 10^300``) or, when ``D`` depends on a variable, **no solution** (``1/x = 0``);
* ``N`` and ``D`` are polynomials in the variables only: a variable in which ``N`` is linear
  gives a solution at once (``PV = nRT``); otherwise one whose univariate restriction (the
  others set to fixed rationals) has a real root that is not a pole proves a **relation**
  (Sturm sequences count the roots); a univariate ``N`` with no real root has only complex
  solutions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from phi_lab.equations.algebra import RationalForm, exact_root, polynomial_ring, rational_form
from phi_lab.equations.syntax import Relation

__all__ = ["ExactFinding", "decide_exactly", "format_rational"]

#: Rationals tried for the other variables when looking for a real root in one of them.
_PROBES = (Fraction(1, 3), Fraction(2, 7), Fraction(5, 2), Fraction(7, 4), Fraction(-2, 7), Fraction(-7, 4))


@dataclass(frozen=True, slots=True)
class ExactFinding:
    """What exact algebra proved about one relation.

    Attributes
    ----------
    kind:
        ``identity``, ``contradiction``, ``no_solution`` or ``relation``.
    detail:
        One sentence for the check list.
    complex_only:
        For a relation: its solutions are complex, none is real.
    witness:
        A solution, as text (``x = -1/2``, ``x ≈ 1.61803``), when one is known.
    rational_difference:
        For a contradiction: the detail states ``lhs − rhs`` exactly as a rational; otherwise
        (a transcendental difference such as π − 3.14159) the caller shows the two values.
    procedure:
        What proved it, for the benchmark's count of procedures reached.
    """

    kind: Literal["identity", "contradiction", "no_solution", "relation"]
    detail: str
    complex_only: bool = False
    witness: str | None = None
    rational_difference: bool = False
    procedure: str = "exact algebra"


def decide_exactly(relation: Relation, variables: frozenset[str], constants: frozenset[str]) -> ExactFinding | None:
    """Prove what can be proved about one relation by exact algebra; ``None`` if nothing.

    Parameters
    ----------
    relation:
        The relation as parsed.
    variables:
        Its variables (real numbers).
    constants:
        Names bound to constants (``pi``, ``phi``, ``c``…).
    """
    try:
        form = rational_form(relation, variables, constants)
    except ZeroDivisionError:
        return ExactFinding("no_solution", "it is defined nowhere: a denominator is identically zero")
    if form is None:
        return None
    numerator, denominator = form.numerator, form.denominator
    if not numerator:
        return ExactFinding("identity", "the two sides are equal as rational functions (exact algebra)")
    if form.uses(denominator) & form.varying:
        numerator, denominator = _cancel(numerator, denominator, form)
    used = form.uses(numerator)
    kinds = {form.kinds[i] for i in used}
    if not used or (kinds == {"transcendental"} and len(used) == 1):
        if form.uses(denominator) & form.varying:
            return ExactFinding(
                "no_solution",
                "lhs − rhs is a nonzero constant divided by a function of the variables: never zero (exact)",
            )
        rational = not form.uses(numerator) and not form.uses(denominator)
        difference = _constant_text(numerator, denominator, form)
        return ExactFinding(
            "contradiction", f"the two sides differ by {difference} (exact)", rational_difference=rational
        )
    if not kinds <= {"variable"} or not form.uses(denominator) <= set(form.variables):
        return None
    return _solutions(replace(form, numerator=numerator, denominator=denominator))


def _cancel(numerator: Any, denominator: Any, form: RationalForm) -> tuple[Any, Any]:
    """``N/D`` in lowest terms (``x/x = 2`` is the constant −1 where it is defined)."""
    try:
        cancelled_numerator, cancelled_denominator = numerator.cancel(denominator)
    except Exception:
        return numerator, denominator
    if not form.radicals:
        return cancelled_numerator, cancelled_denominator
    return numerator, denominator


def _constant_text(numerator: Any, denominator: Any, form: RationalForm) -> str:
    """``lhs − rhs`` when it is a constant: exact for rationals, else its decimal value."""
    if not form.uses(numerator) and not form.uses(denominator):
        value = Fraction(numerator.LC.numerator, numerator.LC.denominator) / Fraction(
            denominator.LC.numerator, denominator.LC.denominator
        )
        return format_rational(value)
    import mpmath

    context = mpmath.MPContext()
    context.dps = 30
    values = [context.pi if name == "pi" else context.e if name == "e" else context.mpf(0) for name in form.generators]
    value = _evaluate_polynomial(numerator, values, context) / _evaluate_polynomial(denominator, values, context)
    return f"{context.nstr(value, 6)} (a nonzero polynomial in a transcendental constant)"


def _evaluate_polynomial(polynomial: Any, values: Sequence[Any], context: Any) -> Any:
    total = context.mpf(0)
    for monomial, coefficient in polynomial.items():
        term = context.mpf(coefficient.numerator) / coefficient.denominator
        for value, power in zip(values, monomial, strict=True):
            if power:
                term *= value**power
        total += term
    return total


def format_rational(value: Fraction) -> str:
    """``-1/2``, ``3``, ``1e-90`` (powers of ten), ``≈ 3.33333e-301`` for long ones (any size)."""
    if value.denominator == 1 and abs(value.numerator) < 10**15:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if max(magnitude.numerator.bit_length(), magnitude.denominator.bit_length()) < 10_000:
        for power in (magnitude, 1 / magnitude):  # str() of such ints is cheap and within Python's limit
            if power.denominator == 1 and str(power.numerator).rstrip("0") == "1":
                exponent = len(str(power.numerator)) - 1
                return f"{sign}1e{exponent if power is magnitude else -exponent}"
    if magnitude.numerator < 10**9 and magnitude.denominator < 10**9:
        return f"{sign}{magnitude.numerator}/{magnitude.denominator}"
    return f"≈ {sign}{_decimal(magnitude)}"


def _decimal(value: Fraction) -> str:
    """Six significant digits of a positive rational, however large or small."""
    try:
        number = float(value)
    except OverflowError:
        number = float("inf")
    if 1e-300 < number < 1e300:
        return f"{number:.6g}"
    import mpmath

    return str(mpmath.nstr(mpmath.mpf(value.numerator) / value.denominator, 6))


def _solutions(form: RationalForm) -> ExactFinding | None:
    """Real solutions of ``N/D = 0`` for ``N``, ``D`` in the variables only."""
    variables = form.variables
    numerator, denominator = form.numerator, form.denominator
    if len(variables) == 1:
        return _univariate(form, variables[0], numerator, denominator, ())
    linear = _linear_witness(form)
    if linear is not None:
        return linear
    for index in variables:
        if not numerator.degree(index):
            continue
        others = [i for i in variables if i != index]
        for shift in range(len(_PROBES)):
            values = tuple(_PROBES[(shift + k) % len(_PROBES)] for k in range(len(others)))
            assignment = list(zip(others, values, strict=True))
            restricted = _restrict(numerator, assignment)
            restricted_denominator = _restrict(denominator, assignment)
            if not restricted_denominator:
                continue
            finding = _univariate(form, index, restricted, restricted_denominator, assignment)
            if finding is not None and finding.kind == "relation" and not finding.complex_only:
                return finding
    return None


def _linear_witness(form: RationalForm) -> ExactFinding | None:
    """The common case ``a·v + b = 0`` with ``a``, ``b`` free of ``v`` (``PV = nRT``): the others at
    small rationals where ``a ≠ 0`` give ``v = −b/a``, a real solution if no denominator vanishes
    there.  Plain rational arithmetic on the terms, no polynomial ring operations."""
    numerator, denominator = form.numerator, form.denominator
    for index in form.variables:
        if numerator.degree(index) != 1:
            continue
        others = [i for i in form.variables if i != index]
        values = dict(zip(others, _PROBES, strict=False))
        if len(values) < len(others):
            return None
        a, b = Fraction(0), Fraction(0)
        for monomial, coefficient in numerator.items():
            term = Fraction(int(coefficient.numerator), int(coefficient.denominator))
            for i in others:
                if monomial[i]:
                    term *= values[i] ** monomial[i]
            if monomial[index]:
                a += term
            else:
                b += term
        if a == 0:
            continue
        values[index] = -b / a
        if _value_at(denominator, values) == 0:
            continue
        name = form.generators[index]
        fixed = ", ".join(f"{form.generators[i]} = {format_rational(values[i])}" for i in others[:4])
        if len(others) > 4:
            fixed += f" and {len(others) - 4} more at small rationals"
        root = _equals(name, format_rational(values[index]))
        return ExactFinding(
            "relation", f"it is linear in {name}: with {fixed}, {root} (exact)", witness=f"{root} (with {fixed})"
        )
    return None


def _value_at(polynomial: Any, values: Mapping[int, Fraction]) -> Fraction:
    total = Fraction(0)
    for monomial, coefficient in polynomial.items():
        term = Fraction(int(coefficient.numerator), int(coefficient.denominator))
        for i, power in enumerate(monomial):
            if power:
                term *= values[i] ** power
        total += term
    return total


def _restrict(polynomial: Any, assignment: Sequence[tuple[int, Fraction]]) -> Any:
    from sympy import QQ

    ring = polynomial.ring
    result = polynomial
    for index, value in assignment:
        result = result.subs(ring.gens[index], QQ(value.numerator, value.denominator))
    return result


def _univariate(
    form: RationalForm, index: int, numerator: Any, denominator: Any, assignment: Sequence[tuple[int, Fraction]]
) -> ExactFinding | None:
    """Real roots of a polynomial in one variable that are not poles."""
    name = form.generators[index]
    one = polynomial_ring((name,))
    (x,) = one.gens
    f = _to_univariate(numerator, index, one, x)
    g = _to_univariate(denominator, index, one, x)
    if f.degree() <= 0:
        if not f or assignment:
            return None  # decided on this line only: another variable or line decides
        return ExactFinding("no_solution", "lhs − rhs is a nonzero constant over a denominator: never zero")
    common = f.gcd(g) if g.degree() > 0 else one.one
    while common.degree() > 0:
        f = f.quo(common)
        common = f.gcd(g)
    if f.degree() <= 0:
        if assignment:
            return None
        return ExactFinding("no_solution", "every root of the numerator is a pole: it is never defined and zero")
    if f.degree() > 1:
        f = f.quo(f.gcd(f.diff(x)))  # square-free part: same roots
    count = _count_real_roots(one, f)
    fixed = ", ".join(f"{form.generators[i]} = {format_rational(value)}" for i, value in assignment[:4])
    if len(assignment) > 4:
        fixed += f" and {len(assignment) - 4} more at small rationals"
    where = f" (with {fixed})" if fixed else ""
    if count == 0:
        if assignment:
            return None
        return ExactFinding(
            "relation", f"its solutions are complex: no real {name} satisfies it (exact root count)", True
        )
    root = _a_root(one, f, name)
    return ExactFinding(
        "relation",
        f"it has {count} real solution{'s' if count > 1 else ''} in {name}{where}, e.g. {root} (exact root count)",
        witness=f"{root}{where}",
    )


def _count_real_roots(ring: Any, f: Any) -> int:
    """Distinct real roots of a square-free polynomial: by degree for 1 and 2, else Sturm."""
    degree = f.degree()
    if degree == 1:
        return 1
    if degree == 2:
        x = ring.gens[0]
        a, b, c = f.coeff(x**2), f.coeff(x), f.coeff(1)
        discriminant = b * b - 4 * a * c
        return 2 if discriminant > 0 else (1 if discriminant == 0 else 0)
    return int(ring.dup_count_real_roots(f))


def _equals(name: str, value: str) -> str:
    """``x = 1/2``, or ``x ≈ 2.99585e+16`` when the value is shown rounded."""
    return f"{name} {value}" if value.startswith("≈") else f"{name} = {value}"


def _fraction(value: Any) -> Fraction:
    return Fraction(int(value.numerator), int(value.denominator))


def _to_univariate(polynomial: Any, index: int, ring: Any, x: Any) -> Any:
    result = ring.zero
    for monomial, coefficient in polynomial.items():
        if any(power for i, power in enumerate(monomial) if i != index):
            raise AssertionError("the other variables should have been substituted")
        result += ring(coefficient) * x ** monomial[index]
    return result


def _a_root(ring: Any, f: Any, name: str) -> str:
    """One real root of the square-free ``f``: exact when rational, else to six digits."""
    x = ring.gens[0]
    if f.degree() == 1:
        a, b = _fraction(f.coeff(x)), _fraction(f.coeff(1))
        return _equals(name, format_rational(-b / a))
    if f.degree() == 2:
        a, b, c = _fraction(f.coeff(x**2)), _fraction(f.coeff(x)), _fraction(f.coeff(1))
        discriminant = b * b - 4 * a * c
        root = exact_root(discriminant, 2)
        if root is not None:
            return _equals(name, format_rational((-b - root) / (2 * a)))
        return f"{name} ≈ {float((-b - Fraction(math.sqrt(discriminant))) / (2 * a)):.6g}"
    from sympy import QQ

    low, high = ring.dup_isolate_real_roots_sqf(f, eps=QQ(1, 10**9))[0]
    if low == high:
        return _equals(name, format_rational(Fraction(low.numerator, low.denominator)))
    middle = (Fraction(low.numerator, low.denominator) + Fraction(high.numerator, high.denominator)) / 2
    return f"{name} ≈ {float(middle):.6g}"
