"""Numeric classification of equations on the torch device: identity, relation or contradiction.

Each relation ``lhs = rhs`` with variables is evaluated at :data:`SAMPLES` random points
in one batched tensor computation (complex arithmetic, so ``sqrt`` and ``log`` of
negative values are defined on their principal branch).  Points where either side is
undefined or infinite are masked and counted, never silently turned into a verdict.

* **identity**: the sides agree (relative error ≤ 1e-9) at every defined sample point;
* **contradiction**: they disagree everywhere by the same constant (``x = x + 1``), or the
  equation is undefined at every point;
* **relation**: anything else, i.e. a law or a condition on its variables.

The sample domains are tried in order until enough points are defined: positive reals
in (0.5, 2.5) (physical quantities), then reals in (−2.5, 2.5), then complex numbers
of modulus 0.5–2.  The samples are seeded, so verdicts are reproducible.

Equations with no variables are decided with mpmath instead, at 50 and 80 digits: a true
equality leaves a difference that shrinks with the precision, a false one does not,
so float rounding cannot flip the verdict of ``φ² = φ + 1`` or ``1 = 2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

import torch

from phi_lab.compute.device import complex_dtype
from phi_lab.compute.program import (
    apply_function,
    compile_program,
    complex_divide,
    complex_power,
    run_program,
)
from phi_lab.equations.evaluate import (
    ComplexArithmetic,
    Undefined,
    compare_precisely,
    evaluate,
    precise_sides,
    same_value,
)
from phi_lab.equations.names import list_names
from phi_lab.equations.syntax import Relation, Symbol, Syntax, walk
from phi_lab.equations.verdict import NumericReport

__all__ = ["SAMPLES", "TorchArithmetic", "classify", "classify_many", "classify_relation", "relation_names"]

#: Sample points per relation.
SAMPLES = 64
_MIN_DEFINED = SAMPLES // 4
_SEED = 1618033988
_PRECISE_POINTS = 4
_DOMAINS = ("positive reals in (0.5, 2.5)", "reals in (−2.5, 2.5)", "complex numbers of modulus 0.5–2")

Value = Any  # a complex tensor of shape (SAMPLES,) or a Python complex scalar


class TorchArithmetic:
    """Complex arithmetic on tensors of sample values; undefined results become NaN."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.dtype = complex_dtype(device)
        self.scalar = ComplexArithmetic()

    def number(self, value: Fraction) -> Value:
        try:
            return self.scalar.number(value)
        except Undefined:
            return complex("nan")

    def constant(self, name: str) -> Value:
        return self.scalar.constant(name)

    def _both_scalar(self, *values: Value) -> bool:
        return not any(isinstance(value, torch.Tensor) for value in values)

    def _scalar(self, operation: str, *args: Any) -> Value:
        try:
            return getattr(self.scalar, operation)(*args)
        except Undefined:
            return complex("nan")

    def add(self, args: Sequence[Value]) -> Value:
        if self._both_scalar(*args):
            return self._scalar("add", args)
        result = args[0]
        for arg in args[1:]:
            result = result + arg
        return result

    def mul(self, args: Sequence[Value]) -> Value:
        if self._both_scalar(*args):
            return self._scalar("mul", args)
        result = args[0]
        for arg in args[1:]:
            result = result * arg
        return result

    def sub(self, left: Value, right: Value) -> Value:
        return self._scalar("sub", left, right) if self._both_scalar(left, right) else left - right

    def div(self, left: Value, right: Value) -> Value:
        if self._both_scalar(left, right):
            return self._scalar("div", left, right)
        return complex_divide(left, right)

    def neg(self, operand: Value) -> Value:
        return 0 - operand  # keeps +0 imaginary parts (see ComplexArithmetic.neg)

    def pow(self, base: Value, exponent: Value) -> Value:
        if self._both_scalar(base, exponent):
            return self._scalar("pow", base, exponent)
        if not isinstance(base, torch.Tensor):
            base = torch.full_like(exponent, base)
        return complex_power(base, exponent)

    def call(self, function: str, args: Sequence[Value]) -> Value:
        if self._both_scalar(*args):
            return self._scalar("call", function, args)
        like = next(arg for arg in args if isinstance(arg, torch.Tensor))
        tensors = [arg if isinstance(arg, torch.Tensor) else torch.full_like(like, arg) for arg in args]
        return apply_function(function, tensors)


