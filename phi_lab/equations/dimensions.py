"""Dimensional analysis: pint reads unit strings, our own strict walk propagates dimensions.

A dimension is a vector of rational exponents over the seven SI base dimensions
(:class:`Dimension`).  pint turns each unit string into such a vector once
(cached); the propagation through an equation is done here, by rules stricter
than SymPy's unit checker:

* both sides of ``=`` and every term of a sum must have the same dimension;
* the arguments of exp, log, trigonometric and hyperbolic functions must be dimensionless;
* a power with a dimensionful base needs a rational constant exponent (``v^2``, ``r^(1/3)``);
  a dimensionless base may have any dimensionless exponent;
* ``sqrt`` and ``root`` halve (or divide) the exponents, ``abs`` keeps them;
* a literal ``0`` takes whatever dimension its context needs (``E − mc² = 0``).

Where a symbol's dimension comes from (first match wins): the caller's ``units``,
the matched catalog entry's units, then :data:`CONVENTIONS`, the conventional
physics symbols below (a subscripted name such as ``E_k`` or ``v_0`` takes its base
letter's meaning).  Names not in any of these are *unknown*, never guessed.  In ``auto``
mode, when these conventional meanings make the check fail, :mod:`phi_lab.equations.readings`
tries the other readings of ambiguous letters (``h`` a height, ``T`` a period) and says so.

==========  =====================  ==========  =====================
symbol      meaning                symbol      meaning
==========  =====================  ==========  =====================
E           energy (J)             T           temperature (K)
m           mass (kg)              p           momentum (kg·m/s)
F           force (N)              lambda, λ   wavelength (m)
a           acceleration (m/s²)    nu, ν; f    frequency (Hz)
v           velocity (m/s)         omega, ω    angular frequency (1/s)
t           time (s)               rho, ρ      density (kg/m³)
P           pressure (Pa)          g           gravitational acceleration (m/s²)
V           volume (m³)            W           work (J)
n           amount (mol)           q           electric charge (C)
R           molar gas constant     U           (unknown: voltage or energy)
==========  =====================  ==========  =====================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from phi_lab.equations.names import PHYSICAL_CONSTANTS, list_names
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol, Syntax
from phi_lab.errors import UnitError

__all__ = [
    "CONVENTIONS",
    "DIMENSIONLESS",
    "Dimension",
    "DimensionReport",
    "check_dimensions",
    "conventional_dimension",
    "dimension_of_unit",
]

_BASES = ("mass", "length", "time", "current", "temperature", "substance", "luminosity")
_MAX_UNIT_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Dimension:
    """Exponents of the seven SI base dimensions, in the order of ``_BASES``."""

    exponents: tuple[Fraction, ...]

    def __post_init__(self) -> None:
        if len(self.exponents) != len(_BASES):
            raise ValueError(f"a Dimension has {len(_BASES)} exponents, got {len(self.exponents)}")

    def __mul__(self, other: Dimension) -> Dimension:
        return Dimension(tuple(a + b for a, b in zip(self.exponents, other.exponents, strict=True)))

    def __truediv__(self, other: Dimension) -> Dimension:
        return Dimension(tuple(a - b for a, b in zip(self.exponents, other.exponents, strict=True)))

    def __pow__(self, power: Fraction) -> Dimension:
        return Dimension(tuple(a * power for a in self.exponents))

    @property
    def dimensionless(self) -> bool:
        """Whether every exponent is zero."""
        return not any(self.exponents)

    def __str__(self) -> str:
        """E.g. ``mass·length²/time² (energy)``; ``dimensionless`` for the zero vector."""
        return _describe(self)


@lru_cache(maxsize=512)
def _describe(dimension: Dimension) -> str:
    if dimension.dimensionless:
        return "dimensionless"
    pairs = list(zip(_BASES, dimension.exponents, strict=True))
    up = [_power_text(base, exponent) for base, exponent in pairs if exponent > 0]
    down = [_power_text(base, -exponent) for base, exponent in pairs if exponent < 0]
    text = "·".join(up) or "1"
    if down:
        text += "/" + ("·".join(down) if len(down) == 1 else "(" + "·".join(down) + ")")
    name = _named_dimensions().get(dimension)
    return f"{text} ({name})" if name else text


DIMENSIONLESS = Dimension((Fraction(0),) * len(_BASES))

_SUPERSCRIPT = str.maketrans("0123456789-/", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᐟ")


def _power_text(base: str, exponent: Fraction) -> str:
    return base if exponent == 1 else base + str(exponent).translate(_SUPERSCRIPT)


#: Conventional meaning of common physics symbols (unit strings read by pint).
CONVENTIONS: dict[str, str] = {
    "E": "J", "m": "kg", "F": "N", "a": "m/s^2", "v": "m/s", "t": "s", "P": "Pa",
    "V": "m^3", "n": "mol", "R": "J/(mol*K)", "T": "K", "p": "kg*m/s", "lambda": "m",
    "nu": "Hz", "f": "Hz", "omega": "1/s", "rho": "kg/m^3", "g": "m/s^2", "W": "J", "q": "C",
}  # fmt: skip

_NAMED = {
    "energy": "J", "force": "N", "velocity": "m/s", "acceleration": "m/s^2", "pressure": "Pa",
    "momentum": "kg*m/s", "power": "W", "charge": "C", "voltage": "V", "frequency": "Hz",
    "volume": "m^3", "area": "m^2", "density": "kg/m^3", "action": "J*s", "resistance": "ohm",
    "entropy": "J/K",
}  # fmt: skip


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint  # imported here: building the registry takes ~0.3 s, paid once, on first use

    return pint.UnitRegistry()


@lru_cache(maxsize=1)
def _named_dimensions() -> dict[Dimension, str]:
    return {dimension_of_unit(unit): name for name, unit in _NAMED.items()}


@lru_cache(maxsize=1024)
def dimension_of_unit(unit: str) -> Dimension:
    """Return the dimension of a unit string such as ``"kg*m^2/s^2"``, ``"J"`` or ``"dimensionless"``.

    Raises
    ------
    UnitError
        If pint cannot read the string, or it names a non-SI base dimension.
    """
    if not isinstance(unit, str) or not unit.strip():
        raise UnitError(f"a unit must be a non-empty string, got {unit!r}", unit=str(unit))
    if len(unit) > _MAX_UNIT_LENGTH:
        raise UnitError(f"the unit string is longer than {_MAX_UNIT_LENGTH} characters", unit=unit[:40])
    import tokenize

    import pint  # the one place pint's errors are translated

    # Besides its own errors, pint's expression parser lets Python's tokenizer errors and
    # bare assertions escape on malformed text ("m/(s", "kg**"): all of them mean "unreadable".
    unreadable = (pint.PintError, tokenize.TokenError, AssertionError, ValueError, TypeError, AttributeError)
    try:
        quantity = _registry().parse_expression(unit)
        dimensionality = getattr(quantity, "dimensionality", None)
    except (*unreadable, KeyError, SyntaxError, ZeroDivisionError, IndexError) as exc:
        raise UnitError(f"pint cannot read the unit {unit!r}: {exc}", unit=unit) from exc
    if dimensionality is None:  # a bare number such as "2"
        return DIMENSIONLESS
    exponents = dict.fromkeys(_BASES, Fraction(0))
    for key, exponent in dimensionality.items():
        base = key.strip("[]")
        if base not in exponents:
            raise UnitError(f"the unit {unit!r} has the non-SI dimension {key}", unit=unit)
        exponents[base] = Fraction(exponent).limit_denominator(1000)
    return Dimension(tuple(exponents[base] for base in _BASES))


def conventional_dimension(name: str) -> Dimension | None:
    """The conventional dimension of a symbol name (``E_k`` → energy), or ``None`` if unknown.

    A name with a trailing ``_`` (``g_``) is a name of its own, not a subscripted ``g``: unknown.
    """
    unit = CONVENTIONS.get(name)
    if unit is None and not name.endswith("_"):
        base = name.split("_", 1)[0]
        unit = CONVENTIONS.get(base)
    return dimension_of_unit(unit) if unit else None


@dataclass(frozen=True, slots=True)
class DimensionReport:
    """Outcome of the dimension check: ``status`` is ``pass``, ``fail`` or ``skip``.

    ``dimensionless`` is true when it passed because every side is a pure number (weaker
    evidence than agreeing dimensions); ``declared`` when the caller's units were used.
    ``reading`` is empty for the conventional reading; otherwise the auto mode's chosen
    reading in a few words (``"h as a height"``, see :mod:`phi_lab.equations.readings`),
    which ``detail`` also states.
    """

    status: str
    detail: str
    unknown: tuple[str, ...] = ()
    declared: bool = False
    dimensionless: bool = False
    reading: str = ""


class _Unknown:
    """Marks a subexpression whose dimension depends on an unknown symbol."""


_UNKNOWN = _Unknown()
Dim = Dimension | _Unknown


class _Mismatch(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def check_dimensions(
    syntax: Syntax,
    dimensions: Mapping[str, Dimension],
    constants: frozenset[str],
    *,
    require_all: bool = False,
    declared: bool = False,
) -> DimensionReport:
    """Check that every relation in ``syntax`` is dimensionally consistent.

    Parameters
    ----------
    syntax:
        The parsed text.
    dimensions:
        Known dimensions of variable names.
    constants:
        Names that are constants; physical constants carry their own dimension,
        mathematical ones are dimensionless.
    require_all:
        ``physics`` mode: an unknown symbol is a failure instead of a skip.
    declared:
        Whether the dimensions came (at least partly) from the caller's units;
        reported so that scoring can weigh the evidence.
    """
    symbol_dimensions: dict[str, Dim] = {}
    unknown: list[str] = []
    for name in sorted(syntax.names):
        if name in constants:
            constant = PHYSICAL_CONSTANTS.get(name)
            symbol_dimensions[name] = dimension_of_unit(constant.unit) if constant else DIMENSIONLESS
        elif name in dimensions:
            symbol_dimensions[name] = dimensions[name]
        else:
            symbol_dimensions[name] = _UNKNOWN
            unknown.append(name)
    if unknown and require_all:
        listed = list_names(unknown)
        return DimensionReport(
            "fail", f"physics mode needs a unit for every symbol; none is known for {listed}", tuple(unknown), declared
        )
    sides: list[Dim] = []
    try:
        for relation in syntax.relations:
            lhs = _propagate(relation.lhs, symbol_dimensions)
            rhs = _propagate(relation.rhs, symbol_dimensions)
            if isinstance(lhs, Dimension) and isinstance(rhs, Dimension) and lhs != rhs:
                raise _Mismatch(f"the left side is {lhs} but the right side is {rhs}")
            sides.append(lhs if isinstance(lhs, Dimension) else rhs)
    except _Mismatch as mismatch:
        return DimensionReport("fail", mismatch.detail, tuple(unknown), declared)
    if unknown:
        listed = list_names(unknown)
        return DimensionReport("skip", f"no dimension is known for {listed}", tuple(unknown), declared)
    known = [side for side in sides if isinstance(side, Dimension)]
    if all(side.dimensionless for side in known):
        return DimensionReport("pass", "both sides are dimensionless", (), declared, dimensionless=True)
    described = "; ".join(sorted({str(side) for side in known}))
    return DimensionReport("pass", f"both sides are {described}", (), declared)


def _propagate(node: Node, symbols: Mapping[str, Dim]) -> Dim:
    if isinstance(node, Symbol):
        return symbols[node.name]
    if isinstance(node, Number):
        # A literal 0 has every dimension: E − mc² = 0 is as consistent as E = mc².
        return _UNKNOWN if node.value == 0 else DIMENSIONLESS
    if isinstance(node, Call):
        return _call_dimension(node, symbols)
    args = [_propagate(child, symbols) for child in node.args]
    op = node.op
    if op in ("add", "sub"):
        known = [(arg, child) for arg, child in zip(args, node.args, strict=True) if isinstance(arg, Dimension)]
        for arg, _child in known[1:]:
            if arg != known[0][0]:
                verb = "add" if op == "add" else "subtract"
                raise _Mismatch(f"cannot {verb} {known[0][0]} and {arg}")
        # Every term must share one dimension, so one known term fixes the sum's dimension.
        return known[0][0] if known else _UNKNOWN
    if op == "neg":
        return args[0]
    if op in ("mul", "div"):
        factors = [arg for arg in args if isinstance(arg, Dimension)]
        if len(factors) < len(args):
            return _UNKNOWN
        result = factors[0]
        for arg in factors[1:]:
            result = result * arg if op == "mul" else result / arg
        return result
    return _power_dimension(args[0], args[1], node.args[1])


def _power_dimension(base: Dim, exponent: Dim, exponent_node: Node) -> Dim:
    if isinstance(exponent, Dimension) and not exponent.dimensionless:
        raise _Mismatch(f"an exponent must be dimensionless, not {exponent}")
    if isinstance(base, _Unknown):
        return _UNKNOWN
    if base.dimensionless:
        return DIMENSIONLESS
    power = _rational(exponent_node)
    if power is None:
        raise _Mismatch(f"a power of {base} needs a rational number as its exponent")
    return base**power


def _call_dimension(node: Call, symbols: Mapping[str, Dim]) -> Dim:
    args = [_propagate(child, symbols) for child in node.args]
    function = node.function
    if function == "abs":
        return args[0]
    if function == "sqrt":
        return args[0] if isinstance(args[0], _Unknown) else args[0] ** Fraction(1, 2)
    if function == "root":
        index = _rational(node.args[1])
        if isinstance(args[0], _Unknown):
            return _UNKNOWN
        if args[0].dimensionless:
            return DIMENSIONLESS
        if not index:
            raise _Mismatch(f"a root of {args[0]} needs a rational index")
        return args[0] ** (1 / index)
    for arg in args:
        if isinstance(arg, Dimension) and not arg.dimensionless:
            raise _Mismatch(f"the argument of {function} must be dimensionless, not {arg}")
    return DIMENSIONLESS


def _rational(node: Node) -> Fraction | None:
    """The exact value of a constant exponent made of numbers and + − × ÷, else ``None``."""
    if isinstance(node, Number):
        return node.value
    if not isinstance(node, Operation) or node.op == "pow":
        return None
    values = [_rational(child) for child in node.args]
    if any(value is None for value in values):
        return None
    numbers = [value for value in values if value is not None]
    if node.op == "neg":
        return -numbers[0]
    if node.op == "add":
        return sum(numbers, Fraction(0))
    if node.op == "sub":
        return numbers[0] - numbers[1]
    if node.op == "mul":
        product = Fraction(1)
        for number in numbers:
            product *= number
        return product
    if numbers[1] == 0:
        return None
    return numbers[0] / numbers[1]
