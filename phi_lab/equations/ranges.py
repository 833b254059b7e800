"""Range analysis: prove that a relation has no real solution with interval arithmetic.

Every subexpression is enclosed, over a box of real values of the variables, in a rectangle
``re × im`` of two real intervals whose ends are open or closed (:class:`Interval`), rounded
outwards.  Each function knows its own range, so the enclosures stay sharp where it matters:
``exp`` is strictly positive (``exp(x) = 0``), ``|tanh|`` stays below 1 (``tanh x = 1``), the
principal ``√`` has a real part ≥ 0 even of a negative number (``√x = −1``), ``cosh ≥ 1``,
``1/x`` is never 0.  A point where a side is undefined (``1/0``, ``log 0``) is never a
solution, so division and logarithms enclose only the values they take where defined.

If ``lhs − rhs`` excludes 0 on every box of a cover of the whole real domain, no real value
satisfies the relation: a proof, not a sample.  :func:`prove_no_real_solution` covers each
variable's line with (−∞, −1], [−1, 0], [0, 1], [1, ∞) and bisects the boxes it cannot settle
(``|x−1| + |x+1| = 1`` needs a few levels), within a budget of boxes and seconds; past it, it
proves nothing.  Functions it cannot enclose (Γ, complex arguments of most functions) make
the enclosure the whole plane, which proves nothing either, so every answer it gives is sound.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from phi_lab.equations.names import MEASURED_UNCERTAINTY, PHYSICAL_CONSTANTS
from phi_lab.equations.syntax import Call, Node, Number, Operation, Relation, Symbol

__all__ = ["Interval", "Rectangle", "enclose", "prove_no_real_solution"]

_INF = math.inf
#: Boxes examined before giving up, and seconds.
MAX_BOXES = 3_000
MAX_SECONDS = 0.25
#: Measured constants are enclosed 5 standard uncertainties wide (CODATA 2018).
_SIGMAS = 5


def _down(value: float) -> float:
    return value if math.isinf(value) else math.nextafter(math.nextafter(value, -_INF), -_INF)


def _up(value: float) -> float:
    return value if math.isinf(value) else math.nextafter(math.nextafter(value, _INF), _INF)


@dataclass(frozen=True, slots=True)
class Interval:
    """A real interval with open or closed ends; infinite ends are always open."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __post_init__(self) -> None:
        if math.isnan(self.lo) or math.isnan(self.hi):
            raise ValueError("an interval end is not a number")
        if math.isinf(self.lo) and not self.lo_open:
            object.__setattr__(self, "lo_open", True)
        if math.isinf(self.hi) and not self.hi_open:
            object.__setattr__(self, "hi_open", True)

    def contains_zero(self) -> bool:
        """Whether 0 may lie in the interval."""
        if self.lo < 0 < self.hi:
            return True
        return (self.lo == 0 and not self.lo_open) or (self.hi == 0 and not self.hi_open)

    @property
    def is_zero(self) -> bool:
        """Whether the interval is exactly {0}."""
        return self.lo == 0 and self.hi == 0

    def widened(self) -> Interval:
        """Outward-rounded by two ulps at each finite end."""
        return Interval(_down(self.lo), _up(self.hi), self.lo_open, self.hi_open)


