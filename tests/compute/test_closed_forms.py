"""The inverse symbolic search: φ's closed forms, exactness at 50 digits, budgets, dedup, round trip.

The search itself (:func:`~phi_lab.compute.closed_forms.search_closed_forms`, its typed result);
the frame :func:`phi_lab.find_closed_forms` makes of it is tested in ``tests/test_exploration.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import mpmath
import pytest
import torch

from phi_lab.compute.closed_forms import ClosedForm, ClosedFormSearch, search_closed_forms
from phi_lab.compute.pruning import trivial_rewrite
from phi_lab.compute.scope import SearchBudget, SearchSpace
from phi_lab.equations.evaluate import MpArithmetic, evaluate
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Symbol, walk
from phi_lab.errors import InputError

CPU = torch.device("cpu")
# Small enough to run in about two seconds on a CPU, large enough for all three forms of φ.
PHI_SEARCH: dict[str, Any] = {
    "constants": ("1", "2", "5", "pi", "sqrt5"),
    "operations": ("+", "-", "*", "/", "sqrt", "cos"),
    "max_complexity": 6,
    "time_budget_s": 60.0,
}


def search(
    target: Any = None,
    *,
    constants: Sequence[str] = ("1", "2", "3", "5", "pi", "e", "sqrt5"),
    operations: Sequence[str] = ("+", "-", "*", "/", "^", "sqrt", "exp", "log"),
    max_complexity: int = 7,
    time_budget_s: float = 10.0,
    max_pool: int | None = None,
    cancel: threading.Event | None = None,
    **options: Any,
) -> ClosedFormSearch:
    """search_closed_forms on the CPU, its space and budget from find_closed_forms' keywords and defaults."""
    space = SearchSpace(tuple(constants), tuple(operations), max_complexity)
    return search_closed_forms(target, space, SearchBudget(time_budget_s, max_pool, cancel), CPU, **options)


def by_expression(found: ClosedFormSearch) -> dict[str, ClosedForm]:
    return {form.expression: form for form in found.forms}


@pytest.fixture(scope="module")
def phi_forms() -> ClosedFormSearch:
    return search(**PHI_SEARCH)


def parsed_value(text: str) -> mpmath.mpc:
    (node,) = parse_syntax(text).expressions
    arithmetic = MpArithmetic(50)
    names = {item.name for item in walk(node) if isinstance(item, Symbol)}
    return evaluate(node, {name: arithmetic.constant(name) for name in names}, arithmetic)


def test_the_three_forms_of_phi_are_found_and_exact(phi_forms: ClosedFormSearch) -> None:
    forms = by_expression(phi_forms)
    for text, complexity in (("(1 + sqrt(5))/2", 5), ("2/(sqrt(5) - 1)", 5), ("2*cos(pi/5)", 6)):
        assert forms[text].exact, text
        assert forms[text].complexity == complexity
        assert forms[text].digits == 50
        assert forms[text].error < 1e-40
    assert phi_forms.forms[0].expression == "(1 + sqrt(5))/2"  # ranked: exact, simplest, then text
    assert phi_forms.stopped == "max_complexity"
    assert phi_forms.levels == 6
    assert phi_forms.device == "cpu" and phi_forms.reason is None


def test_the_default_search_finds_phi() -> None:
    found = search(max_complexity=5)
    assert {"(1 + sqrt(5))/2", "2/(sqrt(5) - 1)"} <= {form.expression for form in found.forms if form.exact}


def test_expressions_read_back_through_the_parser(phi_forms: ClosedFormSearch) -> None:
    target = MpArithmetic(50).constant("phi")
    for form in phi_forms.forms:
        value = parsed_value(form.expression)
        assert abs(complex(value).real - form.value) <= 1e-12 * abs(form.value)
        if form.exact:
            assert abs(value - target) < 1e-40


def test_results_are_deterministic(phi_forms: ClosedFormSearch) -> None:
    again = search(**PHI_SEARCH)
    timeless = [(form.expression, form.error, form.variants) for form in again.forms]
    assert timeless == [(form.expression, form.error, form.variants) for form in phi_forms.forms]
    assert (again.pool, again.candidates, again.hits) == (phi_forms.pool, phi_forms.candidates, phi_forms.hits)


@pytest.mark.parametrize(
    ("target", "expected"),
    [("sqrt(2)", "sqrt(2)"), ("pi", "pi"), ("3.14159265358979323846264338327950288419716939937510", "pi")],
)
def test_other_targets_have_simple_exact_forms(target: str, expected: str) -> None:
    first = search(target, max_complexity=3).forms[0]
    assert first.expression == expected
    assert first.exact


def test_an_mpmath_target_is_read_at_full_precision() -> None:
    with mpmath.workdps(60):
        target = mpmath.sqrt(2) * mpmath.pi
    first = search(target, max_complexity=4).forms[0]
    assert first.exact
    assert abs(parsed_value(first.expression) - mpmath.sqrt(2) * mpmath.pi) < 1e-14


