"""A hand-written corpus of equations and the verdict phi_lab must give for each.

Every entry is ``(text, kwargs, expected)``: ``kwargs`` go to :func:`phi_lab.validate`
(``units=``, ``mode=``), ``expected`` fixes ``valid`` and ``kind`` and, where they mean
something, the catalog name, the Betti numbers, χ, the dimension check's status, the
column of a parse error, and bounds on ``confidence`` and ``phi_coherence``.

The confidence figures follow the table in :mod:`phi_lab.equations.verdict`
(``1 − ½ Π(1 − w)``): a catalogued law with conventional units scores 0.93, with
declared units 0.944; a relation nothing else supports 0.65; a conventional dimension
mismatch 0.85, a declared one 0.95; a constant contradiction 0.99.  The corpus checks
bounds rather than those exact figures, so that re-weighting one piece of evidence
does not rewrite the corpus.

Besides each verdict, every entry is checked against the invariants of the result:
χ = b0 − b1 + b2, the four checks in their stable order, the JSON shape of
``to_dict()`` (the seven fields of the original worker API first, with their types),
and an explanation of at most three sentences.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, cast

import pytest

import phi_lab as pl
from phi_lab.equations.binding import normalize_units
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.topology import betti_numbers, build_complex
from phi_lab.errors import ParseError

PHYSICS = {"mode": "physics"}
MATH = {"mode": "math"}

#: The seven fields of the original worker API, in order, with their JSON types.
SEED_FIELDS = (
    ("valid", bool),
    ("confidence", float),
    ("betti", list),
    ("chi", int),
    ("phi_coherence", float),
    ("explanation", str),
    ("processing_time_ms", float),
)
CHECK_NAMES = ["syntax", "dimensions", "numeric", "catalog"]

# Catalog names, spelled exactly as in phi_lab/equations/catalog.toml.
MASS_ENERGY = "Mass–energy equivalence"
NEWTON_2 = "Newton's second law"
GOLDEN = "Golden ratio equation"


def relation(**more: Any) -> dict[str, Any]:
    """A valid relation (a law or a condition on its variables)."""
    return {"valid": True, "kind": "relation", **more}


def law(catalog: str, **more: Any) -> dict[str, Any]:
    """A valid relation recognised as a catalogued law, with dimensions that agree."""
    return relation(**{"catalog": catalog, "dimensions": "pass", "min_confidence": 0.85, **more})


def identity(**more: Any) -> dict[str, Any]:
    """A valid identity: true for every value of its variables (or a true constant equation)."""
    return {"valid": True, "kind": "identity", "min_confidence": 0.85, **more}


def contradiction(**more: Any) -> dict[str, Any]:
    """An invalid equation that is never true."""
    return {"valid": False, "kind": "contradiction", "min_confidence": 0.9, **more}


def mismatch(**more: Any) -> dict[str, Any]:
    """An invalid equation whose dimensions do not agree."""
    return {"valid": False, "kind": "relation", "dimensions": "fail", "min_confidence": 0.8, **more}


def unparseable(column: int) -> dict[str, Any]:
    """Text that does not parse; the error points at ``column`` (1-based)."""
    return {
        "valid": False,
        "kind": "unparseable",
        "error_column": column,
        "confidence": 0.99,
        "betti": (0, 0, 0),
        "phi_coherence": 0.0,
    }


def no_equation(**more: Any) -> dict[str, Any]:
    """Text with a piece that has no ``=``."""
    return {"valid": False, "kind": "not_an_equation", "confidence": 0.99, "phi_coherence": 0.0, **more}


CORPUS = [
    # -- physics laws, conventional symbol meanings ------------------------------------------------
    pytest.param(
        "E = mc²", {}, law(MASS_ENERGY, betti=(1, 0, 0), chi=1, min_confidence=0.9, phi_coherence=0.0), id="E=mc2"
    ),
    pytest.param("F = ma", {}, law(NEWTON_2, min_confidence=0.9), id="F=ma"),
    pytest.param("PV = nRT", {}, law("Ideal gas law"), id="ideal-gas"),
    pytest.param("F = G m_1 m_2 / r^2", {}, law("Newton's law of universal gravitation"), id="gravitation"),
    pytest.param("T = 2π√(l/g)", {}, law("Simple pendulum period"), id="pendulum"),
    pytest.param("v = u + at", {}, law("Velocity under constant acceleration"), id="suvat-v"),
    pytest.param("V = IR", {}, law("Ohm's law"), id="ohm"),
    pytest.param("E² = (pc)² + (mc²)²", {}, law("Relativistic energy–momentum relation"), id="energy-momentum"),
    pytest.param("a² + b² = c²", {}, law("Pythagorean theorem"), id="pythagoras"),
    pytest.param("m = E/c²", {}, law(MASS_ENERGY), id="E=mc2-solved-for-m"),
    pytest.param("F = -k_spring x", {}, law("Hooke's law"), id="hooke"),
    pytest.param("ω = 2πf", {}, law("Angular frequency"), id="angular-frequency"),
    pytest.param("λ = h/p", {}, law("de Broglie wavelength"), id="de-broglie"),
    pytest.param("E = ħω", {}, law("Planck–Einstein relation with angular frequency"), id="planck-hbar"),
    pytest.param("E = hν", {}, law("Planck relation"), id="planck"),
    pytest.param("n_1 sin(θ_1) = n_2 sin(θ_2)", {}, law("Snell's law"), id="snell"),
    # -- physics laws, declared units and physics mode ------------------------------------------
    pytest.param(
        "E = m*c^2", {"units": {"E": "J", "m": "kg"}}, law(MASS_ENERGY, min_confidence=0.94), id="E=mc2-units"
    ),
    pytest.param(
        "F = m*a",
        {"units": {"F": "N", "m": "kg", "a": "m/s^2"}},
        law(NEWTON_2, min_confidence=0.94),
        id="F=ma-units",
    ),
    pytest.param(
        "d = v*t",
        {"units": {"d": "m", "v": "m/s", "t": "s"}},
        relation(catalog=None, dimensions="pass", min_confidence=0.85),
        id="d=vt-units",
    ),
    pytest.param(
        "speed = d/t",
        {"units": {"speed": "m/s", "d": "m", "t": "s"}},
        relation(catalog=None, dimensions="pass", min_confidence=0.85),
        id="declared-name-kept-whole",
    ),
    pytest.param("E = mc²", PHYSICS, law(MASS_ENERGY, min_confidence=0.9), id="E=mc2-physics"),
    pytest.param("p = mv", PHYSICS, law("Linear momentum"), id="momentum-physics"),
    pytest.param("P V = n R T", PHYSICS, law("Ideal gas law"), id="ideal-gas-physics"),
    pytest.param(
        "F = ma",
        MATH,
        relation(catalog=None, dimensions="skip", min_confidence=0.9),  # a solution is exhibited exactly
        id="F=ma-math",
    ),
    pytest.param("E = mc²", MATH, relation(catalog=None, dimensions="skip"), id="E=mc2-math"),
    # -- LaTeX --------------------------------------------------------------------------------------
    pytest.param(r"\frac{1}{2} m v^2 = E_k", {}, law("Kinetic energy"), id="latex-kinetic"),
    pytest.param(r"E_{k} = \frac{1}{2} m v^{2}", {}, law("Kinetic energy"), id="latex-kinetic-braces"),
    pytest.param(r"E = mc^{2}", {}, law(MASS_ENERGY), id="latex-E=mc2"),
    pytest.param(r"F = m \cdot a", {}, law(NEWTON_2), id="latex-cdot"),
    pytest.param(r"\gamma = \frac{1}{\sqrt{1 - v^2/c^2}}", {}, law("Lorentz factor"), id="latex-lorentz"),
    pytest.param(
        r"\phi^{2} = \phi + 1",
        {},
        identity(catalog=GOLDEN, betti=(1, 1, 0), chi=0, phi_coherence=1.0, min_confidence=0.95),
        id="latex-golden",
    ),
    pytest.param(
        r"\phi = \frac{1 + \sqrt{5}}{2}",
        {},
        identity(catalog="Golden ratio closed form", phi_coherence=1.0),
        id="latex-golden-closed-form",
    ),
    pytest.param(
        r"\left( x + y \right)^{2} = x^2 + 2xy + y^2", {}, identity(catalog=None), id="latex-left-right-square"
    ),
    pytest.param(r"e^{i\pi} + 1 = 0", {}, identity(catalog="Euler's identity", min_confidence=0.95), id="latex-euler"),
    pytest.param(r"\sin^2 x + \cos^2 x = 1", {}, identity(), id="latex-pythagorean-trig"),
    pytest.param(r"\log_{10} 1000 = 3", {}, identity(min_confidence=0.95), id="latex-log10"),
    pytest.param(r"\sqrt[3]{27} = 3", {}, identity(min_confidence=0.95), id="latex-cube-root"),
    # -- Unicode ------------------------------------------------------------------------------------
    pytest.param("E = m·c²", {}, law(MASS_ENERGY), id="unicode-middle-dot"),
    pytest.param("F = m × a", {}, law(NEWTON_2), id="unicode-times"),
    pytest.param("x⁻¹ = 1/x", {}, identity(), id="unicode-inverse"),
    pytest.param("x − 1 = 0", {}, relation(catalog=None), id="unicode-minus"),
    pytest.param("√4 = 2", {}, identity(min_confidence=0.95), id="unicode-sqrt"),
    pytest.param("∛27 = 3", {}, identity(min_confidence=0.95), id="unicode-cbrt"),
    pytest.param("m₀ = m_0", {}, identity(dimensions="pass"), id="unicode-subscript-is-underscore"),
    pytest.param("sin²θ + cos²θ = 1", {}, identity(betti=(1, 1, 0), chi=0), id="unicode-greek-trig"),
    pytest.param(
        "φ = (1 + √5)/2", {}, identity(catalog="Golden ratio closed form", phi_coherence=1.0), id="unicode-golden"
    ),
    pytest.param("3 × 4 = 12", {}, identity(min_confidence=0.95), id="unicode-times-numbers"),
    pytest.param("6 ÷ 3 = 2", {}, identity(min_confidence=0.95), id="unicode-division-sign"),
    # -- identities ---------------------------------------------------------------------------------
    pytest.param("sin(x)^2 + cos(x)^2 = 1", {}, identity(betti=(1, 1, 0), chi=0), id="trig-pythagorean"),
    pytest.param("tan(x) = sin(x)/cos(x)", {}, identity(), id="trig-tan"),
    pytest.param("sin(2x) = 2 sin x cos x", {}, identity(), id="trig-double-angle"),
    pytest.param("cos(2*x) = 1 - 2*sin(x)^2", {}, identity(), id="trig-cos-double"),
    pytest.param("cosh(x)^2 - sinh(x)^2 = 1", {}, identity(), id="hyperbolic"),
    pytest.param("log(x*y) = log(x) + log(y)", {}, relation(), id="log-product"),  # false for x, y < 0
    pytest.param("log(x*y) = log(x) + log(y) - 2*pi*i", {}, relation(), id="log-product-branch"),  # x, y < 0
    pytest.param("exp(log(x)) = x", {}, identity(), id="exp-log"),
    pytest.param("log10(1000) = 3", {}, identity(min_confidence=0.95), id="log10-call"),
    pytest.param("(x+y)^2 = x^2 + 2*x*y + y^2", {}, identity(), id="binomial-square"),
    pytest.param("[x + 1]^2 = x^2 + 2x + 1", {}, identity(), id="square-brackets"),
    pytest.param("x*(x+1) = x^2 + x", {}, identity(), id="distributive"),
    pytest.param("x ** 2 = x*x", {}, identity(), id="double-star-power"),
    pytest.param("2^10 = 1024", {}, identity(min_confidence=0.95), id="power-of-two"),
    pytest.param("1/3 + 1/6 = 1/2", {}, identity(min_confidence=0.95), id="fractions"),
    pytest.param("i^2 = -1", {}, identity(min_confidence=0.95), id="imaginary-unit"),
    pytest.param("gamma(5) = 24", {}, identity(min_confidence=0.95), id="gamma-function"),
    pytest.param("ħ = h/(2π)", {}, identity(dimensions="pass", min_confidence=0.95), id="hbar-definition"),
    # -- φ identities: φ^n = F_n φ + F_(n−1), written concretely ---------------------------------
    pytest.param(
        "φ² = φ + 1",
        {},
        identity(catalog=GOLDEN, betti=(1, 1, 0), chi=0, phi_coherence=1.0, min_confidence=0.98),
        id="golden",
    ),
    pytest.param(
        "phi^3 = 2*phi + 1", {}, identity(catalog="Golden ratio cube identity", phi_coherence=1.0), id="phi^3"
    ),
    pytest.param("phi^4 = 3*phi + 2", {}, identity(catalog=None, phi_coherence=1.0, min_confidence=0.95), id="phi^4"),
    pytest.param("φ^5 = 5φ + 3", {}, identity(catalog=None, phi_coherence=1.0, min_confidence=0.95), id="phi^5"),
    pytest.param("phi^6 = 8*phi + 5", {}, identity(catalog=None, phi_coherence=1.0), id="phi^6"),
    pytest.param("1/phi = phi - 1", {}, identity(phi_coherence=1.0), id="phi-reciprocal"),
    pytest.param(
        "phi = 1 + 1/phi", {}, identity(catalog="Golden ratio reciprocal relation", phi_coherence=1.0), id="phi-cf"
    ),
    pytest.param(
        "2*cos(pi/5) = phi",
        {},
        identity(catalog="Golden ratio from the regular pentagon", phi_coherence=1.0),
        id="phi-pentagon",
    ),
    pytest.param(
        "phi^2 + phi^(-2) = 3",
        {},
        identity(catalog="Golden ratio square-plus-inverse-square identity", phi_coherence=1.0),
        id="phi-square-plus-inverse",
    ),
    pytest.param(
        "phi - 1/phi = 1",
        {},
        identity(catalog="Golden ratio difference of reciprocals", phi_coherence=1.0),
        id="phi-difference",
    ),
    # -- φ equations --------------------------------------------------------------------------------
    pytest.param("x² = x + 1", {}, relation(betti=(1, 1, 0), chi=0, phi_coherence=1.0), id="golden-quadratic"),
    pytest.param("x² + x = 1", {}, relation(betti=(1, 0, 0), chi=1, phi_coherence=1.0), id="golden-conjugate"),
    pytest.param("x = 1.618", {}, relation(min_phi=0.7, max_phi=0.89), id="literal-1.618"),
    pytest.param("x = 1.6180339887", {}, relation(min_phi=0.85, max_phi=0.9), id="literal-ten-digits"),
    pytest.param("x = 13/8", {}, relation(min_phi=0.4, max_phi=0.5), id="ratio-13/8"),
    pytest.param("x = 21/13", {}, relation(min_phi=0.46, max_phi=0.6), id="ratio-21/13"),
    pytest.param("0.618 = x", {}, relation(min_phi=0.7, max_phi=0.89), id="literal-0.618"),
    pytest.param("x = φ y", {}, relation(phi_coherence=0.5), id="names-phi"),
    # -- contradictions -----------------------------------------------------------------------------
    pytest.param("1 = 2", {}, contradiction(min_confidence=0.98, phi_coherence=0.0, betti=(1, 0, 0)), id="1=2"),
    pytest.param(
        "φ² = φ + 2", {}, contradiction(min_confidence=0.98, betti=(1, 1, 0), chi=0, phi_coherence=0.1), id="phi-false"
    ),
    pytest.param("φ = 1.618", {}, contradiction(phi_coherence=0.1), id="phi-is-not-1.618"),
    pytest.param("x = x + 1", {}, contradiction(), id="x=x+1"),
    pytest.param("x + 1 = x + 2", {}, contradiction(), id="x+1=x+2"),
    pytest.param("2*x = x + x + 1", {}, contradiction(), id="2x=x+x+1"),
    pytest.param("pi = 3", {}, contradiction(min_confidence=0.98), id="pi=3"),
    pytest.param("1/0 = 1", {}, contradiction(min_confidence=0.98), id="division-by-zero"),
    # -- dimensionally broken -----------------------------------------------------------------------
    pytest.param("E = mc³", {}, mismatch(catalog=None, betti=(1, 0, 0)), id="E=mc3"),
    pytest.param("F = m + a", {}, mismatch(), id="F=m+a"),
    pytest.param("exp(m) = 2", {}, mismatch(), id="exp-of-mass"),
    pytest.param("sin(F) = 1", {}, mismatch(), id="sin-of-force"),
    pytest.param("E = mc³", PHYSICS, mismatch(), id="E=mc3-physics"),
    pytest.param("x + y = 1", PHYSICS, mismatch(), id="physics-needs-units"),
    pytest.param("E = m*c^3", {"units": {"E": "J", "m": "kg"}}, mismatch(min_confidence=0.95), id="E=mc3-units"),
    pytest.param("x = 2", {"units": {"x": "m"}}, mismatch(min_confidence=0.95), id="length-equals-number"),
    # -- systems ------------------------------------------------------------------------------------
    pytest.param("a = 1; b = 2", MATH, relation(betti=(2, 0, 0), chi=2), id="system-two-pieces"),
    pytest.param("x = 1\ny = 2", {}, relation(betti=(2, 0, 0), chi=2), id="system-newline"),
    pytest.param("x + y = 3; x - y = 1", {}, relation(betti=(1, 1, 0), chi=0), id="system-linked"),
    pytest.param("x + y = 3\nx - y = 1", {}, relation(betti=(1, 1, 0), chi=0), id="system-linked-newline"),
    pytest.param("F = ma; E = mc²", {}, relation(catalog=None, dimensions="pass", betti=(1, 0, 0)), id="system-laws"),
    pytest.param(
        "sin(x)^2 + cos(x)^2 = 1; φ² = φ + 1",
        {},
        identity(catalog=None, betti=(2, 2, 0), chi=0),
        id="system-of-identities",
    ),
    pytest.param("x = 1; 1 = 2", {}, contradiction(betti=(2, 0, 0)), id="system-with-contradiction"),
    pytest.param("x + x*y = 0", {}, relation(betti=(1, 0, 0), chi=1), id="filled-loop"),
    # -- malformed text -----------------------------------------------------------------------------
    pytest.param("x = = 2", {}, unparseable(5), id="double-equals"),
    pytest.param("(x + 1 = 2", {}, unparseable(8), id="unclosed-bracket"),
    pytest.param("x + ) = 2", {}, unparseable(5), id="stray-closer"),
    pytest.param("x = 2 $ 3", {}, unparseable(7), id="dollar"),
    pytest.param("x = 3 = 4", {}, unparseable(7), id="chained-equals"),
    pytest.param("x = ", {}, unparseable(5), id="empty-right-side"),
    pytest.param("= x", {}, unparseable(1), id="empty-left-side"),
    pytest.param("x = 1 +", {}, unparseable(8), id="dangling-plus"),
    pytest.param("2 3 = 5", {}, unparseable(3), id="juxtaposed-numbers"),
    pytest.param("x_{} = 1", {}, unparseable(2), id="empty-subscript"),
    pytest.param("g_ = 2", MATH, relation(), id="trailing-underscore-name"),
    pytest.param("x ≠ 1", {}, unparseable(3), id="not-equal"),
    pytest.param("x < 1", {}, unparseable(3), id="inequality"),
    pytest.param(r"\foo = 1", {}, unparseable(1), id="unknown-latex"),
    pytest.param("∫ x = 1", {}, unparseable(1), id="integral"),
    pytest.param("x = 1e9999", {}, unparseable(5), id="exponent-too-large"),
    pytest.param("1e-300/1e300 = 1e-600", MATH, identity(), id="exponent-beyond-doubles"),
    # -- not an equation ----------------------------------------------------------------------------
    pytest.param("x + 1", {}, no_equation(betti=(1, 0, 0)), id="expression"),
    pytest.param("E", {}, no_equation(), id="one-symbol"),
    pytest.param("sin(x)", {}, no_equation(), id="function-call"),
    pytest.param("9^9^9^9", {}, no_equation(), id="tower-without-equals"),
    pytest.param("a = 1; b", {}, no_equation(betti=(2, 0, 0)), id="system-with-bare-piece"),
]

TEXTS = [cast(str, param.values[0]) for param in CORPUS]  # the first value of every case is its text


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 70
    ids = [param.id for param in CORPUS]
    assert len(ids) == len(set(ids)), "corpus ids must be unique"


@pytest.mark.parametrize(("text", "kwargs", "expected"), CORPUS)
def test_verdict(text: str, kwargs: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    result = pl.validate(text, **kwargs)
    context = f"{text!r} {dict(kwargs)} -> {result.to_dict()}"
    assert result.valid is expected["valid"], context
    assert result.kind == expected["kind"], context
    if "catalog" in expected:
        assert result.catalog == expected["catalog"], context
    if "betti" in expected:
        assert result.betti == expected["betti"], context
    if "chi" in expected:
        assert result.chi == expected["chi"], context
    if "dimensions" in expected:
        assert result.check("dimensions").status == expected["dimensions"], context
    if "confidence" in expected:
        assert result.confidence == expected["confidence"], context
    if "min_confidence" in expected:
        assert result.confidence >= expected["min_confidence"], context
    if "max_confidence" in expected:
        assert result.confidence <= expected["max_confidence"], context
    if "phi_coherence" in expected:
        assert result.phi_coherence == expected["phi_coherence"], context
    if "min_phi" in expected:
        assert result.phi_coherence >= expected["min_phi"], context
    if "max_phi" in expected:
        assert result.phi_coherence <= expected["max_phi"], context
    if expected["kind"] == "unparseable":
        column = expected["error_column"]
        assert result.error_column == column, context
        assert f"column {column}" in result.explanation, context
        assert result.check("syntax").status == "fail", context
    else:
        assert result.error_column is None, context


@pytest.mark.parametrize(("text", "kwargs", "expected"), CORPUS)
def test_result_invariants(text: str, kwargs: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    del expected  # the invariants hold for every verdict
    result = pl.validate(text, **kwargs)
    b0, b1, b2 = result.betti
    assert result.chi == b0 - b1 + b2
    assert [check.name for check in result.checks] == CHECK_NAMES
    assert {check.status for check in result.checks} <= {"pass", "fail", "skip"}
    assert result.equation == text
    assert 0.0 <= result.confidence <= 0.99
    assert 0.0 <= result.phi_coherence <= 1.0
    assert result.explanation.strip()
    assert _sentences(result.explanation) <= 3, result.explanation


@pytest.mark.parametrize(("text", "kwargs", "expected"), CORPUS)
def test_to_dict_is_json_with_the_seed_fields_first(
    text: str, kwargs: Mapping[str, Any], expected: Mapping[str, Any]
) -> None:
    del expected
    data = pl.validate(text, **kwargs).to_dict()
    assert list(data)[: len(SEED_FIELDS)] == [name for name, _ in SEED_FIELDS]
    for name, kind in SEED_FIELDS:
        assert type(data[name]) is kind, (name, data[name])
    assert len(data["betti"]) == 3
    assert all(type(number) is int for number in data["betti"])
    assert math.isfinite(data["confidence"]) and math.isfinite(data["phi_coherence"])
    assert data["processing_time_ms"] >= 0.0
    assert json.loads(json.dumps(data, allow_nan=False)) == data


@pytest.mark.parametrize(("text", "kwargs", "expected"), CORPUS)
def test_euler_poincare(text: str, kwargs: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """χ = b0 − b1 + b2 equals V − E + T of the complex, on every parseable corpus equation."""
    del expected
    units = kwargs.get("units") or {}
    try:
        syntax = parse_syntax(text, frozenset(normalize_units(units)))
    except ParseError:
        return
    complex_ = build_complex(syntax)
    b0, b1, b2 = betti_numbers(complex_)
    assert b0 - b1 + b2 == len(complex_.vertices) - len(complex_.edges) + len(complex_.triangles)
    assert (b0, b1, b2) == pl.validate(text, **kwargs).betti


def test_validate_many_keeps_order_and_columns() -> None:
    frame = pl.validate_many(TEXTS)
    assert len(frame) == len(TEXTS)
    assert list(frame.columns) == list(pl.validate("x = 1").to_dict())
    assert list(frame["equation"]) == TEXTS
    for text, (_, row) in zip(TEXTS, frame.iterrows(), strict=True):
        single = pl.validate(text)
        assert bool(row["valid"]) is single.valid, text
        assert row["kind"] == single.kind, text
        assert tuple(row["betti"]) == single.betti, text
        assert row["confidence"] == single.confidence, text


def _sentences(text: str) -> int:
    """Count sentences: a '.', '!' or '?' that ends the text or is followed by a space."""
    return len(re.findall(r"[.!?](?:\s|$)", text.strip()))
