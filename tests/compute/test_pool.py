"""The search pool: members' values equal the compiled program's on their trees; text measures are exact."""

from __future__ import annotations

import threading

import pytest
import torch

from phi_lab.compute.enumeration import Budget, read_leaves, read_operations
from phi_lab.compute.pool import Pool, grow
from phi_lab.compute.program import compile_program, run_program
from phi_lab.equations.evaluate import MpArithmetic
from phi_lab.errors import InputError

CPU = torch.device("cpu")
POINTS = torch.tensor([1.618, 1.7, 0.4, 2.9], dtype=torch.complex128)
CONSTANTS = {name: complex(MpArithmetic(20).constant(name)) for name in ("pi", "e", "phi")}


@pytest.fixture(scope="module")
def pool() -> Pool:
    leaves = read_leaves(("1", "2", "pi", "sqrt5"), "x")
    unary, binary = read_operations(("+", "-", "*", "/", "^", "sqrt", "exp", "log", "cos"))
    return grow(
        leaves, unary, binary, max_complexity=5, budget=Budget(120, 10**6), device=CPU, samples=POINTS,
        variable="x", batch_size=500,
    )  # fmt: skip


def test_values_are_the_compiled_programs_values(pool: Pool) -> None:
    for complexity in range(1, len(pool.levels)):
        members = pool.members(complexity)
        program = compile_program(
            [(member.node,) for member in members], [CONSTANTS] * len(members), CPU, [("x",)] * len(members),
            fold_constants=False,
        )  # fmt: skip
        expected = run_program(program, [POINTS[None, :]] * len(members))[:, 0, :].real
        assert torch.allclose(pool.levels[complexity].values, expected, rtol=1e-12, atol=1e-300), complexity


def test_text_measures_match_the_built_texts(pool: Pool) -> None:
    for complexity in range(1, len(pool.levels)):
        level = pool.levels[complexity]
        for index, member in enumerate(pool.members(complexity)):
            assert member.complexity == complexity
            assert (member.text.count("("), len(member.text)) == (int(level.brackets[index]), int(level.length[index]))
            assert member.has_variable == bool(level.has_variable[index])


def test_one_member_per_function_of_x(pool: Pool) -> None:
    texts = {member.text for complexity in range(1, len(pool.levels)) for member in pool.members(complexity)}
    assert "x^2" in texts and "x*x" not in texts  # same function: the power is kept
    assert {"x^2", "x + 1"} <= texts  # equal at φ only: both kept
    values = torch.cat([level.values for level in pool.levels[1:]]).tolist()
    assert len({tuple(f"{number + 0.0:.11e}" for number in row) for row in values}) == len(values)


def test_blocks_are_deterministic_whatever_their_size(pool: Pool) -> None:
    leaves = read_leaves(("1", "2", "pi", "sqrt5"), "x")
    unary, binary = read_operations(("+", "-", "*", "/", "^", "sqrt", "exp", "log", "cos"))
    again = grow(
        leaves, unary, binary, max_complexity=5, budget=Budget(120, 10**6), device=CPU, samples=POINTS,
        variable="x", batch_size=7_000,
    )  # fmt: skip
    for complexity in range(1, 6):
        assert [m.text for m in again.members(complexity)] == [m.text for m in pool.members(complexity)]


def test_budgets_and_arguments() -> None:
    leaves = read_leaves(("1", "2"))
    unary, binary = read_operations(("+", "*"))
    cancel = threading.Event()
    cancel.set()
    assert grow(leaves, unary, binary, max_complexity=4, budget=Budget(10, 100, cancel), device=CPU).stopped == (
        "cancelled"
    )
    small = grow(leaves, unary, binary, max_complexity=9, budget=Budget(10, 5), device=CPU)
    assert small.stopped == "memory" and small.size <= 5
    with pytest.raises(InputError, match="max_complexity"):
        grow(leaves, unary, binary, max_complexity=0, budget=Budget(10, 5), device=CPU)


def test_keys_tell_a_value_from_minus_ten_times_it() -> None:
    # The mixing step once shifted arithmetically (copying the sign bit) and lost a bit: (5 - e)/2
    # and 5*(e - 5) got one key, and (5 - e)/2 was missing from the pool.
    from phi_lab.compute.pool import _keys

    value = 1.1408590857704775
    keys, _ = _keys(torch.tensor([[value], [-10 * value]], dtype=torch.complex128))
    assert keys[0] != keys[1]


def test_the_pool_limit_follows_the_memory_and_the_sample_points() -> None:
    from phi_lab.compute.pool import member_bytes, pool_limit

    cpu = torch.device("cpu")
    assert member_bytes(4) > member_bytes(1) > 0
    assert pool_limit(1, cpu) > pool_limit(4, cpu) > 0
    assert pool_limit(1, cpu, share=0.01) < pool_limit(1, cpu)
