"""Checks, without phi_lab, that every expected verdict in ``tests/adversarial_corpus.py`` is right.

The corpus fixes, for each equation, the verdict phi_lab must give (see the semantics in the
corpus module docstring).  This file re-derives each verdict with independent tools only:
mpmath at 60 significant digits (raised step by step, up to 16,000 digits, where huge
intermediates such as exp(30·1000) would otherwise let cancellation fake a result), SymPy
objects built in Python (never parsed from strings), :class:`fractions.Fraction` and
plain Python.

* ``identity``: both sides agree to 1e-40 (relative to max(1, |lhs|, |rhs|)) at 120 seeded
  random real points of both signs and magnitudes 1e-3…1e3, defined at ≥ 20 of them;
  constant equations are decided exactly (Fraction / SymPy minimal polynomial) where
  possible, else by agreement at 60 and at 150 digits.
* ``contradiction``: lhs − rhs is the same nonzero constant at all those points (constant
  equations: exactly false, or clearly and stably different at 60 and 150 digits).
* ``relation``: holds at ``holds_at`` (1e-40), fails clearly at ``fails_at`` (> 1e-20);
  complex-only ones have a non-real witness and no root or sign change on a dense real grid.
* ``no_solution``: lhs − rhs takes different values (so it is no contradiction), and no
  grid point of a dense real grid nor of a complex grid is a root; the proof is the entry's
  ``why`` (grids cannot prove absence).
* ``inconsistent``: every equation holds alone at its own real witness; no common solution
  by a Gröbner basis equal to [1] (polynomial systems, which also proves there is no complex
  one) or, otherwise, on the dense grids.
* ``physics-constants`` (auto mode): the gap lhs − rhs against three combined standard
  uncertainties, propagated linearly from the CODATA relative uncertainties.

A small recursive-descent evaluator of the input language (``parse_text`` / ``eval_node``)
also checks that each hand-written oracle, and each exact side, computes what its text says.
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sympy as sp
from mpmath import mp, mpc, mpf
from sympy.polys.polyerrors import NotAlgebraic

pytestmark = pytest.mark.slow


def _load_corpus() -> ModuleType:
    name = "adversarial_corpus"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("adversarial_corpus.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()
Entry = corpus.Entry
ENTRIES: tuple[Any, ...] = corpus.ENTRIES

DPS = 60
#: Working precisions tried in turn when a check fails at 60 digits (huge intermediates:
#: exp(30x) at x = 1000 needs 13,100 digits).  Entries with functions that are very slow
#: at high precision (and never need it here) stop at 150 digits.
LADDER = (60, 150, 400, 1200, 4000, 16000)
SHORT_LADDER = (60, 150)
SLOW_FUNCTIONS = ("gamma",)
HOLD_TOL = mpf("1e-40")
FAIL_TOL = mpf("1e-20")
ROOT_TOL = mpf("1e-30")
N_RANDOM = 120
MIN_DEFINED = 20
VARIABLE_NAMES = frozenset("xyzabtuw")
UNDEFINED = (ZeroDivisionError, ValueError, OverflowError)

#: CODATA 2018 values and relative standard uncertainties (ħ = h/(2π) is derived, exact).
PHYSICAL: dict[str, tuple[str, float]] = {
    "c": ("299792458", 0.0),
    "h": ("6.62607015e-34", 0.0),
    "G": ("6.67430e-11", 2.2e-5),
    "epsilon_0": ("8.8541878128e-12", 1.5e-10),
    "mu_0": ("1.25663706212e-6", 1.5e-10),
    "k_B": ("1.380649e-23", 0.0),
    "N_A": ("6.02214076e23", 0.0),
}


def physical_value(name: str, scale: Any = 1) -> Any:
    """The value of a physical constant at the working precision (times ``scale``)."""
    if name == "hbar":
        return mpf(PHYSICAL["h"][0]) / (2 * mp.pi) * scale
    return mpf(PHYSICAL[name][0]) * scale


# ---------------------------------------------------------------------------------------
# An independent evaluator of the input language (text -> mpmath), used as a cross-check
# ---------------------------------------------------------------------------------------


class AmbiguousTextError(ValueError):
    """The corpus text relies on a precedence the contract does not pin down."""


def _real_cbrt(z: Any) -> Any:
    if isinstance(z, mpc):
        if z.imag != 0:
            return mp.cbrt(z)
        z = z.real
    return -mp.cbrt(-z) if z < 0 else mp.cbrt(z)


def _root(z: Any, n: Any) -> Any:
    if mp.isint(n) and int(n) % 2 == 1:
        k = int(n)
        if isinstance(z, mpc) and z.imag != 0:
            return mp.root(z, k)
        z = mp.re(z)
        return -mp.root(-z, k) if z < 0 else mp.root(z, k)
    return mp.power(z, 1 / n)


def _log(z: Any) -> Any:
    if z == 0:
        raise ZeroDivisionError("log(0)")
    return mp.log(z)


def _atanh(z: Any) -> Any:
    if z in (1, -1):
        raise ZeroDivisionError("atanh(±1)")
    return mp.atanh(z)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": mp.sqrt,
    "exp": mp.exp,
    "log": _log,
    "log10": lambda z: _log(z) / mp.log(10),
    "log2": lambda z: _log(z) / mp.log(2),
    "sin": mp.sin,
    "cos": mp.cos,
    "tan": mp.tan,
    "cot": mp.cot,
    "sec": mp.sec,
    "csc": mp.csc,
    "asin": mp.asin,
    "acos": mp.acos,
    "atan": mp.atan,
    "sinh": mp.sinh,
    "cosh": mp.cosh,
    "tanh": mp.tanh,
    "asinh": mp.asinh,
    "acosh": mp.acosh,
    "atanh": _atanh,
    "abs": abs,
    "gamma": mp.gamma,
    "cbrt": _real_cbrt,
    "root": _root,
}
MATH_CONSTANTS: dict[str, Callable[[], Any]] = {
    "pi": lambda: +mp.pi,
    "e": lambda: +mp.e,
    "phi": lambda: +mp.phi,
    "i": lambda: mpc(0, 1),
}
PHYSICS_NAMES = frozenset({*PHYSICAL, "hbar"})

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/^()|,=;∛]))"
)

Node = tuple[Any, ...]


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"cannot tokenize {text!r} at {pos}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def expect(self, op: str) -> None:
        token = self.take()
        if token != ("op", op):
            raise ValueError(f"expected {op!r}, got {token}")

    def starts_factor(self) -> bool:
        kind, value = self.peek()
        return kind in ("num", "name") or (kind == "op" and value in "(∛")

    def system(self) -> list[tuple[Node, Node]]:
        equations = [self.equation()]
        while self.peek() == ("op", ";"):
            self.take()
            equations.append(self.equation())
        if self.peek() != ("end", ""):
            raise ValueError(f"trailing input at {self.peek()}")
        return equations

    def equation(self) -> tuple[Node, Node]:
        lhs = self.expr()
        self.expect("=")
        return lhs, self.expr()

    def expr(self) -> Node:
        node = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            node = (op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        after_division = False
        while True:
            kind, value = self.peek()
            if kind == "op" and value in ("*", "/"):
                self.take()
                node = (value, node, self.unary())
                after_division = value == "/"
            elif self.starts_factor():
                if after_division:
                    raise AmbiguousTextError("implicit product after '/'")
                node = ("*", node, self.power())
            else:
                return node

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        if self.peek() == ("op", "+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        if self.peek() == ("op", "^"):
            self.take()
            return ("^", base, self.unary())
        return base

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return ("num", value)
        if kind == "name":
            if value in FUNCTIONS:
                self.expect("(")
                args = [self.expr()]
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.expr())
                self.expect(")")
                return ("call", value, args)
            return ("name", value)
        if (kind, value) == ("op", "("):
            inner = self.expr()
            self.expect(")")
            return inner
        if (kind, value) == ("op", "|"):
            inner = self.expr()
            self.expect("|")
            return ("call", "abs", [inner])
        if (kind, value) == ("op", "∛"):
            arg = self.primary()
            if self.peek() == ("op", "^"):
                raise AmbiguousTextError("∛x^n")
            return ("call", "cbrt", [arg])
        raise ValueError(f"unexpected token {(kind, value)}")


def parse_text(text: str) -> list[tuple[Node, Node]]:
    """The equations of ``text`` as (lhs, rhs) syntax trees."""
    return _Parser(text).system()


def names_in(node: Node) -> set[str]:
    """The identifiers that are neither functions nor math constants."""
    tag = node[0]
    if tag == "num":
        return set()
    if tag == "name":
        return set() if node[1] in MATH_CONSTANTS else {node[1]}
    if tag == "call":
        return set().union(*(names_in(a) for a in node[2]))
    return set().union(*(names_in(a) for a in node[1:]))


def _power(base: Any, exponent: Any) -> Any:
    if not (isinstance(exponent, mpc) and exponent.imag != 0) and mp.isint(exponent):
        n = int(mp.re(exponent))
        if base == 0 and n < 0:
            raise ZeroDivisionError("0 to a negative power")
        return base**n
    return mp.power(base, exponent)


def eval_node(node: Node, env: Mapping[str, Any]) -> Any:
    """Evaluate a syntax tree at the working precision (principal branches, real ∛)."""
    tag = node[0]
    if tag == "num":
        return mpf(node[1])
    if tag == "name":
        if node[1] in env:
            return env[node[1]]
        return MATH_CONSTANTS[node[1]]()
    if tag == "neg":
        return -eval_node(node[1], env)
    if tag == "call":
        return FUNCTIONS[node[1]](*(eval_node(a, env) for a in node[2]))
    a, b = eval_node(node[1], env), eval_node(node[2], env)
    if tag == "+":
        return a + b
    if tag == "-":
        return a - b
    if tag == "*":
        return a * b
    if tag == "/":
        return a / b
    return _power(a, b)


# ---------------------------------------------------------------------------------------
# Evaluation helpers
# ---------------------------------------------------------------------------------------

Src = Sequence[Any]  # one coordinate per variable: str, float, mpmath number or zero-arg callable
Pair = tuple[Any, Any]


def realize(value: Any) -> Any:
    """A point coordinate at the working precision."""
    if callable(value):
        return mp.mpmathify(value())
    if isinstance(value, str):
        return mpf(value)
    if isinstance(value, Fraction):
        return mpf(value.numerator) / value.denominator
    return mp.mpmathify(value)


def _finite(v: Any) -> bool:
    return bool(mp.isfinite(v))


def pairs_of(entry: Any, result: Any) -> list[Pair]:
    """The oracle result as a list of (lhs, rhs), one per equation."""
    return [tuple(p) for p in result] if entry.is_system else [tuple(result)]


def evaluate(entry: Any, src: Src, dps: int) -> list[Pair | None] | None:
    """Both sides of every equation at a point; None where undefined (the whole point if it raises)."""
    with mp.workdps(dps):
        try:
            args = [realize(v) for v in src]
            if entry.mode == "auto":
                args = [physical_value(name) for name in entry.constants]
            result = pairs_of(entry, entry.oracle(*args))
        except UNDEFINED:
            return None
        out: list[Pair | None] = []
        for lhs, rhs in result:
            lv, rv = mp.mpmathify(lhs), mp.mpmathify(rhs)
            out.append((lv, rv) if _finite(lv) and _finite(rv) else None)
        return out


def gap(pair: Pair) -> Any:
    """|lhs − rhs| relative to max(1, |lhs|, |rhs|)."""
    lhs, rhs = pair
    return abs(lhs - rhs) / max(1, abs(lhs), abs(rhs))


def separation(pair: Pair) -> Any:
    """|lhs − rhs| relative to max(|lhs|, |rhs|) (0 when both vanish)."""
    lhs, rhs = pair
    scale = max(abs(lhs), abs(rhs))
    return abs(lhs - rhs) / scale if scale != 0 else mpf(0)


def fails_clearly(pair: Pair) -> bool:
    """Relative difference > 1e-20, and far above the rounding level of 60 digits."""
    return bool(separation(pair) > FAIL_TOL and gap(pair) > mpf("1e-50"))


def ladder(entry: Any) -> tuple[int, ...]:
    """The precisions to try for this entry."""
    return SHORT_LADDER if any(f in entry.text for f in SLOW_FUNCTIONS) else LADDER


def holds(entry: Any, j: int, src: Src) -> bool | None:
    """Whether equation j holds at the point (raising the precision as needed); None: undefined."""
    defined = False
    for dps in ladder(entry):
        values = evaluate(entry, src, dps)
        pair = None if values is None else values[j]
        if pair is None:
            continue
        defined = True
        with mp.workdps(dps):
            if gap(pair) <= HOLD_TOL:
                return True
    return False if defined else None


def point_src(entry: Any, point: Mapping[str, Any]) -> list[Any]:
    """A point mapping in the entry's variable order."""
    assert set(point) == set(entry.variables), (point, entry.variables)
    return [point[v] for v in entry.variables]


