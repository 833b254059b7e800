"""Evaluate a syntax tree with a pluggable arithmetic: Python complex, mpmath, or torch.

:func:`evaluate` walks the tree once and asks an :class:`Arithmetic` for each
operation, so the same walk serves the quick float screen (:class:`ComplexArithmetic`),
the high-precision decision on constant equations (:class:`MpArithmetic`) and the
batched tensor evaluation of :mod:`phi_lab.compute.numeric` (which supplies its own
arithmetic over torch tensors).  Nothing here reads text.

Every arithmetic refuses values it cannot represent instead of hanging: powers and
exponentials whose result would have more than about :data:`MAX_LOG_MAGNITUDE` / ln 10
decimal digits raise :class:`Undefined`, as do division by zero and logarithms of zero.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import mpmath

from phi_lab.equations.names import BRANCHED_FUNCTIONS, PHYSICAL_CONSTANTS
from phi_lab.equations.syntax import Call, Node, Number, Relation, Symbol

__all__ = [
    "MAX_LOG_MAGNITUDE",
    "MAX_LOG_UNDERFLOW",
    "Arithmetic",
    "ComplexArithmetic",
    "MpArithmetic",
    "PreciseComparison",
    "Undefined",
    "compare_precisely",
    "evaluate",
    "odd_index",
]

#: Largest natural logarithm of a magnitude that the scalar arithmetics will produce.
MAX_LOG_MAGNITUDE = 10_000.0
#: Most negative natural logarithm of a magnitude they will produce: far smaller values are fine
#: for mpmath (exp(−25847) + 1 = 1 + 10⁻¹¹²²⁵), only astronomically small ones are refused.
MAX_LOG_UNDERFLOW = 10_000_000.0

T = TypeVar("T")


class Undefined(ArithmeticError):
    """A value that does not exist (division by zero, log 0…) or cannot be represented.

    ``unrepresentable`` is true when the value exists but is too large or too small to compute
    (overflow): then nothing is known about the equation, rather than that it fails there.
    """

    def __init__(self, reason: str, *, unrepresentable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unrepresentable = unrepresentable

    def __reduce__(self) -> tuple[Any, ...]:
        return _undefined, (self.reason, self.unrepresentable)


def _undefined(reason: str, unrepresentable: bool) -> Undefined:
    return Undefined(reason, unrepresentable=unrepresentable)


class Arithmetic(Protocol[T]):
    """The operations :func:`evaluate` needs from a number system."""

    def number(self, value: Fraction) -> T: ...
    def constant(self, name: str) -> T: ...
    def add(self, args: Sequence[T]) -> T: ...
    def mul(self, args: Sequence[T]) -> T: ...
    def sub(self, left: T, right: T) -> T: ...
    def div(self, left: T, right: T) -> T: ...
    def neg(self, operand: T) -> T: ...
    def pow(self, base: T, exponent: T) -> T: ...
    def call(self, function: str, args: Sequence[T]) -> T: ...


def evaluate(node: Node, values: Mapping[str, T], arithmetic: Arithmetic[T]) -> T:
    """Evaluate ``node`` with ``values`` for its names.

    Parameters
    ----------
    node:
        A syntax tree (depth already bounded by the parser).
    values:
        A value for every name in the tree, constants included.
    arithmetic:
        The number system to compute in.

    Raises
    ------
    Undefined
        Where the arithmetic refuses a value (scalar arithmetics only; tensor
        arithmetics mark such samples as NaN instead).
    KeyError
        If a name has no value.
    """
    if isinstance(node, Symbol):
        return values[node.name]
    if isinstance(node, Number):
        return arithmetic.number(node.value)
    args = [evaluate(child, values, arithmetic) for child in node.args]
    if isinstance(node, Call):
        return arithmetic.call(node.function, args)
    op = node.op
    if op == "add":
        return arithmetic.add(args)
    if op == "mul":
        return arithmetic.mul(args)
    if op == "sub":
        return arithmetic.sub(args[0], args[1])
    if op == "div":
        return arithmetic.div(args[0], args[1])
    if op == "pow":
        return arithmetic.pow(args[0], args[1])
    return arithmetic.neg(args[0])


_CONSTANT_DECIMALS = {name: constant.value for name, constant in PHYSICAL_CONSTANTS.items()}


class ComplexArithmetic:
    """Double-precision complex arithmetic on Python scalars, for quick screens."""

    def number(self, value: Fraction) -> complex:
        try:
            return complex(float(value))
        except OverflowError as exc:
            raise Undefined("a number too large for double precision", unrepresentable=True) from exc

    def constant(self, name: str) -> complex:
        if name == "phi":
            return complex((1 + math.sqrt(5)) / 2)
        if name == "pi":
            return complex(math.pi)
        if name == "e":
            return complex(math.e)
        if name == "i":
            return 1j
        if name == "hbar":
            return complex(float(_CONSTANT_DECIMALS["h"]) / (2 * math.pi))
        return complex(float(_CONSTANT_DECIMALS[name]))

    def add(self, args: Sequence[complex]) -> complex:
        return _finite(sum(args, 0j))

    def mul(self, args: Sequence[complex]) -> complex:
        result = 1 + 0j
        for arg in args:
            result *= arg
        return _finite(result)

    def sub(self, left: complex, right: complex) -> complex:
        return _finite(left - right)

    def div(self, left: complex, right: complex) -> complex:
        if right == 0:
            raise Undefined("division by zero")
        return _finite(left / right)

    def neg(self, operand: complex) -> complex:
        # 0 − z, not −z: −(4+0j) is (−4−0j), whose square root lands on the wrong side of the cut.
        return 0 - operand

    def pow(self, base: complex, exponent: complex) -> complex:
        # −0.0 imaginary parts become +0.0 (as in complex_power): (1+0j)/(−1+0j) is −1−0j, whose
        # square root would otherwise come from below the branch cut (−i instead of i).
        base = base + 0j
        if base == 0:
            if exponent.real > 0:
                return 0j
            raise Undefined("zero raised to a non-positive power")
        if (exponent * cmath.log(base)).real > 700:
            raise Undefined("overflow", unrepresentable=True)
        if base.imag == 0 and exponent.imag == 0 and (base.real > 0 or exponent.real.is_integer()):
            return _finite(complex(base.real**exponent.real))
        return _finite(base**exponent)

    def call(self, function: str, args: Sequence[complex]) -> complex:
        try:
            return _finite(_complex_call(function, args))
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            raise Undefined(f"{function} is undefined here") from exc


def _complex_call(function: str, args: Sequence[complex]) -> complex:
    x = args[0]
    if function in BRANCHED_FUNCTIONS:
        x = x + 0j  # −0.0 imaginary parts become +0.0, as in the tensor arithmetics
    if function in _CMATH:
        if function in ("exp", "sinh", "cosh") and abs(x.real) > 700:
            raise Undefined("overflow", unrepresentable=True)
        if function in ("log", "log10", "log2") and x == 0:
            raise Undefined("logarithm of zero")
        return complex(_CMATH[function](x))
    if function == "cot":
        return 1 / cmath.tan(x)
    if function == "sec":
        return 1 / cmath.cos(x)
    if function == "csc":
        return 1 / cmath.sin(x)
    if function == "abs":
        return complex(abs(x))
    if function == "root":
        if odd_index(args[1]) and x.imag == 0 and x.real < 0:
            return complex(-((-x.real) ** (1 / args[1].real)))
        return ComplexArithmetic().pow(x, 1 / args[1])
    if function == "gamma":
        return complex(_real_gamma(x))
    if function == "beta":
        return complex(_real_gamma(x) * _real_gamma(args[1]) / _real_gamma(x + args[1]))
    raise Undefined(f"unknown function {function}")


def odd_index(index: Any) -> bool:
    """Whether a root's index is an odd integer: then ⁿ√x of a negative real is the real root."""
    real, imaginary = float(index.real), float(index.imag)
    return imaginary == 0 and real.is_integer() and int(real) % 2 == 1


