"""The compiled program against an mpmath reference: correct where that is decidable, masked where undefined.

The reference evaluates each tree at each sample point with :func:`evaluate` over
``MpArithmetic(30)``, wrapped in :class:`Reference`, an arithmetic over :class:`Tracked`
values.  Next to the 30-digit value each carries a bound on how far a float64 evaluation of
the same subtree can be from it (forward error analysis), so the test can tell a wrong
program from an ill-conditioned question:

* every operation of the program is assumed to round its result by at most :data:`UNIT`
  relative (8 units of roundoff; a few more for powers and Γ, which go through exp), and an
  argument's error is propagated by evaluating the operation at the ends of the argument's
  error interval or disc (±e along the real axis, and ±ie off it): the largest change is the
  propagated error.  Near a pole or across a branch cut those probes change a lot, so such
  samples come out ill-conditioned by themselves (the probes find the cut of ``log`` as they
  find the cuts of ``asin`` or ``atan``);
* a value known to be exactly real in float64 (real samples and literals, then operations
  that map reals to reals) is probed along the real axis only: its imaginary part is exactly
  ±0, which the program turns into +0 before a branched function, so it sits on the +0 side
  of a cut, never across it.  The reference therefore evaluates a branched function of an
  exactly real argument on a cut (:data:`REAL_CUTS`) on that side, at x + i·10⁻⁴⁰|x|: that
  is the program's convention (C99 Annex G, and
  :data:`phi_lab.equations.names.BRANCHED_FUNCTIONS`), and mpmath, which has no signed
  zeros, takes the other side for ``asin``, ``acos`` and ``atanh`` on (1, ∞);
* a sample is *well-conditioned* when its error bound is at most :data:`CONDITIONED` = 10⁻¹³
  of the value (ten times tighter than the asserted 10⁻¹², which absorbs second-order terms)
  and every intermediate value is 0 or within [10⁻³⁰⁰, 10³⁰⁰] (no float64 overflow or
  underflow on the way);
* every function value is also computed at 60 digits and accepted only where both agree to
  10⁻²⁵ (120 digits decide otherwise), with more digits still for arguments much smaller
  than 1 (see :func:`_precise`): mpmath's ``asinh`` and ``atanh`` of 10⁻²⁰ are wrong in the
  15th digit at 30 digits.

Conventions the reference mirrors (they are the program's, and :class:`ComplexArithmetic`'s):
Γ on the real axis only, and undefined at its poles.  ``beta`` is left out of the random trees:
``mpmath.beta`` takes limits where Γ(x+y) has a pole, which every phi_lab arithmetic calls
undefined.

An undefined reference is one of two kinds.  A *domain* error (division by zero, log 0, 0⁰,
a pole, Γ off the real axis) at arguments that float64 computes exactly must be masked by the
program, and since undefined values stay undefined (NaN) that holds for the whole tree.  At
arguments float64 only approximates it is exempt: ``1/((x + 1) − x − 1)`` divides by an exact
0, float64 by 2⁻⁵², which is no made-up value but rounding (an ill-conditioned question).  A
*magnitude* refusal (mpmath refuses values beyond e^±10000) is exempt: float64 saturates long
before, and a later operation may legitimately return the correctly rounded limit
(``1/exp(exp(10))`` is 0.0); a reference beyond float64 (|v| > 10³⁰⁹) that is well enough
conditioned must be masked (overflow).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.compute.program import Evaluation, compile_program, evaluate_program, run_program
from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol

CPU = torch.device("cpu")
NAMES = ("x", "y", "z")
#: Every unary function of the vocabulary (``root`` is drawn as a binary call; ``beta`` is left out, see above).
UNARY = (
    "sqrt", "exp", "log", "log10", "log2", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "abs", "gamma",
)  # fmt: skip
#: Rounding error allowed per operation, relative (8 units of float64 roundoff).
UNIT = 2.0**-50
#: Error bound, relative to the value, under which a sample counts as well-conditioned.
CONDITIONED = 1e-13
#: The relative error asserted where the reference is well-conditioned.
TOLERANCE = 1e-12
SMALLEST, LARGEST = 1e-300, 1e300
PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=200)

MP = MpArithmetic(30)
CTX = MP.context
INF = CTX.inf
ZERO = CTX.mpf(0)


@dataclass(frozen=True, slots=True)
class Tracked:
    """One subtree's reference value at one sample, and what float64 can make of it.

    Attributes
    ----------
    value:
        The 30-digit mpc value, or ``None`` where undefined.
    error:
        Bound on |float64 result − value| (mpf; ``inf`` where unknown).
    real:
        The float64 value's imaginary part is exactly ±0.
    representable:
        This value and every value below it is 0 or within [10⁻³⁰⁰, 10³⁰⁰].
    underflow:
        Some value at or below this one is nonzero and smaller than 10⁻³⁰⁰.
    constant:
        No variable below: the program folds it in Python arithmetic (:class:`ComplexArithmetic`).
    undefined:
        ``""`` (defined), ``"domain"`` or ``"magnitude"``.
    certain:
        For a domain error: float64 meets it too (its arguments are exact there).
    """

    value: Any
    error: Any
    real: bool
    representable: bool = True
    underflow: bool = False
    constant: bool = False
    undefined: str = ""
    certain: bool = False


def _clean(value: Any, real: bool) -> Any:
    """An exactly real result keeps no mpmath noise in its imaginary part (a later cut reads its sign)."""
    return CTX.mpc(CTX.re(value), 0) if real else value


def _made(value: Any, error: Any, real: bool, children: Sequence[Tracked], *, constant: bool = False) -> Tracked:
    magnitude = abs(value)
    inside = magnitude == 0 or SMALLEST <= magnitude <= LARGEST
    return Tracked(
        value=_clean(value, real),
        error=error,
        real=real,
        representable=inside and all(child.representable for child in children),
        underflow=(0 < magnitude < SMALLEST) or any(child.underflow for child in children),
        constant=constant or (bool(children) and all(child.constant for child in children)),
    )


def _undefined(exc: Undefined, certain: bool) -> Tracked:
    kind = "magnitude" if "overflow" in exc.reason else "domain"
    return Tracked(value=None, error=INF, real=False, undefined=kind, certain=certain and kind == "domain")


def _propagated(args: Sequence[Tracked]) -> Tracked | None:
    """An undefined argument makes the result undefined: certainly so if any argument certainly is (NaN stays NaN)."""
    undefined = [arg for arg in args if arg.undefined]
    if not undefined:
        return None
    certain = [arg for arg in undefined if arg.certain]
    return certain[0] if certain else undefined[0]


def _precise(compute: Callable[[MpArithmetic], Any], argument: Any = 1) -> Any:
    """``compute`` at 30 digits, confirmed at 60 (or decided at 120); ``None`` if mpmath cannot settle it.

    An ``argument`` below 1 in modulus adds its number of leading decimal zeros (rounded up to
    a multiple of 30) to each precision: mpmath's complex ``asinh`` of 10⁻²⁷⁷ is exactly 0 at
    30, 60 and 120 digits alike (it computes log(z + √(z² + 1))).

    Raises
    ------
    Undefined
        Where the arithmetic refuses the value.
    """
    extra = 0
    if 0 < abs(argument) < 1:
        extra = 30 * math.ceil(-float(CTX.log10(abs(argument))) / 30)
    previous = compute(MpArithmetic(30 + extra))
    for digits in (60 + extra, 120 + extra):
        value = compute(MpArithmetic(digits))
        if abs(value - previous) <= 1e-25 * abs(value):
            return CTX.mpc(value)
        previous = value
    return None


def _probes(value: Any, error: Any, real: bool) -> list[Any]:
    """The ends of the error interval (real values) or the error disc's axis points."""
    if error == 0:
        return []
    steps = [error, -error] if real else [error, -error, CTX.mpc(0, error), CTX.mpc(0, -error)]
    return [value + step for step in steps]