def is_real_point(src: Src) -> bool:
    with mp.workdps(DPS):
        return all(not (isinstance(v, mpc) and v.imag != 0) for v in (realize(s) for s in src))


def random_points(entry: Any, n: int = N_RANDOM, low: float = -3.0, high: float = 3.0) -> list[tuple[float, ...]]:
    """Seeded points ±10^U(low, high) per coordinate."""
    rng = random.Random(zlib.crc32(entry.text.encode()))
    dim = len(entry.variables)
    return [tuple(rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(low, high) for _ in range(dim)) for _ in range(n)]


def n_equations(entry: Any) -> int:
    return len(parse_text(entry.text))


# ---------------------------------------------------------------------------------------
# Exact decisions for constant equations
# ---------------------------------------------------------------------------------------

_X = sp.Symbol("X")


def to_sympy(value: Any) -> Any:
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, sp.Basic):
        return value
    raise TypeError(f"not an exact value: {value!r}")


def exact_equal(lhs: Any, rhs: Any) -> bool:
    """Decide lhs == rhs exactly (rationals, algebraic numbers, SymPy's own simplifications)."""
    if isinstance(lhs, int | Fraction) and isinstance(rhs, int | Fraction):
        return Fraction(lhs) == Fraction(rhs)
    diff = sp.expand(to_sympy(lhs) - to_sympy(rhs))
    if diff == 0:
        return True
    if diff.is_Rational:
        return False
    try:
        return bool(sp.minimal_polynomial(diff, _X) == _X)
    except (NotAlgebraic, NotImplementedError):
        pass
    decided = diff.is_zero
    assert decided is not None, f"SymPy cannot decide whether {diff} is zero"
    return bool(decided)


