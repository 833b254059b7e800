"""Auto mode reads ambiguous letters by evidence, and says how (phi_lab.equations.readings)."""

from __future__ import annotations

import copy
import json
import pickle
import re
import time
from fractions import Fraction
from itertools import product
from typing import Any

import pytest

import phi_lab as pl
from phi_lab.equations import readings as readings_module
from phi_lab.equations.binding import bind
from phi_lab.equations.catalog import load_catalog
from phi_lab.equations.dimensions import check_dimensions, conventional_dimension, dimension_of_unit
from phi_lab.equations.evaluate import ComplexArithmetic, MpArithmetic
from phi_lab.equations.names import PHYSICAL_CONSTANTS, default_constants
from phi_lab.equations.parser import Rereading, parse_alternative, parse_syntax
from phi_lab.equations.readings import (
    MAX_COMBINATIONS,
    READINGS,
    Ambiguity,
    Reading,
    interpret,
    readings_of,
)
from phi_lab.equations.syntax import Operation, Symbol, canonical_form

DENOMINATOR = "the product after '/' is the denominator"


def sentences(text: str) -> int:
    """As tests/test_corpus.py counts them: a '.', '!' or '?' that ends the text or is followed by a space."""
    return len(re.findall(r"[.!?](?:\s|$)", text.strip()))


# ---------------------------------------------------------------- the six examples


@pytest.mark.parametrize(
    ("text", "kind", "reading", "said"),
    [
        (
            "v = sqrt(2gh)",
            "relation",
            {"g": "gravitational acceleration", "h": "a height (length)"},
            "reading h as a height",
        ),
        ("ω = 2π/T", "relation", {"T": "a period (time)"}, "reading T as a period"),
        (
            "E = eV",
            "relation",
            {"E": "an energy", "e": "the elementary charge", "V": "a voltage"},
            "reading e as the elementary charge and V as a voltage",
        ),
        (
            "φ^(n+2) = φ^(n+1) + φ^n",
            "identity",
            {"n": "an integer or count (dimensionless)"},
            "reading n as an integer or count",
        ),
        (
            "vf = vi + at",
            "relation",
            {
                "vf": "v_f: one name (v with the subscript f), not v·f",
                "vi": "v_i: one name (v with the subscript i), not v·i",
                "a": "an acceleration",
            },
            "reading vf as v_f and vi as v_i",
        ),
        (
            "ħ = h/2π",
            "identity",
            {"h/2π": f"h/(2π): {DENOMINATOR}", "h": "the Planck constant"},
            "reading h/2π as h/(2π)",
        ),
        (
            "E = p²/2m",
            "relation",
            {"p²/2m": f"p²/(2m): {DENOMINATOR}", "E": "an energy", "p": "a momentum"},
            "reading p²/2m as p²/(2m)",
        ),
    ],
)
def test_a_failing_conventional_reading_is_re_read_and_said(
    text: str, kind: str, reading: dict[str, str], said: str
) -> None:
    result = pl.validate(text, device="cpu")
    assert result.valid, result.explanation
    assert result.kind == kind
    assert result.check("dimensions").status == "pass"
    assert dict(result.reading) == reading
    assert said in result.explanation and said in result.check("dimensions").detail
    assert sentences(result.explanation) <= 3, result.explanation


def test_each_example_failed_its_dimensions_before() -> None:
    for text in ("v = sqrt(2gh)", "ω = 2π/T", "E = eV", "φ^(n+2) = φ^(n+1) + φ^n", "vf = vi + at", "E = p²/2m"):
        syntax = parse_syntax(text)
        conventional = bind(syntax, "auto", {}, load_catalog().match(syntax))
        report = check_dimensions(syntax, conventional.dimensions, conventional.constants)
        assert report.status == "fail", text


