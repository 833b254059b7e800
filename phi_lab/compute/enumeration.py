"""Bottom-up enumeration of expressions by complexity, evaluated in device batches.

The engine behind the inverse searches (:mod:`phi_lab.compute.closed_forms`,
:mod:`phi_lab.compute.equation_search`): it owns the leaves and operations a search may use,
the order candidates are generated in, their readable text, their evaluation as one tensor
program per batch, the deduplication by value and the budgets (time, pool size, cancel).

Complexity
    One point per node of the search: each leaf (``sqrt5`` is *one* given constant, even
    though its tree is ``sqrt(5)``), each operation.  So ``(1 + sqrt(5))/2`` costs 5,
    ``2/(sqrt(5) - 1)`` costs 5 and ``x^2`` costs 3.

Levels and deduplication
    Level *c* holds the candidates of complexity *c*: every allowed function applied to a
    level *c − 1* member and every allowed binary operation on members whose complexities add
    up to *c − 1* (``+`` and ``*`` in one operand order only).  Each candidate is evaluated at
    the search's sample points (one point for a constant search; the target and a few probe
    points when a variable ``x`` is a leaf).  Only candidates that are finite and real at every
    point are kept, and of those whose values agree to 12 significant digits at every point
    only one is kept: the least complex, then the one with the fewest brackets, the shortest,
    the first in text order.  For a variable
    that means one expression per *function* (``x*x`` and ``x^2`` are kept once), while
    ``x^2`` and ``x + 1``, equal at φ only, are both kept.  Deduplication prunes the search; it
    decides nothing about a result.

Budgets
    :func:`grow` stops after the budget's seconds, when its ``cancel`` event is set (both
    checked between batches), or when the pool would hold more than ``max_pool`` members (each
    about 0.5 KB with its tree and text).  An unfinished level is not added to the pool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import torch

from phi_lab.compute.device import complex_dtype
from phi_lab.compute.program import apply_operator, compile_program, run_program
from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol, walk
from phi_lab.errors import InputError

__all__ = [
    "BINARY_OPERATIONS",
    "NAMED_CONSTANTS",
    "UNARY_OPERATIONS",
    "Budget",
    "Candidate",
    "Pool",
    "Progress",
    "ProgressCallback",
    "combine",
    "grow",
    "precise_value",
    "read_leaves",
    "read_operations",
    "read_target",
    "reporting",
    "usable",
]

#: Binary operations a search may use, and the syntax-tree operation each builds.
BINARY_OPERATIONS: dict[str, str] = {"+": "add", "-": "sub", "*": "mul", "/": "div", "^": "pow"}
#: Functions of one argument a search may use (``Call`` nodes of these names).
UNARY_OPERATIONS = frozenset(
    {"sqrt", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh"}
)
#: Named constants a search may use as leaves.
NAMED_CONSTANTS = frozenset({"pi", "e", "phi"})

# Text precedence: sums 1, products 2, powers 4, atoms (numbers, names, calls) 5.
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "pow": 4}
_SYMBOL = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "^"}
_ATOM = 5


@dataclass(frozen=True, slots=True)
class Candidate:
    """One enumerated expression: its tree, readable text (the parser reads it back), complexity.

    ``has_variable`` says whether the search's variable occurs in it.
    """

    node: Node
    text: str
    complexity: int
    precedence: int = _ATOM
    has_variable: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a search is, passed to a progress callback after every batch.

    Attributes
    ----------
    complexity:
        The level being enumerated.
    evaluated:
        Candidates evaluated so far, all levels.
    pool:
        Members kept so far (finished levels and the current one).
    hits:
        Hits found so far (what counts as a hit is the caller's).
    seconds:
        Time since the search started.
    """

    complexity: int
    evaluated: int
    pool: int
    hits: int
    seconds: float


ProgressCallback = Callable[[Progress], None]


@dataclass
class Budget:
    """The limits of one search: seconds, pool size and a cancel event (checked between batches)."""

    seconds: float
    max_pool: int
    cancel: threading.Event | None = None
    start: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise InputError(f"time budget must be positive, got {self.seconds!r} s")
        if self.max_pool < 1:
            raise InputError(f"max_pool must be at least 1, got {self.max_pool!r}")

    def elapsed(self) -> float:
        """Seconds since the search started."""
        return time.monotonic() - self.start

    def interrupted(self) -> str | None:
        """``"cancelled"``, ``"time"`` or None."""
        if self.cancel is not None and self.cancel.is_set():
            return "cancelled"
        return "time" if self.elapsed() > self.seconds else None


