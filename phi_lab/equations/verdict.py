"""The verdict: result types, the confidence table and the explanation.

``valid`` is false for unparseable text, text with no relation, a dimension mismatch, a
contradiction, an equation with no solution, an inconsistent system, or one that could not
be decided; true for identities and relations.  ``confidence`` is the confidence in that
verdict, computed only from the evidence actually gathered:

    confidence = 1 − ½ · Π (1 − wᵢ)   over the evidence wᵢ that supports the verdict

so that no evidence gives ½ and every additional piece of evidence can only raise it
(monotone), never past :data:`MAX_CONFIDENCE`; a verdict whose numeric part is only
``sampled`` is capped at :data:`SAMPLED_CAP`.  Each claim of the numeric check records how
it was decided (``decided_by``): ``exact`` (exact algebra, a proof), ``interval`` (interval
arithmetic over the whole real domain, a proof), ``high-precision`` (confirmed at 50/80
digits at the points that matter: a witness solution, a failing point, or every sample
point spread over the domain) or ``sampled`` (double-precision samples only: evidence, not
proof).  Sampled claims weigh markedly less, so no verdict reaches 0.9 unless it was proved
or confirmed at high precision.

===============================================  ======  ==============================
evidence                                         weight  supports
===============================================  ======  ==============================
text does not parse, or has no ``=``             —       invalid, confidence 0.99 outright
contradiction / no solution / inconsistent,
  exact or interval                              0.99    invalid
  high-precision                                 0.95    invalid
  sampled ("none found")                         0.40    invalid
dimension mismatch, declared units               0.90    invalid
dimension mismatch, conventional meanings        0.70    invalid
identity: exact / high-precision / sampled       0.98 / 0.90 / 0.50    valid
relation: exact / high-precision / sampled       0.90 / 0.85 / 0.30    valid
dimensions agree, declared units                 0.60    valid
dimensions agree, catalog/conventional units     0.50    valid
dimensions agree, under an inferred reading      0.30    valid
dimensions agree, everything dimensionless       0.20    valid
recognised catalog equation                      0.60    valid
===============================================  ======  ==============================

An inferred reading (auto mode, :mod:`phi_lab.equations.readings`) was chosen *because* the
dimensions agree under it, so that agreement weighs less than under the conventional meanings.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Literal, get_args

from phi_lab.equations.dimensions import DimensionReport
from phi_lab.equations.names import list_names
from phi_lab.errors import InputError
from phi_lab.hints import HintCode, check_hint_code, hint_suffix

__all__ = [
    "CHECK_NAMES",
    "DECIDED_BY",
    "INVALID_KINDS",
    "KINDS",
    "MAX_CONFIDENCE",
    "NUMERIC_KINDS",
    "RESULT_COLUMNS",
    "SAMPLED_CAP",
    "Check",
    "CheckName",
    "CheckStatus",
    "DecidedBy",
    "Kind",
    "NumericKind",
    "NumericReport",
    "ValidationResult",
    "combine_evidence",
    "frame_row",
    "judge",
]

#: The name of a check (the HTTP models share these ``Literal`` types).
CheckName = Literal["syntax", "dimensions", "numeric", "catalog"]
#: A check's outcome.
CheckStatus = Literal["pass", "fail", "skip"]
#: What the numeric check can conclude about a parsed equation or system.
NumericKind = Literal["identity", "relation", "contradiction", "no_solution", "inconsistent", "undecided"]
#: Every value ``ValidationResult.kind`` can take.
Kind = Literal[NumericKind, "not_an_equation", "unparseable"]
#: How a numeric conclusion was reached, strongest first (see the module docstring).
DecidedBy = Literal["exact", "interval", "high-precision", "sampled"]

#: Stable names of the checks, in the order they are reported.
CHECK_NAMES: tuple[str, ...] = get_args(CheckName)
#: The kinds the numeric check concludes, in order.
NUMERIC_KINDS: tuple[str, ...] = get_args(NumericKind)
#: Every kind, in order (the numeric ones first).
KINDS: tuple[str, ...] = get_args(Kind)
#: Numeric conclusions that make an equation invalid.
INVALID_KINDS = frozenset({"contradiction", "no_solution", "inconsistent", "undecided"})
#: The decision methods, strongest first.
DECIDED_BY: tuple[str, ...] = get_args(DecidedBy)
#: Confidence never reaches 1: a check is evidence, not proof.
MAX_CONFIDENCE = 0.99
#: A verdict whose numeric part rests on double-precision samples alone stays below 0.9,
#: whatever else supports it (unless declared units alone decide it).
SAMPLED_CAP = 0.85
_STATUSES: tuple[str, ...] = get_args(CheckStatus)


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
    same names and JSON types; the rest are extras.  ``reading`` is empty unless auto mode
    chose a non-conventional reading (:mod:`phi_lab.equations.readings`); then it maps each
    ambiguous name, and each text read by an alternative parse, to how it was read
    (``{"h": "a height (length)", "g": "gravitational acceleration"}``).  ``hints`` are the
    codes of what the user might try next (:mod:`phi_lab.hints`); ``explanation`` ends with
    their Python wording, and each surface words them for its own controls
    (:func:`phi_lab.hints.word_explanation`).
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
    decided_by: str | None = None
    witness: str | None = None
    reading: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    hints: tuple[HintCode, ...] = ()

    def __post_init__(self) -> None:
        for code in self.hints:
            check_hint_code(code)
        if not all(isinstance(key, str) and isinstance(value, str) for key, value in self.reading.items()):
            raise ValueError("a reading maps names to descriptions, both text")
        object.__setattr__(self, "reading", MappingProxyType(dict(self.reading)))
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.decided_by is not None and self.decided_by not in DECIDED_BY:
            raise ValueError(f"unknown decision method {self.decided_by!r}")
        if not 0.0 <= self.confidence <= 1.0 or not 0.0 <= self.phi_coherence <= 1.0:
            raise ValueError("confidence and phi_coherence lie in [0, 1]")

    def __reduce__(self) -> tuple[type[ValidationResult], tuple[Any, ...]]:
        """Pickle with ``reading`` as a plain dict (a mapping proxy does not pickle)."""
        values = (dict(self.reading) if item.name == "reading" else getattr(self, item.name) for item in fields(self))
        return (type(self), tuple(values))

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> ValidationResult:
        """The record back from a :meth:`to_dict` row (JSON, a worker's answer, a DataFrame row),
        checked: a missing extra takes its default (NaN from a DataFrame counts as missing);
        a missing original field, or a value of the wrong type, is an
        :class:`~phi_lab.errors.InputError` that names it.  Keys it does not know (a worker's
        ``worker_id``) are ignored."""
        try:
            valid = row["valid"]
            if valid not in (True, False):
                raise ValueError(f"'valid' is true or false, not {valid!r}")
            betti = tuple(operator.index(value) for value in row["betti"])
            if len(betti) != 3:
                raise ValueError(f"'betti' has three numbers, not {len(betti)}")
            equation = _present(row, "equation", "")
            if not isinstance(equation, str):
                raise TypeError(f"'equation' is text, not {type(equation).__name__}")
            column = _present(row, "error_column", None)
            return cls(
                valid=bool(valid),
                confidence=float(row["confidence"]),
                betti=(betti[0], betti[1], betti[2]),
                chi=operator.index(row["chi"]),
                phi_coherence=float(row["phi_coherence"]),
                explanation=str(row["explanation"]),
                processing_time_ms=float(_present(row, "processing_time_ms", 0.0)),
                equation=equation,
                kind=str(_present(row, "kind", "unparseable")),
                mode=str(_present(row, "mode", "auto")),
                checks=tuple(
                    Check(str(check["name"]), str(check["status"]), str(check["detail"]))
                    for check in _present(row, "checks", ())
                ),
                catalog=_text(_present(row, "catalog", None)) or None,  # "" in a frame: none
                symbols=tuple(str(name) for name in _present(row, "symbols", ())),
                device=str(_present(row, "device", "cpu")),
                phi_reason=str(_present(row, "phi_reason", "")),
                error_column=None if column is None else _whole(column),
                decided_by=_text(_present(row, "decided_by", None)) or None,
                witness=_text(_present(row, "witness", None)) or None,
                reading=_reading(_present(row, "reading", {})),
                hints=tuple(check_hint_code(code) for code in _present(row, "hints", ())),
            )
        except KeyError as exc:
            raise InputError(
                f"a result row needs the field {exc.args[0]!r} (rows are ValidationResult.to_dict())"
            ) from exc
        except (TypeError, ValueError) as exc:
            raise InputError(f"not a usable result row: {exc}") from exc

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
            "decided_by": self.decided_by,
            "witness": self.witness,
            "reading": dict(self.reading),
            "hints": list(self.hints),
        }


#: The fields of a verdict, in the order of :meth:`ValidationResult.to_dict` (the seven original
#: worker API fields first): the columns of ``validate_many``'s frames and of the HTTP answer.
RESULT_COLUMNS: tuple[str, ...] = tuple(item.name for item in fields(ValidationResult))


def frame_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A verdict's :meth:`~ValidationResult.to_dict` row (or a worker's JSON answer) as a DataFrame row.

    The sequences read as the record has them, tuples (``betti``, ``symbols``, ``hints``),
    and absent text (no catalog match, no decision method, no witness) is ``""`` rather than
    a missing value, so a table shows an empty cell, not ``None`` or ``NaN``;
    :meth:`ValidationResult.from_dict` reads such rows back.  Other keys (a worker's
    ``worker_id``) pass through.
    """
    record = dict(row)
    for name in ("betti", "symbols", "hints"):
        if isinstance(record.get(name), list):
            record[name] = tuple(record[name])
    for name in _OPTIONAL_TEXT:
        if name in record and record[name] is None:
            record[name] = ""
    return record


def results_frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], index: Any = None) -> Any:
    """A pandas DataFrame of :func:`frame_row` rows: text columns as pandas' ``str`` dtype kept in
    Python objects, the others as pandas infers them.

    With pyarrow installed (the dask extra brings it) pandas 3 keeps strings in Arrow, which
    refuses what Python accepts, such as a lone surrogate (``"x\ud800"``) in hostile input;
    Python storage keeps every text as given, whatever is installed.
    """
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(columns), index=index, dtype=object)
    text = pd.StringDtype("python", na_value=math.nan)
    for name in frame.columns:
        column = frame[name]
        if len(column) and all(isinstance(value, str) for value in column):
            frame[name] = column.astype(text)
        elif len(column):
            frame[name] = column.infer_objects()
    return frame


