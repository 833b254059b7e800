"""φ-coherence: how tightly an equation is tied to the golden ratio φ = (1 + √5)/2, in [0, 1].

The score is the largest of the rules that apply, except that a false equation naming φ
is capped low:

=======================================================  ==========================  ======
rule                                                     example                     score
=======================================================  ==========================  ======
holds with φ bound to the golden ratio (an identity)     ``φ² = φ + 1``, ``φ^5 =     1.0
                                                         5φ + 3``, ``φ = 1 + 1/φ``
one unknown with a real root ±φ^k, k = ±1, ±2, ±3        ``x² = x + 1``, ``x² + x =  1.0
                                                         1`` (root 1/φ)
names φ in a relation with other variables               ``x = φ y``                 0.5
a literal or a ratio of integer literals close to ±φ^k   ``1.618``: 0.77, ``13/8``:  0.9·(1 − e^(−(d−1)/2))
(d = matched significant digits, needs d ≥ 2)            0.45, ``21/13``: 0.52       for d ≥ 2
names φ but is false under it (a contradiction)          ``φ² = φ + 2``              0.1
nothing ties it to φ                                     ``E = mc²``                 0.0
=======================================================  ==========================  ======

"Matched significant digits" is ``d = −log10(|value − target| / |target|)``, so the credit
grows with every digit of φ a literal gets right and stays below the 1.0 of an exact tie.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from phi_lab.equations.evaluate import ComplexArithmetic, MpArithmetic, Undefined, compare_precisely, evaluate
from phi_lab.equations.syntax import Number, Operation, Relation, Syntax, relation_names, walk

__all__ = ["LITERAL_CAP", "golden_targets", "literal_credit", "phi_coherence"]

_PHI = (1 + math.sqrt(5)) / 2
#: Highest score a literal approximation can reach (an exact tie scores 1.0).
LITERAL_CAP = 0.9
_NAMED_PHI = 0.5
_FALSE_PHI = 0.1


def golden_targets() -> list[tuple[str, int, int]]:
    """The targets ±φ^k, k = ±1..±3, as (name, sign, k): ``("φ", 1, 1)``, ``("-1/φ^2", -1, -2)``…"""
    targets = []
    for k in (1, -1, 2, -2, 3, -3):
        name = "φ" if k == 1 else ("1/φ" if k == -1 else (f"φ^{k}" if k > 0 else f"1/φ^{-k}"))
        targets.append((name, 1, k))
        targets.append((f"-{name}", -1, k))
    return targets


def literal_credit(value: float) -> float:
    """Credit for a literal ``value`` approximating some ±φ^k (0 below two matched digits)."""
    best = 0.0
    for _name, sign, k in golden_targets():
        target = sign * _PHI**k
        error = abs(value - target) / abs(target)
        digits = 17.0 if error == 0 else -math.log10(error)
        if digits >= 2:
            best = max(best, LITERAL_CAP * (1 - math.exp(-(digits - 1) / 2)))
    return best


def phi_coherence(
    syntax: Syntax, constants: frozenset[str], kind: str, *, isolated_roots: bool = True
) -> tuple[float, str]:
    """Score ``syntax`` and say why.

    Parameters
    ----------
    syntax:
        The parsed equation.
    constants:
        Names bound as constants (``phi`` among them unless declared as a variable).
    kind:
        The numeric verdict: ``identity``, ``relation`` or ``contradiction``.
    isolated_roots:
        False when the relation held at some random sample points (``asin(sin x) = x``
        holds on an interval): then a root ±φ^k is not singled out and earns nothing.

    Returns
    -------
    (score, reason)
    """
    names_phi = "phi" in constants and "phi" in syntax.names
    if names_phi and kind in ("contradiction", "no_solution", "inconsistent"):
        return _FALSE_PHI, "names φ but is false with φ bound to the golden ratio"
    if names_phi and kind == "identity":
        return 1.0, "holds with φ bound to the golden ratio"
    scores = [(0.0, "nothing ties it to φ")]
    # An identity or contradiction has no particular roots: only a relation can single out ±φ^k.
    root = _golden_root(syntax, constants) if kind == "relation" and isolated_roots else None
    if root is not None:
        scores.append((1.0, f"its unknown has the root {root}"))
    if names_phi:
        scores.append((_NAMED_PHI, "relates its variables through φ"))
    literal, text = _best_literal(syntax)
    if literal > 0:
        scores.append((literal, f"the number {text} approximates a power of φ"))
    return max(scores, key=lambda pair: pair[0])


def _golden_root(syntax: Syntax, constants: frozenset[str]) -> str | None:
    """A value ±φ^k that solves a single relation in one unknown, confirmed to 30 digits."""
    if len(syntax.relations) != 1:
        return None
    unknowns = syntax.names - constants
    if len(unknowns) != 1:
        return None
    (unknown,) = unknowns
    relation = syntax.relations[0]
    quick = ComplexArithmetic()
    values = {name: quick.constant(name) for name in syntax.names & constants}
    for name, sign, k in golden_targets():
        values[unknown] = complex(sign * _PHI**k)
        try:
            lhs = evaluate(relation.lhs, values, quick)
            rhs = evaluate(relation.rhs, values, quick)
        except Undefined:
            continue
        if abs(lhs - rhs) <= 1e-9 * max(abs(lhs), abs(rhs), 1.0) and _confirm(relation, unknown, sign, k, constants):
            return name
    return None


def _confirm(relation: Relation, unknown: str, sign: int, k: int, constants: frozenset[str]) -> bool:
    names = relation_names(relation) & constants

    def values(arithmetic: MpArithmetic) -> dict[str, Any]:
        assigned = {name: arithmetic.constant(name) for name in names}
        assigned[unknown] = sign * arithmetic.constant("phi") ** k
        return assigned

    try:
        return compare_precisely(relation, values).equal
    except Undefined:
        return False


def _best_literal(syntax: Syntax) -> tuple[float, str]:
    best, text = 0.0, ""
    for root in syntax.roots():
        for node in walk(root):
            value: float | None = None
            written = ""
            if isinstance(node, Number) and node.value.denominator != 1:
                value, written = _as_float(node.value), node.text
            elif (
                isinstance(node, Operation)
                and node.op == "div"
                and all(isinstance(arg, Number) and arg.value.denominator == 1 for arg in node.args)
            ):
                numerator, denominator = node.args
                assert isinstance(numerator, Number) and isinstance(denominator, Number)
                if denominator.value != 0:
                    value = _as_float(numerator.value / denominator.value)
                    written = f"{numerator.text}/{denominator.text}"
            if value is not None and math.isfinite(value):
                credit = literal_credit(value)
                if credit > best:
                    best, text = credit, written
    return best, text


def _as_float(value: Fraction) -> float:
    """The literal as a double; infinity when it is beyond double range (it is then no φ^k)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf
