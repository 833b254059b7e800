"""Interval arithmetic: enclosures contain every value (property test), proofs only where none exists."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.ranges import Interval, enclose, prove_no_real_solution


@pytest.mark.parametrize(
    "text",
    [
        "exp(x) = 0",
        "1/x = 0",
        "|x| = -1",
        "sqrt(x) = -1",
        "|x| + |y| = -3",
        "tanh(x) = 1",
        "|x-1| + |x+1| = 1",
        "x^2 + 1 = 0",
        "x^2 + y^2 = -1",
        "sin(x) = 2",
        "exp(x) + exp(-x) = 1",
        "atan(x) = 2",
        "cos(x) = 1.0001",
        "sqrt(x^2 + 1) = 0.5",
    ],
)
def test_no_real_solution_is_proved(text: str) -> None:
    relation = parse_syntax(text).relations[0]
    names = sorted({"x", "y"} & set(text))
    assert prove_no_real_solution(relation, names) is not None


@pytest.mark.parametrize(
    "text", ["|x| = x + 1", "x = 1", "sin(x) = 1", "tanh(x) = 0.5", "x^2 + y^2 = 1", "log(x) = 1", "exp(x) = 2"]
)
def test_nothing_is_proved_where_a_solution_exists(text: str) -> None:
    relation = parse_syntax(text).relations[0]
    names = sorted({"x", "y"} & set(text))
    assert prove_no_real_solution(relation, names, max_boxes=500) is None


_FUNCTIONS = ["exp", "sin", "cos", "tanh", "atan", "sqrt", "abs", "cosh", "sinh", "log"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(["x", "x", "2", "-1", "0.5", "pi"]))
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return f"{draw(st.sampled_from(_FUNCTIONS))}({draw(expressions(depth - 1))})"
    operator = draw(st.sampled_from(["+", "-", "*", "/"]))
    if choice == 1:
        return f"({draw(expressions(depth - 1))} {operator} {draw(expressions(depth - 1))})"
    return f"({draw(expressions(depth - 1))})^{draw(st.integers(-2, 3))}"


@settings(derandomize=True, max_examples=300, deadline=None)
@given(expressions(), st.floats(-5, 5), st.floats(0, 3))
def test_enclosures_contain_every_value(text: str, low: float, width: float) -> None:
    """At points of a box, the 40-digit value lies in the box's enclosure (soundness of every proof)."""
    node = parse_syntax(f"y = {text}").relations[0].rhs
    box = Interval(low, low + width)
    enclosure = enclose(node, {"x": box})
    arithmetic = MpArithmetic(40)
    for fraction in (0.0, 0.25, 0.5, 0.9, 1.0):
        point = low + fraction * width
        try:
            value = evaluate(node, {"x": mpmath.mpc(point), "pi": arithmetic.constant("pi")}, arithmetic)
        except Undefined:
            continue
        assert enclosure is not None, (text, point)
        for part, interval in ((float(value.real), enclosure.re), (float(value.imag), enclosure.im)):
            if math.isinf(part):
                continue
            assert interval.lo <= part <= interval.hi, (text, point, part, interval)
