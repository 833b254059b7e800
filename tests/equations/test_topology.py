"""Tests for phi_lab.equations.topology: the equation graph, its clique complex, its homology."""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable
from fractions import Fraction
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.equations import topology as topology_module
from phi_lab.equations.syntax import (
    Call,
    Node,
    Number,
    Operation,
    Relation,
    Symbol,
    Syntax,
)
from phi_lab.equations.topology import (
    Complex,
    Topology,
    Vertex,
    betti_numbers,
    build_complex,
    topology,
)

# Deterministic property tests: same examples on every run, no timing deadline.
PROPERTIES = settings(derandomize=True, database=None, deadline=None, max_examples=150)

NAMES = ("x", "y", "z", "phi")
FUNCTIONS = ("sin", "sqrt", "log")


# --- building trees by hand -------------------------------------------------------------


def S(name: str) -> Symbol:
    return Symbol(name)


def N(value: int | str) -> Number:
    return Number(Fraction(value), str(value))


def op(name: str, *args: Node) -> Operation:
    return Operation(name, args)


def eq(lhs: Node, rhs: Node) -> Relation:
    return Relation(lhs, rhs)


def system(*relations: Relation, expressions: tuple[Node, ...] = ()) -> Syntax:
    return Syntax("", relations, expressions)


EMC2 = system(eq(S("E"), op("mul", S("m"), op("pow", S("c"), N(2)))))
GOLDEN = system(eq(op("pow", S("phi"), N(2)), op("add", S("phi"), N(1))))
FILLED = system(eq(op("add", S("x"), op("mul", S("x"), S("y"))), N(0)))
TWO_RELATIONS = system(eq(S("a"), N(1)), eq(S("b"), N(2)))

HAND_BUILT = {
    "E = m*c^2": EMC2,
    "phi^2 = phi + 1": GOLDEN,
    "x + x*y = 0": FILLED,
    "a = 1; b = 2": TWO_RELATIONS,
    "x*x": system(expressions=(op("mul", S("x"), S("x")),)),
    "x = x": system(eq(S("x"), S("x"))),
    "empty": system(),
    "sin(x)^2 + cos(x)^2 = 1": system(
        eq(
            op(
                "add",
                op("pow", Call("sin", (S("x"),)), N(2)),
                op("pow", Call("cos", (S("x"),)), N(2)),
            ),
            N(1),
        )
    ),
    "a = b; b = c; c = a": system(eq(S("a"), S("b")), eq(S("b"), S("c")), eq(S("c"), S("a"))),
    "x - -x / x": system(expressions=(op("sub", S("x"), op("div", op("neg", S("x")), S("x"))),)),
    "phi = (1 + sqrt(5)) / 2; phi^2 - phi - 1 = 0": system(
        eq(S("phi"), op("div", op("add", N(1), Call("sqrt", (N(5),))), N(2))),
        eq(op("sub", op("sub", op("pow", S("phi"), N(2)), S("phi")), N(1)), N(0)),
    ),
    "f(x, y, x, y)": system(expressions=(Call("f", (S("x"), S("y"), S("x"), S("y"))),)),
}


# --- random trees -----------------------------------------------------------------------


@functools.cache
def nodes(depth: int) -> st.SearchStrategy[Node]:
    """Syntax trees at most ``depth`` operators deep over a small pool of names."""
    leaves: st.SearchStrategy[Node] = st.one_of(
        st.sampled_from(NAMES).map(Symbol),
        st.integers(0, 9).map(N),
    )
    if depth == 0:
        return leaves
    below = nodes(depth - 1)
    return st.one_of(
        leaves,
        st.builds(
            Operation,
            st.sampled_from(("add", "mul")),
            st.lists(below, min_size=2, max_size=4).map(tuple),
        ),
        st.builds(Operation, st.sampled_from(("sub", "div", "pow")), st.tuples(below, below)),
        st.builds(Operation, st.just("neg"), st.tuples(below)),
        st.builds(Call, st.sampled_from(FUNCTIONS), st.lists(below, min_size=1, max_size=2).map(tuple)),
    )


relations = st.builds(Relation, nodes(4), nodes(4))
syntaxes = st.builds(
    Syntax,
    st.just("<generated>"),
    st.lists(relations, max_size=3).map(tuple),
    st.lists(nodes(3), max_size=2).map(tuple),
)


