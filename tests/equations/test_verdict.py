"""Verdict: the confidence formula is monotone in evidence; results serialise as the seed's API."""

from __future__ import annotations

import json
import math
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.equations.dimensions import DimensionReport
from phi_lab.equations.verdict import (
    MAX_CONFIDENCE,
    RESULT_COLUMNS,
    Check,
    NumericReport,
    ValidationResult,
    combine_evidence,
    frame_row,
    judge,
)
from phi_lab.errors import InputError

SEED_FIELDS = ["valid", "confidence", "betti", "chi", "phi_coherence", "explanation", "processing_time_ms"]


def test_no_evidence_is_a_coin_flip() -> None:
    assert combine_evidence([]) == 0.5


@settings(derandomize=True, max_examples=200)
@given(st.lists(st.floats(0, 1), max_size=5), st.floats(0, 1))
def test_more_evidence_never_lowers_confidence(weights: list[float], extra: float) -> None:
    assert combine_evidence([*weights, extra]) >= combine_evidence(weights)
    assert 0.5 <= combine_evidence(weights) <= MAX_CONFIDENCE


def test_weights_must_be_probabilities() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        combine_evidence([1.5])


PASS_DIMS = DimensionReport("pass", "both sides are mass (mass)")
PASS_DIMS_DECLARED = DimensionReport("pass", "both sides are mass (mass)", declared=True)
SKIP_DIMS = DimensionReport("skip", "no dimension is known for x", ("x",))
FAIL_DIMS = DimensionReport("fail", "cannot add mass and time")
RELATION = NumericReport("relation", "it holds at E = 1, m = 1/c²", "exact", variables=("E", "m"))
IDENTITY = NumericReport("identity", "holds at all 128 sample points", "high-precision", variables=("x",))
CONTRADICTION = NumericReport("contradiction", "both sides are constants and differ: 1 ≠ 2", "exact")


def test_each_kind_of_evidence_raises_confidence_in_a_valid_verdict() -> None:
    bare = judge(SKIP_DIMS, RELATION, None).confidence
    with_dims = judge(PASS_DIMS, RELATION, None).confidence
    declared = judge(PASS_DIMS_DECLARED, RELATION, None).confidence
    with_catalog = judge(PASS_DIMS, RELATION, "Newton's second law").confidence
    assert bare < with_dims < declared
    assert with_dims < with_catalog
    assert judge(SKIP_DIMS, IDENTITY, None).confidence >= bare


def test_invalid_verdicts() -> None:
    dims = judge(FAIL_DIMS, RELATION, None)
    assert not dims.valid and "dimensions do not match" in dims.explanation and "units=" in dims.explanation
    contradiction = judge(PASS_DIMS, CONTRADICTION, None)
    assert not contradiction.valid and contradiction.kind == "contradiction"
    assert contradiction.confidence > dims.confidence
    both = judge(FAIL_DIMS, CONTRADICTION, None)
    assert both.confidence >= contradiction.confidence


@pytest.mark.parametrize("kind", ["identity", "relation", "contradiction", "no_solution", "inconsistent"])
def test_proof_weighs_more_than_high_precision_which_weighs_more_than_samples(kind: str) -> None:
    confidences = [
        judge(SKIP_DIMS, NumericReport(kind, "found", method, ("x",)), None).confidence
        for method in ("exact", "high-precision", "sampled")
    ]
    assert confidences[0] >= confidences[1] > confidences[2]


def test_sampled_evidence_alone_never_reaches_0_9() -> None:
    sampled = NumericReport("relation", "holds at 3 of 128 sample points", "sampled", ("E", "m"))
    assert judge(PASS_DIMS, sampled, "Mass–energy equivalence").confidence < 0.9
    none_found = NumericReport("no_solution", "none found", "sampled", ("x",))
    assert judge(FAIL_DIMS, none_found, None).confidence < 0.9
    assert judge(DimensionReport("fail", "mass ≠ time", declared=True), none_found, None).confidence >= 0.9


def test_invalid_kinds_and_undecided_say_so() -> None:
    no_solution = judge(SKIP_DIMS, NumericReport("no_solution", "exp x > 0", "interval", ("x",)), None)
    assert not no_solution.valid and no_solution.kind == "no_solution" and "no solution" in no_solution.explanation
    found = judge(SKIP_DIMS, NumericReport("no_solution", "none of 128 points", "sampled", ("x",)), None)
    assert not found.valid and "not proved" in found.explanation
    system = judge(
        SKIP_DIMS, NumericReport("inconsistent", "equations 1 and 2", "exact", ("x",), conflict=(1, 2)), None
    )
    assert not system.valid and "inconsistent" in system.explanation
    undecided = judge(SKIP_DIMS, NumericReport("undecided", "too large to compute", "sampled"), None)
    assert not undecided.valid and undecided.confidence == 0.5 and undecided.explanation.startswith("Not decided")
    assert undecided.checks[2].status == "skip"


def test_checks_have_stable_names_and_order() -> None:
    checks = judge(PASS_DIMS, RELATION, "X", "x = y").checks
    assert [check.name for check in checks] == ["syntax", "dimensions", "numeric", "catalog"]
    assert checks[3].status == "pass" and "x = y" in checks[3].detail


