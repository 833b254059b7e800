"""The compiled tensor program: same values as the tree walk, same verdicts in batches."""

from __future__ import annotations

from fractions import Fraction

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.compute.arithmetic import TorchArithmetic
from phi_lab.compute.numeric import classify, classify_many
from phi_lab.compute.program import OPCODES, compile_program, run_program
from phi_lab.equations.evaluate import evaluate
from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol

CPU = torch.device("cpu")
NAMES = ("x", "y", "z")
UNARY = ("sqrt", "exp", "log", "sin", "cos", "tan", "atan", "sinh", "tanh", "abs", "asin", "log10")


def trees() -> st.SearchStrategy[Node]:
    leaves = st.one_of(
        st.sampled_from(NAMES).map(Symbol),
        st.integers(-5, 9).map(lambda value: Number(Fraction(value), str(value))),
        st.fractions(Fraction(-3), Fraction(3), max_denominator=8).map(lambda value: Number(value, str(value))),
    )

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            st.tuples(st.sampled_from(["add", "mul"]), st.lists(children, min_size=2, max_size=3)).map(
                lambda pair: Operation(pair[0], tuple(pair[1]))
            ),
            st.tuples(st.sampled_from(["sub", "div", "pow"]), children, children).map(
                lambda triple: Operation(triple[0], (triple[1], triple[2]))
            ),
            children.map(lambda child: Operation("neg", (child,))),
            st.tuples(st.sampled_from(UNARY), children).map(lambda pair: Call(pair[0], (pair[1],))),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def reference(node: Node, values: dict[str, torch.Tensor]) -> torch.Tensor:
    result = evaluate(node, values, TorchArithmetic(CPU))
    if not isinstance(result, torch.Tensor):
        result = torch.full((next(iter(values.values())).shape[0],), complex(result), dtype=torch.complex128)
    return result


@settings(derandomize=True, max_examples=150, deadline=None, database=None)
@given(st.lists(trees(), min_size=1, max_size=6))
def test_program_matches_the_tree_walk(expressions: list[Node]) -> None:
    generator = torch.Generator().manual_seed(7)
    # Negative values too: branch cuts are where two evaluation orders most easily disagree.
    samples = (-2.5 + 5 * torch.rand((len(NAMES), 16), generator=generator, dtype=torch.float64)).to(torch.complex128)
    program = compile_program(
        [(node,) for node in expressions], [{}] * len(expressions), CPU, [NAMES] * len(expressions)
    )
    values = run_program(program, [samples] * len(expressions))[:, 0]
    for row, node in enumerate(expressions):
        expected = reference(node, {name: samples[index] for index, name in enumerate(NAMES)})
        got = values[row]
        finite = torch.isfinite(torch.view_as_real(expected)).all(dim=-1)
        assert torch.equal(finite, torch.isfinite(torch.view_as_real(got)).all(dim=-1))
        assert torch.allclose(got[finite], expected[finite], rtol=1e-12, atol=1e-300, equal_nan=False)


CORPUS = [
    "E = m c^2", "sin(x)^2 + cos(x)^2 = 1", "x = x + 1", "x^2 = x + 1", "φ² = φ + 1", "log(x y) = log x + log y",
    "y = 3x + 2", "x = 10^9", "x*h^10 = 1", "sqrt(x^2) = x", "1/(x - x) = 1", "a = 1; b = 2", "x = x; y = y",
    "gamma(x + 1) = x gamma(x)", "log(x - 1) = y", "x = 10^400", "PV = nRT", "asin(sin x) = x", "|x| = x",
    "(x + y)^2 = x^2 + 2x y + y^2", "exp(i x) = cos x + i sin x", "1 = 2",
]  # fmt: skip


@pytest.mark.parametrize("mode", ["auto", "math"])
def test_batched_verdicts_equal_single_verdicts(mode: str) -> None:
    syntaxes = [parse_syntax(text) for text in CORPUS]
    constants = default_constants(mode)
    singles = [classify(syntax, constants, CPU, mode=mode) for syntax in syntaxes]
    batched = classify_many(syntaxes, [constants] * len(syntaxes), CPU, [mode] * len(syntaxes))
    assert batched == singles


def test_empty_and_mismatched_programs() -> None:
    assert classify_many([], [], CPU, []) == []
    x = Symbol("x")
    with pytest.raises(ValueError, match="same number of values"):
        compile_program([(x,), (x, x)], [{}, {}], CPU)


@pytest.mark.requires_cuda
def test_cuda_batch_gives_the_same_verdicts() -> None:
    syntaxes = [parse_syntax(text) for text in CORPUS]
    constants = default_constants("auto")
    cpu = classify_many(syntaxes, [constants] * len(syntaxes), CPU, ["auto"] * len(syntaxes))
    gpu = classify_many(syntaxes, [constants] * len(syntaxes), torch.device("cuda"), ["auto"] * len(syntaxes))
    assert [report.kind for report in gpu] == [report.kind for report in cpu]


def test_constant_subtrees_fold_unless_asked_not_to() -> None:
    tree = parse_syntax("2 + 3 = x").relations[0].lhs
    folded = compile_program([(tree,)], [{}], CPU)
    unfolded = compile_program([(tree,)], [{}], CPU, fold_constants=False)
    assert folded.code[0].tolist().count(OPCODES["const"]) == 1
    assert OPCODES["add"] in unfolded.code[0].tolist()
    for program in (folded, unfolded):
        value = run_program(program, [torch.zeros((0, 1), dtype=torch.complex128)])[0, 0, 0]
        assert complex(value) == 5
