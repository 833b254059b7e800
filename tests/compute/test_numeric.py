"""Numeric classification: exact algebra, samples on the device, high precision, witnesses and proofs."""

from __future__ import annotations

import pytest
import torch

from phi_lab.compute.numeric import classify
from phi_lab.compute.sampling import SAMPLES
from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax

CPU = torch.device("cpu")

CASES = [
    ("sin(x)^2 + cos(x)^2 = 1", "identity"),
    ("(x + y)^2 = x^2 + 2x y + y^2", "identity"),
    ("log(x y) = log(x) + log(y)", "relation"),  # fails for negative x and y (principal log)
    ("sqrt(x^2) = x", "relation"),  # fails for negative x
    ("cosh(x)^2 - sinh(x)^2 = 1", "identity"),
    ("φ² = φ + 1", "identity"),
    ("e^(iπ) + 1 = 0", "identity"),
    ("φ^5 = 5φ + 3", "identity"),
    ("1 = 2", "contradiction"),
    ("φ² = φ + 2", "contradiction"),
    ("x = x + 1", "contradiction"),
    ("sin(x)^2 + cos(x)^2 = 2", "contradiction"),
    ("1/(x - x) = 1", "no_solution"),  # defined nowhere
    ("E = m c^2", "relation"),
    ("x² = x + 1", "relation"),
    ("y = 3x + 2", "relation"),
    ("h^2 = 0", "contradiction"),
    ("acos(x) + asin(x) = pi/2", "identity"),
    ("exp(x) = 0", "no_solution"),
    ("x = 1; x = 2", "inconsistent"),
    ("x^(10^400) = 1", "undecided"),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_classification(text: str, kind: str) -> None:
    report = classify(parse_syntax(text), default_constants("auto"), CPU)
    assert report.kind == kind, report.detail


def test_constant_equations_are_decided_exactly() -> None:
    report = classify(parse_syntax("φ² = φ + 1"), default_constants("auto"), CPU)
    assert report.proved and report.decided_by == "exact" and report.defined == 0


@pytest.mark.parametrize(
    ("text", "mode", "kind", "decided_by"),
    [
        ("x^60 = x^60 + 1", "math", "contradiction", "exact"),
        ("|x| = x + 1", "math", "relation", "high-precision"),
        ("tanh(x) = 1", "math", "no_solution", "interval"),
        ("x^2 = -1", "math", "relation", "exact"),
        ("x^2 = -1", "auto", "no_solution", "exact"),
        ("sin(x)^2 + cos(x)^2 = 1", "math", "identity", "high-precision"),
    ],
)
def test_each_claim_says_how_it_was_decided(text: str, mode: str, kind: str, decided_by: str) -> None:
    report = classify(parse_syntax(text), default_constants(mode), CPU, mode=mode)
    assert (report.kind, report.decided_by) == (kind, decided_by), report.detail


def test_complex_only_solutions_are_flagged_in_math_mode() -> None:
    report = classify(parse_syntax("sin(x) = 2"), default_constants("math"), CPU, mode="math")
    assert report.kind == "relation" and report.complex_only and report.witness is not None


def test_masked_samples_are_counted() -> None:
    report = classify(parse_syntax("exp(x) = y^2 + 1"), default_constants("auto"), CPU)  # exp(10⁶) overflows
    assert report.kind == "relation"
    assert report.defined + report.masked == SAMPLES and report.masked > 0


def test_systems_combine() -> None:
    constants = default_constants("auto")
    assert classify(parse_syntax("x = x; 1 = 2"), constants, CPU).kind == "contradiction"
    assert classify(parse_syntax("x = x; y = y"), constants, CPU).kind == "identity"
    assert classify(parse_syntax("x = x; y = 2"), constants, CPU).kind == "relation"


def test_math_mode_constants_are_variables() -> None:
    report = classify(parse_syntax("E = m c^2"), default_constants("math"), CPU)
    assert report.variables == ("E", "c", "m")


def test_deterministic() -> None:
    syntax = parse_syntax("x^2 = x + 1")
    assert classify(syntax, frozenset(), CPU) == classify(syntax, frozenset(), CPU)


@pytest.mark.requires_cuda
@pytest.mark.parametrize(("text", "kind"), CASES)
def test_cuda_gives_the_same_verdicts(text: str, kind: str) -> None:
    report = classify(parse_syntax(text), default_constants("auto"), torch.device("cuda"))
    assert report.kind == kind
