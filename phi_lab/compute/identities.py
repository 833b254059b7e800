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

:func:`search_identities` returns an :class:`IdentitySearch`, a frozen record of the proved
identities and of how the search went; :func:`phi_lab.find_identities` makes a DataFrame of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from phi_lab.compute.device import complex_dtype
from phi_lab.compute.enumeration import Progress, ProgressCallback, reporting
from phi_lab.compute.scope import SearchBudget
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.symbolic import decide_equality
from phi_lab.errors import InputError

__all__ = ["MAX_EXPONENT", "TEMPLATES", "Identity", "IdentitySearch", "IdentitySpace", "search_identities"]

#: Template names and the family each searches.
TEMPLATES: dict[str, str] = {
    "power": "phi^n = a*phi + b",
    "lucas": "phi^n ± phi^(-n) = k",
    "sum": "phi^a ± phi^b = phi^c",
}
#: The largest ``max_exponent``: the power template tries 2·φ^N coefficients per exponent, 3.7 million at 30.
MAX_EXPONENT = 30

_PHI = (1 + math.sqrt(5)) / 2
_Candidate = tuple[str, int, float]  # (identity text, its main exponent, numeric residual)


@dataclass(frozen=True, slots=True)
class IdentitySpace:
    """The candidate identities searched: templates, and the largest exponent N in them.

    Attributes
    ----------
    templates:
        Names from :data:`TEMPLATES`, searched in this order (a repeated name once).
    max_exponent:
        N in the templates, 1 to :data:`MAX_EXPONENT` (the ``power`` template tries 2φ^N
        coefficients for each of 2N exponents, so its cost grows as φ^N).

    Raises
    ------
    InputError
        For an unknown template or an exponent out of range.
    """

    templates: tuple[str, ...]
    max_exponent: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "templates", tuple(dict.fromkeys(self.templates)))
        unknown = [name for name in self.templates if name not in TEMPLATES]
        if unknown:
            raise InputError(f"unknown template(s) {unknown} (use {sorted(TEMPLATES)})")
        exponent = self.max_exponent
        if isinstance(exponent, bool) or not isinstance(exponent, int) or not 1 <= exponent <= MAX_EXPONENT:
            raise InputError(f"max_exponent must be between 1 and {MAX_EXPONENT}, got {exponent!r}")


@dataclass(frozen=True, slots=True)
class Identity:
    """One identity SymPy proved.

    Attributes
    ----------
    template:
        The template it fills (a key of :data:`TEMPLATES`).
    identity:
        Its text (the parser reads it back).
    exponent:
        Its main exponent (``n``; for ``sum``, the largest in magnitude).
    residual:
        The numeric distance, in the device's precision, that proposed it.
    """

    template: str
    identity: str
    exponent: int
    residual: float


@dataclass(frozen=True, slots=True)
class IdentitySearch:
    """The outcome of :func:`search_identities`.

    Attributes
    ----------
    identities:
        The proved identities, in template order, then by exponent and text.
    stopped:
        ``"done"``, ``"time"`` or ``"cancelled"``.
    candidates, proposed:
        Candidates evaluated numerically, and those close enough to be proposed for a proof.
    refuted, undecided:
        Texts of the proposed candidates SymPy refuted (numeric accidents), or could not decide.
    seconds:
        Wall time of the search.
    device:
        Where the candidates were evaluated.
    """

    identities: tuple[Identity, ...]
    stopped: str
    candidates: int
    proposed: int
    refuted: tuple[str, ...]
    undecided: tuple[str, ...]
    seconds: float
    device: str


def search_identities(
    space: IdentitySpace,
    budget: SearchBudget,
    device: torch.device,
    *,
    tolerance: float = 1e-8,
    progress: bool | ProgressCallback = False,
) -> IdentitySearch:
    """Search the φ identity templates of ``space`` and prove (or refute) each candidate.

    Parameters
    ----------
    space:
        Templates and the largest exponent.
    budget:
        Seconds and a cancel event, checked between templates and between proofs; what is
        proved by then is returned (``max_pool`` does not apply).
    device:
        Where the candidates are evaluated (float32 where the device has no float64).
    tolerance:
        How close to an integer (``power``, ``lucas``: absolute) or to a power of φ
        (``sum``: relative) a candidate must be, in the device's precision, to be proposed.
    progress:
        ``True`` for a progress bar over the proofs, or a callable receiving
        :class:`~phi_lab.compute.enumeration.Progress` (``evaluated``: candidates tried so far,
        ``hits``: proved so far).

    Returns
    -------
    IdentitySearch
    """
    clock = budget.start()
    dtype = torch.float32 if complex_dtype(device) == torch.complex64 else torch.float64
    searches: dict[str, Callable[[int, float, torch.device, torch.dtype], tuple[int, list[_Candidate]]]] = {
        "power": _power,
        "lucas": _lucas,
        "sum": _sum,
    }
    proved: list[Identity] = []
    refuted: list[str] = []
    undecided: list[str] = []
    tried = proposed = 0
    stopped = "done"
    with reporting(progress, "identities") as report:
        for name in space.templates:
            count, candidates = searches[name](space.max_exponent, tolerance, device, dtype)
            tried += count
            proposed += len(candidates)
            for text, exponent, residual in sorted(candidates, key=lambda item: (item[1], item[0])):
                stopped = clock.interrupted() or "done"
                if stopped != "done":
                    break
                verdict = decide_equality(parse_syntax(text).relations[0], frozenset({"phi"}))
                if verdict:
                    proved.append(Identity(name, text, exponent, residual))
                else:
                    (refuted if verdict is False else undecided).append(text)
                if report is not None:
                    report(Progress(0, tried, len(proved), len(proved), clock.elapsed()))
            if stopped != "done":
                break
    return IdentitySearch(
        identities=tuple(proved),
        stopped=stopped,
        candidates=tried,
        proposed=proposed,
        refuted=tuple(refuted),
        undecided=tuple(undecided),
        seconds=clock.elapsed(),
        device=str(device),
    )


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