def exact_to_mp(value: Any) -> Any:
    if isinstance(value, int):
        return mpf(value)
    if isinstance(value, Fraction):
        return mpf(value.numerator) / value.denominator
    return mp.mpmathify(sp.lambdify([], value, modules="mpmath")())


# ---------------------------------------------------------------------------------------
# The checks, one per kind
# ---------------------------------------------------------------------------------------


def check_identity_random(entry: Any, j: int) -> None:
    defined, failures = 0, []
    for point in random_points(entry):
        verdict = holds(entry, j, point)
        if verdict is None:
            continue
        defined += 1
        if not verdict:
            failures.append(point)
            if len(failures) == 3:
                break
    assert not failures, f"equation {j} fails at {failures[:3]}"
    assert defined >= MIN_DEFINED, f"equation {j} defined at only {defined} points"


def constant_gap(entry: Any, j: int) -> Any | None:
    """The constant value of lhs − rhs of equation j at the random points, or None if not constant."""
    points = sorted(random_points(entry), key=lambda p: max((abs(c) for c in p), default=0.0))
    reference = None
    for point in points:
        values = evaluate(entry, point, 200)
        pair = None if values is None else values[j]
        if pair is not None:
            with mp.workdps(200):
                reference = pair[0] - pair[1]
            break
    if reference is None:
        return None
    with mp.workdps(200):
        if abs(reference) <= mpf("1e-100"):
            return None
    defined = 0
    for point in points:
        seen, matched = False, False
        for dps in ladder(entry):
            values = evaluate(entry, point, dps)
            pair = None if values is None else values[j]
            if pair is None:
                continue
            seen = True
            with mp.workdps(dps):
                if abs((pair[0] - pair[1]) - reference) <= ROOT_TOL * abs(reference):
                    matched = True
                    break
        if seen and not matched:
            return None
        defined += seen
    return reference if defined >= MIN_DEFINED else None


