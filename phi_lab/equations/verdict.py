"""The verdict: result types, the confidence table and the explanation.

``valid`` is false for unparseable text, text with no relation, a dimension mismatch or a
contradiction, and true otherwise.  ``confidence`` is the confidence in that verdict,
computed only from the evidence actually gathered:

    confidence = 1 − ½ · Π (1 − wᵢ)   over the evidence wᵢ that supports the verdict

so that no evidence gives ½ and every additional piece of evidence can only raise it
(monotone), never past :data:`MAX_CONFIDENCE`.

=============================================  ======  ===================================
evidence                                       weight  supports
=============================================  ======  ===================================
text does not parse, or has no ``=``           —       invalid, confidence 0.99 outright
contradiction decided at high precision        0.98    invalid
contradiction found by sampling                0.90    invalid
dimension mismatch, declared units             0.90    invalid
dimension mismatch, conventional meanings      0.70    invalid
identity decided at high precision             0.90    valid
identity found by sampling                     0.80    valid
relation (consistent, not a contradiction)     0.30    valid
dimensions agree, declared units               0.60    valid
dimensions agree, catalog/conventional units   0.50    valid
dimensions agree, everything dimensionless     0.20    valid
recognised catalog equation                    0.60    valid
=============================================  ======  ===================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from phi_lab.equations.dimensions import DimensionReport
from phi_lab.equations.names import list_names

__all__ = [
    "CHECK_NAMES",
    "KINDS",
    "MAX_CONFIDENCE",
    "Check",
    "NumericReport",
    "ValidationResult",
    "combine_evidence",
    "judge",
]

#: Stable names of the checks, in the order they are reported.
CHECK_NAMES = ("syntax", "dimensions", "numeric", "catalog")
#: Every value ``ValidationResult.kind`` can take.
KINDS = ("identity", "relation", "contradiction", "not_an_equation", "unparseable")
#: Confidence never reaches 1: a check is evidence, not proof.
MAX_CONFIDENCE = 0.99
_STATUSES = ("pass", "fail", "skip")


@dataclass(frozen=True, slots=True)
class Check:
    """One check's outcome: ``name`` from :data:`CHECK_NAMES`, ``status`` pass/fail/skip."""

    name: str
    status: str
    detail: str

    def __post_init__(self) -> None:
        if self.name not in CHECK_NAMES:
            raise ValueError(f"unknown check {self.name!r}")
        if self.status not in _STATUSES:
            raise ValueError(f"a check's status is pass, fail or skip, not {self.status!r}")

    def to_dict(self) -> dict[str, str]:
        """``{"name", "status", "detail"}``."""
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Everything :func:`phi_lab.validate` found about one text.

    The first seven attributes are the original worker API's response fields, with the
    same names and JSON types; the rest are extras.
    """

    valid: bool
    confidence: float
    betti: tuple[int, int, int]
    chi: int
    phi_coherence: float
    explanation: str
    processing_time_ms: float
    equation: str = ""
    kind: str = "unparseable"
    mode: str = "auto"
    checks: tuple[Check, ...] = ()
    catalog: str | None = None
    symbols: tuple[str, ...] = ()
    device: str = "cpu"
    phi_reason: str = ""
    error_column: int | None = field(default=None)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if not 0.0 <= self.confidence <= 1.0 or not 0.0 <= self.phi_coherence <= 1.0:
            raise ValueError("confidence and phi_coherence lie in [0, 1]")

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the seven original fields first, then the extras."""
        return {
            "valid": self.valid,
            "confidence": self.confidence,
            "betti": list(self.betti),
            "chi": self.chi,
            "phi_coherence": self.phi_coherence,
            "explanation": self.explanation,
            "processing_time_ms": self.processing_time_ms,
            "equation": self.equation,
            "kind": self.kind,
            "mode": self.mode,
            "checks": [check.to_dict() for check in self.checks],
            "catalog": self.catalog,
            "symbols": list(self.symbols),
            "device": self.device,
            "phi_reason": self.phi_reason,
            "error_column": self.error_column,
        }


