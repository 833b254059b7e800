"""Numeric classification on the torch device."""

from __future__ import annotations

import pytest
import torch

from phi_lab.compute.numeric import SAMPLES, classify
from phi_lab.equations.names import default_constants
from phi_lab.equations.parser import parse_syntax

CPU = torch.device("cpu")
requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

CASES = [
    ("sin(x)^2 + cos(x)^2 = 1", "identity"),
    ("(x + y)^2 = x^2 + 2x y + y^2", "identity"),
    ("log(x y) = log(x) + log(y)", "identity"),
    ("sqrt(x^2) = x", "identity"),
    ("cosh(x)^2 - sinh(x)^2 = 1", "identity"),
    ("φ² = φ + 1", "identity"),
    ("e^(iπ) + 1 = 0", "identity"),
    ("φ^5 = 5φ + 3", "identity"),
    ("1 = 2", "contradiction"),
    ("φ² = φ + 2", "contradiction"),
    ("x = x + 1", "contradiction"),
    ("sin(x)^2 + cos(x)^2 = 2", "contradiction"),
    ("1/(x - x) = 1", "contradiction"),
    ("E = m c^2", "relation"),
    ("x² = x + 1", "relation"),
    ("y = 3x + 2", "relation"),
    ("h^2 = 0", "contradiction"),
    ("acos(x) + asin(x) = pi/2", "identity"),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_classification(text: str, kind: str) -> None:
    report = classify(parse_syntax(text), default_constants("auto"), CPU)
    assert report.kind == kind, report.detail


def test_constant_equations_are_decided_exactly() -> None:
    report = classify(parse_syntax("φ² = φ + 1"), default_constants("auto"), CPU)
    assert report.exact and report.defined == 0


def test_masked_samples_are_counted() -> None:
    report = classify(parse_syntax("log(x - 1) = y"), default_constants("auto"), CPU)
    assert report.kind == "relation"
    assert report.defined + report.masked == SAMPLES


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


@requires_cuda
@pytest.mark.parametrize(("text", "kind"), CASES)
def test_cuda_gives_the_same_verdicts(text: str, kind: str) -> None:
    report = classify(parse_syntax(text), default_constants("auto"), torch.device("cuda"))
    assert report.kind == kind