def _spread(function: Callable[[Any], Any], center: Any, points: Sequence[Any]) -> Any:
    """The largest change of ``function`` from ``center`` over ``points``; inf where undefined or unsettled."""
    spread = ZERO
    for point in points:
        try:
            value = function(point)
        except Undefined:
            return INF
        if value is None:
            return INF
        spread = max(spread, abs(value - center))
    return spread


def _nowhere(z: Any) -> bool:
    return False


#: Where each branched function's cut meets the real axis (atan's and asinh's lie on the imaginary axis).
REAL_CUTS: dict[str, Callable[[Any], bool]] = {
    "sqrt": lambda z: z < 0,
    "log": lambda z: z < 0,
    "log10": lambda z: z < 0,
    "log2": lambda z: z < 0,
    "acosh": lambda z: z < 1,
    "asin": lambda z: abs(z) > 1,
    "acos": lambda z: abs(z) > 1,
    "atanh": lambda z: abs(z) > 1,
}


class Reference:
    """An arithmetic over :class:`Tracked` values, for :func:`evaluate` (see the module docstring)."""

    def leaf(self, value: float) -> Tracked:
        return _made(CTX.mpc(value), ZERO, True, [])

    def number(self, value: Fraction) -> Tracked:
        exact = MP.number(value)
        rounded = float(value)  # what the program pushes (also when it folds constants)
        return _made(exact, abs(exact - rounded), True, [], constant=True)

    def constant(self, name: str) -> Tracked:
        raise NotImplementedError("the random trees name no constants")

    def add(self, args: Sequence[Tracked]) -> Tracked:
        if undefined := _propagated(args):
            return undefined
        value = CTX.fsum(arg.value for arg in args)
        error = sum((arg.error for arg in args), ZERO)
        partial = args[0].value
        for arg in args[1:]:  # the program adds left to right, rounding each partial sum
            partial += arg.value
            error += UNIT * abs(partial)
        return _made(value, error, all(arg.real for arg in args), args)

    def mul(self, args: Sequence[Tracked]) -> Tracked:
        if undefined := _propagated(args):
            return undefined
        product, error = args[0].value, args[0].error
        for arg in args[1:]:
            error = abs(arg.value) * error + abs(product) * arg.error + error * arg.error
            product *= arg.value
            error += UNIT * abs(product)
        return _made(product, error, all(arg.real for arg in args), args)

    def sub(self, left: Tracked, right: Tracked) -> Tracked:
        if undefined := _propagated([left, right]):
            return undefined
        value = left.value - right.value
        return _made(value, left.error + right.error + UNIT * abs(value), left.real and right.real, [left, right])

    def neg(self, operand: Tracked) -> Tracked:
        if operand.undefined:
            return operand
        return _made(-operand.value, operand.error, operand.real, [operand])  # 0 − z is exact

    def div(self, left: Tracked, right: Tracked) -> Tracked:
        if undefined := _propagated([left, right]):
            return undefined
        if right.value == 0:
            return _undefined(Undefined("division by zero"), certain=right.error == 0)
        value = left.value / right.value
        margin = abs(right.value) - right.error
        error = (left.error + abs(value) * right.error) / margin + UNIT * abs(value) if margin > 0 else INF
        return _made(value, error, left.real and right.real, [left, right])

    def pow(self, base: Tracked, exponent: Tracked) -> Tracked:
        if undefined := _propagated([base, exponent]):
            return undefined
        b, p = base.value, exponent.value
        if b == 0:
            sure = base.error == 0 and exponent.error < abs(CTX.re(p))
            if CTX.re(p) > 0:
                return _made(CTX.mpc(0), ZERO if sure else INF, base.real and exponent.real, [base, exponent])
            certain = base.error == 0 and (exponent.error == 0 or sure)
            return _undefined(Undefined("zero raised to a non-positive power"), certain=certain)
        try:
            value = _precise(lambda arithmetic: arithmetic.pow(b, p))
        except Undefined as exc:
            return _undefined(exc, certain=base.error == 0 and exponent.error == 0)
        if value is None:
            return _made(CTX.mpc(0), INF, False, [base, exponent])
        n = CTX.re(p)
        if exponent.real and exponent.error == 0 and n == CTX.nint(n) and abs(n) <= 64:
            # Binary powering: up to |n| roundings, one more for 1/result when n < 0.
            spread = _spread(lambda z: MP.pow(z, p), value, _probes(b, base.error, base.real))
            return _made(value, spread + UNIT * (abs(n) + 1) * abs(value), base.real, [base, exponent])
        # torch.pow: exp(p·log b), so the rounding of p·log b is amplified by |p·log b|.
        spread = _spread(lambda z: MP.pow(z, p), value, _probes(b, base.error, base.real))
        spread += _spread(lambda q: MP.pow(b, q), value, _probes(p, exponent.error, exponent.real))
        own = UNIT * (2 + abs(p * CTX.log(b))) * abs(value)
        real = base.real and exponent.real and CTX.re(b) > 0
        return _made(value, spread + own, real, [base, exponent])

    def call(self, function: str, args: Sequence[Tracked]) -> Tracked:
        if undefined := _propagated(args):
            return undefined
        if function == "root":  # as the program computes it (program.real_root)
            x, n = args
            index = CTX.re(n.value)
            odd = n.real and n.error < 1e-9 and index == CTX.nint(index) and int(index) % 2 == 1
            if odd and x.real and CTX.re(x.value) < 0:  # the real root of a negative number
                return self.neg(self.pow(self.neg(x), self.div(self.number(Fraction(1)), n)))
            return self.pow(x, self.div(self.number(Fraction(1)), n))
        (x,) = args
        if function == "abs":
            value = CTX.mpc(abs(x.value))
            return _made(value, x.error + UNIT * abs(value), True, [x])
        if function == "gamma":
            return self._gamma(x)
        return self._function(function, x)

    def _function(self, function: str, x: Tracked) -> Tracked:
        def plain(z: Any) -> Any:
            return _precise(lambda arithmetic: arithmetic.call(function, [z]), z)

        def on_plus_side(z: Any) -> Any:
            """f of a real z as the program takes it: from the +0 side where z lies on a cut."""
            z = CTX.re(z)
            if REAL_CUTS.get(function, _nowhere)(z):
                return plain(CTX.mpc(z, abs(z) * CTX.mpf("1e-40")))
            return plain(CTX.mpc(z, 0))

        evaluate_at = on_plus_side if x.real else plain
        try:
            value = evaluate_at(x.value)
        except Undefined as exc:
            return _undefined(exc, certain=x.error == 0)
        if value is None:
            return _made(CTX.mpc(0), INF, False, [x])
        spread = _spread(evaluate_at, value, _probes(x.value, x.error, x.real))
        own = UNIT * (2 if function in ("log10", "log2") else 1) * abs(value)
        real = x.real and abs(CTX.im(value)) <= 1e-25 * abs(value)
        return _made(value, spread + own, real, [x])

    def _gamma(self, x: Tracked) -> Tracked:
        """Γ on the real axis only (as the program and ComplexArithmetic), undefined at its poles."""
        if not x.real:
            if abs(CTX.im(x.value)) > x.error:
                return _undefined(Undefined("the Gamma function of a complex number"), certain=True)
            return Tracked(value=None, error=INF, real=False, undefined="domain", certain=False)
        z = CTX.re(x.value)
        if z <= 0 and z == CTX.floor(z):
            return _undefined(Undefined("a pole of the Gamma function"), certain=x.error == 0)

        def gamma(t: Any) -> Any:
            t = CTX.re(t)
            if t <= 0 and t == CTX.floor(t):
                raise Undefined("a pole of the Gamma function")
            return _precise(lambda arithmetic: arithmetic.call("gamma", [CTX.mpc(t)]))

        try:
            value = gamma(z)
        except Undefined as exc:
            return _undefined(exc, certain=x.error == 0)
        if value is None:
            return _made(CTX.mpc(0), INF, False, [x])
        spread = _spread(gamma, value, _probes(x.value, x.error, real=True))
        own = UNIT * (2 + abs(CTX.log(abs(value)))) * abs(value)  # exp(lgamma(x))
        return _made(value, spread + own, True, [x])