def random_syntax(seed: int) -> Syntax:
    """A larger random system (tens to hundreds of nodes), built without recursion."""
    rng = random.Random(seed)
    names = [f"s{k}" for k in range(rng.randint(1, 80))]
    symbols = rng.uniform(0.1, 0.8)  # share of leaves that are names (the rest numbers)
    pool: list[Node] = [
        Symbol(rng.choice(names)) if rng.random() < symbols else N(rng.randint(0, 99))
        for _ in range(rng.randint(2, 400))
    ]
    roots = rng.randint(1, 12)
    while len(pool) > roots:
        kind = rng.choice(("add", "mul", "sub", "div", "pow", "neg", "call"))
        arity = {"neg": 1, "sub": 2, "div": 2, "pow": 2}.get(kind, rng.randint(2, 5))
        if kind == "call":
            arity = rng.randint(1, 3)
        arity = min(arity, len(pool))
        if kind in {"add", "mul"} and arity < 2:
            continue
        args = []
        for _ in range(arity):
            k = rng.randrange(len(pool))
            pool[k], pool[-1] = pool[-1], pool[k]
            args.append(pool.pop())
        node: Node = Call(rng.choice(FUNCTIONS), tuple(args)) if kind == "call" else Operation(kind, tuple(args))
        pool.append(node)
    pairs = [Relation(pool[i], pool[i + 1]) for i in range(0, len(pool) - 1, 2)]
    return Syntax(f"seed {seed}", tuple(pairs), tuple(pool[2 * len(pairs) :]))


SEEDS = range(25)


# --- transformations that must not change the topology -------------------------------


def map_tree(node: Node, leaf: Callable[[Symbol], Node], args: Callable[[Operation], tuple[Node, ...]]) -> Node:
    if isinstance(node, Symbol):
        return leaf(node)
    if isinstance(node, Operation):
        return Operation(node.op, tuple(map_tree(a, leaf, args) for a in args(node)))
    if isinstance(node, Call):
        return Call(node.function, tuple(map_tree(a, leaf, args) for a in node.args))
    return node


def transform(
    syntax: Syntax,
    leaf: Callable[[Symbol], Node] = lambda s: s,
    args: Callable[[Operation], tuple[Node, ...]] = lambda o: o.args,
    swap: Callable[[Relation], bool] = lambda r: False,
) -> Syntax:
    def relation(r: Relation) -> Relation:
        lhs, rhs = map_tree(r.lhs, leaf, args), map_tree(r.rhs, leaf, args)
        return Relation(rhs, lhs) if swap(r) else Relation(lhs, rhs)

    return Syntax(
        syntax.text,
        tuple(relation(r) for r in syntax.relations),
        tuple(map_tree(e, leaf, args) for e in syntax.expressions),
    )


# --- independent references ------------------------------------------------------------


def dense_rank_gf2(matrix: np.ndarray) -> int:
    """Rank over GF(2) by plain Gaussian elimination on a dense 0/1 matrix."""
    m = matrix.astype(np.uint8) % 2
    rank = 0
    rows, cols = m.shape
    for col in range(cols):
        hits = np.nonzero(m[rank:, col])[0]
        if hits.size == 0:
            continue
        pivot = rank + hits[0]
        m[[rank, pivot]] = m[[pivot, rank]]
        below = np.nonzero(m[:, col])[0]
        below = below[below != rank]
        m[below] ^= m[rank]
        rank += 1
        if rank == rows:
            break
    return rank


def dense_betti(c: Complex) -> tuple[int, int, int]:
    v, e, t = len(c.vertices), len(c.edges), len(c.triangles)
    d1 = np.zeros((v, e), dtype=np.uint8)
    for j, (a, b) in enumerate(c.edges):
        d1[a, j] = d1[b, j] = 1
    position = {edge: i for i, edge in enumerate(c.edges)}
    d2 = np.zeros((e, t), dtype=np.uint8)
    for j, (a, b, x) in enumerate(c.triangles):
        for face in ((a, b), (a, x), (b, x)):
            d2[position[face], j] = 1
    r1 = dense_rank_gf2(d1) if e else 0
    r2 = dense_rank_gf2(d2) if t else 0
    return v - r1, e - r1 - r2, t - r2


@pytest.fixture(scope="module")
def gudhi() -> ModuleType:
    return pytest.importorskip("gudhi")


def gudhi_betti(gudhi: ModuleType, c: Complex) -> tuple[int, int, int]:
    tree: Any = gudhi.SimplexTree()
    for i in range(len(c.vertices)):
        tree.insert([i])
    for simplex in itertools.chain(c.edges, c.triangles):
        tree.insert(list(simplex))
    tree.compute_persistence(homology_coeff_field=2, persistence_dim_max=True)
    found = list(tree.betti_numbers())[:3]
    b0, b1, b2 = found + [0] * (3 - len(found))
    return b0, b1, b2


def adjacency(c: Complex) -> list[set[int]]:
    near: list[set[int]] = [set() for _ in c.vertices]
    for a, b in c.edges:
        near[a].add(b)
        near[b].add(a)
    return near


def component_count(c: Complex, removed: frozenset[tuple[int, int]] = frozenset()) -> int:
    near: list[set[int]] = [set() for _ in c.vertices]
    for a, b in c.edges:
        if (a, b) not in removed:
            near[a].add(b)
            near[b].add(a)
    seen: set[int] = set()
    count = 0
    for start in range(len(c.vertices)):
        if start in seen:
            continue
        count += 1
        seen.add(start)
        stack = [start]
        while stack:
            for n in near[stack.pop()] - seen:
                seen.add(n)
                stack.append(n)
    return count


# --- the worked values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("syntax", "betti", "chi"),
    [
        (EMC2, (1, 0, 0), 1),
        (GOLDEN, (1, 1, 0), 0),
        (FILLED, (1, 0, 0), 1),
        (TWO_RELATIONS, (2, 0, 0), 2),
    ],
    ids=["E = m*c^2", "phi^2 = phi + 1", "x + x*y = 0", "a = 1; b = 2"],
)
def test_worked_values(syntax: Syntax, betti: tuple[int, int, int], chi: int) -> None:
    result = topology(syntax)
    assert result.betti == betti
    assert result.chi == chi
    assert betti_numbers(build_complex(syntax)) == betti


def test_emc2_graph() -> None:
    c = build_complex(EMC2)
    assert c.vertices == (
        Vertex("relation", "="),
        Vertex("symbol", "E"),
        Vertex("operator", "×"),
        Vertex("symbol", "m"),
        Vertex("operator", "^"),
        Vertex("symbol", "c"),
        Vertex("number", "2"),
    )
    assert c.edges == ((0, 1), (0, 2), (2, 3), (2, 4), (4, 5), (4, 6))
    assert c.triangles == ()
    assert topology(EMC2) == Topology(betti=(1, 0, 0), chi=1, vertices=7, edges=6, triangles=0)


def test_reused_symbol_is_one_vertex_and_closes_a_loop() -> None:
    c = build_complex(GOLDEN)
    assert [v.label for v in c.vertices] == ["=", "^", "phi", "2", "+", "1"]
    assert c.loop_edges() == ((2, 4),)  # phi, second occurrence under +


def test_filled_triangle() -> None:
    c = build_complex(FILLED)
    assert [v.label for v in c.vertices] == ["=", "+", "x", "×", "y", "0"]
    assert c.triangles == ((1, 2, 3),)
    assert c.loop_edges() == ()


def test_graph_is_simple() -> None:
    c = build_complex(HAND_BUILT["x*x"])
    assert c.vertices == (Vertex("operator", "×"), Vertex("symbol", "x"))
    assert c.edges == ((0, 1),)
    assert topology(HAND_BUILT["x*x"]).betti == (1, 0, 0)


def test_bare_expressions_have_no_relation_vertex() -> None:
    syntax = system(eq(S("x"), N(1)), expressions=(op("neg", S("y")), S("x")))
    c = build_complex(syntax)
    assert [v.kind for v in c.vertices] == ["relation", "symbol", "number", "operator", "symbol"]
    assert topology(syntax).betti == (2, 0, 0)


def test_operator_labels() -> None:
    syntax = system(
        expressions=(
            op(
                "add",
                op("mul", N(1), N(2)),
                op("sub", N(3), op("div", N(4), op("pow", N(5), op("neg", N(6))))),
            ),
            Call("sin", (N("7.5"),)),
        )
    )
    labels = [v.label for v in build_complex(syntax).vertices]
    assert labels == ["+", "×", "1", "2", "−", "3", "÷", "4", "^", "5", "neg", "6", "sin", "7.5"]


def test_cycle_of_relations() -> None:
    assert topology(HAND_BUILT["a = b; b = c; c = a"]).betti == (1, 1, 0)


def test_empty_syntax() -> None:
    assert topology(system()) == Topology(betti=(0, 0, 0), chi=0, vertices=0, edges=0, triangles=0)


