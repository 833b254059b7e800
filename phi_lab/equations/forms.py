"""When two found expressions, or two found equations, are the same: the keys that group search hits.

A bottom-up search (:mod:`phi_lab.compute.closed_forms`, :mod:`phi_lab.compute.equation_search`)
builds many spellings of one thing: ``pi``, ``1*pi``, ``pi/1``, ``exp(log(pi))``,
``sqrt(pi)^2`` and ``2*pi/2`` are one closed form; ``x^2 = x + 1``, ``x^2 - x = 1`` and
``x - 1 = 1/x`` are one equation.  The keys below decide that, exactly, from the trees the
search built (never from text a user typed):

:func:`form_key`
    The expression after SymPy's automatic canonicalisation (numbers folded, terms and
    factors collected and ordered, ``exp(log(a)) → a``, ``log(exp(a)) → a`` for real ``a``,
    ``sqrt(a)^2 → a``, a numeric factor distributed over a sum), with exponentials combined
    and powers and products of positive numbers expanded inside a logarithm
    (``log(e*exp(a)) → 1 + a``, ``log(2^pi)/log(2) → pi``), then brought over one
    denominator as a rational function of its atoms (``sympy.cancel``: ``1 + 2/(1 + sqrt(5))``
    and ``(3 + sqrt(5))/(1 + sqrt(5))`` are one form, and a sign moves to the numerator).
    Nothing beyond that: no rationalising of denominators, no simplification, so
    ``(1 + sqrt(5))/2`` and ``2/(sqrt(5) - 1)``, two constructions of φ, keep two keys.  A
    trigonometric or hyperbolic function of a rational multiple of π stays as written unless
    its value is rational (``2*cos(pi/5)`` is its own form, not ``1/2 + sqrt(5)/2``;
    ``cos(pi)`` is ``-1``).

:func:`relation_key`
    Two equations are the same relation when the differences of their sides agree up to a
    nonzero factor once denominators are cleared: the key is the numerator of
    ``left − right`` over a common denominator, expanded, as a polynomial in the variable made
    monic (coefficients with rationalised denominators), else stripped of its rational content
    and sign.  ``x = sqrt(x + 1)`` keeps its own key (it excludes the negative root of
    ``x^2 = x + 1``).

Both are pure functions of the trees; a tree SymPy cannot canonicalise (it raises) gets its
text as its key, so it is never merged with another.
"""

from __future__ import annotations

from typing import Any

import sympy

from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol

__all__ = ["form_key", "is_algebraic", "relation_key"]

_CONSTANTS: dict[str, Any] = {"pi": sympy.pi, "e": sympy.E, "phi": sympy.GoldenRatio}
#: Functions whose values at rational multiples of π SymPy rewrites as radicals.
_PERIODIC = frozenset({"sin", "cos", "tan", "sinh", "cosh", "tanh"})
#: Integers below this are factored inside a logarithm (``log(6) - log(3)`` is ``log(2)``).
_FACTORED = 10**12
#: What can go wrong inside SymPy on a legal tree (an unusual branch, a recursion limit).
_SYMPY_FAILURES = (ArithmeticError, RecursionError, TypeError, ValueError, AttributeError, NotImplementedError)


def form_key(node: Node) -> str:
    """The key of a closed form: equal for spellings SymPy's automatic canonicalisation makes equal.

    Parameters
    ----------
    node:
        A tree built by a search (numbers, ``pi``/``e``/``phi``, other names as symbols).

    Returns
    -------
    str
        SymPy's text of the canonical expression, e.g. ``"pi"`` for ``exp(log(pi))``.
    """
    try:
        return str(sympy.srepr(sympy.cancel(_canonical(node))))
    except _SYMPY_FAILURES:
        return f"unkeyed:{node!r}"


def relation_key(left: Node, right: Node, variable: str) -> str:
    """The key of the equation ``left = right`` in ``variable``, up to a nonzero factor.

    Parameters
    ----------
    left, right:
        The sides, as a search built them.
    variable:
        The unknown's name.

    Returns
    -------
    str
        Equal for ``x^2 = x + 1``, ``x^2 - x = 1`` and ``x - 1 = 1/x``.
    """
    try:
        return str(sympy.srepr(_relation_normal_form(left, right, sympy.Symbol(variable))))
    except _SYMPY_FAILURES:
        return f"unkeyed:{left!r}={right!r}"


def _relation_normal_form(left: Node, right: Node, x: Any) -> Any:
    numerator, _ = sympy.fraction(sympy.together(_canonical(left) - _canonical(right)))
    numerator = sympy.expand(numerator)
    if numerator == 0:
        return sympy.Integer(0)
    if numerator.is_polynomial(x):
        coefficients = sympy.Poly(numerator, x).all_coeffs()
        leading = coefficients[0]
        monic = [sympy.expand(sympy.radsimp(sympy.cancel(c / leading))) for c in coefficients]
        degree = len(monic) - 1
        return sympy.Add(*(c * x ** (degree - k) for k, c in enumerate(monic)))
    _, primitive = numerator.as_content_primitive()
    negated = sympy.expand(-primitive)
    return min(primitive, negated, key=sympy.default_sort_key)


def is_algebraic(node: Node) -> bool | None:
    """Whether a constant tree's value is an algebraic number, as SymPy knows it (None: unknown).

    ``sqrt(2)``, ``phi``, ``2^(1/3)``: True; ``pi``, ``e``, ``log(2)``, ``pi^2/6``: False
    (Lindemann–Weierstrass, as SymPy applies it); Euler's γ or a tree with a free name: None.
    """
    try:
        value = _canonical(node)
        if value.free_symbols:
            return None
        answer = value.is_algebraic
    except _SYMPY_FAILURES:
        return None
    return None if answer is None else bool(answer)


def _canonical(node: Node) -> Any:
    """The tree as an evaluated SymPy expression (SymPy's automatic canonicalisation only)."""
    if isinstance(node, Number):
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if isinstance(node, Symbol):
        return _CONSTANTS.get(node.name) or sympy.Symbol(node.name)
    args = [_canonical(child) for child in node.args]
    if isinstance(node, Call):
        return _call(node.function, args)
    if isinstance(node, Operation):
        return _operation(node.op, args)
    raise TypeError(f"not a search tree: {node!r}")


def _call(function: str, args: list[Any]) -> Any:
    if function == "sqrt":
        return sympy.sqrt(args[0])
    made = getattr(sympy, function)
    if function == "log":  # log(e*exp(a)) is 1 + a; log(2^pi) is pi*log(2) (positive bases only)
        argument = sympy.powsimp(args[0], combine="exp")
        small = all(abs(number) < _FACTORED for number in argument.atoms(sympy.Integer))
        return sympy.expand_log(made(argument), factor=small)
    if function in _PERIODIC and (args[0] / sympy.pi).is_Rational:
        value = made(*args)
        # Kept whole (a symbol of its own) unless rational, so that nothing later expands it.
        return value if value.is_Rational else sympy.Symbol(f"{function}({args[0]})")
    return made(*args)


def _operation(op: str, args: list[Any]) -> Any:
    if op == "add":
        return sympy.Add(*args)
    if op == "sub":
        return args[0] - args[1]
    if op == "mul":
        return sympy.Mul(*args)
    if op == "div":
        return args[0] / args[1]
    if op == "pow":
        return args[0] ** args[1]
    if op == "neg":
        return -args[0]
    raise TypeError(f"unknown operation {op!r}")
