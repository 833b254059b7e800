"""The HTTP request and response bodies (pydantic lives here and nowhere else in phi_lab)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from phi_lab.equations.verdict import CheckName, CheckStatus, DecidedBy, Kind
from phi_lab.hints import HintCode
from phi_lab.options import MAX_EQUATION_CHARS, Mode

__all__ = [
    "BatchRequest",
    "BatchResponse",
    "CheckBody",
    "EquationText",
    "ErrorBody",
    "ErrorCode",
    "InfoResponse",
    "ValidateRequest",
    "ValidationBody",
]


_SEED_EXAMPLES: list[Any] = [
    {"equation": "E = mc²"},
    {"equation": "φ² = φ + 1"},
    {"equation": "F = ma", "mode": "physics", "units": {"F": "N", "m": "kg", "a": "m/s^2"}},
]


#: An equation as typed, at most :data:`~phi_lab.options.MAX_EQUATION_CHARS` characters (longer:
#: a 422 whose item has ``type: string_too_long`` and ``ctx.max_length``).
EquationText = Annotated[
    str,
    Field(
        max_length=MAX_EQUATION_CHARS,
        description=f"The equation as typed: ASCII, Unicode or LaTeX (at most {MAX_EQUATION_CHARS:,} characters)",
    ),
]

#: What kind of error a response reports, for programs to decide on (the page words each one):
#: ``units`` (a unit or symbol name that cannot be used), ``mode``, ``input`` (other unusable input),
#: ``too_large`` (the body), ``malformed`` (not JSON), ``overloaded``, ``budget``, ``device``, ``internal``.
ErrorCode = Literal["units", "mode", "input", "too_large", "malformed", "overloaded", "budget", "device", "internal"]


class ValidateRequest(BaseModel):
    """One equation to validate (the original worker API's request, with optional units)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": _SEED_EXAMPLES})

    equation: EquationText
    mode: Mode = Field("auto", description="auto, physics (every symbol needs a unit) or math (no dimensions)")
    units: dict[str, str] | None = Field(None, description="Symbol → unit string that pint understands")


class BatchRequest(BaseModel):
    """Many equations validated with the same options, answered in input order."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"equations": ["E = mc²", "F = ma", "PV = nRT", "φ² = φ + 1"]}]}
    )

    equations: list[EquationText]
    mode: Mode = "auto"
    units: dict[str, str] | None = None


class CheckBody(BaseModel):
    """One check of a verdict."""

    name: CheckName
    status: CheckStatus
    detail: str


class ValidationBody(BaseModel):
    """A verdict: the fields of :class:`~phi_lab.ValidationResult` in its order (the original API's
    seven first, then the extras), and the worker's id; a parity test keeps the two equal."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "valid": True,
                    "confidence": 0.93,
                    "betti": [1, 0, 0],
                    "chi": 1,
                    "phi_coherence": 0.0,
                    "explanation": "Valid: a relation among E and m, recognised as Mass–energy equivalence. "
                    "Dimensions agree: both sides are mass·length²/time² (energy).",
                    "processing_time_ms": 0.41,
                    "equation": "E = mc²",
                    "kind": "relation",
                    "mode": "auto",
                    "checks": [
                        {"name": "syntax", "status": "pass", "detail": "parsed"},
                        {"name": "dimensions", "status": "pass", "detail": "both sides are mass·length²/time²"},
                        {
                            "name": "numeric",
                            "status": "pass",
                            "detail": "it is linear in E: with m = 1/3, E ≈ 2.99585e+16 (exact) [exact]",
                        },
                        {"name": "catalog", "status": "pass", "detail": "recognised as Mass–energy equivalence"},
                    ],
                    "catalog": "Mass–energy equivalence",
                    "symbols": ["E", "m"],
                    "device": "cpu",
                    "phi_reason": "nothing ties it to φ",
                    "error_column": None,
                    "decided_by": "exact",
                    "witness": "E ≈ 2.99585e+16 (with m = 1/3)",
                    "reading": {},
                    "hints": [],
                    "worker_id": "host-1234",
                }
            ]
        }
    )

    valid: bool
    confidence: float = Field(ge=0, le=1)
    betti: list[int] = Field(min_length=3, max_length=3)
    chi: int
    phi_coherence: float = Field(ge=0, le=1)
    explanation: str
    processing_time_ms: float
    equation: str
    kind: Kind
    mode: Mode
    checks: list[CheckBody]
    catalog: str | None
    symbols: list[str]
    device: str
    phi_reason: str
    error_column: int | None
    decided_by: DecidedBy | None = Field(
        None, description="how the numeric verdict was reached: exact or interval (proofs), high-precision, sampled"
    )
    witness: str | None = Field(None, description="a solution, when one was found and confirmed")
    reading: dict[str, str] = Field(
        default_factory=dict,
        description="how auto mode read each ambiguous name or alternative parse when it chose a "
        "non-conventional reading (e.g. {'h': 'a height (length)'}); empty otherwise",
    )
    hints: list[HintCode] = Field(
        default_factory=list,
        description="codes of what the user might try next (phi_lab.hints); the explanation ends with "
        "their Python wording; a page words each for its own controls",
    )
    worker_id: str


class BatchResponse(BaseModel):
    """Verdicts in input order."""

    results: list[ValidationBody]


class InfoResponse(BaseModel):
    """Who this worker is (the original API's three fields first) and how it is configured."""

    worker_id: str
    device: str
    status: Literal["starting", "ready", "draining"]
    version: str
    uptime_s: float
    requests_served: int
    limits: dict[str, object]


class ErrorBody(BaseModel):
    """An error: ``detail`` says what was wrong (a string, or FastAPI's list of field errors, each
    with its own ``type``, e.g. ``string_too_long``); ``code`` says what kind, with a string detail."""

    detail: str | list[dict[str, object]]
    code: ErrorCode | None = Field(None, description="What kind of error, for programs; absent with a list detail")