@lru_cache(maxsize=16)
def _sample_pool(device: torch.device, dtype: torch.dtype, variables: int) -> torch.Tensor:
    """Seeded samples of shape (domains, variables, SAMPLES), made once per device."""
    generator = torch.Generator(device="cpu").manual_seed(_SEED)
    shape = (variables, SAMPLES)
    positive = 0.5 + 2.0 * torch.rand(shape, generator=generator, dtype=torch.float64)
    real = -2.5 + 5.0 * torch.rand(shape, generator=generator, dtype=torch.float64)
    modulus = 0.5 + 1.5 * torch.rand(shape, generator=generator, dtype=torch.float64)
    angle = 2 * torch.pi * torch.rand(shape, generator=generator, dtype=torch.float64)
    complex_ = torch.polar(modulus, angle)
    pool = torch.stack([positive.to(torch.complex128), real.to(torch.complex128), complex_])
    return pool.to(device=device, dtype=dtype)


def classify(syntax: Syntax, constants: frozenset[str], device: torch.device, *, signed: bool = False) -> NumericReport:
    """Classify every relation of ``syntax`` and combine: one contradiction makes the
    whole system a contradiction; it is an identity only if every relation is one.

    ``signed`` (math mode) also requires an identity to hold for negative values.
    """
    return _combine([classify_relation(relation, constants, device, signed=signed) for relation in syntax.relations])


def classify_many(
    syntaxes: Sequence[Syntax], constants: Sequence[frozenset[str]], device: torch.device, signed: Sequence[bool]
) -> list[NumericReport]:
    """Classify many equations at once: the same verdicts as :func:`classify`, one device batch.

    The first sample domain of every relation with variables, across all equations, is
    evaluated by one compiled tensor program (:mod:`phi_lab.compute.program`) and judged
    with batched tensor operations.  Only the rare relations that need more (too few
    defined points, an identity in math mode, a residual that looks constant and needs
    its 50/80-digit confirmation) go through :func:`classify_relation` one by one.
    """
    reports: list[list[NumericReport | None]] = [[None] * len(syntax.relations) for syntax in syntaxes]
    jobs: list[tuple[int, int, Relation, frozenset[str], tuple[str, ...]]] = []
    for index, (syntax, bound) in enumerate(zip(syntaxes, constants, strict=True)):
        for position, relation in enumerate(syntax.relations):
            names = relation_names(relation)
            variables = tuple(sorted(names - bound))
            if variables:
                jobs.append((index, position, relation, frozenset(names & bound), variables))
            else:
                reports[index][position] = _decide_constant(relation, sorted(names))
    if jobs:
        for (index, position, relation, _, _), report in zip(jobs, _batch(jobs, device, signed), strict=True):
            reports[index][position] = report or classify_relation(
                relation, constants[index], device, signed=signed[index]
            )
    return [_combine([report for report in row if report is not None]) for row in reports]


Job = tuple[int, int, Relation, frozenset[str], tuple[str, ...]]