def reference(node: Node, point: dict[str, float]) -> Tracked:
    """The tracked reference value of ``node`` at one sample ``point``."""
    arithmetic = Reference()
    return evaluate(node, {name: arithmetic.leaf(value) for name, value in point.items()}, arithmetic)


def well_conditioned(result: Tracked) -> bool:
    """Defined, every intermediate representable in float64, and a small enough error bound."""
    return not result.undefined and result.representable and bool(result.error <= CONDITIONED * abs(result.value))


def must_be_masked(result: Tracked) -> bool:
    """A domain error float64 meets too, or a well-enough-conditioned value beyond float64's range."""
    if result.undefined:
        return result.certain
    return not result.underflow and abs(result.value) > 1e309 and bool(result.error <= abs(result.value) / 2)


def trees(
    unary: Sequence[str] = UNARY, binary: Sequence[str] = ("sub", "div", "pow"), calls: Sequence[str] = ("root",)
) -> st.SearchStrategy[Node]:
    """Random trees shaped like ``tests/compute/test_program.py``'s, over the whole vocabulary.

    (That strategy takes no parameters and draws from a fixed subset of the functions, so it
    is widened here rather than imported.)
    """
    leaves = st.one_of(
        st.sampled_from(NAMES).map(Symbol),
        st.integers(-5, 9).map(lambda value: Number(Fraction(value), str(value))),
        st.fractions(Fraction(-3), Fraction(3), max_denominator=8).map(lambda value: Number(value, str(value))),
    )

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        options = [
            st.tuples(st.sampled_from(["add", "mul"]), st.lists(children, min_size=2, max_size=3)).map(
                lambda pair: Operation(pair[0], tuple(pair[1]))
            ),
            st.tuples(st.sampled_from(binary), children, children).map(
                lambda triple: Operation(triple[0], (triple[1], triple[2]))
            ),
            # Negation is one unary choice among many (as its own branch, hypothesis favours it).
            st.tuples(st.sampled_from((*unary, "neg")), children).map(
                lambda pair: Operation("neg", (pair[1],)) if pair[0] == "neg" else Call(pair[0], (pair[1],))
            ),
        ]
        if calls:
            options.append(
                st.tuples(st.sampled_from(calls), children, children).map(
                    lambda triple: Call(triple[0], (triple[1], triple[2]))
                )
            )
        return st.one_of(options)

    return st.recursive(leaves, extend, max_leaves=16)


