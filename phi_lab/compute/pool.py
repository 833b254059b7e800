"""The pool of a bottom-up search: expressions by complexity, kept as arrays, grown on the device.

:func:`grow` builds the levels of :mod:`phi_lab.compute.enumeration`'s search.  A level is a
set of arrays, one row per kept expression: the operation, where its operands are (level and
row), its values at the sample points, and the few numbers that decide which of two equal
expressions is kept (brackets and length of its text).  Trees and texts are built only for
the members a caller asks for (:meth:`Pool.candidate`): a hit, or a pair of sides.

Each new candidate is evaluated from its operands' values, which earlier levels computed, with
the evaluator's own kernels (:func:`~phi_lab.compute.program.apply_operator`): one tensor
operation per block of up to ``batch_size`` candidates, on the device.  That is the arithmetic
:func:`~phi_lab.compute.program.run_program` performs on the candidate's whole tree, without
evaluating the shared subtrees again; the leaves themselves are one compiled program.

Pruning
    Before a block is evaluated, :func:`phi_lab.compute.pruning.excluded` removes the
    candidates its rules call trivial (``x*1``, ``exp(log(x))``, ``(a + b) - b``, left-nested
    sums…): they are counted (:attr:`Pool.pruned`, per rule in :attr:`Pool.pruned_by`), never
    evaluated, kept or shown to ``inspect``.  Sums and products are built nested to the right
    (``a + (b + c)``): a pair whose right operand is a sum (product) is built in that order
    whatever the operands' complexities, every other pair in one order only.  ``prune=False``
    builds every pair of the plain enumeration (one operand order for ``+`` and ``*``), for
    comparisons.

Memory
    :func:`pool_limit` sizes the pool from the memory available (a third of it, on the device
    for the values it keeps there): :func:`member_bytes` per member.

Deduplication
    Candidates finite and real at every sample point are kept; of those whose values agree to
    12 significant digits at every point, one: the least complex, then one without the variable
    (a constant written ``1 - 1`` rather than ``x - x``), then the one whose text has the fewest
    brackets, then the shortest, then the first generated.  Members of a level are
    in generation order, which is fixed, so the search is reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import torch

from phi_lab.compute.device import complex_dtype
from phi_lab.compute.enumeration import (
    ATOM,
    PRECEDENCE,
    SYMBOLS,
    Budget,
    Candidate,
    Progress,
    ProgressCallback,
    combine,
    usable,
)
from phi_lab.compute.program import apply_operator, compile_program, run_program
from phi_lab.compute.pruning import Members, excluded
from phi_lab.equations.evaluate import MpArithmetic
from phi_lab.equations.syntax import Call
from phi_lab.errors import InputError

__all__ = ["Level", "Pool", "grow", "member_bytes", "pool_limit"]

_LEAF = -1  # ``right_level`` of leaves and functions: no right operand


@dataclass(frozen=True, slots=True)
class Level:
    """The kept members of one complexity, one row each (all tensors on the CPU, but ``on_device``).

    Attributes
    ----------
    operation:
        Index into :attr:`Pool.operations` (0: a leaf, whose ``left`` is its index in the leaves).
    left_level, left, right_level, right:
        Where the operands are (``right_level`` is −1 without a right operand).
    brackets, length, precedence:
        Of the member's text, as :func:`~phi_lab.compute.enumeration.combine` writes it.
    has_variable:
        Whether the search's variable occurs in it.
    values:
        (n, S) float64: the real values at the sample points.
    on_device:
        The same values, complex, where the search computes.
    """

    operation: torch.Tensor
    left_level: torch.Tensor
    left: torch.Tensor
    right_level: torch.Tensor
    right: torch.Tensor
    brackets: torch.Tensor
    length: torch.Tensor
    precedence: torch.Tensor
    has_variable: torch.Tensor
    values: torch.Tensor
    on_device: torch.Tensor

    def __len__(self) -> int:
        return len(self.operation)


@dataclass
class Pool:
    """What :func:`grow` built.

    Attributes
    ----------
    leaves:
        The leaves, as given.
    operations:
        ``operations[code]`` for :attr:`Level.operation`: ``"leaf"``, then functions and
        binary operations (syntax-tree names).
    levels:
        ``levels[c]`` holds the members of complexity *c*; ``levels[0]`` is empty.
    stopped:
        Why growth stopped: ``"max_complexity"``, ``"time"``, ``"memory"`` or ``"cancelled"``.
    evaluated:
        Candidates evaluated (before deduplication).
    pruned:
        Candidates a pruning rule excluded before evaluation; ``pruned_by`` counts them per
        rule of :data:`~phi_lab.compute.pruning.RULES` (under the first rule that fired).
    """

    leaves: list[Candidate]
    operations: list[str]
    levels: list[Level] = field(default_factory=list)
    stopped: str = "max_complexity"
    evaluated: int = 0
    pruned: int = 0
    pruned_by: dict[str, int] = field(default_factory=dict)
    _built: dict[tuple[int, int], Candidate] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        """Members kept, all levels."""
        return sum(map(len, self.levels))

    def candidate(self, complexity: int, index: int) -> Candidate:
        """Member ``index`` of level ``complexity`` with its tree and text (built once, then cached)."""
        key = (complexity, index)
        built = self._built.get(key)
        if built is not None:
            return built
        level = self.levels[complexity]
        built = self.build(
            complexity,
            int(level.operation[index]),
            (int(level.left_level[index]), int(level.left[index])),
            (int(level.right_level[index]), int(level.right[index])),
        )
        self._built[key] = built
        return built

    def build(self, complexity: int, code: int, left: tuple[int, int], right: tuple[int, int]) -> Candidate:
        """The candidate of operation ``code`` on members ``left`` and ``right`` (level, row).

        A leaf's ``left`` row indexes :attr:`leaves`; a function has no right operand (level −1).
        """
        operation = self.operations[code]
        if operation == "leaf":
            return self.leaves[left[1]]
        operand = self.candidate(*left)
        if right[0] == _LEAF:
            text = f"{operation}({operand.text})"
            return Candidate(Call(operation, (operand.node,)), text, complexity, ATOM, operand.has_variable)
        return combine(operation, operand, self.candidate(*right))

    def members(self, complexity: int) -> list[Candidate]:
        """Every member of one level, built."""
        return [self.candidate(complexity, index) for index in range(len(self.levels[complexity]))]


@dataclass(frozen=True, slots=True)
class _Block:
    """Up to ``batch_size`` candidates of one level: one operation over earlier members (private).

    A function applies to ``left`` (rows of level ``left_level``); a binary operation pairs
    ``left[k]`` with ``right[k]`` (rows of level ``right_level``).  Leaves are one block of
    code 0 whose ``left`` indexes the leaves.
    """

    code: int
    left_level: int
    left: torch.Tensor
    right_level: int = _LEAF
    right: torch.Tensor | None = None

    def __len__(self) -> int:
        return len(self.left)


class _BlockCandidates(Sequence[Candidate]):
    """A block's candidates, each built only when asked for (for a caller's hits) (private)."""

    def __init__(self, pool: Pool, block: _Block, complexity: int) -> None:
        self.pool = pool
        self.block = block
        self.complexity = complexity

    def __len__(self) -> int:
        return len(self.block)

    def __getitem__(self, index: int) -> Candidate:  # type: ignore[override]
        block = self.block
        right = (block.right_level, int(block.right[index])) if block.right is not None else (_LEAF, 0)
        return self.pool.build(self.complexity, block.code, (block.left_level, int(block.left[index])), right)


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
    prune: bool = True,
    inspect: Callable[[Sequence[Candidate], torch.Tensor], int] | None = None,
    on_level: Callable[[Pool], int] | None = None,
    progress: ProgressCallback | None = None,
) -> Pool:
    """Enumerate, prune, evaluate and deduplicate candidates level by level until a budget stops it.

    Parameters
    ----------
    leaves, unary, binary:
        From :func:`~phi_lab.compute.enumeration.read_leaves` and
        :func:`~phi_lab.compute.enumeration.read_operations`.
    max_complexity:
        The last level enumerated.
    budget:
        Time, pool size and cancel event, checked between blocks.
    device:
        Where the values are computed.
    samples:
        (S,) complex values of ``variable`` (ignored without a variable); S = 1 without one.
    variable:
        The name of the variable leaf, if any.
    batch_size:
        Candidates per block.
    prune:
        Apply :data:`~phi_lab.compute.pruning.RULES` (``False``: the plain enumeration, for
        comparisons).
    inspect:
        Called with every evaluated block (a sequence whose items are built on access) and its
        (block, S) complex values on the CPU, before deduplication; returns how many hits it
        found there (summed into the progress reports).
    on_level:
        Called with the pool after every finished level (the new one is ``pool.levels[-1]``);
        returns how many hits it found.
    progress:
        Called after every block and every finished level.

    Raises
    ------
    InputError
        For a ``max_complexity`` or ``batch_size`` below 1.
    """
    if max_complexity < 1:
        raise InputError(f"max_complexity must be at least 1, got {max_complexity!r}")
    if batch_size < 1:
        raise InputError(f"batch_size must be at least 1, got {batch_size!r}")
    points = samples if variable is not None and samples is not None else torch.zeros(1, dtype=torch.complex128)
    pool = Pool(leaves=list(leaves), operations=["leaf", *unary, *binary])
    pool.levels.append(_empty_level(points.numel(), device))
    structure = _Structure(pool) if prune else None
    seen = torch.zeros(0, dtype=torch.int64)  # sorted keys of the finished levels
    hits = 0
    squares = "pow" in binary and any(leaf.text == "2" for leaf in leaves)
    for complexity in range(1, max_complexity + 1):
        if complexity == 1:
            blocks: Iterator[_Block] = iter([_Block(0, 0, torch.arange(len(leaves)))])
        else:
            blocks = _blocks(pool, complexity, len(unary), structure, squares=squares, size=batch_size)
        collector = _Collector(seen)
        stopped: str | None = None
        for block in blocks:
            stopped = budget.interrupted()
            if stopped is not None:
                break
            if complexity == 1:
                values = _leaf_values(leaves, points, variable, device)
            else:
                values = _block_values(pool, block)
            pool.evaluated += len(block)
            if inspect is not None:
                hits += inspect(_BlockCandidates(pool, block, complexity), values)
            collector.add(pool, block, values)
            if pool.size + len(collector) > budget.max_pool:
                collector.merge()  # the pending blocks may hold repeated keys: count exactly first
                if pool.size + len(collector) > budget.max_pool:
                    stopped = "memory"
                    break
            if progress is not None:
                progress(Progress(complexity, pool.evaluated, pool.size + len(collector), hits, budget.elapsed()))
        if stopped is not None:
            pool.stopped = stopped
            break  # an unfinished level is not added to the pool
        level, keys = collector.level(points.numel(), device)
        pool.levels.append(level)
        if structure is not None:
            structure.add(level)
        seen = torch.sort(torch.cat([seen, keys])).values
        if on_level is not None:
            hits += on_level(pool)
            if progress is not None:
                progress(Progress(complexity, pool.evaluated, pool.size, hits, budget.elapsed()))
    return pool


def member_bytes(points: int) -> int:
    """Memory one pool member takes, all its copies together, with ``points`` sample points.

    Eight int64 columns and a flag (65 bytes), its sorted key (8), what the pruning rules read
    (40), and per point its real value (8) and its complex value where the search computes
    (16); doubled for the transient copies while a level is collected and merged.
    """
    return 2 * (65 + 8 + 40 + 24 * points)


def pool_limit(points: int, device: torch.device, share: float = 1 / 3) -> int:
    """The most members a pool may keep: ``share`` of the memory available, by :func:`member_bytes`.

    The host's available memory (psutil); on a CUDA device also its free memory, whichever
    allows fewer members (the values live on the device too).
    """
    import psutil  # type: ignore[import-untyped]

    available = psutil.virtual_memory().available
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        available = min(available, free)
    return max(1, int(available * share) // member_bytes(points))


class _Structure:
    """The finished levels as :class:`~phi_lab.compute.pruning.Members`, for the rules (private)."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.offsets = [0, 0]  # flat index of each level's first member (level 0 is empty)
        self.parts: list[Members] = []
        self.members = _members([])
        self.euler = [leaf.text == "e" for leaf in pool.leaves]

    def add(self, level: Level) -> None:
        offsets = torch.tensor(self.offsets, dtype=torch.int64)
        leaf = level.operation == 0
        first = torch.where(leaf, -1, offsets[level.left_level.clamp(0, len(self.offsets) - 1)] + level.left)
        has_second = level.right_level >= 0
        second = torch.where(has_second, offsets[level.right_level.clamp(0, len(self.offsets) - 1)] + level.right, -1)
        values = level.values
        euler = torch.tensor(self.euler, dtype=torch.bool)
        self.parts.append(
            Members(
                operation=level.operation,
                first=first,
                second=second,
                zero=(values == 0).all(dim=1),
                one=(values == 1).all(dim=1),
                two=(values == 2).all(dim=1),
                nonnegative=(values >= 0).all(dim=1),
                euler=leaf & euler[level.left.clamp(0, len(self.euler) - 1)] if len(self.euler) else leaf,
            )
        )
        self.offsets.append(self.offsets[-1] + len(level))
        self.members = _members(self.parts)

    def flat(self, level: int, rows: torch.Tensor) -> torch.Tensor:
        return rows + self.offsets[level]

    def rows_with(self, level: int, operation: int) -> torch.Tensor:
        """The rows of ``level`` whose operation is ``operation``."""
        return (self.pool.levels[level].operation == operation).nonzero().flatten()

    def keep(self, code: int, left: tuple[int, torch.Tensor], right: tuple[int, torch.Tensor | None]) -> torch.Tensor:
        """Which candidates no rule excludes; counts the excluded ones into the pool, per rule."""
        first = self.flat(left[0], left[1])
        second = None if right[1] is None else self.flat(right[0], right[1])
        rules = excluded(self.pool.operations[code], self.pool.operations, self.members, first, second)
        dropped = torch.zeros(len(first), dtype=torch.bool)
        for name, mask in rules:
            fresh = int((mask & ~dropped).sum())
            if fresh:
                self.pool.pruned_by[name] = self.pool.pruned_by.get(name, 0) + fresh
                dropped |= mask
        self.pool.pruned += int(dropped.sum())
        return ~dropped