#: The record's optional text fields: ``None`` in the record and JSON, ``""`` in a frame.
_OPTIONAL_TEXT = ("catalog", "decided_by", "witness")


def _present(row: Mapping[str, Any], name: str, default: Any) -> Any:
    """``row[name]``, or ``default`` when it is missing, ``None`` or NaN (a DataFrame's missing value)."""
    value = row.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def _whole(value: Any) -> int:
    """An integer, also from a float that is one (a frame's column of numbers with gaps is float)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return operator.index(value)


def _reading(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"'reading' maps names to descriptions, not {type(value).__name__} {value!r}")
    return {str(name): str(meaning) for name, meaning in value.items()}


def _text(value: Any) -> str | None:
    """Optional text: ``None`` or a string, nothing else."""
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"expected text or nothing, not {type(value).__name__} {value!r}")


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
    """What the numeric check concluded (produced by :mod:`phi_lab.compute.numeric`).

    Attributes
    ----------
    kind:
        One of :data:`NUMERIC_KINDS`.
    detail:
        One sentence for the check list: what was found and how.
    decided_by:
        One of :data:`DECIDED_BY`.
    variables:
        The variables of the equation.
    defined, masked:
        Sample points where the equation was defined / undefined (0 when decided without samples).
    matches:
        Defined sample points where the two sides agreed.
    complex_only:
        A relation whose solutions are all complex (math mode).
    witness:
        A solution, as text, when one was found and confirmed.
    conflict:
        For an inconsistent system: the (1-based) equations that have no common solution.
    """

    kind: str
    detail: str
    decided_by: str = "sampled"
    variables: tuple[str, ...] = ()
    defined: int = 0
    masked: int = 0
    matches: int = 0
    complex_only: bool = False
    witness: str | None = None
    conflict: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in NUMERIC_KINDS:
            raise ValueError(f"a numeric verdict is one of {', '.join(NUMERIC_KINDS)}, not {self.kind!r}")
        if self.decided_by not in DECIDED_BY:
            raise ValueError(f"unknown decision method {self.decided_by!r}")

    @property
    def proved(self) -> bool:
        """Whether the conclusion was proved (exact or interval), not only confirmed or sampled."""
        return self.decided_by in ("exact", "interval")


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict reached from the checks: validity, kind, confidence and explanation."""

    valid: bool
    kind: str
    confidence: float
    explanation: str
    checks: tuple[Check, ...]
    hints: tuple[HintCode, ...] = ()