def check_constant(entry: Any) -> None:
    identity = entry.kind == "identity"
    assert entry.kind in ("identity", "contradiction"), "a constant equation is an identity or a contradiction"
    if entry.exact is not None:
        lhs, rhs = entry.exact()
        assert exact_equal(lhs, rhs) is identity, "exact evaluation disagrees"
        if identity:
            assert holds(entry, 0, ()), "numeric evaluation disagrees with the exact one"
        return
    low = evaluate(entry, (), DPS)
    high = evaluate(entry, (), 150)
    assert low is not None and high is not None and low[0] is not None and high[0] is not None, "undefined"
    if identity:
        with mp.workdps(150):
            assert gap(low[0]) <= HOLD_TOL and gap(high[0]) <= mpf("1e-100"), "sides differ"
        return
    with mp.workdps(150):
        assert gap(low[0]) > mpf("1e-50"), "sides agree to 50 digits"
        d_low, d_high = low[0][0] - low[0][1], high[0][0] - high[0][1]
        assert abs(d_low - d_high) <= mpf("1e-10") * abs(d_high), "the gap is not stable under more precision"


def real_grid(dim: int) -> list[tuple[Any, ...]]:
    if dim == 1:
        return [(mpf(k) / 10,) for k in range(-200, 201)]
    if dim == 2:
        return [(mpf(a) / 2, mpf(b) / 2) for a in range(-20, 21) for b in range(-20, 21)]
    return [tuple(mpf(c) for c in (a, b, d)) for a in range(-6, 7, 2) for b in range(-6, 7, 2) for d in range(-6, 7, 2)]