#: Sample coordinates: anywhere in [−6, 6] (hypothesis adds −0.0, tiny and subnormal numbers), and
#: the exact points where domains end (0, ±1, negative integers are poles of Γ).
COORDINATES = st.one_of(st.floats(-6, 6), st.sampled_from([0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5]))
POINTS = st.lists(st.tuples(COORDINATES, COORDINATES, COORDINATES), min_size=3, max_size=8)


def _evaluate(expressions: Sequence[Node], points: Sequence[tuple[float, ...]]) -> Evaluation:
    samples = torch.tensor(points, dtype=torch.float64).T.contiguous().to(torch.complex128)
    program = compile_program(
        [(node,) for node in expressions], [{}] * len(expressions), CPU, [NAMES] * len(expressions)
    )
    return evaluate_program(program, [samples] * len(expressions))


@PROPERTY
@given(st.lists(trees(), min_size=2, max_size=4), POINTS)
def test_program_agrees_with_the_mpmath_reference(expressions: list[Node], points: list[tuple[float, ...]]) -> None:
    evaluation = _evaluate(expressions, points)  # (d): never raises, whatever the samples
    for row, node in enumerate(expressions):
        for column, point in enumerate(points):
            expected = reference(node, dict(zip(NAMES, point, strict=True)))
            got = complex(evaluation.values[row, 0, column])
            defined = bool(evaluation.defined[row, 0, column])
            where = f"{node} at {point}: program {got}, reference {expected}"
            if well_conditioned(expected):  # (a)
                assert defined, where
                assert abs(got - expected.value) <= TOLERANCE * abs(expected.value), where
            elif must_be_masked(expected):  # (b)
                assert not defined, where
    assert evaluation.undefined_counts.tolist() == (~evaluation.defined[:, 0]).sum(dim=1).tolist()