def _batch(jobs: Sequence[Job], device: torch.device, signed: Sequence[bool]) -> list[NumericReport | None]:
    """Judge the first sample domain of every job in one program run; ``None`` where a job needs more."""
    dtype = complex_dtype(device)
    widest = max(len(variables) for *_, variables in jobs)
    pool = _sample_pool(device, dtype, max(8, 1 << (widest - 1).bit_length()))
    scalar = ComplexArithmetic()
    program = compile_program(
        [(relation.lhs, relation.rhs) for _, _, relation, _, _ in jobs],
        [{name: scalar.constant(name) for name in used} for _, _, _, used, _ in jobs],
        device,
        [variables for *_, variables in jobs],
    )
    values = run_program(program, [pool[0, : len(variables)] for *_, variables in jobs])
    defined, agreeing = _compare_sides(values)
    counts = defined.sum(dim=1).tolist()
    matches = agreeing.sum(dim=1).tolist()
    constant_looking = _looks_constant(values, defined).tolist()
    results: list[NumericReport | None] = []
    for (index, *_, variables), count, agree, looks in zip(jobs, counts, matches, constant_looking, strict=True):
        if count < _MIN_DEFINED or (agree == count and signed[index]) or (agree == 0 and looks):
            results.append(None)
        elif agree == count:
            results.append(_identity(count, variables, _DOMAINS[0]))
        else:
            results.append(_relation(count, agree, variables))
    return results


def _tolerance(dtype: torch.dtype) -> float:
    """Relative agreement that counts as equal: double precision, or single on MPS."""
    return 1e-9 if dtype == torch.complex128 else 1e-4


