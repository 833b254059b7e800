"""Witnesses: solutions found, confirmed to 70 digits, and false ones (poles, convergence) refused."""

from __future__ import annotations

import time

import mpmath
import torch

from phi_lab.compute.roots import confirm_root, find_common_root, find_complex_root, find_real_root
from phi_lab.equations.parser import parse_syntax

CPU = torch.device("cpu")


def _relation(text: str):
    return parse_syntax(text).relations[0]


def _real_root(text: str, variables: tuple[str, ...] = ("x",)):
    bases = [dict.fromkeys(variables, 1.0), dict.fromkeys(variables, -0.7)]
    return find_real_root(
        _relation(text),
        variables,
        frozenset({"pi"}),
        constant_values={"pi": complex(mpmath.pi)},
        bases=bases,
        device=CPU,
        deadline=time.perf_counter() + 30,
    )


def test_roots_are_found_where_the_sign_changes_and_where_it_only_touches() -> None:
    witness = _real_root("|x| = x + 1")
    assert witness is not None and abs(witness.point["x"] + 0.5) < 1e-60
    touching = _real_root("sin(x) = 1")
    with mpmath.workdps(90):
        assert touching is not None and abs(mpmath.sin(touching.point["x"]) - 1) < 1e-60


def test_poles_and_converging_sides_are_not_solutions() -> None:
    assert _real_root("tan(x) = 0.5 + tan(x)") is None
    assert not confirm_root(_relation("tanh(x) = 1"), {"x": mpmath.mpf(10) ** 15}, frozenset())
    assert not confirm_root(_relation("1/x = 0"), {"x": mpmath.mpf(10) ** 40}, frozenset())


def test_complex_solutions_are_found() -> None:
    deadline = time.perf_counter() + 30
    witness = find_complex_root(_relation("x^2 = -4"), ("x",), frozenset(), {"x": 1.0}, deadline=deadline)
    assert witness is not None and abs(abs(witness.point["x"]) - 2) < 1e-60
    assert "i" in witness.text()


def test_common_solutions_of_systems() -> None:
    relations = [_relation("x^2 + y^2 = 1"), _relation("y = sin(x)")]
    starts = [{"x": 0.5, "y": 0.5}, {"x": -0.5, "y": 1.0}]
    witness = find_common_root(relations, ("x", "y"), frozenset(), starts, deadline=time.perf_counter() + 30)
    assert witness is not None
    x, y = witness.point["x"], witness.point["y"]
    with mpmath.workdps(90):
        assert abs(x**2 + y**2 - 1) < 1e-60 and abs(y - mpmath.sin(x)) < 1e-60