def complex_grid(entry: Any, dim: int) -> list[tuple[Any, ...]]:
    if dim == 1:
        return [(mpc(mpf(a) / 3, mpf(b) / 3),) for a in range(-15, 16) for b in range(-15, 16)]
    rng = random.Random(zlib.crc32(entry.text.encode()) + 1)
    return [tuple(mpc(rng.uniform(-5, 5), rng.uniform(-5, 5)) for _ in range(dim)) for _ in range(600)]


def roots_on(entry: Any, points: Sequence[tuple[Any, ...]], eqs: Sequence[int]) -> tuple[list[Any], int, list[Any]]:
    """Grid points where all equations in ``eqs`` (numerically) hold, how many were defined,
    and the real values of lhs − rhs of the first equation (None where undefined or non-real)."""
    found, defined, diffs = [], 0, []
    for point in points:
        values = evaluate(entry, point, DPS)
        diff = None
        pairs = [] if values is None else [values[j] for j in eqs]
        defined_pairs = [pair for pair in pairs if pair is not None]
        if values is not None and len(defined_pairs) == len(eqs):
            defined += 1
            with mp.workdps(DPS):
                if max(separation(pair) for pair in defined_pairs) <= ROOT_TOL:
                    found.append(point)
                first = defined_pairs[0]
                d = mp.mpmathify(first[0] - first[1])
                diff = d if not isinstance(d, mpc) else (d.real if d.imag == 0 else None)
        diffs.append(diff)
    return found, defined, diffs


def sign_changes(grid: Sequence[tuple[Any, ...]], diffs: Sequence[Any]) -> list[Any]:
    """Adjacent points of a 1-D grid where a real, moderate lhs − rhs changes sign (a root between)."""
    bad = []
    for k in range(len(grid) - 1):
        a, b = diffs[k], diffs[k + 1]
        if a is not None and b is not None and a * b < 0 and abs(a) < 1e3 and abs(b) < 1e3:
            bad.append(grid[k][0])
    return bad


