"""The syntax tree of an equation, exactly as written.

The parser produces these frozen values; every later stage (SymPy conversion,
dimensions, topology, numeric evaluation, φ-coherence) reads them and never
the text.  The tree keeps the shape the user wrote: ``x + x`` stays a sum of
two occurrences of ``x`` (SymPy would fold it into ``2*x``), subtraction,
unary minus and division stay operators of their own, while the n-ary
operators ``+`` and ``×`` are flattened (``a + b + c`` is one sum).

Node kinds
----------
``Number``      a literal, held exactly as a ``Fraction`` (``1.618`` is 1618/1000)
``Symbol``      one occurrence of a name (variable or named constant; which one is
                decided later, by :mod:`phi_lab.equations.binding`)
``Operation``   ``add`` and ``mul`` (n-ary), ``sub``, ``div``, ``pow`` (binary), ``neg`` (unary)
``Call``        a function applied to arguments (``sin``, ``sqrt``, ``root``, ``log``, …)
``Relation``    ``lhs = rhs``
``Syntax``      one or more relations: a single equation or a system
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "BINARY_OPERATIONS",
    "NARY_OPERATIONS",
    "Call",
    "Node",
    "Number",
    "Operation",
    "Relation",
    "Symbol",
    "Syntax",
    "canonical_form",
    "node_key",
    "relation_key",
    "relation_names",
    "walk",
]

NARY_OPERATIONS = frozenset({"add", "mul"})
BINARY_OPERATIONS = frozenset({"sub", "div", "pow"})
_ARITY = {"neg": 1, "sub": 2, "div": 2, "pow": 2}


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal.

    Parameters
    ----------
    value:
        The exact value (decimals are exact fractions, ``2.5e-3`` is 1/400).
    text:
        The literal as written, for messages and display.
    column:
        1-based column in the source text (not part of equality).
    """

    value: Fraction
    text: str
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Symbol:
    """One occurrence of a name such as ``m``, ``E_k``, ``phi`` or ``hbar``."""

    name: str
    column: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a Symbol needs a non-empty name")


@dataclass(frozen=True, slots=True)
class Operation:
    """An arithmetic operator applied to its operands.

    ``op`` is one of ``add``, ``mul`` (two or more operands), ``sub``, ``div``,
    ``pow`` (exactly two: left then right) or ``neg`` (one).
    """

    op: str
    args: tuple[Node, ...]
    column: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.op in NARY_OPERATIONS:
            if len(self.args) < 2:
                raise ValueError(f"'{self.op}' needs at least two operands")
        elif self.op in _ARITY:
            if len(self.args) != _ARITY[self.op]:
                raise ValueError(f"'{self.op}' takes {_ARITY[self.op]} operand(s)")
        else:
            raise ValueError(f"unknown operation {self.op!r}")


@dataclass(frozen=True, slots=True)
class Call:
    """A function applied to arguments, e.g. ``sin(x)``; ``function`` is the canonical name."""

    function: str
    args: tuple[Node, ...]
    column: int = field(default=0, compare=False)


Node = Number | Symbol | Operation | Call


@dataclass(frozen=True, slots=True)
class Relation:
    """An equation ``lhs = rhs`` (``==`` is read the same way)."""

    lhs: Node
    rhs: Node
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Syntax:
    """Everything the parser read from one text: one relation, or several (a system).

    ``expressions`` holds the pieces that had no ``=`` at all; the validator
    reports them (text without a relation is "not an equation") rather than
    dropping them.
    """

    text: str
    relations: tuple[Relation, ...]
    expressions: tuple[Node, ...] = ()
    #: Every distinct name used anywhere in the text (computed once, on construction).
    names: frozenset[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        found: set[str] = set()
        for root in self.roots():
            found.update(node.name for node in walk(root) if isinstance(node, Symbol))
        object.__setattr__(self, "names", frozenset(found))

    def roots(self) -> Iterator[Node]:
        """Both sides of every relation, then the bare expressions."""
        for relation in self.relations:
            yield relation.lhs
            yield relation.rhs
        yield from self.expressions


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and every node below it, depth first, without recursion."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (Operation, Call)):
            stack.extend(reversed(current.args))


def canonical_form(syntax: Syntax) -> str:
    """A text key equal for trees that differ only in operand order of ``+``/``×``,
    the order of the two sides of each relation, and the order of the relations."""
    pieces = [
        "=(" + ",".join(sorted((_canonical(relation.lhs), _canonical(relation.rhs)))) + ")"
        for relation in syntax.relations
    ]
    pieces.extend(_canonical(expression) for expression in syntax.expressions)
    return ";".join(sorted(pieces))


def relation_names(relation: Relation) -> frozenset[str]:
    """Every name used in one relation."""
    return frozenset(
        node.name for side in (relation.lhs, relation.rhs) for node in walk(side) if isinstance(node, Symbol)
    )


def relation_key(relation: Relation) -> str:
    """A text key of one relation as written (``+``/``×`` operand order aside): equal keys, same relation."""
    return f"{node_key(relation.lhs)}={node_key(relation.rhs)}"


def node_key(node: Node) -> str:
    """A text key of one subtree, equal for subtrees that differ only in the operand order of ``+``/``×``."""
    return _canonical(node)


def _canonical(node: Node) -> str:
    if isinstance(node, Number):
        return str(node.value)
    if isinstance(node, Symbol):
        return node.name
    children = [_canonical(child) for child in node.args]
    if isinstance(node, Operation) and node.op in NARY_OPERATIONS:
        children.sort()
    head = node.function if isinstance(node, Call) else node.op
    return f"{head}({','.join(children)})"
