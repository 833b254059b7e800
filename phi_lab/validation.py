"""validate() and validate_many(): the one pipeline from text to verdict.

    text ─ parse ─┬─ topology (Betti numbers, χ)
                  └─ interpret: catalog match, bind (constants, units), dimensions;
                     in auto mode, other readings if the dimensions fail ─┬─ numeric (torch device)
                                                                          └─ φ-coherence ── judge ── ValidationResult

In auto mode an equation whose dimensions agree but whose numeric check refutes it is also read
with the product after '/' as the denominator (``ħ = h/2π``), kept if it then holds.

Caller mistakes (an unknown mode, a unit pint cannot read, a device that does not
exist) raise :class:`~phi_lab.errors.InputError` / :class:`~phi_lab.errors.DeviceError`;
problems with the equation text itself are verdicts (``kind="unparseable"``), never
exceptions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import torch

from phi_lab.compute.device import resolve_device
from phi_lab.compute.numeric import classify, classify_many
from phi_lab.equations.binding import Equation, check_options
from phi_lab.equations.catalog import load_catalog
from phi_lab.equations.golden import phi_coherence
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.readings import Interpretation, denominator_reading, interpret
from phi_lab.equations.syntax import Syntax
from phi_lab.equations.topology import Topology, topology
from phi_lab.equations.verdict import (
    INVALID_KINDS,
    RESULT_COLUMNS,
    Check,
    NumericReport,
    ValidationResult,
    frame_row,
    judge,
    results_frame,
)
from phi_lab.errors import InputError, ParseError
from phi_lab.options import Options

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["parse", "validate", "validate_checked", "validate_each", "validate_many"]

#: Equations per device batch in validate_many / validate_each.
_CHUNK = 1024
#: Numeric verdicts that refute the equation (not merely undecided): auto mode then also tries
#: the product after '/' as the denominator.
_REFUTED = INVALID_KINDS - {"undecided"}


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
        Its ``as_sympy()`` gives SymPy relations built from the tree; in auto mode it is read
        as :func:`validate` reads it (``reading`` says how, when not conventionally).

    Raises
    ------
    ParseError
        If the text does not parse (with the column).
    UnitError, ModeError
        For bad ``units`` or ``mode``.
    """
    options = check_options(units, mode)
    syntax = parse_syntax(text, frozenset(options.units))
    return _interpret(syntax, options.mode, options.units).equation


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
    options = check_options(units, mode)
    target = resolve_device(device)
    return _validate(equation, options.units, options.mode, target, start)


def validate_checked(equation: str, options: Options, device: torch.device) -> ValidationResult:
    """:func:`validate` for a caller that checked its options where they entered (the HTTP
    worker): ``options`` from :func:`~phi_lab.equations.binding.check_options` and ``device``
    resolved, so neither is checked again."""
    return _validate(equation, options.units, options.mode, device, time.perf_counter())


def validate_many(
    equations: Iterable[str] | Any,
    units: Mapping[str, str] | None = None,
    mode: str = "auto",
    *,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> pd.DataFrame | Any:
    """Validate many equations; one DataFrame row per input, columns as ``to_dict()``.

    The numeric checks of each chunk of equations run as one device batch
    (:func:`phi_lab.compute.numeric.classify_many`); verdicts are the same as :func:`validate`'s.

    Parameters
    ----------
    equations:
        Texts to validate (order is kept), or a Dask Series of texts (a column of a Dask
        DataFrame): then the result is a Dask DataFrame with the same columns and the Series'
        index, computed partition by partition wherever the user's ``dask.distributed`` client
        sends it (``phi_lab`` must be importable there; each worker resolves ``device=None``
        to its own GPU or CPU).  Nothing is computed until the caller asks (``.compute()``,
        ``.to_parquet()``…).
    units, mode, device:
        As for :func:`validate`, applied to every equation.
    progress:
        Show a tqdm progress bar (not for a Dask Series: use the cluster's dashboard).

    Raises
    ------
    InputError
        For an unknown mode, unreadable units, or a Dask DataFrame instead of one column.
    """

    options = check_options(units, mode)
    if type(equations).__module__.partition(".")[0] == "dask":
        return _validate_dask(equations, options, device)
    results = validate_each(list(equations), options, resolve_device(device), progress=progress)
    return results_frame([frame_row(result.to_dict()) for result in results], RESULT_COLUMNS)


def _validate_dask(series: Any, options: Options, device: str | torch.device | None) -> Any:
    """validate_many over a Dask Series, lazily, one pandas call per partition (private).

    ``dask`` is imported only here, where the caller has already imported it: the core never
    loads it.
    """
    import dask.dataframe

    if not isinstance(series, dask.dataframe.Series):
        raise InputError(
            f"validate_many takes a Dask Series of equations (a column: frame['equation']), not {type(series).__name__}"
        )
    where = None if device is None else str(device)
    meta = _validate_partition(series._meta.astype(object), options, "cpu")
    return series.map_partitions(_validate_partition, options, where, meta=meta)  # type: ignore[no-untyped-call]


def _validate_partition(texts: pd.Series, options: Options, device: str | None) -> pd.DataFrame:
    """One Dask partition (a pandas Series) validated: a frame with its index (private; runs on a worker)."""
    results = validate_each(list(texts), options, resolve_device(device))
    if not results:  # Dask's meta: no rows, the dtypes of a row
        example = frame_row(validate_each(["x = x"], Options("math"), torch.device("cpu"))[0].to_dict())
        return results_frame([example], RESULT_COLUMNS).iloc[:0].set_axis(texts.index[:0])
    return results_frame([frame_row(result.to_dict()) for result in results], RESULT_COLUMNS, texts.index)


def validate_each(
    texts: Sequence[str],
    options: Options,
    device: torch.device,
    *,
    progress: bool = False,
    chunk: int = _CHUNK,
) -> list[ValidationResult]:
    """Validate ``texts`` in chunks whose numeric checks run as one device batch each.

    ``options`` come checked (:func:`~phi_lab.equations.binding.check_options`).
    ``processing_time_ms`` of each result is its own symbolic work plus an equal share of its
    chunk's batched numeric work.
    """
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(texts), desc="validating", unit="eq")
    results: list[ValidationResult] = []
    for offset in range(0, len(texts), chunk):
        prepared = [_prepare(text, options.units, options.mode, device) for text in texts[offset : offset + chunk]]
        parsed = [item for item in prepared if isinstance(item, _Parsed)]
        started = time.perf_counter()
        numerics = classify_many(
            [item.reading.equation.syntax for item in parsed],
            [item.reading.equation.constants for item in parsed],
            device,
            [options.mode] * len(parsed),
        )
        share = (time.perf_counter() - started) / max(1, len(parsed))
        concluded = iter(
            _conclude(item, numeric, options.units, device, share)
            for item, numeric in zip(parsed, numerics, strict=True)
        )
        results.extend(item if isinstance(item, ValidationResult) else next(concluded) for item in prepared)
        if bar is not None:
            bar.update(len(prepared))
    if bar is not None:
        bar.close()
    return results