def no_real_root(entry: Any, j: int) -> None:
    dim = len(entry.variables)
    grid = real_grid(dim)
    found, defined, diffs = roots_on(entry, grid, [j])
    assert not found, f"equation {j} holds on the real grid at {found[:3]}"
    assert defined >= 0.5 * len(grid), f"equation {j} defined at only {defined} real grid points"
    if dim == 1:
        changes = sign_changes(grid, diffs)
        assert not changes, f"equation {j}: sign change (a real root) near {changes[:3]}"


def no_complex_root(entry: Any, j: int) -> None:
    dim = len(entry.variables)
    grid = complex_grid(entry, dim)
    found, defined, _ = roots_on(entry, grid, [j])
    assert not found, f"equation {j} holds on the complex grid at {found[:3]}"
    assert defined >= 0.5 * len(grid), f"equation {j} defined at only {defined} complex grid points"


def is_nonconstant(entry: Any, j: int) -> bool:
    """Whether lhs − rhs of equation j takes two clearly different values at moderate points.

    Each value must agree at 150 and 400 digits, so neither is a cancellation artefact."""
    values: list[Any] = []
    for point in random_points(entry, 40, -1.0, 1.5):
        low, high = evaluate(entry, point, 150), evaluate(entry, point, 400)
        low_pair = None if low is None else low[j]
        high_pair = None if high is None else high[j]
        if low_pair is None or high_pair is None:
            continue
        with mp.workdps(400):
            d_low, d_high = low_pair[0] - low_pair[1], high_pair[0] - high_pair[1]
            if abs(d_low - d_high) > mpf("1e-100") * max(1, abs(d_high)):
                continue
            values.append(d_high)
    with mp.workdps(400):
        return any(abs(a - b) > FAIL_TOL * max(abs(a), abs(b)) for a in values for b in values)


def check_no_solution_eq(entry: Any, j: int) -> None:
    assert is_nonconstant(entry, j), "lhs − rhs is constant: that is a contradiction"
    no_real_root(entry, j)
    if entry.mode == "math":
        no_complex_root(entry, j)


def check_relation(entry: Any) -> None:
    assert entry.holds_at is not None and entry.fails_at is not None, "a relation needs holds_at and fails_at"
    k = n_equations(entry)
    witness = point_src(entry, entry.holds_at)
    for j in range(k):
        assert holds(entry, j, witness), f"equation {j} does not hold at holds_at"
    if entry.complex_only:
        assert not entry.is_system, "complex_only is for single equations"
        assert not is_real_point(witness), "a complex-only witness must be non-real"
        no_real_root(entry, 0)
    else:
        assert is_real_point(witness), "the witness of a relation must be real"
    failing = point_src(entry, entry.fails_at)
    assert is_real_point(failing), "fails_at must be real"
    values = evaluate(entry, failing, DPS)
    assert values is not None and all(v is not None for v in values), "both sides must be defined at fails_at"
    with mp.workdps(DPS):
        assert any(fails_clearly(v) for v in values if v is not None), "the equation does not fail at fails_at"


def check_inconsistent(entry: Any) -> None:
    k = n_equations(entry)
    assert entry.is_system and k >= 2
    assert len(entry.each_holds_at) == k, "one witness per equation"
    for j, point in enumerate(entry.each_holds_at):
        src = point_src(entry, point)
        assert is_real_point(src), f"witness {j} must be real"
        assert holds(entry, j, src), f"equation {j} does not hold at its witness"
    if entry.polys is not None:
        symbols = sp.symbols(entry.variables)
        polys = entry.polys(*symbols)
        assert len(polys) == k
        rng = random.Random(zlib.crc32(entry.text.encode()) + 2)
        for _ in range(3):
            rational = [Fraction(rng.randint(-50, 50), rng.randint(1, 9)) for _ in symbols]
            values = evaluate(entry, rational, DPS)
            assert values is not None
            subs = {s: sp.Rational(q.numerator, q.denominator) for s, q in zip(symbols, rational, strict=True)}
            for poly, pair in zip(polys, values, strict=True):
                assert pair is not None
                with mp.workdps(DPS):
                    exact = exact_to_mp(sp.expand(poly).subs(subs))
                    assert abs(exact - (pair[0] - pair[1])) <= HOLD_TOL * max(1, abs(pair[0]), abs(pair[1]))
        basis = sp.groebner(list(polys), *symbols, order="grevlex")
        assert list(basis.exprs) == [1], f"Gröbner basis {basis.exprs} ≠ [1]: a common complex solution exists"
        return
    dim = len(entry.variables)
    everything = list(range(k))
    found, _, _ = roots_on(entry, real_grid(dim), everything)
    assert not found, f"a common real solution at {found[:3]}"
    found, _, _ = roots_on(entry, complex_grid(entry, dim), everything)
    assert not found, f"a common complex solution at {found[:3]}"


