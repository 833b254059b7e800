"""validate() and validate_many(): the one pipeline from text to verdict.

    text ─ parse ─┬─ topology (Betti numbers, χ)
                  ├─ catalog match (names + points on the relation)
                  └─ bind (constants, units) ─┬─ dimensions
                                              ├─ numeric classification (torch device)
                                              └─ φ-coherence ─── judge ─── ValidationResult

Caller mistakes (an unknown mode, a unit pint cannot read, a device that does not
exist) raise :class:`~phi_lab.errors.InputError` / :class:`~phi_lab.errors.DeviceError`;
problems with the equation text itself are verdicts (``kind="unparseable"``), never
exceptions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import torch

from phi_lab.compute.device import resolve_device
from phi_lab.compute.numeric import classify
from phi_lab.equations.binding import Equation, bind, check_mode, normalize_units
from phi_lab.equations.catalog import load_catalog
from phi_lab.equations.dimensions import DimensionReport, check_dimensions
from phi_lab.equations.golden import phi_coherence
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Syntax
from phi_lab.equations.topology import topology
from phi_lab.equations.verdict import Check, ValidationResult, judge
from phi_lab.errors import ParseError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["parse", "validate", "validate_many"]


def parse(text: str, units: Mapping[str, str] | None = None, mode: str = "auto") -> Equation:
    """Parse ``text`` and decide what its names mean.

    Parameters
    ----------
    text:
        An equation (``E = mc²``), a system (``a = 1; b = 2``), ASCII, Unicode or LaTeX.
    units:
        Symbol → unit string (pint syntax), e.g. ``{"F": "N", "m": "kg"}``.
    mode:
        ``auto``, ``physics`` or ``math``.

    Returns
    -------
    Equation
        Its ``as_sympy()`` gives SymPy relations built from the tree.

    Raises
    ------
    ParseError
        If the text does not parse (with the column).
    UnitError, ModeError
        For bad ``units`` or ``mode``.
    """
    check_mode(mode)
    declared = normalize_units(units)
    syntax = parse_syntax(text, frozenset(declared))
    return _bind(syntax, mode, declared)


def validate(
    equation: str,
    units: Mapping[str, str] | None = None,
    mode: str = "auto",
    *,
    device: str | torch.device | None = None,
) -> ValidationResult:
    """Validate one equation and explain the verdict.

    Parameters
    ----------
    equation:
        The text as typed.
    units:
        Symbol → unit string (pint syntax); declared names are always variables.
    mode:
        ``auto`` (default), ``physics`` (every symbol needs a known dimension) or
        ``math`` (pure numbers, no dimension check).
    device:
        Torch device for the numeric check; default from ``PHI_LAB_DEVICE``, else auto.

    Returns
    -------
    ValidationResult

    Raises
    ------
    ModeError, UnitError, DeviceError
        For bad arguments (not for bad equation text, which is a verdict).
    """
    start = time.perf_counter()
    check_mode(mode)
    declared = normalize_units(units)
    target = resolve_device(device)
    return _validate(equation, declared, mode, target, start)


def validate_many(
    equations: Iterable[str],
    units: Mapping[str, str] | None = None,
    mode: str = "auto",
    *,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Validate many equations; one DataFrame row per input, columns as ``to_dict()``.

    Parameters
    ----------
    equations:
        Texts to validate (order is kept).
    units, mode, device:
        As for :func:`validate`, applied to every equation.
    progress:
        Show a tqdm progress bar.
    """
    import pandas as pd

    check_mode(mode)
    declared = normalize_units(units)
    target = resolve_device(device)
    texts = list(equations)
    iterator: Iterable[str] = texts
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(texts, desc="validating", unit="eq")
    rows = [_validate(text, declared, mode, target, time.perf_counter()).to_dict() for text in iterator]
    columns = list(ValidationResult(False, 0.0, (0, 0, 0), 0, 0.0, "", 0.0).to_dict())
    return pd.DataFrame(rows, columns=columns)


def _bind(syntax: Syntax, mode: str, declared: Mapping[str, str]) -> Equation:
    entry = load_catalog().match(syntax) if mode != "math" else None
    return bind(syntax, mode, declared, entry)


