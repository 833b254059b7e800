"""Deciding equations: identity, relation, contradiction, no solution, inconsistent, or undecided.

Every variable is a real number; functions take principal complex values (``√−4 = 2i``),
except radicals of odd index, which are real roots (``∛−8 = −2``).  An equation *holds* at a
point where both sides are defined and equal.  For one relation the ladder is, cheapest
first, each step only when the ones before could not decide:

1. **exact algebra** (:mod:`phi_lab.equations.exact`): polynomial and rational relations are
   decided by proof (``x⁶⁰ = x⁶⁰ + 1``, ``(x+10⁹)² − (x−10⁹)² = 4·10⁹x``, ``10³⁰⁰ + 1 = 10³⁰⁰``,
   ``φ² = φ + 1``, ``E = mc²`` has the solution E = c²/3 at m = 1/3);
2. **samples**: both sides at 128 real points over both signs and magnitudes 10⁻⁶…10⁶
   (:mod:`phi_lab.compute.sampling`, one device batch), a screen only;
3. **high precision** (:mod:`phi_lab.equations.precision`): an identity must hold at every
   defined sample and be confirmed at 50/80 digits at points spread over the domain; a
   relation needs a point where it holds and one where it fails, both confirmed; a
   contradiction a difference that is the same constant at spread points;
4. **witnesses** (:mod:`phi_lab.compute.roots`): a solution found on grid lines and refined
   to 70 digits proves a relation (``|x| = x + 1`` at x = −1/2);
5. **proofs of no solution**: interval arithmetic over the whole real line
   (:mod:`phi_lab.equations.ranges`: ``exp x = 0``, ``tanh x = 1``, ``|x−1| + |x+1| = 1``),
   then SymPy's ``solveset`` in an isolated process with a deadline
   (:mod:`phi_lab.equations.solving`: ``cosh x = sinh x``);
6. in math mode, a **complex** solution makes a relation whose solutions are complex
   (``sin x = 2``); in auto and physics modes, where quantities are real, it has none.

What none of these settles is said as such: "no solution found" (``sampled``, low
confidence), or ``undecided`` when the values cannot even be computed.  A system is decided
relation by relation first; then polynomial systems by a Gröbner basis (inconsistent when the
basis is [1], with the equations that conflict), others by a common solution found with
Newton's method and confirmed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from phi_lab.compute.roots import (
    OutOfTime,
    Witness,
    check_time,
    find_complex_root,
    find_real_root,
    polish,
)
from phi_lab.compute.sampling import DOMAIN, SAMPLES, Sampled, constant_values, sample_relations
from phi_lab.compute.systems import decide_system
from phi_lab.compute.usage import USAGE
from phi_lab.equations.evaluate import MpArithmetic, Undefined, evaluate
from phi_lab.equations.exact import ExactFinding, decide_exactly
from phi_lab.equations.isolation import budget_clock
from phi_lab.equations.names import PHYSICAL_CONSTANTS, list_names
from phi_lab.equations.precision import compare_at, constant_difference, format_difference, format_number
from phi_lab.equations.ranges import prove_no_real_solution
from phi_lab.equations.solving import decide_constants, solve_one
from phi_lab.equations.syntax import Relation, Symbol, Syntax, relation_key, relation_names, walk
from phi_lab.equations.verdict import NumericReport

__all__ = ["HEAVY_SECONDS", "classify", "classify_many", "solved_form"]

#: Seconds one equation may spend in the heavy procedures (root searches, proofs, SymPy).
HEAVY_SECONDS = 0.6
_HP_POINTS = 5


def classify(syntax: Syntax, constants: frozenset[str], device: torch.device, *, mode: str = "auto") -> NumericReport:
    """Decide one parsed equation or system (see the module docstring)."""
    return classify_many([syntax], [constants], device, [mode])[0]


def classify_many(
    syntaxes: Sequence[Syntax], constants: Sequence[frozenset[str]], device: torch.device, modes: Sequence[str]
) -> list[NumericReport]:
    """Decide many equations: the same verdicts as :func:`classify`, their samples in one device batch.

    Relations that exact algebra decides need no samples; the samples of all the others, across
    all equations, are one compiled tensor program run.
    """
    started = budget_clock()
    pending: list[tuple[int, int, Relation, tuple[str, ...]]] = []
    exact: dict[tuple[int, int], ExactFinding | None] = {}
    known: dict[tuple[str, frozenset[str]], ExactFinding | None] = {}  # a relation repeated is decided once
    late: set[int] = set()  # equations whose exact stage alone used up their budget
    for index, (syntax, bound) in enumerate(zip(syntaxes, constants, strict=True)):
        begun = budget_clock()
        for position, relation in enumerate(syntax.relations):
            if budget_clock() - begun > HEAVY_SECONDS:
                late.add(index)
                break
            variables = tuple(sorted(relation_names(relation) - bound))
            key = (relation_key(relation), bound)
            if key not in known:
                finding = decide_exactly(relation, frozenset(variables), bound)
                if finding is None and variables:
                    finding = solved_form(relation, variables, bound)
                known[key] = finding
            finding = known[key]
            exact[(index, position)] = finding
            if finding is None and variables:
                pending.append((index, position, relation, variables))
    sampling = time.perf_counter()
    sampled = sample_relations(
        [relation for _, _, relation, _ in pending],
        [constant_values(relation_names(relation) & constants[index]) for index, _, relation, _ in pending],
        [variables for *_, variables in pending],
        device,
    )
    cost = time.perf_counter() - sampling
    samples = {(index, position): item for (index, position, _, _), item in zip(pending, sampled, strict=True)}
    reports = []
    decided_before: dict[tuple[str, frozenset[str], str], NumericReport] = {}
    for index, (syntax, bound) in enumerate(zip(syntaxes, constants, strict=True)):
        # One equation alone has HEAVY_SECONDS in all; in a batch each starts afresh after the shared stages.
        deadline = started + HEAVY_SECONDS if len(syntaxes) == 1 else budget_clock() + HEAVY_SECONDS
        try:
            if index in late:
                raise OutOfTime
            decided = []
            for position, relation in enumerate(syntax.relations):
                seen = (relation_key(relation), bound, modes[index])
                if seen not in decided_before:
                    decided_before[seen] = _decide(
                        relation,
                        bound,
                        modes[index],
                        finding=exact[(index, position)],
                        sampled=samples.get((index, position)),
                        budget=_Budget(device, deadline, cost),
                    )
                decided.append(decided_before[seen])
            reports.append(decide_system(syntax, bound, modes[index], decided, deadline))
        except OutOfTime:
            USAGE.add("out of time")
            detail = f"not decided within its time budget of {HEAVY_SECONDS:g} s"
            reports.append(NumericReport("undecided", detail, "sampled"))
    return reports


# -- one relation --------------------------------------------------------------------------

#: Values tried for the other variables of a relation solved for one of them.
_SOLVED_POINTS = (1.0, 0.5, 2.0, -1.0, 3.0, -0.5)


def solved_form(relation: Relation, variables: Sequence[str], constants: frozenset[str]) -> ExactFinding | None:
    """A relation already solved for a variable, ``v = f(others)``: a relation as soon as ``f`` is
    defined and real at one point (then ``v = f`` there is a solution, ``v = f + 1`` is not).

    ``f`` is evaluated at 30 digits; its imaginary part must be exactly 0 (real operations on real
    inputs), so this is a construction, not a sample.
    """
    for alone, other in ((relation.lhs, relation.rhs), (relation.rhs, relation.lhs)):
        if not isinstance(alone, Symbol) or alone.name not in variables:
            continue
        others = sorted(name for name in relation_names(relation) - constants if name != alone.name)
        if alone.name in {node.name for node in walk(other) if isinstance(node, Symbol)}:
            continue
        arithmetic = MpArithmetic(30)
        values: dict[str, Any] = {name: arithmetic.constant(name) for name in relation_names(relation) & constants}
        for value in _SOLVED_POINTS:
            values.update({name: arithmetic.context.mpc(value) for name in others})
            try:
                result = evaluate(other, values, arithmetic)
            except Undefined:
                continue
            if result.imag != 0:
                continue
            at = ", ".join(f"{name} = {format_number(_mp(value))}" for name in others[:4])
            where = f" at {at}" if at else ""
            if len(others) > 4:
                where += f" and the other {len(others) - 4} at {format_number(_mp(value))}"
            solution = f"{alone.name} ≈ {format_number(result)}"
            detail = f"it is solved for {alone.name}, whose other side is real{where}: it holds at {solution} there"
            return ExactFinding("relation", detail, witness=f"{solution}{where}", procedure="solved form")
    return None


@dataclass(frozen=True, slots=True)
class _Budget:
    """Where to compute, until when, and what one device evaluation of a relation costs."""

    device: torch.device
    deadline: float
    cost: float


def _decide(
    relation: Relation,
    constants: frozenset[str],
    mode: str,
    *,
    finding: ExactFinding | None,
    sampled: Sampled | None,
    budget: _Budget,
) -> NumericReport:
    variables = tuple(sorted(relation_names(relation) - constants))
    if finding is not None:
        USAGE.add(finding.procedure)
        if finding.kind == "contradiction" and not variables and not finding.rational_difference:
            return _exact_constants_differ(relation, constants, finding)
        return _from_exact(finding, variables, mode)
    if not variables:
        return _decide_constant(relation, constants, budget.deadline)
    assert sampled is not None
    return _Ladder(relation, constants, mode, sampled, budget).run()


def _from_exact(finding: ExactFinding, variables: tuple[str, ...], mode: str) -> NumericReport:
    kind = finding.kind
    if kind == "no_solution" and not variables:
        kind = "contradiction"  # a constant equation that is defined nowhere (1/0 = 1) is false
    if finding.complex_only and mode != "math":
        detail = f"{finding.detail}; quantities are real in {mode} mode"
        return NumericReport("no_solution", detail, "exact", variables)
    return NumericReport(
        kind, finding.detail, "exact", variables, complex_only=finding.complex_only, witness=finding.witness
    )


def _exact_constants_differ(relation: Relation, constants: frozenset[str], finding: ExactFinding) -> NumericReport:
    """A proved contradiction between transcendental constants, shown with both values."""
    try:
        comparison = compare_at(relation, {}, constants)
    except Undefined:
        return NumericReport("contradiction", finding.detail, "exact")
    detail = f"both sides are constants and differ: {format_difference(comparison.lhs, comparison.rhs)} (exact)"
    return NumericReport("contradiction", detail, "exact")


def _decide_constant(relation: Relation, constants: frozenset[str], deadline: float) -> NumericReport:
    """A relation without variables that exact algebra could not settle: 50/80 digits, then proofs."""
    USAGE.add("high precision")
    try:
        comparison = compare_at(relation, {}, constants)
    except Undefined as undefined:
        if undefined.unrepresentable:
            detail = f"its values cannot be computed ({undefined.reason}), even at 80 digits"
            return NumericReport("undecided", detail, "sampled")
        return NumericReport("contradiction", f"it is undefined: {undefined.reason}", "high-precision")
    if comparison.sigma:
        sigmas = f"{comparison.within:.2g} standard uncertainties"
        if comparison.equal:
            detail = f"both sides agree within the CODATA 2018 uncertainty of its measured constants ({sigmas} apart)"
            return NumericReport("identity", detail, "high-precision")
        difference = format_difference(comparison.lhs, comparison.rhs)
        detail = f"both sides are constants and differ by {sigmas} of the CODATA 2018 values: {difference}"
        return NumericReport("contradiction", detail, "high-precision")
    if comparison.equal:
        USAGE.add("SymPy on constants")
        decided = decide_constants(relation, constants, seconds=max(0.0, deadline - budget_clock()))
        if decided is True:
            return NumericReport("identity", "both sides are the same number (exact, by SymPy)", "exact")
        if decided is False:
            detail = "the sides agree to 80 digits but differ as algebraic numbers (minimal polynomial)"
            return NumericReport("contradiction", detail, "exact")
        return NumericReport(
            "identity", "both sides are equal constants (checked at 50 and 80 digits)", "high-precision"
        )
    difference = format_difference(comparison.lhs, comparison.rhs)
    return NumericReport("contradiction", f"both sides are constants and differ: {difference}", "high-precision")


class _Ladder:
    """Steps 2–6 of the module docstring for one relation with variables."""

    def __init__(
        self,
        relation: Relation,
        constants: frozenset[str],
        mode: str,
        sampled: Sampled,
        budget: _Budget,
    ) -> None:
        self.relation = relation
        self.constants = frozenset(relation_names(relation) & constants)
        self.mode = mode
        self.sampled = sampled
        self.budget = budget
        self.deadline = budget.deadline
        self.variables = sampled.variables
        self.defined = int(sampled.defined.sum())
        self.masked = SAMPLES - self.defined
        self.listed = list_names(self.variables)

    def report(self, kind: str, detail: str, decided_by: str, **more: Any) -> NumericReport:
        return NumericReport(
            kind,
            detail,
            decided_by,
            self.variables,
            self.defined,
            self.masked,
            int(self.sampled.agree.sum()),
            **more,
        )

    def point(self, index: int) -> dict[str, float]:
        return self.sampled.point(index)

    def compare(self, index: int, *, strict: bool = False) -> bool | None:
        check_time(self.deadline)
        try:
            return compare_at(self.relation, self.point(index), self.constants, strict=strict).equal
        except Undefined:
            return None

    def run(self) -> NumericReport:
        sampled = self.sampled
        if self.defined == 0:
            return self.undefined_everywhere()
        agree = np.nonzero(sampled.agree)[0]
        differ = np.nonzero(sampled.defined & ~sampled.agree)[0]
        USAGE.add("high precision")
        if differ.size == 0:
            failing = self.confirm_identity(agree)
            if failing is None:
                return self.report(
                    "identity",
                    f"it holds at all {self.defined} defined sample points ({self.listed} over {DOMAIN}), "
                    f"confirmed at 50/80 digits at {min(_HP_POINTS, agree.size)} of them",
                    "high-precision",
                )
            differ = np.array([failing])
        holds = next((k for k in _most_sensitive(sampled, agree)[:4] if self.compare(k, strict=True)), None)
        tried = _clearest(sampled, differ)[:3]
        verdicts = [self.compare(k) for k in tried]
        fails = next((k for k, equal in zip(tried, verdicts, strict=True) if equal is False), None)
        if holds is not None and fails is not None:
            return self.relation_with(holds, fails)
        if holds is not None or (tried and all(verdicts)):  # the doubles' disagreements did not survive 80 digits
            failing = self.confirm_identity(np.nonzero(sampled.defined)[0])
            if failing is None:
                return self.report(
                    "identity",
                    f"it holds at all {self.defined} defined sample points ({self.listed} over {DOMAIN}) "
                    "at 50/80 digits, where doubles lose the difference to rounding",
                    "high-precision",
                )
            if holds is not None:
                return self.relation_with(holds, failing)
        return self.without_agreement()

    def confirm_identity(self, indices: np.ndarray) -> int | None:
        """The first of a few spread sample points where the sides differ at 80 digits, else ``None``."""
        for index in _spread(self.sampled, indices):
            if self.compare(index) is False:
                return index
        return None

    def relation_with(self, holds: int, fails: int) -> NumericReport:
        at = _point_text(self.point(holds))
        detail = f"it holds at {at} but not at {_point_text(self.point(fails))} (both at 50/80 digits)"
        return self.report("relation", detail, "high-precision", witness=at)

    def contradiction(self, difference: Any, where: str) -> NumericReport:
        detail = f"the two sides differ by the constant {format_number(difference)} {where}"
        return self.report("contradiction", detail, "high-precision")

    def without_agreement(self) -> NumericReport:
        difference = self.steady_difference()
        if difference is not None:
            return self.contradiction(
                difference, f"at every sample point ({self.listed} over {DOMAIN}; confirmed at 50/80 digits)"
            )
        quick = self.prove_none(quick=True)
        if quick is not None:
            return self.without_solution(quick)
        USAGE.add("real root search")
        bases = [self.point(int(k)) for k in _spread(self.sampled, np.nonzero(self.sampled.defined)[0])[:3]]
        bases += [dict.fromkeys(self.variables, 1.0), dict.fromkeys(self.variables, 0.0)]
        witness = find_real_root(
            self.relation,
            self.variables,
            self.constants,
            constant_values=constant_values(self.constants),
            bases=bases,
            device=self.budget.device,
            deadline=self.deadline,
            cost=self.budget.cost,
        )
        if witness is not None:
            return self.solved(witness)
        difference = self.precise_difference()
        if difference is not None:
            return self.contradiction(
                difference, f"at points spread over {DOMAIN} (at 50/80 digits; doubles lose it to rounding)"
            )
        proof = self.prove_none()
        return self.without_solution(proof)

    def precise_difference(self) -> Any | None:
        """``lhs − rhs`` if it is one nonzero constant at spread points, judged at 50/80 digits only
        (``exp(x)² + 1 = exp(2x)``: doubles see noise where the sides reach 10²⁶⁰)."""
        check_time(self.deadline)
        # Moderate points and the extremes: a constant difference must hold over the whole domain
        # (|x + 2| + |x − 2| = 3.9 differs by the constant 0.1 only for |x| ≤ 2).
        defined = np.nonzero(self.sampled.defined)[0]
        indices = list(dict.fromkeys(_most_sensitive(self.sampled, defined)[:2] + _spread(self.sampled, defined)[:4]))
        difference = constant_difference(self.relation, [self.point(index) for index in indices], self.constants)
        return None if difference is None or difference == 0 else difference

    def without_solution(self, proof: tuple[str, str] | None) -> NumericReport:
        """No real solution was found (``proof``: none exists): complex ones, or none at all.

        In ``math`` mode an equation without real solutions is still a relation if a complex value
        satisfies it; "no solution" then needs the complex plane ruled out too: by ``solveset`` over
        the complex numbers (a proof), else only by a search that found nothing (``sampled``).
        """
        if self.mode != "math":
            if proof:
                return self.report("no_solution", f"{proof[1]}; quantities are real in {self.mode} mode", proof[0])
            return self.report("no_solution", self.none_found(), "sampled")
        witness = None
        complex_proof = None
        if self.solvable_by_sympy(complex_domain=True):
            USAGE.add("solveset (complex)")
            seconds = max(0.0, self.deadline - budget_clock())
            outcome = solve_one(self.relation, self.variables[0], self.constants, complex_domain=True, seconds=seconds)
            if outcome.status == "empty":
                complex_proof = "SymPy's solveset finds no complex solution either"
            for point in outcome.points:
                witness = polish(self.relation, self.variables[0], point, self.constants, {}, deadline=self.deadline)
                if witness is not None:
                    break
        if witness is None and complex_proof is None:
            USAGE.add("complex root search")
            base = self.point(self.first_defined())
            witness = find_complex_root(self.relation, self.variables, self.constants, base, deadline=self.deadline)
        real = f"no real solution ({proof[1]})" if proof else "no real solution was found"
        if witness is not None:
            detail = f"{real}; it holds at the complex point {witness.text()} (at 85 digits)"
            return self.report("relation", detail, "high-precision", complex_only=True, witness=witness.text())
        if proof and complex_proof:
            return self.report("no_solution", f"{proof[1]}; {complex_proof}", proof[0])
        if proof:  # the real line is ruled out, the complex plane only searched
            return self.report("no_solution", f"{proof[1]}; no complex solution was found (not proved)", "sampled")
        return self.report("no_solution", self.none_found(), "sampled")

    def none_found(self) -> str:
        return f"none of the {self.defined} sample points nor the searched lines through them ({DOMAIN}) is a solution"

    def solved(self, witness: Witness) -> NumericReport:
        text = witness.text()
        return self.report(
            "relation",
            f"it holds at {text} (a solution found and confirmed to 70 digits)",
            "high-precision",
            witness=text,
        )

    def steady_difference(self) -> Any | None:
        """``lhs − rhs`` if it is one nonzero constant at spread sample points (at 50/80 digits)."""
        sampled = self.sampled
        defined = np.nonzero(sampled.defined)[0]
        with np.errstate(all="ignore"):  # huge finite sides may overflow here: they are simply not steady
            residual = sampled.lhs[defined] - sampled.rhs[defined]
            scale = np.maximum(np.abs(sampled.lhs[defined]), np.abs(sampled.rhs[defined]))
            steady = np.abs(residual - residual[0]) <= 1e-6 * (np.abs(residual[0]) + scale)
        if not bool(steady.all()):
            return None
        points = [self.point(index) for index in _spread(sampled, defined)[:4]]
        check_time(self.deadline)
        difference = constant_difference(self.relation, points, self.constants)
        if difference is None or difference == 0:
            return None
        return difference

    def first_defined(self) -> int:
        return int(np.nonzero(self.sampled.defined)[0][0])

    def prove_none(self, *, quick: bool = False) -> tuple[str, str] | None:
        """A proof that no real value satisfies the relation: (method, sentence), or ``None``.

        ``quick`` tries a few boxes only (before the root search, which it can spare).
        """
        USAGE.add("interval proof (quick)" if quick else "interval proof")
        check_time(self.deadline)
        budget = max(0.0, min(0.25, self.deadline - budget_clock()))
        boxes = 64 if quick else 3_000
        proof = prove_no_real_solution(self.relation, self.variables, max_seconds=budget, max_boxes=boxes)
        if proof is not None:
            cover = f"{proof.boxes} boxes covering every real {self.listed}"
            return "interval", f"interval arithmetic excludes 0 from lhs − rhs on {cover}"
        if quick:
            return None
        if not self.solvable_by_sympy(complex_domain=False):
            return None
        USAGE.add("solveset")
        seconds = max(0.0, self.deadline - budget_clock())
        outcome = solve_one(self.relation, self.variables[0], self.constants, complex_domain=False, seconds=seconds)
        if outcome.status == "empty":
            return "exact", f"SymPy's solveset finds no real {self.variables[0]}"
        return None

    def solvable_by_sympy(self, *, complex_domain: bool) -> bool:
        """Whether SymPy's ``solveset`` answers the question we ask: one variable, no physical
        constant; over the reals, sides that are real at every defined sample (where SymPy's real
        domain agrees with ours); over the complex numbers, no branch cut (``log``, ``√``, fractional
        powers, inverse functions, ``|·|``), where SymPy's simplifications may not hold."""
        if len(self.variables) != 1 or self.uses_physical_constants():
            return False
        if complex_domain:
            return not _has_branch_cut(self.relation)
        return self.real_valued()

    def real_valued(self) -> bool:
        """Whether both sides are real at every defined sample (SymPy's real domain then agrees)."""
        sampled = self.sampled
        defined = sampled.defined
        with np.errstate(all="ignore"):
            scale = np.maximum(np.abs(sampled.lhs[defined]), np.abs(sampled.rhs[defined]))
            imaginary = np.maximum(np.abs(sampled.lhs[defined].imag), np.abs(sampled.rhs[defined].imag))
        return bool((imaginary <= 1e-12 * np.maximum(scale, 1e-300)).all())

    def uses_physical_constants(self) -> bool:
        return any(name in PHYSICAL_CONSTANTS or name == "hbar" for name in self.constants)

    def undefined_everywhere(self) -> NumericReport:
        """No sample is defined in doubles: try 80 digits (``x = 10^400``), else say so."""
        points = [self.point(index) for index in range(0, SAMPLES, SAMPLES // 8)]
        equal: list[dict[str, float]] = []
        unequal: list[dict[str, float]] = []
        reasons: set[str] = set()
        unrepresentable = False
        for point in points:
            check_time(self.deadline)
            try:
                comparison = compare_at(self.relation, point, self.constants)
            except Undefined as undefined:
                reasons.add(undefined.reason)
                unrepresentable = unrepresentable or undefined.unrepresentable
                continue
            (equal if comparison.equal else unequal).append(point)
        where = f"{self.listed} at {len(equal) + len(unequal)} points, at 80 digits because doubles overflow"
        if equal and unequal:
            detail = f"it holds at {_point_text(equal[0])} but not at {_point_text(unequal[0])} ({where})"
            return self.report("relation", detail, "high-precision", witness=_point_text(equal[0]))
        if equal:
            return self.report("identity", f"it holds at all of {where}", "high-precision")
        if unequal:
            difference = constant_difference(self.relation, unequal[:4], self.constants)
            if difference is not None and difference != 0:
                detail = f"the two sides differ by the constant {format_number(difference)} ({where})"
                return self.report("contradiction", detail, "high-precision")
            detail = f"it fails at every one of {where}; no solution was found"
            return self.report("no_solution", detail, "sampled")
        if unrepresentable:
            detail = "its values are too large or too small to compute, even at 80 digits"
            return self.report("undecided", detail, "sampled")
        detail = f"it is undefined at every sample point ({'; '.join(sorted(reasons))})"
        return self.report("no_solution", detail, "sampled")


_CUT_FUNCTIONS = frozenset({"sqrt", "root", "log", "log10", "log2", "asin", "acos", "atan", "asinh", "acosh", "atanh"})
_CUT_FUNCTIONS |= frozenset({"abs", "gamma", "beta"})


def _has_branch_cut(relation: Relation) -> bool:
    """Whether a relation uses a function with a branch cut, or a power with a non-integer exponent."""
    from phi_lab.equations.algebra import rational_value
    from phi_lab.equations.syntax import Call, Operation

    for side in (relation.lhs, relation.rhs):
        for node in walk(side):
            if isinstance(node, Call) and node.function in _CUT_FUNCTIONS:
                return True
            if isinstance(node, Operation) and node.op == "pow":
                exponent = rational_value(node.args[1])
                if exponent is None or exponent.denominator != 1:
                    return True
    return False


def _spread(sampled: Sampled, indices: np.ndarray) -> list[int]:
    """Up to six sample indices spread over the domain: extreme magnitudes, both signs, the middle."""
    if indices.size == 0:
        return []
    first = sampled.points[0, indices]
    order = np.argsort(first)
    picks = [order[0], order[-1], order[len(order) // 2]]
    magnitudes = np.argsort(np.abs(first))
    picks += [magnitudes[0], magnitudes[len(magnitudes) // 4], magnitudes[(3 * len(magnitudes)) // 4]]
    chosen: list[int] = []
    for pick in picks:
        index = int(indices[pick])
        if index not in chosen:
            chosen.append(index)
    return chosen[:_HP_POINTS]


def _most_sensitive(sampled: Sampled, indices: np.ndarray) -> list[int]:
    """Agreeing sample points, those of moderate size first (where doubles and 80 digits see most)."""
    if indices.size == 0:
        return []
    size = np.abs(np.log10(np.maximum(np.abs(sampled.points[:, indices]), 1e-300))).max(axis=0)
    return [int(indices[k]) for k in np.argsort(size, kind="stable")]


def _clearest(sampled: Sampled, indices: np.ndarray) -> list[int]:
    """Differing sample points, the most clearly different first."""
    if indices.size == 0:
        return []
    lhs, rhs = sampled.lhs[indices], sampled.rhs[indices]
    relative = np.abs(lhs - rhs) / np.maximum(np.maximum(np.abs(lhs), np.abs(rhs)), 1e-300)
    return [int(indices[k]) for k in np.argsort(-relative)]


def _point_text(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} = {format_number(_mp(value))}" for name, value in sorted(point.items()))


def _mp(value: Any) -> Any:
    import mpmath

    return mpmath.mpc(value)