def _real_gamma(x: complex) -> float:
    if x.imag != 0:
        raise Undefined("the Gamma function of a complex number is not evaluated")
    return math.gamma(x.real)


_CMATH: dict[str, Any] = {
    "sqrt": cmath.sqrt, "exp": cmath.exp, "log": cmath.log, "log10": cmath.log10,
    "log2": lambda x: cmath.log(x) / math.log(2), "sin": cmath.sin, "cos": cmath.cos,
    "tan": cmath.tan, "asin": cmath.asin, "acos": cmath.acos, "atan": cmath.atan,
    "sinh": cmath.sinh, "cosh": cmath.cosh, "tanh": cmath.tanh, "asinh": cmath.asinh,
    "acosh": cmath.acosh, "atanh": cmath.atanh,
}  # fmt: skip


def _finite(value: complex) -> complex:
    if cmath.isfinite(value):
        return value
    if cmath.isnan(value):
        raise Undefined("an undefined value")
    raise Undefined("overflow", unrepresentable=True)


@lru_cache(maxsize=8)
def _context(digits: int) -> Any:
    """One mpmath context per precision, made once (building one costs ~0.3 ms); never mutated."""
    context = mpmath.MPContext()
    context.dps = digits
    return context


class MpArithmetic:
    """Arbitrary-precision complex arithmetic with mpmath, for decisions floats could flip.

    Parameters
    ----------
    digits:
        Decimal digits of working precision.
    """

    def __init__(self, digits: int = 50) -> None:
        self.context = _context(digits)

    def number(self, value: Fraction) -> Any:
        ctx = self.context
        return ctx.mpc(ctx.mpf(value.numerator) / value.denominator)

    def constant(self, name: str) -> Any:
        ctx = self.context
        if name == "phi":
            return ctx.mpc((1 + ctx.sqrt(5)) / 2)
        if name == "pi":
            return ctx.mpc(ctx.pi)
        if name == "e":
            return ctx.mpc(ctx.e)
        if name == "i":
            return ctx.mpc(0, 1)
        if name == "hbar":
            return ctx.mpc(ctx.mpf(_CONSTANT_DECIMALS["h"]) / (2 * ctx.pi))
        return ctx.mpc(ctx.mpf(_CONSTANT_DECIMALS[name]))

    def _finite(self, value: Any) -> Any:
        ctx = self.context
        if ctx.isnan(value) or ctx.isinf(value):
            raise Undefined("an undefined or infinite value")
        return value

    def add(self, args: Sequence[Any]) -> Any:
        return self._finite(self.context.fsum(args))

    def mul(self, args: Sequence[Any]) -> Any:
        result = self.context.mpc(1)
        for arg in args:
            result *= arg
        return self._finite(result)

    def sub(self, left: Any, right: Any) -> Any:
        return self._finite(left - right)

    def div(self, left: Any, right: Any) -> Any:
        if right == 0:
            raise Undefined("division by zero")
        return self._finite(left / right)

    def neg(self, operand: Any) -> Any:
        return -operand

    def pow(self, base: Any, exponent: Any) -> Any:
        ctx = self.context
        if base == 0:
            if ctx.re(exponent) > 0:
                return ctx.mpc(0)
            raise Undefined("zero raised to a non-positive power")
        if ctx.im(exponent) == 0 and ctx.isint(ctx.re(exponent)) and abs(ctx.re(exponent)) <= 1_000_000:
            # An integer power: its size from the binary exponent of the base (no logarithm needed).
            count = int(ctx.re(exponent))
            if abs(count) * (abs(ctx.mag(base)) + 1) * 0.6931471805599453 > MAX_LOG_MAGNITUDE:
                self._bounded(exponent * ctx.log(base))
            return self._finite(base**count if count >= 0 else 1 / base**-count)
        self._bounded(exponent * ctx.log(base))
        return self._finite(ctx.power(base, exponent))

    def _bounded(self, logarithm: Any) -> None:
        """Refuse a result of magnitude exp(``logarithm``) that is too large to represent, or so
        small (below exp(−:data:`MAX_LOG_UNDERFLOW`)) that later arithmetic on it would not be."""
        real = self.context.re(logarithm)
        if real > MAX_LOG_MAGNITUDE or real < -MAX_LOG_UNDERFLOW:
            raise Undefined("a value too large or too small to represent (overflow)", unrepresentable=True)

    def call(self, function: str, args: Sequence[Any]) -> Any:
        ctx = self.context
        x = args[0]
        if function == "exp":
            self._bounded(x)
        elif function in ("sinh", "cosh"):
            self._bounded(abs(ctx.re(x)))
        if function in ("log", "log10", "log2") and x == 0:
            raise Undefined("logarithm of zero")
        if function == "root":
            if args[1] == 0:
                raise Undefined("root of index 0")
            if odd_index(args[1]) and ctx.im(x) == 0 and ctx.re(x) < 0:
                return -self.pow(-x, 1 / args[1])
            return self.pow(x, 1 / args[1])
        if function in ("gamma", "beta") and any(abs(arg) > 1000 for arg in args):
            raise Undefined("the Gamma function of a large argument overflows", unrepresentable=True)
        try:
            if function == "log10":
                value = ctx.log(x) / ctx.log(10)
            elif function == "log2":
                value = ctx.log(x) / ctx.log(2)
            elif function == "abs":
                value = ctx.mpc(abs(x))
            elif function == "beta":
                value = ctx.beta(x, args[1])
            else:
                value = getattr(ctx, function)(x)
        except (ValueError, ZeroDivisionError) as exc:
            raise Undefined(f"{function} is undefined here") from exc
        return self._finite(ctx.mpc(value))