def _validate(
    text: str, declared: Mapping[str, str], mode: str, device: torch.device, start: float
) -> ValidationResult:
    try:
        syntax = parse_syntax(text, frozenset(declared))
    except ParseError as error:
        return _unparseable(text, error, mode, device, start)
    shape = topology(syntax)
    if not syntax.relations or syntax.expressions:
        return _not_an_equation(syntax, mode, device, start, betti=shape.betti, chi=shape.chi)
    equation = _bind(syntax, mode, declared)
    signed = mode == "math"  # pure numbers may be negative; physical quantities are sampled positive
    numeric = classify(syntax, equation.constants, device, signed=signed)
    if equation.catalog is not None and numeric.kind == "identity" and equation.variables:
        # Vanishing on the catalog relation proves nothing for an identity: it vanishes everywhere.
        equation = bind(syntax, mode, declared, None)
        numeric = classify(syntax, equation.constants, device, signed=signed)
    dimensions = _dimensions(equation, declared)
    unused = sorted(set(declared) - syntax.names)
    if unused:  # said, not silently dropped
        note = f" (units were given for {', '.join(unused)}, which the equation does not use)"
        dimensions = replace(dimensions, detail=dimensions.detail + note)
    catalog = equation.catalog
    verdict = judge(dimensions, numeric, catalog.name if catalog else None, catalog.equation if catalog else "")
    isolated = numeric.kind == "relation" and numeric.matches == 0 and not numeric.skipped
    coherence, reason = phi_coherence(syntax, equation.constants, numeric.kind, isolated_roots=isolated)
    return ValidationResult(
        valid=verdict.valid,
        confidence=verdict.confidence,
        betti=shape.betti,
        chi=shape.chi,
        phi_coherence=round(coherence, 4),
        explanation=verdict.explanation,
        processing_time_ms=_elapsed(start),
        equation=text,
        kind=verdict.kind,
        mode=mode,
        checks=verdict.checks,
        catalog=catalog.name if catalog else None,
        symbols=equation.variables,
        device=str(device),
        phi_reason=reason,
    )


def _dimensions(equation: Equation, declared: Mapping[str, str]) -> DimensionReport:
    if equation.mode == "math":
        return DimensionReport("skip", "math mode: symbols are pure numbers")
    return check_dimensions(
        equation.syntax,
        equation.dimensions,
        equation.constants,
        require_all=equation.mode == "physics",
        declared=bool(declared) and set(declared) >= set(equation.variables),
    )


def _elapsed(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 4)


def _skipped(reason: str) -> tuple[Check, ...]:
    return tuple(Check(name, "skip", reason) for name in ("dimensions", "numeric", "catalog"))


def _unparseable(text: object, error: ParseError, mode: str, device: torch.device, start: float) -> ValidationResult:
    where = f" at column {error.column}" if error.column else ""
    return ValidationResult(
        valid=False,
        confidence=0.99,
        betti=(0, 0, 0),
        chi=0,
        phi_coherence=0.0,
        explanation=f"Invalid: the text could not be parsed{where}: {error.message}.",
        processing_time_ms=_elapsed(start),
        equation=text if isinstance(text, str) else repr(text),
        kind="unparseable",
        mode=mode,
        checks=(Check("syntax", "fail", str(error)), *_skipped("not run: the text did not parse")),
        device=str(device),
        error_column=error.column or None,
    )


def _not_an_equation(
    syntax: Syntax, mode: str, device: torch.device, start: float, *, betti: tuple[int, int, int], chi: int
) -> ValidationResult:
    if syntax.relations:
        detail = (
            f"{len(syntax.expressions)} of the {len(syntax.relations) + len(syntax.expressions)} pieces have no '='"
        )
    else:
        detail = "the text has no '='; an equation needs one"
    return ValidationResult(
        valid=False,
        confidence=0.99,
        betti=betti,
        chi=chi,
        phi_coherence=0.0,
        explanation=f"Invalid: not an equation, {detail}.",
        processing_time_ms=_elapsed(start),
        equation=syntax.text,
        kind="not_an_equation",
        mode=mode,
        checks=(Check("syntax", "fail", detail), *_skipped("not run: there is no equation")),
        symbols=tuple(sorted(syntax.names)),
        device=str(device),
    )