def combine_evidence(weights: Sequence[float]) -> float:
    """``1 − ½ Π(1 − w)``, capped at :data:`MAX_CONFIDENCE`, rounded to 4 places."""
    doubt = 0.5
    for weight in weights:
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"evidence weights lie in [0, 1], got {weight}")
        doubt *= 1.0 - weight
    return round(min(MAX_CONFIDENCE, 1.0 - doubt), 4)


@dataclass(frozen=True, slots=True)
class NumericReport:
    """What the numeric check found (produced by :mod:`phi_lab.compute.numeric`).

    Attributes
    ----------
    kind:
        ``identity``, ``relation`` or ``contradiction``.
    detail:
        One sentence for the check list.
    exact:
        True when the verdict came from the high-precision decision on a constant equation.
    defined, masked:
        Sample points where the equation was defined / undefined (0 for constant equations).
    variables:
        The names sampled.
    matches:
        Defined sample points where the two sides agreed.
    skipped:
        True when the values could not be computed at all (overflow): no evidence either way.
    """

    kind: str
    detail: str
    exact: bool = False
    defined: int = 0
    masked: int = 0
    variables: tuple[str, ...] = ()
    matches: int = 0
    skipped: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("identity", "relation", "contradiction"):
            raise ValueError(f"a numeric verdict is identity, relation or contradiction, not {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict reached from the checks: validity, kind, confidence and explanation."""

    valid: bool
    kind: str
    confidence: float
    explanation: str
    checks: tuple[Check, ...]


def judge(
    dimensions: DimensionReport,
    numeric: NumericReport,
    catalog: str | None,
    catalog_equation: str = "",
) -> Judgement:
    """Turn the reports of a parsed equation into a verdict (see the module's table)."""
    checks = (
        Check("syntax", "pass", "parsed"),
        Check("dimensions", dimensions.status, dimensions.detail),
        Check("numeric", _numeric_status(numeric), numeric.detail),
        Check("catalog", "pass", f"recognised as {catalog}: {catalog_equation}")
        if catalog
        else Check("catalog", "skip", "not a catalogued equation"),
    )
    against: list[float] = []
    if dimensions.status == "fail":
        against.append(0.9 if dimensions.declared else 0.7)
    if numeric.kind == "contradiction":
        against.append(0.98 if numeric.exact else 0.9)
    if against:
        if numeric.kind == "contradiction":
            reason = f"a contradiction: {numeric.detail}"
        else:
            reason = f"the dimensions do not match: {dimensions.detail}"
        hint = "" if numeric.kind == "contradiction" or dimensions.declared else _CONVENTION_HINT
        return Judgement(False, numeric.kind, combine_evidence(against), f"Invalid: {reason}.{hint}", checks)
    support: list[float] = []
    if not numeric.skipped:
        support.append({"identity": 0.9 if numeric.exact else 0.8}.get(numeric.kind, 0.3))
    if dimensions.status == "pass":
        if dimensions.detail.endswith("dimensionless"):
            support.append(0.2)
        else:
            support.append(0.6 if dimensions.declared else 0.5)
    if catalog:
        support.append(0.6)
    return Judgement(
        True, numeric.kind, combine_evidence(support), _explain_valid(dimensions, numeric, catalog), checks
    )


_CONVENTION_HINT = (
    " The dimensions come from conventional symbol meanings; pass units= or use mode='math' if yours differ."
)


def _numeric_status(numeric: NumericReport) -> str:
    if numeric.skipped:
        return "skip"
    return "fail" if numeric.kind == "contradiction" else "pass"


def _explain_valid(dimensions: DimensionReport, numeric: NumericReport, catalog: str | None) -> str:
    if numeric.kind == "identity":
        first = f"Valid: an identity; {numeric.detail}"
    elif numeric.skipped:
        first = f"Valid as far as checked: the numeric check was skipped ({numeric.detail})"
    else:
        first = f"Valid: a relation among {_listed(numeric.variables)}" if numeric.variables else "Valid: a relation"
    if catalog:
        first += f", recognised as {catalog}"
    if dimensions.status == "pass":
        return f"{first}. Dimensions agree: {dimensions.detail}."
    if dimensions.status == "skip":
        return f"{first}. Dimensions not checked: {dimensions.detail}."
    return f"{first}."


def _listed(names: Sequence[str]) -> str:
    return list_names(names, conjunction=" and ")