def test_a_float_target_matches_but_is_never_exact() -> None:
    found = search(1.618033988749895, max_complexity=5)
    assert "(1 + sqrt(5))/2" in by_expression(found)
    assert not any(form.exact for form in found.forms)
    assert all(form.digits >= 15 for form in found.forms)


def test_dedup_keeps_the_simpler_of_equal_values() -> None:
    found = search(2, constants=("1", "2"), operations=("+",), max_complexity=3)
    # Both are hits (hits are taken before dedup by value), one form: "1 + 1" is a spelling of 2 ...
    assert [form.expression for form in found.forms] == ["2"]
    assert (found.forms[0].group_size, found.forms[0].variants) == (2, ("1 + 1",))
    # ... but only "2" stays in the pool: 1, 2, then 1 + 2 and 2 + 2 (1 + 1 would make it 5).
    assert found.pool == 4


def test_an_impossible_target_gives_no_exact_form() -> None:
    found = search("123456.789", constants=("1",), operations=("+",), max_complexity=3, tolerance=1e-3)
    assert not any(form.exact for form in found.forms)
    near = search(1.9999, constants=("1",), operations=("+",), max_complexity=3, tolerance=1e-3)
    assert [form.expression for form in near.forms] == ["1 + 1"]
    assert not near.forms[0].exact
    assert near.forms[0].digits == 4


def test_overflowing_candidates_are_dropped() -> None:
    found = search("2", constants=("5", "1000"), operations=("^", "exp", "log", "/"), max_complexity=5)
    assert all(form.value == form.value and abs(form.value) < float("inf") for form in found.forms)


def test_a_tiny_time_budget_returns_promptly() -> None:
    start = time.monotonic()
    found = search(max_complexity=9, time_budget_s=0.2, batch_size=2048)
    assert time.monotonic() - start < 5
    assert found.stopped == "time"


def test_cancel_stops_the_search() -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    start = time.monotonic()
    try:
        found = search(max_complexity=9, time_budget_s=120, batch_size=2048, cancel=cancel)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 10
    assert found.stopped == "cancelled"


def test_an_already_set_cancel_returns_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    found = search(cancel=cancel)
    assert found.forms == ()
    assert found.candidates == 0


def test_the_pool_bound_stops_the_search() -> None:
    found = search(max_complexity=9, max_pool=500)
    assert found.stopped == "memory"
    assert found.pool <= 500 and found.pool_limit == 500


@pytest.mark.parametrize(
    "arguments",
    [{"constants": ("tau",)}, {"operations": ("%",)}, {"target": "x = 1"}, {"target": "nan"}, {"target": object()}],
)
def test_bad_arguments_raise_input_errors(arguments: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        search(**arguments)


# -- readable hits: one row per form, no vanishing parts, near misses that improve ---------------


def test_pi_is_one_form_and_its_spellings_are_variants() -> None:
    found = search("pi", time_budget_s=600)  # the default vocabulary, complexity 7
    assert found.stopped == "max_complexity"
    exact = [form for form in found.forms if form.exact]
    assert [form.expression for form in exact] == ["pi"]
    variants = set(exact[0].variants)
    assert {"pi^2/pi", "2*pi - pi", "log(2^pi)/log(2)"} <= variants  # rewrites no rule knows: grouped
    assert exact[0].group_size == 1 + len(variants)
    everything = [text for form in found.forms for text in (form.expression, *form.variants)]
    never_built = {"1*pi", "pi/1", "pi^1", "exp(log(pi))", "log(exp(pi))", "sqrt(pi)^2", "2*pi/2", "1 + pi - 1"}
    assert not never_built & set(everything)  # pruned before evaluation
    assert not any("exp(exp(" in text for text in everything)  # pi ± e^(-e^5) and the like: dropped
    assert found.hits >= len(everything)
    assert found.pruned > 0 and found.reason is None


def test_phi_keeps_its_constructions_apart() -> None:
    operations = ("+", "-", "*", "/", "^", "sqrt", "exp", "log", "cos")
    found = search(operations=operations, time_budget_s=600)
    assert found.stopped == "max_complexity"
    forms = by_expression(found)
    for text in ("(1 + sqrt(5))/2", "2/(sqrt(5) - 1)", "2*cos(pi/5)", "sqrt((3 + sqrt(5))/2)"):
        assert forms[text].exact, text
    assert len(found.forms) == len(forms)
    for form in found.forms[:20]:  # no trivial rewrite among the rows or their variants
        for text in (form.expression, *form.variants):
            (node,) = parse_syntax(text).expressions
            assert trivial_rewrite(node) is None, text


def test_near_misses_each_improve_on_every_simpler_hit() -> None:
    found = search(1.2345678901234567, max_complexity=6, tolerance=1e-3)
    assert len(found.forms) >= 2 and not any(form.exact for form in found.forms)
    for form in found.forms:
        simpler = [other.error for other in found.forms if other.complexity < form.complexity]
        assert all(form.error < error for error in simpler), form.expression
