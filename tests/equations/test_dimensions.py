"""Dimensional analysis: pint reads units; our own walk propagates them strictly."""

from __future__ import annotations

from fractions import Fraction

import pytest

from phi_lab.equations.dimensions import (
    DIMENSIONLESS,
    check_dimensions,
    conventional_dimension,
    dimension_of_unit,
)
from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax
from phi_lab.errors import UnitError

ENERGY = dimension_of_unit("J")
CONSTANTS = default_constants("physics")


def report(text: str, units: dict[str, str] | None = None, *, require_all: bool = False) -> tuple[str, str]:
    syntax = parse_syntax(text, frozenset(units or {}))
    dimensions = {name: dimension_of_unit(unit) for name, unit in (units or {}).items()}
    for name in syntax.names - set(dimensions):
        conventional = conventional_dimension(name)
        if conventional is not None:
            dimensions[name] = conventional
    constants = CONSTANTS - set(units or {})
    result = check_dimensions(syntax, dimensions, constants, require_all=require_all)
    return result.status, result.detail


def test_pint_unit_strings() -> None:
    assert dimension_of_unit("kg*m^2/s^2") == ENERGY
    assert dimension_of_unit("N*m") == ENERGY
    assert dimension_of_unit("dimensionless") == DIMENSIONLESS
    assert dimension_of_unit("V") == dimension_of_unit("W/A")
    assert str(ENERGY) == "mass·length²/time² (energy)"
    assert str(dimension_of_unit("m^(1/2)")) == "length¹ᐟ²"


@pytest.mark.parametrize("unit", ["blorbs per fortnight", "kg**", "", "m/(s", "x" * 300])
def test_unreadable_units_are_unit_errors(unit: str) -> None:
    with pytest.raises(UnitError):
        dimension_of_unit(unit)


def test_conventions_and_subscripts() -> None:
    assert conventional_dimension("E") == ENERGY
    assert conventional_dimension("E_k") == ENERGY
    assert conventional_dimension("x") is None
    assert conventional_dimension("I") is None


@pytest.mark.parametrize(
    ("text", "status", "fragment"),
    [
        ("E = m c^2", "pass", "energy"),
        ("E = m c^3", "fail", "the left side is mass·length²/time² (energy) but the right side is"),
        ("F = m + a", "fail", "cannot add mass and length/time² (acceleration)"),
        ("F = m a - m", "fail", "cannot subtract"),
        ("exp(m) = 2", "fail", "the argument of exp must be dimensionless, not mass"),
        ("sin(t) = 1", "fail", "argument of sin"),
        ("v = sqrt(2 E / m)", "pass", "velocity"),
        ("v^(1/2) = t^x", "fail", "needs a rational number"),
        ("2^t = 1", "fail", "an exponent must be dimensionless"),
        ("x^2 = x + 1", "skip", "no dimension is known for x"),
        ("E = m x", "skip", "no dimension is known for x"),
        ("E = m x + t", "fail", "but the right side is time"),
        ("phi^2 = phi + 1", "pass", "dimensionless"),
        ("E = h nu", "pass", "energy"),
        ("P V = n R T", "pass", "energy"),
        ("|v| = v", "pass", "velocity"),
        ("root(V, 3) = x", "skip", "x"),
    ],
)
def test_propagation(text: str, status: str, fragment: str) -> None:
    got_status, detail = report(text)
    assert got_status == status
    assert fragment in detail


def test_declared_units_override_conventions() -> None:
    assert report("V = I R", {"V": "V", "I": "A", "R": "ohm"})[0] == "pass"
    assert report("V = I R", {"V": "m^3", "I": "A", "R": "ohm"})[0] == "fail"
    assert report("c = 3", {"c": "dimensionless"})[0] == "pass"


def test_physics_mode_requires_every_dimension() -> None:
    status, detail = report("E = m x", require_all=True)
    assert status == "fail" and "x" in detail


def test_rational_exponents_are_exact() -> None:
    syntax = parse_syntax("x = m^(2/4)")
    result = check_dimensions(syntax, {"x": dimension_of_unit("kg^0.5"), "m": dimension_of_unit("kg")}, frozenset())
    assert result.status == "pass"
    assert dimension_of_unit("kg^0.5").exponents[0] == Fraction(1, 2)
