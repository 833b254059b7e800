"""The known-equation catalog: consistent data, recognition up to rearrangement."""

from __future__ import annotations

import pytest

from phi_lab.equations.catalog import load_catalog
from phi_lab.equations.dimensions import check_dimensions, dimension_of_unit
from phi_lab.equations.parser import parse_syntax

CATALOG = load_catalog()


def match(text: str) -> str | None:
    entry = CATALOG.match(parse_syntax(text))
    return entry.name if entry else None


def test_catalog_is_large_and_names_are_unique() -> None:
    names = [entry.name for entry in CATALOG.entries]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("entry", CATALOG.entries, ids=lambda entry: entry.name)
def test_every_entry_is_consistent(entry: object) -> None:
    from phi_lab.equations.catalog import CatalogEntry

    assert isinstance(entry, CatalogEntry)
    # Its own equation lies on its sample points, and its default units agree dimensionally.
    assert entry.holds_at_points(entry.syntax)
    dimensions = {name: dimension_of_unit(unit) for name, unit in entry.units.items()}
    assert check_dimensions(entry.syntax, dimensions, entry.constants).status == "pass"
    # It recognises itself.
    assert CATALOG.match(entry.syntax) is entry


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("E = mc²", "Mass–energy equivalence"),
        ("m = E/c^2", "Mass–energy equivalence"),
        ("E - m c^2 = 0", "Mass–energy equivalence"),
        ("mc² = E", "Mass–energy equivalence"),
        ("a = F/m", "Newton's second law"),
        ("PV = nRT", "Ideal gas law"),
        ("V = IR", "Ohm's law"),
        ("a² + b² = c²", "Pythagorean theorem"),
        ("1 + e^(iπ) = 0", "Euler's identity"),
        ("φ + 1 = φ²", "Golden ratio equation"),
    ],
)
def test_recognised_up_to_rearrangement(text: str, name: str) -> None:
    assert match(text) == name


@pytest.mark.parametrize("text", ["E = mc³", "F = m + a", "E = m c", "x = y", "E = mc²; F = ma", "φ^5 = 5φ + 3"])
def test_not_recognised(text: str) -> None:
    assert match(text) is None


def test_by_name() -> None:
    assert CATALOG.by_name("Ohm's law").field == "electromagnetism"
    with pytest.raises(KeyError):
        CATALOG.by_name("Nope")