def _members(parts: list[Members]) -> Members:
    if not parts:
        none, no = torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.bool)
        return Members(none, none, none, no, no, no, no, no)
    return Members(*(torch.cat([getattr(part, name) for part in parts]) for name in Members.__slots__))


def _empty_level(points: int, device: torch.device) -> Level:
    none = torch.zeros(0, dtype=torch.int64)
    return Level(
        none, none, none, none, none, none, none, none, torch.zeros(0, dtype=torch.bool),
        torch.zeros((0, points), dtype=torch.float64),
        torch.zeros((0, points), dtype=complex_dtype(device), device=device),
    )  # fmt: skip


def _blocks(
    pool: Pool, complexity: int, functions: int, structure: _Structure | None, *, squares: bool, size: int
) -> Iterator[_Block]:
    """The new candidates of one level in blocks of at most ``size``, in a fixed order (private).

    Every function of every level *c − 1* member, then every binary operation on members whose
    complexities add up to *c − 1* (the left operand's complexity rising for ``+`` and ``*``,
    falling for the others), left member by left member: ``+`` and ``*`` in one operand
    order only (``a*a`` is left to ``a^2`` when both can be built: same complexity, and the
    power reads better).  With a ``structure`` the pruning rules drop candidates first, and a
    sum (product) whose right operand is a sum (product) is the one order built for that pair.
    """
    sizes = [len(level) for level in pool.levels]
    for code in range(1, 1 + functions):
        rows = torch.arange(sizes[complexity - 1])
        yield from _pruned(structure, [(rows, None)], size=size, code=code, left_level=complexity - 1)
    for code in range(1 + functions, len(pool.operations)):
        op = pool.operations[code]
        commutative = op in ("add", "mul")
        # Of two members with one value and equally readable texts the first built is kept:
        # ``a - b``, ``a/b``, ``a^b`` with the simpler right operand come first, so
        # ``(3 + sqrt(5))/2`` is kept rather than ``2/(3 - sqrt(5))``.
        splits = range(1, complexity - 1) if commutative else range(complexity - 2, 0, -1)
        for left_complexity in splits:
            right_complexity = complexity - 1 - left_complexity
            lefts, rights = torch.arange(sizes[left_complexity]), torch.arange(sizes[right_complexity])
            if commutative and left_complexity > right_complexity:
                if structure is None:
                    continue
                rights = structure.rows_with(right_complexity, code)  # only x + (a + b): its one order
            triangular = commutative and left_complexity == right_complexity
            skip = 1 if triangular and squares and op == "mul" else 0
            nested = None  # with pruning, x + (a + b) is that pair's one order: built whatever the rows
            if triangular and structure is not None:
                nested = pool.levels[right_complexity].operation == code
            chunks = _pairs(lefts, rights, size=size, triangular=triangular, skip=skip, nested=nested)
            yield from _pruned(
                structure, chunks, size=size, code=code, left_level=left_complexity, right_level=right_complexity
            )