@dataclass
class Pool:
    """What :func:`grow` built: the kept members per level and their values at the sample points.

    Attributes
    ----------
    levels:
        ``levels[c]`` lists the members of complexity *c* (``levels[0]`` is empty), sorted by text.
    values:
        ``values[c]`` is a (len(levels[c]), S) float64 tensor of their (real) values, on the CPU.
    stopped:
        Why growth stopped: ``"max_complexity"``, ``"time"``, ``"memory"`` or ``"cancelled"``.
    evaluated:
        Candidates evaluated (before deduplication).
    """

    levels: list[list[Candidate]]
    values: list[torch.Tensor]
    stopped: str = "max_complexity"
    evaluated: int = 0

    @property
    def size(self) -> int:
        """Members kept, all levels."""
        return sum(map(len, self.levels))


@contextmanager
def reporting(progress: bool | ProgressCallback | None, description: str) -> Iterator[ProgressCallback | None]:
    """The progress callback a search passes to :func:`grow`.

    ``True`` shows a tqdm bar (a widget in Jupyter) counting evaluated candidates with the
    level, pool and hits beside it, closed when the search ends; a callable is used as it is;
    ``False``/``None`` reports nothing.
    """
    if progress is None or progress is False:
        yield None
        return
    if callable(progress):
        yield progress
        return
    from tqdm.auto import tqdm

    bar = tqdm(desc=description, unit="expr", leave=True)

    def report(state: Progress) -> None:
        bar.update(state.evaluated - bar.n)
        bar.set_postfix(complexity=state.complexity, pool=state.pool, hits=state.hits, refresh=False)

    try:
        yield report
    finally:
        bar.close()


def read_leaves(constants: Sequence[str], variable: str | None = None) -> list[Candidate]:
    """The leaves of a search: the variable first (if any), then ``constants`` in order.

    Constants are integers (``"3"``), ``"pi"``, ``"e"``, ``"phi"`` or ``"sqrtN"`` for √N.

    Raises
    ------
    InputError
        For anything else, or for no leaves at all.
    """
    leaves = [Candidate(Symbol(variable), variable, 1, has_variable=True)] if variable else []
    for text in dict.fromkeys(constants):
        name = text.strip()
        if name in NAMED_CONSTANTS:
            leaves.append(Candidate(Symbol(name), name, 1))
        elif name.isdigit():
            leaves.append(Candidate(Number(Fraction(int(name)), name), name, 1))
        elif name.startswith("sqrt") and name[4:].isdigit():
            radicand = Number(Fraction(int(name[4:])), name[4:])
            leaves.append(Candidate(Call("sqrt", (radicand,)), f"sqrt({name[4:]})", 1))
        else:
            raise InputError(f"unknown constant {text!r} (use integers, pi, e, phi or sqrtN)")
    if not leaves:
        raise InputError("a search needs at least one constant")
    return leaves