def _compare_sides(sides: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """For (R, 2, N) left and right sides: where both are defined, and where they also agree."""
    # One finiteness test over both sides' real and imaginary parts (cheaper than two complex ones).
    defined = torch.isfinite(torch.view_as_real(sides)).all(dim=-1).all(dim=1)
    lhs, rhs = sides[:, 0], sides[:, 1]
    agreeing = ((lhs - rhs).abs() <= _tolerance(sides.dtype) * torch.maximum(lhs.abs(), rhs.abs())) & defined
    return defined, agreeing


def _looks_constant(sides: torch.Tensor, defined: torch.Tensor) -> torch.Tensor:
    """Per row of (R, 2, N) sides: whether lhs − rhs is the same at every defined point, in doubles."""
    lhs, rhs = sides[:, 0], sides[:, 1]
    residual = lhs - rhs
    reference = residual.gather(1, defined.to(torch.int8).argmax(dim=1, keepdim=True))
    scale = torch.maximum(lhs.abs(), rhs.abs())
    steady = (residual - reference).abs() <= _tolerance(sides.dtype) * (reference.abs() + scale)
    return (steady | ~defined).all(dim=1)


def _identity(count: int, variables: tuple[str, ...], description: str) -> NumericReport:
    where = f"{list_names(variables)} sampled as {description}"
    detail = f"it holds at all {count} sample points ({where})"
    return NumericReport("identity", detail, False, count, SAMPLES - count, variables, count)


def _relation(count: int, matches: int, variables: tuple[str, ...]) -> NumericReport:
    listed = list_names(variables)
    if matches == 0:
        detail = f"the sides differ at all {count} random sample points, so it constrains {listed}"
    else:
        detail = f"it holds at {matches} of {count} random sample points, so it constrains {listed}"
    return NumericReport("relation", detail, False, count, SAMPLES - count, variables, matches)


def _combine(reports: Sequence[NumericReport]) -> NumericReport:
    """One verdict for a system: a contradiction wins; an identity needs every relation to be one."""
    for report in reports:
        if report.kind == "contradiction":
            return report
    if len(reports) == 1:
        return reports[0]
    if all(report.kind == "identity" for report in reports):
        return NumericReport("identity", "every equation of the system is an identity")
    relations = [report for report in reports if report.kind == "relation"]
    others = "" if len(relations) == len(reports) else "; the rest are identities"
    return NumericReport(
        "relation",
        f"{len(relations)} of the {len(reports)} equations are relations{others}",
        defined=sum(report.defined for report in reports),
        masked=sum(report.masked for report in reports),
        variables=tuple(sorted({name for report in relations for name in report.variables})),
        skipped=all(report.skipped for report in relations),
    )


def classify_relation(
    relation: Relation, constants: frozenset[str], device: torch.device, *, signed: bool = False
) -> NumericReport:
    """Classify one relation (see the module docstring for the rules)."""
    names = relation_names(relation)
    variables = tuple(sorted(names - constants))
    if not variables:
        return _decide_constant(relation, sorted(names))
    used_constants = frozenset(names & constants)
    arithmetic = TorchArithmetic(device)
    pool = _sample_pool(device, arithmetic.dtype, max(8, 1 << (len(variables) - 1).bit_length()))
    listed = list_names(variables)
    positive_identity: NumericReport | None = None
    for domain, description in enumerate(_DOMAINS):
        values = {name: arithmetic.constant(name) for name in used_constants}
        values.update({name: pool[domain, index] for index, name in enumerate(variables)})
        lhs = _as_tensor(evaluate(relation.lhs, values, arithmetic), pool)
        rhs = _as_tensor(evaluate(relation.rhs, values, arithmetic), pool)
        sides = torch.stack((lhs, rhs))[None]
        defined, agreeing = _compare_sides(sides)
        count, matches = int(defined.sum()), int(agreeing.sum())
        if count < _MIN_DEFINED:
            continue
        masked = SAMPLES - count
        where = f"{listed} sampled as {description}"
        if matches == count:
            identity = _identity(count, variables, description)
            if signed and domain == 0:
                positive_identity = identity  # math mode: negative values must agree too
                continue
            return identity
        if positive_identity is not None:
            detail = f"it holds for positive {listed} but not at {count - matches} of {count} real sample points"
            return NumericReport("relation", detail, False, count, masked, variables, matches)
        # Only a residual that looks constant in doubles is worth the 50/80-digit confirmation.
        if matches == 0 and bool(_looks_constant(sides, defined)[0]):
            points = [{name: complex(pool[domain, index, k].item()) for index, name in enumerate(variables)}
                      for k in torch.nonzero(defined[0]).flatten()[:_PRECISE_POINTS].tolist()]  # fmt: skip
            difference = _constant_difference(relation, points, used_constants)
            if difference is not None:
                detail = f"the two sides differ by the constant {difference} at every sample point ({where})"
                return NumericReport("contradiction", detail, False, count, masked, variables)
        return _relation(count, matches, variables)
    if positive_identity is not None:
        return positive_identity
    return _classify_precisely(relation, variables, used_constants, pool)


def relation_names(relation: Relation) -> frozenset[str]:
    """The names used in one relation."""
    return frozenset(
        node.name for side in (relation.lhs, relation.rhs) for node in walk(side) if isinstance(node, Symbol)
    )


def _constant_difference(relation: Relation, points: list[dict[str, complex]], constants: frozenset[str]) -> str | None:
    """Confirm at high precision that lhs − rhs is the same nonzero constant at ``points``.

    Doubles cannot tell ``x − 10⁹`` or ``x·h¹⁰ − 1`` from a constant; 50/80-digit arithmetic
    can.  Returns the difference, formatted, or ``None`` when it is not constant.
    """
    try:
        sides = [precise_sides(relation, point, constants) for point in points]
    except Undefined:
        return None
    return _difference_if_constant(sides)


def _difference_if_constant(sides: list[list[tuple[Any, Any]]]) -> str | None:
    """``lhs − rhs`` is constant when each side changes by the same amount between points.

    Comparing the changes (not the residuals) keeps a tiny varying part visible next to a
    large constant one: x·h¹⁰ changes by 1e-330 while −1 does not.
    """
    (lhs0_low, rhs0_low), (lhs0_high, rhs0_high) = sides[0]
    for (lhs_low, rhs_low), (lhs_high, rhs_high) in sides[1:]:
        # Each side's change is judged against that side's own magnitude first: sin²x + cos²x
        # "changes" by rounding noise only, while x·h¹⁰ really changes by 1e-330.
        lhs_still = same_value((lhs_low, lhs0_low), (lhs_high, lhs0_high))
        rhs_still = same_value((rhs_low, rhs0_low), (rhs_high, rhs0_high))
        if lhs_still and rhs_still:
            continue
        low = (lhs_low - lhs0_low, rhs_low - rhs0_low)
        high = (lhs_high - lhs0_high, rhs_high - rhs0_high)
        if not same_value(low, high):
            return None
    return _format_value(lhs0_low - rhs0_low)


def _classify_precisely(
    relation: Relation, variables: tuple[str, ...], constants: frozenset[str], pool: torch.Tensor
) -> NumericReport:
    """Fallback when doubles are undefined everywhere (``x = 10^400``): decide at 50/80 digits."""
    listed = list_names(variables)
    sides: list[list[tuple[Any, Any]]] = []
    reasons: set[str] = set()
    for k in range(_PRECISE_POINTS):
        point = {name: complex(pool[0, index, k].item()) for index, name in enumerate(variables)}
        try:
            sides.append(precise_sides(relation, point, constants))
        except Undefined as undefined:
            reasons.add(undefined.reason)
    if not sides:
        if any("overflow" in reason for reason in reasons):
            detail = "not evaluated: its values are too large or too small to represent, even at 80 digits"
            return NumericReport("relation", detail, True, 0, SAMPLES, variables, skipped=True)
        detail = f"the equation is undefined at every sample point ({'; '.join(sorted(reasons))})"
        return NumericReport("contradiction", detail, True, 0, SAMPLES, variables)
    equal = [same_value(low, high) for low, high in sides]
    where = f"{listed} at {len(sides)} points, evaluated at 80 digits because doubles overflow"
    if all(equal):
        return NumericReport("identity", f"it holds at all of {where}", True, len(sides), SAMPLES, variables)
    if not any(equal):
        difference = _difference_if_constant(sides)
        if difference is not None:
            detail = f"the two sides differ by the constant {difference} ({where})"
            return NumericReport("contradiction", detail, True, len(sides), SAMPLES, variables)
    matches = sum(equal)
    detail = f"it holds at {matches} of {where}, so it constrains {listed}"
    return NumericReport("relation", detail, True, len(sides), SAMPLES, variables, matches)


def _as_tensor(value: Value, like: torch.Tensor) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    return torch.full((SAMPLES,), complex(value), dtype=like.dtype, device=like.device)


def _decide_constant(relation: Relation, names: list[str]) -> NumericReport:
    try:
        comparison = compare_precisely(relation, lambda arithmetic: {name: arithmetic.constant(name) for name in names})
    except Undefined as undefined:
        return NumericReport("contradiction", f"the equation is undefined: {undefined.reason}", True)
    if comparison.equal:
        return NumericReport("identity", "both sides are equal constants (checked at 50 and 80 digits)", True)
    lhs, rhs = _format_pair(comparison.lhs, comparison.rhs)
    return NumericReport("contradiction", f"both sides are constants and differ: {lhs} ≠ {rhs}", True)


def _format_value(value: Any) -> str:
    """Format an mpmath value, however large or small, to 6 significant digits."""
    import mpmath

    if value.imag == 0:
        return str(mpmath.nstr(value.real, 6))
    return f"{mpmath.nstr(value.real, 6)}{'+' if value.imag > 0 else '-'}{mpmath.nstr(abs(value.imag), 6)}i"


def _format_complex(value: complex) -> str:
    if abs(value.imag) <= 1e-12 * max(abs(value.real), 1e-300):
        return f"{value.real:.6g}"
    return f"{value.real:.6g}{value.imag:+.6g}i"


def _format_pair(lhs: complex, rhs: complex) -> tuple[str, str]:
    """Format two different values with enough digits that they print differently."""
    for digits in (6, 10, 17):
        left, right = (f"{value.real:.{digits}g}" if value.imag == 0 else f"{value:.{digits}g}" for value in (lhs, rhs))
        if left != right:
            return left, right
    return _format_complex(lhs), _format_complex(rhs)