def test_explanations_are_short_sentences() -> None:
    for dims, numeric in combinations([PASS_DIMS, SKIP_DIMS, FAIL_DIMS, RELATION, IDENTITY, CONTRADICTION], 2):
        if isinstance(dims, DimensionReport) and isinstance(numeric, NumericReport):
            text = judge(dims, numeric, None).explanation
            assert text.endswith(".") and 1 <= text.count(". ") + 1 <= 3


def test_check_and_result_validate_their_fields() -> None:
    with pytest.raises(ValueError):
        Check("spelling", "pass", "")
    with pytest.raises(ValueError):
        Check("syntax", "maybe", "")
    with pytest.raises(ValueError):
        ValidationResult(True, 1.5, (1, 0, 0), 1, 0.0, "", 0.0, kind="relation")
    with pytest.raises(ValueError):
        NumericReport("unknown", "")
    with pytest.raises(ValueError):
        NumericReport("identity", "", "guessed")
    with pytest.raises(ValueError):
        ValidationResult(True, 0.9, (1, 0, 0), 1, 0.0, "", 0.0, kind="identity", decided_by="guessed")


def test_to_dict_puts_the_seed_fields_first_with_their_types() -> None:
    result = ValidationResult(True, 0.93, (1, 0, 0), 1, 0.0, "Valid.", 0.4, kind="relation")
    data = json.loads(json.dumps(result.to_dict()))
    assert list(data)[:7] == SEED_FIELDS
    assert isinstance(data["betti"], list) and data["betti"] == [1, 0, 0]
    assert isinstance(data["processing_time_ms"], float)
    with pytest.raises(KeyError):
        result.check("syntax")


# -- the record, once: columns, to_dict and from_dict --------------------------------------------


def test_result_columns_are_the_fields_of_to_dict_in_order() -> None:
    result = ValidationResult(True, 0.93, (1, 0, 0), 1, 0.0, "Valid.", 0.4, kind="relation")
    assert tuple(result.to_dict()) == RESULT_COLUMNS
    assert RESULT_COLUMNS[:7] == tuple(SEED_FIELDS)


def test_from_dict_inverts_to_dict_through_json() -> None:
    result = ValidationResult(
        True,
        0.95,
        (1, 1, 0),
        0,
        0.25,
        "Valid: a relation.",
        1.5,
        equation="v = sqrt(2gh)",
        kind="relation",
        mode="physics",
        checks=(Check("syntax", "pass", "parsed"), Check("numeric", "pass", "solved for v [exact]")),
        catalog="Free fall",
        symbols=("g", "h", "v"),
        phi_reason="nothing ties it to φ",
        error_column=None,
        decided_by="exact",
        witness="v = 2 (with g = 1, h = 2)",
        reading={"h": "a height (length)"},
    )
    row = json.loads(json.dumps(result.to_dict())) | {"worker_id": "host-1"}  # an unknown key is ignored
    assert ValidationResult.from_dict(row) == result
    assert ValidationResult.from_dict(row).reading == {"h": "a height (length)"}


def test_from_dict_reads_a_dataframe_row_with_missing_values() -> None:
    seed_only = {"valid": False, "confidence": 0.99, "betti": [1, 0, 0], "chi": 1, "phi_coherence": 0.0}
    seed_only |= {"explanation": "Does not parse.", "processing_time_ms": 0.1}
    result = ValidationResult.from_dict(seed_only | {"catalog": math.nan, "reading": None, "witness": math.nan})
    assert (result.catalog, result.witness, dict(result.reading)) == (None, None, {})
    assert (result.kind, result.mode, result.checks) == ("unparseable", "auto", ())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"betti": None}, "usable"),
        ({"betti": [1, 0]}, "three numbers"),
        ({"valid": "yes"}, "true or false"),
        ({"chi": 1.5}, "usable"),
        ({"kind": "nonsense"}, "unknown kind"),
        ({"catalog": 3}, "text or nothing"),
        ({"reading": ["h"]}, "maps names"),
        ({"checks": [{"name": "syntax"}]}, "needs the field 'status'"),
    ],
)
def test_from_dict_names_what_is_wrong(change: dict[str, object], message: str) -> None:
    row = ValidationResult(True, 0.93, (1, 0, 0), 1, 0.0, "Valid.", 0.4, kind="relation").to_dict()
    with pytest.raises(InputError, match=message):
        ValidationResult.from_dict(row | change)
    with pytest.raises(InputError, match="needs the field 'confidence'"):
        ValidationResult.from_dict({key: value for key, value in row.items() if key != "confidence"})


def test_frame_rows_keep_the_records_tuples_and_show_absent_text_as_empty() -> None:
    """Frames hold what the record holds (tuples), JSON lists; absent text (no catalog match) reads "", not NaN."""
    result = ValidationResult(
        False, 0.85, (1, 0, 0), 1, 0.0, "Invalid.", 0.4, kind="relation", symbols=("E", "m"),
        hints=("conventional_units",),
    )  # fmt: skip
    row = frame_row(result.to_dict() | {"worker_id": "w1"})
    assert (row["betti"], row["symbols"], row["hints"]) == ((1, 0, 0), ("E", "m"), ("conventional_units",))
    assert (row["catalog"], row["decided_by"], row["witness"], row["worker_id"]) == ("", "", "", "w1")
    assert ValidationResult.from_dict(row) == result  # "" reads back as no catalog
    assert result.to_dict()["betti"] == [1, 0, 0] and result.to_dict()["catalog"] is None  # JSON unchanged
