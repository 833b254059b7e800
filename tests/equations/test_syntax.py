"""The syntax tree's values and the keys made from them (``phi_lab/equations/syntax.py``).

Built by hand here, not by the parser: what the parser makes of text is ``test_parser.py``'s subject.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from phi_lab.equations.syntax import (
    BINARY_OPERATIONS,
    NARY_OPERATIONS,
    Call,
    Node,
    Number,
    Operation,
    Relation,
    Symbol,
    Syntax,
    canonical_form,
    node_key,
    relation_key,
    relation_names,
    walk,
)

a, b, c, x, y = (Symbol(name) for name in "abcxy")
ONE = Number(Fraction(1), "1")
TWO = Number(Fraction(2), "2")


def add(*args: Node) -> Operation:
    return Operation("add", args)


def mul(*args: Node) -> Operation:
    return Operation("mul", args)


def sub(left: Node, right: Node) -> Operation:
    return Operation("sub", (left, right))


def syntax(*relations: Relation, expressions: tuple[Node, ...] = ()) -> Syntax:
    return Syntax("(built by hand)", relations, expressions)


def test_the_operation_kinds() -> None:
    assert {"add", "mul"} == NARY_OPERATIONS
    assert {"sub", "div", "pow"} == BINARY_OPERATIONS


@pytest.mark.parametrize(
    ("op", "args", "message"),
    [
        ("add", (Symbol("x"),), "at least two operands"),
        ("mul", (), "at least two operands"),
        ("sub", (Symbol("x"),), "takes 2 operand"),
        ("pow", (Symbol("x"), Symbol("y"), Symbol("z")), "takes 2 operand"),
        ("neg", (Symbol("x"), Symbol("y")), "takes 1 operand"),
        ("mod", (Symbol("x"), Symbol("y")), "unknown operation 'mod'"),
    ],
)
def test_an_operation_checks_its_operands(op: str, args: tuple[Node, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Operation(op, args)


def test_valid_operations_and_symbols() -> None:
    assert Operation("add", (a, b, c)).args == (a, b, c)  # n-ary: kept flat
    assert Operation("neg", (a,)).op == "neg"
    with pytest.raises(ValueError, match="non-empty name"):
        Symbol("")


def test_columns_are_not_part_of_equality() -> None:
    assert Symbol("x", column=3) == Symbol("x", column=9)
    assert len({Symbol("x", column=1), Symbol("x", column=2)}) == 1
    assert Number(Fraction(1), "1", column=1) == Number(Fraction(1), "1", column=7)
    assert Operation("add", (a, b), column=1) == Operation("add", (a, b), column=4)
    assert Relation(a, b, column=1) == Relation(a, b, column=2)


def test_a_syntax_knows_its_names_and_its_roots() -> None:
    first = Relation(a, add(Call("sin", (x,)), ONE))
    second = Relation(b, TWO)
    tree = syntax(first, second, expressions=(c,))
    assert tree.names == {"a", "x", "b", "c"}  # a function's name is not a name
    assert list(tree.roots()) == [first.lhs, first.rhs, second.lhs, second.rhs, c]
    assert syntax(Relation(ONE, TWO)).names == frozenset()


def test_walk_is_depth_first_left_to_right() -> None:
    sine = Call("sin", (x,))
    product = mul(y, TWO)
    tree = add(sine, product)
    assert list(walk(tree)) == [tree, sine, x, product, y, TWO]
    assert list(walk(x)) == [x]


def test_walk_reaches_the_bottom_of_a_deep_tree_without_recursion() -> None:
    node: Node = x
    for _ in range(20_000):
        node = Operation("neg", (node,))
    assert sum(1 for _ in walk(node)) == 20_001


def test_node_keys_ignore_the_order_of_sums_and_products_only() -> None:
    assert node_key(add(a, b)) == node_key(add(b, a))
    assert node_key(mul(y, Call("sin", (x,)))) == "mul(sin(x),y)"
    assert node_key(sub(a, b)) != node_key(sub(b, a))
    assert node_key(Operation("div", (a, b))) != node_key(Operation("div", (b, a)))
    assert node_key(add(a, add(b, c))) != node_key(add(a, b, c))  # the tree as written: no flattening here


def test_a_number_key_is_its_value_not_its_spelling() -> None:
    assert node_key(Number(Fraction(1, 2), "0.5")) == node_key(Number(Fraction(1, 2), "1/2")) == "1/2"


def test_relation_keys_keep_the_sides_and_canonical_forms_do_not() -> None:
    forwards, backwards = Relation(add(a, b), c), Relation(c, add(b, a))
    assert relation_key(forwards) != relation_key(backwards)
    assert relation_key(forwards) == relation_key(Relation(add(b, a), c))
    assert canonical_form(syntax(forwards)) == canonical_form(syntax(backwards))


def test_canonical_forms_ignore_the_order_of_relations_but_not_subtraction() -> None:
    one, two = Relation(a, ONE), Relation(b, TWO)
    assert canonical_form(syntax(one, two)) == canonical_form(syntax(two, one))
    assert canonical_form(syntax(Relation(sub(a, b), ONE))) != canonical_form(syntax(Relation(sub(b, a), ONE)))
    assert canonical_form(syntax(one)) != canonical_form(syntax(one, expressions=(c,)))


def test_relation_names() -> None:
    assert relation_names(Relation(mul(Call("sin", (x,)), y), TWO)) == {"x", "y"}
    assert relation_names(Relation(ONE, TWO)) == frozenset()