def test_hbar_is_h_over_two_pi_exactly() -> None:
    result = pl.validate("ħ = h/2π", device="cpu")
    assert (result.kind, result.decided_by) == ("identity", "exact")
    assert result.confidence >= 0.95
    reference = pl.validate("hbar = h/(2*pi)", device="cpu")
    assert (reference.kind, reference.decided_by, dict(reference.reading)) == ("identity", "exact", {})
    # The default parse is unchanged: (h/2)·π, which is false.
    lhs_rhs = parse_syntax("ħ = h/2π").relations[0].rhs
    assert isinstance(lhs_rhs, Operation) and lhs_rhs.op == "mul"


def test_the_reading_reaches_the_numeric_check() -> None:
    """The constants bound by the reading are the ones the numeric check receives."""
    equation = pl.parse("E = eV")
    assert "e_charge" in equation.constants and "e" not in equation.syntax.names
    assert equation.variables == ("E", "V")
    result = pl.validate("E = eV", device="cpu")
    assert result.witness is not None and "5.34059e-20" in result.witness  # (1.602176634e-19)/3
    height = pl.parse("v = sqrt(2gh)")
    assert "h" not in height.constants and "h" in height.variables
    assert pl.parse("E = mc²").reading == {}


def test_validate_many_reads_as_validate_does() -> None:
    texts = ["E = eV", "v = sqrt(2gh)", "E = mc²", "ħ = h/2π"]
    frame = pl.validate_many(texts, device="cpu")
    for text, (_, row) in zip(texts, frame.iterrows(), strict=True):
        single = pl.validate(text, device="cpu")
        assert row["reading"] == dict(single.reading), text
        assert (bool(row["valid"]), row["kind"]) == (single.valid, single.kind), text


# ---------------------------------------------------------------- what does not change


@pytest.mark.parametrize(
    ("text", "valid", "catalog"),
    [
        ("E = mc²", True, "Mass–energy equivalence"),
        ("F = ma", True, "Newton's second law"),
        ("PV = nRT", True, "Ideal gas law"),
        ("a² + b² = c²", True, "Pythagorean theorem"),
        ("φ² = φ + 1", True, "Golden ratio equation"),
        ("F = m + a", False, None),
        ("E = mc³", False, None),
    ],
)
def test_conventional_verdicts_keep_an_empty_reading(text: str, valid: bool, catalog: str | None) -> None:
    result = pl.validate(text, device="cpu")
    assert result.valid is valid and result.catalog == catalog
    assert dict(result.reading) == {}
    assert ", reading " not in result.explanation and "(reading " not in result.explanation


def test_the_search_does_not_run_when_the_conventional_reading_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    # No seam to inject here: the search is private, so it is replaced by one that must not be called.
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the readings search ran")

    monkeypatch.setattr(readings_module, "_search", forbidden)
    monkeypatch.setattr(readings_module, "parse_alternative", forbidden)
    for text in ("E = mc²", "F = ma", "PV = nRT", "φ² = φ + 1", "a² + b² = c²", "x = 1/2π"):
        assert pl.validate(text, device="cpu").valid, text


@pytest.mark.parametrize(("text", "names"), [("F = m + a", ("F", "m", "a")), ("E = mc³", ("E", "m", "c"))])
def test_no_reading_at_all_makes_these_consistent(text: str, names: tuple[str, ...]) -> None:
    """Every combination of every reading (not only the ones the search checks) fails."""
    syntax = parse_syntax(text)
    conventional = bind(syntax, "auto", {}, None)
    options = [readings_of(name) or (None,) for name in names]
    for choice in product(*options):
        dimensions = dict(conventional.dimensions)
        constants = set(conventional.constants)
        for name, reading in zip(names, choice, strict=True):
            if reading is None:
                continue
            dimensions.pop(name, None)
            constants.discard(name)
            if reading.constant == name:
                constants.add(name)
            elif (dimension := reading.dimension()) is not None:
                dimensions[name] = dimension
        assert check_dimensions(syntax, dimensions, frozenset(constants)).status == "fail", choice


def test_a_failed_search_names_the_readings_tried() -> None:
    result = pl.validate("F = m + a", device="cpu")
    assert (result.valid, result.check("dimensions").status) == (False, "fail")
    assert "tried a as a length" in result.explanation
    assert sentences(result.explanation) <= 3
    cubed = pl.validate("E = mc³", device="cpu")
    assert "tried E as an electric field, c as a length, c as a specific heat capacity" in cubed.explanation


