"""The pruning rules of the bottom-up searches: candidates that are never built, because the
value they would have is built as simply (or more simply) another way.

:func:`phi_lab.compute.pool.grow` applies the rules to whole blocks of candidates before they
are evaluated (:func:`excluded`), as RIES does with its "dead ends": ``x*1``, ``exp(log(x))``,
``(a + b) - b`` or ``1/(1/x)`` are not evaluated, not kept and never reported as hits, and sums
and products are built in one association only.  :data:`RULES` is the table (docs/exploration.md prints
it); :func:`trivial_rewrite` checks a syntax tree against the same rules, for tests and for the
benchmark's count of trivial rewrites among the results.

Why no value is lost
    Every rule removes a candidate whose value the search also reaches without it, at the same
    complexity or less: an identity element gives back its operand (one level lower); a
    cancellation gives back an operand; ``exp(a)*exp(b)`` is ``exp(a + b)``, one node smaller;
    ``(a + b) + c`` is ``a + (b + c)``, same size.  The search keeps one member per value
    (:mod:`phi_lab.compute.pool`), so the operands the rules look at are those members: a
    rule is applied to the members actually kept.  A test enumerates a small vocabulary with
    and without the rules and checks that both reach the same values level by level.

Zero, one and two
    "Exactly 0" (1, 2) means equal to 0 (1, 2) in double precision at every sample point of
    the search, so ``log(1)``, ``e^0`` or ``3 - 2`` count as well as the literal.  Pool
    members are real and finite at every sample point, which makes ``log(exp(a)) = a``,
    ``exp(log(a)) = a`` and ``sqrt(a)*sqrt(b) = sqrt(a*b)`` exact for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol, walk

__all__ = ["INVERSE_FUNCTIONS", "RULES", "Members", "Rule", "excluded", "trivial_rewrite"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One pruning rule: its name, what is not built, and what is built instead."""

    name: str
    not_built: str
    instead: str


#: The rules, in the order they are tried (a candidate is counted under the first that fires).
RULES: tuple[Rule, ...] = (
    Rule("identity", "x + 0, x − 0, x·1, x/1, x^1 (0 and 1: any member exactly 0 or 1)", "x"),
    Rule("one-power", "1^x", "1"),
    Rule("self-cancel", "x − x, x/x, for every x but the first leaf", "1 − 1, 1/1 (0 and 1 built once)"),
    Rule("cancel", "(a + b) − b, (a − b) + b, (a·b)/b, (a/b)·b", "a"),
    Rule("undo", "a − (a − b), a/(a/b), among them 1/(1/x)", "b"),
    Rule(
        "inverse",
        "exp(log x), log(exp x), sqrt(x)^2, sin(asin x), cos(acos x), tan(atan x), "
        "sinh(asinh x), asinh(sinh x), cosh(acosh x)",
        "x",
    ),
    Rule("absolute", "sqrt(x^2) where x ≥ 0", "x"),
    Rule(
        "merge",
        "exp(a)·exp(b), exp(a)/exp(b), log(a) + log(b), log(a) − log(b), sqrt(a)·sqrt(b), sqrt(a)/sqrt(b)",
        "exp(a + b), exp(a − b), log(a·b), log(a/b), sqrt(a·b), sqrt(a/b): one node fewer",
    ),
    Rule("e-power", "e^x, when exp is allowed", "exp(x): one node fewer"),
    Rule("associate", "(a + b) + c, (a·b)·c", "a + (b + c), a·(b·c): sums and products nested to the right"),
    Rule(
        "regroup",
        "(a − b) + c, (a − b) − c, a − (b − c); (a/b)·c, (a/b)/c, a/(b/c)",
        "(a + c) − b, a − (b + c), (a + c) − b; (a·c)/b, a/(b·c), (a·c)/b: differences of sums, quotients of products",
    ),
)

#: ``f(g(x)) = x`` for every real ``x`` where ``g(x)`` is real: (f, g) pairs.
INVERSE_FUNCTIONS = frozenset(
    {
        ("exp", "log"),
        ("log", "exp"),
        ("sin", "asin"),
        ("cos", "acos"),
        ("tan", "atan"),
        ("sinh", "asinh"),
        ("asinh", "sinh"),
        ("cosh", "acosh"),
    }
)

_MERGED = {"mul": ("exp", "sqrt"), "div": ("exp", "sqrt"), "add": ("log",), "sub": ("log",)}


