"""The shape of an equation as written: its graph, clique complex and Betti numbers.

This module owns the topological reading of a :class:`~phi_lab.equations.syntax.Syntax`.

The graph ``G`` has one vertex per operator occurrence (the ``=`` of each
relation, each :class:`~phi_lab.equations.syntax.Operation`, each
:class:`~phi_lab.equations.syntax.Call`), one per
:class:`~phi_lab.equations.syntax.Number` occurrence and **one per distinct
symbol name**, so a name used twice closes a loop.  Edges join each operator to
each of its operands; ``G`` is simple (``x*x`` gives the single edge ``×–x``).
Bare expressions (``Syntax.expressions``) are included; their root has no ``=``
above it.

``K`` is the 2-skeleton of the clique complex of ``G``: its vertices, its
edges and every triangle of ``G`` filled.  The Betti numbers ``b0, b1, b2`` are
the ranks of the homology groups of ``K`` over GF(2), computed from the ranks of
the boundary matrices ∂1 and ∂2 by column reduction (the standard persistence
algorithm, pivot-indexed).  Columns of ∂2 are Python ints used as bit sets; the
columns of ∂1 always hold two entries, so they are kept as pairs and shortened
as they are read (see :func:`_reduce_edges`), which keeps deep trees with many
reused names near-linear instead of quadratic.

Two facts about these particular complexes, useful when reading the numbers:

* ``b0`` counts the connected pieces: relations and expressions that share no
  symbol.  ``b1`` counts the independent loops made by reusing names that no
  triangle fills (``x + x*y`` has its loop ``+ – x – × – +`` filled, since
  ``+``, ``×`` and ``x`` are pairwise joined).
* ``b2`` is always 0 for a syntax graph.  Every triangle holds exactly one
  symbol vertex, and the link of a symbol in ``K`` is a forest (operator
  vertices joined along the syntax tree), which carries no cycle; so no
  2-cycle exists.  It is computed all the same, and :func:`betti_numbers`
  works on any 2-dimensional complex.

Vertices are numbered in depth-first pre-order (relations in order, ``=``
before its left then right side, then the bare expressions), a symbol taking
the number of its first occurrence.  :func:`topology` is the hot path (one call
per validated equation) and never builds :class:`Vertex` objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from phi_lab.equations.syntax import Call, Node, Operation, Relation, Symbol, Syntax

__all__ = [
    "Complex",
    "Topology",
    "Vertex",
    "VertexKind",
    "betti_numbers",
    "build_complex",
    "topology",
]

VertexKind = Literal["relation", "operator", "number", "symbol"]
_KINDS = frozenset({"relation", "operator", "number", "symbol"})

#: Display labels of the arithmetic operators.
_OPERATOR_LABELS = {"add": "+", "mul": "×", "sub": "−", "div": "÷", "pow": "^", "neg": "neg"}


@dataclass(frozen=True, slots=True)
class Vertex:
    """One vertex of the equation graph.

    Parameters
    ----------
    kind:
        ``"relation"`` (an ``=``), ``"operator"`` (an operation or a function
        call), ``"number"`` (one literal occurrence) or ``"symbol"`` (one
        distinct name, shared by all its occurrences).
    label:
        What to print: ``"="``, ``"+"``, ``"×"``, ``"−"``, ``"÷"``, ``"^"``,
        ``"neg"``, a function name such as ``"sin"``, the number's text, or the
        symbol's name.
    """

    kind: VertexKind
    label: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown vertex kind {self.kind!r}")


_RELATION = Vertex("relation", "=")
_OPERATORS = {op: Vertex("operator", label) for op, label in _OPERATOR_LABELS.items()}


@dataclass(frozen=True, slots=True)
class Complex:
    """A simplicial complex of dimension at most 2, in a canonical form.

    Parameters
    ----------
    vertices:
        The vertices; simplices refer to them by position.
    edges:
        Pairs ``(i, j)`` with ``i < j``, sorted, without repeats.
    triangles:
        Triples ``(i, j, k)`` with ``i < j < k``, sorted, without repeats; all
        three edges of each must be in ``edges``.

    Raises
    ------
    ValueError
        If a simplex is not in canonical form, names a missing vertex, or a
        triangle lacks one of its edges.

    Notes
    -----
    The order of ``edges`` is also the filtration order used by
    :meth:`loop_edges`.
    """

    vertices: tuple[Vertex, ...]
    edges: tuple[tuple[int, int], ...]
    triangles: tuple[tuple[int, int, int], ...] = ()

    def __post_init__(self) -> None:
        count = len(self.vertices)
        for u, v in self.edges:
            if not 0 <= u < v < count:
                raise ValueError(f"edge {(u, v)} is not an increasing pair of vertex indices")
        if any(a >= b for a, b in pairwise(self.edges)):
            raise ValueError("edges must be sorted and without repeats")
        present = frozenset(self.edges)
        for a, b, c in self.triangles:
            if not a < b < c:
                raise ValueError(f"triangle {(a, b, c)} is not increasing")
            if (a, b) not in present or (a, c) not in present or (b, c) not in present:
                raise ValueError(f"triangle {(a, b, c)} lacks one of its edges")
        if any(s >= t for s, t in pairwise(self.triangles)):
            raise ValueError("triangles must be sorted and without repeats")

    @property
    def euler_characteristic(self) -> int:
        """``V - E + T``, the alternating count of simplices."""
        return len(self.vertices) - len(self.edges) + len(self.triangles)

    def loop_edges(self) -> tuple[tuple[int, int], ...]:
        """Return one edge for each independent loop that no triangle fills.

        Add the edges one at a time in the order of :attr:`edges` (after all
        vertices), then the triangles.  An edge whose two ends are already
        joined closes a new 1-cycle; the cycle is filled when a later triangle
        kills it (the persistence pairing).  The edges whose cycles are never
        filled are returned: there are exactly ``b1`` of them, and for a
        syntax graph each is typically the edge to a repeated occurrence of a
        name.  Which edge of a loop is chosen depends on the edge order; the
        count does not.

        Returns
        -------
        tuple of (int, int)
            The chosen edges, in the order of :attr:`edges`.
        """
        edge_pivots = _reduce_edges(self.edges)
        filled = _reduce(_triangle_columns(self.edges, self.triangles))
        closing = set(range(len(self.edges))).difference(edge_pivots.values())
        return tuple(self.edges[i] for i in sorted(closing.difference(filled)))


@dataclass(frozen=True, slots=True)
class Topology:
    """The topological summary of one equation.

    Parameters
    ----------
    betti:
        ``(b0, b1, b2)``: connected pieces, independent unfilled loops,
        enclosed voids (always 0 for syntax graphs), over GF(2).
    chi:
        The Euler characteristic ``b0 - b1 + b2``.
    vertices, edges, triangles:
        The simplex counts of the complex; ``vertices - edges + triangles``
        equals ``chi`` (Euler–Poincaré).

    Raises
    ------
    ValueError
        If a count is negative or ``chi`` disagrees with either formula.
    """

    betti: tuple[int, int, int]
    chi: int
    vertices: int
    edges: int
    triangles: int

    def __post_init__(self) -> None:
        b0, b1, b2 = self.betti
        if min(b0, b1, b2, self.vertices, self.edges, self.triangles) < 0:
            raise ValueError("Betti numbers and simplex counts cannot be negative")
        if not self.chi == b0 - b1 + b2 == self.vertices - self.edges + self.triangles:
            raise ValueError(
                f"chi={self.chi} breaks Euler–Poincaré for betti={self.betti} and "
                f"V, E, T = {self.vertices}, {self.edges}, {self.triangles}"
            )


def build_complex(syntax: Syntax) -> Complex:
    """Build the clique complex ``K`` of the graph of ``syntax``.

    Parameters
    ----------
    syntax:
        The equation or system, as parsed.

    Returns
    -------
    Complex
        Vertices in depth-first pre-order, edges and triangles sorted.
    """
    vertices: list[Vertex] = []
    count, edges = _graph(syntax, vertices)
    return Complex(tuple(vertices), tuple(edges), tuple(_triangles(count, edges)))


def betti_numbers(complex_: Complex) -> tuple[int, int, int]:
    """Compute the Betti numbers of a complex over GF(2).

    Parameters
    ----------
    complex_:
        Any complex of dimension at most 2.

    Returns
    -------
    tuple of int
        ``(b0, b1, b2)``.
    """
    return _betti(len(complex_.vertices), complex_.edges, complex_.triangles)


def topology(syntax: Syntax) -> Topology:
    """Read the topology of an equation: build its complex and its homology.

    Parameters
    ----------
    syntax:
        The equation or system, as parsed.

    Returns
    -------
    Topology
        Betti numbers, Euler characteristic and simplex counts.

    Examples
    --------
    ``φ^2 = φ + 1`` uses ``φ`` twice, which closes one unfilled loop:
    ``betti == (1, 1, 0)`` and ``chi == 0``.
    """
    count, edges = _graph(syntax, None)
    triangles = _triangles(count, edges)
    betti = _betti(count, edges, triangles)
    return Topology(
        betti=betti,
        chi=betti[0] - betti[1] + betti[2],
        vertices=count,
        edges=len(edges),
        triangles=len(triangles),
    )


def _graph(syntax: Syntax, vertices: list[Vertex] | None) -> tuple[int, list[tuple[int, int]]]:
    """Number the vertices of the graph and list its edges, sorted.

    Walks every root with an explicit stack (trees may be thousands deep).
    When ``vertices`` is a list, a :class:`Vertex` is appended for each
    vertex number handed out.
    """
    symbols: dict[str, int] = {}
    edges: set[tuple[int, int]] = set()
    count = 0
    stack: list[tuple[Relation | Node, int]] = [(root, -1) for root in reversed(syntax.expressions)]
    stack.extend((relation, -1) for relation in reversed(syntax.relations))
    while stack:
        item, parent = stack.pop()
        if isinstance(item, Symbol):
            found = symbols.get(item.name)
            if found is None:
                index = symbols[item.name] = count
                count += 1
                if vertices is not None:
                    vertices.append(Vertex("symbol", item.name))
            else:
                index = found
        else:
            index = count
            count += 1
            if isinstance(item, Operation):
                stack.extend([(arg, index) for arg in reversed(item.args)])
                if vertices is not None:
                    vertices.append(_OPERATORS[item.op])
            elif isinstance(item, Call):
                stack.extend([(arg, index) for arg in reversed(item.args)])
                if vertices is not None:
                    vertices.append(Vertex("operator", item.function))
            elif isinstance(item, Relation):
                stack.append((item.rhs, index))
                stack.append((item.lhs, index))
                if vertices is not None:
                    vertices.append(_RELATION)
            elif vertices is not None:
                vertices.append(Vertex("number", item.text))
        if parent >= 0:
            edges.add((parent, index) if parent < index else (index, parent))
    return count, sorted(edges)


def _triangles(count: int, edges: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """List the triangles of a graph given its sorted edges, in sorted order.

    Each triangle ``u < v < w`` is found once, from its edge ``(u, v)``, as a
    common higher neighbour of ``u`` and ``v``.
    """
    higher: list[set[int]] = [set() for _ in range(count)]
    for u, v in edges:
        higher[u].add(v)
    found: list[tuple[int, int, int]] = []
    for u, v in edges:
        above_v = higher[v]
        if above_v:
            common = higher[u] & above_v
            if common:
                found.extend((u, v, w) for w in sorted(common))
    return found


def _betti(
    count: int,
    edges: Sequence[tuple[int, int]],
    triangles: Sequence[tuple[int, int, int]],
) -> tuple[int, int, int]:
    """Betti numbers over GF(2) from the ranks of the two boundary matrices."""
    rank_1 = len(_reduce_edges(edges))
    rank_2 = len(_reduce(_triangle_columns(edges, triangles))) if triangles else 0
    return count - rank_1, len(edges) - rank_1 - rank_2, len(triangles) - rank_2


def _reduce_edges(edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Reduce the boundary matrix ∂1 over GF(2), left to right, by lowest entries.

    The column of edge ``(a, b)`` has its two entries at rows ``a`` and ``b``,
    and stays a pair under reduction: adding the stored column ``{w, b}`` that
    owns pivot ``b`` turns ``{a, b}`` into ``{a, w}``, and ``{a, a}`` is zero.
    A stored column ``{w, b}`` is kept as the pair ``partner[b] = w``.

    Plain reduction can walk the whole syntax tree for every reused name
    (quadratic on deep trees), so each lookup also shortens the stored column
    it reads: ``{w, b}`` plus the stored ``{u, w}`` (a column of lower pivot)
    is ``{u, b}``.  Adding a lower-pivot column changes neither the span nor
    the pivots, so the pivots and their owners are those of the standard
    algorithm; the shortening is path halving and keeps the work near-linear.

    Returns
    -------
    dict of int to int
        As :func:`_reduce`: for each pivot row, the position of its edge.
    """
    partner: dict[int, int] = {}
    owner: dict[int, int] = {}
    for position, edge in enumerate(edges):
        a, b = edge
        while a != b:
            if a > b:
                a, b = b, a
            w = partner.get(b)
            if w is None:
                partner[b] = a
                owner[b] = position
                break
            u = partner.get(w)
            if u is not None:
                partner[b] = w = u
            b = w
    return owner


def _triangle_columns(edges: Sequence[tuple[int, int]], triangles: Iterable[tuple[int, int, int]]) -> Iterable[int]:
    """Columns of the boundary matrix ∂2, one bit per edge (its position in ``edges``)."""
    position = {edge: i for i, edge in enumerate(edges)}
    return ((1 << position[a, b]) | (1 << position[a, c]) | (1 << position[b, c]) for a, b, c in triangles)


def _reduce(columns: Iterable[int]) -> dict[int, int]:
    """Reduce boundary columns over GF(2), left to right, by their lowest entries.

    Each column is added to (XOR) the earlier reduced column holding its
    pivot (its highest set bit) until its pivot is new or it vanishes.

    Returns
    -------
    dict of int to int
        For each pivot row, the position of the column that owns it.  The
        rank of the matrix is the length; columns not among the values reduced
        to zero (they close cycles).
    """
    reduced: dict[int, int] = {}
    owner: dict[int, int] = {}
    for position, boundary in enumerate(columns):
        column = boundary
        while column:
            low = column.bit_length() - 1
            other = reduced.get(low)
            if other is None:
                reduced[low] = column
                owner[low] = position
                break
            column ^= other
    return owner