def test_declared_units_always_win() -> None:
    declared = pl.validate("v = sqrt(2gh)", {"h": "s"}, device="cpu")
    assert not declared.valid and declared.check("dimensions").status == "fail"
    assert dict(declared.reading) == {}
    assert "h as" not in declared.explanation  # h is never re-read; only g was tried
    as_declared = pl.validate("v = sqrt(2gh)", {"h": "m"}, device="cpu")
    assert as_declared.valid and dict(as_declared.reading) == {}


@pytest.mark.parametrize("text", ["v = sqrt(2gh)", "ω = 2π/T", "E = eV", "vf = vi + at", "ħ = h/2π"])
def test_physics_and_math_modes_are_unchanged(text: str) -> None:
    physics = pl.validate(text, mode="physics", device="cpu")
    assert dict(physics.reading) == {} and not physics.valid
    math_mode = pl.validate(text, mode="math", device="cpu")
    assert dict(math_mode.reading) == {} and math_mode.check("dimensions").status == "skip"
    assert "reading" not in math_mode.explanation


def test_the_search_is_bounded() -> None:
    """Twelve ambiguous letters: at most MAX_COMBINATIONS checks, a few milliseconds."""
    text = "E + a + c + e + f + g + h + I + k + n + P + p = q + R + T + V"
    syntax = parse_syntax(text)
    assert len(syntax.names & set(READINGS)) >= 12
    started = time.perf_counter()
    interpretation = interpret(syntax, "auto", {}, load_catalog())
    assert time.perf_counter() - started < 0.5
    assert interpretation.dimensions.status == "fail"
    many = interpret(parse_syntax("E + 1 = R c k I"), "auto", {}, load_catalog())
    assert f"the first {MAX_COMBINATIONS} of 71 combinations" in many.dimensions.detail
    started = time.perf_counter()
    pl.validate(text, device="cpu")
    assert time.perf_counter() - started < 10.0  # the numeric check included


def test_a_long_equation_gets_fewer_checks_not_more_time() -> None:
    long = parse_syntax("E = " + " + ".join(["m c^2 h/2pi T k I V n p q"] * 300) + " + vf")
    started = time.perf_counter()
    interpretation = interpret(long, "auto", {}, load_catalog())
    assert time.perf_counter() - started < 1.0  # about 0.05 s: one search walks ~8,000 nodes in all
    assert re.search(r"the first \d of \d+ combinations", interpretation.dimensions.detail)


def test_skip_is_accepted_when_nothing_passes_and_pass_is_preferred() -> None:
    unknown = pl.validate("ω = 2π/T + x", device="cpu")
    assert unknown.check("dimensions").status == "skip" and dict(unknown.reading) == {"T": "a period (time)"}
    both = pl.validate("E = ½Iω² + mgh", device="cpu")
    assert both.check("dimensions").status == "pass"
    assert both.reading["I"] == "a moment of inertia" and both.reading["h"] == "a height (length)"


def test_an_inferred_reading_weighs_less_than_a_conventional_one() -> None:
    inferred = pl.validate("P = Fv", device="cpu")
    assert inferred.reading["P"] == "a power"
    conventional = pl.validate("P = Fv", {"P": "W"}, device="cpu")
    assert inferred.valid and conventional.valid
    assert inferred.confidence < conventional.confidence


# ---------------------------------------------------------------- the table


def test_the_first_reading_is_todays_conventional_one() -> None:
    constants = default_constants("auto")
    for name, readings in READINGS.items():
        first = readings[0]
        if first.kind == "constant":
            assert first.constant == name and name in constants, name
        elif first.kind == "variable":
            assert first.unit is not None and name not in constants
            assert conventional_dimension(name) == dimension_of_unit(first.unit), name
        else:
            assert conventional_dimension(name) is None and name not in constants, name


