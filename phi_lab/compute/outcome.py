"""Why a search found nothing: one sentence for people, decided from what the search knows.

:func:`why_nothing` is what :func:`~phi_lab.compute.closed_forms.search_closed_forms` and
:func:`~phi_lab.compute.equation_search.search_equations` give as their ``reason`` (and
:func:`phi_lab.find_closed_forms` and :func:`phi_lab.find_equations` put in ``attrs["reason"]``)
when no exact result came back.
It is decided from codes and facts (why the search stopped, how the target was given, whether
SymPy knows the target to be transcendental, which constants and operations were allowed),
never from another message's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from phi_lab.compute.enumeration import DIGITS
from phi_lab.equations.forms import is_algebraic
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol

__all__ = ["SearchKind", "given_digits", "target_tree", "why_nothing"]

SearchKind = Literal["closed forms", "equations"]

#: Functions whose values at algebraic arguments are (mostly) transcendental.
_TRANSCENDENTAL_FUNCTIONS = frozenset(
    {"exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh"}
)
_STOPPED = {
    "time": "the time budget ran out",
    "memory": "the pool reached its memory limit",
    "cancelled": "it was stopped",
}


def target_tree(target: Any) -> Node | None:
    """The target as a constant tree when it was given as one (``None`` is φ), else None.

    Expression text (``"sqrt(2)"``) is parsed; digits, floats and mpmath numbers give None.
    """
    if target is None:
        return Symbol("phi")
    if isinstance(target, Number | Symbol | Operation | Call):
        return target
    if isinstance(target, str) and given_digits(target) is None:
        from phi_lab.equations.parser import parse_syntax

        try:
            syntax = parse_syntax(target)
        except ValueError:
            return None
        return syntax.expressions[0] if len(syntax.expressions) == 1 and not syntax.relations else None
    return None


def given_digits(target: Any) -> int | None:
    """Significant digits of a target given as a number (float: 16, ``"1.4142"``: 5); None for an
    exact target (expression text, a tree, φ by default)."""
    if isinstance(target, bool):
        return None
    if isinstance(target, float | int):
        return 16
    if isinstance(target, str):
        text = target.strip().lower().lstrip("+-")
        mantissa = text.split("e")[0]
        digits = mantissa.replace(".", "")
        if not digits.isdigit():
            return None
        return max(1, len(digits.lstrip("0")))
    precision = getattr(getattr(target, "context", None), "dps", None)
    return int(precision) if isinstance(precision, int) else (None if target is None else 16)


def why_nothing(
    kind: SearchKind,
    target: Any,
    *,
    stopped: str,
    levels: int,
    max_complexity: int,
    constants: Sequence[str],
    functions: Sequence[str],
) -> str:
    """Why a search returned no exact result, as one sentence.

    Parameters
    ----------
    kind:
        Which search.
    target:
        As the caller gave it.
    stopped:
        The pool's code: ``"max_complexity"``, ``"time"``, ``"memory"`` or ``"cancelled"``.
    levels:
        Complexity levels finished (of expressions; an equation's sides for ``"equations"``).
    max_complexity:
        The complexity asked for (of a closed form, or of an equation: both sides).
    constants, functions:
        The search's constants and its functions (``sqrt``, ``exp``…).
    """
    digits = given_digits(target)
    if digits is not None and digits < 45:
        return (
            f"the target was given with about {digits} digits, and a hit is exact only when it agrees to "
            f"{DIGITS - 10} digits: give it as an expression (sqrt(2), pi^2/6) or with {DIGITS} digits"
        )
    tree = target_tree(target)
    named = {name for name in constants if name in ("pi", "e")}
    transcendental_tools = named or set(functions) & _TRANSCENDENTAL_FUNCTIONS
    if tree is not None and is_algebraic(tree) is False and not transcendental_tools:
        what = "polynomial equation" if kind == "equations" else "closed form"
        label = f"{target.strip()} is" if isinstance(target, str) else "the target is"
        return (
            f"{label} transcendental: no {what} over these algebraic constants and operations "
            "reaches it; add pi or e as a constant, or exp/log as operations"
        )
    if stopped in _STOPPED:
        searched = "sides" if kind == "equations" else "expressions"
        return (
            f"nothing exact was found before {_STOPPED[stopped]} ({searched} up to complexity {levels} were "
            "searched): allow more time, or lower the complexity"
        )
    return (
        f"nothing exact up to complexity {max_complexity}, every level searched: raise the complexity, or add "
        "constants or operations"
    )
