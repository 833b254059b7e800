"""High-precision comparisons: cancellation, convergence, measured constants, readable differences."""

from __future__ import annotations

import mpmath

from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.precision import compare_at, constant_difference, extra_digits, format_difference

AUTO = default_constants("auto")


def _relation(text: str):
    return parse_syntax(text).relations[0]


def test_cancellation_raises_the_precision() -> None:
    relation = _relation("cosh(x)^2 - sinh(x)^2 = 1")
    assert extra_digits(relation, {"x": -227.533}, frozenset()) >= 190
    assert compare_at(relation, {"x": -227.533}, frozenset()).equal


def test_sides_that_only_converge_are_told_apart_when_strict() -> None:
    relation = _relation("tanh(x) = 1")
    assert not compare_at(relation, {"x": 90.0}, frozenset(), strict=True).equal
    assert not compare_at(relation, {"x": 20.0}, frozenset()).equal


def test_measured_constants_compare_within_their_uncertainty() -> None:
    comparison = compare_at(_relation("c = 1/sqrt(mu_0 epsilon_0)"), {}, AUTO)
    assert comparison.equal and comparison.sigma > 0 and comparison.within < 3
    off = compare_at(_relation("c^2 mu_0 epsilon_0 = 1.000001"), {}, AUTO)
    assert not off.equal and off.within > 1000


def test_a_constant_difference_is_found_at_high_precision() -> None:
    relation = _relation("sin(x)^2 + cos(x)^2 = 1 + 10^-12")
    difference = constant_difference(relation, [{"x": 0.3}, {"x": -7.0}, {"x": 1234.5}], frozenset())
    with mpmath.workdps(60):
        assert difference is not None and abs(difference + mpmath.mpf("1e-12")) < mpmath.mpf("1e-40")
    assert constant_difference(_relation("|x| = x + 1"), [{"x": 1.0}, {"x": -3.0}], frozenset()) is None


def test_values_that_agree_to_six_digits_print_with_enough_to_differ() -> None:
    with mpmath.workdps(50):
        lhs, rhs = mpmath.mpf("262537412640768743.99999999999925"), mpmath.mpf("262537412640768744")
        text = format_difference(lhs, rhs)
    assert text.startswith("262537412640768743.999999999999 ≠ 262537412640768744.0") and "7.5e-13" in text
    assert format_difference(mpmath.mpf(1), mpmath.mpf(2)) == "1.0 ≠ 2.0"
