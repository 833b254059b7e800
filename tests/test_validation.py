"""The façade: validate(), validate_many(), parse(), the public surface and the layer contracts."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import phi_lab as pl
from phi_lab.options import Mode

ROOT = Path(__file__).resolve().parents[1]


def test_public_surface_is_exactly_all() -> None:
    # Submodules become attributes once imported; everything else public must be in __all__.
    public = {
        name
        for name in dir(pl)
        if not name.startswith("_") and not inspect.ismodule(getattr(pl, name)) and name != "annotations"
    }
    assert public | {"__version__"} == set(pl.__all__)


@pytest.mark.parametrize(
    ("text", "betti", "chi"),
    [("E = mc²", (1, 0, 0), 1), ("φ² = φ + 1", (1, 1, 0), 0), ("x + x*y = 0", (1, 0, 0), 1)],
)
def test_worked_topology(text: str, betti: tuple[int, int, int], chi: int) -> None:
    result = pl.validate(text)
    assert (result.betti, result.chi) == (betti, chi)


def test_system_has_two_components() -> None:
    assert pl.validate("a = 1; b = 2", mode="math").betti[0] == 2


@pytest.mark.parametrize("text", ["E = mc²", "F = ma", "PV = nRT", "φ² = φ + 1"])
def test_seed_examples_are_valid_with_high_confidence(text: str) -> None:
    result = pl.validate(text)
    assert result.valid and result.confidence >= 0.9
    assert result.catalog is not None
    assert result.explanation.startswith("Valid")


@pytest.mark.parametrize("text", ["E = mc³", "F = m + a"])
def test_dimension_failures(text: str) -> None:
    result = pl.validate(text)
    assert not result.valid
    assert result.check("dimensions").status == "fail"
    assert "dimensions do not match" in result.explanation


@pytest.mark.parametrize("text", ["1 = 2", "φ² = φ + 2"])
def test_contradictions(text: str) -> None:
    result = pl.validate(text)
    assert (result.valid, result.kind) == (False, "contradiction")


def test_units_and_physics_mode() -> None:
    result = pl.validate("F = m*a", units={"F": "N", "m": "kg", "a": "m/s^2"}, mode="physics")
    assert result.valid and result.check("dimensions").status == "pass"
    broken = pl.validate("F = m*a", units={"F": "N", "m": "kg", "a": "m/s"}, mode="physics")
    assert not broken.valid
    assert broken.confidence > pl.validate("F = m + a").confidence  # declared units are stronger evidence
    unknown = pl.validate("E = m x", mode="physics")
    assert not unknown.valid and "x" in unknown.check("dimensions").detail


def test_math_mode_skips_dimensions_and_frees_c() -> None:
    result = pl.validate("E = m c^3", mode="math")
    assert result.valid and result.check("dimensions").status == "skip"
    assert "c" in result.symbols


def test_declared_names_override_constants_and_functions() -> None:
    assert "c" in pl.validate("c = 3", units={"c": "m"}).symbols
    result = pl.validate("speed = d/t", units={"speed": "m/s", "d": "m", "t": "s"})
    assert result.valid and result.symbols == ("d", "speed", "t")


def test_parse_errors_are_results() -> None:
    result = pl.validate("E = (m")
    assert (result.valid, result.kind, result.error_column) == (False, "unparseable", 7)
    assert "column 7" in result.explanation
    assert [check.status for check in result.checks] == ["fail", "skip", "skip", "skip"]


def test_text_without_relation() -> None:
    result = pl.validate("m c^2")
    assert (result.valid, result.kind) == (False, "not_an_equation")
    assert pl.validate("E = mc^2; m").kind == "not_an_equation"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"mode": "chemistry"}, pl.ModeError),
        ({"units": {"m": "blorbs"}}, pl.UnitError),
        ({"units": {"2x": "kg"}}, pl.UnitError),
        ({"units": {"m": 3}}, pl.UnitError),
        ({"units": ["m"]}, pl.UnitError),
        ({"device": "tpu"}, pl.DeviceError),
    ],
)
def test_bad_arguments_raise_input_errors(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        pl.validate("E = mc²", **kwargs)  # type: ignore[arg-type]
    assert issubclass(error, pl.PhiLabError)


def test_validate_many_keeps_order_and_columns() -> None:
    texts = ["E = mc²", "1 = 2", "E = (", "x^2 = x + 1"]
    frame = pl.validate_many(texts)
    assert list(frame["equation"]) == texts
    assert list(frame.columns) == list(pl.validate("E = mc²").to_dict())
    assert list(frame["valid"]) == [True, False, False, True]
    assert list(frame["kind"]) == ["relation", "contradiction", "unparseable", "relation"]


def test_processing_time_is_measured() -> None:
    result = pl.validate("E = mc²")
    assert isinstance(result.processing_time_ms, float) and result.processing_time_ms > 0


def test_layer_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    completed = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "0 broken" in completed.stdout


@pytest.mark.parametrize(
    ("text", "kwargs", "kind", "valid"),
    [
        ("x = 10^9", {}, "relation", True),  # doubles cannot see x vary next to 1e9
        ("y = 6.022e23", {}, "relation", True),
        ("x*h^10 = 1", {}, "relation", True),  # h^10 underflows in doubles
        ("x = 10^400", {}, "relation", True),  # overflows doubles: decided at 80 digits
        ("sin(x)^2 + cos(x)^2 = 2", {}, "contradiction", False),
        ("x = x + 1", {}, "contradiction", False),
        ("E - mc^2 = 0", {}, "relation", True),  # a literal 0 takes any dimension
        ("sqrt(x^2) = x", {"mode": "math"}, "relation", True),  # false for negative x
        ("sqrt(x^2) = x", {}, "relation", True),  # every mode's domain is the whole real line
        ("E_k = ½mv²", {}, "relation", True),
        ("x = 1e400/3", {}, "relation", True),  # a literal quotient beyond double range
    ],
)
def test_regressions(text: str, kwargs: dict[str, str], kind: str, valid: bool) -> None:
    result = pl.validate(text, **kwargs)  # type: ignore[arg-type]
    assert (result.kind, result.valid) == (kind, valid), result.explanation


def test_unevaluable_values_are_undecided() -> None:
    result = pl.validate("x^(10^400) = 1")
    assert result.kind == "undecided" and result.check("numeric").status == "skip"
    assert not result.valid and result.confidence == 0.5 and result.explanation.startswith("Not decided")


def test_identity_on_an_interval_singles_out_no_root() -> None:
    assert pl.validate("asin(sin(x)) = x").phi_coherence == 0.0


def test_close_constants_print_differently() -> None:
    explanation = pl.validate("pi = 3.14159").explanation
    assert "3.14159265359 ≠ 3.14159 (they differ by 2.65e-6)" in explanation
    assert (
        "≠ 262537412640768744.0 (they differ by 7.5e-13)"
        in pl.validate("exp(pi sqrt(163)) = 262537412640768744").explanation
    )


def test_long_name_lists_are_shortened() -> None:
    text = " + ".join(f"x_{k}" for k in range(200)) + " = 1"
    result = pl.validate(text)
    assert "192 more" in result.explanation and len(result.explanation) < 400


def test_unused_units_are_reported() -> None:
    detail = pl.validate("E = mc²", units={"z": "m"}).check("dimensions").detail
    assert "units were given for z, which the equation does not use" in detail


def test_validate_many_frames_hold_what_validate_holds_and_show_no_nan() -> None:
    """Betti numbers are tuples in frames as in the record; absent text (no catalog match, no
    decision method for unparseable text) is an empty cell, so a displayed frame has no NaN."""
    texts = ["E = mc²", "E = mc³", "E = ("]
    frame = pl.validate_many(texts)
    for text, (_, row) in zip(texts, frame.iterrows(), strict=True):
        single = pl.validate(text)
        assert row["betti"] == single.betti and isinstance(row["betti"], tuple), text
        assert row["symbols"] == single.symbols and row["hints"] == single.hints, text
        assert pl.ValidationResult.from_dict(row.to_dict()).catalog == single.catalog, text
    assert list(frame["catalog"]) == ["Mass–energy equivalence", "", ""]
    assert list(frame["decided_by"]) == ["exact", "exact", ""]
    shown = frame[["equation", "valid", "kind", "decided_by", "betti", "catalog"]]
    assert "NaN" not in shown.to_string() and "NaN" not in shown.to_html()
    assert "(1, 0, 0)" in shown.to_string()


@pytest.mark.parametrize(
    ("text", "units", "mode"),
    [
        ("E = m*c^2", None, "auto"),
        ("F = m*a", {"F": "N", "m": "kg", "a": "m/s^2"}, "physics"),
        ("x^2 = x + 1", None, "math"),
        ("F = m + a", {"F": "newton"}, "auto"),
    ],
)
def test_validate_checked_is_validate_with_its_options_checked_before(
    text: str, units: dict[str, str] | None, mode: Mode
) -> None:
    from phi_lab.compute.device import resolve_device
    from phi_lab.equations.binding import check_options
    from phi_lab.validation import validate_checked

    device = resolve_device("cpu")
    checked = validate_checked(text, check_options(units, mode), device).to_dict()
    plain = pl.validate(text, units, mode, device=device).to_dict()
    assert checked | {"processing_time_ms": 0} == plain | {"processing_time_ms": 0}
