"""φ identity templates: Fibonacci and Lucas numbers fall out, SymPy proves every row, budgets."""

from __future__ import annotations

import re
import threading

import pandas
import pytest

from phi_lab.compute.enumeration import precise_value
from phi_lab.compute.identities import COLUMNS, find_identities
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


@pytest.fixture(scope="module")
def identities() -> pandas.DataFrame:
    return find_identities(max_exponent=12, device="cpu")


def holds_at_50_digits(text: str) -> bool:
    relation = parse_syntax(text).relations[0]
    arithmetic = MpArithmetic(50)
    return bool(abs(precise_value(relation.lhs, arithmetic) - precise_value(relation.rhs, arithmetic)) < 1e-40)


def test_powers_are_fibonacci_combinations(identities: pandas.DataFrame) -> None:
    assert tuple(identities.columns) == COLUMNS
    powers = identities[identities["template"] == "power"]
    assert sorted(powers["exponent"]) == [n for n in range(-12, 13) if n not in (0, 1)]  # one per exponent
    for row in powers.itertuples():
        n = int(row.exponent)
        assert row.identity == f"{_power(n)} = {_linear(fibonacci(n), fibonacci(n - 1))}"
    assert "phi^2 = phi + 1" in set(powers["identity"])
    assert "phi^(-1) = phi - 1" in set(powers["identity"])


def test_lucas_numbers(identities: pandas.DataFrame) -> None:
    rows = identities[identities["template"] == "lucas"]
    assert list(rows["exponent"]) == list(range(1, 13))
    for row in rows.itertuples():
        n = int(row.exponent)
        sign = "+" if n % 2 == 0 else "-"
        assert row.identity == f"{_power(n)} {sign} phi^({-n}) = {lucas(n)}"


def test_sums_of_powers(identities: pandas.DataFrame) -> None:
    rows = set(identities[identities["template"] == "sum"]["identity"])
    for n in range(-12, 11):
        assert f"{_power(n)} + {_power(n + 1)} = {_power(n + 2)}" in rows
        assert f"{_power(n + 2)} - {_power(n + 1)} = {_power(n)}" in rows
    assert all(re.fullmatch(r"\S+ [+-] \S+ = \S+", text) for text in rows)


def test_every_row_is_proved_and_holds_numerically(identities: pandas.DataFrame) -> None:
    assert identities["proved"].all()
    for text in identities["identity"]:
        assert holds_at_50_digits(text), text
    for text in identities.attrs["refuted"]:  # numeric accidents that the proof rejected
        assert decide_equality(parse_syntax(text).relations[0], frozenset({"phi"})) is False
        assert not holds_at_50_digits(text)
    assert identities.attrs["proposed"] == len(identities) + len(identities.attrs["refuted"])
    assert identities.attrs["stopped"] == "done" and identities.attrs["undecided"] == []


def test_deterministic(identities: pandas.DataFrame) -> None:
    pandas.testing.assert_frame_equal(identities, find_identities(max_exponent=12, device="cpu"))


def test_cancel_and_progress() -> None:
    cancel = threading.Event()
    cancel.set()
    frame = find_identities(cancel=cancel, device="cpu")
    assert frame.empty and frame.attrs["stopped"] == "cancelled"
    seen: list[int] = []
    find_identities(["lucas"], max_exponent=4, device="cpu", progress=lambda state: seen.append(state.hits))
    assert seen == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"templates": ["fibonacci"]}, "unknown template"), ({"max_exponent": 0}, "between 1 and 30"),
     ({"max_exponent": 31}, "between 1 and 30"), ({"time_budget_s": -1}, "time budget")],
)  # fmt: skip
def test_bad_arguments(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        find_identities(device="cpu", **arguments)  # type: ignore[arg-type]


def _power(n: int) -> str:
    return "phi" if n == 1 else "1" if n == 0 else f"phi^{n}" if n > 0 else f"phi^({n})"


def _linear(a: int, b: int) -> str:
    head = "phi" if a == 1 else "-phi" if a == -1 else f"{a}*phi"
    return head if b == 0 else f"{head} + {b}" if b > 0 else f"{head} - {-b}"
