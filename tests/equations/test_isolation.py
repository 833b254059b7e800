"""The prover process: answers come back, runaways are stopped at their deadline, errors are reported."""

from __future__ import annotations

import time

import pytest

from phi_lab.equations.isolation import run_isolated
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.solving import SystemAnalysis, analyse_system, decide_constants, solve_one


def test_an_answer_comes_back() -> None:
    outcome = run_isolated("echo", {"x": [1, 2]}, seconds=30)
    assert outcome.status == "done" and outcome.value == {"x": [1, 2]}


def test_a_runaway_is_stopped_at_its_deadline_and_the_next_call_works() -> None:
    run_isolated("echo", 0, seconds=30)  # started, so the deadline below is the call's own
    start = time.perf_counter()
    outcome = run_isolated("sleep", 60.0, seconds=0.3)
    assert outcome.status == "timeout" and time.perf_counter() - start < 5
    assert run_isolated("echo", 7, seconds=30).value == 7


def test_an_error_is_reported_not_raised() -> None:
    outcome = run_isolated("sleep", "not a number", seconds=30)
    assert outcome.status == "failed" and "TypeError" in outcome.reason


def test_only_known_procedures_run() -> None:
    with pytest.raises(ValueError, match="unknown procedure"):
        run_isolated("os.system", "true", seconds=1)


def test_solveset_proves_an_empty_set_and_returns_candidates() -> None:
    cosh = parse_syntax("cosh(x) = sinh(x)").relations[0]
    empty = solve_one(cosh, "x", frozenset(), complex_domain=False, seconds=20)
    assert empty.status == "empty"
    points = solve_one(parse_syntax("|x| = x + 1").relations[0], "x", frozenset(), complex_domain=False, seconds=20)
    assert points.status == "points" and points.points == (-0.5 + 0j,)


def test_groebner_names_the_conflicting_equations() -> None:
    import sympy

    x, y = sympy.symbols("x y")
    assert analyse_system([x - 1, y - 3, x - 2], ["x", "y"], seconds=20) == SystemAnalysis((0, 2))
    assert analyse_system([x - y, x + y - 2], ["x", "y"], seconds=20) == SystemAnalysis(())
    assert analyse_system([x - y, 2 * x - 2 * y], ["x", "y"], seconds=20) == SystemAnalysis((), (1,))


def test_constants_are_decided_exactly() -> None:
    constants = frozenset({"pi", "e", "i", "phi"})
    for text, equal in [
        ("sqrt(3 + 2 sqrt(2)) = 1 + sqrt(2)", True),  # minimal polynomial
        ("e^(i pi) + 1 = 0", True),  # SymPy evaluates exp(iπ)
        ("sin(pi/6) = 1/2", True),
        ("sqrt(3 + 2 sqrt(2)) = 1 + sqrt(2) + 10^-30", False),
    ]:
        relation = parse_syntax(text).relations[0]
        assert decide_constants(relation, constants, seconds=20) is equal, text
