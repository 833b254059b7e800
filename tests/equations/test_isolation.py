"""Isolated procedures: answers come back, runaways are killed at their deadline, errors are reported."""

from __future__ import annotations

import os
import time

import pytest

from phi_lab.equations.isolation import run_isolated
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.solving import decide_algebraic, inconsistent_core, solve_one

requires_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _square(value: int) -> int:
    return value * value


def _forever() -> None:
    while True:
        time.sleep(0.01)


def _fail() -> None:
    raise ValueError("no")


def test_an_answer_comes_back() -> None:
    outcome = run_isolated(_square, 12, seconds=10)
    assert outcome.status == "done" and outcome.value == 144


@requires_fork
def test_a_runaway_is_killed_at_its_deadline() -> None:
    start = time.perf_counter()
    outcome = run_isolated(_forever, seconds=0.3)
    assert outcome.status == "timeout" and time.perf_counter() - start < 5


def test_an_error_is_reported_not_raised() -> None:
    outcome = run_isolated(_fail, seconds=10)
    assert outcome.status == "failed" and "ValueError" in outcome.reason


def test_solveset_proves_an_empty_set_and_returns_candidates() -> None:
    cosh = parse_syntax("cosh(x) = sinh(x)").relations[0]
    empty = solve_one(cosh, "x", frozenset(), complex_domain=False, seconds=20)
    assert empty.status == "empty"
    points = solve_one(parse_syntax("|x| = x + 1").relations[0], "x", frozenset(), complex_domain=False, seconds=20)
    assert points.status == "points" and points.points == (-0.5 + 0j,)


def test_groebner_names_the_conflicting_equations() -> None:
    import sympy

    x, y = sympy.symbols("x y")
    assert inconsistent_core([x - 1, y - 3, x - 2], ["x", "y"], seconds=20) == (0, 2)
    assert inconsistent_core([x - y, x + y - 2], ["x", "y"], seconds=20) == ()


def test_algebraic_constants_are_decided_by_their_minimal_polynomial() -> None:
    relation = parse_syntax("sqrt(3 + 2 sqrt(2)) = 1 + sqrt(2)").relations[0]
    assert decide_algebraic(relation, frozenset(), seconds=20) is True