@dataclass(frozen=True, slots=True)
class _Parsed:
    """An equation between its symbolic preparation and its numeric check.

    ``syntax`` is the default parse; ``reading`` the equation as read (perhaps another parse,
    perhaps with symbols renamed to the constants they were read as) and its dimension check.
    """

    syntax: Syntax
    shape: Topology
    reading: Interpretation
    seconds: float


def _interpret(syntax: Syntax, mode: str, declared: Mapping[str, str]) -> Interpretation:
    return interpret(syntax, mode, declared, load_catalog() if mode != "math" else None)


def _validate(
    text: str, declared: Mapping[str, str], mode: str, device: torch.device, start: float
) -> ValidationResult:
    prepared = _prepare(text, declared, mode, device, start)
    if isinstance(prepared, ValidationResult):
        return prepared
    numeric_start = time.perf_counter()
    equation = prepared.reading.equation
    numeric = classify(equation.syntax, equation.constants, device, mode=mode)
    return _conclude(prepared, numeric, declared, device, time.perf_counter() - numeric_start)


def _prepare(
    text: str, declared: Mapping[str, str], mode: str, device: torch.device, start: float | None = None
) -> ValidationResult | _Parsed:
    """Parse, measure the topology, match the catalog and bind; a result when there is nothing to check."""
    start = time.perf_counter() if start is None else start
    try:
        syntax = parse_syntax(text, frozenset(declared))
    except ParseError as error:
        return _unparseable(text, error, mode, device, start)
    shape = topology(syntax)
    if not syntax.relations or syntax.expressions:
        return _not_an_equation(syntax, mode, device, start, betti=shape.betti, chi=shape.chi)
    return _Parsed(syntax, shape, _interpret(syntax, mode, declared), time.perf_counter() - start)


def _conclude(
    parsed: _Parsed, numeric: NumericReport, declared: Mapping[str, str], device: torch.device, numeric_seconds: float
) -> ValidationResult:
    """Dimensions, φ-coherence and the verdict, once the numeric check is known."""
    start = time.perf_counter()
    reading = parsed.reading
    mode = reading.equation.mode
    if reading.equation.catalog is not None and numeric.kind == "identity" and reading.equation.variables:
        # Vanishing on the catalog relation proves nothing for an identity: it vanishes everywhere.
        reading = interpret(parsed.syntax, mode, declared, None)
        numeric = classify(reading.equation.syntax, reading.equation.constants, device, mode=mode)
    if numeric.kind in _REFUTED and reading.dimensions.status != "fail":
        # ħ = h/2π: (h/2)·π is false, h/(2π) holds, and only the numbers can tell them apart.
        other = denominator_reading(reading, declared, load_catalog())
        if other is not None:
            retried = classify(other.equation.syntax, other.equation.constants, device, mode=mode)
            if retried.kind not in INVALID_KINDS:
                reading, numeric = other, retried
    equation, dimensions = reading.equation, reading.dimensions
    syntax = equation.syntax
    unused = sorted(set(declared) - syntax.names)
    if unused:  # said, not silently dropped
        note = f" (units were given for {', '.join(unused)}, which the equation does not use)"
        dimensions = replace(dimensions, detail=dimensions.detail + note)
    catalog = equation.catalog
    verdict = judge(dimensions, numeric, catalog.name if catalog else None, catalog.equation if catalog else "")
    isolated = numeric.kind == "relation" and numeric.matches == 0
    coherence, reason = phi_coherence(syntax, equation.constants, numeric.kind, isolated_roots=isolated)
    seconds = parsed.seconds + numeric_seconds + (time.perf_counter() - start)
    return ValidationResult(
        valid=verdict.valid,
        confidence=verdict.confidence,
        betti=parsed.shape.betti,
        chi=parsed.shape.chi,
        phi_coherence=round(coherence, 4),
        explanation=verdict.explanation,
        processing_time_ms=round(seconds * 1000.0, 4),
        equation=syntax.text,
        kind=verdict.kind,
        mode=mode,
        checks=verdict.checks,
        catalog=catalog.name if catalog else None,
        symbols=equation.variables,
        device=str(device),
        phi_reason=reason,
        decided_by=numeric.decided_by,
        witness=numeric.witness,
        reading=equation.reading,
        hints=verdict.hints,
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
