"""SymPy's exact procedures, each run in the prover process with a deadline (:mod:`phi_lab.equations.isolation`).

* :func:`solve_one` asks ``solveset`` for the real (or complex) solutions of one relation in
  one variable: an empty set is a proof that there is none; a finite set gives candidate
  solutions, which the caller confirms with its own arithmetic before it believes them.
* :func:`analyse_system` decides a polynomial system over ℚ with a Gröbner basis (the
  system has no common complex solution exactly when the reduced basis is ``[1]``); when it
  is inconsistent it finds a minimal set of its equations that already conflict (a deletion
  filter: drop each equation in turn, keep it only if the rest become consistent), and when
  it is consistent, the equations that follow from the others (a dependent system).
* :func:`decide_constants` decides an equality of constants exactly: SymPy evaluates the
  difference (``exp(iπ) + 1`` is 0 by definition), decides algebraic numbers from the minimal
  polynomial of the difference (:func:`phi_lab.equations.symbolic.decide_equality`), and tries
  ``simplify``; each of these is a chain of exact rewrites, so a 0 is a proof.

Every SymPy object is built from the syntax tree or from exact polynomials, never from text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from phi_lab.equations.isolation import run_isolated
from phi_lab.equations.symbolic import decide_equality, to_sympy
from phi_lab.equations.syntax import Relation

__all__ = [
    "SolveOutcome",
    "SystemAnalysis",
    "analyse_system",
    "constants_in_prover",
    "decide_constants",
    "solve_in_prover",
    "solve_one",
    "system_in_prover",
]

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
    outcome = run_isolated("solve", relation, variable, constants, complex_domain, seconds=seconds)
    if outcome.status != "done":
        return SolveOutcome("unknown", reason=outcome.reason)
    status, points = outcome.value
    return SolveOutcome(status, tuple(points))


def solve_in_prover(
    relation: Relation, variable: str, constants: frozenset[str], complex_domain: bool
) -> tuple[str, list[complex]]:
    """``solveset`` itself (runs in the prover): ``("empty", [])``, ``("points", […])`` or ``("unknown", [])``."""
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


@dataclass(frozen=True, slots=True)
class SystemAnalysis:
    """A polynomial system over ℚ: ``core`` (a minimal inconsistent subset, empty when the system
    is consistent over ℂ) and ``redundant`` (equations in the ideal of the others: they follow
    from them, as ``2x = 2y`` follows from ``x = y``)."""

    core: tuple[int, ...]
    redundant: tuple[int, ...] = ()


def analyse_system(polynomials: Sequence[Any], generators: Sequence[str], *, seconds: float) -> SystemAnalysis | None:
    """Decide a polynomial system (SymPy expressions = 0) by Gröbner bases; ``None`` past the deadline."""
    outcome = run_isolated("analyse_system", list(polynomials), list(generators), seconds=seconds)
    if outcome.status != "done":
        return None
    core, redundant = outcome.value
    return SystemAnalysis(tuple(core), tuple(redundant))


def system_in_prover(polynomials: list[Any], generators: list[str]) -> tuple[list[int], list[int]]:
    """The Gröbner-basis analysis itself (runs in the prover): (core, redundant)."""
    import sympy

    symbols = [sympy.Symbol(name) for name in generators]

    def basis(indices: Sequence[int]) -> Any:
        return sympy.groebner([polynomials[i] for i in indices], *symbols, order="grevlex", domain=sympy.QQ)

    def inconsistent(indices: Sequence[int]) -> bool:
        return bool(indices) and list(basis(indices).exprs) == [1]

    kept = list(range(len(polynomials)))
    if not inconsistent(kept):
        redundant = []
        for index in reversed(kept):  # the later of two dependent equations is the one that follows
            others = [i for i in kept if i != index and i not in redundant]
            if others and basis(others).reduce(polynomials[index])[1] == 0:
                redundant.append(index)
        return [], sorted(redundant)
    for index in list(kept):
        trial = [i for i in kept if i != index]
        if inconsistent(trial):
            kept = trial
    return kept, []


def decide_constants(relation: Relation, constants: frozenset[str], *, seconds: float) -> bool | None:
    """Exactly whether the two constant sides are equal, or ``None`` when SymPy cannot tell."""
    outcome = run_isolated("decide_constants", relation, constants, seconds=seconds)
    if outcome.status != "done":
        return None
    decided: bool | None = outcome.value
    return decided


def constants_in_prover(relation: Relation, constants: frozenset[str]) -> bool | None:
    """The exact decision itself (runs in the prover)."""
    import sympy

    difference = sympy.Add(to_sympy(relation.lhs, constants), -to_sympy(relation.rhs, constants), evaluate=False).doit()
    if difference.free_symbols:
        return None  # a physical constant SymPy has no value for
    if difference == 0:
        return True
    decided = decide_equality(relation, constants)
    if decided is not None:
        return decided
    return True if sympy.simplify(difference) == 0 else None
