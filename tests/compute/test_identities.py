"""φ identity templates: Fibonacci and Lucas numbers fall out, SymPy proves every row, budgets.

The search itself (:func:`~phi_lab.compute.identities.search_identities`, its typed result); the
frame :func:`phi_lab.find_identities` makes of it is tested in ``tests/test_exploration.py``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import pytest
import torch

from phi_lab.compute.enumeration import precise_value
from phi_lab.compute.identities import Identity, IdentitySearch, IdentitySpace, search_identities
from phi_lab.compute.scope import SearchBudget
from phi_lab.equations.evaluate import MpArithmetic
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.symbolic import decide_equality
from phi_lab.errors import InputError


def fibonacci(n: int) -> int:
    """F(n) for any integer n (F(−n) = (−1)^(n+1)·F(n))."""
    a, b = 0, 1
    for _ in range(abs(n)):
        a, b = b, a + b
    return a if n >= 0 or n % 2 else -a


def lucas(n: int) -> int:
    return fibonacci(n - 1) + fibonacci(n + 1)


def search(
    templates: Sequence[str] = ("power", "lucas", "sum"),
    *,
    max_exponent: int = 20,
    time_budget_s: float = 30.0,
    cancel: threading.Event | None = None,
    **options: Any,
) -> IdentitySearch:
    """search_identities on the CPU, its space and budget from find_identities' keywords and defaults."""
    space = IdentitySpace(tuple(templates), max_exponent)
    return search_identities(space, SearchBudget(time_budget_s, cancel=cancel), torch.device("cpu"), **options)


def of(found: IdentitySearch, template: str) -> list[Identity]:
    return [item for item in found.identities if item.template == template]


@pytest.fixture(scope="module")
def identities() -> IdentitySearch:
    return search(max_exponent=12)


def holds_at_50_digits(text: str) -> bool:
    relation = parse_syntax(text).relations[0]
    arithmetic = MpArithmetic(50)
    return bool(abs(precise_value(relation.lhs, arithmetic) - precise_value(relation.rhs, arithmetic)) < 1e-40)


def test_powers_are_fibonacci_combinations(identities: IdentitySearch) -> None:
    powers = of(identities, "power")
    assert sorted(item.exponent for item in powers) == [n for n in range(-12, 13) if n not in (0, 1)]
    for item in powers:  # one per exponent
        n = item.exponent
        assert item.identity == f"{_power(n)} = {_linear(fibonacci(n), fibonacci(n - 1))}"
    assert "phi^2 = phi + 1" in {item.identity for item in powers}
    assert "phi^(-1) = phi - 1" in {item.identity for item in powers}


def test_lucas_numbers(identities: IdentitySearch) -> None:
    rows = of(identities, "lucas")
    assert [item.exponent for item in rows] == list(range(1, 13))
    for item in rows:
        n = item.exponent
        sign = "+" if n % 2 == 0 else "-"
        assert item.identity == f"{_power(n)} {sign} phi^({-n}) = {lucas(n)}"


def test_sums_of_powers(identities: IdentitySearch) -> None:
    rows = {item.identity for item in of(identities, "sum")}
    for n in range(-12, 11):
        assert f"{_power(n)} + {_power(n + 1)} = {_power(n + 2)}" in rows
        assert f"{_power(n + 2)} - {_power(n + 1)} = {_power(n)}" in rows
    assert all(re.fullmatch(r"\S+ [+-] \S+ = \S+", text) for text in rows)


def test_every_row_is_proved_and_holds_numerically(identities: IdentitySearch) -> None:
    assert [item.template for item in identities.identities] == sorted(
        (item.template for item in identities.identities), key=["power", "lucas", "sum"].index
    )  # template order
    for item in identities.identities:
        assert holds_at_50_digits(item.identity), item.identity
    for text in identities.refuted:  # numeric accidents that the proof rejected
        assert decide_equality(parse_syntax(text).relations[0], frozenset({"phi"})) is False
        assert not holds_at_50_digits(text)
    assert identities.proposed == len(identities.identities) + len(identities.refuted)
    assert identities.stopped == "done" and identities.undecided == () and identities.device == "cpu"


def test_deterministic(identities: IdentitySearch) -> None:
    again = search(max_exponent=12)
    assert again.identities == identities.identities and again.refuted == identities.refuted


def test_cancel_and_progress() -> None:
    cancel = threading.Event()
    cancel.set()
    found = search(cancel=cancel)
    assert found.identities == () and found.stopped == "cancelled"
    seen: list[int] = []
    search(["lucas"], max_exponent=4, progress=lambda state: seen.append(state.hits))
    assert seen == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"templates": ["fibonacci"]}, "unknown template"), ({"max_exponent": 0}, "between 1 and 30"),
     ({"max_exponent": 31}, "between 1 and 30"), ({"time_budget_s": -1}, "time budget")],
)  # fmt: skip
def test_bad_arguments(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        search(**arguments)  # type: ignore[arg-type]


def _power(n: int) -> str:
    return "phi" if n == 1 else "1" if n == 0 else f"phi^{n}" if n > 0 else f"phi^({n})"


def _linear(a: int, b: int) -> str:
    head = "phi" if a == 1 else "-phi" if a == -1 else f"{a}*phi"
    return head if b == 0 else f"{head} + {b}" if b > 0 else f"{head} - {-b}"
