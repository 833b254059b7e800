"""The options module: one definition of the modes, checked once."""

from __future__ import annotations

import pytest

import phi_lab as pl
from phi_lab.options import MODES, check_mode


def test_modes_are_defined_once_and_exported() -> None:
    assert MODES == ("auto", "physics", "math")
    assert pl.MODES is MODES


@pytest.mark.parametrize("mode", [*MODES])
def test_known_modes_pass_through(mode: str) -> None:
    assert check_mode(mode) == mode


@pytest.mark.parametrize("mode", ["Auto", "", None, 3, ["math"]])
def test_unknown_modes_are_refused_with_the_choices(mode: object) -> None:
    with pytest.raises(pl.ModeError, match="use one of auto, physics, math"):
        check_mode(mode)