WHOLE = Interval(-_INF, _INF, True, True)
ZERO = Interval(0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Rectangle:
    """An enclosure ``re × im`` of complex values."""

    re: Interval
    im: Interval

    @property
    def real(self) -> bool:
        """Whether the values are certainly real."""
        return self.im.is_zero


PLANE = Rectangle(WHOLE, WHOLE)


def _point(value: float) -> Rectangle:
    return Rectangle(Interval(_down(value), _up(value)), ZERO)


def _real(interval: Interval) -> Rectangle:
    return Rectangle(interval, ZERO)


# -- real interval arithmetic --------------------------------------------------------------


def _sum(a: float, b: float, direction: float) -> float:
    """``a + b`` rounded towards ``direction`` (±inf): exact sums stay exact (TwoSum)."""
    if math.isinf(a) or math.isinf(b):
        return direction
    total = a + b
    if math.isinf(total):
        return total if total == direction else math.nextafter(total, -direction)
    partner = total - a
    error = (a - (total - partner)) + (b - partner)  # total + error == a + b exactly
    if error == 0:
        return total
    if (error > 0) == (direction > 0):
        return math.nextafter(total, direction)
    return total


def _add(a: Interval, b: Interval) -> Interval:
    return Interval(_sum(a.lo, b.lo, -_INF), _sum(a.hi, b.hi, _INF), a.lo_open or b.lo_open, a.hi_open or b.hi_open)


def _neg(a: Interval) -> Interval:
    return Interval(-a.hi, -a.lo, a.hi_open, a.lo_open)


def _product(x: float, x_closed: bool, y: float, y_closed: bool) -> tuple[float, bool]:
    if (x == 0 and math.isinf(y)) or (y == 0 and math.isinf(x)):
        zero_closed = x_closed if x == 0 else y_closed
        return 0.0, zero_closed
    return x * y, x_closed and y_closed


def _mul(a: Interval, b: Interval) -> Interval:
    if a.is_zero or b.is_zero:
        return ZERO
    corners = [
        _product(x, not x_open, y, not y_open)
        for x, x_open in ((a.lo, a.lo_open), (a.hi, a.hi_open))
        for y, y_open in ((b.lo, b.lo_open), (b.hi, b.hi_open))
    ]
    low = min(value for value, _ in corners)
    high = max(value for value, _ in corners)
    low_closed = any(closed for value, closed in corners if value == low)
    high_closed = any(closed for value, closed in corners if value == high)
    exact = all(math.isinf(value) or value == 0 or _exact_product(value, a, b) for value in (low, high))
    if exact:
        return Interval(low, high, not low_closed, not high_closed)
    return Interval(_down(low), _up(high), not low_closed, not high_closed)


def _exact_product(value: float, a: Interval, b: Interval) -> bool:
    """Whether the corner product ``value`` was computed exactly (checked in rationals)."""
    for x in (a.lo, a.hi):
        for y in (b.lo, b.hi):
            if not (math.isinf(x) or math.isinf(y)) and x * y == value:
                return Fraction(x) * Fraction(y) == Fraction(value)
    return False


def _reciprocal(b: Interval) -> Interval | None:
    """``1/b`` over the points of ``b`` where it is defined; ``None`` when ``b`` is {0}."""
    if b.is_zero:
        return None
    if b.lo < 0 < b.hi:
        return WHOLE
    if b.lo >= 0:
        lo_open = b.lo_open or b.lo == 0
        high = _INF if b.lo == 0 else (1 / b.lo if abs(b.lo) == 1 else _up(1 / b.lo))
        low = 0.0 if math.isinf(b.hi) else (1 / b.hi if abs(b.hi) == 1 else _down(1 / b.hi))
        return Interval(low, high, b.hi_open or math.isinf(b.hi), lo_open)
    flipped = _reciprocal(_neg(b))
    return None if flipped is None else _neg(flipped)


def _monotone(function: Callable[[float], float], a: Interval, limits: tuple[float, float]) -> Interval:
    """``function`` increasing on ``a``; ``limits`` are its values at −∞ and +∞ (never attained).

    Values at 0 that are exact (sinh 0 = 0, exp 0 = 1, …) are not rounded; all others move
    two ulps outwards.
    """
    if math.isinf(a.lo):
        low = limits[0]
    else:
        low = _safe(function, a.lo, -_INF)
        low = low if a.lo == 0 and low in (0.0, 1.0) else _down(low)
    if math.isinf(a.hi):
        high = limits[1]
    else:
        high = _safe(function, a.hi, _INF)
        high = high if a.hi == 0 and high in (0.0, 1.0) else _up(high)
    return Interval(low, high, a.lo_open or math.isinf(a.lo), a.hi_open or math.isinf(a.hi))


def _safe(function: Callable[[float], float], value: float, overflow: float) -> float:
    try:
        return function(value)
    except OverflowError:
        return overflow


def _clip(a: Interval, low: float, high: float, low_open: bool, high_open: bool) -> Interval:
    """Intersect with a function's known range (kept only where it is tighter)."""
    lo, lo_open = (low, low_open) if a.lo <= low else (a.lo, a.lo_open)
    hi, hi_open = (high, high_open) if a.hi >= high else (a.hi, a.hi_open)
    return Interval(lo, hi, lo_open, hi_open)


def _magnitude(a: Interval) -> Interval:
    """``|a|``."""
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return _neg(a)
    top = max(-a.lo, a.hi)
    top_open = (a.lo_open if -a.lo == top else True) and (a.hi_open if a.hi == top else True)
    return Interval(0.0, top, False, top_open)


def _integer_power(a: Interval, power: int) -> Interval | None:
    if power == 0:
        return Interval(1.0, 1.0)
    if power < 0:
        positive = _integer_power(a, -power)
        return None if positive is None else _reciprocal(positive)

    def raise_to(value: float) -> float:
        try:
            magnitude = abs(value) ** power
        except OverflowError:
            magnitude = _INF
        return math.copysign(magnitude, value) if power % 2 else magnitude

    if power % 2:
        low = -_INF if math.isinf(a.lo) else raise_to(a.lo)
        high = _INF if math.isinf(a.hi) else raise_to(a.hi)
        return Interval(_down(low), _up(high), a.lo_open, a.hi_open)
    size = _magnitude(a)
    low = raise_to(size.lo)
    high = _INF if math.isinf(size.hi) else raise_to(size.hi)
    return Interval(_down(low), _up(high), size.lo_open, size.hi_open)


def _trig(function: str, a: Interval) -> Interval:
    """sin or cos of a real interval: exact extremes where a peak or trough lies inside."""
    if math.isinf(a.lo) or math.isinf(a.hi) or a.hi - a.lo >= 2 * math.pi:
        return Interval(-1.0, 1.0)
    shift = 0.0 if function == "cos" else math.pi / 2  # sin(x) = cos(x − π/2)
    values = [math.cos(a.lo - shift), math.cos(a.hi - shift)]
    low, high = min(values), max(values)
    first = math.ceil((a.lo - shift) / math.pi)
    for k in range(first, first + 3):
        point = k * math.pi + shift
        if a.lo <= point <= a.hi:
            if k % 2 == 0:
                high = 1.0
            else:
                low = -1.0
    return Interval(max(-1.0, low - 1e-15), min(1.0, high + 1e-15))


# -- enclosures of the tree ----------------------------------------------------------------


def enclose(node: Node, box: Mapping[str, Interval]) -> Rectangle | None:
    """An enclosure of ``node``'s values over ``box``; ``None`` where it is defined nowhere on it.

    Names not in ``box`` are constants (π, e, φ, i and the physical constants).
    """
    return _Encloser(box).enclose(node)


class _Encloser:
    def __init__(self, box: Mapping[str, Interval]) -> None:
        self.box = box

    def enclose(self, node: Node) -> Rectangle | None:
        if isinstance(node, Number):
            return _fraction(node.value)
        if isinstance(node, Symbol):
            return self.symbol(node.name)
        args = []
        for child in node.args:
            value = self.enclose(child)
            if value is None:
                return None
            args.append(value)
        if isinstance(node, Call):
            return _call(node.function, args, node)
        return _operation(node.op, args, node)

    def symbol(self, name: str) -> Rectangle:
        if name in self.box:
            return _real(self.box[name])
        if name == "pi":
            return _point(math.pi)
        if name == "e":
            return _point(math.e)
        if name == "phi":
            return _point((1 + math.sqrt(5)) / 2)
        if name == "i":
            return Rectangle(ZERO, Interval(1.0, 1.0))
        if name == "hbar":
            return _point(float(Fraction(PHYSICAL_CONSTANTS["h"].value)) / (2 * math.pi))
        value = float(Fraction(PHYSICAL_CONSTANTS[name].value))
        if name in MEASURED_UNCERTAINTY:
            width = _SIGMAS * float(MEASURED_UNCERTAINTY[name])
            return _real(Interval(_down(value * (1 - width)), _up(value * (1 + width))))
        return _point(value)


def _fraction(value: Fraction) -> Rectangle:
    try:
        number = float(value)
    except OverflowError:
        huge = Interval(1.7976931348623157e308, _INF, False, True)
        return _real(huge if value > 0 else _neg(huge))
    if Fraction(number) == value:
        return _real(Interval(number, number))
    return _point(number)


def _operation(op: str, args: Sequence[Rectangle], node: Operation) -> Rectangle | None:
    if op == "add":
        result = args[0]
        for arg in args[1:]:
            result = Rectangle(_add(result.re, arg.re), _add(result.im, arg.im))
        return result
    if op == "sub":
        return Rectangle(_add(args[0].re, _neg(args[1].re)), _add(args[0].im, _neg(args[1].im)))
    if op == "neg":
        return Rectangle(_neg(args[0].re), _neg(args[0].im))
    if op == "mul":
        result = args[0]
        for arg in args[1:]:
            result = _complex_mul(result, arg)
        return result
    if op == "div":
        return _complex_div(args[0], args[1])
    return _power(args[0], args[1], node)


def _complex_mul(a: Rectangle, b: Rectangle) -> Rectangle:
    if a.real and b.real:
        return _real(_mul(a.re, b.re))
    re = _add(_mul(a.re, b.re), _neg(_mul(a.im, b.im)))
    im = _add(_mul(a.re, b.im), _mul(a.im, b.re))
    return Rectangle(re, im)


def _complex_div(a: Rectangle, b: Rectangle) -> Rectangle | None:
    if not b.real:
        return PLANE
    reciprocal = _reciprocal(b.re)
    if reciprocal is None:
        return None
    return _complex_mul(a, _real(reciprocal))


def _power(base: Rectangle, exponent: Rectangle, node: Operation) -> Rectangle | None:
    from phi_lab.equations.algebra import rational_value

    power = rational_value(node.args[1])
    if power is not None and power.denominator == 1 and abs(power.numerator) <= 1000:
        if base.real:
            result = _integer_power(base.re, power.numerator)
            return None if result is None else _real(result)
        return PLANE
    if base.real and exponent.real and base.re.lo >= 0:
        logarithm = _log_positive(base.re)
        if logarithm is None:
            return None
        return _call("exp", [_real(_mul(exponent.re, logarithm))], None)
    return PLANE


def _log_positive(a: Interval) -> Interval | None:
    if a.hi <= 0:
        return None
    low = -_INF if a.lo <= 0 else _down(math.log(a.lo))
    high = _INF if math.isinf(a.hi) else _up(math.log(a.hi))
    return Interval(low, high, a.lo_open or a.lo <= 0, a.hi_open)


_INCREASING: dict[str, tuple[Callable[[float], float], tuple[float, float]]] = {
    "exp": (math.exp, (0.0, _INF)),
    "sinh": (math.sinh, (-_INF, _INF)),
    "tanh": (math.tanh, (-1.0, 1.0)),
    "atan": (math.atan, (-math.pi / 2, math.pi / 2)),
    "asinh": (math.asinh, (-_INF, _INF)),
}
#: The open ranges of the bounded increasing functions (their limits are never reached).
_OPEN_RANGES = {"exp": (0.0, _INF), "tanh": (-1.0, 1.0), "atan": (-math.pi / 2, math.pi / 2)}


def _call(function: str, args: Sequence[Rectangle], node: Call | None) -> Rectangle | None:
    x = args[0]
    if function == "abs":
        if x.real:
            return _real(_magnitude(x.re))
        return _real(Interval(0.0, _INF))
    if function == "sqrt":
        return _sqrt(x)
    if function == "root" and node is not None:
        return _root(x, node)
    if not x.real:
        return PLANE
    a = x.re
    if function in _INCREASING:
        method, limits = _INCREASING[function]
        result = _monotone(method, a, limits)
        if function in _OPEN_RANGES:
            low, high = _OPEN_RANGES[function]
            result = _clip(result, low, high, True, True)
        return _real(result)
    if function == "cosh":
        size = _magnitude(a)
        result = _monotone(math.cosh, size, (1.0, _INF))
        return _real(_clip(Interval(result.lo, result.hi, size.lo_open, result.hi_open), 1.0, _INF, False, True))
    if function in ("sin", "cos"):
        return _real(_trig(function, a))
    if function in ("log", "log10", "log2"):
        return _logarithm(function, a)
    if function in ("asin", "acos", "atanh", "acosh"):
        return _bounded_inverse(function, a)
    if function in ("tan", "cot", "sec", "csc"):
        return _reciprocal_trig(function, a)
    return PLANE  # gamma, beta: not enclosed


def _sqrt(x: Rectangle) -> Rectangle:
    if not x.real:
        return Rectangle(Interval(0.0, _INF), WHOLE)  # the principal root has re ≥ 0
    a = x.re
    top = _INF if math.isinf(a.hi) else _up(math.sqrt(max(a.hi, 0.0)))
    if a.lo >= 0:
        return _real(Interval(_down(math.sqrt(a.lo)), top, a.lo_open, a.hi_open))
    bottom = _INF if math.isinf(a.lo) else _up(math.sqrt(-a.lo))
    if a.hi <= 0:
        return Rectangle(ZERO, Interval(_down(math.sqrt(-a.hi)), bottom, a.hi_open, a.lo_open))
    return Rectangle(Interval(0.0, top), Interval(0.0, bottom))


def _root(x: Rectangle, node: Call) -> Rectangle:
    from phi_lab.equations.algebra import rational_value

    index = rational_value(node.args[1])
    if index is None or not x.real or index.denominator != 1 or index.numerator < 2:
        return PLANE
    n = index.numerator
    if n % 2 == 0:
        return _sqrt(x) if n == 2 else PLANE
    a = x.re
    result = _monotone(lambda v: math.copysign(abs(v) ** (1 / n), v), a, (-_INF, _INF))
    return _real(result)


def _logarithm(function: str, a: Interval) -> Rectangle | None:
    scale = {"log": 1.0, "log10": math.log(10), "log2": math.log(2)}[function]
    positive = _log_positive(a) if a.hi > 0 else None
    negative = _log_positive(_neg(a)) if a.lo < 0 else None
    if positive is None and negative is None:
        return None
    parts = [part for part in (positive, negative) if part is not None]
    low = min(part.lo for part in parts)
    high = max(part.hi for part in parts)
    re = Interval(_down(low / scale), _up(high / scale), True, any(part.hi_open for part in parts))
    if negative is None:
        return _real(re)
    im_high = _up(math.pi / scale)
    return Rectangle(re, Interval(0.0 if positive is not None else _down(math.pi / scale), im_high))


def _bounded_inverse(function: str, a: Interval) -> Rectangle:
    domains = {"asin": (-1.0, 1.0), "acos": (-1.0, 1.0), "atanh": (-1.0, 1.0), "acosh": (1.0, _INF)}
    low, high = domains[function]
    if a.lo < low or a.hi > high or (function == "atanh" and (a.lo <= -1 or a.hi >= 1)):
        return PLANE
    if function == "acos":
        return _real(_neg(_monotone(lambda v: -math.acos(v), a, (0.0, 0.0))))
    method = {"asin": math.asin, "atanh": math.atanh, "acosh": math.acosh}[function]
    return _real(_monotone(method, a, (-_INF, _INF)))


def _reciprocal_trig(function: str, a: Interval) -> Rectangle | None:
    if math.isinf(a.lo) or math.isinf(a.hi) or a.hi - a.lo >= math.pi:
        return PLANE
    if function == "tan":
        first = math.ceil((a.lo - math.pi / 2) / math.pi)
        if first * math.pi + math.pi / 2 <= a.hi:
            return PLANE
        return _real(_monotone(math.tan, a, (-_INF, _INF)))
    base = {"cot": "tan", "sec": "cos", "csc": "sin"}[function]
    inner = _reciprocal_trig("tan", a) if base == "tan" else _real(_trig(base, a))
    if inner is None or not inner.real:
        return PLANE
    reciprocal = _reciprocal(inner.re)
    return None if reciprocal is None else _real(reciprocal)


# -- the proof -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RangeProof:
    """A finished proof: how many boxes covered the domain."""

    boxes: int


def _excludes_zero(relation: Relation, box: Mapping[str, Interval]) -> bool:
    lhs = enclose(relation.lhs, box)
    rhs = enclose(relation.rhs, box)
    if lhs is None or rhs is None:
        return True  # defined nowhere on this box: no solution in it
    difference = Rectangle(_add(lhs.re, _neg(rhs.re)), _add(lhs.im, _neg(rhs.im)))
    return not difference.re.contains_zero() or not difference.im.contains_zero()


def _split(interval: Interval) -> tuple[Interval, Interval] | None:
    if math.isinf(interval.lo) and math.isinf(interval.hi):
        middle = 0.0
    elif math.isinf(interval.hi):
        middle = 2 * abs(interval.lo) + 1
    elif math.isinf(interval.lo):
        middle = -(2 * abs(interval.hi) + 1)
    else:
        middle = (interval.lo + interval.hi) / 2
        if not interval.lo < middle < interval.hi:
            return None
    if math.isinf(middle) or abs(middle) > 1e300:
        return None
    return Interval(interval.lo, middle, interval.lo_open, False), Interval(
        middle, interval.hi, False, interval.hi_open
    )


_START = (
    Interval(-_INF, -1.0, True, False),
    Interval(-1.0, 0.0),
    Interval(0.0, 1.0),
    Interval(1.0, _INF, False, True),
)


def prove_no_real_solution(
    relation: Relation, variables: Sequence[str], *, max_boxes: int = MAX_BOXES, max_seconds: float = MAX_SECONDS
) -> RangeProof | None:
    """Cover the real domain of ``variables`` with boxes on which ``lhs − rhs`` excludes 0.

    Returns the proof, or ``None`` when the budget ran out first (nothing proved).
    """
    if not variables or len(variables) > 4:
        return None
    deadline = time.perf_counter() + max_seconds
    work = [dict(zip(variables, pieces, strict=True)) for pieces in itertools.product(_START, repeat=len(variables))]
    examined = 0
    while work:
        box = work.pop()
        examined += 1
        if examined > max_boxes or time.perf_counter() > deadline:
            return None
        try:
            settled = _excludes_zero(relation, box)
        except (OverflowError, ValueError, ZeroDivisionError):
            return None
        if settled:
            continue
        name = max(box, key=lambda key: _width(box[key]))
        halves = _split(box[name])
        if halves is None:
            return None
        for half in halves:
            work.append({**box, name: half})
    return RangeProof(examined)


def _width(interval: Interval) -> float:
    return interval.hi - interval.lo
