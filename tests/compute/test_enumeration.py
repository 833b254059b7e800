"""The searches' shared vocabulary: leaves, operations, targets, candidates and their text, budgets,
progress, the exactness helpers (``phi_lab/compute/enumeration.py``).

The searches that use it: ``test_pool.py``, ``test_closed_forms.py``, ``test_equation_search.py``,
``test_identities.py``.
"""

from __future__ import annotations

import math
import threading
import time
from fractions import Fraction
from typing import Any

import mpmath
import pytest
import torch

from phi_lab.compute.enumeration import (
    DIGITS,
    Budget,
    Candidate,
    Progress,
    combine,
    correct_digits,
    has_negligible_part,
    precise_value,
    read_leaves,
    read_operations,
    read_target,
    reporting,
    usable,
)
from phi_lab.equations.evaluate import MpArithmetic
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Call, Number, Operation, Symbol
from phi_lab.errors import InputError

ARITHMETIC = MpArithmetic(DIGITS)
TINY = ARITHMETIC.context.mpf(10) ** -45


def leaf(name: str, *, variable: bool = False) -> Candidate:
    return Candidate(Symbol(name), name, 1, has_variable=variable)


ONE = Candidate(Number(Fraction(1), "1"), "1", 1)
TWO = Candidate(Number(Fraction(2), "2"), "2", 1)
X = leaf("x", variable=True)
A, B, C = leaf("a"), leaf("b"), leaf("c")


# ---------------------------------------------------------------- leaves and operations


def test_leaves_are_the_variable_then_the_constants_in_order() -> None:
    leaves = read_leaves(("2", "pi", "sqrt5"), "x")
    assert [candidate.text for candidate in leaves] == ["x", "2", "pi", "sqrt(5)"]
    assert [candidate.node for candidate in leaves] == [
        Symbol("x"),
        Number(Fraction(2), "2"),
        Symbol("pi"),
        Call("sqrt", (Number(Fraction(5), "5"),)),
    ]
    assert [candidate.complexity for candidate in leaves] == [1, 1, 1, 1]  # sqrt5 is one given constant
    assert [candidate.has_variable for candidate in leaves] == [True, False, False, False]


def test_repeated_leaves_count_once_and_spaces_are_ignored() -> None:
    assert [candidate.text for candidate in read_leaves(("1", "1", " pi", "e", "phi"))] == ["1", "pi", "e", "phi"]
    assert [candidate.text for candidate in read_leaves((), "x")] == ["x"]


