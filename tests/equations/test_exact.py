"""Exact algebra: every finding checked against SymPy's own expansion or exact arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.equations.algebra import rational_form, rational_value
from phi_lab.equations.exact import decide_exactly, format_rational
from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Relation, Symbol, walk

MATH = default_constants("math")
AUTO = default_constants("auto")


def _decide(text: str, constants: frozenset[str] = MATH):
    relation = parse_syntax(text).relations[0]
    names = {node.name for side in (relation.lhs, relation.rhs) for node in walk(side) if isinstance(node, Symbol)}
    return decide_exactly(relation, frozenset(names - constants), constants)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("(x+10^9)^2 - (x-10^9)^2 = 4*10^9*x", "identity"),
        ("10^100 + 1 - 10^100 = 1", "identity"),
        ("2^2^2^2^2 = 2^65536", "identity"),
        ("10^5000 = 10^5000", "identity"),
        ("∛(-8) = -2", "identity"),
        ("φ^20 = 6765 φ + 4181", "identity"),
        ("i^2 = -1", "identity"),
        ("sqrt(-4) = 2 i", "identity"),
        ("sin(x) - sin(x) = 0", "identity"),  # an opaque subtree cancels
        ("x^60 = x^60 + 1", "contradiction"),
        ("10^300 + 1 = 10^300", "contradiction"),
        ("1 + 10^-90 = 1", "contradiction"),
        ("φ^20 = 6765 φ + 4180", "contradiction"),
        ("x + pi = x + 3", "contradiction"),  # π is transcendental
        ("x/x = 2", "contradiction"),  # −1 wherever it is defined
        ("9^9^9 + 1 = 9^9^9", "contradiction"),  # too large to compute, but it cancels
        ("1/x = 0", "no_solution"),
        ("1/(x - x) = 1", "no_solution"),  # defined nowhere
        ("x = 1", "relation"),
        ("x^2 = x + 1", "relation"),
        ("x^2 y = 1", "relation"),
    ],
)
def test_findings(text: str, kind: str) -> None:
    finding = _decide(text)
    assert finding is not None and finding.kind == kind, (text, finding)


def test_complex_only_solutions_are_flagged() -> None:
    finding = _decide("x^4 + 1 = 0")
    assert finding is not None and finding.kind == "relation" and finding.complex_only


@pytest.mark.parametrize(
    "text",
    ["|x| = x + 1", "sqrt(2) sqrt(3) = sqrt(6)", "x^2 + y^2 = -1", "G x = 6.6743e-11 x", "sin(x) = x/2"],
)
def test_undecided_by_algebra_alone(text: str) -> None:
    assert _decide(text, AUTO if "G" in text else MATH) is None


def test_physical_constants_that_are_exact_are_rationals() -> None:
    finding = _decide("E = m c^2", AUTO)
    assert finding is not None and finding.kind == "relation"
    assert finding.witness is not None and "E" in finding.witness
    hbar = _decide("hbar = h/(2 pi)", AUTO)
    assert hbar is not None and hbar.kind == "identity"


def test_hostile_sizes_give_up_instead_of_computing() -> None:
    for text in ("x^(10^9) = 1", "(x + y + z + w)^400 = 1", "9^9^9^9 = x"):
        relation = parse_syntax(text).relations[0]
        names = {node.name for side in (relation.lhs, relation.rhs) for node in walk(side) if isinstance(node, Symbol)}
        form = rational_form(relation, frozenset(names), frozenset())
        assert form is None or len(form.numerator) <= 2_000


def test_rational_values_are_exact_and_bounded() -> None:
    assert rational_value(parse_syntax("x = 10^100 + 1 - 10^100").relations[0].rhs) == 1
    assert rational_value(parse_syntax("x = ∛(-27/8)").relations[0].rhs) == Fraction(-3, 2)
    assert rational_value(parse_syntax("x = 9^9^9").relations[0].rhs) is None
    assert rational_value(parse_syntax("x = 1/0").relations[0].rhs) is None


def test_rationals_print_readably() -> None:
    assert format_rational(Fraction(1, 10**11)) == "1e-11"
    assert format_rational(Fraction(-1, 2)) == "-1/2"
    assert format_rational(Fraction(10**300)) == "1e300"
    assert format_rational(Fraction(89875517873681764, 3)).startswith("≈ 2.99585e+16")


_SMALL = st.integers(-3, 3)


@st.composite
def polynomials(draw: st.DrawFn) -> str:
    """A random sum of products of (x + a)^k and (y + b)^k, as text."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        coefficient = draw(_SMALL)
        factors = [f"(x + {draw(_SMALL)})^{draw(st.integers(0, 3))}", f"(y + {draw(_SMALL)})^{draw(st.integers(0, 2))}"]
        terms.append(f"{coefficient}*" + "*".join(factors))
    return " + ".join(terms)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(polynomials(), polynomials())
def test_identities_agree_with_sympy_expansion(left: str, right: str) -> None:
    """Exact algebra says identity exactly when SymPy's expansion of lhs − rhs is 0."""
    relation = parse_syntax(f"{left} = {right}").relations[0]
    finding = decide_exactly(relation, frozenset({"x", "y"}), frozenset())
    x, y = sympy.symbols("x y")
    difference = sympy.expand(_sympy(relation, x, y))
    if difference == 0:
        assert finding is not None and finding.kind == "identity"
    elif difference.is_number:
        assert finding is not None and finding.kind == "contradiction"
    else:
        assert finding is None or finding.kind in ("relation", "no_solution")


def _sympy(relation: Relation, x: sympy.Symbol, y: sympy.Symbol) -> sympy.Expr:
    from phi_lab.equations.symbolic import to_sympy

    return (to_sympy(relation.lhs, frozenset()) - to_sympy(relation.rhs, frozenset())).doit()