#: Evidence weights of the numeric conclusions (see the module docstring).
_AGAINST = {"exact": 0.99, "interval": 0.99, "high-precision": 0.95, "sampled": 0.4}
_IDENTITY = {"exact": 0.98, "interval": 0.98, "high-precision": 0.9, "sampled": 0.5}
_RELATION = {"exact": 0.9, "interval": 0.9, "high-precision": 0.85, "sampled": 0.3}


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
        Check("numeric", _numeric_status(numeric), f"{numeric.detail} [{numeric.decided_by}]"),
        Check("catalog", "pass", f"recognised as {catalog}: {catalog_equation}")
        if catalog
        else Check("catalog", "skip", "not a catalogued equation"),
    )
    against: list[float] = []
    if dimensions.status == "fail":
        against.append(0.9 if dimensions.declared else 0.7)
    if numeric.kind in INVALID_KINDS and numeric.kind != "undecided":
        against.append(_AGAINST[numeric.decided_by])
    if against or numeric.kind == "undecided":
        if numeric.kind in INVALID_KINDS:
            reason = _invalid_reason(numeric)
        else:
            reason = f"Invalid: the dimensions do not match: {dimensions.detail}."
        if numeric.kind == "undecided" and dimensions.status == "fail":
            reason += f" The dimensions do not match: {dimensions.detail}."
        if dimensions.reading and dimensions.status != "fail":
            reason = f"{reason.removesuffix('.')} (reading {dimensions.reading})."
        hints: tuple[HintCode, ...] = () if numeric.kind in INVALID_KINDS or dimensions.declared else _CONVENTIONS
        confidence = combine_evidence(against)
        if numeric.decided_by == "sampled" and not (dimensions.status == "fail" and dimensions.declared):
            confidence = min(confidence, SAMPLED_CAP)
        return Judgement(False, numeric.kind, confidence, f"{reason}{hint_suffix(hints)}", checks, hints)
    support: list[float] = []
    table = _IDENTITY if numeric.kind == "identity" else _RELATION
    support.append(table[numeric.decided_by])
    if dimensions.status == "pass":
        if dimensions.dimensionless:
            support.append(0.2)
        elif dimensions.reading:
            support.append(0.3)
        else:
            support.append(0.6 if dimensions.declared else 0.5)
    if catalog:
        support.append(0.6)
    confidence = combine_evidence(support)
    if numeric.decided_by == "sampled":
        confidence = min(confidence, SAMPLED_CAP)
    return Judgement(True, numeric.kind, confidence, _explain_valid(dimensions, numeric, catalog), checks)


