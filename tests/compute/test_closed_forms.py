"""The inverse symbolic search: φ's closed forms, exactness at 50 digits, budgets, dedup, round trip."""

from __future__ import annotations

import threading
import time

import mpmath
import pandas
import pytest

from phi_lab.compute.closed_forms import COLUMNS, find_closed_forms
from phi_lab.compute.enumeration import has_negligible_part
from phi_lab.compute.pruning import trivial_rewrite
from phi_lab.equations.evaluate import MpArithmetic, evaluate
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Symbol, walk
from phi_lab.errors import InputError

# Small enough to run in about two seconds on a CPU, large enough for all three forms of φ.
PHI_SEARCH = {
    "constants": ("1", "2", "5", "pi", "sqrt5"),
    "operations": ("+", "-", "*", "/", "sqrt", "cos"),
    "max_complexity": 6,
    "time_budget_s": 60.0,
    "device": "cpu",
}


@pytest.fixture(scope="module")
def phi_forms() -> pandas.DataFrame:
    return find_closed_forms(**PHI_SEARCH)  # type: ignore[arg-type]


def parsed_value(text: str) -> mpmath.mpc:
    (node,) = parse_syntax(text).expressions
    arithmetic = MpArithmetic(50)
    names = {item.name for item in walk(node) if isinstance(item, Symbol)}
    return evaluate(node, {name: arithmetic.constant(name) for name in names}, arithmetic)


def test_the_three_forms_of_phi_are_found_and_exact(phi_forms: pandas.DataFrame) -> None:
    assert tuple(phi_forms.columns) == COLUMNS
    rows = phi_forms.set_index("expression")
    for text, complexity in (("(1 + sqrt(5))/2", 5), ("2/(sqrt(5) - 1)", 5), ("2*cos(pi/5)", 6)):
        assert bool(rows.loc[text, "exact"]), text
        assert rows.loc[text, "complexity"] == complexity
        assert rows.loc[text, "digits"] == 50
        assert rows.loc[text, "error"] < 1e-40
    assert phi_forms.iloc[0]["expression"] == "(1 + sqrt(5))/2"  # ranked: exact, simplest, then text
    assert phi_forms.attrs["stopped"] == "max_complexity"
    assert phi_forms.attrs["levels"] == 6


def test_the_default_search_finds_phi() -> None:
    frame = find_closed_forms(max_complexity=5, device="cpu")
    assert {"(1 + sqrt(5))/2", "2/(sqrt(5) - 1)"} <= set(frame["expression"][frame["exact"]])


def test_expressions_read_back_through_the_parser(phi_forms: pandas.DataFrame) -> None:
    target = MpArithmetic(50).constant("phi")
    for row in phi_forms.itertuples():
        value = parsed_value(str(row.expression))
        assert abs(complex(value).real - row.value) <= 1e-12 * abs(row.value)
        if row.exact:
            assert abs(value - target) < 1e-40


def test_results_are_deterministic(phi_forms: pandas.DataFrame) -> None:
    again = find_closed_forms(**PHI_SEARCH)  # type: ignore[arg-type]
    pandas.testing.assert_frame_equal(phi_forms, again)
    assert again.attrs["pool"] == phi_forms.attrs["pool"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [("sqrt(2)", "sqrt(2)"), ("pi", "pi"), ("3.14159265358979323846264338327950288419716939937510", "pi")],
)
def test_other_targets_have_simple_exact_forms(target: str, expected: str) -> None:
    frame = find_closed_forms(target, max_complexity=3, device="cpu")
    assert frame.iloc[0]["expression"] == expected
    assert bool(frame.iloc[0]["exact"])


def test_an_mpmath_target_is_read_at_full_precision() -> None:
    with mpmath.workdps(60):
        target = mpmath.sqrt(2) * mpmath.pi
    frame = find_closed_forms(target, max_complexity=4, device="cpu")
    assert bool(frame.iloc[0]["exact"])
    assert abs(parsed_value(str(frame.iloc[0]["expression"])) - mpmath.sqrt(2) * mpmath.pi) < 1e-14


def test_a_float_target_matches_but_is_never_exact() -> None:
    frame = find_closed_forms(1.618033988749895, max_complexity=5, device="cpu")
    assert "(1 + sqrt(5))/2" in set(frame["expression"])
    assert not frame["exact"].any()
    assert (frame["digits"] >= 15).all()


def test_dedup_keeps_the_simpler_of_equal_values() -> None:
    frame = find_closed_forms(2, constants=("1", "2"), operations=("+",), max_complexity=3, device="cpu")
    # Both are hits (hits are taken before dedup by value), one form: "1 + 1" is a spelling of 2 ...
    assert list(frame["expression"]) == ["2"]
    assert (frame.iloc[0]["group_size"], frame.iloc[0]["variants"]) == (2, ("1 + 1",))
    # ... but only "2" stays in the pool: 1, 2, then 1 + 2 and 2 + 2 (1 + 1 would make it 5).
    assert frame.attrs["pool"] == 4


def test_an_impossible_target_gives_an_empty_or_inexact_frame() -> None:
    frame = find_closed_forms(
        "123456.789", constants=("1",), operations=("+",), max_complexity=3, tolerance=1e-3, device="cpu"
    )
    assert tuple(frame.columns) == COLUMNS
    assert not frame["exact"].any()
    near = find_closed_forms(
        1.9999, constants=("1",), operations=("+",), max_complexity=3, tolerance=1e-3, device="cpu"
    )
    assert list(near["expression"]) == ["1 + 1"]
    assert not near["exact"].any()
    assert near.iloc[0]["digits"] == 4


