"""Syntax tree → SymPy objects, built directly with SymPy's constructors.

No string ever reaches SymPy: numbers become ``Integer``/``Rational``/``Float`` from
their exact values, names become ``Symbol`` (or ``GoldenRatio``, ``pi``, ``E``, ``I``
for the named mathematical constants), and every operation is built with
``evaluate=False`` so the SymPy tree is the equation as written (call ``.doit()``
to let SymPy simplify).  Building unevaluated trees is also what keeps hostile input
such as ``9^9^9^9`` from making SymPy compute a number with millions of digits.
"""

from __future__ import annotations

from typing import Any

import sympy

from phi_lab.equations.syntax import Call, Node, Number, Operation, Relation, Symbol

__all__ = ["decide_equality", "relation_to_sympy", "to_sympy"]

_MATH_CONSTANTS: dict[str, Any] = {"phi": sympy.GoldenRatio, "pi": sympy.pi, "e": sympy.E, "i": sympy.I}


def _log_base(base: int) -> Any:
    return lambda x: sympy.Mul(
        sympy.log(x, evaluate=False), sympy.Pow(sympy.log(base), -1, evaluate=False), evaluate=False
    )


def _root(x: Any, n: Any) -> Any:
    """ⁿ√x: SymPy's ``real_root`` for an odd integer index (∛−8 = −2), else the principal power."""
    if isinstance(n, sympy.Integer) and int(n) % 2 == 1:
        return sympy.real_root(x, n)
    return sympy.Pow(x, sympy.Pow(n, -1, evaluate=False), evaluate=False)


def _unevaluated(function: Any) -> Any:
    return lambda *args: function(*args, evaluate=False)


_FUNCTIONS: dict[str, Any] = {
    "sqrt": lambda x: sympy.Pow(x, sympy.Rational(1, 2), evaluate=False),
    "log10": _log_base(10),
    "log2": _log_base(2),
    "abs": _unevaluated(sympy.Abs),
    "root": _root,
}
for _name in (
    "exp", "log", "gamma", "beta", "sin", "cos", "tan", "cot", "sec", "csc",
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
):  # fmt: skip
    _FUNCTIONS[_name] = _unevaluated(getattr(sympy, _name))


def to_sympy(node: Node, constants: frozenset[str]) -> Any:
    """Build the SymPy expression of ``node``; names in ``constants`` become SymPy constants.

    Physical constants (``c``, ``h``…) stay SymPy symbols of the same name: SymPy has
    no dimensionless value for them.
    """
    if isinstance(node, Number):
        value = node.value
        if value.denominator == 1:
            return sympy.Integer(value.numerator)
        if "." in node.text or "e" in node.text.lower():
            return sympy.Float(sympy.Rational(value.numerator, value.denominator), max(15, len(node.text)))
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(node, Symbol):
        if node.name in constants and node.name in _MATH_CONSTANTS:
            return _MATH_CONSTANTS[node.name]
        return sympy.Symbol(node.name)
    args = [to_sympy(child, constants) for child in node.args]
    if isinstance(node, Call):
        return _FUNCTIONS[node.function](*args)
    return _operation(node, args)


def _operation(node: Operation, args: list[Any]) -> Any:
    op = node.op
    if op == "add":
        return sympy.Add(*args, evaluate=False)
    if op == "mul":
        return sympy.Mul(*args, evaluate=False)
    if op == "sub":
        return sympy.Add(args[0], sympy.Mul(sympy.Integer(-1), args[1], evaluate=False), evaluate=False)
    if op == "div":
        return sympy.Mul(args[0], sympy.Pow(args[1], sympy.Integer(-1), evaluate=False), evaluate=False)
    if op == "pow":
        return sympy.Pow(args[0], args[1], evaluate=False)
    return sympy.Mul(sympy.Integer(-1), args[0], evaluate=False)


def relation_to_sympy(relation: Relation, constants: frozenset[str]) -> Any:
    """Build ``sympy.Eq(lhs, rhs, evaluate=False)`` for one relation."""
    return sympy.Eq(to_sympy(relation.lhs, constants), to_sympy(relation.rhs, constants), evaluate=False)


def decide_equality(relation: Relation, constants: frozenset[str]) -> bool | None:
    """Decide exactly whether the sides of a constant, algebraic relation are equal.

    The difference of the sides is evaluated by SymPy (``doit``), named constants such as φ
    are rewritten as radicals, and its minimal polynomial over the rationals is computed:
    the difference is zero exactly when that polynomial is ``x``.  This is a proof, not a
    numeric test, so ``φ^20 = 6765φ + 4181`` is confirmed and ``φ^20 = 6765φ + 4180``
    refuted whatever the precision.

    Returns
    -------
    bool or None
        None when SymPy cannot decide: a variable, or a transcendental number (π, e, …).
    """
    x = sympy.Dummy("x")
    difference = sympy.Add(to_sympy(relation.lhs, constants), -to_sympy(relation.rhs, constants), evaluate=False)
    if difference.free_symbols:
        return None
    try:
        polynomial = sympy.minimal_polynomial(difference.doit().rewrite(sympy.sqrt), x)
    except sympy.polys.polyerrors.BasePolynomialError:  # NotAlgebraic (π, e, log 2…) and its kin
        return None
    return bool(polynomial == x)