# --- general complexes (b2 and GF(2) torsion, which syntax graphs never reach) ---------

TETRAHEDRON_SURFACE = ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3))
# The 6-vertex projective plane: H1 = Z/2, so over GF(2) betti = (1, 1, 1).
PROJECTIVE_PLANE = tuple(
    sorted(
        tuple(sorted(t))
        for t in [
            (0, 1, 2), (0, 2, 3), (0, 3, 4), (0, 4, 5), (0, 5, 1),
            (1, 2, 4), (2, 3, 5), (3, 4, 1), (4, 5, 2), (5, 1, 3),
        ]
    )
)  # fmt: skip


def complex_of(count: int, triangles: tuple[tuple[int, ...], ...], extra: tuple[tuple[int, int], ...] = ()) -> Complex:
    edges = {tuple(sorted(p)) for t in triangles for p in itertools.combinations(t, 2)} | set(extra)
    points = tuple(Vertex("symbol", f"v{i}") for i in range(count))
    return Complex(points, tuple(sorted(edges)), tuple(sorted(triangles)))  # type: ignore[arg-type]


GENERAL_COMPLEXES = pytest.mark.parametrize(
    ("c", "betti"),
    [
        (complex_of(4, TETRAHEDRON_SURFACE), (1, 0, 1)),
        (complex_of(6, PROJECTIVE_PLANE), (1, 1, 1)),
        (complex_of(3, ((0, 1, 2),)), (1, 0, 0)),
        (complex_of(3, (), ((0, 1), (0, 2), (1, 2))), (1, 1, 0)),
        (complex_of(5, ()), (5, 0, 0)),
        (Complex((), (), ()), (0, 0, 0)),
    ],
    ids=["sphere", "projective-plane", "filled-triangle", "hollow-triangle", "points", "empty"],
)


@GENERAL_COMPLEXES
def test_general_complexes(c: Complex, betti: tuple[int, int, int]) -> None:
    assert betti_numbers(c) == betti
    assert dense_betti(c) == betti
    assert len(c.loop_edges()) == betti[1]
    assert betti[0] - betti[1] + betti[2] == c.euler_characteristic


@GENERAL_COMPLEXES
def test_general_complexes_match_gudhi(c: Complex, betti: tuple[int, int, int], gudhi: ModuleType) -> None:
    assert gudhi_betti(gudhi, c) == betti


@pytest.mark.parametrize(
    ("edges", "triangles"),
    [
        (((1, 0),), ()),
        (((0, 3),), ()),
        (((0, 1), (0, 1)), ()),
        (((0, 2), (0, 1)), ()),
        (((0, 1), (1, 2)), ((0, 1, 2),)),
        (((0, 1), (0, 2), (1, 2)), ((0, 2, 1),)),
    ],
    ids=["decreasing", "out-of-range", "repeated", "unsorted", "missing-face", "unsorted-triangle"],
)
def test_complex_rejects_malformed_simplices(edges: Any, triangles: Any) -> None:
    with pytest.raises(ValueError):
        Complex(tuple(Vertex("number", str(i)) for i in range(3)), edges, triangles)


def test_vertex_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError):
        Vertex("edge", "?")  # type: ignore[arg-type]


def test_topology_rejects_broken_euler_poincare() -> None:
    with pytest.raises(ValueError):
        Topology(betti=(1, 1, 0), chi=1, vertices=3, edges=2, triangles=0)
    with pytest.raises(ValueError):
        Topology(betti=(1, 0, 0), chi=1, vertices=3, edges=3, triangles=0)


# --- Euler–Poincaré and cross-checks -----------------------------------------------------


def check_consistent(syntax: Syntax) -> Topology:
    c = build_complex(syntax)
    result = topology(syntax)
    assert result.betti == betti_numbers(c)
    assert result.chi == sum(b * (-1) ** k for k, b in enumerate(result.betti))
    assert result.chi == c.euler_characteristic
    assert (result.vertices, result.edges, result.triangles) == (
        len(c.vertices),
        len(c.edges),
        len(c.triangles),
    )
    assert sum(v.kind == "symbol" for v in c.vertices) == len(syntax.names)
    assert result.betti[2] == 0  # see the module docstring: no voids in a syntax graph
    loops = c.loop_edges()
    assert len(loops) == result.betti[1]
    # Loop edges close cycles: removing them all disconnects nothing.
    assert component_count(c) == component_count(c, frozenset(loops)) == result.betti[0]
    return result


