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


def test_options_are_checked_read_only_hashable_and_picklable() -> None:
    import pickle

    from phi_lab.equations.binding import check_options
    from phi_lab.options import Options

    options = check_options({"φ": "m", "F": "N"}, "physics")
    assert options.mode == "physics"
    assert dict(options.units) == {"phi": "m", "F": "N"}  # canonical names, as normalize_units makes them
    with pytest.raises(TypeError):
        options.units["x"] = "s"  # type: ignore[index]
    assert options == Options("physics", {"F": "N", "phi": "m"})
    assert hash(options) == hash(Options("physics", {"F": "N", "phi": "m"}))
    assert options != Options("math", {"F": "N", "phi": "m"})
    assert pickle.loads(pickle.dumps(options)) == options
    assert Options() == Options("auto", {})
    with pytest.raises(pl.ModeError, match="chemistry"):
        Options("chemistry")  # type: ignore[arg-type]
    with pytest.raises(pl.ModeError):
        check_options(None, "chemistry")
    with pytest.raises(pl.UnitError):
        check_options({"F": "not a unit at all"})
