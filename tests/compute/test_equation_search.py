"""Meet-in-the-middle equation search: φ's equations, exactness, no identities, budgets, determinism."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import mpmath
import pytest

from phi_lab.compute.device import resolve_device
from phi_lab.compute.enumeration import Progress, precise_value
from phi_lab.compute.equation_search import EquationSearch, search_equations
from phi_lab.compute.scope import EquationSpace, SearchBudget
from phi_lab.equations.evaluate import MpArithmetic
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Symbol, walk
from phi_lab.errors import InputError


def run(
    target: Any = None,
    *,
    constants: Sequence[str] = ("1", "2", "3", "5"),
    operations: Sequence[str] = ("+", "-", "*", "/", "^", "sqrt"),
    variable: str = "x",
    max_complexity: int = 9,
    max_side_complexity: int | None = 6,
    x_on_both_sides: bool = True,
    time_budget_s: float = 10.0,
    max_pool: int | None = None,
    cancel: threading.Event | None = None,
    device: str = "cpu",
    **options: Any,
) -> EquationSearch:
    """search_equations, its space and budget from find_equations' keywords and defaults."""
    space = EquationSpace(
        tuple(constants), tuple(operations), max_complexity, variable, max_side_complexity, x_on_both_sides
    )
    budget = SearchBudget(time_budget_s, max_pool, cancel)
    return search_equations(target, space, budget, resolve_device(device), **options)


@pytest.fixture(scope="module")
def phi_equations() -> EquationSearch:
    return run(time_budget_s=120.0)


def sides_at(text: str, x: mpmath.mpf) -> tuple[mpmath.mpc, mpmath.mpc]:
    relation = parse_syntax(text).relations[0]
    arithmetic = MpArithmetic(50)
    return (precise_value(relation.lhs, arithmetic, {"x": x}), precise_value(relation.rhs, arithmetic, {"x": x}))


def test_the_equations_of_phi_are_found_and_exact(phi_equations: EquationSearch) -> None:
    hits = {hit.text: hit for hit in phi_equations.hits}
    for text, complexity in (("x^2 = x + 1", 6), ("x - 1 = 1/x", 6), ("x^3 = 2*x + 1", 8), ("x = sqrt(x + 1)", 5)):
        assert text in hits, text
        assert hits[text].exact and hits[text].digits == 50
        assert hits[text].complexity == complexity
    assert phi_equations.hits[0].text == "x = sqrt(x + 1)"  # the simplest
    assert phi_equations.stopped == "max_complexity"
    assert phi_equations.levels == 6


def test_every_hit_holds_at_phi_and_is_not_an_identity(phi_equations: EquationSearch) -> None:
    phi = MpArithmetic(50).constant("phi")
    elsewhere = phi + mpmath.mpf("0.3183")
    for hit in phi_equations.hits:
        left, right = sides_at(hit.text, phi)  # the text reads back through the parser
        assert abs(left - right) < 1e-40 * max(1, abs(left)), hit.text
        away_left, away_right = sides_at(hit.text, elsewhere)
        assert abs(away_left - away_right) > 1e-6, hit.text
        assert any(isinstance(node, Symbol) and node.name == "x" for node in walk(hit.left.node))
        assert hit.complexity <= 9 and hit.left.complexity <= 6 and hit.right.complexity <= 6


def test_ranking_is_exact_then_simplest(phi_equations: EquationSearch) -> None:
    keys = [(not hit.exact, hit.complexity) for hit in phi_equations.hits]
    assert keys == sorted(keys)


def test_results_are_deterministic(phi_equations: EquationSearch) -> None:
    again = run(time_budget_s=120.0)
    assert [hit.text for hit in again.hits] == [hit.text for hit in phi_equations.hits]
    assert (again.pool, again.pairs) == (phi_equations.pool, phi_equations.pairs)


def test_x_on_one_side_only() -> None:
    search = run(x_on_both_sides=False, max_complexity=7)
    assert search.hits
    for hit in search.hits:
        assert hit.left.has_variable and not hit.right.has_variable
    assert "x^2 - x = 1" in {hit.text for hit in search.hits}