@dataclass(frozen=True, slots=True)
class PreciseComparison:
    """Both sides of a relation at 50 digits, and whether they are equal."""

    equal: bool
    lhs: complex
    rhs: complex


def same_value(low: tuple[Any, Any], high: tuple[Any, Any]) -> bool:
    """Whether two quantities are equal, given both at 50 digits (``low``) and 80 digits (``high``).

    A true equality leaves at 80 digits a difference at the rounding level of the values,
    or one that shrank with the precision (by about 30 orders of magnitude); a false one
    leaves the same difference at both (``h² = 0`` stays 4.4e-67 apart).
    """
    difference_low = low[0] - low[1]
    difference_high = high[0] - high[1]
    rounding = 1e-75 * max(abs(high[0]), abs(high[1]))
    return bool(abs(difference_high) <= rounding or abs(difference_high) <= abs(difference_low) * 1e-15)


def precise_sides(
    relation: Relation, values: Mapping[str, complex], constants: frozenset[str]
) -> list[tuple[Any, Any]]:
    """Both sides of ``relation`` at 50 and at 80 digits.

    ``values`` gives the variables (as doubles, read exactly); names in ``constants``
    take their own high-precision values.

    Raises
    ------
    Undefined
        If a side is undefined at these values.
    """
    sides = []
    for digits in (50, 80):
        arithmetic = MpArithmetic(digits)
        assigned: dict[str, Any] = {name: arithmetic.constant(name) for name in constants}
        assigned.update({name: arithmetic.context.mpc(value) for name, value in values.items()})
        sides.append((evaluate(relation.lhs, assigned, arithmetic), evaluate(relation.rhs, assigned, arithmetic)))
    return sides


def compare_precisely(relation: Relation, values: Callable[[MpArithmetic], Mapping[str, Any]]) -> PreciseComparison:
    """Decide whether the two sides of ``relation`` are equal, immune to rounding (see :func:`same_value`).

    Raises
    ------
    Undefined
        If a side is undefined at these values.
    """
    results = []
    for digits in (50, 80):
        arithmetic = MpArithmetic(digits)
        assigned = values(arithmetic)
        results.append((evaluate(relation.lhs, assigned, arithmetic), evaluate(relation.rhs, assigned, arithmetic)))
    low, high = results
    return PreciseComparison(same_value(low, high), complex(low[0]), complex(low[1]))
