"""real_roots: the real solutions seen around a target, decided by hand for each equation."""

from __future__ import annotations

import math

import pytest
import torch

from phi_lab.compute.solution_sets import real_roots
from phi_lab.equations.parser import parse_syntax

PI, PHI = round(math.pi, 6), 1.618034


@pytest.mark.parametrize(
    ("equation", "roots"),
    [
        ("x = pi", (PI,)),
        ("exp(pi - x) = 1", (PI,)),  # a sign change
        ("(x/pi)^e = 1", (PI,)),  # defined for x > 0 only
        ("x^3 = pi^3", (PI,)),
        ("x^2 = pi^2", (-PI, PI)),  # another relation: -pi too
        ("sqrt(pi/x) = 1", (PI,)),
        ("exp(sqrt(x - pi)) = 1", (PI,)),  # at the edge of the domain
        ("exp(sqrt(sqrt(x - pi))) = 1", (PI,)),  # an edge where the difference falls like d^(1/4)
        ("(x - pi)^2 = log(1)", (PI,)),  # touching zero
        ("x = sqrt(x + 1)", (PHI,)),
        ("x^2 = x + 1", (-0.618034, PHI)),
        ("x - 1 = 1/x", (-0.618034, PHI)),
        ("x^3 = 2*x + 1", (-1.0, -0.618034, PHI)),
        ("1/(x - 1) = 0", ()),  # a sign change across a pole is no root
        ("x^2 + 1 = 0", ()),
        ("x^2 + 1/1000 = 0", ()),  # comes near zero, 10^-3 away: not touching
        ("x*x = 2*x", (0.0, 2.0)),
    ],
)
def test_roots_around_pi_and_phi(equation: str, roots: tuple[float, ...]) -> None:
    (relation,) = parse_syntax(equation).relations
    (found,) = real_roots([(relation.lhs, relation.rhs)], "x", around=3.14, device=torch.device("cpu"))
    assert found == roots


def test_many_equations_in_one_call_keep_their_order() -> None:
    texts = ["x = 2", "x^2 = 9", "sin(x) = 0"]
    pairs = [(relation.lhs, relation.rhs) for relation in (parse_syntax(text).relations[0] for text in texts)]
    found = real_roots(pairs * 300, "x", around=1.0, device=torch.device("cpu"))  # several chunks
    assert found[:2] == [(2.0,), (-3.0, 3.0)]
    assert found[2] == tuple(float(f"{k * math.pi:.7g}") + 0.0 for k in range(-3, 4))  # the window is ±10
    assert found[3::3] == found[0:1] * 299