def test_overflowing_candidates_are_dropped() -> None:
    frame = find_closed_forms(
        "2", constants=("5", "1000"), operations=("^", "exp", "log", "/"), max_complexity=5, device="cpu"
    )
    assert frame["value"].map(lambda value: value == value and abs(value) < float("inf")).all()


def test_a_tiny_time_budget_returns_promptly() -> None:
    start = time.monotonic()
    frame = find_closed_forms(max_complexity=9, time_budget_s=0.2, batch_size=2048, device="cpu")
    assert time.monotonic() - start < 5
    assert frame.attrs["stopped"] == "time"


def test_cancel_stops_the_search() -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    start = time.monotonic()
    try:
        frame = find_closed_forms(max_complexity=9, time_budget_s=120, batch_size=2048, device="cpu", cancel=cancel)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 10
    assert frame.attrs["stopped"] == "cancelled"


def test_an_already_set_cancel_returns_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    frame = find_closed_forms(cancel=cancel, device="cpu")
    assert frame.empty
    assert frame.attrs["candidates"] == 0


def test_the_pool_bound_stops_the_search() -> None:
    frame = find_closed_forms(max_complexity=9, max_pool=500, device="cpu")
    assert frame.attrs["stopped"] == "memory"
    assert frame.attrs["pool"] <= 500


@pytest.mark.parametrize(
    "arguments",
    [{"constants": ("tau",)}, {"operations": ("%",)}, {"target": "x = 1"}, {"target": "nan"}, {"target": object()}],
)
def test_bad_arguments_raise_input_errors(arguments: dict[str, object]) -> None:
    with pytest.raises(InputError):
        find_closed_forms(**arguments)  # type: ignore[arg-type]


# -- readable hits: one row per form, no vanishing parts, near misses that improve ---------------


@pytest.mark.parametrize(
    ("text", "negligible"),
    [
        ("pi + 1/exp(exp(5))", True),  # a term 1e-65 of the sum
        ("pi - exp(2 - exp(5))", True),
        ("pi*exp(1/exp(exp(5)))", True),  # a factor within 1e-65 of 1
        ("(1 + 1/exp(exp(5)))^2", True),
        ("pi + log(1)", False),  # an exact identity element is a spelling, not a vanishing part
        ("1*pi", False),
        ("(1 + sqrt(5))/2", False),
        ("pi + 1/exp(exp(2))", False),  # 1e-3.2: visible
    ],
)
def test_negligible_parts_are_recognised(text: str, negligible: bool) -> None:
    (node,) = parse_syntax(text).expressions
    assert has_negligible_part(node, MpArithmetic(50)) is negligible


def test_pi_is_one_form_and_its_spellings_are_variants() -> None:
    frame = find_closed_forms("pi", device="cpu", time_budget_s=600)  # the default vocabulary, complexity 7
    assert frame.attrs["stopped"] == "max_complexity"
    exact = frame[frame["exact"]]
    assert list(exact["expression"]) == ["pi"]
    variants = set(exact.iloc[0]["variants"])
    assert {"pi^2/pi", "2*pi - pi", "log(2^pi)/log(2)"} <= variants  # rewrites no rule knows: grouped
    assert exact.iloc[0]["group_size"] == 1 + len(variants)
    everything = [text for row in frame.itertuples() for text in (row.expression, *row.variants)]
    never_built = {"1*pi", "pi/1", "pi^1", "exp(log(pi))", "log(exp(pi))", "sqrt(pi)^2", "2*pi/2", "1 + pi - 1"}
    assert not never_built & set(everything)  # pruned before evaluation
    assert not any("exp(exp(" in text for text in everything)  # pi ± e^(-e^5) and the like: dropped
    assert frame.attrs["hits"] >= len(everything)
    assert frame.attrs["pruned"] > 0 and frame.attrs["reason"] is None


def test_phi_keeps_its_constructions_apart() -> None:
    operations = ("+", "-", "*", "/", "^", "sqrt", "exp", "log", "cos")
    frame = find_closed_forms(device="cpu", operations=operations, time_budget_s=600)
    assert frame.attrs["stopped"] == "max_complexity"
    rows = frame.set_index("expression")
    for text in ("(1 + sqrt(5))/2", "2/(sqrt(5) - 1)", "2*cos(pi/5)", "sqrt((3 + sqrt(5))/2)"):
        assert bool(rows.loc[text, "exact"]), text
    assert len(frame) == len(set(frame["expression"]))
    for row in frame.head(20).itertuples():  # no trivial rewrite among the rows or their variants
        for text in (row.expression, *row.variants):
            (node,) = parse_syntax(text).expressions
            assert trivial_rewrite(node) is None, text


def test_near_misses_each_improve_on_every_simpler_hit() -> None:
    frame = find_closed_forms(1.2345678901234567, max_complexity=6, tolerance=1e-3, device="cpu")
    assert len(frame) >= 2 and not frame["exact"].any()
    for row in frame.itertuples():
        simpler = frame[frame["complexity"] < row.complexity]
        assert (row.error < simpler["error"]).all(), row.expression
