"""Exact algebra on syntax trees: each relation as a rational function over ℚ, decided by proof.

The two sides of a relation are turned into polynomials over the rationals (SymPy's sparse
``PolyRing``, built from the tree, never from text) and ``lhs − rhs`` is written as one
fraction ``N / D``.  The generators of the ring are:

====================  ==========================================================================
generator             what it stands for
====================  ==========================================================================
variables             the equation's variables (real numbers)
radicals ``√q``       square roots of rationals, reduced by ``√q² = q`` (``φ`` is ``(1 + √5)/2``,
                      ``i`` is ``√−1``); rational ``√4``, ``∛(−8)`` are exact numbers
``π``, ``e``          transcendental constants, as free generators
measured constants    ``G``, ``ε₀``, ``μ₀`` (CODATA values with an uncertainty), as free generators
opaque subtrees       anything else (``sin x``, ``|x|``, ``x^(1/3)``, ``9^9^9``), one generator per
                      distinct subtree, as if it could take any value
====================  ==========================================================================

Exact constants (``c``, ``h``, ``k_B``, ``N_A``) are rationals.  What follows is proved, not
sampled, whatever values the free generators take:

* ``N`` reduces to 0: the relation is an **identity** wherever it is defined;
* ``N`` is a nonzero rational (or a nonzero polynomial in ``π`` alone, or in ``e`` alone, which
  are transcendental): the sides never agree, a **contradiction** (``x^60 = x^60 + 1``,
  ``10^300 + 1 = 10^300``) or, when ``D`` depends on a variable, **no solution** (``1/x = 0``);
* ``N`` and ``D`` are polynomials in the variables only: a variable whose univariate
  restriction (the others set to fixed rationals) has a real root that is not a pole proves a
  **relation** (Sturm sequences count the roots); a univariate ``N`` with no real root has
  only complex solutions.

Sizes are bounded (terms, degrees, bits of rationals) so hostile input is refused, never
computed: past a bound the conversion gives up and the caller decides numerically.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

from phi_lab.equations.names import MEASURED_UNCERTAINTY, PHYSICAL_CONSTANTS
from phi_lab.equations.syntax import Call, Node, Number, Operation, Relation, Symbol, node_key, walk

__all__ = [
    "MEASURED_CONSTANTS",
    "ExactFinding",
    "RationalForm",
    "decide_exactly",
    "format_rational",
    "rational_form",
    "rational_value",
]

#: Physical constants whose CODATA 2018 value is measured (not exact in the SI).
MEASURED_CONSTANTS = frozenset(MEASURED_UNCERTAINTY)

_MAX_TERMS = 2_000
_MAX_PRODUCT = 200_000
_MAX_DEGREE = 512
_MAX_BITS = 1 << 20
#: Rationals tried for the other variables when looking for a real root in one of them.
_PROBES = (Fraction(1, 3), Fraction(2, 7), Fraction(5, 2), Fraction(7, 4), Fraction(-2, 7), Fraction(-7, 4))

GeneratorKind = Literal["variable", "radical", "transcendental", "measured", "opaque"]


class _GiveUp(Exception):
    """The tree is beyond this module's size bounds (or not algebraic enough): decide elsewhere."""


class _ZeroDivision(Exception):
    """A denominator is identically zero: the expression is defined nowhere."""


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


@dataclass(frozen=True, slots=True)
class RationalForm:
    """``lhs − rhs = numerator / denominator`` in the ring over ``generators``.

    ``kinds[i]`` says what ``generators[i]`` is; ``radicals`` maps a radical generator's
    index to the rational it is the square root of; ``varying`` holds the generators that
    depend on a variable (the variables and opaque subtrees that contain one).
    """

    numerator: Any
    denominator: Any
    generators: tuple[str, ...]
    kinds: tuple[GeneratorKind, ...]
    radicals: Mapping[int, Fraction] = field(default_factory=dict)
    varying: frozenset[int] = frozenset()

    def uses(self, polynomial: Any) -> frozenset[int]:
        """Indices of the generators that occur in ``polynomial``."""
        return frozenset(i for monomial in polynomial for i, power in enumerate(monomial) if power)

    @property
    def variables(self) -> tuple[int, ...]:
        """Indices of the variable generators."""
        return tuple(i for i, kind in enumerate(self.kinds) if kind == "variable")


def rational_value(node: Node) -> Fraction | None:
    """The exact value of a subtree made only of numbers, ``+ − × ÷`` and integer powers.

    ``None`` when the subtree has a name or a function, divides by zero, or its value would
    have more than about a million bits (``9^9^9``).
    """
    try:
        return _rational(node)
    except (_GiveUp, ZeroDivisionError):
        return None