def check_physics(entry: Any) -> None:
    assert not entry.variables and entry.constants
    names = list(entry.constants)

    def gap_with(scales: Mapping[str, Any]) -> Any:
        args = [physical_value(n, scales.get(n, 1)) for n in names]
        pair = pairs_of(entry, entry.oracle(*args))[0]
        return mp.mpmathify(pair[0]) - mp.mpmathify(pair[1]), pair

    with mp.workdps(DPS):
        diff, pair = gap_with({})
        variance = mpf(0)
        for name in names:
            rel_unc = PHYSICAL.get(name, ("", 0.0))[1]
            if rel_unc:
                up, _ = gap_with({name: 1 + mpf(rel_unc)})
                down, _ = gap_with({name: 1 - mpf(rel_unc)})
                variance += ((up - down) / 2) ** 2
        sigma = mp.sqrt(variance)
        scale = max(abs(pair[0]), abs(pair[1]))
        within = abs(diff) <= 3 * sigma if sigma > 0 else abs(diff) <= HOLD_TOL * scale
        if entry.kind == "identity":
            assert within, f"gap {diff} exceeds 3σ = {3 * sigma}"
        else:
            assert entry.kind == "contradiction"
            assert not within and abs(diff) > FAIL_TOL * scale, f"gap {diff} within 3σ = {3 * sigma}"


def check_entry(entry: Any) -> None:
    if entry.mode == "auto":
        check_physics(entry)
        return
    k = n_equations(entry)
    if not entry.variables:
        check_constant(entry)
        return
    if entry.kind == "identity":
        for j in range(k):
            check_identity_random(entry, j)
    elif entry.kind == "contradiction":
        assert any(constant_gap(entry, j) is not None for j in range(k)), "no equation has a constant nonzero gap"
    elif entry.kind == "relation":
        check_relation(entry)
    elif entry.kind == "no_solution":
        problems = []
        for j in range(k):
            try:
                check_no_solution_eq(entry, j)
                break
            except AssertionError as exc:
                problems.append(str(exc))
        else:
            pytest.fail("; ".join(problems))
    else:
        check_inconsistent(entry)


# ---------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------

PARAMS = [pytest.param(e, id=e.text) for e in ENTRIES]


def test_corpus_shape() -> None:
    texts = [e.text for e in ENTRIES]
    assert len(ENTRIES) >= 350
    assert len(set(texts)) == len(texts), [t for t, n in Counter(texts).items() if n > 1]
    kinds = Counter(e.kind for e in ENTRIES)
    for kind in ("identity", "relation", "contradiction", "no_solution"):
        assert kinds[kind] >= 25, kinds
    assert kinds["inconsistent"] >= 15, kinds
    categories = Counter(e.category for e in ENTRIES)
    assert all(n >= 10 for n in categories.values()), categories
    assert set(categories) <= set(corpus.CATEGORIES)
    assert sum(e.mode == "auto" for e in ENTRIES) <= 15


