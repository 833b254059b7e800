"""Scalar arithmetics: the same walk in double and arbitrary precision, with guards."""

from __future__ import annotations

import cmath
from fractions import Fraction

import pytest

from phi_lab.equations.evaluate import ComplexArithmetic, MpArithmetic, Undefined, compare_precisely, evaluate
from phi_lab.equations.parser import parse_syntax


def side(text: str) -> object:
    return parse_syntax(f"{text} = 0").relations[0].lhs


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2 + 3*4", 14),
        ("2^10", 1024),
        ("-2^2", -4),
        ("sqrt(-4)", 2j),
        ("log(e)", 1),
        ("abs(-3)", 3),
        ("gamma(5)", 24),
        ("root(8, 3)", 2),
        ("log10(1000)", 3),
        ("cot(pi/4)", 1),
    ],
)
def test_both_arithmetics_agree(text: str, value: complex) -> None:
    node = side(text)
    quick = evaluate(node, {"e": cmath.e, "pi": cmath.pi}, ComplexArithmetic())  # type: ignore[arg-type]
    precise = MpArithmetic(30)
    slow = evaluate(node, {"e": precise.constant("e"), "pi": precise.constant("pi")}, precise)  # type: ignore[arg-type]
    assert quick == pytest.approx(value, abs=1e-12)
    assert complex(slow) == pytest.approx(value, abs=1e-25)


@pytest.mark.parametrize("text", ["1/0", "0^(-1)", "log(0)", "9^9^9^9", "exp(exp(exp(1000)))", "gamma(10^6)"])
def test_undefined_values_raise_instead_of_hanging(text: str) -> None:
    node = side(text)
    for arithmetic in (ComplexArithmetic(), MpArithmetic(30)):
        with pytest.raises(Undefined):
            evaluate(node, {}, arithmetic)  # type: ignore[arg-type]


def test_precise_comparison_is_immune_to_rounding() -> None:
    def constants(arithmetic: MpArithmetic) -> dict[str, object]:
        return {name: arithmetic.constant(name) for name in ("phi", "e", "i", "pi", "h")}

    for text, equal in [
        ("phi^2 = phi + 1", True),
        ("e^(i pi) + 1 = 0", True),
        ("phi^2 = phi + 1.0000000000000000001", False),
        ("h^2 = 0", False),
        ("1 = 2", False),
    ]:
        relation = parse_syntax(text).relations[0]
        assert compare_precisely(relation, constants).equal is equal, text


def test_root_of_index_zero_is_undefined_in_every_arithmetic() -> None:
    arithmetics: tuple[ComplexArithmetic | MpArithmetic, ...] = (ComplexArithmetic(), MpArithmetic(30))
    for arithmetic in arithmetics:
        with pytest.raises(Undefined):
            arithmetic.call("root", [arithmetic.number(Fraction(8)), arithmetic.number(Fraction(0))])


def test_a_folded_power_of_a_negative_number_takes_the_principal_branch() -> None:
    minus_one = ComplexArithmetic().div(1 + 0j, -1 + 0j)  # −1 − 0j: the sign of zero must not pick the branch
    assert ComplexArithmetic().pow(minus_one, 0.5 + 0j) == pytest.approx(1j)


def test_undefined_says_whether_the_value_exists() -> None:
    import pickle

    from phi_lab.equations.parser import parse_syntax as parse

    arithmetic = MpArithmetic(30)
    with pytest.raises(Undefined) as overflow:
        evaluate(parse("x = exp(20000)").relations[0].rhs, {}, arithmetic)
    assert overflow.value.unrepresentable
    with pytest.raises(Undefined) as pole:
        evaluate(parse("x = 1/0").relations[0].rhs, {}, arithmetic)
    assert not pole.value.unrepresentable
    copy = pickle.loads(pickle.dumps(overflow.value))
    assert (copy.reason, copy.unrepresentable) == (overflow.value.reason, True)