@dataclass(frozen=True, slots=True)
class Members:
    """The members of a pool's finished levels, flattened in level order: what the rules read.

    Attributes
    ----------
    operation:
        (n,) the member's operation name's index in ``operations`` (0: a leaf).
    first, second:
        (n,) flat index of its left (only) operand and of its right operand; −1 for none.
    zero, one, two:
        (n,) exactly 0, 1, 2 at every sample point.
    nonnegative:
        (n,) ≥ 0 at every sample point.
    euler:
        (n,) the leaf ``e``.
    """

    operation: torch.Tensor
    first: torch.Tensor
    second: torch.Tensor
    zero: torch.Tensor
    one: torch.Tensor
    two: torch.Tensor
    nonnegative: torch.Tensor
    euler: torch.Tensor

    def __len__(self) -> int:
        return len(self.operation)


def excluded(
    operation: str,
    operations: Sequence[str],
    members: Members,
    first: torch.Tensor,
    second: torch.Tensor | None = None,
) -> list[tuple[str, torch.Tensor]]:
    """Per rule of :data:`RULES` (in order), which candidates ``operation(first[k], second[k])`` it excludes.

    Parameters
    ----------
    operation:
        A function (``"exp"``) or binary operation (``"add"``) of the search.
    operations:
        The pool's operation names (``"leaf"``, functions, binary operations): what
        :attr:`Members.operation` indexes.
    members:
        The finished levels' members.
    first, second:
        (k,) flat member indices of the operands (``second`` None for a function).

    Returns
    -------
    list of (rule name, (k,) bool mask)
        Only rules that can fire for this operation; a candidate may be in several masks.
    """
    code = {name: index for index, name in enumerate(operations)}
    absent = -2  # an operation the vocabulary lacks: no member has this code

    def has(index: torch.Tensor, name: str) -> torch.Tensor:
        return members.operation.index_select(0, index) == code.get(name, absent)

    def field(column: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """``column`` at ``index``, where ``index`` may be −1 (no operand: False / −1)."""
        safe = index.clamp_min(0)
        value = column.index_select(0, safe)
        if value.dtype == torch.bool:
            return value & (index >= 0)
        return torch.where(index >= 0, value, torch.full_like(value, -1))

    rules: list[tuple[str, torch.Tensor]] = []
    if second is None:  # a function of one member
        inverse = torch.zeros(len(first), dtype=torch.bool)
        for outer, inner in INVERSE_FUNCTIONS:
            if outer == operation:
                inverse |= has(first, inner)
        rules.append(("inverse", inverse))
        if operation == "sqrt":  # sqrt(a^2) with a ≥ 0
            base, exponent = field(members.first, first), field(members.second, first)
            squared = has(first, "pow") & field(members.two, exponent)
            rules.append(("absolute", squared & field(members.nonnegative, base)))
        return rules

    a_first, a_second = field(members.first, first), field(members.second, first)
    b_first, b_second = field(members.first, second), field(members.second, second)
    if operation in ("add", "sub"):
        identity = field(members.zero, second)
        if operation == "add":
            identity = identity | field(members.zero, first)
        rules.append(("identity", identity))
    elif operation in ("mul", "div", "pow"):
        identity = field(members.one, second)
        if operation == "mul":
            identity = identity | field(members.one, first)
        rules.append(("identity", identity))
    if operation == "pow":
        rules.append(("one-power", field(members.one, first)))
    if operation in ("sub", "div"):
        rules.append(("self-cancel", (first == second) & (first != 0)))
    inverse_op = {"add": "sub", "sub": "add", "mul": "div", "div": "mul"}.get(operation)
    if inverse_op is not None:
        if operation in ("sub", "div"):  # (a + b) − b, (a·b)/b: the sum's either operand
            cancel = has(first, inverse_op) & ((a_first == second) | (a_second == second))
        else:  # (a − b) + b or b + (a − b); (a/b)·b or b·(a/b)
            cancel = (has(first, inverse_op) & (a_second == second)) | (has(second, inverse_op) & (b_second == first))
        rules.append(("cancel", cancel))
    if operation in ("sub", "div"):
        rules.append(("undo", has(second, operation) & (b_first == first)))
    if operation == "pow":
        rules.append(("inverse", has(first, "sqrt") & field(members.two, second)))
    if operation in _MERGED:
        merge = torch.zeros(len(first), dtype=torch.bool)
        for function in _MERGED[operation]:
            merge |= has(first, function) & has(second, function)
        rules.append(("merge", merge))
    if operation == "pow" and "exp" in code:
        rules.append(("e-power", field(members.euler, first)))
    if operation in ("add", "mul"):
        rules.append(("associate", has(first, operation)))
    if inverse_op is not None:
        difference = "sub" if operation in ("add", "sub") else "div"
        rules.append(("regroup", has(first, difference) | has(second, difference)))
    return rules


def trivial_rewrite(node: Node, arithmetic: MpArithmetic | None = None) -> str | None:
    """The name of the first rule of :data:`RULES` that some part of ``node`` breaks, or None.

    The same rules as :func:`excluded`, read on a syntax tree (n-ary sums and products as the
    parser builds them), except ``associate`` and ``regroup``, which are about the order a
    search builds in, not about forms a reader would call trivial.  Constant parts are evaluated (30 digits)
    to tell exactly 0, 1 and 2.

    Examples
    --------
    ``1*pi`` → ``"identity"``; ``exp(log(pi))`` → ``"inverse"``; ``2*pi/2`` → ``"cancel"``;
    ``(1 + sqrt(5))/2`` → None.
    """
    arithmetic = arithmetic or MpArithmetic(30)
    for part in walk(node):
        name = _rule_at(part, arithmetic)
        if name is not None:
            return name
    return None


def _rule_at(node: Node, arithmetic: MpArithmetic) -> str | None:
    if isinstance(node, Call):
        (argument,) = node.args if len(node.args) == 1 else (None,)
        if isinstance(argument, Call) and (node.function, argument.function) in INVERSE_FUNCTIONS:
            return "inverse"
        if (
            node.function == "sqrt"
            and isinstance(argument, Operation)
            and argument.op == "pow"
            and _is(argument.args[1], 2, arithmetic)
            and _nonnegative(argument.args[0], arithmetic)
        ):
            return "absolute"
        return None
    if not isinstance(node, Operation):
        return None
    op, args = node.op, node.args
    if op == "neg":
        return "undo" if isinstance(args[0], Operation) and args[0].op == "neg" else None
    if op in ("add", "mul"):
        unit, inverse_op = (0, "sub") if op == "add" else (1, "div")
        if any(_is(arg, unit, arithmetic) for arg in args):
            return "identity"
        for index, arg in enumerate(args):
            others = args[:index] + args[index + 1 :]
            if isinstance(arg, Operation) and arg.op == inverse_op and arg.args[1] in others:
                return "cancel"
        for function in _MERGED[op]:
            if sum(1 for arg in args if isinstance(arg, Call) and arg.function == function) >= 2:
                return "merge"
        return None
    left, right = args
    if op in ("sub", "div"):
        unit, inverse_op = (0, "add") if op == "sub" else (1, "mul")
        if _is(right, unit, arithmetic):
            return "identity"
        if left == right:
            return "self-cancel"
        if isinstance(left, Operation) and left.op == inverse_op and right in left.args:
            return "cancel"
        if isinstance(right, Operation) and right.op == op and right.args[0] == left:
            return "undo"
        if any(
            isinstance(left, Call) and isinstance(right, Call) and left.function == right.function == function
            for function in _MERGED[op]
        ):
            return "merge"
        return None
    if op == "pow":
        if _is(right, 1, arithmetic):
            return "identity"
        if _is(left, 1, arithmetic):
            return "one-power"
        if isinstance(left, Call) and left.function == "sqrt" and _is(right, 2, arithmetic):
            return "inverse"
        if isinstance(left, Symbol) and left.name == "e":
            return "e-power"
    return None


def _constant_value(node: Node, arithmetic: MpArithmetic) -> complex | None:
    """``node``'s value when it is a constant (no name but pi, e, phi), else None."""
    names = {part.name for part in walk(node) if isinstance(part, Symbol)}
    if not names <= {"pi", "e", "phi"}:
        return None
    if isinstance(node, Number):
        return complex(node.value)
    try:
        return complex(evaluate(node, {name: arithmetic.constant(name) for name in names}, arithmetic))
    except (Undefined, ArithmeticError, ValueError):
        return None


def _is(node: Node, number: int, arithmetic: MpArithmetic) -> bool:
    value = _constant_value(node, arithmetic)
    return value is not None and abs(value - number) <= 1e-25 * max(1, number)


def _nonnegative(node: Node, arithmetic: MpArithmetic) -> bool:
    value = _constant_value(node, arithmetic)
    return value is not None and abs(value.imag) <= 1e-25 * abs(value) and value.real >= 0
