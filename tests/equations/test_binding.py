"""What names mean: ``units`` keys read as names, and ``bind`` deciding constants, units and
dimensions (``phi_lab/equations/binding.py``)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

import phi_lab as pl
from phi_lab.equations.binding import bind, normalize_units
from phi_lab.equations.catalog import load_catalog
from phi_lab.equations.dimensions import dimension_of_unit
from phi_lab.equations.parser import parse_syntax

MASS, LENGTH, AREA, TIME, ENERGY = (dimension_of_unit(unit) for unit in ("kg", "m", "m^2", "s", "kg*m^2/s^2"))


# ---------------------------------------------------------------- normalize_units


@pytest.mark.parametrize(
    ("units", "normalized"),
    [
        (None, {}),
        ({}, {}),
        ({"m₀": "kg", "φ": "1"}, {"m_0": "kg", "phi": "1"}),
        ({"rho_{c,0}": "kg/m^3", r"v_\text{esc}": "m/s"}, {"rho_c_0": "kg/m^3", "v_esc": "m/s"}),
        ({" v ": "m/s", "q1": "C"}, {"v": "m/s", "q_1": "C"}),
        ({"m_0": "kg", "m₀": "kg"}, {"m_0": "kg"}),  # two spellings of one name, one unit: fine
    ],
)
def test_units_are_keyed_by_canonical_names(units: Mapping[str, str] | None, normalized: dict[str, str]) -> None:
    assert normalize_units(units) == normalized


@pytest.mark.parametrize(
    ("key", "fragment"), [("x_{i+1}", "holds no arithmetic"), ("m c", "one name"), ("2", "a name")]
)
def test_a_units_key_that_is_not_one_name_is_refused(key: str, fragment: str) -> None:
    with pytest.raises(pl.UnitError, match=fragment):
        normalize_units({key: "m"})


@pytest.mark.parametrize(
    ("units", "fragment"),
    [
        ({"m_0": "kg", "m₀": "g"}, "both name 'm_0' with different units"),
        ({"m": 5}, "must be a string, not int"),
        ({"  ": "m"}, "at most 64 characters"),
        ({"x" * 65: "m"}, "at most 64 characters"),
        ({"v": "furlongs_per_fortnight_squared"}, "unusable"),
    ],
)
def test_bad_units_are_unit_errors(units: Mapping[str, object], fragment: str) -> None:
    with pytest.raises(pl.UnitError, match=fragment):
        normalize_units(units)  # type: ignore[arg-type]  # a unit that is not a string, on purpose


def test_units_must_be_a_mapping() -> None:
    with pytest.raises(pl.UnitError, match="must be a mapping"):
        normalize_units([("m", "kg")])  # type: ignore[arg-type]


def test_a_unit_error_names_the_symbol_and_the_unit() -> None:
    with pytest.raises(pl.UnitError) as info:
        normalize_units({"m₀": "not_a_unit"})
    assert (info.value.symbol, info.value.unit) == ("m_0", "not_a_unit")


# ---------------------------------------------------------------- bind


def test_physics_mode_reads_the_physical_constants_and_the_conventional_dimensions() -> None:
    equation = bind(parse_syntax("E = m c^2"), "physics", {})
    assert "c" in equation.constants and equation.variables == ("E", "m")
    assert dict(equation.dimensions) == {"E": ENERGY, "m": MASS}
    assert dict(equation.units) == {} and equation.catalog is None and dict(equation.reading) == {}
    assert equation.text == "E = m c^2" and equation.mode == "physics"


def test_math_mode_has_no_physical_constants_and_no_dimensions() -> None:
    equation = bind(parse_syntax("E = m c^2"), "math", {})
    assert equation.constants == {"phi", "pi", "e", "i"}
    assert equation.variables == ("E", "c", "m")
    assert dict(equation.dimensions) == {}


def test_a_declared_name_is_a_variable_with_its_unit() -> None:
    equation = bind(parse_syntax("x = c t"), "physics", {"c": "m", "x": "m^2"})
    assert "c" not in equation.constants
    assert equation.variables == ("c", "t", "x")
    assert dict(equation.units) == {"c": "m", "x": "m^2"}
    assert equation.dimensions["c"] == LENGTH and equation.dimensions["x"] == AREA
    assert equation.dimensions["t"] == TIME  # undeclared: the convention


def test_an_unknown_name_has_no_dimension_rather_than_a_guess() -> None:
    equation = bind(parse_syntax("zeta = 1"), "physics", {})
    assert equation.variables == ("zeta",) and "zeta" not in equation.dimensions


def test_a_catalog_entry_decides_what_c_means() -> None:
    pythagoras = parse_syntax("a^2 + b^2 = c^2")
    entry = load_catalog().match(pythagoras)
    assert entry is not None
    equation = bind(pythagoras, "auto", {}, entry)
    assert equation.catalog is entry
    assert "c" not in equation.constants and equation.dimensions["c"] == LENGTH  # a side, not the speed of light
    declared = bind(pythagoras, "auto", {"c": "s"}, entry)
    assert declared.units["c"] == "s" and declared.dimensions["c"] == TIME  # a declaration beats the entry
    in_math = bind(pythagoras, "math", {}, entry)
    assert in_math.constants == {"phi", "pi", "e", "i"} and dict(in_math.dimensions) == {}


def test_an_equation_is_read_only_and_builds_one_sympy_relation_per_relation() -> None:
    equation = bind(parse_syntax("a = b; b = 2"), "math", {})
    with pytest.raises(TypeError):
        equation.units["a"] = "m"  # type: ignore[index]
    relations = equation.as_sympy()
    assert len(relations) == 2
    assert {symbol.name for symbol in relations[0].free_symbols} == {"a", "b"}
