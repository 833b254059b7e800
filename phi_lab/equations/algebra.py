"""Exact algebra on syntax trees: a relation as one rational function over ℚ.

The two sides of a relation are turned into polynomials over the rationals (SymPy's sparse
``PolyRing``, built from the tree, never from text) and ``lhs − rhs`` is written as one
fraction ``N / D`` (:func:`rational_form`).  The generators of the ring are:

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

Exact constants (``c``, ``h``, ``k_B``, ``N_A``) are rationals.  Sizes are bounded (terms,
degrees, bits of rationals) so hostile input is refused, never computed: past a bound the
conversion gives up (``None``) and the caller decides numerically.  What can be proved from
the fraction is in :mod:`phi_lab.equations.exact`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

from phi_lab.equations.names import MEASURED_UNCERTAINTY, PHYSICAL_CONSTANTS
from phi_lab.equations.syntax import Call, Node, Number, Operation, Relation, Symbol, node_key, walk

__all__ = [
    "MEASURED_CONSTANTS",
    "RationalForm",
    "exact_root",
    "polynomial_ring",
    "rational_form",
    "rational_value",
]

#: Physical constants whose CODATA 2018 value is measured (not exact in the SI).
MEASURED_CONSTANTS = frozenset(MEASURED_UNCERTAINTY)

_MAX_TERMS = 2_000
_MAX_PRODUCT = 200_000
_MAX_DEGREE = 512
_MAX_BITS = 1 << 20

GeneratorKind = Literal["variable", "radical", "transcendental", "measured", "opaque"]


class _GiveUp(Exception):
    """The tree is beyond this module's size bounds (or not algebraic enough): decide elsewhere."""


class _ZeroDivision(Exception):
    """A denominator is identically zero: the expression is defined nowhere."""


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
    root = exact_root(value, index.numerator)
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


def exact_root(value: Fraction, index: int) -> Fraction | None:
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
def polynomial_ring(names: tuple[str, ...]) -> Any:
    """The polynomial ring over ℚ with these generators (one per tuple of names, cached)."""
    from sympy import QQ
    from sympy.polys.rings import PolyRing

    return PolyRing(names, QQ) if names else PolyRing(("_",), QQ)


class _Converter:
    """Second pass: build ``(numerator, denominator)`` of every subtree in the ring."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.ring = polynomial_ring(tuple(plan.names))
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
