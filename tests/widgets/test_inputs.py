"""Reading what a user types into the widgets: units text (``phi_lab/widgets/_inputs.py``)."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets", reason="the notebook widgets need the 'notebook' extra (ipywidgets)")

import phi_lab as pl
from phi_lab.widgets import parse_units_text


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("", {}),
        ("F=N, m=kg, a=m/s^2", {"F": "N", "m": "kg", "a": "m/s^2"}),
        (" v = m / s ,, ", {"v": "m / s"}),
    ],
)
def test_units_text_parses_into_a_dict(text: str, units: dict[str, str]) -> None:
    assert parse_units_text(text) == units


@pytest.mark.parametrize("text", ["F==N", "F", "=N", "F=", "F=N, F=kg"])
def test_malformed_units_text_is_a_unit_error(text: str) -> None:
    with pytest.raises(pl.UnitError):
        parse_units_text(text)