def test_every_reading_is_usable_and_distinct() -> None:
    for name, readings in READINGS.items():
        dimensions = [reading.dimension() for reading in readings]
        known = [dimension for dimension in dimensions if dimension is not None]
        assert len(set(known)) == len(known), f"two readings of {name} have one dimension"
        assert all(reading.short and ". " not in reading.label for reading in readings)


def test_readings_are_checked() -> None:
    with pytest.raises(ValueError, match="not both"):
        Reading("x", unit="m", constant="c")
    with pytest.raises(ValueError, match="unknown constant"):
        Reading("x", constant="no_such_constant")
    with pytest.raises(ValueError, match="at least two"):
        Ambiguity("x", (Reading("a length", "m"),))


def test_subscripted_names_take_their_letters_variable_readings() -> None:
    assert [reading.label for reading in readings_of("T_1")] == ["a temperature", "a period (time)"]
    assert [reading.kind for reading in readings_of("h_0")] == ["unknown", "variable"]
    assert readings_of("h_0")[1].label == "a height (length)"
    assert readings_of("e_x") == ()  # both readings of e are constants
    assert readings_of("g_") == ()  # a trailing underscore makes a name of its own
    assert readings_of("x") == readings_of("lambda_max") == ()


def test_a_constant_reading_renames_but_never_merges_with_a_variable() -> None:
    """Reading k as the Boltzmann constant renames it k_B: not when k_B is a variable already."""
    boltzmann = pl.validate("W = kT + mgh", device="cpu")
    assert boltzmann.reading["k"] == "the Boltzmann constant" and "k" not in boltzmann.symbols
    assert "k_B" in pl.parse("W = kT + mgh").constants
    declared = pl.validate("W = kT + mgh + k_B", {"k_B": "J"}, device="cpu")
    assert declared.reading["k"] == "a quantity of unknown dimension"
    assert {"k", "k_B"} <= set(declared.symbols)


# ---------------------------------------------------------------- the elementary charge


def test_the_elementary_charge_is_exact_everywhere() -> None:
    constant = PHYSICAL_CONSTANTS["e_charge"]
    assert (Fraction(constant.value), constant.unit) == (Fraction(1602176634, 10**28), "C")
    assert ComplexArithmetic().constant("e_charge") == complex(1.602176634e-19)
    assert MpArithmetic(50).constant("e_charge") == MpArithmetic(50).context.mpf("1.602176634e-19")
    named = pl.validate("e_charge/Q = 1.602176634e-19", {"Q": "C"}, device="cpu")
    assert (named.kind, named.decided_by, named.witness) == ("relation", "exact", "Q = 1")
    read = pl.validate("e/Q = 1.602176634e-19", {"Q": "C"}, device="cpu")
    assert (read.kind, read.witness, dict(read.reading)) == ("relation", "Q = 1", {"e": "the elementary charge"})
    euler = pl.validate("e = 1.602176634e-19", device="cpu")  # dimensionless: e stays Euler's number
    assert (euler.kind, dict(euler.reading)) == ("contradiction", {})


# ---------------------------------------------------------------- the alternative parses


@pytest.mark.parametrize(
    "text",
    ["ħ = h/2π", "E = p²/2m", "a/bc = d", "vf = vi + at", "1/2 m v^2 = E_k", "x = a/b*c", "E = mc²", "φ² = φ + 1"],
)
def test_the_default_parse_is_unchanged(text: str) -> None:
    plain = parse_alternative(text)
    assert plain.rereadings == () and plain.syntax == parse_syntax(text)
    assert parse_syntax(text, subscript_runs=False, slash_products=False) == parse_syntax(text)


