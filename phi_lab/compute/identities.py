"""φ identities from templates: searched numerically on the torch device, proved by SymPy.

Each template is a family of candidate identities with integer unknowns.  All members are
evaluated at once as tensors on the device, the near-integer or near-power ones are kept,
and each survivor is proved (or refuted) exactly by
:func:`phi_lab.equations.symbolic.decide_equality` (minimal polynomial of the difference).
The numeric stage proposes, the symbolic stage decides: a rounding accident can cost time,
never a false identity.

Templates (``N`` is ``max_exponent``)
    ``power``
        ``φ^n = a·φ + b`` for n in [−N, N] but 0 and 1, every integer ``a`` with ``|a| ≤ φ^N + 1`` tried
        and ``b`` the nearest integer to ``φ^n − a·φ`` (the Fibonacci numbers appear:
        ``a = F(n)``, ``b = F(n − 1)``).
    ``lucas``
        ``φ^n + φ^(-n) = k`` and ``φ^n - φ^(-n) = k`` for 1 ≤ n ≤ N, ``k`` the nearest integer
        (the Lucas numbers: the sum for even n, the difference for odd n).
    ``sum``
        ``φ^a + φ^b = φ^c`` and ``φ^a - φ^b = φ^c`` for exponents in [−N, N], ``c`` the nearest
        integer to the base-φ logarithm (a sum of two powers that is a power).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import torch

from phi_lab.compute.device import complex_dtype, resolve_device
from phi_lab.compute.enumeration import Budget, Progress, ProgressCallback, reporting
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.symbolic import decide_equality
from phi_lab.errors import InputError

if TYPE_CHECKING:
    import pandas

__all__ = ["COLUMNS", "TEMPLATES", "find_identities"]

#: Template names and the family each searches.
TEMPLATES: dict[str, str] = {
    "power": "phi^n = a*phi + b",
    "lucas": "phi^n ± phi^(-n) = k",
    "sum": "phi^a ± phi^b = phi^c",
}
#: The columns of the frame :func:`find_identities` returns, in order.
COLUMNS = ("template", "identity", "exponent", "residual", "proved")

_PHI = (1 + math.sqrt(5)) / 2
_MAX_EXPONENT = 30  # the power template tries 2·φ^N coefficients per exponent: 3.7 million at 30
_Candidate = tuple[str, int, float]  # (identity text, its main exponent, numeric residual)


def find_identities(
    templates: Sequence[str] = ("power", "lucas", "sum"),
    *,
    max_exponent: int = 20,
    tolerance: float = 1e-8,
    device: str | torch.device | None = None,
    time_budget_s: float = 30.0,
    progress: bool | ProgressCallback = False,
    cancel: threading.Event | None = None,
) -> pandas.DataFrame:
    """Search the φ identity templates and return the identities SymPy proves.

    Parameters
    ----------
    templates:
        Names from :data:`TEMPLATES`.
    max_exponent:
        N in the templates (1–30; the ``power`` template tries 2φ^N coefficients for each of
        2N exponents, so its cost grows as φ^N).
    tolerance:
        How close to an integer (``power``, ``lucas``: absolute) or to a power of φ
        (``sum``: relative) a candidate must be, in the device's precision, to be proposed.
    device:
        Torch device (``None``: :func:`~phi_lab.compute.device.resolve_device`).
    time_budget_s, cancel:
        Stop between templates and between proofs when spent or set; what is proved is returned.
    progress:
        ``True`` for a progress bar over the proofs, or a callable receiving
        :class:`~phi_lab.compute.enumeration.Progress` (``evaluated``: candidates tried so far,
        ``hits``: proved so far).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (``residual``: the numeric distance that proposed it;
        ``proved``: always True, refuted candidates are dropped), in template order, then by
        exponent and text.  ``attrs`` holds ``stopped`` (``"done"``, ``"time"`` or
        ``"cancelled"``), ``candidates`` (numeric), ``proposed``, ``refuted`` (texts),
        ``undecided`` (texts SymPy could not decide), ``seconds`` and ``device``.

    Raises
    ------
    InputError
        For an unknown template, an exponent out of range or a bad budget.
    """
    import pandas

    unknown = [name for name in templates if name not in TEMPLATES]
    if unknown:
        raise InputError(f"unknown template(s) {unknown} (use {sorted(TEMPLATES)})")
    if not 1 <= max_exponent <= _MAX_EXPONENT:
        raise InputError(f"max_exponent must be between 1 and {_MAX_EXPONENT}, got {max_exponent!r}")
    budget = Budget(time_budget_s, cancel=cancel)
    resolved = resolve_device(device)
    dtype = torch.float32 if complex_dtype(resolved) == torch.complex64 else torch.float64
    searches: dict[str, Callable[[int, float, torch.device, torch.dtype], tuple[int, list[_Candidate]]]] = {
        "power": _power,
        "lucas": _lucas,
        "sum": _sum,
    }
    rows: list[tuple[str, str, int, float, bool]] = []
    refuted: list[str] = []
    undecided: list[str] = []
    tried = proposed = 0
    stopped = "done"
    with reporting(progress, "identities") as report:
        for name in dict.fromkeys(templates):
            count, candidates = searches[name](max_exponent, tolerance, resolved, dtype)
            tried += count
            proposed += len(candidates)
            for text, exponent, residual in sorted(candidates, key=lambda item: (item[1], item[0])):
                stopped = budget.interrupted() or "done"
                if stopped != "done":
                    break
                verdict = decide_equality(parse_syntax(text).relations[0], frozenset({"phi"}))
                if verdict:
                    rows.append((name, text, exponent, residual, True))
                else:
                    (refuted if verdict is False else undecided).append(text)
                if report is not None:
                    report(Progress(0, tried, len(rows), len(rows), budget.elapsed()))
            if stopped != "done":
                break
    frame = pandas.DataFrame(rows, columns=list(COLUMNS))
    frame = frame.astype({"exponent": "int64", "residual": "float64", "proved": "bool"})
    frame.attrs.update(
        stopped=stopped,
        candidates=tried,
        proposed=proposed,
        refuted=refuted,
        undecided=undecided,
        seconds=budget.elapsed(),
        device=str(resolved),
    )
    return frame


def _power(limit: int, tolerance: float, device: torch.device, dtype: torch.dtype) -> tuple[int, list[_Candidate]]:
    """``φ^n = a·φ + b``: every a for each n on the device, b the nearest integer (private)."""
    phi = torch.tensor(_PHI, dtype=dtype, device=device)
    bound = math.ceil(_PHI**limit) + 1
    coefficients = torch.arange(-bound, bound + 1, device=device, dtype=dtype)
    found = []
    for n in (n for n in range(-limit, limit + 1) if n not in (0, 1)):  # one row of 2φ^N at a time
        rest = phi**n - coefficients * phi
        nearest = torch.round(rest)
        distance = (rest - nearest).abs()
        for j in (distance <= _scaled(tolerance, dtype, bound)).nonzero().flatten().tolist():
            a, b = int(coefficients[j]), int(nearest[j])
            found.append((f"{_power_text(n)} = {_linear_text(a, b)}", n, float(distance[j])))
    return (2 * limit - 1) * coefficients.numel(), found


def _lucas(limit: int, tolerance: float, device: torch.device, dtype: torch.dtype) -> tuple[int, list[_Candidate]]:
    """``φ^n ± φ^(-n) = k``: k the nearest integer (private)."""
    phi = torch.tensor(_PHI, dtype=dtype, device=device)
    n = torch.arange(1, limit + 1, device=device, dtype=dtype)
    found = []
    for sign, symbol in ((1.0, "+"), (-1.0, "-")):
        value = phi**n + sign * phi ** (-n)
        nearest = torch.round(value)
        distance = (value - nearest).abs()
        for index in (distance <= _scaled(tolerance, dtype, float(value.abs().max()))).nonzero().flatten().tolist():
            exponent = index + 1
            text = f"{_power_text(exponent)} {symbol} {_power_text(-exponent)} = {int(nearest[index])}"
            found.append((text, exponent, float(distance[index])))
    return 2 * limit, found


def _sum(limit: int, tolerance: float, device: torch.device, dtype: torch.dtype) -> tuple[int, list[_Candidate]]:
    """``φ^a ± φ^b = φ^c``: c the nearest integer to the base-φ logarithm (private)."""
    exponents = torch.arange(-limit, limit + 1, device=device, dtype=dtype)
    phi = torch.tensor(_PHI, dtype=dtype, device=device)
    powers = phi**exponents
    found = []
    for sign, symbol in ((1.0, "+"), (-1.0, "-")):
        value = powers[:, None] + sign * powers[None, :]
        pairs = value > 0
        if sign > 0:  # a + b once: a < b
            pairs &= exponents[:, None] < exponents[None, :]
        logarithm = torch.log(value.clamp_min(torch.finfo(dtype).tiny)) / torch.log(phi)
        c = torch.round(logarithm)
        residual = (value - phi**c).abs() / value.abs().clamp_min(torch.finfo(dtype).tiny)
        close = pairs & (residual <= _scaled(tolerance, dtype, 1.0))
        for i, j in close.nonzero().tolist():
            a, b, power = int(exponents[i]), int(exponents[j]), int(c[i, j])
            text = f"{_power_text(a)} {symbol} {_power_text(b)} = {_power_text(power)}"
            found.append((text, max(a, b, power, key=abs), float(residual[i, j])))
    return 2 * exponents.numel() ** 2, found


def _scaled(tolerance: float, dtype: torch.dtype, magnitude: float) -> float:
    """The tolerance, widened to what the dtype can resolve at ``magnitude`` (float32 on MPS)."""
    return max(tolerance, 64 * torch.finfo(dtype).eps * magnitude)


def _power_text(n: int) -> str:
    if n == 1:
        return "phi"
    if n == 0:
        return "1"
    return f"phi^{n}" if n > 0 else f"phi^({n})"


def _linear_text(a: int, b: int) -> str:
    """``a*phi + b`` as written by hand: ``phi``, ``-phi``, ``2*phi - 1``, ``3``."""
    parts = []
    if a:
        parts.append("phi" if a == 1 else "-phi" if a == -1 else f"{a}*phi")
    if b or not parts:
        parts.append(str(b) if not parts else f"+ {b}" if b > 0 else f"- {-b}")
    return " ".join(parts)
