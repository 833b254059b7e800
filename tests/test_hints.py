"""Hints: decided by the core as codes, worded by each surface (phi_lab.hints)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import phi_lab as pl
from phi_lab.equations.dimensions import DimensionReport
from phi_lab.equations.verdict import NumericReport, judge
from phi_lab.hints import HINT_CODES, HINTS, SURFACES, Hint, hint_suffix, word_explanation, word_hint

#: What each surface's wording must name (its own controls) and must not (another surface's).
NAMES = {
    "python": ("units=", "mode='math'"),
    "widget": ("Units box", "Mode: math"),
    "cli": ("--units", "--mode math"),
    "web": ("Units field", "Mode menu"),
}


@pytest.mark.parametrize("surface", SURFACES)
def test_each_surface_names_its_own_controls(surface: str) -> None:
    for code in HINT_CODES:
        text = word_hint(code, surface)  # type: ignore[arg-type]
        for other, names in NAMES.items():
            for name in names:
                assert (name in text) == (other == surface), (surface, other, name, text)


def test_the_python_wording_is_the_one_the_verdict_always_had() -> None:
    assert word_hint("conventional_units", "python") == (
        "The dimensions come from conventional symbol meanings; pass units= or use mode='math' if yours differ."
    )


def test_unknown_codes_and_surfaces_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown hint"):
        word_hint("use_a_bigger_gpu", "python")
    with pytest.raises(ValueError, match="unknown surface"):
        word_hint("conventional_units", "fax")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown hint"):
        Hint("nope", "a", "b", "c", "d")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="wording"):
        Hint("conventional_units", "a", " b", "c", "d")
    assert set(HINTS) == set(HINT_CODES)


def test_the_core_decides_by_code() -> None:
    mismatch = DimensionReport("fail", "the left side is mass but the right side is length")
    relation = NumericReport("relation", "a relation", "exact")
    assert judge(mismatch, relation, None).hints == ("conventional_units",)
    declared = DimensionReport("fail", "the left side is mass but the right side is length", declared=True)
    assert judge(declared, relation, None).hints == ()  # the user's own units: nothing to suggest
    contradiction = NumericReport("contradiction", "1 ≠ 2", "exact")
    assert judge(mismatch, contradiction, None).hints == ()  # false whatever the units
    agree = DimensionReport("pass", "both sides are mass")
    assert judge(agree, relation, None).hints == ()


def test_a_verdict_carries_its_hints_and_their_python_wording() -> None:
    result = pl.validate("F = m + a")
    assert result.hints == ("conventional_units",)
    assert result.explanation.endswith(hint_suffix(result.hints))
    assert pl.ValidationResult.from_dict(result.to_dict()) == result
    assert result.to_dict()["hints"] == ["conventional_units"]
    assert pl.validate("F = m + a", mode="math").hints == ()
    assert pl.validate("F = m + a", units={"F": "N", "m": "kg", "a": "m/s^2"}).hints == ()
    with pytest.raises(pl.InputError, match="unknown hint"):
        pl.ValidationResult.from_dict(result.to_dict() | {"hints": ["try harder"]})
    with pytest.raises(ValueError, match="unknown hint"):
        pl.ValidationResult(False, 0.8, (1, 0, 0), 1, 0.0, "", 0.0, hints=("try harder",))  # type: ignore[arg-type]


@pytest.mark.parametrize("surface", SURFACES)
def test_an_explanation_is_worded_for_each_surface(surface: str) -> None:
    result = pl.validate("F = m + a")
    worded = word_explanation(result.explanation, result.hints, surface)  # type: ignore[arg-type]
    reason = result.explanation.removesuffix(hint_suffix(result.hints))
    assert worded == f"{reason} {word_hint('conventional_units', surface)}"  # type: ignore[arg-type]
    assert worded.count("conventional symbol meanings") == 1


def test_an_explanation_without_its_hints_wording_is_left_alone() -> None:
    """A worker of another version may word it otherwise: the hint is never shown twice."""
    assert word_explanation("Invalid: no.", ("conventional_units",), "widget") == "Invalid: no."
    assert word_explanation("Valid.", (), "cli") == "Valid."


def test_the_module_is_light() -> None:
    code = "import sys, phi_lab.hints; assert not {'sympy', 'pint', 'torch'} & set(sys.modules), sys.modules.keys()"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