def test_a_float_target_is_close_but_never_exact() -> None:
    search = run(1.618033988749895, max_complexity=6)
    hits = {hit.text: hit for hit in search.hits}
    assert not any(hit.exact for hit in search.hits)
    assert 14 <= hits["x^2 = x + 1"].digits <= 17


@pytest.mark.parametrize(
    ("target", "expected", "constants"),
    [("sqrt(2)", "x^2 = 2", ("1", "2", "3")), ("pi", "x = pi", ("1", "2", "pi")), ("0", "x = x^2", ("1", "2"))],
)
def test_other_targets(target: str, expected: str, constants: tuple[str, ...]) -> None:
    search = run(target, constants=constants, max_complexity=5)
    assert expected in {hit.text for hit in search.hits if hit.exact}


def test_identities_in_x_are_not_equations_of_the_target() -> None:
    # log(x) + log(1/x) = log(1) holds for every x; a constant such as Euler's γ satisfies no short equation.
    gamma = "0.57721566490153286060651209008240243104215933593992"
    search = run(gamma, constants=("1",), operations=("+", "/", "log"), max_complexity=9, max_side_complexity=7)
    assert search.hits == () and search.pairs == 0


def test_dressed_up_equations_are_left_out() -> None:
    search = run("pi", constants=("1", "2", "pi"), operations=("+", "-", "*", "/", "exp"))
    texts = {hit.text for hit in search.hits}
    assert "x = pi" in texts and "x - 1 = pi - 1" not in texts
    for dressed in ("x + 1 = pi + 1", "2*x = 2*pi", "x/2 = pi/2", "1 - x = 1 - pi", "exp(x) = exp(pi)"):
        assert dressed not in texts, dressed
    assert "x/pi = 1" in texts  # a different equation with the same root: kept


def test_budgets_stop_the_search() -> None:
    cancel = threading.Event()
    cancel.set()
    cancelled = run(cancel=cancel)
    assert cancelled.stopped == "cancelled" and cancelled.levels == 0 and not cancelled.hits
    small = run(max_pool=100)
    assert small.stopped == "memory" and small.pool <= 100 and small.levels == 3
    # The finished levels are still matched: x^2 = x + 1 needs sides of complexity 3.
    assert "x^2 = x + 1" in {hit.text for hit in small.hits}


def test_progress_reports_hits() -> None:
    reports: list[Progress] = []
    search = run(max_complexity=6, max_side_complexity=4, progress=reports.append)
    assert reports and reports[-1].hits == search.pairs
    assert [report.evaluated for report in reports] == sorted(report.evaluated for report in reports)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"target": "sqrt(-1)"}, "not a real number"),
        ({"target": "1/0"}, "cannot be evaluated"),
        ({"variable": "2x"}, "not a name"),
        ({"max_complexity": 1}, "at least 2"),
        ({"operations": ("+", "mod")}, "unknown operation"),
        ({"constants": ("1", "tau")}, "unknown constant"),
        ({"time_budget_s": 0}, "time budget"),
    ],
)
def test_bad_arguments_are_clear_errors(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        run(**arguments)


@pytest.mark.requires_cuda
def test_cuda_finds_the_same_equations(phi_equations: EquationSearch) -> None:
    on_cuda = run(device="cuda", time_budget_s=120.0)
    assert [hit.text for hit in on_cuda.hits if hit.exact] == [hit.text for hit in phi_equations.hits if hit.exact]


def test_a_search_that_finds_nothing_says_why() -> None:
    pi = run("pi", max_complexity=6, time_budget_s=600)
    assert not any(hit.exact for hit in pi.hits)
    assert pi.reason is not None and pi.reason.startswith("pi is transcendental") and "add pi" in pi.reason
    assert run("phi", max_complexity=6).reason is None
    digits = run(1.6180339887498949, max_complexity=6)
    assert digits.reason is not None and "16 digits" in digits.reason
    assert pi.pool_limit > pi.pool > 0 and pi.pool_bytes > 0 and pi.pruned > 0