def _pairs(
    lefts: torch.Tensor,
    rights: torch.Tensor,
    *,
    size: int,
    triangular: bool,
    skip: int,
    nested: torch.Tensor | None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
    """Every (left, right) row pair, left by left, in chunks of about ``size`` (private).

    ``triangular`` (a commutative operation on one level): each unordered pair once, right
    ≥ left + ``skip``; and, where ``nested`` marks the level's members built by this
    operation, also the pairs whose right member alone is one (``x + (a + b)``: that pair's
    only order).
    """
    per_chunk = max(1, size // max(len(rights), 1))
    for start in range(0, len(lefts), per_chunk):
        chosen = lefts[start : start + per_chunk]
        left = chosen.repeat_interleave(len(rights))
        right = rights.repeat(len(chosen))
        if triangular:
            keep = right >= left + skip
            if nested is not None:
                keep |= nested[right] & ~nested[left]
            left, right = left[keep], right[keep]
        if len(left):
            yield left, right


def _pruned(
    structure: _Structure | None,
    chunks: Iterable[tuple[torch.Tensor, torch.Tensor | None]],
    *,
    size: int,
    code: int,
    left_level: int,
    right_level: int = _LEAF,
) -> Iterator[_Block]:
    """The chunks' candidates that no rule excludes, regrouped into blocks of at most ``size`` (private)."""
    pending_left: list[torch.Tensor] = []
    pending_right: list[torch.Tensor] = []
    count = 0

    def flush() -> Iterator[_Block]:
        nonlocal count
        left = torch.cat(pending_left)
        right = torch.cat(pending_right) if right_level != _LEAF else None
        pending_left.clear()
        pending_right.clear()
        count = 0
        for first in range(0, len(left), size):
            piece = slice(first, first + size)
            yield _Block(code, left_level, left[piece], right_level, None if right is None else right[piece])

    for lefts, rights in chunks:
        left, right = lefts, rights
        if structure is not None:
            keep = structure.keep(code, (left_level, left), (right_level, right))
            left = left[keep]
            right = None if right is None else right[keep]
        if not len(left):
            continue
        pending_left.append(left)
        if right is not None:
            pending_right.append(right)
        count += len(left)
        if count >= size:
            yield from flush()
    if count:
        yield from flush()


def _leaf_values(
    leaves: Sequence[Candidate], points: torch.Tensor, variable: str | None, device: torch.device
) -> torch.Tensor:
    """(leaves, S) complex values on the CPU: the leaves compiled as one tensor program (private)."""
    constants = {name: complex(MpArithmetic(20).constant(name)) for name in ("pi", "e", "phi")}
    orders = [(variable,)] * len(leaves) if variable is not None else None
    program = compile_program(
        [(leaf.node,) for leaf in leaves], [constants] * len(leaves), device, orders, fold_constants=False
    )
    if variable is None:
        inputs = [torch.zeros((0, 1), dtype=program.constants.dtype, device=device)] * len(leaves)
    else:
        inputs = [points.to(device, program.constants.dtype)[None, :]] * len(leaves)
    return run_program(program, inputs)[:, 0, :].to("cpu", torch.complex128)


def _block_values(pool: Pool, block: _Block) -> torch.Tensor:
    """(len(block), S) complex values on the CPU, from the operands' values on the device (private)."""
    members = pool.levels[block.left_level].on_device
    left = members.index_select(0, block.left.to(members.device))
    if block.right is None:
        result = apply_operator(pool.operations[block.code], [left])
    else:
        others = pool.levels[block.right_level].on_device
        right = others.index_select(0, block.right.to(others.device))
        result = apply_operator(pool.operations[block.code], [left, right])
    return result.to("cpu", torch.complex128)


class _Collector:
    """The survivors of one level while its blocks are evaluated, all in tensors (private).

    Each block's usable rows not seen in earlier levels are reduced to one row per key (the
    most readable: fewest brackets, shortest, first generated) and kept as pending columns;
    pending blocks are merged the same way whenever they outgrow the survivors, and once more
    at the end of the level, so memory stays near the number of distinct values.
    """

    def __init__(self, seen: torch.Tensor) -> None:
        self.seen = seen  # sorted int64 keys of the earlier levels
        self.merged: dict[str, torch.Tensor] | None = None
        self.pending: list[dict[str, torch.Tensor]] = []
        self.pending_rows = 0
        self.generated = 0

    def __len__(self) -> int:
        """Survivors so far (an upper bound until the pending blocks are merged)."""
        return (0 if self.merged is None else len(self.merged["key"])) + self.pending_rows

    def add(self, pool: Pool, block: _Block, values: torch.Tensor) -> None:
        columns = _describe(pool, block)
        columns["values"] = values.real.contiguous()
        columns["key"], ok = _keys(values)
        columns["position"] = torch.arange(self.generated, self.generated + len(block))
        self.generated += len(block)
        ok &= ~_contains(self.seen, columns["key"])
        chosen = _best_per_key({name: column[ok] for name, column in columns.items()})
        if len(chosen["key"]):
            self.pending.append(chosen)
            self.pending_rows += len(chosen["key"])
        if self.pending_rows > max(len(self) - self.pending_rows, 65_536):
            self.merge()

    def merge(self) -> None:
        parts = ([self.merged] if self.merged is not None else []) + self.pending
        if parts:
            self.merged = _best_per_key({name: torch.cat([part[name] for part in parts]) for name in parts[0]})
        self.pending, self.pending_rows = [], 0

    def level(self, points: int, device: torch.device) -> tuple[Level, torch.Tensor]:
        """The finished level in generation order, and its keys."""
        self.merge()
        if self.merged is None:
            return _empty_level(points, device), torch.zeros(0, dtype=torch.int64)
        order = torch.argsort(self.merged["position"])
        rows = {name: column.index_select(0, order) for name, column in self.merged.items()}
        values = rows["values"].to(torch.float64)
        level = Level(
            rows["operation"], rows["left_level"], rows["left"], rows["right_level"], rows["right"],
            rows["brackets"], rows["length"], rows["precedence"], rows["has_variable"], values,
            values.to(device, complex_dtype(device)),
        )  # fmt: skip
        return level, rows["key"]


def _best_per_key(columns: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """One row per key: without the variable if possible (``1 - 1`` rather than ``x - x``), then the
    fewest brackets, the shortest text, the first generated (private)."""
    order = torch.argsort(columns["position"], stable=True)
    for name in ("length", "brackets", "has_variable", "key"):  # least significant first: stable sorts compose
        order = order.index_select(0, torch.argsort(columns[name].index_select(0, order), stable=True))
    keys = columns["key"].index_select(0, order)
    first = torch.ones(len(keys), dtype=torch.bool)
    first[1:] = keys[1:] != keys[:-1]
    chosen = order[first]
    return {name: column.index_select(0, chosen) for name, column in columns.items()}


def _contains(sorted_keys: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """Which ``keys`` occur in ``sorted_keys`` (private)."""
    if not len(sorted_keys):
        return torch.zeros(len(keys), dtype=torch.bool)
    where = torch.searchsorted(sorted_keys, keys).clamp_max(len(sorted_keys) - 1)
    return sorted_keys.index_select(0, where) == keys


def _describe(pool: Pool, block: _Block) -> dict[str, torch.Tensor]:
    """A block's rows as :class:`Level` columns (values apart), text measures included (private)."""
    count = len(block)
    operation = pool.operations[block.code]
    code = torch.full((count,), block.code, dtype=torch.int64)
    left_level = torch.full((count,), block.left_level, dtype=torch.int64)
    right_level = torch.full((count,), block.right_level, dtype=torch.int64)
    right = block.right if block.right is not None else torch.zeros(count, dtype=torch.int64)
    if operation == "leaf":
        chosen = [pool.leaves[int(index)] for index in block.left]
        brackets = torch.tensor([leaf.text.count("(") for leaf in chosen], dtype=torch.int64)
        length = torch.tensor([len(leaf.text) for leaf in chosen], dtype=torch.int64)
        precedence = torch.full((count,), ATOM, dtype=torch.int64)
        has_variable = torch.tensor([leaf.has_variable for leaf in chosen], dtype=torch.bool)
    else:
        first = pool.levels[block.left_level]
        a_brackets, a_length = first.brackets[block.left], first.length[block.left]
        a_precedence, a_variable = first.precedence[block.left], first.has_variable[block.left]
        if block.right is None:
            brackets, length = a_brackets + 1, a_length + len(operation) + 2
            precedence, has_variable = torch.full((count,), ATOM, dtype=torch.int64), a_variable
        else:
            second = pool.levels[block.right_level]
            b_brackets, b_length = second.brackets[block.right], second.length[block.right]
            b_precedence, b_variable = second.precedence[block.right], second.has_variable[block.right]
            brackets, length, precedence = _measure(
                operation,
                (a_brackets, a_length, a_precedence, a_variable),
                (b_brackets, b_length, b_precedence, b_variable),
            )
            has_variable = a_variable | b_variable
    return {
        "operation": code, "left_level": left_level, "left": block.left, "right_level": right_level, "right": right,
        "brackets": brackets, "length": length, "precedence": precedence, "has_variable": has_variable,
    }  # fmt: skip


def _measure(
    op: str, first: tuple[torch.Tensor, ...], second: tuple[torch.Tensor, ...]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Brackets, length and precedence of ``combine(op, a, b)``'s text, for whole blocks (private).

    The same rules as :func:`~phi_lab.compute.enumeration.combine` (a test checks them against
    the built texts): operands swapped in sums and products, then wrapped by precedence.
    """
    a_brackets, a_length, a_precedence, a_variable = first
    b_brackets, b_length, b_precedence, b_variable = second
    if op in ("add", "mul"):
        swap = (b_variable & ~a_variable) if op == "add" else (a_variable & ~b_variable)
        a_brackets, b_brackets = torch.where(swap, b_brackets, a_brackets), torch.where(swap, a_brackets, b_brackets)
        a_length, b_length = torch.where(swap, b_length, a_length), torch.where(swap, a_length, b_length)
        a_precedence, b_precedence = (
            torch.where(swap, b_precedence, a_precedence),
            torch.where(swap, a_precedence, b_precedence),
        )
    precedence = PRECEDENCE[op]
    if op == "pow":
        wrap_a, wrap_b = a_precedence <= precedence, b_precedence <= precedence
    else:
        wrap_a = a_precedence < precedence
        wrap_b = b_precedence <= precedence if op in ("sub", "div") else b_precedence < precedence
    wraps = wrap_a.to(torch.int64) + wrap_b.to(torch.int64)
    brackets = a_brackets + b_brackets + wraps
    length = a_length + b_length + len(SYMBOLS[op]) + 2 * wraps
    return brackets, length, torch.full_like(brackets, precedence)


def _keys(values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per row, a deduplication key and whether the row is usable (finite and real) (private).

    The values are rounded to 12 significant digits (an integer mantissa and a decimal exponent
    per sample point, computed on the tensor at once) and the integers of a row are hashed into
    one int64.  Two different roundings share a key with probability about 2⁻⁶⁴ per pair: a
    collision could only prune one candidate from the search, never change a reported result.
    """
    real = values.real
    magnitude = real.abs()
    exponent = torch.floor(torch.log10(magnitude.clamp_min(1e-290)))  # below: 1e-301 steps, still finite
    mantissa = torch.round(real / torch.pow(10.0, exponent - 11)).nan_to_num(0.0)
    carried = mantissa.abs() >= 1e12  # 0.9999999999999999 rounds up to the next decade: 1.00000000000
    mantissa = torch.where(carried, torch.round(mantissa / 10), mantissa)
    exponent = torch.where(carried, exponent + 1, exponent)
    exponent = torch.where(magnitude == 0, torch.zeros_like(exponent), exponent).nan_to_num(0.0)
    numbers = torch.stack([mantissa, exponent], dim=2).reshape(len(values), -1).to(torch.int64)
    key = torch.zeros(len(values), dtype=torch.int64)
    for column in numbers.unbind(1):  # a multiply-xorshift mix of each integer into the key
        key = (key ^ column) * _MIX
        key = key ^ ((key >> 31) & _LOW_33)  # a logical shift: ``>>`` copies the sign bit, losing one
    return key, usable(values)


_LOW_33 = (1 << 33) - 1
_MIX = -7046029254386353131  # 0x9E3779B97F4A7C15 as a signed 64-bit integer (Knuth's golden-ratio constant)