def _rational(node: Node) -> Fraction:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Call):
        return _rational_call(node)
    if not isinstance(node, Operation):
        raise _GiveUp
    op = node.op
    if op == "pow":
        base = _rational(node.args[0])
        exponent = _rational(node.args[1])
        return _rational_power(base, exponent)
    values = [_rational(arg) for arg in node.args]
    if op == "add":
        return _bounded(sum(values, Fraction(0)))
    if op == "sub":
        return _bounded(values[0] - values[1])
    if op == "neg":
        return -values[0]
    if op == "mul":
        product = Fraction(1)
        for value in values:
            product = _bounded(product * value)
        return product
    return _bounded(values[0] / values[1])


def _rational_call(node: Call) -> Fraction:
    """``|q|``, and ``√q`` / ``ⁿ√q`` when the root is rational (odd index: the real root)."""
    function = node.function
    if function == "abs":
        return abs(_rational(node.args[0]))
    if function not in ("sqrt", "root"):
        raise _GiveUp
    value = _rational(node.args[0])
    index = Fraction(2) if function == "sqrt" else _rational(node.args[1])
    if index.denominator != 1 or index.numerator < 2 or index.numerator > 64:
        raise _GiveUp
    root = _root(value, index.numerator)
    if root is None:
        raise _GiveUp
    return root


def _rational_power(base: Fraction, exponent: Fraction) -> Fraction:
    if exponent.denominator != 1:
        raise _GiveUp
    power = exponent.numerator
    if base == 0:
        if power <= 0:
            raise ZeroDivisionError
        return Fraction(0)
    if abs(base) == 1:
        return base ** (power % 2) if base < 0 else Fraction(1)
    bits = max(base.numerator.bit_length(), base.denominator.bit_length())
    if bits * abs(power) > _MAX_BITS:
        raise _GiveUp
    return base**power


def _bounded(value: Fraction) -> Fraction:
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_BITS:
        raise _GiveUp
    return value


def _root(value: Fraction, index: int) -> Fraction | None:
    """The exact real ``index``-th root of ``value`` when it is rational (odd index: any sign)."""
    if value < 0 and index % 2 == 0:
        return None
    numerator = _integer_root(abs(value.numerator), index)
    denominator = _integer_root(value.denominator, index)
    if numerator is None or denominator is None:
        return None
    return Fraction(numerator, denominator) * (-1 if value < 0 else 1)


def _integer_root(value: int, index: int) -> int | None:
    if value.bit_length() > 4096:
        return None
    if index == 2:
        root = math.isqrt(value)
    else:
        if value.bit_length() >= 1000:
            return None
        estimate: int = round(value ** (1.0 / index))
        for candidate in (estimate - 1, estimate, estimate + 1):
            if candidate >= 0 and candidate**index == value:
                return candidate
        return None
    return root if root * root == value else None


def _squarefree(value: Fraction) -> tuple[Fraction, int]:
    """``√value = factor · √core`` with ``core`` an integer freed of small square factors."""
    numerator, denominator = value.numerator, value.denominator
    core = numerator * denominator  # √(n/d) = √(n·d)/d
    factor = Fraction(1, denominator)
    if core.bit_length() > 256:
        raise _GiveUp
    sign = -1 if core < 0 else 1
    core = abs(core)
    prime = 2
    while prime * prime <= core and prime < 1000:
        while core % (prime * prime) == 0:
            core //= prime * prime
            factor *= prime
        prime += 1 if prime == 2 else 2
    root = math.isqrt(core)
    if root * root == core:
        factor *= root
        core = 1
    return factor, sign * core


# -- the conversion ------------------------------------------------------------------------


