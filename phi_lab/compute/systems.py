"""Systems of equations: whether equations that each have solutions have a common one.

Called by :mod:`phi_lab.compute.numeric` once every equation of a system was decided alone.
A system takes the verdict of its first equation that is a contradiction, has no solution or is
undecided; it is an identity if every equation is one; otherwise the equations that are not
identities must hold together.  They fall into groups linked by shared variables, each decided
on its own: a Gröbner basis over ℚ for polynomial groups (:func:`~phi_lab.equations.solving.
analyse_system`: inconsistent when the basis is [1], naming the equations that conflict, or the
equations that follow from the others), then a common real solution confirmed to 70 digits
(:func:`~phi_lab.compute.roots.find_common_root`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from phi_lab.compute.roots import check_time, find_common_root
from phi_lab.compute.usage import USAGE
from phi_lab.equations.algebra import rational_form
from phi_lab.equations.isolation import budget_clock
from phi_lab.equations.names import list_names
from phi_lab.equations.solving import analyse_system
from phi_lab.equations.syntax import Relation, Syntax, relation_key, relation_names
from phi_lab.equations.verdict import DECIDED_BY, NumericReport

__all__ = ["decide_system"]

#: Equations of one group decided together by a Gröbner basis at most, and by Newton's method.
_MAX_SYSTEM = 50
_MAX_NEWTON = 8


def decide_system(
    syntax: Syntax, constants: frozenset[str], mode: str, reports: list[NumericReport], deadline: float
) -> NumericReport:
    """One verdict for a system: its worst equation, then whether the equations hold together."""
    if len(reports) == 1:
        return reports[0]
    for position, report in enumerate(reports, start=1):
        if report.kind in ("contradiction", "no_solution", "undecided"):
            detail = f"equation {position} of {len(reports)}: {report.detail}"
            return replace(report, detail=detail, conflict=(position,))
    variables = tuple(sorted({name for report in reports for name in report.variables}))
    if all(report.kind == "identity" for report in reports):
        decided_by = _weakest(report.decided_by for report in reports)
        return NumericReport("identity", "every equation of the system is an identity", decided_by, variables)
    joint = [
        (position, relation)
        for position, (relation, report) in enumerate(zip(syntax.relations, reports, strict=True), start=1)
        if report.kind != "identity"
    ]
    if len({relation_key(relation) for _, relation in joint}) == 1 and len(joint) > 1:
        position, _ = joint[0]
        report = reports[position - 1]
        detail = f"its {len(joint)} equations that are not identities are one and the same: {report.detail}"
        return replace(report, detail=detail, variables=variables)
    if len(joint) == 1:
        position, _ = joint[0]
        report = reports[position - 1]
        others = "; the others are identities"
        return replace(report, detail=f"equation {position}: {report.detail}{others}", variables=variables)
    return _joint(joint, constants, mode, variables, deadline)


def _weakest(methods: Any) -> str:
    weakest: str = max(methods, key=DECIDED_BY.index)
    return weakest


def _joint(
    joint: list[tuple[int, Relation]], constants: frozenset[str], mode: str, variables: tuple[str, ...], deadline: float
) -> NumericReport:
    """Whether relations that each have solutions have a common one.

    Equations that share no variable, directly or through others, are independent: the system
    is consistent exactly when each group is.  Each group with two or more distinct equations is
    decided on its own (:func:`_group`).
    """
    distinct: dict[str, tuple[int, Relation]] = {}
    for position, relation in joint:  # the same relation twice adds nothing but time
        distinct.setdefault(relation_key(relation), (position, relation))
    groups = _groups(list(distinct.values()), constants)
    findings = []
    for group in groups:
        if len(group) < 2:
            continue  # one equation with its own solution
        check_time(deadline)
        finding = _group(group, constants, mode, deadline)
        if finding.kind != "relation":
            return replace(finding, variables=variables)
        findings.append(finding)
    if not findings:
        detail = "its equations share no variable, and each has a solution of its own"
        return NumericReport("relation", detail, "exact", variables)
    if len(findings) == 1 and len(groups) == 1:
        return replace(findings[0], variables=variables)
    decided_by = _weakest(finding.decided_by for finding in findings)
    complex_only = any(finding.complex_only for finding in findings)
    detail = "; ".join(finding.detail for finding in findings)
    if len(groups) > len(findings):
        detail += "; the other equations share no variable with these and each has a solution"
    return NumericReport(
        "relation", detail, decided_by, variables, complex_only=complex_only, witness=findings[0].witness
    )


def _groups(items: list[tuple[int, Relation]], constants: frozenset[str]) -> list[list[tuple[int, Relation]]]:
    """The equations in groups connected by shared variables, in order of first equation."""
    owner: dict[str, int] = {}
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for index, (_, relation) in enumerate(items):
        for name in relation_names(relation) - constants:
            if name in owner:
                parent[root(index)] = root(owner[name])
            else:
                owner[name] = index
    grouped: dict[int, list[tuple[int, Relation]]] = {}
    for index, item in enumerate(items):
        grouped.setdefault(root(index), []).append(item)
    return list(grouped.values())


def _group(group: list[tuple[int, Relation]], constants: frozenset[str], mode: str, deadline: float) -> NumericReport:
    """One connected group of equations: Gröbner basis if polynomial, then a common solution."""
    relations = [relation for _, relation in group]
    positions = [position for position, _ in group]
    variables = tuple(sorted({name for relation in relations for name in relation_names(relation) - constants}))
    algebra = _polynomials(relations, constants, variables)
    analysis = None
    if algebra is not None:
        USAGE.add("Gröbner basis")
        polynomials, generators = algebra
        analysis = analyse_system(polynomials, generators, seconds=max(0.0, deadline - budget_clock()))
        if analysis is not None and analysis.core:
            conflict = tuple(positions[i] for i in analysis.core)
            detail = f"equations {_and(conflict)} have no common solution, real or complex (Gröbner basis [1])"
            return NumericReport("inconsistent", detail, "exact", variables, conflict=conflict)
    dependent = ""
    if analysis is not None and analysis.redundant:
        follows = [positions[i] for i in analysis.redundant]
        verb = "follows" if len(follows) == 1 else "follow"
        dependent = f"; equation {_and(follows)} {verb} from the others (a dependent system)"
    if len(relations) <= _MAX_NEWTON and len(variables) <= _MAX_NEWTON:
        USAGE.add("common root search")
        starts = [dict.fromkeys(variables, value) for value in (0.5, 1.3, -0.7)]
        starts += [{name: 0.3 + 0.17 * k for k, name in enumerate(variables)}]
        witness = find_common_root(relations, variables, constants, starts, deadline=deadline)
        if witness is not None:
            listed = _and(positions)
            detail = f"equations {listed} hold together at {witness.text()} (confirmed to 70 digits){dependent}"
            return NumericReport("relation", detail, "high-precision", variables, witness=witness.text())
    if analysis is not None:
        detail = f"equations {_and(positions)} have common complex solutions (Gröbner basis ≠ [1])"
        detail += f"; no real one was found{dependent}"
        if mode == "math":
            return NumericReport("relation", detail, "exact", variables, complex_only=True)
        return NumericReport("no_solution", f"{detail}, and quantities are real in {mode} mode", "sampled", variables)
    if len(relations) > _MAX_NEWTON or len(variables) > _MAX_NEWTON:
        detail = f"equations {_and(positions)} form a non-polynomial system too large to solve jointly"
        return NumericReport("undecided", detail, "sampled", variables)
    detail = f"no common solution of equations {_and(positions)} was found by Newton's method from several starts"
    return NumericReport("inconsistent", detail, "sampled", variables, conflict=tuple(positions))


def _and(positions: Sequence[int]) -> str:
    return list_names([str(position) for position in positions], conjunction=" and ")


def _polynomials(
    relations: Sequence[Relation], constants: frozenset[str], variables: tuple[str, ...]
) -> tuple[list[Any], list[str]] | None:
    """The numerators of ``lhs − rhs`` as SymPy expressions over ℚ, if every relation is rational."""
    expressions: list[Any] = []
    names: set[str] = set()
    for relation in relations:
        if len(expressions) > _MAX_SYSTEM:
            return None
        try:
            form = rational_form(relation, frozenset(variables), constants)
        except ZeroDivisionError:
            return None
        if form is None or any(kind != "variable" for kind in form.kinds):
            return None
        expressions.append(form.numerator.as_expr())
        names.update(form.generators)
    return expressions, sorted(names)
