"""The pruning rules: each fires, the tree checker agrees with the pool, and no value is lost.

"No value is lost" is checked against the plain enumeration of the same vocabulary
(``prune=False``), level by level, with every apparent miss re-evaluated at 30 digits: a
double-precision artefact such as ``log(exp(1e-9))`` (which rounds to a slightly different
double than ``1e-9``) is not a value of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import torch

from phi_lab.compute.enumeration import Budget, Candidate, precise_value, read_leaves, read_operations
from phi_lab.compute.pool import Pool, grow
from phi_lab.compute.pruning import RULES, excluded, trivial_rewrite
from phi_lab.equations.evaluate import MpArithmetic
from phi_lab.equations.parser import parse_syntax

CPU = torch.device("cpu")
#: The page that prints the rules' table (one row per rule).
EXPLORATION_DOC = Path(__file__).resolve().parents[2] / "docs" / "exploration.md"
RICH: tuple[str, ...] = ("+", "-", "*", "/", "^", "sqrt", "exp", "log", "sin", "asin", "cos", "acos", "tan", "atan")
RICH += ("sinh", "asinh", "cosh", "acosh")


def _grow(constants: Sequence[str], operations: Sequence[str], complexity: int, **options: object) -> Pool:
    unary, binary = read_operations(operations)
    return grow(
        read_leaves(constants, options.pop("variable", None)),  # type: ignore[arg-type]
        unary,
        binary,
        max_complexity=complexity,
        budget=Budget(600),
        device=CPU,
        **options,  # type: ignore[arg-type]
    )


def test_every_rule_fires_on_a_rich_vocabulary() -> None:
    pool = _grow(("0", "1", "2", "e"), RICH, 5)
    sums = _grow(("1", "2"), ("+", "*"), 7)  # (a + b) + (c + d): complexity 7
    assert set(pool.pruned_by) | set(sums.pruned_by) == {rule.name for rule in RULES}
    assert pool.pruned == sum(pool.pruned_by.values())


def test_rule_names_are_unique_and_documented() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    text = EXPLORATION_DOC.read_text(encoding="utf-8")
    for name in names:
        assert f"| `{name}` |" in text, name


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("1*pi", "identity"),
        ("pi/1", "identity"),
        ("pi^1", "identity"),
        ("pi + log(1)", "identity"),
        ("pi*log(e)", "identity"),
        ("1^pi", "one-power"),
        ("pi - pi", "self-cancel"),
        ("pi/pi", "self-cancel"),
        ("1 + pi - 1", "cancel"),
        ("2*pi/2", "cancel"),
        ("(pi - 2) + 2", "cancel"),
        ("(pi/2)*2", "cancel"),
        ("1/(1/pi)", "undo"),
        ("pi - (pi - 2)", "undo"),
        ("-(-pi)", "undo"),
        ("exp(log(pi))", "inverse"),
        ("log(exp(pi))", "inverse"),
        ("sqrt(pi)^2", "inverse"),
        ("cosh(acosh(pi))", "inverse"),
        ("sqrt(pi^2)", "absolute"),
        ("exp(2)*exp(pi)", "merge"),
        ("log(2) + log(pi)", "merge"),
        ("sqrt(2)/sqrt(pi)", "merge"),
        ("e^pi", "e-power"),
    ],
)
def test_the_tree_checker_names_each_rule(text: str, rule: str) -> None:
    (node,) = parse_syntax(text).expressions
    assert trivial_rewrite(node) == rule


@pytest.mark.parametrize(
    "text",
    ["pi", "(1 + sqrt(5))/2", "2/(sqrt(5) - 1)", "2*cos(pi/5)", "sqrt((3 + sqrt(5))/2)", "x^2 - x", "sqrt(x^2)"],
)
def test_the_tree_checker_leaves_real_forms_alone(text: str) -> None:
    (node,) = parse_syntax(text).expressions
    assert trivial_rewrite(node) is None  # sqrt(x^2) is |x|, not x, for a variable


def test_no_candidate_the_checker_calls_trivial_is_ever_evaluated() -> None:
    flagged: list[str] = []

    def inspect(batch: Sequence[Candidate], values: torch.Tensor) -> int:
        for index in range(len(batch)):
            candidate = batch[index]
            if trivial_rewrite(candidate.node) is not None:
                flagged.append(candidate.text)
        return 0

    _grow(("1", "2", "pi", "e"), ("+", "-", "*", "/", "^", "sqrt", "exp", "log"), 5, inspect=inspect)
    assert flagged == ["1 - 1"]  # 0, built once from the first leaf (1/1 is x/1: the leaf 1 is there)


def test_the_plain_enumeration_builds_what_the_rules_remove() -> None:
    seen: dict[str, int] = {}

    def inspect(batch: Sequence[Candidate], values: torch.Tensor) -> int:
        for index in range(len(batch)):
            rule = trivial_rewrite(batch[index].node)
            if rule is not None:
                seen[rule] = seen.get(rule, 0) + 1
        return 0

    _grow(("0", "1", "2", "e"), RICH, 5, prune=False, inspect=inspect)
    checked = {rule.name for rule in RULES} - {"associate", "regroup"}  # about build order only
    assert set(seen) == checked


def test_excluded_reads_operands_by_flat_index() -> None:
    pool = _grow(("1", "2", "pi"), ("*", "/"), 1)  # level 1: 1, 2, pi
    from phi_lab.compute.pool import _Structure

    structure = _Structure(pool)
    structure.add(pool.levels[1])
    first, second = torch.tensor([0, 1, 2, 2]), torch.tensor([2, 2, 0, 2])
    rules = dict(excluded("div", pool.operations, structure.members, first, second))
    assert rules["identity"].tolist() == [False, False, True, False]  # pi/1
    assert rules["self-cancel"].tolist() == [False, False, False, True]  # pi/pi (not the first leaf)


def _unreached(values: torch.Tensor, pool: Pool, complexity: int) -> torch.Tensor:
    """Which rows of ``values`` (n, S) no member of ``pool`` up to ``complexity`` has (1e-9 relative,
    every point)."""
    members = torch.cat([level.values for level in pool.levels[1 : complexity + 1]])
    order = torch.argsort(members[:, 0])
    ordered = members.index_select(0, order)
    width = 1e-9 * values.abs().clamp_min(1e-300)
    low = torch.searchsorted(ordered[:, 0].contiguous(), (values[:, 0] - width[:, 0]).contiguous())
    high = torch.searchsorted(ordered[:, 0].contiguous(), (values[:, 0] + width[:, 0]).contiguous(), right=True)
    reached = torch.zeros(len(values), dtype=torch.bool)
    for offset in range(int((high - low).max()) if len(values) else 0):
        where = (low + offset).clamp_max(len(ordered) - 1)
        inside = low + offset < high
        close = ((ordered.index_select(0, where) - values).abs() <= width).all(dim=1)
        reached |= inside & close
    return ~reached


def _lost(plain: Pool, pruned: Pool, points: Sequence[complex] = (0j,)) -> list[str]:
    """Members of ``plain`` whose values (at the variable's ``points``) ``pruned`` does not reach
    by the same complexity."""
    arithmetic = MpArithmetic(30)
    lost = []
    for complexity, level in enumerate(plain.levels):
        if not len(level):
            continue
        for index in _unreached(level.values, pruned, complexity).nonzero().flatten().tolist():
            candidate = plain.candidate(complexity, index)  # a double-precision artefact?
            exact = [precise_value(candidate.node, arithmetic, {"x": arithmetic.context.mpc(z)}) for z in points]
            precise = torch.tensor([[float(arithmetic.context.re(value)) for value in exact]], dtype=torch.float64)
            if bool(_unreached(precise, pruned, complexity)[0]):
                lost.append(candidate.text)
    return lost


@pytest.mark.slow
def test_pruning_loses_no_value_of_a_constant_vocabulary() -> None:
    constants, operations = ("1", "2", "3", "pi", "e"), ("+", "-", "*", "/", "^", "sqrt", "exp", "log")
    plain = _grow(constants, operations, 6, prune=False)
    pruned = _grow(constants, operations, 6)
    assert pruned.pruned > 0 and pruned.evaluated < plain.evaluated
    assert _lost(plain, pruned) == []
    assert _lost(pruned, plain) == []  # and it builds nothing the plain one lacks


@pytest.mark.slow
def test_pruning_loses_no_function_of_the_variable() -> None:
    phi = (1 + 5**0.5) / 2
    samples = torch.tensor([phi, phi * (1 + 1e-7), phi * 1.0731, phi * 1.1379], dtype=torch.complex128)
    options = {"variable": "x", "samples": samples}
    constants, operations = ("1", "2", "3"), ("+", "-", "*", "/", "^", "sqrt")
    plain = _grow(constants, operations, 6, prune=False, **options)
    pruned = _grow(constants, operations, 6, **options)
    assert pruned.pruned > 0
    assert _lost(plain, pruned, samples.tolist()) == []