def test_the_product_after_a_slash_may_be_the_denominator() -> None:
    alternative = parse_alternative("ħ = h/2π", slash_products=True)
    assert canonical_form(alternative.syntax) == canonical_form(parse_syntax("hbar = h/(2*pi)"))
    assert alternative.rereadings == (Rereading("h/2π", "h/(2π)", "denominator"),)
    assert alternative.rereadings[0].description == f"h/(2π): {DENOMINATOR}"
    assert canonical_form(parse_syntax("E = p²/2m + V", slash_products=True)) == canonical_form(
        parse_syntax("E = p^2/(2*m) + V")
    )
    assert canonical_form(parse_syntax("a/bc = d", slash_products=True)) == canonical_form(parse_syntax("a/(b*c) = d"))
    explicit = parse_alternative("a/b*c = d", slash_products=True)  # an explicit '*' ends the denominator
    assert explicit.rereadings == () and explicit.syntax == parse_syntax("a/b*c = d")
    with pytest.raises(pl.ParseError, match="an operator before the number"):
        parse_syntax("h/2 3 = 1", slash_products=True)


def test_two_letter_runs_may_be_subscripted_names() -> None:
    alternative = parse_alternative("vf = vi + at", subscript_runs=True)
    assert alternative.syntax.names == {"v_f", "v_i", "a", "t"}
    assert [note.written for note in alternative.rereadings] == ["vf", "vi"]
    assert parse_syntax("vf = vi + at").names == {"v", "f", "i", "a", "t"}
    # Only i, f, o, x, y, z make a subscript; known words and declared names stay as they are.
    assert parse_syntax("E = mc²", subscript_runs=True).names == {"E", "m", "c"}
    assert parse_syntax("x = pi + vx", subscript_runs=True).names == {"x", "pi", "v_x"}
    assert parse_syntax("vf = 1", frozenset({"vf"}), subscript_runs=True).names == {"vf"}
    assert parse_syntax("v_f = vf₀", subscript_runs=True).names == {"v_f", "v", "f_0"}


def test_a_slash_rereading_is_kept_only_if_the_numbers_then_hold() -> None:
    assert dict(pl.validate("x = 1/2π", device="cpu").reading) == {}  # valid as written: not re-read
    false_both_ways = pl.validate("hbar = h/2π + 1", device="cpu")
    assert not false_both_ways.valid and dict(false_both_ways.reading) == {}


# ---------------------------------------------------------------- the result field


def test_reading_comes_after_the_older_fields_and_is_a_json_object() -> None:
    result = pl.validate("v = sqrt(2gh)", device="cpu")
    data = result.to_dict()
    assert list(data)[-2:] == ["reading", "hints"]  # fields are appended: older clients' columns keep their places
    assert json.loads(json.dumps(data))["reading"] == {"g": "gravitational acceleration", "h": "a height (length)"}
    assert pl.validate("E = mc²", device="cpu").to_dict()["reading"] == {}


def test_reading_is_immutable_and_checked() -> None:
    result = pl.ValidationResult(True, 0.9, (1, 0, 0), 1, 0.0, "", 0.1, kind="relation", reading={"h": "a height"})
    with pytest.raises(TypeError):
        result.reading["h"] = "x"  # type: ignore[index]
    with pytest.raises(ValueError, match="reading"):
        pl.ValidationResult(True, 0.9, (1, 0, 0), 1, 0.0, "", 0.1, kind="relation", reading={"h": 1})  # type: ignore[dict-item]
    assert hash(result) == hash(pl.ValidationResult(True, 0.9, (1, 0, 0), 1, 0.0, "", 0.1, kind="relation"))


def test_a_result_with_a_reading_pickles() -> None:
    result = pl.validate("v = sqrt(2gh)", device="cpu")
    again = pickle.loads(pickle.dumps(result))
    assert again == result and dict(again.reading) == dict(result.reading)
    assert copy.deepcopy(result) == result


def test_the_symbols_are_the_names_as_read() -> None:
    result = pl.validate("vf = vi + at", device="cpu")
    assert result.symbols == ("a", "t", "v_f", "v_i")
    assert result.equation == "vf = vi + at"


def test_renaming_keeps_columns_and_the_text() -> None:
    interpretation = interpret(parse_syntax("E = eV"), "auto", {}, load_catalog())
    rhs = interpretation.equation.syntax.relations[0].rhs
    assert isinstance(rhs, Operation)
    assert rhs.args[0] == Symbol("e_charge") and rhs.args[0].column == 5
    assert interpretation.equation.syntax.text == "E = eV"
