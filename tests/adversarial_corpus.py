"""An adversarial corpus of equations whose verdicts were decided independently of phi_lab.

Every :class:`Entry` is an equation (or a ``;``-separated system) in phi_lab's input
language together with the verdict it must get, a hand-written mpmath *oracle* for its two
sides, witness points and a one-line reason.  The expected verdicts were decided by hand
(branch cuts, ranges, exact arithmetic) and are re-checked entry by entry, without phi_lab,
by ``tests/test_adversarial_oracle.py`` (mpmath at 60 digits, SymPy objects built in
Python, :class:`fractions.Fraction`).  Nothing here imports phi_lab; another test feeds
the texts to :func:`phi_lab.validate` and compares.

The semantics (the contract these answers follow):

* Input language: ``=``; ``+ - * / ^`` with ``^`` right-associative and ``-x^2`` meaning
  −(x²); implicit multiplication (``2x``, ``x y``); the functions ``sqrt exp log log10
  log2 sin cos tan cot sec csc asin acos atan sinh cosh tanh asinh acosh atanh abs gamma``;
  ``|x|``; the cube root ``∛x`` / ``cbrt(x)`` / ``root(x, 3)``; the constants ``pi``, ``e``,
  ``phi`` (golden ratio), ``i``; decimal literals are exact decimals (``0.1`` is 1/10).
* ``mode="math"``: every variable is a *real* number; functions return principal complex
  values (``sqrt(-4) = 2i``, ``log(-1) = iπ``, ``x^y = exp(y·log x)`` for non-integer y);
  integer powers are exact powers; the odd radical (``∛``, ``cbrt``, ``root(x, 3)``) is the
  *real* root of a real argument.  An equation holds at a point when both sides are
  defined (finite) there and equal.
* ``mode="auto"`` (only the ``physics-constants`` group): no variables; ``c``, ``h``,
  ``hbar = h/(2π)``, ``k_B``, ``N_A`` are exact, ``G``, ``epsilon_0``, ``mu_0`` carry their
  CODATA relative standard uncertainties (2.2e-5, 1.5e-10, 1.5e-10); two sides that agree
  within three combined standard uncertainties are equal.
* Kinds: ``identity`` (holds wherever both sides are defined; a true constant equation),
  ``contradiction`` (a false constant equation, or lhs − rhs is the same nonzero constant
  wherever defined), ``no_solution`` (lhs − rhs is not constant, yet no real point and, in
  math mode, no complex point satisfies it), ``relation`` (holds at some real point and
  fails at another; with ``complex_only=True``: no real solution but a complex one),
  ``inconsistent`` (a system whose equations are each solvable over the reals but have no
  common solution, real or complex).  A system with a common real solution is a relation
  (identity if every equation is one); a system containing a contradiction or a
  no-solution equation has that kind.

Fields of an entry (see :class:`Entry`): ``oracle`` takes mpmath numbers for the variables
in alphabetical order (for ``mode="auto"``: for the physical constants named in
``constants``) and returns ``(lhs, rhs)``, or for a system a tuple of such pairs.  A point
maps a variable to a decimal string readable by ``mpmath.mpf`` or to a callable returning
an mpmath number at the working precision (complex witnesses allowed for complex-only
relations).  ``exact`` (constant equations) returns the two sides as ``int``/``Fraction``/
SymPy objects; ``polys`` (polynomial systems) takes SymPy symbols and returns the
polynomials lhs − rhs, one per equation, for a Gröbner-basis proof of inconsistency.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import sympy as sp
from mpmath import mp, mpc

Kind = Literal["identity", "contradiction", "no_solution", "relation", "inconsistent"]
Mode = Literal["math", "auto"]
PointValue = str | Callable[[], Any]
Point = Mapping[str, PointValue]

KINDS: tuple[str, ...] = ("identity", "contradiction", "no_solution", "relation", "inconsistent")
CATEGORIES: tuple[str, ...] = (
    "identity",
    "relation",
    "contradiction",
    "branch",
    "precision",
    "near-identity",
    "huge",
    "constant-exact",
    "cube-root",
    "power-parse",
    "no-solution",
    "complex-only",
    "system",
    "physics-constants",
)


@dataclass(frozen=True)
class Entry:
    """One equation of the corpus and its expected verdict (see the module docstring)."""

    text: str
    kind: Kind
    category: str
    oracle: Callable[..., Any]
    why: str
    mode: Mode = "math"
    complex_only: bool = False
    variables: tuple[str, ...] = ()
    constants: tuple[str, ...] = ()
    holds_at: Point | None = None
    fails_at: Point | None = None
    each_holds_at: tuple[Point, ...] = ()
    exact: Callable[[], tuple[Any, Any]] | None = None
    polys: Callable[..., tuple[Any, ...]] | None = None

    @property
    def is_system(self) -> bool:
        """Whether the text holds several ``;``-separated equations."""
        return ";" in self.text


# ---------------------------------------------------------------------------------------
# mpmath vocabulary for the oracles (evaluated at whatever precision the caller set)
# ---------------------------------------------------------------------------------------

sqrt, exp = mp.sqrt, mp.exp
sin, cos, tan, cot, sec, csc = mp.sin, mp.cos, mp.tan, mp.cot, mp.sec, mp.csc
asin, acos, atan = mp.asin, mp.acos, mp.atan
sinh, cosh, tanh, asinh, acosh = mp.sinh, mp.cosh, mp.tanh, mp.asinh, mp.acosh
gamma = mp.gamma
pi = mp.pi
E = mp.e
PHI = mp.phi
IM = mpc(0, 1)
ONE = mp.mpf(1)


def log(z: Any) -> Any:
    """Principal natural log; log 0 is undefined (mpmath would return −inf)."""
    if z == 0:
        raise ZeroDivisionError("log(0)")
    return mp.log(z)


def atanh(z: Any) -> Any:
    """Principal atanh; undefined at ±1 (mpmath would return ±inf)."""
    if z in (1, -1):
        raise ZeroDivisionError("atanh(±1)")
    return mp.atanh(z)


def num(text: str) -> Any:
    """A decimal literal, rounded at the working precision."""
    return mp.mpf(text)


def ten(k: int) -> Any:
    """10**k at the working precision."""
    return mp.mpf(10) ** k


def log10(z: Any) -> Any:
    """Principal log10."""
    return log(z) / mp.log(10)


def log2(z: Any) -> Any:
    """Principal log2."""
    return log(z) / mp.log(2)


def cbrt(z: Any) -> Any:
    """The real cube root of a real number (principal root of a non-real one)."""
    z = mp.mpmathify(z)
    if isinstance(z, mpc):
        if z.imag != 0:
            return mp.cbrt(z)
        z = z.real
    return -mp.cbrt(-z) if z < 0 else mp.cbrt(z)


# SymPy vocabulary for the exact sides of constant equations.
S_PHI = (1 + sp.sqrt(5)) / 2


def R(p: int, q: int = 1) -> Any:
    """An exact SymPy rational."""
    return sp.Rational(p, q)


# ---------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------

_ENTRIES: list[Entry] = []


def _names(oracle: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(inspect.signature(oracle).parameters)


def _point(value: Any, variables: tuple[str, ...]) -> dict[str, PointValue] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        items = dict(value)
    elif isinstance(value, tuple):
        items = dict(zip(variables, value, strict=True))
    else:
        items = {variables[0]: value}
    return {k: (str(v) if isinstance(v, int | float) else v) for k, v in items.items()}


def _add(
    text: str,
    kind: Kind,
    category: str,
    oracle: Callable[..., Any],
    why: str,
    *,
    holds: Any = None,
    fails: Any = None,
    each: tuple[Any, ...] = (),
    exact: Callable[[], tuple[Any, Any]] | None = None,
    polys: Callable[..., tuple[Any, ...]] | None = None,
    complex_only: bool = False,
    mode: Mode = "math",
) -> None:
    names = _names(oracle)
    variables, constants = (names, ()) if mode == "math" else ((), names)
    _ENTRIES.append(
        Entry(
            text=text,
            kind=kind,
            category=category,
            oracle=oracle,
            why=why,
            mode=mode,
            complex_only=complex_only,
            variables=variables,
            constants=constants,
            holds_at=_point(holds, variables),
            fails_at=_point(fails, variables),
            each_holds_at=tuple(p for p in (_point(e, variables) for e in each) if p is not None),
            exact=exact,
            polys=polys,
        )
    )


def ident(
    text: str, category: str, oracle: Callable[..., Any], why: str, exact: Callable[[], Any] | None = None
) -> None:
    """An identity (or a true constant equation)."""
    _add(text, "identity", category, oracle, why, exact=exact)


def contra(
    text: str, category: str, oracle: Callable[..., Any], why: str, exact: Callable[[], Any] | None = None
) -> None:
    """A false constant equation, or lhs − rhs a nonzero constant."""
    _add(text, "contradiction", category, oracle, why, exact=exact)


def rel(
    text: str,
    category: str,
    oracle: Callable[..., Any],
    holds: Any,
    fails: Any,
    why: str,
    complex_only: bool = False,
) -> None:
    """A relation, with a point where it holds and one where it fails."""
    _add(text, "relation", category, oracle, why, holds=holds, fails=fails, complex_only=complex_only)


def cplx(text: str, category: str, oracle: Callable[..., Any], holds: Any, fails: Any, why: str) -> None:
    """A relation with no real solution but a complex one (math mode)."""
    rel(text, category, oracle, holds, fails, why, complex_only=True)


def nosol(text: str, category: str, oracle: Callable[..., Any], why: str) -> None:
    """No real and no complex solution, lhs − rhs not constant."""
    _add(text, "no_solution", category, oracle, why)


def incons(
    text: str,
    oracle: Callable[..., Any],
    each: tuple[Any, ...],
    why: str,
    polys: Callable[..., tuple[Any, ...]] | None = None,
) -> None:
    """An inconsistent system: every equation solvable alone, no common solution."""
    _add(text, "inconsistent", "system", oracle, why, each=each, polys=polys)


def physics(text: str, kind: Kind, oracle: Callable[..., Any], why: str) -> None:
    """An auto-mode equation between physical constants (no variables)."""
    _add(text, kind, "physics-constants", oracle, why, mode="auto")


# ---------------------------------------------------------------------------------------
# identity: ordinary identities (expansions, trig, hyperbolic, log/exp)
# ---------------------------------------------------------------------------------------

C = "identity"
ident("(x+1)^2 = x^2 + 2x + 1", C, lambda x: ((x + 1) ** 2, x**2 + 2 * x + 1), "binomial square")
ident("(x-1)^2 = x^2 - 2x + 1", C, lambda x: ((x - 1) ** 2, x**2 - 2 * x + 1), "binomial square")
ident("(x+y)^2 = x^2 + 2*x*y + y^2", C, lambda x, y: ((x + y) ** 2, x**2 + 2 * x * y + y**2), "binomial square")
ident("(x-y)*(x+y) = x^2 - y^2", C, lambda x, y: ((x - y) * (x + y), x**2 - y**2), "difference of squares")
ident(
    "(a+b)^3 = a^3 + 3*a^2*b + 3*a*b^2 + b^3",
    C,
    lambda a, b: ((a + b) ** 3, a**3 + 3 * a**2 * b + 3 * a * b**2 + b**3),
    "binomial cube",
)
ident(
    "x^3 - y^3 = (x - y)*(x^2 + x*y + y^2)",
    C,
    lambda x, y: (x**3 - y**3, (x - y) * (x**2 + x * y + y**2)),
    "difference of cubes",
)
ident(
    "(x+1)^5 = x^5 + 5x^4 + 10x^3 + 10x^2 + 5x + 1",
    C,
    lambda x: ((x + 1) ** 5, x**5 + 5 * x**4 + 10 * x**3 + 10 * x**2 + 5 * x + 1),
    "binomial theorem, n = 5",
)
ident(
    "x^4 - 1 = (x - 1)*(x + 1)*(x^2 + 1)",
    C,
    lambda x: (x**4 - 1, (x - 1) * (x + 1) * (x**2 + 1)),
    "factorisation of x^4 - 1",
)
ident(
    "(x + y + z)^2 = x^2 + y^2 + z^2 + 2*(x*y + y*z + z*x)",
    C,
    lambda x, y, z: ((x + y + z) ** 2, x**2 + y**2 + z**2 + 2 * (x * y + y * z + z * x)),
    "trinomial square",
)
ident("x^2 * x^3 = x^5", C, lambda x: (x**2 * x**3, x**5), "integer powers add")
ident("(x^2)^3 = x^6", C, lambda x: ((x**2) ** 3, x**6), "integer powers multiply")
ident("x^-1 = 1/x", C, lambda x: (x**-1, 1 / x), "negative integer power (x = 0 undefined on both sides)")
ident("x/x = 1", C, lambda x: (x / x, 1), "defined for x ≠ 0, where it is 1")
ident(
    "(x^2 - 1)/(x - 1) = x + 1",
    C,
    lambda x: ((x**2 - 1) / (x - 1), x + 1),
    "cancellation; x = 1 is undefined on the left",
)
ident("1/(1/x) = x", C, lambda x: (1 / (1 / x), x), "x ≠ 0")
ident("x y = y*x", C, lambda x, y: (x * y, y * x), "implicit multiplication commutes")
ident("2x + 3x = 5x", C, lambda x: (2 * x + 3 * x, 5 * x), "collecting terms")
ident("(t + u)/2 + (t - u)/2 = t", C, lambda t, u: ((t + u) / 2 + (t - u) / 2, t), "linear")
ident("sin(x)^2 + cos(x)^2 = 1", C, lambda x: (sin(x) ** 2 + cos(x) ** 2, 1), "Pythagoras")
ident("sin(2*x) = 2*sin(x)*cos(x)", C, lambda x: (sin(2 * x), 2 * sin(x) * cos(x)), "double angle")
ident("cos(2*x) = cos(x)^2 - sin(x)^2", C, lambda x: (cos(2 * x), cos(x) ** 2 - sin(x) ** 2), "double angle")
ident("cos(2*x) = 1 - 2*sin(x)^2", C, lambda x: (cos(2 * x), 1 - 2 * sin(x) ** 2), "double angle")
ident(
    "sin(x + y) = sin(x)*cos(y) + cos(x)*sin(y)",
    C,
    lambda x, y: (sin(x + y), sin(x) * cos(y) + cos(x) * sin(y)),
    "addition theorem",
)
ident(
    "cos(x - y) = cos(x)*cos(y) + sin(x)*sin(y)",
    C,
    lambda x, y: (cos(x - y), cos(x) * cos(y) + sin(x) * sin(y)),
    "addition theorem",
)
ident("tan(x) = sin(x)/cos(x)", C, lambda x: (tan(x), sin(x) / cos(x)), "definition of tan")
ident("1 + tan(x)^2 = sec(x)^2", C, lambda x: (1 + tan(x) ** 2, sec(x) ** 2), "Pythagoras divided by cos^2")
ident("1 + cot(x)^2 = csc(x)^2", C, lambda x: (1 + cot(x) ** 2, csc(x) ** 2), "Pythagoras divided by sin^2")
ident("sin(3*x) = 3*sin(x) - 4*sin(x)^3", C, lambda x: (sin(3 * x), 3 * sin(x) - 4 * sin(x) ** 3), "triple angle")
ident(
    "cos(x)^4 - sin(x)^4 = cos(2*x)",
    C,
    lambda x: (cos(x) ** 4 - sin(x) ** 4, cos(2 * x)),
    "(cos²−sin²)(cos²+sin²)",
)
ident("sin(x + 2*pi) = sin(x)", C, lambda x: (sin(x + 2 * pi), sin(x)), "period 2π")
ident("sin(-x) = -sin(x)", C, lambda x: (sin(-x), -sin(x)), "sin is odd")
ident("cos(pi/2 - x) = sin(x)", C, lambda x: (cos(pi / 2 - x), sin(x)), "co-function")
ident("tan(x)*cot(x) = 1", C, lambda x: (tan(x) * cot(x), 1), "where both are defined")
ident("cosh(x)^2 - sinh(x)^2 = 1", C, lambda x: (cosh(x) ** 2 - sinh(x) ** 2, 1), "hyperbolic Pythagoras")
ident("sinh(2*x) = 2*sinh(x)*cosh(x)", C, lambda x: (sinh(2 * x), 2 * sinh(x) * cosh(x)), "double argument")
ident("cosh(x) + sinh(x) = exp(x)", C, lambda x: (cosh(x) + sinh(x), exp(x)), "definitions")
ident("tanh(x) = sinh(x)/cosh(x)", C, lambda x: (tanh(x), sinh(x) / cosh(x)), "definition of tanh")
ident("exp(x + y) = exp(x)*exp(y)", C, lambda x, y: (exp(x + y), exp(x) * exp(y)), "functional equation of exp")
ident("exp(2*x) = exp(x)^2", C, lambda x: (exp(2 * x), exp(x) ** 2), "functional equation of exp")
ident("e^x = exp(x)", C, lambda x: (E**x, exp(x)), "e^x is exp(x·log e) = exp(x)")
ident("2^(x+1) = 2*2^x", C, lambda x: (2 ** (x + 1), 2 * 2**x), "positive base")
ident("exp(x)*exp(-x) = 1", C, lambda x: (exp(x) * exp(-x), 1), "functional equation of exp")
ident("log(exp(x)) = x", C, lambda x: (log(exp(x)), x), "x real, so Im(x) = 0 is inside (−π, π]")
ident("exp(log(x)) = x", C, lambda x: (exp(log(x)), x), "exp∘log = id on ℂ∖{0}; x = 0 undefined")
ident("log10(x) = log(x)/log(10)", C, lambda x: (log10(x), log(x) / log(10)), "definition of principal log10")
ident("log2(8*x) = 3 + log2(x)", C, lambda x: (log2(8 * x), 3 + log2(x)), "8 > 0 does not move the argument")
ident("log(2*x) = log(2) + log(x)", C, lambda x: (log(2 * x), log(2) + log(x)), "positive factor keeps the argument")
ident("sqrt(x)^2 = x", C, lambda x: (sqrt(x) ** 2, x), "sqrt(x)^2 = x for every complex x")
ident("sqrt(x)*sqrt(x) = x", C, lambda x: (sqrt(x) * sqrt(x), x), "sqrt(x)^2 = x for every complex x")
ident("abs(x)^2 = x^2", C, lambda x: (abs(x) ** 2, x**2), "x real")
ident("|x*y| = |x|*|y|", C, lambda x, y: (abs(x * y), abs(x) * abs(y)), "modulus is multiplicative")
ident("sqrt(x^2) = |x|", C, lambda x: (sqrt(x**2), abs(x)), "x^2 ≥ 0 for real x")
ident("sqrt(4*x) = 2*sqrt(x)", C, lambda x: (sqrt(4 * x), 2 * sqrt(x)), "positive factor keeps the argument")
ident("sinh(asinh(x)) = x", C, lambda x: (sinh(asinh(x)), x), "right inverse")
ident("sin(asin(x)) = x", C, lambda x: (sin(asin(x)), x), "right inverse on ℂ (complex asin for |x| > 1)")
ident("cos(acos(x)) = x", C, lambda x: (cos(acos(x)), x), "right inverse on ℂ (complex acos for |x| > 1)")
ident("tan(atan(x)) = x", C, lambda x: (tan(atan(x)), x), "right inverse")
ident("cosh(acosh(x)) = x", C, lambda x: (cosh(acosh(x)), x), "right inverse on ℂ (complex acosh for x < 1)")
ident("tanh(atanh(x)) = x", C, lambda x: (tanh(atanh(x)), x), "right inverse on ℂ∖{±1}")
ident("asinh(sinh(x)) = x", C, lambda x: (asinh(sinh(x)), x), "sinh is a bijection of ℝ")
ident("atanh(tanh(x)) = x", C, lambda x: (atanh(tanh(x)), x), "tanh maps ℝ onto (−1, 1) bijectively")
ident(
    "asin(x) + acos(x) = pi/2",
    C,
    lambda x: (asin(x) + acos(x), pi / 2),
    "principal acos(z) = π/2 − asin(z) for every complex z",
)
ident("gamma(x + 1) = x*gamma(x)", C, lambda x: (gamma(x + 1), x * gamma(x)), "functional equation (poles at −ℕ)")
ident(
    "gamma(x)*gamma(1 - x) = pi/sin(pi*x)",
    C,
    lambda x: (gamma(x) * gamma(1 - x), pi / sin(pi * x)),
    "reflection formula",
)
ident("exp(i*x) = cos(x) + i*sin(x)", C, lambda x: (exp(IM * x), cos(x) + IM * sin(x)), "Euler's formula")
ident(
    "cos(x) = (exp(i*x) + exp(-i*x))/2",
    C,
    lambda x: (cos(x), (exp(IM * x) + exp(-IM * x)) / 2),
    "Euler's formula",
)
ident("abs(exp(i*x)) = 1", C, lambda x: (abs(exp(IM * x)), 1), "x real")
ident("phi*x - x = x/phi", C, lambda x: (PHI * x - x, x / PHI), "φ − 1 = 1/φ")
ident("cos(x)^2 = (1 + cos(2*x))/2", C, lambda x: (cos(x) ** 2, (1 + cos(2 * x)) / 2), "half angle")
ident("exp(x)^3 = exp(3*x)", C, lambda x: (exp(x) ** 3, exp(3 * x)), "functional equation of exp")
ident(
    "(w + 1)^3 - (w - 1)^3 = 6*w^2 + 2",
    C,
    lambda w: ((w + 1) ** 3 - (w - 1) ** 3, 6 * w**2 + 2),
    "expand both cubes",
)
ident("sin(x)/(1 + cos(x)) = tan(x/2)", C, lambda x: (sin(x) / (1 + cos(x)), tan(x / 2)), "half-angle tangent")
ident("exp(log(x^2 + 1)) = x^2 + 1", C, lambda x: (exp(log(x**2 + 1)), x**2 + 1), "positive argument")


# ---------------------------------------------------------------------------------------
# branch: true or false on part of the line (abs, sqrt of squares, logs, inverse trig)
# ---------------------------------------------------------------------------------------

C = "branch"
rel("sqrt(x^2) = x", C, lambda x: (sqrt(x**2), x), "2", "-2", "|x| = x only for x ≥ 0")
rel("sqrt(x^2) = -x", C, lambda x: (sqrt(x**2), -x), "-2", "2", "|x| = −x only for x ≤ 0")
rel("(x^2)^(1/2) = x", C, lambda x: ((x**2) ** (ONE / 2), x), "3", "-3", "(x²)^(1/2) = |x|")
rel(
    "sqrt(x)*sqrt(y) = sqrt(x*y)",
    C,
    lambda x, y: (sqrt(x) * sqrt(y), sqrt(x * y)),
    ("1", "4"),
    ("-1", "-1"),
    "x = y = −1: i·i = −1 but sqrt(1) = 1",
)
rel(
    "sqrt(x)/sqrt(y) = sqrt(x/y)",
    C,
    lambda x, y: (sqrt(x) / sqrt(y), sqrt(x / y)),
    ("4", "1"),
    ("1", "-1"),
    "x = 1, y = −1: 1/i = −i but sqrt(−1) = i",
)
rel("log(x^2) = 2*log(x)", C, lambda x: (log(x**2), 2 * log(x)), "3", "-3", "x < 0: 2·log x has imaginary part 2π")
rel(
    "log(x*y) = log(x) + log(y)",
    C,
    lambda x, y: (log(x * y), log(x) + log(y)),
    ("2", "3"),
    ("-2", "-3"),
    "both negative: right side has imaginary part 2π",
)
rel(
    "log(x/y) = log(x) - log(y)",
    C,
    lambda x, y: (log(x / y), log(x) - log(y)),
    ("2", "3"),
    ("2", "-3"),
    "x > 0 > y: left has Im +π, right −π",
)
rel("log(1/x) = -log(x)", C, lambda x: (log(1 / x), -log(x)), "2", "-2", "x < 0: Im +π on the left, −π on the right")
rel("log(x^3) = 3*log(x)", C, lambda x: (log(x**3), 3 * log(x)), "2", "-2", "x < 0: Im π vs 3π")
rel(
    "log(-x) = log(x) - i*pi",
    C,
    lambda x: (log(-x), log(x) - IM * pi),
    "-2",
    "2",
    "holds for x < 0; for x > 0 the sides differ by the constant 2πi",
)
rel(
    "log(-x) = log(x) + i*pi",
    C,
    lambda x: (log(-x), log(x) + IM * pi),
    "2",
    "-2",
    "holds for x > 0; for x < 0 the sides differ by −2πi",
)
rel(
    "log(x^2) + 2*pi*i = 2*log(x)",
    C,
    lambda x: (log(x**2) + 2 * pi * IM, 2 * log(x)),
    "-2",
    "2",
    "holds for x < 0; constant 2πi gap for x > 0",
)
rel("asin(sin(x)) = x", C, lambda x: (asin(sin(x)), x), "1", "2", "holds exactly on [−π/2, π/2]")
rel("acos(cos(x)) = x", C, lambda x: (acos(cos(x)), x), "2", "-1", "holds exactly on [0, π]")
rel("atan(tan(x)) = x", C, lambda x: (atan(tan(x)), x), "1", "2", "holds exactly on (−π/2, π/2)")
rel("acos(cos(x)) = abs(x)", C, lambda x: (acos(cos(x)), abs(x)), "2.5", "4", "holds on [−π, π], fails at 4")
rel("2*atan(tan(x/2)) = x", C, lambda x: (2 * atan(tan(x / 2)), x), "2.5", "4", "holds on (−π, π), fails at 4")
rel("asin(sin(x/2)) = x/2", C, lambda x: (asin(sin(x / 2)), x / 2), "-3", "4", "holds for |x| ≤ π")
rel("asin(sin(x)) = pi - x", C, lambda x: (asin(sin(x)), pi - x), "2", "0", "holds on [π/2, 3π/2]")
rel("acos(cos(x)) = -x", C, lambda x: (acos(cos(x)), -x), "-1", "1", "holds on [−π, 0]")
rel(
    "atan(x) + atan(1/x) = pi/2",
    C,
    lambda x: (atan(x) + atan(1 / x), pi / 2),
    "1",
    "-1",
    "true for x > 0; for x < 0 the sum is −π/2",
)
rel(
    "atan(x) + atan(1/x) = -pi/2",
    C,
    lambda x: (atan(x) + atan(1 / x), -pi / 2),
    "-1",
    "1",
    "true for every x < 0; for x > 0 the gap is the constant π",
)
rel("acosh(cosh(x)) = x", C, lambda x: (acosh(cosh(x)), x), "2", "-2", "acosh(cosh x) = |x|")
rel("log(exp(i*x)) = i*x", C, lambda x: (log(exp(IM * x)), IM * x), "1", "4", "principal log: holds for −π < x ≤ π")
rel("abs(x) = x", C, lambda x: (abs(x), x), "1", "-1", "x ≥ 0")
rel("abs(x) = -x", C, lambda x: (abs(x), -x), "-1", "1", "x ≤ 0")
rel("|x| = x + 1", C, lambda x: (abs(x), x + 1), "-0.5", "1", "x = −1/2; constant gap −1 for x ≥ 0")
rel("|x| - x = 2", C, lambda x: (abs(x) - x, 2), "-1", "1", "x = −1; constant gap −2 for x ≥ 0")
rel("|x - 3| = 3 - x", C, lambda x: (abs(x - 3), 3 - x), "0", "4", "x ≤ 3")
rel("|x| + |x - 5| = 5", C, lambda x: (abs(x) + abs(x - 5), 5), "2", "6", "holds exactly on [0, 5]")
rel("|x - 3| + |x + 3| = 6", C, lambda x: (abs(x - 3) + abs(x + 3), 6), "0", "4", "holds exactly on [−3, 3]")
rel("|x - 4| + |x + 4| = 8", C, lambda x: (abs(x - 4) + abs(x + 4), 8), "1", "-5", "holds exactly on [−4, 4]")
rel("|x + 1| + |x - 2| = 3", C, lambda x: (abs(x + 1) + abs(x - 2), 3), "0", "5", "holds exactly on [−1, 2]")
rel("|x| + |x - 1| = 1", C, lambda x: (abs(x) + abs(x - 1), 1), "0.5", "2", "holds exactly on [0, 1]")
rel(
    "|2x - 6| + |2x + 6| = 12",
    C,
    lambda x: (abs(2 * x - 6) + abs(2 * x + 6), 12),
    "1",
    "4",
    "holds exactly on [−3, 3]",
)
rel("|x - 5| + |x + 5| = 10", C, lambda x: (abs(x - 5) + abs(x + 5), 10), "-4.5", "6", "holds exactly on [−5, 5]")
rel(
    "|x - 1| - |x + 1| = -2",
    C,
    lambda x: (abs(x - 1) - abs(x + 1), -2),
    "1",
    "0",
    "holds for x ≥ 1; constant gap 4 for x ≤ −1",
)
rel("|x + 2| - |x - 2| = 4", C, lambda x: (abs(x + 2) - abs(x - 2), 4), "3", "0", "holds for x ≥ 2")
rel(
    "abs(x + 1) - abs(x - 1) = 2",
    C,
    lambda x: (abs(x + 1) - abs(x - 1), 2),
    "5",
    "0",
    "holds for x ≥ 1",
)
rel(
    "sqrt(x^2 - 2*x + 1) = x - 1",
    C,
    lambda x: (sqrt(x**2 - 2 * x + 1), x - 1),
    "3",
    "-1",
    "left side is |x − 1|",
)
rel("sqrt((x - 2)^2) = 2 - x", C, lambda x: (sqrt((x - 2) ** 2), 2 - x), "0", "5", "|x − 2| = 2 − x for x ≤ 2")
rel("sqrt(x^2) = x + 3", C, lambda x: (sqrt(x**2), x + 3), "-1.5", "0", "x = −3/2; gap −3 for x ≥ 0")
rel("sqrt((x + 4)^2) = x + 4", C, lambda x: (sqrt((x + 4) ** 2), x + 4), "-1", "-5", "x ≥ −4")
rel("sqrt(x^6) = x^3", C, lambda x: (sqrt(x**6), x**3), "2", "-2", "sqrt(x⁶) = |x|³")
rel("(x^3)^(1/3) = x", C, lambda x: ((x**3) ** (ONE / 3), x), "2", "-2", "principal power: complex for x < 0")
rel("(x^2)^(3/2) = x^3", C, lambda x: ((x**2) ** (ONE * 3 / 2), x**3), "2", "-2", "(x²)^(3/2) = |x|³")
rel("(x^4)^(1/4) = x", C, lambda x: ((x**4) ** (ONE / 4), x), "2", "-2", "(x⁴)^(1/4) = |x|")
rel("sqrt(-x) = i*sqrt(x)", C, lambda x: (sqrt(-x), IM * sqrt(x)), "4", "-4", "x < 0: √|x| vs i·i√|x| = −√|x|")
rel(
    "sqrt(x - 1)*sqrt(x + 1) = sqrt(x^2 - 1)",
    C,
    lambda x: (sqrt(x - 1) * sqrt(x + 1), sqrt(x**2 - 1)),
    "0",
    "-2",
    "x = −2: i√3·i = −√3 but sqrt(3) = √3; x = 0: i = i",
)
rel("x/abs(x) = -1", C, lambda x: (x / abs(x), -1), "-3", "3", "sign(x) = −1 for x < 0")
rel("abs(x) + x = 0", C, lambda x: (abs(x) + x, 0), "-3", "3", "x ≤ 0")
rel("(x^2)^(1/2) - x = 4", C, lambda x: ((x**2) ** (ONE / 2) - x, 4), "-2", "1", "x = −2; gap −4 for x ≥ 0")
rel("acosh(cosh(x)) = -x", C, lambda x: (acosh(cosh(x)), -x), "-2", "2", "|x| = −x for x ≤ 0")
rel(
    "acos(cos(x/2)) = abs(x)/2",
    C,
    lambda x: (acos(cos(x / 2)), abs(x) / 2),
    "6",
    "7",
    "holds for |x| ≤ 2π ≈ 6.283",
)
rel(
    "log((x + 3)^2) = 2*log(x + 3)",
    C,
    lambda x: (log((x + 3) ** 2), 2 * log(x + 3)),
    "-2",
    "-4",
    "holds for x > −3; x = −4: log 1 = 0 vs 2πi",
)
rel("atan(tan(x/2)) = x/2", C, lambda x: (atan(tan(x / 2)), x / 2), "3", "4", "holds for |x| < π")
cplx(
    "sqrt(-x^2 - 4) = sqrt(x^2 + 4)",
    C,
    lambda x: (sqrt(-(x**2) - 4), sqrt(x**2 + 4)),
    lambda: 2 * IM,
    "0",
    "real x: i·√(x²+4) ≠ √(x²+4); squaring forces x² = −4, and x = 2i makes both sides sqrt(0) = 0",
)
cplx(
    "sqrt(-x^2 - 1) = -i*sqrt(x^2 + 1)",
    C,
    lambda x: (sqrt(-(x**2) - 1), -IM * sqrt(x**2 + 1)),
    lambda: 1 + IM,
    "0",
    "real x: left is +i√(x²+1), right −i√(x²+1); at z = 1+i (Im z² > 0) the principal branches agree",
)
ident("log(x^2) = 2*log(abs(x))", C, lambda x: (log(x**2), 2 * log(abs(x))), "x² = |x|² > 0 for x ≠ 0")
ident("log(sqrt(x)) = log(x)/2", C, lambda x: (log(sqrt(x)), log(x) / 2), "arg sqrt(z) = arg(z)/2 ∈ (−π/2, π/2]")
ident("log(x^(1/3)) = log(x)/3", C, lambda x: (log(x ** (ONE / 3)), log(x) / 3), "x^(1/3) = exp(log(x)/3)")
ident("acosh(cosh(x)) = abs(x)", C, lambda x: (acosh(cosh(x)), abs(x)), "cosh is even, acosh ≥ 0")
ident(
    "atan(x) + atan(1/x) = pi*x/(2*abs(x))",
    C,
    lambda x: (atan(x) + atan(1 / x), pi * x / (2 * abs(x))),
    "±π/2 with the sign of x; x = 0 undefined",
)
ident("sqrt(x^4) = x^2", C, lambda x: (sqrt(x**4), x**2), "x² ≥ 0")
ident("(x^2)^(3/2) = abs(x)^3", C, lambda x: ((x**2) ** (ONE * 3 / 2), abs(x) ** 3), "positive base")
ident("sqrt(-x^2) = i*abs(x)", C, lambda x: (sqrt(-(x**2)), IM * abs(x)), "−x² ≤ 0: principal sqrt is i|x|")
ident(
    "log(-x^2 - 1) = log(x^2 + 1) + i*pi",
    C,
    lambda x: (log(-(x**2) - 1), log(x**2 + 1) + IM * pi),
    "negative real argument: log(−y) = ln y + iπ",
)
ident(
    "sqrt(-x^2 - 1) = i*sqrt(x^2 + 1)",
    C,
    lambda x: (sqrt(-(x**2) - 1), IM * sqrt(x**2 + 1)),
    "negative real argument: sqrt(−y) = i√y",
)
ident("(x^2)^(1/2) = abs(x)", C, lambda x: ((x**2) ** (ONE / 2), abs(x)), "positive base")
ident("abs(sqrt(x)) = sqrt(abs(x))", C, lambda x: (abs(sqrt(x)), sqrt(abs(x))), "|√z| = √|z|")
ident("sqrt(x)^4 = x^2", C, lambda x: (sqrt(x) ** 4, x**2), "(sqrt(x)²)² = x²")
ident("(x^4)^(1/4) = abs(x)", C, lambda x: ((x**4) ** (ONE / 4), abs(x)), "positive base")
ident("sqrt(x^6) = abs(x)^3", C, lambda x: (sqrt(x**6), abs(x) ** 3), "x⁶ = |x|⁶")
ident("x^(1/2)*x^(1/2) = x", C, lambda x: (x ** (ONE / 2) * x ** (ONE / 2), x), "exp(log(x)/2)² = x")
ident("exp(log(x)*2) = x^2", C, lambda x: (exp(log(x) * 2), x**2), "exp(2 log x) = (exp log x)² = x²")
ident("log(-exp(x)) = x + i*pi", C, lambda x: (log(-exp(x)), x + IM * pi), "−eˣ < 0")
ident("sqrt(-exp(2*x)) = i*exp(x)", C, lambda x: (sqrt(-exp(2 * x)), IM * exp(x)), "−e^(2x) < 0")
ident("(x^2)^(1/4) = sqrt(abs(x))", C, lambda x: ((x**2) ** (ONE / 4), sqrt(abs(x))), "positive base")
ident("sqrt(x/4) = sqrt(x)/2", C, lambda x: (sqrt(x / 4), sqrt(x) / 2), "positive factor")
ident("log(-2*x) = log(2) + log(-x)", C, lambda x: (log(-2 * x), log(2) + log(-x)), "positive factor")
ident("exp(log(x)/3) = x^(1/3)", C, lambda x: (exp(log(x) / 3), x ** (ONE / 3)), "definition of the principal power")
contra("log(-exp(x)) = x", C, lambda x: (log(-exp(x)), x), "log(−eˣ) − x = iπ for every real x")
contra("log(exp(x)) = x + 2*pi*i", C, lambda x: (log(exp(x)), x + 2 * pi * IM), "gap −2πi for every real x")
contra(
    "log(-x^2 - 1) = log(x^2 + 1)",
    C,
    lambda x: (log(-(x**2) - 1), log(x**2 + 1)),
    "gap iπ for every real x",
)
contra("acosh(cosh(x)) = abs(x) + 1", C, lambda x: (acosh(cosh(x)), abs(x) + 1), "acosh(cosh x) = |x|: gap −1")
contra("sqrt(x^2) = abs(x) + 2", C, lambda x: (sqrt(x**2), abs(x) + 2), "gap −2")
contra(
    "log(x^2) = 2*log(abs(x)) + 1",
    C,
    lambda x: (log(x**2), 2 * log(abs(x)) + 1),
    "gap −1 wherever x ≠ 0",
)


# ---------------------------------------------------------------------------------------
# precision: cancellation and overflow traps with variables
# ---------------------------------------------------------------------------------------

C = "precision"
ident(
    "(x + 10^9)^2 - (x - 10^9)^2 = 4*10^9*x",
    C,
    lambda x: ((x + ten(9)) ** 2 - (x - ten(9)) ** 2, 4 * ten(9) * x),
    "(x+a)² − (x−a)² = 4ax",
)
ident(
    "(x + 10^12)^2 - (x - 10^12)^2 = 4*10^12*x",
    C,
    lambda x: ((x + ten(12)) ** 2 - (x - ten(12)) ** 2, 4 * ten(12) * x),
    "(x+a)² − (x−a)² = 4ax",
)
ident(
    "(x + 10^15)^2 - x^2 - 2*10^15*x = 10^30",
    C,
    lambda x: ((x + ten(15)) ** 2 - x**2 - 2 * ten(15) * x, ten(30)),
    "(x+a)² − x² − 2ax = a²",
)
ident("(1 + x)^2 - x^2 - 2x = 1", C, lambda x: ((1 + x) ** 2 - x**2 - 2 * x, 1), "expansion")
ident(
    "(x + 10^8)^3 - (x - 10^8)^3 = 6*10^8*x^2 + 2*10^24",
    C,
    lambda x: ((x + ten(8)) ** 3 - (x - ten(8)) ** 3, 6 * ten(8) * x**2 + 2 * ten(24)),
    "(x+a)³ − (x−a)³ = 6ax² + 2a³",
)
ident("(x + 10^20) - 10^20 = x", C, lambda x: ((x + ten(20)) - ten(20), x), "exact arithmetic; doubles lose x")
ident("(x + 1e20) - x = 1e20", C, lambda x: ((x + ten(20)) - x, ten(20)), "exact arithmetic")
ident(
    "(exp(30*x) + 1) - exp(30*x) = 1",
    C,
    lambda x: ((exp(30 * x) + 1) - exp(30 * x), 1),
    "exact; doubles give 0 (or nan after overflow)",
)
ident("x^60 + 1 - x^60 = 1", C, lambda x: (x**60 + 1 - x**60, 1), "exact; doubles give 0 for |x| > 2")
ident(
    "cosh(10*x)^2 - sinh(10*x)^2 = 1",
    C,
    lambda x: (cosh(10 * x) ** 2 - sinh(10 * x) ** 2, 1),
    "hyperbolic Pythagoras under heavy cancellation",
)
ident("log(exp(100*x)) = 100*x", C, lambda x: (log(exp(100 * x)), 100 * x), "exp overflows doubles; x real")
ident(
    "sqrt(x^2 + 10^20) - 10^10 = x^2/(sqrt(x^2 + 10^20) + 10^10)",
    C,
    lambda x: (sqrt(x**2 + ten(20)) - ten(10), x**2 / (sqrt(x**2 + ten(20)) + ten(10))),
    "rationalising the numerator",
)
ident(
    "(1 + 10^-20*x)^2 = 1 + 2*10^-20*x + 10^-40*x^2",
    C,
    lambda x: ((1 + ten(-20) * x) ** 2, 1 + 2 * ten(-20) * x + ten(-40) * x**2),
    "expansion with tiny coefficients",
)
ident("x*10^400/10^400 = x", C, lambda x: (x * ten(400) / ten(400), x), "10^400 overflows doubles")
ident("10^-400*x*10^400 = x", C, lambda x: (ten(-400) * x * ten(400), x), "10^-400 underflows doubles")
contra(
    "exp(30*x) + 1 = exp(30*x)",
    C,
    lambda x: (exp(30 * x) + 1, exp(30 * x)),
    "gap exactly 1 everywhere; doubles see equality for x > 1.3",
)
contra("x^60 = x^60 + 1", C, lambda x: (x**60, x**60 + 1), "gap exactly −1")
contra(
    "(x + 10^9)^2 - (x - 10^9)^2 = 4*10^9*x + 1",
    C,
    lambda x: ((x + ten(9)) ** 2 - (x - ten(9)) ** 2, 4 * ten(9) * x + 1),
    "gap exactly −1",
)
contra("x + 10^20 - 10^20 = x + 1", C, lambda x: (x + ten(20) - ten(20), x + 1), "gap exactly −1")
contra("x^2 + 10^16 + 1 = x^2 + 10^16", C, lambda x: (x**2 + ten(16) + 1, x**2 + ten(16)), "gap exactly 1")
contra(
    "(x + 10^12) - (x - 10^12) = 2*10^12 + 1",
    C,
    lambda x: ((x + ten(12)) - (x - ten(12)), 2 * ten(12) + 1),
    "gap exactly −1",
)
contra("exp(x)^2 + 1 = exp(2*x)", C, lambda x: (exp(x) ** 2 + 1, exp(2 * x)), "gap exactly 1")
contra("x^100 - 1 = x^100", C, lambda x: (x**100 - 1, x**100), "gap exactly −1")
contra(
    "(x^2 + 1)^30 = (x^2 + 1)^30 + 1",
    C,
    lambda x: ((x**2 + 1) ** 30, (x**2 + 1) ** 30 + 1),
    "gap exactly −1",
)
rel("x^2 + 1 = 1", C, lambda x: (x**2 + 1, 1), "0", "1", "only x = 0 (doubles accept |x| < 1e-8)")
rel("x^2 + 10^20 = 10^20", C, lambda x: (x**2 + ten(20), ten(20)), "0", "1", "only x = 0")
rel("(x + 10^9)^2 = x^2 + 10^18", C, lambda x: ((x + ten(9)) ** 2, x**2 + ten(18)), "0", "1", "gap 2·10⁹x")
rel("exp(x) = 1 + x", C, lambda x: (exp(x), 1 + x), "0", "1", "only x = 0 (convexity)")
rel("sin(x) = x", C, lambda x: (sin(x), x), "0", "1", "only x = 0")
rel("cos(x) = 1 - x^2/2", C, lambda x: (cos(x), 1 - x**2 / 2), "0", "1", "x = 0")
rel(
    "(x - 10^8)*(x - 10^8 - 10^-8) = 0",
    C,
    lambda x: ((x - ten(8)) * (x - ten(8) - ten(-8)), 0),
    lambda: ten(8) + ten(-8),
    "0",
    "roots 10⁸ and 10⁸ + 10⁻⁸ (not separable in doubles)",
)
rel("x^2 = 10^-40", C, lambda x: (x**2, ten(-40)), "1e-20", "1", "x = ±10⁻²⁰")
cplx(
    "sqrt(x^2 + 10^-20) - abs(x) = 0",
    C,
    lambda x: (sqrt(x**2 + ten(-20)) - abs(x), 0),
    lambda: IM * ten(-10) / sqrt(2),
    "1",
    "real x: sqrt(x²+10⁻²⁰) > |x|; z = i·10⁻¹⁰/√2 gives sqrt(5·10⁻²¹) = |z|",
)
cplx(
    "x^2 + 10^-40 = 0",
    C,
    lambda x: (x**2 + ten(-40), 0),
    lambda: IM * ten(-20),
    "0",
    "x² + 10⁻⁴⁰ > 0 for real x; x = i·10⁻²⁰",
)
nosol(
    "1/(1 + exp(-x)) = 1",
    C,
    lambda x: (1 / (1 + exp(-x)), 1),
    "would need exp(−z) = 0; doubles round the logistic to 1 for x > 37",
)
nosol("exp(-1000*x^2) = 0", C, lambda x: (exp(-1000 * x**2), 0), "exp never vanishes; doubles underflow to 0")
nosol(
    "1/(1 + exp(100*x)) = 0",
    C,
    lambda x: (1 / (1 + exp(100 * x)), 0),
    "1/w = 0 has no finite w; doubles overflow to 1/inf = 0",
)


# ---------------------------------------------------------------------------------------
# near-identity: off by a tiny constant (contradictions) and tiny perturbations
# ---------------------------------------------------------------------------------------

C = "near-identity"


def _pyth_oracle(k: int, sign: int) -> Callable[..., Any]:
    return lambda x: (sin(x) ** 2 + cos(x) ** 2, 1 + sign * ten(-k))


def _shift_oracle(k: int) -> Callable[..., Any]:
    return lambda x: (x + ten(-k), x)


for _k, _sgn in ((12, 1), (20, 1), (38, -1)):
    _s = "+" if _sgn > 0 else "-"
    contra(f"sin(x)^2 + cos(x)^2 = 1 {_s} 10^-{_k}", C, _pyth_oracle(_k, _sgn), f"left side is 1: gap {_s}10^-{_k}")
for _k in (11, 30):
    contra(f"x + 10^-{_k} = x", C, _shift_oracle(_k), f"gap exactly 10^-{_k}")
contra("x - 1e-35 = x", C, lambda x: (x - ten(-35), x), "gap exactly −10⁻³⁵")
ident(
    "x*(1 + 10^-15) = x + 10^-15*x",
    C,
    lambda x: (x * (1 + ten(-15)), x + ten(-15) * x),
    "distributivity",
)
nosol(
    "exp(x + 10^-15) = exp(x)",
    C,
    lambda x: (exp(x + ten(-15)), exp(x)),
    "gap exp(x)(e^(1e-15) − 1) is never 0, also for complex x; not constant",
)
rel("x*(1 + 10^-15) = x", C, lambda x: (x * (1 + ten(-15)), x), "0", "1", "gap 10⁻¹⁵x vanishes only at 0")
contra(
    "(x + 1)^2 = x^2 + 2*x + 1 + 10^-25",
    C,
    lambda x: ((x + 1) ** 2, x**2 + 2 * x + 1 + ten(-25)),
    "gap exactly −10⁻²⁵",
)
contra(
    "cosh(x)^2 = sinh(x)^2 + 1 + 10^-30",
    C,
    lambda x: (cosh(x) ** 2, sinh(x) ** 2 + 1 + ten(-30)),
    "gap exactly −10⁻³⁰",
)
nosol(
    "exp(2*x) = exp(x)^2*(1 + 10^-16)",
    C,
    lambda x: (exp(2 * x), exp(x) ** 2 * (1 + ten(-16))),
    "gap −10⁻¹⁶·e^(2x) never vanishes (exp ≠ 0 on ℂ), not constant",
)
contra(
    "log(x^2 + 1) = log(x^2 + 1) + 10^-35",
    C,
    lambda x: (log(x**2 + 1), log(x**2 + 1) + ten(-35)),
    "gap exactly −10⁻³⁵",
)
contra(
    "sqrt(x^2 + 1)^2 = x^2 + 1 + 10^-18",
    C,
    lambda x: (sqrt(x**2 + 1) ** 2, x**2 + 1 + ten(-18)),
    "gap exactly −10⁻¹⁸",
)
contra("tan(x)*cot(x) = 1 + 10^-14", C, lambda x: (tan(x) * cot(x), 1 + ten(-14)), "gap −10⁻¹⁴ where defined")
contra("abs(x) = sqrt(x^2) + 10^-25", C, lambda x: (abs(x), sqrt(x**2) + ten(-25)), "gap exactly −10⁻²⁵")
contra("x/x = 1 + 10^-13", C, lambda x: (x / x, 1 + ten(-13)), "gap −10⁻¹³ wherever x ≠ 0")
nosol(
    "exp(log(x)) = x*(1 + 10^-20)",
    C,
    lambda x: (exp(log(x)), x * (1 + ten(-20))),
    "gap −10⁻²⁰x vanishes only at x = 0, where log is undefined (also over ℂ)",
)
contra(
    "sqrt(2)^2 = 2 + 10^-30",
    C,
    lambda: (sqrt(2) ** 2, 2 + ten(-30)),
    "sqrt(2)² = 2 exactly",
    exact=lambda: (sp.sqrt(2) ** 2, 2 + R(1, 10**30)),
)
contra(
    "pi = 3.14159265358979323846264338327950288",
    C,
    lambda: (pi, num("3.14159265358979323846264338327950288")),
    "π is irrational; the decimal is a 36-digit truncation",
)
contra("e = 2.718281828459045", C, lambda: (E, num("2.718281828459045")), "e is irrational (this is the double)")
contra(
    "phi = 1.618033988749895",
    C,
    lambda: (PHI, num("1.618033988749895")),
    "φ is irrational",
    exact=lambda: (S_PHI, Fraction("1.618033988749895")),
)
contra(
    "exp(pi*sqrt(163)) = 262537412640768744",
    C,
    lambda: (exp(pi * sqrt(163)), 262537412640768744),
    "Ramanujan's constant is 262537412640768743.99999999999925…",
)
contra(
    "exp(pi*sqrt(67)) = 147197952744",
    C,
    lambda: (exp(pi * sqrt(67)), 147197952744),
    "e^(π√67) = 147197952743.9999986…",
)
contra(
    "exp(pi*sqrt(43)) = 884736744",
    C,
    lambda: (exp(pi * sqrt(43)), 884736744),
    "e^(π√43) = 884736743.99977…",
)
contra(
    "sin(pi) = 1.2246467991473532e-16",
    C,
    lambda: (sin(pi), num("1.2246467991473532e-16")),
    "sin(π) = 0 exactly (the double value of sin(π) is not)",
    exact=lambda: (sp.sin(sp.pi), Fraction("1.2246467991473532e-16")),
)
contra("pi^4 + pi^5 = e^6", C, lambda: (pi**4 + pi**5, E**6), "403.42877… vs 403.42879…")
contra("e^pi - pi = 20", C, lambda: (E**pi - pi, 20), "19.99909998…")
contra(
    "sqrt(2) = 665857/470832",
    C,
    lambda: (sqrt(2), mp.mpf(665857) / 470832),
    "√2 is irrational (Pell convergent, error 1.6e-12)",
    exact=lambda: (sp.sqrt(2), Fraction(665857, 470832)),
)
contra(
    "gamma(1/2) = 1.7724538509055159",
    C,
    lambda: (gamma(ONE / 2), num("1.7724538509055159")),
    "Γ(1/2) = √π = 1.77245385090551602729…",
)
contra(
    "pi^2/6 = 1.6449340668482264",
    C,
    lambda: (pi**2 / 6, num("1.6449340668482264")),
    "ζ(2) = 1.64493406684822643647…",
)


# ---------------------------------------------------------------------------------------
# huge: exact rational arithmetic with huge and tiny numbers
# ---------------------------------------------------------------------------------------

C = "huge"


def _huge(text: str, kind: Kind, oracle: Callable[[], Any], exact: Callable[[], Any], why: str) -> None:
    _add(text, kind, C, oracle, why, exact=exact)


_huge(
    "10^100 + 1 - 10^100 = 1",
    "identity",
    lambda: (ten(100) + 1 - ten(100), 1),
    lambda: (10**100 + 1 - 10**100, 1),
    "exact integers",
)
_huge(
    "2^2^2^2^2 = 2^65536",
    "identity",
    lambda: (2 ** (2 ** (2 ** (2**2))), mp.mpf(2) ** 65536),
    lambda: (2 ** (2 ** (2 ** (2**2))), 2**65536),
    "right-associative: 2^(2^16)",
)
_huge("10^5000 = 10^5000", "identity", lambda: (ten(5000), ten(5000)), lambda: (10**5000, 10**5000), "same integer")
_huge(
    "2^1000 - 2^1000 = 0",
    "identity",
    lambda: (mp.mpf(2) ** 1000 - mp.mpf(2) ** 1000, 0),
    lambda: (2**1000 - 2**1000, 0),
    "exact",
)
_huge(
    "(10^20 + 1)^2 = 10^40 + 2*10^20 + 1",
    "identity",
    lambda: ((ten(20) + 1) ** 2, ten(40) + 2 * ten(20) + 1),
    lambda: ((10**20 + 1) ** 2, 10**40 + 2 * 10**20 + 1),
    "exact square",
)
_huge(
    "10^-300*10^300 = 1",
    "identity",
    lambda: (ten(-300) * ten(300), 1),
    lambda: (Fraction(1, 10**300) * 10**300, 1),
    "exact",
)
_huge(
    "10^400/10^399 = 10",
    "identity",
    lambda: (ten(400) / ten(399), 10),
    lambda: (Fraction(10**400, 10**399), 10),
    "exact (doubles overflow)",
)
_huge(
    "2^1024 = 2*2^1023",
    "identity",
    lambda: (mp.mpf(2) ** 1024, 2 * mp.mpf(2) ** 1023),
    lambda: (2**1024, 2 * 2**1023),
    "exact (doubles overflow)",
)
_huge(
    "0.1 + 0.2 = 0.3",
    "identity",
    lambda: (num("0.1") + num("0.2"), num("0.3")),
    lambda: (Fraction("0.1") + Fraction("0.2"), Fraction("0.3")),
    "exact decimals (doubles say no)",
)
_huge(
    "1/3 + 1/3 + 1/3 = 1",
    "identity",
    lambda: (ONE / 3 + ONE / 3 + ONE / 3, 1),
    lambda: (Fraction(1, 3) * 3, 1),
    "exact rationals",
)
_huge(
    "1 - 0.9 = 0.1",
    "identity",
    lambda: (1 - num("0.9"), num("0.1")),
    lambda: (1 - Fraction("0.9"), Fraction("0.1")),
    "exact decimals",
)
_huge(
    "(10^-200)^2 = 10^-400",
    "identity",
    lambda: (ten(-200) ** 2, ten(-400)),
    lambda: (Fraction(1, 10**200) ** 2, Fraction(1, 10**400)),
    "exact (doubles underflow)",
)
_huge(
    "2^53 + 1 - 2^53 = 1",
    "identity",
    lambda: (mp.mpf(2) ** 53 + 1 - mp.mpf(2) ** 53, 1),
    lambda: (2**53 + 1 - 2**53, 1),
    "exact (doubles give 0)",
)
_huge(
    "(1 + 10^-20)^2 - 1 = 2*10^-20 + 10^-40",
    "identity",
    lambda: ((1 + ten(-20)) ** 2 - 1, 2 * ten(-20) + ten(-40)),
    lambda: ((1 + Fraction(1, 10**20)) ** 2 - 1, 2 * Fraction(1, 10**20) + Fraction(1, 10**40)),
    "exact",
)
_huge(
    "10^1000 + 10^-1000 - 10^1000 = 10^-1000",
    "identity",
    lambda: (ten(1000) + ten(-1000) - ten(1000), ten(-1000)),
    lambda: (10**1000 + Fraction(1, 10**1000) - 10**1000, Fraction(1, 10**1000)),
    "exact",
)
_huge(
    "99999999999999999^2 = 9999999999999999800000000000000001",
    "identity",
    lambda: (mp.mpf(99999999999999999) ** 2, mp.mpf(9999999999999999800000000000000001)),
    lambda: (99999999999999999**2, 9999999999999999800000000000000001),
    "(10^17 − 1)² = 10^34 − 2·10^17 + 1",
)
_huge(
    f"12345678901234567890^2 = {12345678901234567890**2}",
    "identity",
    lambda: (mp.mpf(12345678901234567890) ** 2, mp.mpf(12345678901234567890**2)),
    lambda: (12345678901234567890**2, 152415787532388367501905199875019052100),
    "exact integer square",
)
_huge(
    "1e308*10 = 1e309",
    "identity",
    lambda: (ten(308) * 10, ten(309)),
    lambda: (10**308 * 10, 10**309),
    "exact (1e309 overflows doubles)",
)
_huge(
    "1e-300/1e300 = 1e-600",
    "identity",
    lambda: (ten(-300) / ten(300), ten(-600)),
    lambda: (Fraction(1, 10**300) / 10**300, Fraction(1, 10**600)),
    "exact (underflows doubles)",
)
_huge(
    "10^17 + 1 - 10^17 = 1",
    "identity",
    lambda: (ten(17) + 1 - ten(17), 1),
    lambda: (10**17 + 1 - 10**17, 1),
    "exact (doubles give 0)",
)
_huge(
    "(2^64 + 1) - 2^64 = 1",
    "identity",
    lambda: ((mp.mpf(2) ** 64 + 1) - mp.mpf(2) ** 64, 1),
    lambda: ((2**64 + 1) - 2**64, 1),
    "exact",
)
_huge(
    "10^300 + 1 = 10^300",
    "contradiction",
    lambda: (ten(300) + 1, ten(300)),
    lambda: (10**300 + 1, 10**300),
    "differ by 1",
)
_huge(
    "1 + 10^-90 = 1",
    "contradiction",
    lambda: (1 + ten(-90), 1),
    lambda: (1 + Fraction(1, 10**90), 1),
    "differ by 10^-90",
)
_huge(
    "3^200 = 3^200 + 1",
    "contradiction",
    lambda: (mp.mpf(3) ** 200, mp.mpf(3) ** 200 + 1),
    lambda: (3**200, 3**200 + 1),
    "differ by 1",
)
_huge("1e16 + 1 = 1e16", "contradiction", lambda: (ten(16) + 1, ten(16)), lambda: (10**16 + 1, 10**16), "differ by 1")
_huge(
    "2^53 + 1 = 2^53",
    "contradiction",
    lambda: (mp.mpf(2) ** 53 + 1, mp.mpf(2) ** 53),
    lambda: (2**53 + 1, 2**53),
    "differ by 1 (equal as doubles)",
)
_huge(
    "9007199254740993 = 9007199254740992",
    "contradiction",
    lambda: (mp.mpf(9007199254740993), mp.mpf(9007199254740992)),
    lambda: (9007199254740993, 9007199254740992),
    "distinct integers that round to the same double",
)
_huge(
    "0.1 + 0.2 = 0.30000000000000004",
    "contradiction",
    lambda: (num("0.1") + num("0.2"), num("0.30000000000000004")),
    lambda: (Fraction("0.1") + Fraction("0.2"), Fraction("0.30000000000000004")),
    "0.3 ≠ 0.30000000000000004 (doubles say equal)",
)
_huge(
    "10^5000 + 1 = 10^5000",
    "contradiction",
    lambda: (ten(5000) + 1, ten(5000)),
    lambda: (10**5000 + 1, 10**5000),
    "differ by 1",
)
_huge(
    "2^2^2^2^2 = 2^65536 + 1",
    "contradiction",
    lambda: (2 ** (2 ** (2 ** (2**2))), mp.mpf(2) ** 65536 + 1),
    lambda: (2 ** (2 ** (2 ** (2**2))), 2**65536 + 1),
    "differ by 1",
)
_huge(
    "2^2^2^2^2 = 2^65535",
    "contradiction",
    lambda: (2 ** (2 ** (2 ** (2**2))), mp.mpf(2) ** 65535),
    lambda: (2 ** (2 ** (2 ** (2**2))), 2**65535),
    "factor 2",
)
_huge(
    "(10^20 + 1)^2 = 10^40 + 2*10^20",
    "contradiction",
    lambda: ((ten(20) + 1) ** 2, ten(40) + 2 * ten(20)),
    lambda: ((10**20 + 1) ** 2, 10**40 + 2 * 10**20),
    "differ by 1",
)
_huge(
    "10^-300*10^-300 = 0",
    "contradiction",
    lambda: (ten(-300) * ten(-300), 0),
    lambda: (Fraction(1, 10**600), 0),
    "10^-600 ≠ 0 (underflows doubles)",
)
_huge("10^-400 = 0", "contradiction", lambda: (ten(-400), 0), lambda: (Fraction(1, 10**400), 0), "nonzero")
_huge(
    "2^-1075 = 0",
    "contradiction",
    lambda: (mp.mpf(2) ** -1075, 0),
    lambda: (Fraction(1, 2**1075), 0),
    "nonzero (rounds to 0 in doubles)",
)
_huge("1e-320 = 0", "contradiction", lambda: (ten(-320), 0), lambda: (Fraction(1, 10**320), 0), "nonzero subnormal")
_huge(
    "10^400 - 10^400 = 1",
    "contradiction",
    lambda: (ten(400) - ten(400), 1),
    lambda: (10**400 - 10**400, 1),
    "0 ≠ 1 (doubles: inf − inf = nan)",
)
_huge(
    "2/3 = 0.6666666666666666",
    "contradiction",
    lambda: (ONE * 2 / 3, num("0.6666666666666666")),
    lambda: (Fraction(2, 3), Fraction("0.6666666666666666")),
    "2/3 has no finite decimal expansion",
)
_huge(
    "1/3 = 0.3333333333333333",
    "contradiction",
    lambda: (ONE / 3, num("0.3333333333333333")),
    lambda: (Fraction(1, 3), Fraction("0.3333333333333333")),
    "1/3 has no finite decimal expansion",
)
_huge(
    "1 + 10^-16 = 1",
    "contradiction",
    lambda: (1 + ten(-16), 1),
    lambda: (1 + Fraction(1, 10**16), 1),
    "differ by 10^-16 (below double epsilon)",
)
_huge(
    "10^22 + 1 = 10^22 + 2",
    "contradiction",
    lambda: (ten(22) + 1, ten(22) + 2),
    lambda: (10**22 + 1, 10**22 + 2),
    "differ by 1",
)


# ---------------------------------------------------------------------------------------
# constant-exact: algebraic and transcendental constants
# ---------------------------------------------------------------------------------------

C = "constant-exact"


def _const(text: str, kind: Kind, oracle: Callable[[], Any], why: str, exact: Callable[[], Any] | None = None) -> None:
    _add(text, kind, C, oracle, why, exact=exact)


def _fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def _lucas(n: int) -> int:
    return _fib(n - 1) + _fib(n + 1)


_const(
    "phi^2 = phi + 1",
    "identity",
    lambda: (PHI**2, PHI + 1),
    "defining equation of φ",
    lambda: (S_PHI**2, S_PHI + 1),
)
_const(
    "1/phi = phi - 1", "identity", lambda: (1 / PHI, PHI - 1), "φ² = φ + 1 divided by φ", lambda: (1 / S_PHI, S_PHI - 1)
)
_const("phi^3 = 2*phi + 1", "identity", lambda: (PHI**3, 2 * PHI + 1), "φ³ = φ² + φ", lambda: (S_PHI**3, 2 * S_PHI + 1))
_const(
    "phi = (1 + sqrt(5))/2",
    "identity",
    lambda: (PHI, (1 + sqrt(5)) / 2),
    "definition",
    lambda: (S_PHI, (1 + sp.sqrt(5)) / 2),
)
_const(
    "phi^-2 = 2 - phi",
    "identity",
    lambda: (PHI**-2, 2 - PHI),
    "1/φ² = (φ − 1)² = 2 − φ",
    lambda: (S_PHI**-2, 2 - S_PHI),
)


def _phi_oracles(n: int, a: int, b: int) -> tuple[Callable[[], Any], Callable[[], Any]]:
    return (lambda: (PHI**n, a * PHI + b)), (lambda: (S_PHI**n, a * S_PHI + b))


def _lucas_oracles(n: int, ln: int) -> tuple[Callable[[], Any], Callable[[], Any]]:
    return (lambda: (PHI**n + (-1 / PHI) ** n, ln)), (lambda: (S_PHI**n + (-1 / S_PHI) ** n, ln))


for _n in (5, 10, 20, 50, 100, 200):
    _fn, _fm = _fib(_n), _fib(_n - 1)
    _o, _x = _phi_oracles(_n, _fn, _fm)
    _const(f"phi^{_n} = {_fn}*phi + {_fm}", "identity", _o, f"φ^n = F_n·φ + F_(n−1), n = {_n}", _x)
for _n in (10, 50, 100, 200):
    _fn, _fm = _fib(_n), _fib(_n - 1) + 1
    _o, _x = _phi_oracles(_n, _fn, _fm)
    _const(f"phi^{_n} = {_fn}*phi + {_fm}", "contradiction", _o, f"off by exactly 1 from F_n·φ + F_(n−1), n = {_n}", _x)
for _n in (7, 50, 100):
    _ln = _lucas(_n)
    _o, _x = _lucas_oracles(_n, _ln)
    _const(f"phi^{_n} + (-1/phi)^{_n} = {_ln}", "identity", _o, f"Lucas number L_{_n} (Binet)", _x)
_const(
    "sqrt(2)*sqrt(3) = sqrt(6)",
    "identity",
    lambda: (sqrt(2) * sqrt(3), sqrt(6)),
    "positive radicands",
    lambda: (sp.sqrt(2) * sp.sqrt(3), sp.sqrt(6)),
)
_const(
    "(sqrt(2) + sqrt(3))^2 = 5 + 2*sqrt(6)",
    "identity",
    lambda: ((sqrt(2) + sqrt(3)) ** 2, 5 + 2 * sqrt(6)),
    "expand",
    lambda: ((sp.sqrt(2) + sp.sqrt(3)) ** 2, 5 + 2 * sp.sqrt(6)),
)


def _denest_oracles(a: int, b: int, p: int, q: int) -> tuple[Callable[[], Any], Callable[[], Any]]:
    return (
        (lambda: (sqrt(a + 2 * sqrt(b)), sqrt(p) + sqrt(q))),
        (lambda: (sp.sqrt(a + 2 * sp.sqrt(b)), sp.sqrt(p) + sp.sqrt(q))),
    )


for _p, _q, _a, _b in ((1, 2, 3, 2), (2, 3, 5, 6), (3, 5, 8, 15), (1, 3, 4, 3)):
    _rhs_t = f"1 + sqrt({_q})" if _p == 1 else f"sqrt({_p}) + sqrt({_q})"
    _o, _x = _denest_oracles(_a, _b, _p, _q)
    _const(f"sqrt({_a} + 2*sqrt({_b})) = {_rhs_t}", "identity", _o, f"(√{_p} + √{_q})² = {_a} + 2√{_b}", _x)
_const(
    "sqrt(11 + 6*sqrt(2)) = 3 + sqrt(2)",
    "identity",
    lambda: (sqrt(11 + 6 * sqrt(2)), 3 + sqrt(2)),
    "(3 + √2)² = 11 + 6√2",
    lambda: (sp.sqrt(11 + 6 * sp.sqrt(2)), 3 + sp.sqrt(2)),
)
_const(
    "sqrt(7 - 4*sqrt(3)) = 2 - sqrt(3)",
    "identity",
    lambda: (sqrt(7 - 4 * sqrt(3)), 2 - sqrt(3)),
    "(2 − √3)² = 7 − 4√3 and 2 − √3 > 0",
    lambda: (sp.sqrt(7 - 4 * sp.sqrt(3)), 2 - sp.sqrt(3)),
)
_const(
    "sqrt(7 - 4*sqrt(3)) = sqrt(3) - 2",
    "contradiction",
    lambda: (sqrt(7 - 4 * sqrt(3)), sqrt(3) - 2),
    "√3 − 2 < 0 cannot be a principal square root",
    lambda: (sp.sqrt(7 - 4 * sp.sqrt(3)), sp.sqrt(3) - 2),
)
_const(
    "sqrt(2 + sqrt(3)) = (sqrt(6) + sqrt(2))/2",
    "identity",
    lambda: (sqrt(2 + sqrt(3)), (sqrt(6) + sqrt(2)) / 2),
    "((√6 + √2)/2)² = 2 + √3",
    lambda: (sp.sqrt(2 + sp.sqrt(3)), (sp.sqrt(6) + sp.sqrt(2)) / 2),
)
_const(
    "sqrt(3 + 2*sqrt(2)) = 1 + sqrt(3)",
    "contradiction",
    lambda: (sqrt(3 + 2 * sqrt(2)), 1 + sqrt(3)),
    "the left side is 1 + √2",
    lambda: (sp.sqrt(3 + 2 * sp.sqrt(2)), 1 + sp.sqrt(3)),
)
_const(
    "sqrt(2)*sqrt(3) = sqrt(5)",
    "contradiction",
    lambda: (sqrt(2) * sqrt(3), sqrt(5)),
    "√6 ≠ √5",
    lambda: (sp.sqrt(2) * sp.sqrt(3), sp.sqrt(5)),
)
_const(
    "sqrt(8) = 2*sqrt(2)",
    "identity",
    lambda: (sqrt(8), 2 * sqrt(2)),
    "√8 = √4·√2",
    lambda: (sp.sqrt(8), 2 * sp.sqrt(2)),
)
_const(
    "2^(1/2) = sqrt(2)",
    "identity",
    lambda: (mp.mpf(2) ** (ONE / 2), sqrt(2)),
    "principal power of a positive base",
    lambda: (sp.Integer(2) ** R(1, 2), sp.sqrt(2)),
)
_const(
    "sqrt(2)^2 = 2",
    "identity",
    lambda: (sqrt(2) ** 2, 2),
    "exact (doubles give 2.0000000000000004)",
    lambda: (sp.sqrt(2) ** 2, 2),
)
_const(
    "cos(pi/5) = phi/2",
    "identity",
    lambda: (cos(pi / 5), PHI / 2),
    "cos 36° = (1+√5)/4",
    lambda: (sp.cos(sp.pi / 5), S_PHI / 2),
)
_const(
    "cos(2*pi/5) = (phi - 1)/2",
    "identity",
    lambda: (cos(2 * pi / 5), (PHI - 1) / 2),
    "cos 72° = (√5−1)/4",
    lambda: (sp.cos(2 * sp.pi / 5), (S_PHI - 1) / 2),
)
_const(
    "cos(pi/5) = phi/3",
    "contradiction",
    lambda: (cos(pi / 5), PHI / 3),
    "cos(π/5) = φ/2",
    lambda: (sp.cos(sp.pi / 5), S_PHI / 3),
)
_const("sin(pi/6) = 1/2", "identity", lambda: (sin(pi / 6), ONE / 2), "30°", lambda: (sp.sin(sp.pi / 6), R(1, 2)))
_const(
    "sin(pi/4) = sqrt(2)/2",
    "identity",
    lambda: (sin(pi / 4), sqrt(2) / 2),
    "45°",
    lambda: (sp.sin(sp.pi / 4), sp.sqrt(2) / 2),
)
_const(
    "tan(pi/3) = sqrt(3)", "identity", lambda: (tan(pi / 3), sqrt(3)), "60°", lambda: (sp.tan(sp.pi / 3), sp.sqrt(3))
)
_const(
    "cos(pi/12) = (sqrt(6) + sqrt(2))/4",
    "identity",
    lambda: (cos(pi / 12), (sqrt(6) + sqrt(2)) / 4),
    "15°",
    lambda: (sp.cos(sp.pi / 12), (sp.sqrt(6) + sp.sqrt(2)) / 4),
)
_const(
    "e^(i*pi) + 1 = 0",
    "identity",
    lambda: (E ** (IM * pi) + 1, 0),
    "Euler",
    lambda: (sp.exp(sp.I * sp.pi) + 1, 0),
)
_const("e^(i*pi) = -1", "identity", lambda: (E ** (IM * pi), -1), "Euler", lambda: (sp.exp(sp.I * sp.pi), -1))
_const("e^(i*pi) = 1", "contradiction", lambda: (E ** (IM * pi), 1), "it is −1", lambda: (sp.exp(sp.I * sp.pi), 1))
_const("log(e^2) = 2", "identity", lambda: (log(E**2), 2), "e² > 0", lambda: (sp.log(sp.E**2), 2))
_const("log(-1) = i*pi", "identity", lambda: (log(-1), IM * pi), "principal log", lambda: (sp.log(-1), sp.I * sp.pi))
_const(
    "log(-1) = -i*pi",
    "contradiction",
    lambda: (log(-1), -IM * pi),
    "principal Im log ∈ (−π, π]: it is +iπ",
    lambda: (sp.log(-1), -sp.I * sp.pi),
)
_const("i^2 = -1", "identity", lambda: (IM**2, -1), "definition", lambda: (sp.I**2, -1))
_const("i^2 = 1", "contradiction", lambda: (IM**2, 1), "i² = −1", lambda: (sp.I**2, 1))
_const(
    "i^i = exp(-pi/2)",
    "identity",
    lambda: (IM**IM, exp(-pi / 2)),
    "i^i = exp(i·log i) = exp(i·iπ/2)",
    lambda: (sp.exp(sp.I * sp.log(sp.I)), sp.exp(-sp.pi / 2)),
)
_const("i^i = exp(pi/2)", "contradiction", lambda: (IM**IM, exp(pi / 2)), "i^i = e^(−π/2) < 1 < e^(π/2)")
_const("sqrt(-4) = 2*i", "identity", lambda: (sqrt(-4), 2 * IM), "principal sqrt", lambda: (sp.sqrt(-4), 2 * sp.I))
_const(
    "sqrt(-4) = -2*i",
    "contradiction",
    lambda: (sqrt(-4), -2 * IM),
    "principal sqrt(−4) = +2i",
    lambda: (sp.sqrt(-4), -2 * sp.I),
)
_const(
    "exp(i*pi/2) = i",
    "identity",
    lambda: (exp(IM * pi / 2), IM),
    "Euler",
    lambda: (sp.exp(sp.I * sp.pi / 2), sp.I),
)
_const("(1 + i)^2 = 2*i", "identity", lambda: ((1 + IM) ** 2, 2 * IM), "expand", lambda: ((1 + sp.I) ** 2, 2 * sp.I))
_const("(1 + i)^8 = 16", "identity", lambda: ((1 + IM) ** 8, 16), "(2i)⁴ = 16", lambda: ((1 + sp.I) ** 8, 16))
_const("abs(3 + 4*i) = 5", "identity", lambda: (abs(3 + 4 * IM), 5), "3-4-5", lambda: (sp.Abs(3 + 4 * sp.I), 5))
_const(
    "log10(1000) = 3",
    "identity",
    lambda: (log10(1000), 3),
    "10³",
    lambda: (sp.log(1000) / sp.log(10), 3),
)
_const("log2(1024) = 10", "identity", lambda: (log2(1024), 10), "2¹⁰", lambda: (sp.log(1024) / sp.log(2), 10))
_const("sin(pi) = 0", "identity", lambda: (sin(pi), 0), "exact (doubles give 1.2e-16)", lambda: (sp.sin(sp.pi), 0))
_const(
    "cos(pi/2) = 0", "identity", lambda: (cos(pi / 2), 0), "exact (doubles give 6e-17)", lambda: (sp.cos(sp.pi / 2), 0)
)
_const(
    "tan(pi/4) = 1",
    "identity",
    lambda: (tan(pi / 4), 1),
    "exact (doubles give 0.9999999999999999)",
    lambda: (sp.tan(sp.pi / 4), 1),
)
_const("gamma(5) = 24", "identity", lambda: (gamma(5), 24), "4!", lambda: (sp.gamma(5), 24))
_const(
    "gamma(1/2)^2 = pi",
    "identity",
    lambda: (gamma(ONE / 2) ** 2, pi),
    "Γ(1/2) = √π",
    lambda: (sp.gamma(R(1, 2)) ** 2, sp.pi),
)
_const("atan(1) = pi/4", "identity", lambda: (atan(1), pi / 4), "45°", lambda: (sp.atan(1), sp.pi / 4))
_const(
    "4*atan(1/5) - atan(1/239) = pi/4",
    "identity",
    lambda: (4 * atan(ONE / 5) - atan(ONE / 239), pi / 4),
    "Machin's formula",
)
_const(
    "cosh(log(2)) = 5/4",
    "identity",
    lambda: (cosh(log(2)), ONE * 5 / 4),
    "(2 + 1/2)/2",
    lambda: (sp.cosh(sp.log(2)).rewrite(sp.exp), R(5, 4)),
)
_const(
    "sinh(log(3)) = 4/3",
    "identity",
    lambda: (sinh(log(3)), ONE * 4 / 3),
    "(3 − 1/3)/2",
    lambda: (sp.sinh(sp.log(3)).rewrite(sp.exp), R(4, 3)),
)
_const(
    "tanh(log(2)) = 3/5",
    "identity",
    lambda: (tanh(log(2)), ONE * 3 / 5),
    "(2 − 1/2)/(2 + 1/2)",
    lambda: (sp.tanh(sp.log(2)).rewrite(sp.exp), R(3, 5)),
)
_const(
    "asinh(3/4) = log(2)",
    "identity",
    lambda: (asinh(ONE * 3 / 4), log(2)),
    "log(3/4 + √(9/16 + 1)) = log 2",
    lambda: (sp.asinh(R(3, 4)).rewrite(sp.log), sp.log(2)),
)
_const("exp(log(7)) = 7", "identity", lambda: (exp(log(7)), 7), "inverse functions", lambda: (sp.exp(sp.log(7)), 7))
_const("pi = 355/113", "contradiction", lambda: (pi, mp.mpf(355) / 113), "π is irrational (355/113 − π ≈ 2.7e-7)")
_const("pi = 22/7", "contradiction", lambda: (pi, mp.mpf(22) / 7), "π is irrational")
_const("acos(-1) = pi", "identity", lambda: (acos(-1), pi), "180°", lambda: (sp.acos(-1), sp.pi))
_const("asin(1) = pi/2", "identity", lambda: (asin(1), pi / 2), "90°", lambda: (sp.asin(1), sp.pi / 2))
_const("sqrt(-1) = i", "identity", lambda: (sqrt(-1), IM), "principal sqrt", lambda: (sp.sqrt(-1), sp.I))
_const("e = exp(1)", "identity", lambda: (E, exp(1)), "definition", lambda: (sp.E, sp.exp(1)))
_const("log(e) = 1", "identity", lambda: (log(E), 1), "definition", lambda: (sp.log(sp.E), 1))


# ---------------------------------------------------------------------------------------
# cube-root: the real odd root versus the principal power
# ---------------------------------------------------------------------------------------

C = "cube-root"
_const_cr: list[tuple[str, Kind, Callable[[], Any], Callable[[], Any], str]] = [
    ("∛(-8) = -2", "identity", lambda: (cbrt(-8), -2), lambda: (sp.real_root(-8, 3), -2), "real cube root"),
    (
        "∛(-27) + 3 = 0",
        "identity",
        lambda: (cbrt(-27) + 3, 0),
        lambda: (sp.real_root(-27, 3) + 3, 0),
        "real cube root",
    ),
    (
        "cbrt(-2)^3 = -2",
        "identity",
        lambda: (cbrt(-2) ** 3, -2),
        lambda: (sp.real_root(-2, 3) ** 3, -2),
        "real cube root cubed",
    ),
    ("root(-27, 3) = -3", "identity", lambda: (cbrt(-27), -3), lambda: (sp.real_root(-27, 3), -3), "real root"),
    ("cbrt(-1) = -1", "identity", lambda: (cbrt(-1), -1), lambda: (sp.real_root(-1, 3), -1), "real root"),
    ("∛(-1000) = -10", "identity", lambda: (cbrt(-1000), -10), lambda: (sp.real_root(-1000, 3), -10), "real root"),
    (
        "cbrt(-0.001) = -0.1",
        "identity",
        lambda: (cbrt(-num("0.001")), -num("0.1")),
        lambda: (sp.real_root(-R(1, 1000), 3), -R(1, 10)),
        "real root of −1/1000",
    ),
    (
        "cbrt(-10^30) = -10^10",
        "identity",
        lambda: (cbrt(-ten(30)), -ten(10)),
        lambda: (sp.real_root(-(sp.Integer(10) ** 30), 3), -(sp.Integer(10) ** 10)),
        "real root",
    ),
    (
        "∛(2 + sqrt(5)) + ∛(2 - sqrt(5)) = 1",
        "identity",
        lambda: (cbrt(2 + sqrt(5)) + cbrt(2 - sqrt(5)), 1),
        lambda: (sp.real_root(2 + sp.sqrt(5), 3) + sp.real_root(2 - sp.sqrt(5), 3), 1),
        "φ³ = 2 + √5 and (−1/φ)³ = 2 − √5, so the real roots sum to φ − 1/φ = 1",
    ),
    (
        "∛(20 + 14*sqrt(2)) + ∛(20 - 14*sqrt(2)) = 4",
        "identity",
        lambda: (cbrt(20 + 14 * sqrt(2)) + cbrt(20 - 14 * sqrt(2)), 4),
        lambda: (sp.real_root(20 + 14 * sp.sqrt(2), 3) + sp.real_root(20 - 14 * sp.sqrt(2), 3), 4),
        "(2 ± √2)³ = 20 ± 14√2",
    ),
    (
        "(2 + sqrt(5))^(1/3) + (2 - sqrt(5))^(1/3) = 1",
        "contradiction",
        lambda: ((2 + sqrt(5)) ** (ONE / 3) + (2 - sqrt(5)) ** (ONE / 3), 1),
        lambda: ((2 + sp.sqrt(5)) ** R(1, 3) + (2 - sp.sqrt(5)) ** R(1, 3), 1),
        "principal power of the negative 2 − √5 is non-real: the sum has imaginary part ≠ 0",
    ),
    (
        "(-8)^(1/3) = -2",
        "contradiction",
        lambda: (mp.mpf(-8) ** (ONE / 3), -2),
        lambda: (sp.Integer(-8) ** R(1, 3), -2),
        "principal power: (−8)^(1/3) = 1 + i√3",
    ),
    ("∛(-8) = 2", "contradiction", lambda: (cbrt(-8), 2), lambda: (sp.real_root(-8, 3), 2), "it is −2"),
    (
        "(-8)^(1/3) = 1 + i*sqrt(3)",
        "identity",
        lambda: (mp.mpf(-8) ** (ONE / 3), 1 + IM * sqrt(3)),
        lambda: (sp.Integer(-8) ** R(1, 3), 1 + sp.I * sp.sqrt(3)),
        "2·e^(iπ/3)",
    ),
    (
        "(-1)^(1/3) = -1",
        "contradiction",
        lambda: (mp.mpf(-1) ** (ONE / 3), -1),
        lambda: (sp.Integer(-1) ** R(1, 3), -1),
        "principal: e^(iπ/3)",
    ),
    (
        "(-1)^(1/3) = 1/2 + sqrt(3)/2*i",
        "identity",
        lambda: (mp.mpf(-1) ** (ONE / 3), ONE / 2 + sqrt(3) / 2 * IM),
        lambda: (sp.Integer(-1) ** R(1, 3), R(1, 2) + sp.sqrt(3) / 2 * sp.I),
        "e^(iπ/3)",
    ),
    (
        "(-27)^(1/3) = 3/2 + 3*sqrt(3)/2*i",
        "identity",
        lambda: (mp.mpf(-27) ** (ONE / 3), ONE * 3 / 2 + 3 * sqrt(3) / 2 * IM),
        lambda: (sp.Integer(-27) ** R(1, 3), R(3, 2) + 3 * sp.sqrt(3) / 2 * sp.I),
        "3·e^(iπ/3)",
    ),
    (
        "root(-8, 3)^2 = 4",
        "identity",
        lambda: (cbrt(-8) ** 2, 4),
        lambda: (sp.real_root(-8, 3) ** 2, 4),
        "(−2)² = 4",
    ),
    (
        "∛(-2)*∛(-4) = 2",
        "identity",
        lambda: (cbrt(-2) * cbrt(-4), 2),
        lambda: (sp.real_root(-2, 3) * sp.real_root(-4, 3), 2),
        "(−∛2)(−∛4) = ∛8",
    ),
]
for _t, _kind, _o, _x, _why in _const_cr:
    _add(_t, _kind, C, _o, _why, exact=_x)
ident("∛(x^3) = x", C, lambda x: (cbrt(x**3), x), "real cube root of a real cube")
ident("cbrt(x)^3 = x", C, lambda x: (cbrt(x) ** 3, x), "real cube root")
ident("cbrt(x*y) = cbrt(x)*cbrt(y)", C, lambda x, y: (cbrt(x * y), cbrt(x) * cbrt(y)), "real root is multiplicative")
ident("∛(x^6) = x^2", C, lambda x: (cbrt(x**6), x**2), "x⁶ = (x²)³, x² ≥ 0")
ident("root(x^3, 3) = x", C, lambda x: (cbrt(x**3), x), "real cube root")
ident("cbrt(-x) = -cbrt(x)", C, lambda x: (cbrt(-x), -cbrt(x)), "real cube root is odd")
ident("cbrt(8*x) = 2*cbrt(x)", C, lambda x: (cbrt(8 * x), 2 * cbrt(x)), "∛8 = 2")
ident("cbrt(x^2) = abs(x)^(2/3)", C, lambda x: (cbrt(x**2), abs(x) ** (ONE * 2 / 3)), "x² = |x|², positive base")
ident("cbrt(x) + cbrt(-x) = 0", C, lambda x: (cbrt(x) + cbrt(-x), 0), "odd function")
rel("∛(x^3) = abs(x)", C, lambda x: (cbrt(x**3), abs(x)), "2", "-2", "∛(x³) = x")
rel("x^(1/3) = cbrt(x)", C, lambda x: (x ** (ONE / 3), cbrt(x)), "8", "-8", "principal vs real root differ for x < 0")
rel(
    "(x^3)^(1/3) = cbrt(x^3)",
    C,
    lambda x: ((x**3) ** (ONE / 3), cbrt(x**3)),
    "1",
    "-1",
    "principal power is non-real for x < 0",
)
rel(
    "cbrt(x)^2 = x^(2/3)",
    C,
    lambda x: (cbrt(x) ** 2, x ** (ONE * 2 / 3)),
    "8",
    "-8",
    "x < 0: |x|^(2/3) vs e^(2iπ/3)|x|^(2/3)",
)
rel("x^(2/3) = cbrt(x^2)", C, lambda x: (x ** (ONE * 2 / 3), cbrt(x**2)), "8", "-8", "x < 0: principal power non-real")
rel("cbrt(x) = -2", C, lambda x: (cbrt(x), -2), "-8", "8", "real root of −8 (a principal root has no real solution)")
rel("cbrt(x) = x", C, lambda x: (cbrt(x), x), "-1", "8", "x ∈ {−1, 0, 1}")
rel("cbrt(x) = -x", C, lambda x: (cbrt(x), -x), "0", "1", "x = −x³ only at 0")
contra("cbrt(x)^3 = x + 1", C, lambda x: (cbrt(x) ** 3, x + 1), "cbrt(x)³ = x: gap −1")


# ---------------------------------------------------------------------------------------
# power-parse: precedence and associativity of ^ and unary minus
# ---------------------------------------------------------------------------------------

C = "power-parse"
_pp: list[tuple[str, Kind, Callable[[], Any], Callable[[], Any], str]] = [
    ("-2^2 = -4", "identity", lambda: (-(mp.mpf(2) ** 2), -4), lambda: (-(2**2), -4), "−(2²)"),
    ("-2^2 = 4", "contradiction", lambda: (-(mp.mpf(2) ** 2), 4), lambda: (-(2**2), 4), "−(2²) = −4"),
    ("(-2)^2 = 4", "identity", lambda: (mp.mpf(-2) ** 2, 4), lambda: ((-2) ** 2, 4), "parenthesised base"),
    ("2^3^2 = 512", "identity", lambda: (mp.mpf(2) ** 9, 512), lambda: (2 ** (3**2), 512), "2^(3^2)"),
    ("2^3^2 = 64", "contradiction", lambda: (mp.mpf(2) ** 9, 64), lambda: (2 ** (3**2), 64), "2^(3^2) = 512"),
    ("(2^3)^2 = 64", "identity", lambda: (mp.mpf(8) ** 2, 64), lambda: ((2**3) ** 2, 64), "parenthesised"),
    (
        "-8^(1/3) = -2",
        "identity",
        lambda: (-(mp.mpf(8) ** (ONE / 3)), -2),
        lambda: (-(sp.Integer(8) ** R(1, 3)), -2),
        "−(8^(1/3)): the minus is outside the power",
    ),
    (
        "2^-1 = 0.5",
        "identity",
        lambda: (mp.mpf(2) ** -1, num("0.5")),
        lambda: (Fraction(1, 2), Fraction("0.5")),
        "2^(−1)",
    ),
    ("2^2^2^2 = 65536", "identity", lambda: (mp.mpf(2) ** 16, 65536), lambda: (2 ** (2 ** (2**2)), 65536), "2^(2^4)"),
    ("3^3^3 = 3^27", "identity", lambda: (mp.mpf(3) ** 27, mp.mpf(3) ** 27), lambda: (3 ** (3**3), 3**27), "3^(3^3)"),
    (
        "3^3^3 = 19683",
        "contradiction",
        lambda: (mp.mpf(3) ** 27, 19683),
        lambda: (3 ** (3**3), 19683),
        "19683 = (3^3)^3",
    ),
    ("(3^3)^3 = 19683", "identity", lambda: (mp.mpf(27) ** 3, 19683), lambda: ((3**3) ** 3, 19683), "27³"),
    (
        "10^-2 = 0.01",
        "identity",
        lambda: (ten(-2), num("0.01")),
        lambda: (Fraction(1, 100), Fraction("0.01")),
        "10^(−2)",
    ),
    (
        "-2^-2 = -0.25",
        "identity",
        lambda: (-(mp.mpf(2) ** -2), -num("0.25")),
        lambda: (-Fraction(1, 4), -Fraction("0.25")),
        "−(2^(−2))",
    ),
    (
        "2^-2^2 = 1/16",
        "identity",
        lambda: (mp.mpf(2) ** -4, ONE / 16),
        lambda: (Fraction(1, 2 ** (2**2)), Fraction(1, 16)),
        "2^(−(2²)) = 2⁻⁴",
    ),
]
for _t, _kind, _o, _x, _why in _pp:
    _add(_t, _kind, C, _o, _why, exact=_x)
ident("x^2^3 = x^8", C, lambda x: (x ** (2**3), x**8), "x^(2^3)")
rel("x^2^3 = x^6", C, lambda x: (x ** (2**3), x**6), "1", "2", "x⁸ = x⁶ only for x ∈ {−1, 0, 1}")
ident("-x^2 = -(x^2)", C, lambda x: (-(x**2), -(x**2)), "unary minus binds looser than ^")
rel("-x^2 = (-x)^2", C, lambda x: (-(x**2), (-x) ** 2), "0", "1", "−x² = x² only at 0")
ident("-x^2 + x^2 = 0", C, lambda x: (-(x**2) + x**2, 0), "−(x²) + x²")
ident("2x^2 = 2*(x^2)", C, lambda x: (2 * x**2, 2 * (x**2)), "implicit product binds looser than ^")
ident("(-x)^3 = -x^3", C, lambda x: ((-x) ** 3, -(x**3)), "odd power")


# ---------------------------------------------------------------------------------------
# no-solution: range arguments, valid over ℂ too
# ---------------------------------------------------------------------------------------

C = "no-solution"
nosol("exp(x) = 0", C, lambda x: (exp(x), 0), "exp(z) ≠ 0 for every complex z")
nosol("exp(3*x) = 0", C, lambda x: (exp(3 * x), 0), "exp(z) ≠ 0 for every complex z")
nosol("exp(x^2) = 0", C, lambda x: (exp(x**2), 0), "exp(z) ≠ 0 for every complex z")
nosol("exp(x)^2 = 0", C, lambda x: (exp(x) ** 2, 0), "exp(z) ≠ 0 for every complex z")
nosol("abs(exp(x)) = 0", C, lambda x: (abs(exp(x)), 0), "exp(z) ≠ 0 for every complex z")
nosol("exp(x - y) = 0", C, lambda x, y: (exp(x - y), 0), "exp(z) ≠ 0 for every complex z")
nosol("exp(x)*exp(y) = 0", C, lambda x, y: (exp(x) * exp(y), 0), "product of nonzero numbers")
nosol("1/exp(x) = 0", C, lambda x: (1 / exp(x), 0), "1/w ≠ 0 for finite w")
nosol("1/x = 0", C, lambda x: (1 / x, 0), "1/z ≠ 0 for every complex z ≠ 0")
nosol("1/(x - 3) = 0", C, lambda x: (1 / (x - 3), 0), "1/w ≠ 0")
nosol("1/(x^2 + 1) = 0", C, lambda x: (1 / (x**2 + 1), 0), "1/w ≠ 0 (at x = ±i the left is undefined)")
nosol(
    "(x + 1)/(x^2 + 2*x + 1) = 0",
    C,
    lambda x: ((x + 1) / (x**2 + 2 * x + 1), 0),
    "equals 1/(x + 1) ≠ 0 wherever defined",
)
nosol("abs(x) = -1", C, lambda x: (abs(x), -1), "|z| ≥ 0")
nosol("|x| + 1 = 0", C, lambda x: (abs(x) + 1, 0), "|z| + 1 ≥ 1")
nosol("abs(x)^2 + 1 = 0", C, lambda x: (abs(x) ** 2 + 1, 0), "|z|² + 1 ≥ 1")
nosol("abs(x^2 - 1) = -0.5", C, lambda x: (abs(x**2 - 1), -num("0.5")), "|w| ≥ 0")
nosol("abs(x) = i", C, lambda x: (abs(x), IM), "|z| is real, i is not")
nosol("sqrt(x) = -1", C, lambda x: (sqrt(x), -1), "principal sqrt has real part ≥ 0")
nosol("sqrt(x) + 2 = 0", C, lambda x: (sqrt(x) + 2, 0), "principal sqrt has real part ≥ 0")
nosol("sqrt(x^2 + 1) = -1", C, lambda x: (sqrt(x**2 + 1), -1), "principal sqrt has real part ≥ 0")
nosol("sqrt(x) = -1 + i", C, lambda x: (sqrt(x), -1 + IM), "principal sqrt has real part ≥ 0, not −1")
nosol(
    "sqrt(x) = -i",
    C,
    lambda x: (sqrt(x), -IM),
    "sqrt(z) = −i forces z = −1, but principal sqrt(−1) = +i",
)
nosol("cosh(x) = sinh(x)", C, lambda x: (cosh(x), sinh(x)), "cosh z − sinh z = e^(−z) ≠ 0")
nosol("tanh(x) = 1", C, lambda x: (tanh(x), 1), "tanh z − 1 = −2/(e^(2z) + 1) ≠ 0")
nosol("tanh(x) = -1", C, lambda x: (tanh(x), -1), "tanh z + 1 = 2e^(2z)/(e^(2z) + 1) ≠ 0")
nosol(
    "|x - 1| + |x + 1| = 1",
    C,
    lambda x: (abs(x - 1) + abs(x + 1), 1),
    "|z−1| + |z+1| ≥ |2| = 2 > 1 for every complex z (triangle inequality)",
)
nosol("|x| + |x - 4| = 3", C, lambda x: (abs(x) + abs(x - 4), 3), "|z| + |z−4| ≥ 4 > 3 (triangle inequality)")
nosol(
    "|x + 2| + |x - 2| = 3.9",
    C,
    lambda x: (abs(x + 2) + abs(x - 2), num("3.9")),
    "|z+2| + |z−2| ≥ 4 > 3.9 (triangle inequality)",
)
nosol(
    "|x - 10| + |x + 10| = 19.999",
    C,
    lambda x: (abs(x - 10) + abs(x + 10), num("19.999")),
    "|z−10| + |z+10| ≥ 20 > 19.999 (triangle inequality)",
)
nosol("exp(x) = -exp(x)", C, lambda x: (exp(x), -exp(x)), "would need 2e^z = 0")
nosol("log(x) = 2*pi*i", C, lambda x: (log(x), 2 * pi * IM), "principal Im log ∈ (−π, π], 2π is outside")
nosol("log(x) = 1 + 4*i", C, lambda x: (log(x), 1 + 4 * IM), "principal Im log ∈ (−π, π], 4 > π")
nosol("asin(x) = 2", C, lambda x: (asin(x), 2), "principal Re asin ∈ [−π/2, π/2], 2 > π/2")
nosol("acos(x) = -1", C, lambda x: (acos(x), -1), "principal Re acos ∈ [0, π]")
nosol("atan(x) = 2", C, lambda x: (atan(x), 2), "principal Re atan ∈ [−π/2, π/2], 2 > π/2")
nosol("atan(x) = pi/2", C, lambda x: (atan(x), pi / 2), "atan z = π/2 would need tan(π/2); on the cuts Im ≠ 0")
nosol("tan(x) = i", C, lambda x: (tan(x), IM), "with w = e^(2iz): tan z = (w−1)/(i(w+1)) = i forces w = 0")
nosol("cot(x) = i", C, lambda x: (cot(x), IM), "with w = e^(2iz): cot z = i(w+1)/(w−1) = i forces 1 = −1")
nosol(
    "sqrt(-exp(2*x)) = exp(x)",
    C,
    lambda x: (sqrt(-exp(2 * x)), exp(x)),
    "squaring would need −e^(2z) = e^(2z), i.e. e^(2z) = 0",
)
nosol("exp(x)/(exp(x) + 1) = 1", C, lambda x: (exp(x) / (exp(x) + 1), 1), "would need e^z = e^z + 1")
nosol("abs(x) + abs(y) = -3", C, lambda x, y: (abs(x) + abs(y), -3), "sum of moduli ≥ 0")
nosol("abs(x - y) = -1", C, lambda x, y: (abs(x - y), -1), "|w| ≥ 0")
nosol(
    "sqrt(x) + sqrt(y) = -1",
    C,
    lambda x, y: (sqrt(x) + sqrt(y), -1),
    "each principal sqrt has real part ≥ 0",
)
nosol("abs(x) + abs(y) + 1 = 0", C, lambda x, y: (abs(x) + abs(y) + 1, 0), "≥ 1")


# ---------------------------------------------------------------------------------------
# complex-only: no real solution, a complex one (math mode) -> relation, complex_only
# ---------------------------------------------------------------------------------------

C = "complex-only"
cplx("x^2 = -1", C, lambda x: (x**2, -1), lambda: IM, "0", "x² ≥ 0 for real x; x = i")
cplx("x^2 = -4", C, lambda x: (x**2, -4), lambda: 2 * IM, "2", "x² ≥ 0 for real x; x = 2i")
cplx("x^2 + 1 = 0", C, lambda x: (x**2 + 1, 0), lambda: -IM, "0", "x² + 1 ≥ 1 for real x; x = −i")
cplx(
    "x^2 + x + 1 = 0",
    C,
    lambda x: (x**2 + x + 1, 0),
    lambda: (-1 + IM * sqrt(3)) / 2,
    "0",
    "discriminant −3 < 0; x = e^(2iπ/3)",
)
cplx("x^4 = -1", C, lambda x: (x**4, -1), lambda: exp(IM * pi / 4), "1", "x⁴ ≥ 0 for real x; x = e^(iπ/4)")
cplx("x^6 + 1 = 0", C, lambda x: (x**6 + 1, 0), lambda: IM, "0", "x⁶ + 1 ≥ 1 for real x; x = i")
cplx(
    "x^2 - 2*x + 2 = 0",
    C,
    lambda x: (x**2 - 2 * x + 2, 0),
    lambda: 1 + IM,
    "1",
    "(x−1)² + 1 ≥ 1 for real x; x = 1 + i",
)
cplx("x^2 = 2*i", C, lambda x: (x**2, 2 * IM), lambda: 1 + IM, "1", "real x² is real; x = 1 + i")
cplx("sin(x) = 2", C, lambda x: (sin(x), 2), lambda: asin(2), "0", "|sin x| ≤ 1 for real x; x = asin(2)")
cplx("cos(x) = 3", C, lambda x: (cos(x), 3), lambda: acos(3), "0", "|cos x| ≤ 1 for real x; x = acos(3)")
cplx("cos(x) = -2", C, lambda x: (cos(x), -2), lambda: acos(-2), "0", "|cos x| ≤ 1 for real x; x = acos(−2)")
cplx("exp(x) = -1", C, lambda x: (exp(x), -1), lambda: IM * pi, "0", "eˣ > 0 for real x; x = iπ")
cplx("exp(x) = i", C, lambda x: (exp(x), IM), lambda: IM * pi / 2, "0", "eˣ real for real x; x = iπ/2")
cplx(
    "exp(2*x) = -4",
    C,
    lambda x: (exp(2 * x), -4),
    lambda: log(2) + IM * pi / 2,
    "0",
    "e^(2x) > 0 for real x; x = log 2 + iπ/2",
)
cplx(
    "exp(x) + exp(-x) = 1",
    C,
    lambda x: (exp(x) + exp(-x), 1),
    lambda: IM * pi / 3,
    "0",
    "2cosh x ≥ 2 for real x; 2cos(π/3) = 1 at x = iπ/3",
)
cplx("cosh(x) = 1/2", C, lambda x: (cosh(x), ONE / 2), lambda: IM * pi / 3, "0", "cosh ≥ 1 on ℝ; cos(π/3) = 1/2")
cplx("cosh(x) = 0", C, lambda x: (cosh(x), 0), lambda: IM * pi / 2, "0", "cosh ≥ 1 on ℝ; cos(π/2) = 0")
cplx(
    "sinh(x) = cosh(x) + 1",
    C,
    lambda x: (sinh(x), cosh(x) + 1),
    lambda: IM * pi,
    "0",
    "sinh − cosh = −e^(−x) < 0 on ℝ; e^(−iπ) = −1",
)
cplx(
    "sinh(x) = 2*i",
    C,
    lambda x: (sinh(x), 2 * IM),
    lambda: acosh(2) + IM * pi / 2,
    "0",
    "sinh is real on ℝ; sinh(a + iπ/2) = i·cosh a",
)
cplx(
    "log(x) = i*pi/2",
    C,
    lambda x: (log(x), IM * pi / 2),
    lambda: IM,
    "1",
    "Im log x ∈ {0, π} for real x; log i = iπ/2",
)
cplx(
    "sqrt(x) = 1 + i",
    C,
    lambda x: (sqrt(x), 1 + IM),
    lambda: 2 * IM,
    "1",
    "sqrt of a real is real or imaginary; sqrt(2i) = 1+i",
)
cplx(
    "abs(sin(x)) = 2",
    C,
    lambda x: (abs(sin(x)), 2),
    lambda: asin(2),
    "0",
    "|sin x| ≤ 1 for real x; sin(asin 2) = 2",
)
cplx(
    "tan(x) = 2*i",
    C,
    lambda x: (tan(x), 2 * IM),
    lambda: pi / 2 + IM * log(3) / 2,
    "0",
    "tan is real on ℝ; tan(π/2 + iy) = i·coth y = 2i for y = (log 3)/2",
)
cplx(
    "log(x^2) - 2*log(x) = 2*pi*i",
    C,
    lambda x: (log(x**2) - 2 * log(x), 2 * pi * IM),
    lambda: -1 - IM,
    "1",
    "real x: the left is 0 or −2πi; z = −1−i: log(2i) − 2log(−1−i) = 2πi",
)
cplx(
    "x^2 = -abs(x) - 1",
    C,
    lambda x: (x**2, -abs(x) - 1),
    lambda: IM * PHI,
    "0",
    "x² ≥ 0 > −|x| − 1 on ℝ; x = iφ: −φ² = −φ − 1",
)
cplx(
    "x^2 + y^2 = -1",
    C,
    lambda x, y: (x**2 + y**2, -1),
    (lambda: IM * sqrt(2), "1"),
    ("0", "0"),
    "sum of real squares ≥ 0; x = i√2, y = 1",
)
cplx(
    "exp(x) + exp(y) = 0",
    C,
    lambda x, y: (exp(x) + exp(y), 0),
    (lambda: IM * pi, "0"),
    ("0", "0"),
    "sum of positive reals; x = iπ, y = 0",
)


# ---------------------------------------------------------------------------------------
# relation: ordinary conditions on the variables
# ---------------------------------------------------------------------------------------

C = "relation"
rel("x^2 = x + 1", C, lambda x: (x**2, x + 1), lambda: PHI, "0", "x = φ")
rel("x^2 = 2", C, lambda x: (x**2, 2), lambda: sqrt(2), "1", "x = √2")
rel("x^2 - 5*x + 6 = 0", C, lambda x: (x**2 - 5 * x + 6, 0), "2", "0", "roots 2, 3")
rel("x^3 = 8", C, lambda x: (x**3, 8), "2", "0", "x = 2")
rel("2x + 1 = 7", C, lambda x: (2 * x + 1, 7), "3", "0", "x = 3")
rel("x + y = 1", C, lambda x, y: (x + y, 1), ("0.25", "0.75"), ("0", "0"), "a line")
rel("x*y = 1", C, lambda x, y: (x * y, 1), ("2", "0.5"), ("0", "0"), "a hyperbola")
rel("x^2 + y^2 = 1", C, lambda x, y: (x**2 + y**2, 1), ("0.6", "0.8"), ("0", "0"), "unit circle")
rel("sin(x) = 0", C, lambda x: (sin(x), 0), lambda: pi, "1", "x = kπ")
rel("sin(x) = 1/2", C, lambda x: (sin(x), ONE / 2), lambda: pi / 6, "0", "x = π/6")
rel(
    "cos(x) = x",
    C,
    lambda x: (cos(x), x),
    lambda: mp.findroot(lambda t: cos(t) - t, num("0.739")),
    "0",
    "Dottie number 0.739…",
)
rel("exp(x) = 2", C, lambda x: (exp(x), 2), lambda: log(2), "0", "x = log 2")
rel("log(x) = 1", C, lambda x: (log(x), 1), lambda: E, "1", "x = e")
rel("x^x = 4", C, lambda x: (x**x, 4), "2", "1", "x = 2")
rel("tan(x) = 1", C, lambda x: (tan(x), 1), lambda: pi / 4, "0", "x = π/4")
rel(
    "exp(x) = x + 2",
    C,
    lambda x: (exp(x), x + 2),
    lambda: mp.findroot(lambda t: exp(t) - t - 2, num("1.15")),
    "0",
    "two real roots (≈ 1.146, −1.841)",
)
rel("x^3 - x = 0", C, lambda x: (x**3 - x, 0), "1", "2", "roots −1, 0, 1")
rel("gamma(x) = 1", C, lambda x: (gamma(x), 1), "2", "3", "Γ(1) = Γ(2) = 1")
rel("gamma(x) = 24", C, lambda x: (gamma(x), 24), "5", "1", "Γ(5) = 4!")
rel("x^2 + y^2 + z^2 = 3", C, lambda x, y, z: (x**2 + y**2 + z**2, 3), ("1", "1", "1"), ("0", "0", "0"), "a sphere")
rel("a*x + b = 0", C, lambda a, b, x: (a * x + b, 0), ("2", "-4", "2"), ("1", "1", "1"), "a linear condition")
rel("sqrt(x) = 3", C, lambda x: (sqrt(x), 3), "9", "4", "x = 9")
rel("log10(x) = 2", C, lambda x: (log10(x), 2), "100", "10", "x = 100")
rel("2^x = 10", C, lambda x: (2**x, 10), lambda: log2(10), "3", "x = log2 10")
rel("sinh(x) = 1", C, lambda x: (sinh(x), 1), lambda: asinh(1), "0", "x = asinh 1")
rel(
    "x^5 - x - 1 = 0",
    C,
    lambda x: (x**5 - x - 1, 0),
    lambda: mp.findroot(lambda t: t**5 - t - 1, num("1.17")),
    "0",
    "one real root ≈ 1.1673",
)
rel("phi*x = 1", C, lambda x: (PHI * x, 1), lambda: PHI - 1, "1", "x = 1/φ = φ − 1")
rel("e^x = pi", C, lambda x: (E**x, pi), lambda: log(pi), "0", "x = log π")
rel("x*y*z = 6", C, lambda x, y, z: (x * y * z, 6), ("1", "2", "3"), ("1", "1", "1"), "a surface")
rel("t^2 = u", C, lambda t, u: (t**2, u), ("2", "4"), ("1", "2"), "a parabola")
rel("w = abs(w)", C, lambda w: (w, abs(w)), "1", "-1", "w ≥ 0")
rel("x^2 - 2*x + 1 = 0", C, lambda x: (x**2 - 2 * x + 1, 0), "1", "0", "double root 1")
rel("(x - 10^9)^2 = 0", C, lambda x: ((x - ten(9)) ** 2, 0), "1e9", "0", "x = 10⁹")
rel("x/(x^2 + 1) = 0", C, lambda x: (x / (x**2 + 1), 0), "0", "1", "x = 0")
rel("x^2 = -abs(x)", C, lambda x: (x**2, -abs(x)), "0", "1", "only x = 0")
rel("sqrt(x) = -sqrt(x)", C, lambda x: (sqrt(x), -sqrt(x)), "0", "1", "only x = 0")
rel("abs(x) = -abs(y)", C, lambda x, y: (abs(x), -abs(y)), ("0", "0"), ("1", "1"), "only x = y = 0")
rel("cosh(x) = 1 - x^2", C, lambda x: (cosh(x), 1 - x**2), "0", "1", "only x = 0")
rel("x^2 + y^2 = 0", C, lambda x, y: (x**2 + y**2, 0), ("0", "0"), ("1", "0"), "only the origin (over ℝ)")
rel("1/x = 1/y", C, lambda x, y: (1 / x, 1 / y), ("2", "2"), ("1", "2"), "x = y ≠ 0")
rel("sqrt(x) = i", C, lambda x: (sqrt(x), IM), "-1", "1", "a real solution: sqrt(−1) = i")
rel("exp(x) + exp(-x) = 3", C, lambda x: (exp(x) + exp(-x), 3), lambda: acosh(ONE * 3 / 2), "0", "2cosh x = 3")
rel("x^x = x", C, lambda x: (x**x, x), "1", "2", "x = 1")
rel("log(x) = log(2) + log(3)", C, lambda x: (log(x), log(2) + log(3)), "6", "1", "x = 6")


# ---------------------------------------------------------------------------------------
# contradiction: lhs − rhs a nonzero constant
# ---------------------------------------------------------------------------------------

C = "contradiction"
contra("x = x + 1", C, lambda x: (x, x + 1), "gap −1")
contra("x/x = 2", C, lambda x: (x / x, 2), "gap −1 wherever x ≠ 0")
contra("x/x = 0", C, lambda x: (x / x, 0), "gap 1 wherever x ≠ 0 (not a no-solution: the gap is constant)")
contra("x - x = 1", C, lambda x: (x - x, 1), "gap −1")
contra("2*(x + 1) = 2*x + 3", C, lambda x: (2 * (x + 1), 2 * x + 3), "gap −1")
contra("(x+1)^2 = x^2 + 2*x + 2", C, lambda x: ((x + 1) ** 2, x**2 + 2 * x + 2), "gap −1")
contra("sin(x)^2 + cos(x)^2 = 2", C, lambda x: (sin(x) ** 2 + cos(x) ** 2, 2), "gap −1")
contra("exp(x)/exp(x) = 2", C, lambda x: (exp(x) / exp(x), 2), "gap −1")
contra("log(exp(x)) = x + 1", C, lambda x: (log(exp(x)), x + 1), "gap −1")
contra("sqrt(x)^2 = x + 1", C, lambda x: (sqrt(x) ** 2, x + 1), "gap −1 (also for x < 0)")
contra("abs(x)^2 = x^2 - 1", C, lambda x: (abs(x) ** 2, x**2 - 1), "gap 1")
contra("x + y = y + x + 1", C, lambda x, y: (x + y, y + x + 1), "gap −1")
contra(
    "(x+y)^2 = x^2 + 2*x*y + y^2 + 1",
    C,
    lambda x, y: ((x + y) ** 2, x**2 + 2 * x * y + y**2 + 1),
    "gap −1",
)
contra("cosh(x)^2 - sinh(x)^2 = 0", C, lambda x: (cosh(x) ** 2 - sinh(x) ** 2, 0), "gap 1")
contra("exp(i*x)*exp(-i*x) = 2", C, lambda x: (exp(IM * x) * exp(-IM * x), 2), "gap −1")
contra("tan(x)*cot(x) = 2", C, lambda x: (tan(x) * cot(x), 2), "gap −1 where defined")
contra("t = t - 1", C, lambda t: (t, t - 1), "gap 1")
contra("u + 1 = u + 2", C, lambda u: (u + 1, u + 2), "gap −1")
contra("w*0 = 1", C, lambda w: (w * 0, 1), "gap −1")
contra("exp(x) - 1 = exp(x)", C, lambda x: (exp(x) - 1, exp(x)), "gap −1")
contra("exp(log(x)) = x + 1", C, lambda x: (exp(log(x)), x + 1), "gap −1 wherever x ≠ 0")
contra("x y - y*x = 1", C, lambda x, y: (x * y - y * x, 1), "gap −1")
contra("sin(x + 2*pi) = sin(x) + 1", C, lambda x: (sin(x + 2 * pi), sin(x) + 1), "gap −1")
contra("a*(b + 1) = a*b + a + 3", C, lambda a, b: (a * (b + 1), a * b + a + 3), "gap −3")
contra(
    "gamma(x + 1)/gamma(x) = x + 1",
    C,
    lambda x: (gamma(x + 1) / gamma(x), x + 1),
    "Γ(x+1)/Γ(x) = x: gap −1 where defined",
)
contra("exp(x + log(2)) = 2*exp(x) + 1", C, lambda x: (exp(x + log(2)), 2 * exp(x) + 1), "gap −1")
contra(
    "(x^3 - x)/(x^2 - 1) = x + 1",
    C,
    lambda x: ((x**3 - x) / (x**2 - 1), x + 1),
    "the left is x where defined: gap −1",
)


# ---------------------------------------------------------------------------------------
# system: inconsistent, consistent, dependent, and systems with a bad equation
# ---------------------------------------------------------------------------------------

C = "system"
incons("x = 1; x = 2", lambda x: ((x, 1), (x, 2)), ("1", "2"), "1 ≠ 2", lambda x: (x - 1, x - 2))
incons(
    "y = 2x + 1; y = 2x + 3",
    lambda x, y: ((y, 2 * x + 1), (y, 2 * x + 3)),
    (("0", "1"), ("0", "3")),
    "parallel lines",
    lambda x, y: (y - 2 * x - 1, y - 2 * x - 3),
)
incons(
    "x = y; y = z; z = x + 1",
    lambda x, y, z: ((x, y), (y, z), (z, x + 1)),
    (("1", "1", "0"), ("0", "1", "1"), ("0", "0", "1")),
    "x = y = z contradicts z = x + 1",
    lambda x, y, z: (x - y, y - z, z - x - 1),
)
incons(
    "x^2 + y^2 = 1; x^2 + y^2 = 4",
    lambda x, y: ((x**2 + y**2, 1), (x**2 + y**2, 4)),
    (("1", "0"), ("2", "0")),
    "same expression, two values",
    lambda x, y: (x**2 + y**2 - 1, x**2 + y**2 - 4),
)
incons(
    "x + y = 1; x + y = 2",
    lambda x, y: ((x + y, 1), (x + y, 2)),
    (("1", "0"), ("2", "0")),
    "parallel lines",
    lambda x, y: (x + y - 1, x + y - 2),
)
incons(
    "x + y = 1; 2*x + 2*y = 3",
    lambda x, y: ((x + y, 1), (2 * x + 2 * y, 3)),
    (("1", "0"), ("1.5", "0")),
    "2·(x + y) = 2 ≠ 3",
    lambda x, y: (x + y - 1, 2 * x + 2 * y - 3),
)
incons(
    "x + y + z = 1; x - y = 0; 2*x + z = 3",
    lambda x, y, z: ((x + y + z, 1), (x - y, 0), (2 * x + z, 3)),
    (("1", "0", "0"), ("0", "0", "0"), ("0", "0", "3")),
    "with x = y the first gives 2x + z = 1 ≠ 3",
    lambda x, y, z: (x + y + z - 1, x - y, 2 * x + z - 3),
)
incons(
    "x*y = 1; x = 0",
    lambda x, y: ((x * y, 1), (x, 0)),
    (("1", "1"), ("0", "0")),
    "x = 0 makes xy = 0",
    lambda x, y: (x * y - 1, x),
)
incons(
    "x^2 = 1; x^3 = 8",
    lambda x: ((x**2, 1), (x**3, 8)),
    ("1", "2"),
    "x = ±1 gives x³ = ±1",
    lambda x: (x**2 - 1, x**3 - 8),
)
incons(
    "x^2 - 1 = 0; x^2 - 4 = 0",
    lambda x: ((x**2 - 1, 0), (x**2 - 4, 0)),
    ("1", "2"),
    "x² cannot be 1 and 4",
    lambda x: (x**2 - 1, x**2 - 4),
)
incons(
    "x*y = 0; x = 1; y = 1",
    lambda x, y: ((x * y, 0), (x, 1), (y, 1)),
    (("0", "0"), ("1", "0"), ("0", "1")),
    "x = y = 1 gives xy = 1",
    lambda x, y: (x * y, x - 1, y - 1),
)
incons(
    "x + y = 2; x*y = 1; x - y = 1",
    lambda x, y: ((x + y, 2), (x * y, 1), (x - y, 1)),
    (("1", "1"), ("1", "1"), ("1", "0")),
    "the first two force x = y = 1",
    lambda x, y: (x + y - 2, x * y - 1, x - y - 1),
)
incons(
    "y = x^2; y = x^2 + 1",
    lambda x, y: ((y, x**2), (y, x**2 + 1)),
    (("0", "0"), ("0", "1")),
    "y − x² cannot be 0 and 1",
    lambda x, y: (y - x**2, y - x**2 - 1),
)
incons(
    "x - y = 1; y - z = 1; z - x = 1",
    lambda x, y, z: ((x - y, 1), (y - z, 1), (z - x, 1)),
    (("1", "0", "0"), ("0", "1", "0"), ("0", "0", "1")),
    "the three left sides sum to 0, the right sides to 3",
    lambda x, y, z: (x - y - 1, y - z - 1, z - x - 1),
)
incons(
    "a + b = 3; a - b = 1; a*b = 5",
    lambda a, b: ((a + b, 3), (a - b, 1), (a * b, 5)),
    (("3", "0"), ("1", "0"), ("5", "1")),
    "a = 2, b = 1 gives ab = 2",
    lambda a, b: (a + b - 3, a - b - 1, a * b - 5),
)
incons(
    "x*y = 2; x*y = 3",
    lambda x, y: ((x * y, 2), (x * y, 3)),
    (("1", "2"), ("1", "3")),
    "xy cannot be 2 and 3",
    lambda x, y: (x * y - 2, x * y - 3),
)
incons(
    "u + w = 1; u + w = 1 + 10^-20",
    lambda u, w: ((u + w, 1), (u + w, 1 + ten(-20))),
    (("1", "0"), (lambda: 1 + ten(-20), "0")),
    "1 ≠ 1 + 10⁻²⁰ (equal as doubles)",
    lambda u, w: (u + w - 1, u + w - 1 - R(1, 10**20)),
)
incons(
    "x = 10^20; x = 10^20 + 1",
    lambda x: ((x, ten(20)), (x, ten(20) + 1)),
    ("1e20", lambda: ten(20) + 1),
    "differ by 1 (equal as doubles)",
    lambda x: (x - sp.Integer(10) ** 20, x - sp.Integer(10) ** 20 - 1),
)
incons(
    "t^2 = 4; t^2 = 4 + 10^-30",
    lambda t: ((t**2, 4), (t**2, 4 + ten(-30))),
    ("2", lambda: sqrt(4 + ten(-30))),
    "t² cannot take two values",
    lambda t: (t**2 - 4, t**2 - 4 - R(1, 10**30)),
)
incons(
    "x + y = 0; x - y = 0; x*y = 1",
    lambda x, y: ((x + y, 0), (x - y, 0), (x * y, 1)),
    (("0", "0"), ("0", "0"), ("1", "1")),
    "the first two force x = y = 0",
    lambda x, y: (x + y, x - y, x * y - 1),
)
incons(
    "x = 1; x = 1 + 10^-12",
    lambda x: ((x, 1), (x, 1 + ten(-12))),
    ("1", lambda: 1 + ten(-12)),
    "1 ≠ 1 + 10⁻¹²",
    lambda x: (x - 1, x - 1 - R(1, 10**12)),
)
incons(
    "x^2 + y^2 = 2; x = y; x + y = 3",
    lambda x, y: ((x**2 + y**2, 2), (x, y), (x + y, 3)),
    (("1", "1"), ("0", "0"), ("1", "2")),
    "x = y and 2x² = 2 give x + y = ±2",
    lambda x, y: (x**2 + y**2 - 2, x - y, x + y - 3),
)
incons(
    "exp(x) = 1; exp(x) = 2",
    lambda x: ((exp(x), 1), (exp(x), 2)),
    ("0", lambda: log(2)),
    "exp(z) cannot be 1 and 2",
)
incons(
    "sin(x) = 0; cos(x) = 0",
    lambda x: ((sin(x), 0), (cos(x), 0)),
    ("0", lambda: pi / 2),
    "sin²z + cos²z = 1 for every complex z",
)
incons("abs(x) = 1; x = 2", lambda x: ((abs(x), 1), (x, 2)), ("1", "2"), "|2| = 2 ≠ 1")
incons("sqrt(x) = 2; x = 5", lambda x: ((sqrt(x), 2), (x, 5)), ("4", "5"), "sqrt(5) ≠ 2")
incons("log(x) = 0; x = 2", lambda x: ((log(x), 0), (x, 2)), ("1", "2"), "log 2 ≠ 0")
incons(
    "sinh(x) = 0; cosh(x) = 2",
    lambda x: ((sinh(x), 0), (cosh(x), 2)),
    ("0", lambda: acosh(2)),
    "sinh z = 0 means z = ikπ, where cosh z = ±1",
)
incons(
    "tanh(x) = 0; exp(x) = 3",
    lambda x: ((tanh(x), 0), (exp(x), 3)),
    ("0", lambda: log(3)),
    "tanh z = 0 means z = ikπ, where e^z = ±1",
)
incons(
    "abs(x - 1) = 0; abs(x + 1) = 0",
    lambda x: ((abs(x - 1), 0), (abs(x + 1), 0)),
    ("1", "-1"),
    "x cannot be 1 and −1",
)
_add(
    "x + y = 3; x - y = 1",
    "relation",
    C,
    lambda x, y: ((x + y, 3), (x - y, 1)),
    "unique solution (2, 1)",
    holds=("2", "1"),
    fails=("0", "0"),
)
_add(
    "x^2 + y^2 = 25; x + y = 7",
    "relation",
    C,
    lambda x, y: ((x**2 + y**2, 25), (x + y, 7)),
    "(3, 4) and (4, 3)",
    holds=("3", "4"),
    fails=("0", "0"),
)
_add(
    "x*y = 6; x + y = 5",
    "relation",
    C,
    lambda x, y: ((x * y, 6), (x + y, 5)),
    "(2, 3) and (3, 2)",
    holds=("2", "3"),
    fails=("1", "1"),
)
_add(
    "x + y + z = 6; x*y*z = 6; x^2 + y^2 + z^2 = 14",
    "relation",
    C,
    lambda x, y, z: ((x + y + z, 6), (x * y * z, 6), (x**2 + y**2 + z**2, 14)),
    "permutations of (1, 2, 3)",
    holds=("1", "2", "3"),
    fails=("0", "0", "0"),
)
_add(
    "y = x^2; y = 4",
    "relation",
    C,
    lambda x, y: ((y, x**2), (y, 4)),
    "(±2, 4)",
    holds=("2", "4"),
    fails=("1", "4"),
)
_add(
    "x + y = 1; 2*x + 2*y = 2",
    "relation",
    C,
    lambda x, y: ((x + y, 1), (2 * x + 2 * y, 2)),
    "dependent: one line",
    holds=("0.3", "0.7"),
    fails=("0", "0"),
)
_add(
    "exp(x) = y; log(y) = x",
    "relation",
    C,
    lambda x, y: ((exp(x), y), (log(y), x)),
    "dependent over the reals: y = eˣ",
    holds=("1", lambda: E),
    fails=("0", "2"),
)
_add(
    "sin(x) = y; cos(x) = y",
    "relation",
    C,
    lambda x, y: ((sin(x), y), (cos(x), y)),
    "x = π/4, y = √2/2",
    holds=(lambda: pi / 4, lambda: sqrt(2) / 2),
    fails=("0", "0"),
)
_add(
    "abs(x) = 1; x + 1 = 0",
    "relation",
    C,
    lambda x: ((abs(x), 1), (x + 1, 0)),
    "x = −1",
    holds="-1",
    fails="1",
)
_add(
    "x = 10^20; y = x + 1",
    "relation",
    C,
    lambda x, y: ((x, ten(20)), (y, x + 1)),
    "x = 10²⁰, y = 10²⁰ + 1",
    holds=("1e20", lambda: ten(20) + 1),
    fails=("0", "0"),
)
_add(
    "sqrt(x^2) = -x; x + 2 = 0",
    "relation",
    C,
    lambda x: ((sqrt(x**2), -x), (x + 2, 0)),
    "x = −2 satisfies |x| = −x",
    holds="-2",
    fails="2",
)
_add(
    "a = 2*b; b = 3",
    "relation",
    C,
    lambda a, b: ((a, 2 * b), (b, 3)),
    "(6, 3)",
    holds=("6", "3"),
    fails=("0", "0"),
)
_add(
    "x - y = 0; y - z = 0",
    "relation",
    C,
    lambda x, y, z: ((x - y, 0), (y - z, 0)),
    "the diagonal x = y = z",
    holds=("1", "1", "1"),
    fails=("0", "0", "1"),
)
_add(
    "x^2 = 4; x^3 = -8",
    "relation",
    C,
    lambda x: ((x**2, 4), (x**3, -8)),
    "x = −2",
    holds="-2",
    fails="2",
)
_add(
    "x^2 = 1; x^3 = x",
    "relation",
    C,
    lambda x: ((x**2, 1), (x**3, x)),
    "x = ±1",
    holds="1",
    fails="0",
)
_add(
    "log(x*y) = log(x) + log(y); x + y = 0",
    "relation",
    C,
    lambda x, y: ((log(x * y), log(x) + log(y)), (x + y, 0)),
    "x = −1, y = 1: log(−1) = iπ on both sides",
    holds=("-1", "1"),
    fails=("-1", "-1"),
)
_add(
    "cbrt(x) = y; y^3 = -8",
    "relation",
    C,
    lambda x, y: ((cbrt(x), y), (y**3, -8)),
    "x = −8, y = −2 (real cube root)",
    holds=("-8", "-2"),
    fails=("8", "2"),
)
_add(
    "sin(x)^2 + cos(x)^2 = 1; (x+1)^2 = x^2 + 2*x + 1",
    "identity",
    C,
    lambda x: ((sin(x) ** 2 + cos(x) ** 2, 1), ((x + 1) ** 2, x**2 + 2 * x + 1)),
    "both equations are identities",
)
_add(
    "x/x = 1; exp(log(x)) = x",
    "identity",
    C,
    lambda x: ((x / x, 1), (exp(log(x)), x)),
    "both are identities where defined",
)
_add(
    "x + y = y + x; x*y = y*x",
    "identity",
    C,
    lambda x, y: ((x + y, y + x), (x * y, y * x)),
    "commutativity",
)
_add(
    "log(exp(x)) = x; sqrt(x)^2 = x",
    "identity",
    C,
    lambda x: ((log(exp(x)), x), (sqrt(x) ** 2, x)),
    "both identities on ℝ",
)
_add("x = x + 1; y = 2", "contradiction", C, lambda x, y: ((x, x + 1), (y, 2)), "the first equation is a contradiction")
_add("x = 1; 0 = 1", "contradiction", C, lambda x: ((x, 1), (0, 1)), "0 = 1 is a contradiction")
_add("x/x = 2; x = 3", "contradiction", C, lambda x: ((x / x, 2), (x, 3)), "x/x = 2 is a contradiction")
_add("exp(x) = 0; x = 1", "no_solution", C, lambda x: ((exp(x), 0), (x, 1)), "exp(x) = 0 has no solution")
_add("abs(x) = -1; y = x", "no_solution", C, lambda x, y: ((abs(x), -1), (y, x)), "|x| = −1 has no solution")
_add("1/x = 0; x + y = 1", "no_solution", C, lambda x, y: ((1 / x, 0), (x + y, 1)), "1/x = 0 has no solution")


# ---------------------------------------------------------------------------------------
# physics-constants: auto mode, no variables
# ---------------------------------------------------------------------------------------

physics(
    "c = 1/sqrt(mu_0*epsilon_0)",
    "identity",
    lambda c, epsilon_0, mu_0: (c, 1 / sqrt(mu_0 * epsilon_0)),
    "relative gap ~2e-14, uncertainty ~1e-10",
)
physics(
    "epsilon_0*mu_0*c^2 = 1",
    "identity",
    lambda c, epsilon_0, mu_0: (epsilon_0 * mu_0 * c**2, 1),
    "gap −4.3e-14 vs 3σ ≈ 6.4e-10",
)
physics(
    "mu_0*epsilon_0 = 1/c^2",
    "identity",
    lambda c, epsilon_0, mu_0: (mu_0 * epsilon_0, 1 / c**2),
    "same relation, within uncertainty",
)
physics(
    "epsilon_0 = 1/(mu_0*c^2)",
    "identity",
    lambda c, epsilon_0, mu_0: (epsilon_0, 1 / (mu_0 * c**2)),
    "same relation, within uncertainty",
)
physics(
    "c^2*mu_0*epsilon_0 = 2",
    "contradiction",
    lambda c, epsilon_0, mu_0: (c**2 * mu_0 * epsilon_0, 2),
    "the left is 1 within 1e-9",
)
physics(
    "c = 2/sqrt(mu_0*epsilon_0)",
    "contradiction",
    lambda c, epsilon_0, mu_0: (c, 2 / sqrt(mu_0 * epsilon_0)),
    "factor 2 off",
)
physics(
    "epsilon_0*mu_0*c^2 = 1 + 10^-6",
    "contradiction",
    lambda c, epsilon_0, mu_0: (epsilon_0 * mu_0 * c**2, 1 + ten(-6)),
    "1e-6 is ~5000 combined standard uncertainties",
)
physics("hbar = h/(2*pi)", "identity", lambda h, hbar: (hbar, h / (2 * pi)), "definition of ħ (exact)")
physics("h = 2*pi*hbar", "identity", lambda h, hbar: (h, 2 * pi * hbar), "definition of ħ (exact)")
physics("hbar = h/pi", "contradiction", lambda h, hbar: (hbar, h / pi), "factor 2 off, exact constants")
physics("2*hbar = h/pi", "identity", lambda h, hbar: (2 * hbar, h / pi), "definition of ħ (exact)")
physics("h/hbar = 2*pi", "identity", lambda h, hbar: (h / hbar, 2 * pi), "definition of ħ (exact)")
physics(
    "hbar*c = h*c/(2*pi)",
    "identity",
    lambda c, h, hbar: (hbar * c, h * c / (2 * pi)),
    "definition of ħ (exact)",
)
physics(
    "G*hbar = G*h/(2*pi)",
    "identity",
    lambda G, h, hbar: (G * hbar, G * h / (2 * pi)),
    "both sides carry the same G; ħ = h/(2π) exactly",
)


ENTRIES: tuple[Entry, ...] = tuple(_ENTRIES)
"""The corpus, in the order written above."""