#: The dimensions disagree under the conventional meanings of the letters: declared units or
#: math mode may change that (worded per surface by :mod:`phi_lab.hints`).
_CONVENTIONS: tuple[HintCode, ...] = ("conventional_units",)


def _invalid_reason(numeric: NumericReport) -> str:
    detail = numeric.detail
    if numeric.kind == "undecided":
        return f"Not decided: {detail}."
    if numeric.kind == "contradiction":
        return f"Invalid: a contradiction: {detail}."
    if numeric.kind == "inconsistent":
        if numeric.decided_by == "sampled":
            return f"Invalid as far as checked: no common solution was found ({detail}); not proved."
        return f"Invalid: the system is inconsistent: {detail}."
    if numeric.decided_by == "sampled":
        return f"Invalid as far as checked: no solution was found ({detail}); not proved."
    return f"Invalid: it has no solution: {detail}."


def _numeric_status(numeric: NumericReport) -> str:
    if numeric.kind == "undecided":
        return "skip"
    return "fail" if numeric.kind in INVALID_KINDS else "pass"


def _explain_valid(dimensions: DimensionReport, numeric: NumericReport, catalog: str | None) -> str:
    if numeric.kind == "identity":
        first = f"Valid: an identity; {numeric.detail}"
    elif numeric.complex_only:
        first = f"Valid: a relation whose solutions are complex; {numeric.detail}"
    else:
        among = f" among {_listed(numeric.variables)}" if numeric.variables else ""
        first = f"Valid: a relation{among}; {numeric.detail}"
    if catalog:
        first += f", recognised as {catalog}"
    if dimensions.status == "pass":
        return f"{first}. Dimensions agree: {dimensions.detail}."
    if dimensions.status == "skip":
        return f"{first}. Dimensions not checked: {dimensions.detail}."
    return f"{first}."


def _listed(names: Sequence[str]) -> str:
    return list_names(names, conjunction=" and ")