class _Plan:
    """First pass over a relation: the generators it needs, then the ring they make."""

    def __init__(self, variables: frozenset[str]) -> None:
        self.variables = variables
        self.names: list[str] = []
        self.kinds: list[GeneratorKind] = []
        self.radicals: dict[int, Fraction] = {}
        self.varying: set[int] = set()  # generators that depend on a variable
        self.atoms: dict[str, int] = {}
        self.opaque: dict[int, int] = {}  # id(node) -> generator, for opaque subtrees
        self.values: dict[int, Fraction | None] = {}  # id(node) -> exact value, memoised

    def generator(
        self, key: str, kind: GeneratorKind, *, radical: Fraction | None = None, varying: bool = False
    ) -> int:
        if key not in self.atoms:
            index = len(self.names)
            self.atoms[key] = index
            self.names.append(key)
            self.kinds.append(kind)
            if radical is not None:
                self.radicals[index] = radical
            if varying:
                self.varying.add(index)
        return self.atoms[key]

    def radical(self, core: int) -> int:
        return self.generator(f"√{core}", "radical", radical=Fraction(core))

    def value(self, node: Node) -> Fraction | None:
        key = id(node)
        if key not in self.values:
            self.values[key] = rational_value(node)
        return self.values[key]

    def walk(self, root: Node) -> None:
        """Register every generator ``root`` needs (raise :class:`_GiveUp` past the bounds)."""
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, Number):
                continue
            if isinstance(node, Symbol):
                self.symbol(node.name)
                continue
            if self.value(node) is not None:
                continue
            if isinstance(node, Call):
                radicand = _radicand(node, self)
                if radicand is not None:
                    core = _squarefree(radicand)[1]
                    if core != 1:
                        self.radical(core)
                    continue
                self.opaque_subtree(node)
                continue
            if node.op == "mul" and len(node.args) > _MAX_DEGREE:
                raise _GiveUp
            if node.op == "pow":
                exponent = self.value(node.args[1])
                if exponent is None or exponent.denominator != 1 or abs(exponent.numerator) > _MAX_DEGREE:
                    self.opaque_subtree(node)
                    continue
                stack.append(node.args[0])
                continue
            stack.extend(node.args)

    def symbol(self, name: str) -> None:
        if name in ("pi", "e") and name not in self.variables:
            self.generator(name, "transcendental")
        elif name in MEASURED_CONSTANTS and name not in self.variables:
            self.generator(name, "measured")
        elif name == "phi" and name not in self.variables:
            self.radical(5)
        elif name == "i" and name not in self.variables:
            self.radical(-1)
        elif name == "hbar" and name not in self.variables:
            self.generator("pi", "transcendental")
        elif name in self.variables or name not in PHYSICAL_CONSTANTS:
            self.generator(name, "variable", varying=True)

    def opaque_subtree(self, node: Node) -> None:
        varying = any(isinstance(sub, Symbol) and sub.name in self.variables for sub in walk(node))
        self.opaque[id(node)] = self.generator(node_key(node), "opaque", varying=varying)


def _radicand(node: Call, plan: _Plan) -> Fraction | None:
    """For ``sqrt(q)`` / ``root(q, 2)`` of a rational ``q ≠ 0``: ``q`` (else ``None``)."""
    if node.function == "sqrt" or (node.function == "root" and plan.value(node.args[1]) == 2):
        value = plan.value(node.args[0])
        if value is not None and value != 0:
            return value
    return None


@lru_cache(maxsize=256)
def _ring(names: tuple[str, ...]) -> Any:
    from sympy import QQ
    from sympy.polys.rings import PolyRing

    return PolyRing(names, QQ) if names else PolyRing(("_",), QQ)


