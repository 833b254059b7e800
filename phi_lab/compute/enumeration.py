"""What a bottom-up search is made of: leaves, operations, candidates and their text, budgets.

The shared vocabulary of the inverse searches (:mod:`phi_lab.compute.closed_forms`,
:mod:`phi_lab.compute.equation_search`); :mod:`phi_lab.compute.pool` grows their pools.

Complexity
    One point per node of the search: each leaf (``sqrt5`` is *one* given constant, even
    though its tree is ``sqrt(5)``), each operation.  So ``(1 + sqrt(5))/2`` costs 5,
    ``2/(sqrt(5) - 1)`` costs 5 and ``x^2`` costs 3.

Levels
    Level *c* holds the candidates of complexity *c*: every allowed function applied to a
    level *c − 1* member and every allowed binary operation on members whose complexities add
    up to *c − 1* (``+`` and ``*`` in one operand order only).  Each candidate is evaluated at
    the search's sample points (one point for a constant search; the target and a few probe
    points when a variable ``x`` is a leaf) and only those finite and real at every point are
    kept, one per value (12 significant digits at every point).  For a variable that means one
    expression per *function* (``x*x`` and ``x^2`` are kept once), while ``x^2`` and ``x + 1``,
    equal at φ only, are both kept.  Deduplication prunes the search; it decides nothing about
    a result.

Pruning
    Candidates that :mod:`phi_lab.compute.pruning`'s rules call trivial (``x*1``,
    ``exp(log(x))``, ``(a + b) - b``…) are not built at all.

Budgets
    A search stops after the budget's seconds, when its ``cancel`` event is set (both checked
    between blocks of candidates), or when the pool would hold more than ``max_pool`` members
    (:func:`phi_lab.compute.pool.pool_limit` sizes it from the memory available).  An
    unfinished level is not added to the pool.
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

from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol, walk
from phi_lab.errors import InputError

__all__ = [
    "ATOM",
    "BINARY_OPERATIONS",
    "DIGITS",
    "EXACT",
    "NAMED_CONSTANTS",
    "PRECEDENCE",
    "SYMBOLS",
    "UNARY_OPERATIONS",
    "Budget",
    "Candidate",
    "Progress",
    "ProgressCallback",
    "combine",
    "correct_digits",
    "has_negligible_part",
    "precise_value",
    "read_leaves",
    "read_operations",
    "read_target",
    "reporting",
    "usable",
]

#: Digits at which every hit of a search is verified.
DIGITS = 50
#: Relative error below which a verified hit is exact.
EXACT = 1e-40

#: Binary operations a search may use, and the syntax-tree operation each builds.
BINARY_OPERATIONS: dict[str, str] = {"+": "add", "-": "sub", "*": "mul", "/": "div", "^": "pow"}
#: Functions of one argument a search may use (``Call`` nodes of these names).
UNARY_OPERATIONS = frozenset(
    {"sqrt", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh"}
)
#: Named constants a search may use as leaves.
NAMED_CONSTANTS = frozenset({"pi", "e", "phi"})

#: Text precedence of each binary operation (atoms: numbers, names, calls, are :data:`ATOM`).
PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "pow": 4}
#: How each binary operation is written.
SYMBOLS = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "^"}
#: Text precedence of numbers, names and calls.
ATOM = 5


@dataclass(frozen=True, slots=True)
class Candidate:
    """One enumerated expression: its tree, readable text (the parser reads it back), complexity.

    ``has_variable`` says whether the search's variable occurs in it.
    """

    node: Node
    text: str
    complexity: int
    precedence: int = ATOM
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
    """The limits of one search: seconds, pool size and a cancel event (checked between blocks).

    ``max_pool`` has no limit by default (a search without a pool, such as the identities').
    """

    seconds: float
    max_pool: int = 2**62
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


#: Functions defined and smooth at 0: f(ε) is f(0) to 50 digits when |ε| < EXACT.
_SMOOTH_AT_ZERO = frozenset({"exp", "sin", "cos", "tan", "asin", "atan", "sinh", "cosh", "tanh", "asinh"})


def has_negligible_part(node: Node, arithmetic: MpArithmetic, values: Mapping[str, Any] | None = None) -> bool:
    """Whether some part of ``node`` changes its value by less than :data:`EXACT` without being
    exact: ``pi + 1/exp(exp(5))`` (a term 1e-65 of the sum), ``pi*exp(1/exp(exp(5)))`` (a
    factor within 1e-65 of 1), ``(1 + 1/e^200)^x``, ``exp(ε)``, ``x^ε``.  At the precision
    hits are verified, such an expression cannot be told from the same one without that part,
    so it is not a closed form of the target, however "exact" its 50-digit error; searches
    drop these hits.  An exact identity element (``pi + log(1)``, ``1*pi``) is not negligible:
    it is a spelling, grouped with its form.

    Raises
    ------
    Undefined
        Where the expression is undefined.
    """
    if not isinstance(node, Operation | Call):
        return False
    if any(has_negligible_part(child, arithmetic, values) for child in node.args):
        return True
    if isinstance(node, Call):  # exp(ε), cos(ε), …: the function's value at 0 to 50 digits
        (argument,) = (precise_value(child, arithmetic, values) for child in node.args)
        return node.function in _SMOOTH_AT_ZERO and argument != 0 and abs(argument) < EXACT
    if len(node.args) != 2:
        return False
    first, second = (precise_value(child, arithmetic, values) for child in node.args)
    if node.op in ("add", "sub"):
        small, large = sorted((abs(first), abs(second)))
        return bool(small != 0 and small < EXACT * large)
    if node.op == "pow" and second != 0 and abs(second) < EXACT:  # x^ε
        return True
    # x*(1 + ε), x/(1 + ε), x^(1 + ε), (1 + ε)^y
    return any(value != 1 and abs(value - 1) < EXACT for value in (first, second))


def correct_digits(error: Any) -> int:
    """The correct digits that a relative ``error`` (an mpmath number) means, 0 to :data:`DIGITS`."""
    if error == 0:
        return DIGITS
    return max(0, min(DIGITS, int(-MpArithmetic(DIGITS).context.log10(error))))


def _precise_or_input_error(node: Node, arithmetic: MpArithmetic) -> Any:
    try:
        return precise_value(node, arithmetic)
    except (Undefined, KeyError) as exc:
        raise InputError("the target cannot be evaluated as a number") from exc


def combine(op: str, left: Candidate, right: Candidate) -> Candidate:
    """``left op right`` with the brackets its text needs (``op`` a syntax-tree name).

    Sums put the term with the variable first (``x + 1``), products the factor without it
    (``2*x``), as they are usually written; the tree follows the text.
    """
    if (op == "add" and right.has_variable and not left.has_variable) or (
        op == "mul" and left.has_variable and not right.has_variable
    ):
        left, right = right, left
    precedence = PRECEDENCE[op]
    if op == "pow":
        left_text = _wrap(left, left.precedence <= precedence)
        right_text = _wrap(right, right.precedence <= precedence)
    else:
        left_text = _wrap(left, left.precedence < precedence)
        strict = op in ("sub", "div")  # a - (b + c), a/(b*c) need their brackets
        right_text = _wrap(right, right.precedence <= precedence if strict else right.precedence < precedence)
    return Candidate(
        Operation(op, (left.node, right.node)),
        left_text + SYMBOLS[op] + right_text,
        left.complexity + right.complexity + 1,
        precedence,
        left.has_variable or right.has_variable,
    )


def _wrap(candidate: Candidate, needed: bool) -> str:
    return f"({candidate.text})" if needed else candidate.text


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