def read_operations(operations: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split ``operations`` into functions and binary operations (syntax-tree names).

    Raises
    ------
    InputError
        For an unknown operation.
    """
    unary: list[str] = []
    binary: list[str] = []
    for name in dict.fromkeys(operations):
        if name in BINARY_OPERATIONS:
            binary.append(BINARY_OPERATIONS[name])
        elif name in UNARY_OPERATIONS:
            unary.append(name)
        else:
            raise InputError(f"unknown operation {name!r} (use + - * / ^ or one of {sorted(UNARY_OPERATIONS)})")
    return unary, binary


def read_target(target: float | str | Node | Any, arithmetic: MpArithmetic) -> Any:
    """A search's target at the arithmetic's precision (``None`` is φ).

    Accepts a float, a string of digits or expression text, an mpmath number or a syntax tree.

    Raises
    ------
    InputError
        For text that is not one expression, or a value that is not a finite real number.
    """
    ctx = arithmetic.context
    if target is None:
        value = arithmetic.constant("phi")
    elif isinstance(target, Number | Symbol | Operation | Call):
        value = _precise_or_input_error(target, arithmetic)
    elif isinstance(target, str):
        try:
            value = ctx.mpc(ctx.mpf(target.strip()))  # digits, or a ratio such as "1/3"
        except (ValueError, ZeroDivisionError):
            from phi_lab.equations.parser import parse_syntax

            syntax = parse_syntax(target)
            if len(syntax.expressions) != 1 or syntax.relations:
                raise InputError(f"target {target!r} is not a number or a single expression") from None
            value = _precise_or_input_error(syntax.expressions[0], arithmetic)
    else:
        try:
            value = ctx.mpc(target)
        except (TypeError, ValueError) as exc:
            raise InputError(f"target {target!r} is not a number") from exc
    if not ctx.isfinite(value):
        raise InputError(f"target {target!r} is not finite")
    if abs(ctx.im(value)) > abs(value) * ctx.mpf(10) ** (-arithmetic.context.dps + 5):
        raise InputError(f"target {target!r} is not a real number")
    return ctx.mpc(ctx.re(value))


def precise_value(node: Node, arithmetic: MpArithmetic, values: Mapping[str, Any] | None = None) -> Any:
    """``node`` in ``arithmetic``: named constants at its precision, other names from ``values``.

    Raises
    ------
    Undefined
        Where the expression is undefined (division by zero, log of 0…).
    """
    names = {item.name for item in walk(node) if isinstance(item, Symbol)}
    given = dict(values or {})
    bound = {name: given[name] if name in given else arithmetic.constant(name) for name in names}
    return evaluate(node, bound, arithmetic)


def _precise_or_input_error(node: Node, arithmetic: MpArithmetic) -> Any:
    try:
        return precise_value(node, arithmetic)
    except (Undefined, KeyError) as exc:
        raise InputError("the target cannot be evaluated as a number") from exc


def grow(
    leaves: Sequence[Candidate],
    unary: Sequence[str],
    binary: Sequence[str],
    *,
    max_complexity: int,
    budget: Budget,
    device: torch.device,
    samples: torch.Tensor | None = None,
    variable: str | None = None,
    batch_size: int = 16_384,
    inspect: Callable[[Sequence[Candidate], torch.Tensor], int] | None = None,
    on_level: Callable[[Pool], int] | None = None,
    progress: ProgressCallback | None = None,
) -> Pool:
    """Enumerate, evaluate and deduplicate candidates level by level until a budget stops it.

    Parameters
    ----------
    leaves, unary, binary:
        From :func:`read_leaves` and :func:`read_operations`.
    max_complexity:
        The last level enumerated.
    budget:
        Time, pool size and cancel event.
    device:
        Where the batches run.
    samples:
        (S,) complex values of ``variable`` (ignored without a variable); S = 1 without one.
    variable:
        The name of the variable leaf, if any.
    batch_size:
        Candidates per device batch.
    inspect:
        Called with every evaluated batch and its (batch, S) values before deduplication;
        returns how many hits it found there (summed into the progress reports).
    on_level:
        Called with the pool after every finished level (the new level is ``pool.levels[-1]``);
        returns how many hits it found.
    progress:
        Called after every batch.
    """
    if max_complexity < 1:
        raise InputError(f"max_complexity must be at least 1, got {max_complexity!r}")
    if batch_size < 1:
        raise InputError(f"batch_size must be at least 1, got {batch_size!r}")
    points = samples if variable is not None and samples is not None else torch.zeros(1, dtype=torch.complex128)
    pool = Pool(levels=[[]], values=[torch.zeros((0, points.numel()), dtype=torch.float64)])
    on_device: list[torch.Tensor] = [torch.zeros((0, points.numel()), dtype=complex_dtype(device), device=device)]
    seen: set[str] = set()
    hits = 0
    constants = {name: complex(MpArithmetic(20).constant(name)) for name in NAMED_CONSTANTS}
    squares = "pow" in binary and any(leaf.text == "2" for leaf in leaves)
    for complexity in range(1, max_complexity + 1):
        survivors: dict[str, tuple[Candidate, torch.Tensor]] = {}
        stopped: str | None = None
        if complexity == 1:
            batches: Iterator[tuple[Sequence[Candidate], _Block | None]] = iter([(leaves, None)])
        else:
            batches = (
                (_BlockCandidates(block, pool.levels, complexity), block)
                for block in _blocks(
                    complexity, [len(level) for level in pool.levels], unary, binary, squares=squares, size=batch_size
                )
            )
        for batch, block in batches:
            stopped = budget.interrupted()
            if stopped is not None:
                break
            if block is None:
                values = _evaluate_leaves(list(batch), constants, points, variable, device)
            else:
                values = _block_values(block, on_device)
            pool.evaluated += len(batch)
            if inspect is not None:
                hits += inspect(batch, values)
            keys, rows = _keys(values)
            for index in range(len(batch)):
                key = keys[index]
                if key is None or key in seen:
                    continue
                kept = survivors.get(key)
                candidate = batch[index]
                if kept is None or _readability(candidate) < _readability(kept[0]):
                    survivors[key] = (candidate, rows[index])
            if pool.size + len(survivors) > budget.max_pool:
                stopped = "memory"
                break
            if progress is not None:
                progress(Progress(complexity, pool.evaluated, pool.size + len(survivors), hits, budget.elapsed()))
        if stopped is not None:
            pool.stopped = stopped
            break  # an unfinished level is not added to the pool
        seen.update(survivors)
        ordered = sorted(survivors.values(), key=lambda item: item[0].text)
        pool.levels.append([candidate for candidate, _ in ordered])
        rows = [row for _, row in ordered]
        pool.values.append(torch.stack(rows) if rows else torch.zeros((0, points.numel()), dtype=torch.float64))
        on_device.append(pool.values[-1].to(device, complex_dtype(device)))
        if on_level is not None:
            hits += on_level(pool)
            if progress is not None:
                progress(Progress(complexity, pool.evaluated, pool.size, hits, budget.elapsed()))
    return pool


def _readability(candidate: Candidate) -> tuple[int, int, str]:
    """Which of two equal candidates of one level is kept: fewer brackets, shorter, then text."""
    return candidate.text.count("("), len(candidate.text), candidate.text


@dataclass(frozen=True, slots=True)
class _Block:
    """A chunk of one level's candidates: one operation over members of earlier levels (private).

    A function applies to ``left`` (indices into level ``left_level``); a binary operation
    pairs ``left[k]`` with ``right[k]`` (indices into level ``right_level``).
    """

    operation: str
    left_level: int
    left: torch.Tensor
    right_level: int = 0
    right: torch.Tensor | None = None

    def __len__(self) -> int:
        return len(self.left)


class _BlockCandidates(Sequence[Candidate]):
    """A block's candidates, each built (tree and text) only when asked for (private)."""

    def __init__(self, block: _Block, levels: list[list[Candidate]], complexity: int) -> None:
        self.block = block
        self.levels = levels
        self.complexity = complexity
        self._left = block.left.tolist()
        self._right = block.right.tolist() if block.right is not None else None

    def __len__(self) -> int:
        return len(self._left)

    def __getitem__(self, index: int) -> Candidate:  # type: ignore[override]
        block = self.block
        left = self.levels[block.left_level][self._left[index]]
        if self._right is None:
            function = block.operation
            return Candidate(
                Call(function, (left.node,)), f"{function}({left.text})", self.complexity, _ATOM, left.has_variable
            )
        return combine(block.operation, left, self.levels[block.right_level][self._right[index]])


def _blocks(
    complexity: int, sizes: list[int], unary: Sequence[str], binary: Sequence[str], *, squares: bool, size: int
) -> Iterator[_Block]:
    """The new candidates of one level as blocks of at most ``size``, in a fixed order (private).

    Every function of every level *c − 1* member, then every binary operation on members whose
    complexities add up to *c − 1*, left member by left member (``+`` and ``*`` in one operand
    order only; ``a*a`` is left to ``a^2`` when both can be built: same complexity, and the
    power reads better).
    """
    for function in unary:
        count = sizes[complexity - 1]
        for start in range(0, count, size):
            yield _Block(function, complexity - 1, torch.arange(start, min(count, start + size)))
    for op in binary:
        commutative = op in ("add", "mul")
        for left_complexity in range(1, complexity - 1):
            right_complexity = complexity - 1 - left_complexity
            if commutative and left_complexity > right_complexity:
                continue
            lefts, rights = sizes[left_complexity], sizes[right_complexity]
            triangular = commutative and left_complexity == right_complexity
            skip = 1 if triangular and squares and op == "mul" else 0
            per_block = max(1, size // max(rights, 1))
            for start in range(0, lefts, per_block):
                stop = min(lefts, start + per_block)
                left = torch.arange(start, stop).repeat_interleave(rights)
                right = torch.arange(rights).repeat(stop - start)
                if triangular:
                    keep = right >= left + skip
                    left, right = left[keep], right[keep]
                for first in range(0, len(left), size):
                    piece = slice(first, first + size)
                    yield _Block(op, left_complexity, left[piece], right_complexity, right[piece])


def _block_values(block: _Block, on_device: list[torch.Tensor]) -> torch.Tensor:
    """(len(block), S) complex values on the CPU, from the members' values on the device (private).

    One tensor operation per block, with the evaluator's own kernels
    (:func:`~phi_lab.compute.program.apply_operator`): the same arithmetic as
    :func:`~phi_lab.compute.program.run_program` on the candidate's whole tree, without
    re-evaluating the subtrees that earlier levels have already computed.
    """
    members = on_device[block.left_level]
    left = members.index_select(0, block.left.to(members.device))
    if block.right is None:
        result = apply_operator(block.operation, [left])
    else:
        others = on_device[block.right_level]
        result = apply_operator(block.operation, [left, others.index_select(0, block.right.to(others.device))])
    return result.to("cpu", torch.complex128)


def combine(op: str, left: Candidate, right: Candidate) -> Candidate:
    """``left op right`` with the brackets its text needs (``op`` a syntax-tree name).

    Sums put the term with the variable first (``x + 1``), products the factor without it
    (``2*x``), as they are usually written; the tree follows the text.
    """
    if (op == "add" and right.has_variable and not left.has_variable) or (
        op == "mul" and left.has_variable and not right.has_variable
    ):
        left, right = right, left
    precedence = _PRECEDENCE[op]
    if op == "pow":
        left_text = _wrap(left, left.precedence <= precedence)
        right_text = _wrap(right, right.precedence <= precedence)
    else:
        left_text = _wrap(left, left.precedence < precedence)
        strict = op in ("sub", "div")  # a - (b + c), a/(b*c) need their brackets
        right_text = _wrap(right, right.precedence <= precedence if strict else right.precedence < precedence)
    return Candidate(
        Operation(op, (left.node, right.node)),
        left_text + _SYMBOL[op] + right_text,
        left.complexity + right.complexity + 1,
        precedence,
        left.has_variable or right.has_variable,
    )


def _wrap(candidate: Candidate, needed: bool) -> str:
    return f"({candidate.text})" if needed else candidate.text


def _evaluate_leaves(
    leaves: list[Candidate],
    constants: dict[str, complex],
    points: torch.Tensor,
    variable: str | None,
    device: torch.device,
) -> torch.Tensor:
    """(leaves, S) complex values on the CPU: the leaves compiled as one tensor program (private)."""
    orders = [(variable,)] * len(leaves) if variable is not None else None
    program = compile_program(
        [(leaf.node,) for leaf in leaves], [constants] * len(leaves), device, orders, fold_constants=False
    )
    if variable is None:
        inputs = [torch.zeros((0, 1), dtype=program.constants.dtype, device=device)] * len(leaves)
    else:
        inputs = [points.to(device, program.constants.dtype)[None, :]] * len(leaves)
    return run_program(program, inputs)[:, 0, :].to("cpu", torch.complex128)


def usable(values: torch.Tensor) -> torch.Tensor:
    """(batch,) mask of the rows of complex ``values`` that are finite and real at every point.

    Real means an imaginary part below 1e-12 of the real part's magnitude.
    """
    real, imaginary = values.real, values.imag
    return (
        torch.isfinite(real).all(dim=1)
        & torch.isfinite(imaginary).all(dim=1)
        & (imaginary.abs() <= 1e-12 * real.abs().clamp_min(1e-300)).all(dim=1)
    )


def _keys(values: torch.Tensor) -> tuple[list[str | None], list[torch.Tensor]]:
    """Per row: a deduplication key (None unless finite and real at every point), its real values."""
    real = values.real.contiguous()
    keys: list[str | None] = []
    for ok, row in zip(usable(values).tolist(), real.tolist(), strict=True):
        keys.append(" ".join(f"{number + 0.0:.11e}" for number in row) if ok else None)  # + 0.0: no "-0"
    return keys, list(real.unbind(0))
