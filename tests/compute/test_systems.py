"""Systems: groups of shared variables, Gröbner bases naming conflicts, dependent equations, common solutions."""

from __future__ import annotations

import pytest
import torch

from phi_lab.compute.numeric import classify
from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax

CPU = torch.device("cpu")


def _system(text: str, mode: str = "math"):
    return classify(parse_syntax(text), default_constants(mode), CPU, mode=mode)


@pytest.mark.parametrize(
    ("text", "conflict"),
    [("x = 1; x = 2", (1, 2)), ("x = 1; y = 2; y = 3", (2, 3)), ("x = y; y = z; z = x + 1", (1, 2, 3))],
)
def test_inconsistent_systems_name_the_equations_that_conflict(text: str, conflict: tuple[int, ...]) -> None:
    report = _system(text)
    assert (report.kind, report.decided_by, report.conflict) == ("inconsistent", "exact", conflict)


def test_dependent_equations_are_named() -> None:
    report = _system("x + y = 1; 2x + 2y = 2")
    assert report.kind == "relation" and "equation 2 follows from the others" in report.detail


def test_independent_groups_each_need_only_their_own_solution() -> None:
    report = _system("a = 1; b = 2")
    assert report.kind == "relation" and report.decided_by == "exact" and "share no variable" in report.detail


@pytest.mark.parametrize(
    "text",
    [
        "x^2 + y^2 = 1; y = sin(x)",  # Newton's method
        "exp(x) = y; log(y) = x",  # dependent: one equation at a time
        "log(x*y) = log(x) + log(y); x + y = 0",  # a region of solutions
        "sqrt(x^2) = -x; x + 2 = 0",  # overdetermined
    ],
)
def test_common_solutions_are_found_and_confirmed(text: str) -> None:
    report = _system(text)
    assert (report.kind, report.decided_by) == ("relation", "high-precision") and report.witness


def test_scaled_newton_handles_sides_of_very_different_sizes() -> None:
    report = _system("F = m a; E = m c^2", "auto")
    assert report.kind == "relation" and report.witness and "E ≈ " in report.witness


def test_a_system_takes_the_verdict_of_an_equation_without_solution() -> None:
    report = _system("exp(x) = 0; y = 1")
    assert report.kind == "no_solution" and report.conflict == (1,)


def test_complex_only_common_solutions_count_in_math_mode_only() -> None:
    assert _system("x^2 + y^2 = -1; x = y", "auto").kind == "no_solution"  # quantities are real
    report = _system("x^2 + y^2 = -1; x = y", "math")
    assert report.kind == "relation" and report.complex_only
