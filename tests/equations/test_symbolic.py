"""SymPy objects are built from the tree, unevaluated, and agree with SymPy's own algebra."""

from __future__ import annotations

import pytest
import sympy

import phi_lab as pl
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.symbolic import decide_equality


def test_as_sympy_is_the_equation_as_written() -> None:
    (relation,) = pl.parse("E = mc²").as_sympy()
    E, m, c = sympy.symbols("E m c")
    assert relation == sympy.Eq(E, sympy.Mul(m, sympy.Pow(c, 2, evaluate=False), evaluate=False), evaluate=False)
    assert sympy.simplify(relation.lhs - relation.rhs.doit() - (E - m * c**2)) == 0


def test_named_constants_become_sympy_constants() -> None:
    (relation,) = pl.parse("φ² = φ + 1").as_sympy()
    assert sympy.GoldenRatio in relation.free_symbols | relation.atoms(sympy.NumberSymbol)
    assert sympy.simplify(relation.lhs.doit() - relation.rhs.doit()) == 0
    (euler,) = pl.parse("e^(iπ) + 1 = 0").as_sympy()
    assert euler.lhs.doit() == 0


def test_hostile_powers_stay_unevaluated() -> None:
    (relation,) = pl.parse("9^9^9^9 = 1").as_sympy()
    assert isinstance(relation.lhs, sympy.Pow)


def test_functions_and_divisions() -> None:
    (relation,) = pl.parse(r"\frac{\sin x}{\sqrt{x}} = \ln(x) + |x|", mode="math").as_sympy()
    x = sympy.Symbol("x")
    expected = sympy.sin(x) / sympy.sqrt(x) - (sympy.log(x) + sympy.Abs(x))
    assert sympy.simplify(relation.lhs.doit() - relation.rhs.doit() - expected) == 0


def test_declared_names_are_symbols() -> None:
    equation = pl.parse("c = 3", units={"c": "m"})
    assert "c" not in equation.constants
    assert equation.variables == ("c",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phi^2 = phi + 1", True),
        ("phi^20 = 6765*phi + 4181", True),
        ("phi^(-7) = 13*phi - 21", True),
        ("phi^20 = 6765*phi + 4180", False),  # off by one in 15 digits: refuted exactly
        ("sqrt(2)^2 = 2", True),
        ("1/3 + 1/6 = 1/2", True),
        ("pi = 3", None),  # transcendental: not decided
        ("x = 1", None),  # a variable: not a constant relation
    ],
)
def test_decide_equality(text: str, expected: bool | None) -> None:
    relation = parse_syntax(text).relations[0]
    assert decide_equality(relation, frozenset({"phi", "pi"})) is expected
