"""A search's scope: spaces and budgets check themselves once, and are frozen values after that."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from phi_lab.compute.identities import MAX_EXPONENT, IdentitySpace
from phi_lab.compute.scope import EquationSpace, SearchBudget, SearchSpace
from phi_lab.errors import InputError


def test_a_search_space_reads_its_names_once_and_is_frozen() -> None:
    space = SearchSpace(["1", "pi", "sqrt5"], ["+", "sqrt", "^"], 4)  # type: ignore[arg-type]
    assert space.constants == ("1", "pi", "sqrt5") and space.operations == ("+", "sqrt", "^")  # tuples
    assert [leaf.text for leaf in space.leaves()] == ["1", "pi", "sqrt(5)"]
    assert [leaf.text for leaf in space.leaves("x")] == ["x", "1", "pi", "sqrt(5)"]
    assert (space.functions, space.binary) == (["sqrt"], ["add", "pow"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        space.max_complexity = 9  # type: ignore[misc]
    assert space == SearchSpace(("1", "pi", "sqrt5"), ("+", "sqrt", "^"), 4) and hash(space)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((("tau",), ("+",), 3), "unknown constant"),
        (((), ("+",), 3), "at least one constant"),
        ((("1",), ("%",), 3), "unknown operation"),
        ((("1",), ("+",), 0), "at least 1"),
        ((("1",), ("+",), True), "at least 1"),
    ],
)
def test_a_search_space_refuses_what_no_search_can_build(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(InputError, match=message):
        SearchSpace(*arguments)  # type: ignore[arg-type]


def test_an_equation_space_bounds_its_sides() -> None:
    space = EquationSpace(("1", "2"), ("+", "*"), 9, max_side_complexity=6)
    assert space.side_complexity == 6 and space.sides == SearchSpace(("1", "2"), ("+", "*"), 6)
    assert EquationSpace(("1",), ("+",), 5).side_complexity == 4  # None: one less than the equation
    assert EquationSpace(("1",), ("+",), 5, max_side_complexity=7).side_complexity == 4
    assert [leaf.text for leaf in space.sides.leaves(space.variable)] == ["x", "1", "2"]
    with pytest.raises(InputError, match="at least 2 for an equation"):
        EquationSpace(("1",), ("+",), 1)
    with pytest.raises(InputError, match="max_side_complexity"):
        EquationSpace(("1",), ("+",), 5, max_side_complexity=0)
    with pytest.raises(InputError, match="not a name"):
        EquationSpace(("1",), ("+",), 5, variable="2x")
    with pytest.raises(InputError, match="unknown constant"):
        EquationSpace(("1", "tau"), ("+",), 5)


def test_a_budget_starts_its_clock_when_the_search_does() -> None:
    cancel = threading.Event()
    budget = SearchBudget(5.0, cancel=cancel)
    sized: list[int] = []

    def limit() -> int:
        sized.append(1)
        return 1234

    running = budget.start(limit)
    assert (running.seconds, running.max_pool, running.cancel) == (5.0, 1234, cancel) and sized == [1]
    assert SearchBudget(5.0, 10).start(limit).max_pool == 10 and sized == [1]  # a given pool is not sized
    assert SearchBudget(5.0).start().max_pool == 2**62  # no pool: no limit
    assert running.interrupted() is None
    cancel.set()
    assert running.interrupted() == "cancelled"
    for seconds in (0, -1.0, float("nan")):
        with pytest.raises(InputError, match="time budget"):
            SearchBudget(seconds)
    with pytest.raises(InputError, match="max_pool"):
        SearchBudget(1.0, 0)


def test_an_identity_space_names_known_templates_and_exponents() -> None:
    space = IdentitySpace(("sum", "power", "sum"), 4)  # a repeated template once, the order kept
    assert space.templates == ("sum", "power")
    with pytest.raises(InputError, match="unknown template"):
        IdentitySpace(("fibonacci",), 4)
    for exponent in (0, MAX_EXPONENT + 1):
        with pytest.raises(InputError, match=f"between 1 and {MAX_EXPONENT}"):
            IdentitySpace(("power",), exponent)