class _Converter:
    """Second pass: build ``(numerator, denominator)`` of every subtree in the ring."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.ring = _ring(tuple(plan.names))
        self.gens = self.ring.gens

    def constant(self, value: Fraction) -> Any:
        return self.ring(self.ring.domain(value.numerator, value.denominator))

    def reduce(self, polynomial: Any) -> Any:
        """Apply ``√q² = q`` to every radical generator, and check the size bounds."""
        if len(polynomial) > _MAX_TERMS:
            raise _GiveUp
        radicals = self.plan.radicals
        if not radicals or not any(monomial[i] > 1 for monomial in polynomial for i in radicals):
            return polynomial
        terms: dict[tuple[int, ...], Any] = {}
        domain = self.ring.domain
        for monomial, coefficient in polynomial.items():
            exponents = list(monomial)
            scaled = coefficient
            for index, square in radicals.items():
                if exponents[index] > 1:
                    factor = square ** (exponents[index] // 2)
                    scaled = scaled * domain(factor.numerator, factor.denominator)
                    exponents[index] %= 2
            reduced_monomial = tuple(exponents)
            terms[reduced_monomial] = terms.get(reduced_monomial, domain.zero) + scaled
        return self.ring({monomial: value for monomial, value in terms.items() if value})

    def multiply(self, left: Any, right: Any) -> Any:
        one = self.ring.one
        if left == one:
            return right
        if right == one:
            return left
        if len(left) * len(right) > _MAX_PRODUCT:
            raise _GiveUp
        product = left * right
        if product and max(max(monomial) for monomial in product) > _MAX_DEGREE:
            raise _GiveUp
        return self.reduce(product)

    def power(self, base: Any, exponent: int) -> Any:
        result = self.ring.one
        square = base
        while exponent:
            if exponent & 1:
                result = self.multiply(result, square)
            exponent >>= 1
            if exponent:
                square = self.multiply(square, square)
        return result

    def convert(self, node: Node) -> tuple[Any, Any]:
        plan = self.plan
        if id(node) in plan.opaque:
            return self.gens[plan.opaque[id(node)]], self.ring.one
        value = plan.value(node)
        if value is not None:
            return self.constant(value), self.ring.one
        if isinstance(node, Symbol):
            return self.symbol(node.name)
        if isinstance(node, Call):
            radicand = _radicand(node, plan)
            assert radicand is not None
            factor, core = _squarefree(radicand)
            return self.constant(factor) * self.gens[plan.radical(core)], self.ring.one
        assert isinstance(node, Operation)
        op = node.op
        if op == "pow":
            exponent = plan.value(node.args[1])
            assert exponent is not None
            numerator, denominator = self.convert(node.args[0])
            power = exponent.numerator
            if power < 0:
                numerator, denominator, power = denominator, numerator, -power
                _check_denominator(denominator)
            return self.power(numerator, power), self.power(denominator, power)
        parts = [self.convert(arg) for arg in node.args]
        if op == "neg":
            return -parts[0][0], parts[0][1]
        if op in ("add", "sub"):
            numerator, denominator = parts[0]
            for other_numerator, other_denominator in parts[1:]:
                signed = -other_numerator if op == "sub" else other_numerator
                if denominator == other_denominator:
                    numerator = numerator + signed
                else:
                    numerator = self.multiply(numerator, other_denominator) + self.multiply(signed, denominator)
                    denominator = self.multiply(denominator, other_denominator)
            return self.reduce(numerator), denominator
        if op == "mul":
            numerator, denominator = parts[0]
            for other_numerator, other_denominator in parts[1:]:
                numerator = self.multiply(numerator, other_numerator)
                denominator = self.multiply(denominator, other_denominator)
            return numerator, denominator
        (left_numerator, left_denominator), (right_numerator, right_denominator) = parts  # div
        _check_denominator(right_numerator)
        return self.multiply(left_numerator, right_denominator), self.multiply(left_denominator, right_numerator)

    def symbol(self, name: str) -> tuple[Any, Any]:
        plan = self.plan
        if name in plan.atoms:
            return self.gens[plan.atoms[name]], self.ring.one
        if name == "phi":
            return self.ring.one + self.gens[plan.radical(5)], self.constant(Fraction(2))
        if name == "i":
            return self.gens[plan.radical(-1)], self.ring.one
        if name == "hbar":
            return self.constant(Fraction(PHYSICAL_CONSTANTS["h"].value)), 2 * self.gens[plan.atoms["pi"]]
        return self.constant(Fraction(PHYSICAL_CONSTANTS[name].value)), self.ring.one


def _check_denominator(polynomial: Any) -> None:
    if not polynomial:
        raise _ZeroDivision


def rational_form(relation: Relation, variables: frozenset[str], constants: frozenset[str]) -> RationalForm | None:
    """``lhs − rhs`` as one fraction of polynomials over ℚ (see the module docstring).

    Returns ``None`` when the relation is beyond the size bounds.

    Raises
    ------
    ZeroDivisionError
        When a denominator is identically zero: the relation is defined nowhere.
    """
    plan = _Plan(variables)
    try:
        plan.walk(relation.lhs)
        plan.walk(relation.rhs)
        converter = _Converter(plan)
        left_numerator, left_denominator = converter.convert(relation.lhs)
        right_numerator, right_denominator = converter.convert(relation.rhs)
        numerator = converter.multiply(left_numerator, right_denominator) - converter.multiply(
            right_numerator, left_denominator
        )
        denominator = converter.multiply(left_denominator, right_denominator)
    except _ZeroDivision as exc:
        raise ZeroDivisionError("a denominator is identically zero") from exc
    except _GiveUp:
        return None
    if not denominator:
        raise ZeroDivisionError("a denominator is identically zero")
    return RationalForm(
        converter.reduce(numerator),
        denominator,
        tuple(plan.names),
        tuple(plan.kinds),
        dict(plan.radicals),
        frozenset(plan.varying),
    )


# -- decisions -----------------------------------------------------------------------------


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
    if magnitude.numerator < 10**6 and magnitude.denominator < 10**6:
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
    one = _ring((name,))
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
        root = _root(discriminant, 2)
        if root is not None:
            return _equals(name, format_rational((-b - root) / (2 * a)))
        return f"{name} ≈ {float((-b - Fraction(math.sqrt(discriminant))) / (2 * a)):.6g}"
    from sympy import QQ

    low, high = ring.dup_isolate_real_roots_sqf(f, eps=QQ(1, 10**9))[0]
    if low == high:
        return _equals(name, format_rational(Fraction(low.numerator, low.denominator)))
    middle = (Fraction(low.numerator, low.denominator) + Fraction(high.numerator, high.denominator)) / 2
    return f"{name} ≈ {float(middle):.6g}"
