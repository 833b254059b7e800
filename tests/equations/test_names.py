"""The parser's vocabulary: functions, constants, canonical names, splitting runs of letters
(``phi_lab/equations/names.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from phi_lab.equations.names import (
    BRANCHED_FUNCTIONS,
    CALL_ONLY_FUNCTIONS,
    FUNCTIONS,
    GREEK,
    MATH_CONSTANTS,
    MEASURED_UNCERTAINTY,
    PHYSICAL_CONSTANTS,
    canonical_function,
    canonical_name,
    default_constants,
    list_names,
    split_word,
    whole_name,
)

PHYSICAL = {"c", "G", "h", "hbar", "k_B", "N_A", "epsilon_0", "mu_0", "e_charge"}


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("mc", ["m", "c"]),
        ("phi", ["phi"]),
        ("theta", ["theta"]),
        ("sinx", ["sin", "x"]),
        ("q1", ["q_1"]),
        ("theta12", ["theta_12"]),
        ("abc", ["a", "b", "c"]),
        ("mc2", ["m", "c_2"]),
    ],
)
def test_split_word(word: str, pieces: list[str]) -> None:
    assert [piece for _offset, piece in split_word(word, frozenset())] == pieces


@pytest.mark.parametrize(
    ("word", "declared", "pieces"),
    [
        ("mphi", frozenset(), [(0, "m"), (1, "phi")]),
        ("sinx", frozenset(), [(0, "sin"), (3, "x")]),
        ("arcsinx", frozenset(), [(0, "arcsin"), (6, "x")]),  # a function word as written
        ("speed", frozenset({"speed"}), [(0, "speed")]),
        ("abc", frozenset({"ab"}), [(0, "ab"), (2, "c")]),
        ("mc2", frozenset({"mc_2"}), [(0, "mc_2")]),
    ],
)
def test_split_word_gives_offsets_and_keeps_declared_names(
    word: str, declared: frozenset[str], pieces: list[tuple[int, str]]
) -> None:
    assert split_word(word, declared) == pieces


@pytest.mark.parametrize(
    ("word", "function"),
    [
        ("sin", "sin"),
        ("arcsin", "asin"),
        ("arccosh", "acosh"),
        ("ln", "log"),
        ("lg", "log10"),
        ("cbrt", "cbrt"),
        ("x", None),
        ("phi", None),
    ],
)
def test_canonical_function(word: str, function: str | None) -> None:
    assert canonical_function(word) == function


@pytest.mark.parametrize(
    ("word", "name"),
    [("varphi", "phi"), ("varphi_1", "phi_1"), ("vartheta", "theta"), ("varepsilon_0", "epsilon_0"), ("x", "x")],
)
def test_canonical_name(word: str, name: str) -> None:
    assert canonical_name(word) == name


@pytest.mark.parametrize(
    ("word", "name"),
    [("q1", "q_1"), ("theta12", "theta_12"), ("varphi2", "phi_2"), ("mc", "mc"), ("log10", "log10"), ("x", "x")],
)
def test_whole_name_never_splits(word: str, name: str) -> None:
    assert whole_name(word) == name


def test_default_constants_by_mode() -> None:
    assert default_constants("math") == {"phi", "pi", "e", "i"}
    assert default_constants("physics") == default_constants("auto") == {"phi", "pi", "e", "i"} | PHYSICAL


def test_the_tables_agree_with_each_other() -> None:
    assert set(PHYSICAL_CONSTANTS) == PHYSICAL and not set(MATH_CONSTANTS) & set(PHYSICAL_CONSTANTS)
    for table in (MATH_CONSTANTS, PHYSICAL_CONSTANTS):
        assert all(constant.name == name for name, constant in table.items())
    assert set(MEASURED_UNCERTAINTY) <= set(PHYSICAL_CONSTANTS)
    assert all(function.name == name for name, function in FUNCTIONS.items())
    assert BRANCHED_FUNCTIONS.issubset(FUNCTIONS)
    assert CALL_ONLY_FUNCTIONS.issubset(set(FUNCTIONS) & set(GREEK))  # gamma and beta: letters unless called
    assert (FUNCTIONS["sin"].arity, FUNCTIONS["root"].arity, FUNCTIONS["beta"].arity) == (1, 2, 2)


@pytest.mark.parametrize(
    ("names", "options", "text"),
    [
        ([], {}, ""),
        (["E"], {"conjunction": " and "}, "E"),
        (["E", "m"], {}, "E, m"),
        (["E", "m"], {"conjunction": " and "}, "E and m"),
        (["a", "b", "c"], {"conjunction": " and "}, "a, b and c"),
        (list("abcdefghij"), {}, "a, b, c, d, e, f, g, h, 2 more"),
        (list("abcdefghij"), {"conjunction": " and "}, "a, b, c, d, e, f, g, h and 2 more"),
        (["a", "b", "c"], {"limit": 2, "conjunction": " or "}, "a, b or 1 more"),
    ],
)
def test_list_names(names: list[str], options: dict[str, Any], text: str) -> None:
    assert list_names(names, **options) == text