@pytest.mark.parametrize(
    ("constants", "fragment"),
    [(("tau",), "unknown constant 'tau'"), (("sqrt",), "unknown constant"), (("-1",), "unknown"), ((), "at least one")],
)
def test_unknown_or_missing_leaves_are_input_errors(constants: tuple[str, ...], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        read_leaves(constants)


def test_operations_split_into_functions_and_binary_operations() -> None:
    assert read_operations(("+", "sqrt", "*", "+", "exp", "^")) == (["sqrt", "exp"], ["add", "mul", "pow"])
    assert read_operations(()) == ([], [])
    with pytest.raises(InputError, match="unknown operation '%'"):
        read_operations(("+", "%"))


# ---------------------------------------------------------------- candidates and their text


@pytest.mark.parametrize(
    ("built", "text"),
    [
        (lambda: combine("add", ONE, X), "x + 1"),  # the variable first in a sum
        (lambda: combine("mul", X, TWO), "2*x"),  # and last in a product
        (lambda: combine("sub", A, combine("add", B, C)), "a - (b + c)"),
        (lambda: combine("sub", combine("add", A, B), C), "a + b - c"),
        (lambda: combine("div", A, combine("mul", B, C)), "a/(b*c)"),
        (lambda: combine("div", combine("mul", A, B), C), "a*b/c"),
        (lambda: combine("mul", combine("add", A, B), C), "(a + b)*c"),
        (lambda: combine("pow", combine("pow", A, B), C), "(a^b)^c"),
        (lambda: combine("pow", A, combine("pow", B, C)), "a^(b^c)"),
    ],
)
def test_a_candidates_text_has_the_brackets_it_needs_and_reads_back_as_its_tree(built: Any, text: str) -> None:
    candidate: Candidate = built()
    assert candidate.text == text
    (parsed,) = parse_syntax(candidate.text).expressions
    assert parsed == candidate.node  # the tree follows the text


def test_a_combined_candidate_adds_up_its_complexity_and_variable() -> None:
    candidate = combine("sub", A, combine("add", B, X))
    assert candidate.complexity == 5 and candidate.has_variable
    assert candidate.node == Operation("sub", (Symbol("a"), Operation("add", (Symbol("x"), Symbol("b")))))
    assert not combine("add", A, B).has_variable


# ---------------------------------------------------------------- targets and precise values


def test_no_target_is_phi() -> None:
    value = read_target(None, ARITHMETIC)
    assert abs(value * value - value - 1) < TINY  # φ² = φ + 1
    assert 1.6180339887 < float(value.real) < 1.6180339888


@pytest.mark.parametrize(
    ("target", "expected"),
    [("1/3", 1 / 3), ("0.25", 0.25), (0.5, 0.5), ("sqrt(2)", math.sqrt(2)), ("2*pi", 2 * math.pi)],
)
def test_targets_read_as_real_numbers(target: Any, expected: float) -> None:
    value = read_target(target, ARITHMETIC)
    assert value.imag == 0 and math.isclose(float(value.real), expected, rel_tol=1e-15)


def test_a_text_target_keeps_the_full_precision() -> None:
    third = read_target("1/3", ARITHMETIC)
    assert abs(3 * third - 1) < TINY
    root = read_target(Call("sqrt", (Number(Fraction(2), "2"),)), ARITHMETIC)  # a tree is a target too
    assert abs(root * root - 2) < TINY


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("x = 1", "not a number or a single expression"),
        ("sqrt(-1)", "not a real number"),
        (math.inf, "not finite"),
        ("1/0", "cannot be evaluated"),
        ([1, 2], "not a number"),
    ],
)
def test_bad_targets_are_input_errors(target: Any, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        read_target(target, ARITHMETIC)


def test_precise_values_take_constants_at_full_precision_and_names_from_values() -> None:
    (node,) = parse_syntax("x + 1").expressions
    assert precise_value(node, ARITHMETIC, {"x": ARITHMETIC.context.mpf(2)}) == 3
    (node,) = parse_syntax("2*pi").expressions
    assert abs(precise_value(node, ARITHMETIC) - 2 * ARITHMETIC.context.pi) < TINY


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


@pytest.mark.parametrize(
    ("error", "digits"),
    [(0, DIGITS), ("1e-60", DIGITS), ("3e-8", 7), ("0.05", 1), ("2", 0)],
)
def test_correct_digits(error: Any, digits: int) -> None:
    assert correct_digits(mpmath.mpf(error)) == digits


def test_usable_rows_are_finite_and_real_at_every_point() -> None:
    values = torch.tensor(
        [
            [1, 2],
            [1 + 1e-14j, 3],  # an imaginary part below 1e-12 of the real part: rounding
            [1 + 1e-6j, 3],
            [math.inf, 1],
            [math.nan, 1],
            [0, 0],
        ],
        dtype=torch.complex128,
    )
    assert usable(values).tolist() == [True, True, False, False, False, True]


# ---------------------------------------------------------------- budgets and progress


@pytest.mark.parametrize(
    ("seconds", "max_pool", "fragment"),
    [(0, 10, "must be positive"), (-1, 10, "time budget"), (math.nan, 10, "time budget"), (1, 0, "max_pool")],
)
def test_a_budget_checks_its_limits(seconds: float, max_pool: int, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        Budget(seconds, max_pool)


def test_a_budget_says_why_a_search_must_stop() -> None:
    assert Budget(60).interrupted() is None
    assert Budget(1, start=time.monotonic() - 2).interrupted() == "time"
    cancel = threading.Event()
    budget = Budget(60, cancel=cancel)
    assert budget.interrupted() is None
    cancel.set()
    assert budget.interrupted() == "cancelled"
    assert Budget(1, cancel=cancel, start=time.monotonic() - 2).interrupted() == "cancelled"  # cancel wins
    assert 1.9 < Budget(1, start=time.monotonic() - 2).elapsed() < 60


def test_reporting_passes_a_callback_through_and_reports_nothing_when_asked() -> None:
    seen: list[Progress] = []
    with reporting(seen.append, "search") as callback:
        assert callback is not None
        callback(Progress(complexity=1, evaluated=10, pool=5, hits=0, seconds=0.1))
    assert seen == [Progress(1, 10, 5, 0, 0.1)]
    for off in (None, False):
        with reporting(off, "search") as callback:
            assert callback is None


def test_reporting_true_is_a_progress_bar() -> None:
    with reporting(True, "search") as callback:
        assert callable(callback)
        callback(Progress(complexity=2, evaluated=40, pool=12, hits=1, seconds=0.2))