@pytest.mark.parametrize("entry", PARAMS)
def test_entry_is_well_formed(entry: Any) -> None:
    assert isinstance(entry, Entry)
    assert entry.kind in corpus.KINDS and entry.category in corpus.CATEGORIES
    assert entry.mode in ("math", "auto") and entry.why.strip()
    assert list(entry.variables) == sorted(entry.variables) and set(entry.variables) <= VARIABLE_NAMES
    assert list(entry.constants) == sorted(entry.constants)
    equations = parse_text(entry.text)
    assert len(equations) == (n_equations(entry)) and entry.is_system == (len(equations) > 1)
    found = set().union(*(names_in(lhs) | names_in(rhs) for lhs, rhs in equations))
    if entry.mode == "auto":
        assert entry.category == "physics-constants" and entry.kind in ("identity", "contradiction")
        assert not entry.variables and found == set(entry.constants) and found <= PHYSICS_NAMES
    else:
        assert entry.category != "physics-constants"
        assert found == set(entry.variables), (found, entry.variables)
    if entry.kind == "relation":
        assert entry.holds_at is not None and entry.fails_at is not None
    else:
        assert entry.holds_at is None and entry.fails_at is None
    assert not entry.complex_only or (entry.kind == "relation" and entry.mode == "math")
    assert (entry.kind == "inconsistent") == bool(entry.each_holds_at)
    assert entry.exact is None or not entry.variables
    assert entry.polys is None or entry.kind == "inconsistent"


def _witness_points(entry: Any) -> list[list[Any]]:
    points: list[list[Any]] = []
    if entry.mode == "auto" or not entry.variables:
        return [[]]
    for point in (entry.holds_at, entry.fails_at, *entry.each_holds_at):
        if point is not None:
            points.append(point_src(entry, point))
    rng = random.Random(zlib.crc32(entry.text.encode()) + 3)
    points += [[rng.uniform(-3, 3) for _ in entry.variables] for _ in range(4)]
    return points


def _text_values(equations: list[tuple[Node, Node]], entry: Any, src: Src) -> list[Pair] | None:
    try:
        if entry.mode == "auto":
            env = {n: physical_value(n) for n in entry.constants}
        else:
            env = dict(zip(entry.variables, (realize(v) for v in src), strict=True))
        return [(mp.mpmathify(eval_node(lhs, env)), mp.mpmathify(eval_node(rhs, env))) for lhs, rhs in equations]
    except UNDEFINED:
        return None


def _same(a: Any, b: Any) -> bool:
    finite_a, finite_b = _finite(a), _finite(b)
    if not (finite_a and finite_b):
        return finite_a == finite_b
    return bool(abs(a - b) <= mpf("1e-35") * max(1, abs(a), abs(b)))


def _mismatches(entry: Any, equations: list[tuple[Node, Node]], src: Src, dps: int) -> list[Any]:
    """(text value, oracle value) pairs that disagree at one precision; [] when all agree."""
    with mp.workdps(dps):
        from_text = _text_values(equations, entry, src)
        from_oracle = evaluate(entry, src, dps)
        if from_text is None or from_oracle is None:
            return [] if from_text is None and from_oracle is None else [(from_text, from_oracle)]
        sides: list[tuple[Any, Any]] = []
        for t_pair, o_pair in zip(from_text, from_oracle, strict=True):
            oracle_pair = o_pair if o_pair is not None else (mp.inf, mp.inf)
            sides += [(t_pair[0], oracle_pair[0]), (t_pair[1], oracle_pair[1])]
        if entry.exact is not None:
            lhs, rhs = entry.exact()
            sides += [(from_text[0][0], exact_to_mp(lhs)), (from_text[0][1], exact_to_mp(rhs))]
        return [(a, b) for a, b in sides if not _same(a, b)]


@pytest.mark.parametrize("entry", PARAMS)
def test_oracle_matches_text(entry: Any) -> None:
    """The hand-written oracle (and the exact sides) compute what the text says.

    Compared at 80 digits, and at more where cancellation needs it."""
    equations = parse_text(entry.text)
    for src in _witness_points(entry):
        bad: list[Any] = []
        for dps in (80, 400) if ladder(entry) == SHORT_LADDER else (80, 400, 4000):
            bad = _mismatches(entry, equations, src, dps)
            if not bad:
                break
        assert not bad, f"text and oracle disagree at {src}: {bad!r:.300}"


@pytest.mark.parametrize("entry", PARAMS)
def test_expected_verdict(entry: Any) -> None:
    """The expected kind is right (decided without phi_lab)."""
    check_entry(entry)