@PROPERTY
@given(st.lists(trees(), min_size=2, max_size=4), POINTS)
def test_masks_are_per_sample(expressions: list[Node], points: list[tuple[float, ...]]) -> None:
    """(c): whether a sample is defined does not depend on the other samples or rows in the batch.

    Only the masks must match exactly: torch's CPU kernels can round a complex product
    differently in a vector lane and in the scalar tail (seen with AVX-512), so a value may
    change in its last bit with its position in the batch, and a later cancellation may
    amplify that.  The values themselves are checked against the reference, in batches
    with undefined samples, by :func:`test_program_agrees_with_the_mpmath_reference`.
    """
    evaluation = _evaluate(expressions, points)
    reversed_run = _evaluate(expressions[::-1], points[::-1])
    _assert_same_masks(evaluation.defined, reversed_run.defined.flip(0, 2), expressions, points)
    # Without the samples where any row is undefined, every remaining sample stays defined.
    kept = evaluation.defined_samples.all(dim=0)
    if bool(kept.any()):
        kept_points = [point for point, keep in zip(points, kept.tolist(), strict=True) if keep]
        alone = _evaluate(expressions, kept_points)
        _assert_same_masks(alone.defined, evaluation.defined[:, :, kept], expressions, kept_points)


def _assert_same_masks(defined: torch.Tensor, other: torch.Tensor, expressions: list[Node], points: list[Any]) -> None:
    differing = [
        f"{expressions[row]} at {points[column]}: defined {bool(defined[row, 0, column])} in one batch only"
        for row, column in (defined != other)[:, 0].nonzero().tolist()
    ]
    assert not differing, "\n".join(differing)