@pytest.mark.parametrize("syntax", list(HAND_BUILT.values()), ids=list(HAND_BUILT))
def test_euler_poincare_hand_built(syntax: Syntax) -> None:
    check_consistent(syntax)


@pytest.mark.parametrize("seed", SEEDS)
def test_euler_poincare_random(seed: int) -> None:
    check_consistent(random_syntax(seed))


@pytest.mark.parametrize("seed", SEEDS)
def test_betti_matches_gudhi_on_random_systems(seed: int, gudhi: ModuleType) -> None:
    c = build_complex(random_syntax(seed))
    assert betti_numbers(c) == gudhi_betti(gudhi, c)


@PROPERTIES
@given(syntaxes)
def test_properties_on_generated_trees(syntax: Syntax) -> None:
    result = check_consistent(syntax)
    c = build_complex(syntax)
    assert result.betti == dense_betti(c)
    # K is the clique complex: every triple of pairwise joined vertices is a triangle.
    near = adjacency(c)
    cliques = {(a, b, x) for a, b in c.edges for x in near[a] & near[b] if x > b}
    assert cliques == set(c.triangles)


@PROPERTIES
@given(syntax=syntaxes)
def test_betti_matches_gudhi_on_generated_trees(syntax: Syntax, gudhi: ModuleType) -> None:
    c = build_complex(syntax)
    assert betti_numbers(c) == gudhi_betti(gudhi, c)


# --- invariance -------------------------------------------------------------------------


@PROPERTIES
@given(syntaxes, st.permutations(NAMES), st.booleans())
def test_betti_invariant_under_renaming(syntax: Syntax, image: list[str], fresh: bool) -> None:
    rename = {old: (f"{new}_2" if fresh else new) for old, new in zip(NAMES, image, strict=True)}
    renamed = transform(syntax, leaf=lambda s: Symbol(rename[s.name]))
    assert renamed.names == frozenset(rename[n] for n in syntax.names)
    assert topology(renamed) == topology(syntax)


@PROPERTIES
@given(syntaxes, st.randoms(use_true_random=False))
def test_betti_invariant_under_swapping_sides(syntax: Syntax, rng: random.Random) -> None:
    swapped = transform(syntax, swap=lambda r: rng.random() < 0.5)
    assert topology(swapped) == topology(syntax)
    everything = transform(syntax, swap=lambda r: True)
    assert topology(everything) == topology(syntax)


@PROPERTIES
@given(syntaxes, st.randoms(use_true_random=False))
def test_betti_invariant_under_reordering(syntax: Syntax, rng: random.Random) -> None:
    def shuffled(o: Operation) -> tuple[Node, ...]:
        if o.op not in {"add", "mul"}:
            return o.args
        return tuple(rng.sample(o.args, len(o.args)))

    reordered = transform(syntax, args=shuffled)
    relations = list(reordered.relations)
    rng.shuffle(relations)
    reordered = Syntax(reordered.text, tuple(relations), reordered.expressions)
    assert topology(reordered) == topology(syntax)


# --- size -------------------------------------------------------------------------------


def test_deep_tree_needs_no_recursion() -> None:
    node: Node = S("x")
    for level in range(20_000):
        node = op("add", S("x" if level % 2 else "y"), node) if level % 3 else op("neg", node)
    syntax = system(eq(S("x"), node))
    result = topology(syntax)
    c = build_complex(syntax)
    assert result.betti == betti_numbers(c)
    assert result.betti[0] == 1
    assert result.chi == c.euler_characteristic
    assert len(c.loop_edges()) == result.betti[1]


def test_long_sum() -> None:
    terms = tuple(op("mul", N(k), S(f"a{k % 7}"), op("pow", S("x"), N(k))) for k in range(3_000))
    result = topology(system(eq(S("y"), op("add", *terms))))
    # Every product after the first closes a loop through x (2 999 loops), and each
    # coefficient a0..a6 closes one more loop per reuse (3 000 - 7 loops); no triangles.
    assert result.betti == (1, 2_999 + 2_993, 0)
    # =, y, +, x, a0..a6, and per term ×, k, ^, k.
    assert (result.vertices, result.edges, result.triangles) == (
        4 + 7 + 4 * 3_000,
        2 + 6 * 3_000,
        0,
    )


def test_public_surface() -> None:
    assert set(topology_module.__all__) == {
        "Complex",
        "Topology",
        "Vertex",
        "VertexKind",
        "betti_numbers",
        "build_complex",
        "topology",
    }
