"""SymPy's exact procedures, each run isolated with a deadline (:mod:`phi_lab.equations.isolation`).

* :func:`solve_one` asks ``solveset`` for the real (or complex) solutions of one relation in
  one variable: an empty set is a proof that there is none; a finite set gives candidate
  solutions, which the caller confirms with its own arithmetic before it believes them.
* :func:`inconsistent_core` decides a polynomial system over ℚ with a Gröbner basis (the
  system has no common complex solution exactly when the reduced basis is ``[1]``) and, when
  it is inconsistent, finds a minimal set of its equations that already conflict (a deletion
  filter: drop each equation in turn, keep it only if the rest become consistent).
* :func:`decide_algebraic` decides an equality of algebraic constants from the minimal
  polynomial of the difference (:func:`phi_lab.equations.symbolic.decide_equality`).

Every SymPy object is built from the syntax tree or from exact polynomials, never from text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from phi_lab.equations.isolation import run_isolated
from phi_lab.equations.symbolic import decide_equality, to_sympy
from phi_lab.equations.syntax import Relation

__all__ = ["SolveOutcome", "decide_algebraic", "inconsistent_core", "solve_one"]

#: Candidate solutions returned at most.
_MAX_POINTS = 8


@dataclass(frozen=True, slots=True)
class SolveOutcome:
    """What ``solveset`` said: ``empty``, ``points`` (candidates in ``points``) or ``unknown``."""

    status: Literal["empty", "points", "unknown"]
    points: tuple[complex, ...] = ()
    reason: str = ""


def solve_one(
    relation: Relation, variable: str, constants: frozenset[str], *, complex_domain: bool, seconds: float
) -> SolveOutcome:
    """Solve ``relation`` for ``variable`` over the reals (or the complex numbers)."""
    outcome = run_isolated(_solve, relation, variable, constants, complex_domain, seconds=seconds)
    if outcome.status != "done":
        return SolveOutcome("unknown", reason=outcome.reason)
    status, points = outcome.value
    return SolveOutcome(status, tuple(points))


def _solve(
    relation: Relation, variable: str, constants: frozenset[str], complex_domain: bool
) -> tuple[str, list[complex]]:
    import sympy

    difference = sympy.Add(to_sympy(relation.lhs, constants), -to_sympy(relation.rhs, constants), evaluate=False).doit()
    symbol = sympy.Symbol(variable)
    domain = sympy.S.Complexes if complex_domain else sympy.S.Reals
    solutions = sympy.solveset(difference, symbol, domain)
    if solutions is sympy.S.EmptySet:
        return "empty", []
    if isinstance(solutions, sympy.FiniteSet):
        points = []
        for value in list(solutions)[:_MAX_POINTS]:
            number = complex(sympy.N(value, 30))
            points.append(number)
        return "points", points
    return "unknown", []


def inconsistent_core(
    polynomials: Sequence[Any], generators: Sequence[str], *, seconds: float
) -> tuple[int, ...] | None:
    """Indices of a minimal inconsistent subset of ``polynomials`` (SymPy expressions = 0).

    Returns ``()`` when the whole system is consistent over ℂ, the indices when it is not,
    and ``None`` when the deadline passed first.
    """
    outcome = run_isolated(_core, list(polynomials), list(generators), seconds=seconds)
    if outcome.status != "done":
        return None
    result: tuple[int, ...] = tuple(outcome.value)
    return result


def _core(polynomials: list[Any], generators: list[str]) -> list[int]:
    import sympy

    symbols = [sympy.Symbol(name) for name in generators]

    def inconsistent(indices: Sequence[int]) -> bool:
        if not indices:
            return False
        basis = sympy.groebner([polynomials[i] for i in indices], *symbols, order="grevlex", domain=sympy.QQ)
        return list(basis.exprs) == [1]

    kept = list(range(len(polynomials)))
    if not inconsistent(kept):
        return []
    for index in list(kept):
        trial = [i for i in kept if i != index]
        if inconsistent(trial):
            kept = trial
    return kept


def decide_algebraic(relation: Relation, constants: frozenset[str], *, seconds: float) -> bool | None:
    """Exactly whether the two constant sides are equal (minimal polynomial), or ``None``."""
    outcome = run_isolated(decide_equality, relation, constants, seconds=seconds)
    if outcome.status != "done":
        return None
    decided: bool | None = outcome.value
    return decided