REAL_UNARY = ("exp", "sin", "cos", "atan", "tanh", "sinh", "cosh", "abs", "asinh")
MATH: dict[str, Callable[[float], float]] = {name: getattr(math, name) for name in REAL_UNARY if name != "abs"}
MATH["abs"] = abs


def float64(node: Node, point: dict[str, float]) -> float:
    """``node`` in plain float64 arithmetic with :mod:`math` (ZeroDivisionError, OverflowError where undefined)."""
    if isinstance(node, Symbol):
        return point[node.name]
    if isinstance(node, Number):
        return float(node.value)
    args = [float64(child, point) for child in node.args]
    if isinstance(node, Call):
        return MATH[node.function](args[0])
    if node.op in ("add", "mul"):  # left to right, one rounding each, as the program does
        result = args[0]
        for arg in args[1:]:
            result = result + arg if node.op == "add" else result * arg
        return result
    if node.op == "sub":
        return args[0] - args[1]
    if node.op == "div":
        return args[0] / args[1]
    return -args[0]


@PROPERTY
@given(
    trees(REAL_UNARY, binary=("sub", "div"), calls=()),
    st.lists(st.tuples(*[st.floats(0.125, 4)] * 3), min_size=1, max_size=6),
)
def test_real_expressions_match_float64_math(node: Node, points: list[tuple[float, ...]]) -> None:
    """Real operations on positive samples: real results (imaginary part exactly 0), as plain float64 gives."""
    evaluation = _evaluate([node], points)
    for column, point in enumerate(points):
        values = dict(zip(NAMES, point, strict=True))
        expected = reference(node, values)
        got = complex(evaluation.values[0, 0, column])
        if not well_conditioned(expected):
            continue
        plain = float64(node, values)  # well-conditioned and in range: no float64 exception here
        assert got.imag == 0, f"{node} at {point}: {got}"
        assert abs(got.real - plain) <= TOLERANCE * abs(plain), f"{node} at {point}: program {got}, float64 {plain}"


def _single(text: str, xs: Sequence[float]) -> Evaluation:
    tree = parse_syntax(f"{text} = 0").relations[0].lhs
    program = compile_program([(tree,)], [{}], CPU, [("x",)])
    return evaluate_program(program, [torch.tensor([xs], dtype=torch.float64).to(torch.complex128)])


def test_division_by_zero_is_masked_at_that_sample_only() -> None:
    evaluation = _single("1/x", [2.0, 0.0, -4.0, -0.0])
    assert evaluation.defined[0, 0].tolist() == [True, False, True, False]
    assert evaluation.values[0, 0, [0, 2]].tolist() == [0.5, -0.25]
    assert evaluation.undefined_counts.tolist() == [2]


@pytest.mark.parametrize(
    ("text", "x", "expected"),
    [
        ("log(x)", -1.0, complex(0, math.pi)),  # a negative argument is defined: principal branch
        ("sqrt(x)", -4.0, 2j),
        ("log(x)", 0.0, None),
        ("exp(x)", 1000.0, None),  # overflow
        ("x^x", 1000.0, None),
        ("gamma(x)", -2.0, None),  # a pole
        # Each of these was a finite, made-up value before: NaN⁰ = 1 in IEEE arithmetic, and torch's
        # ±inf at a pole turned finite again by tanh or 1/x.
        ("(1/x)^0", 0.0, None),
        ("(log(x))^(x - x)", 0.0, None),
        ("tanh(atanh(x))", 1.0, None),
        ("1/atanh(x)", -1.0, None),
        ("1/gamma(x)", 0.0, None),
        ("1/gamma(x)", -3.0, None),
        ("1/atan(x sqrt(-1))", 1.0, None),  # atan(i)
    ],
)
def test_examples(text: str, x: float, expected: complex | None) -> None:
    evaluation = _single(text, [x, 0.5])
    assert bool(evaluation.defined[0, 0, 1])  # the other sample is untouched
    if expected is None:
        assert not bool(evaluation.defined[0, 0, 0])
        assert evaluation.undefined_counts.tolist() == [1]
    else:
        assert complex(evaluation.values[0, 0, 0]) == pytest.approx(expected, rel=1e-15)
        assert evaluation.undefined_counts.tolist() == [0]


def test_counts_per_row_and_over_both_sides() -> None:
    relation = parse_syntax("1/x = log(y)").relations[0]
    rows = [(relation.lhs, relation.rhs), (Symbol("x"), Call("exp", (Symbol("y"),)))]
    program = compile_program(rows, [{}, {}], CPU, [("x", "y"), ("x", "y")])
    samples = torch.tensor([[0.0, 1.0, 2.0, 3.0], [1.0, 0.0, -1.0, 1000.0]], dtype=torch.complex128)
    evaluation = evaluate_program(program, [samples, samples])
    assert evaluation.defined[0].tolist() == [[False, True, True, True], [True, False, True, True]]
    assert evaluation.defined_samples.tolist() == [[False, False, True, True], [True, True, True, False]]
    assert evaluation.undefined_counts.tolist() == [2, 1]
    torch.testing.assert_close(
        evaluation.values, run_program(program, [samples, samples]), rtol=0, atol=0, equal_nan=True
    )


