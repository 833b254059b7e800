"""Inverse symbolic search: closed forms for a number, found bottom-up on the torch device.

Like RIES or Plouffe's inverter, :func:`find_closed_forms` enumerates expressions over a few
constants and operations in order of complexity, evaluates every complexity level's new
candidates in device batches (:func:`~phi_lab.compute.program.compile_program` /
:func:`~phi_lab.compute.program.run_program`, zero-variable programs with one sample), and
checks the ones close to the target at 50 digits with
:class:`~phi_lab.equations.evaluate.MpArithmetic`.  The default target is φ.

Complexity
    One point per node of the search: each constant (``sqrt5`` is *one* given constant, even
    though its tree is ``sqrt(5)``), each operation.  So ``(1 + sqrt(5))/2`` costs 5,
    ``2/(sqrt(5) - 1)`` costs 5 and ``2*cos(pi/5)`` costs 6.

Search pool and deduplication
    Level *c* holds the candidates of complexity *c*: every allowed function applied to a
    level *c − 1* value and every allowed binary operation on values whose complexities add up
    to *c − 1* (``+`` and ``*`` in one operand order only).  Only finite real values are kept
    (imaginary part below 1e-12 of the magnitude), and of the candidates whose double-precision
    values agree to 12 significant digits only the first is kept: the least complex, then the
    first in text order.  That is a heuristic that prunes the search; it decides nothing about
    a result.  Overflowing powers and exponentials become inf/NaN on the device and are dropped.

Hits
    Every candidate within ``tolerance`` (relative, in double precision) of the target is a
    hit, *before* deduplication, so equal forms such as ``(1 + sqrt(5))/2`` and
    ``2/(sqrt(5) - 1)`` are both reported.  Each hit is re-evaluated from its tree at 50 digits;
    it is exact when its relative error is below 1e-40 (a float target, known to about 16
    digits, can therefore never give an exact hit: pass a string of digits, an mpmath value or a
    syntax tree instead).

Budgets
    The search stops at ``max_complexity``, after ``time_budget_s`` seconds, when ``cancel`` is
    set (both checked between batches), or when the pool would hold more than ``max_pool``
    candidates (each about 0.5 KB with its tree and text, so the default million is ~0.5 GB).
    The frame's ``attrs`` say why it stopped and how far it got.  Hits already found in a level
    cut short are still reported; the unfinished level is not added to the pool.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import torch

from phi_lab.compute.device import resolve_device
from phi_lab.compute.program import compile_program, run_program
from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol, walk
from phi_lab.errors import InputError

if TYPE_CHECKING:
    import pandas

__all__ = ["BINARY_OPERATIONS", "COLUMNS", "UNARY_OPERATIONS", "find_closed_forms"]

#: Binary operations the search may use, and the syntax-tree operation each builds.
BINARY_OPERATIONS: dict[str, str] = {"+": "add", "-": "sub", "*": "mul", "/": "div", "^": "pow"}
#: Functions of one argument the search may use (``Call`` nodes of these names).
UNARY_OPERATIONS = frozenset(
    {"sqrt", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh"}
)
#: The columns of the frame :func:`find_closed_forms` returns, in order.
COLUMNS = ("expression", "complexity", "value", "error", "digits", "exact")

_DIGITS = 50
_EXACT = 1e-40
_NAMED = {"pi", "e", "phi"}
# Text precedence: sums 1, products 2, powers 4, atoms (numbers, names, calls) 5.
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "pow": 4}
_SYMBOL = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "^"}


@dataclass(frozen=True, slots=True)
class _Entry:
    """A pool member: its tree, readable text, text precedence and double value (private)."""

    node: Node
    text: str
    precedence: int
    value: float


def find_closed_forms(
    target: float | str | Node | Any = None,
    *,
    constants: Sequence[str] = ("1", "2", "3", "5", "pi", "e", "sqrt5"),
    operations: Sequence[str] = ("+", "-", "*", "/", "^", "sqrt", "exp", "log"),
    max_complexity: int = 7,
    max_results: int = 20,
    time_budget_s: float = 10.0,
    device: str | torch.device | None = None,
    progress: bool = False,
    seed: int = 0,
    tolerance: float = 1e-9,
    max_pool: int = 1_000_000,
    batch_size: int = 16_384,
    cancel: threading.Event | None = None,
) -> pandas.DataFrame:
    """Search for closed forms of ``target`` and return the best hits.

    Parameters
    ----------
    target:
        The number to explain: ``None`` for φ, a float, a string of digits (``"1.41421356…"``)
        or expression text (``"sqrt(2)"``), an mpmath number, or a syntax tree; read at 50 digits.
    constants:
        Leaves of the search: integers (``"3"``), ``"pi"``, ``"e"``, ``"phi"``, or ``"sqrtN"``
        for √N (a single leaf of complexity 1).
    operations:
        Binary operations among ``+ - * / ^`` and functions among :data:`UNARY_OPERATIONS`.
    max_complexity:
        The most complex level searched (see the module docstring for the count).
    max_results:
        Rows returned at most.
    time_budget_s:
        Seconds after which the search stops (checked between batches) with what it found.
    device:
        Torch device for the batches (``None``: :func:`~phi_lab.compute.device.resolve_device`).
    progress:
        Show a tqdm bar per level.
    seed:
        Reserved: the enumeration is exhaustive and deterministic, so no random numbers are
        drawn and the seed changes nothing today.
    tolerance:
        Relative distance to the target, in double precision, that makes a candidate a hit.
    max_pool:
        Candidates kept for building larger ones; the search stops before exceeding it.
    batch_size:
        Candidates per device batch.
    cancel:
        An event another thread may set to stop the search between batches.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, ranked exact first, then by complexity, error and text.
        ``attrs`` holds ``stopped`` (``"max_complexity"``, ``"time"``,
        ``"memory"`` or ``"cancelled"``), ``levels`` (complexity levels finished),
        ``candidates`` (evaluated), ``pool`` (kept), ``seconds`` and ``device``.

    Raises
    ------
    InputError
        For an unknown constant or operation, or a target that is not a finite number.
    """
    del seed  # documented as reserved
    start = time.monotonic()
    arithmetic = MpArithmetic(_DIGITS)
    goal = _read_target(target, arithmetic)
    leaves = [_leaf(text) for text in dict.fromkeys(constants)]
    unary, binary = _read_operations(operations)
    resolved = resolve_device(device)
    values = {name: complex(arithmetic.constant(name)) for name in _NAMED}
    goal_float = float(arithmetic.context.re(goal))
    scale = abs(goal_float) or 1.0

    def interrupted() -> str | None:
        if cancel is not None and cancel.is_set():
            return "cancelled"
        return "time" if time.monotonic() - start > time_budget_s else None

    levels: list[list[_Entry]] = [[]]
    seen: set[str] = set()
    hits: dict[str, tuple[Node, int]] = {}
    evaluated = 0
    stopped: str | None = None
    for complexity in range(1, max_complexity + 1):
        survivors: dict[str, _Entry] = {}
        bar = _bar(progress, complexity)
        try:
            for batch in _chunks(_candidates(complexity, levels, leaves, unary, binary), batch_size):
                stopped = interrupted()
                if stopped is not None:
                    break
                numbers = _evaluate(batch, values, resolved)
                evaluated += len(batch)
                for entry, number in zip(batch, numbers, strict=True):
                    if not _usable(number):
                        continue
                    real = number.real
                    if abs(real - goal_float) <= tolerance * scale:
                        hits.setdefault(entry.text, (entry.node, complexity))
                    key = f"{real:.11e}"
                    if key in seen:
                        continue
                    kept = survivors.get(key)
                    if kept is None or entry.text < kept.text:
                        survivors[key] = _Entry(entry.node, entry.text, entry.precedence, real)
                if sum(map(len, levels)) + len(survivors) > max_pool:
                    stopped = "memory"
                    break
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
        if stopped is not None:
            break  # an unfinished level is not added to the pool
        seen.update(survivors)
        levels.append([survivors[key] for key in sorted(survivors, key=lambda key: survivors[key].text)])
    frame = _frame(hits, goal, arithmetic, max_results)
    frame.attrs.update(
        stopped=stopped or "max_complexity",
        levels=len(levels) - 1,
        candidates=evaluated,
        pool=sum(map(len, levels)),
        seconds=time.monotonic() - start,
        device=str(resolved),
    )
    return frame


def _read_target(target: float | str | Node | Any, arithmetic: MpArithmetic) -> Any:
    ctx = arithmetic.context
    if target is None:
        return arithmetic.constant("phi")
    if isinstance(target, Number | Symbol | Operation | Call):
        return _precise(target, arithmetic)
    if isinstance(target, str):
        try:
            value = ctx.mpc(ctx.mpf(target.strip()))
        except ValueError:
            from phi_lab.equations.parser import parse_syntax

            syntax = parse_syntax(target)
            if len(syntax.expressions) != 1 or syntax.relations:
                raise InputError(f"target {target!r} is not a number or a single expression") from None
            return _precise(syntax.expressions[0], arithmetic)
    else:
        try:
            value = ctx.mpc(target)
        except (TypeError, ValueError) as exc:
            raise InputError(f"target {target!r} is not a number") from exc
    if not ctx.isfinite(value):
        raise InputError(f"target {target!r} is not finite")
    return value


def _precise(node: Node, arithmetic: MpArithmetic) -> Any:
    """``node`` at 50 digits, named constants at their own precision."""
    names = {item.name for item in walk(node) if isinstance(item, Symbol)}
    try:
        return evaluate(node, {name: arithmetic.constant(name) for name in names}, arithmetic)
    except (Undefined, KeyError) as exc:
        raise InputError("the target cannot be evaluated as a number") from exc


def _leaf(text: str) -> _Entry:
    name = text.strip()
    if name in _NAMED:
        return _Entry(Symbol(name), name, 5, math.nan)
    if name.isdigit():
        return _Entry(Number(Fraction(int(name)), name), name, 5, math.nan)
    if name.startswith("sqrt") and name[4:].isdigit():
        radicand = name[4:]
        return _Entry(Call("sqrt", (Number(Fraction(int(radicand)), radicand),)), f"sqrt({radicand})", 5, math.nan)
    raise InputError(f"unknown constant {text!r} (use integers, pi, e, phi or sqrtN)")


def _read_operations(operations: Sequence[str]) -> tuple[list[str], list[str]]:
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


def _candidates(
    complexity: int, levels: list[list[_Entry]], leaves: list[_Entry], unary: list[str], binary: list[str]
) -> Iterator[_Entry]:
    """The new candidates of one level, in a fixed order (private)."""
    if complexity == 1:
        yield from leaves
        return
    for function in unary:
        for child in levels[complexity - 1]:
            yield _Entry(Call(function, (child.node,)), f"{function}({child.text})", 5, math.nan)
    for op in binary:
        commutative = op in ("add", "mul")
        for left_complexity in range(1, complexity - 1):
            right_complexity = complexity - 1 - left_complexity
            if commutative and left_complexity > right_complexity:
                continue
            for i, left in enumerate(levels[left_complexity]):
                rights = levels[right_complexity]
                first = i if commutative and left_complexity == right_complexity else 0
                for right in rights[first:]:
                    yield _combine(op, left, right)


def _combine(op: str, left: _Entry, right: _Entry) -> _Entry:
    precedence = _PRECEDENCE[op]
    if op == "pow":
        left_text = _wrap(left, left.precedence <= precedence)
        right_text = _wrap(right, right.precedence <= precedence)
    else:
        left_text = _wrap(left, left.precedence < precedence)
        strict = op in ("sub", "div")  # a - (b + c), a/(b*c) need their brackets
        right_text = _wrap(right, right.precedence <= precedence if strict else right.precedence < precedence)
    return _Entry(Operation(op, (left.node, right.node)), left_text + _SYMBOL[op] + right_text, precedence, math.nan)


def _wrap(entry: _Entry, needed: bool) -> str:
    return f"({entry.text})" if needed else entry.text


def _chunks(items: Iterator[_Entry], size: int) -> Iterator[list[_Entry]]:
    batch: list[_Entry] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _evaluate(batch: list[_Entry], values: dict[str, complex], device: torch.device) -> list[complex]:
    """Evaluate a batch of zero-variable trees as one tensor program with one sample (private)."""
    program = compile_program([(entry.node,) for entry in batch], [values] * len(batch), device, fold_constants=False)
    nothing = torch.zeros((0, 1), dtype=program.constants.dtype, device=device)
    results = run_program(program, [nothing] * len(batch))[:, 0, 0]
    return [complex(number) for number in results.cpu().tolist()]


def _usable(number: complex) -> bool:
    real, imaginary = number.real, number.imag
    return math.isfinite(real) and math.isfinite(imaginary) and abs(imaginary) <= 1e-12 * max(abs(real), 1e-300)


def _bar(progress: bool, complexity: int) -> Any:
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(desc=f"complexity {complexity}", unit="expr", leave=False)


def _frame(
    hits: dict[str, tuple[Node, int]], goal: Any, arithmetic: MpArithmetic, max_results: int
) -> pandas.DataFrame:
    """Verify every hit at 50 digits and rank them (private)."""
    import pandas

    ctx = arithmetic.context
    magnitude = abs(goal) or ctx.mpf(1)
    rows: list[tuple[str, int, float, float, int, bool]] = []
    for text, (node, complexity) in hits.items():
        try:
            value = _precise(node, arithmetic)
        except InputError:
            continue
        error = abs(value - goal) / magnitude
        digits = _DIGITS if error == 0 else max(0, min(_DIGITS, int(-ctx.log10(error))))
        rows.append((text, complexity, float(ctx.re(value)), float(error), digits, bool(error < _EXACT)))
    rows.sort(key=lambda row: (not row[5], row[1], row[3], row[0]))
    frame = pandas.DataFrame(rows[:max_results], columns=list(COLUMNS))
    return frame.astype({"complexity": "int64", "value": "float64", "error": "float64", "digits": "int64"})
