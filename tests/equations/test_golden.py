"""φ-coherence: exact ties score 1, literal approximations earn credit that grows with digits."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.equations.golden import LITERAL_CAP, literal_credit, phi_coherence
from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax

CONSTANTS = default_constants("auto")


def score(text: str, kind: str) -> float:
    return phi_coherence(parse_syntax(text), CONSTANTS, kind)[0]


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("phi^2 = phi + 1", "identity", 1.0),
        ("phi = 1 + 1/phi", "identity", 1.0),
        ("phi^5 = 5 phi + 3", "identity", 1.0),
        ("x^2 = x + 1", "relation", 1.0),
        ("x^2 + x = 1", "relation", 1.0),
        ("x^3 = 2x + 1", "relation", 1.0),
        ("1/x = x - 1", "relation", 1.0),
        ("phi^2 = phi + 2", "contradiction", 0.1),
        ("x = phi y", "relation", 0.5),
        ("E = m c^2", "relation", 0.0),
        ("x^2 = 2", "relation", 0.0),
        ("sin(x)^2 + cos(x)^2 = 1", "identity", 0.0),
    ],
)
def test_worked_examples(text: str, kind: str, expected: float) -> None:
    assert score(text, kind) == pytest.approx(expected)


def test_literal_credit_grows_with_matched_digits() -> None:
    approximations = ["1.6", "1.62", "1.618", "1.6180", "1.61803", "1.6180339", "1.618033988749"]
    credits = [literal_credit(float(text)) for text in approximations]
    assert credits[0] == 0.0 or credits[0] < credits[1]
    assert all(a <= b for a, b in itertools.pairwise(credits))
    assert credits[-1] < LITERAL_CAP < 1.0


def test_fibonacci_ratios_get_better_with_index() -> None:
    fib = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]
    credits = [score(f"x = {b}/{a}", "relation") for a, b in itertools.pairwise(fib[5:])]
    assert credits == sorted(credits)
    assert credits[0] > 0


def test_literals_for_other_powers_of_phi() -> None:
    assert score("x = 0.618", "relation") > 0.5
    assert score("x = 2.618", "relation") > 0.5
    assert score("x = 1.5", "relation") == 0.0


@settings(derandomize=True, max_examples=200)
@given(st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_credit_is_bounded(value: float) -> None:
    assert 0.0 <= literal_credit(value) <= LITERAL_CAP


def test_declared_phi_is_a_variable() -> None:
    syntax = parse_syntax("phi^2 = phi + 1", frozenset({"phi"}))
    assert phi_coherence(syntax, CONSTANTS - {"phi"}, "relation")[0] == 1.0  # root φ of its one unknown