def test_evaluation_checks_its_shapes() -> None:
    values = torch.zeros((2, 1, 3), dtype=torch.complex128)
    with pytest.raises(ValueError, match="shape"):
        Evaluation(values=values, defined=torch.ones((2, 3), dtype=torch.bool))
    with pytest.raises(ValueError, match="bool"):
        Evaluation(values=values, defined=torch.ones((2, 1, 3)))


@pytest.mark.parametrize("text", ["(1/(-1))^(1/2)", "root(1/(-1), 2)"])
def test_folded_power_of_a_negative_number_is_principal(text: str) -> None:
    tree = parse_syntax(f"{text} = 0").relations[0].lhs
    for fold in (False, True):
        program = compile_program([(tree,)], [{}], CPU, fold_constants=fold)
        value = complex(run_program(program, [torch.zeros((0, 1), dtype=torch.complex128)])[0, 0, 0])
        assert value == pytest.approx(1j, abs=1e-15), f"fold_constants={fold}: {value}"


ON_CUTS = (
    [(function, x) for function in ("sqrt", "log", "log10", "log2") for x in (-2.0, -0.5)]
    + [(function, x) for function in ("asin", "acos", "atanh") for x in (2.0, -2.0)]
    + [("acosh", 0.5), ("acosh", -2.0)]
)
#: C99 Annex G: of a real x with a +0.0 imaginary part, the side of the cut above.
CMATH: dict[str, Callable[[complex], complex]] = {
    "sqrt": cmath.sqrt, "log": cmath.log, "log10": cmath.log10, "log2": lambda z: cmath.log(z) / math.log(2),
    "asin": cmath.asin, "acos": cmath.acos, "atanh": cmath.atanh, "acosh": cmath.acosh,
}  # fmt: skip


@pytest.mark.parametrize(("function", "x"), ON_CUTS)
@pytest.mark.parametrize("through_a_division", [False, True])
def test_on_a_cut_the_program_takes_the_plus_zero_side(function: str, x: float, through_a_division: bool) -> None:
    """On a real cut: the side of +0 imaginary part, also for 1/(1/x), whose imaginary part is −0.0.

    mpmath takes the other side for asin, acos, atanh on (1, ∞) (``asin(2)`` = π/2 − 1.317i,
    float64 and the program π/2 + 1.317i); the reference follows the program (see the module
    docstring), and Python's :mod:`cmath` pins the side independently.
    """
    text, sample = (f"{function}(1/x)", 1 / x) if through_a_division else (f"{function}(x)", x)
    expected = reference(Call(function, (Symbol("x"),)), {"x": x})
    got = complex(_single(text, [sample]).values[0, 0, 0])
    assert well_conditioned(expected)
    assert abs(got - expected.value) <= TOLERANCE * abs(expected.value), f"{text} at {sample}: {got}"
    assert got == pytest.approx(CMATH[function](complex(x, 0.0)), rel=1e-15)


def test_the_reference_calls_cancellation_and_inexact_poles_ill_conditioned() -> None:
    x = Symbol("x")
    one = Number(Fraction(1), "1")
    cancelled = Operation("sub", (Operation("add", (x, one)), x))  # (x + 1) − x: exact 1, float64 rounds x + 1
    assert well_conditioned(reference(cancelled, {"x": 0.75}))
    assert not well_conditioned(reference(Operation("sub", (cancelled, one)), {"x": 0.1}))
    hidden_zero = Operation("div", (one, Operation("sub", (cancelled, one))))  # 1/((x + 1) − x − 1)
    result = reference(hidden_zero, {"x": 0.1})
    assert result.undefined == "domain" and not must_be_masked(result)  # float64 need not find that 0
    exact_zero = Operation("div", (one, Operation("sub", (x, x))))
    assert must_be_masked(reference(exact_zero, {"x": 0.1}))
