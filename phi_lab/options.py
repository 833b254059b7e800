"""The validation options every surface accepts, checked once where input enters.

Light on purpose (no SymPy, pint or torch): the CLI's ``health``, the HTTP models and
:class:`~phi_lab.client.WorkerClient` import it without loading the science.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, get_args

from phi_lab.errors import ModeError

__all__ = ["MAX_EQUATION_CHARS", "MODES", "Mode", "Options", "check_mode"]

#: A validation mode: ``auto`` (default; letters have their conventional physical meaning),
#: ``physics`` (every symbol needs a known dimension) or ``math`` (symbols are pure numbers).
Mode = Literal["auto", "physics", "math"]
#: The modes, in the order they are offered.
MODES: tuple[str, ...] = get_args(Mode)

#: The longest equation text accepted, in characters (code points, as ``len`` counts them).
#: The one limit of every surface: the parser (so ``validate``, the CLI and the widgets), the
#: HTTP models (pydantic ``max_length``), the worker's page and ``/info`` all read it here.
#: 10,000: the fuzz tests (tests/test_fuzz.py) hold texts just under it to 2 s of validation.
MAX_EQUATION_CHARS = 10_000


def check_mode(mode: object) -> Mode:
    """Return ``mode`` if it is one of :data:`MODES`; raise :class:`~phi_lab.errors.ModeError` otherwise."""
    if mode == "auto" or mode == "physics" or mode == "math":  # noqa: PLR1714 - narrows the Literal for mypy
        return mode
    raise ModeError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")


def _no_units() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Options:
    """The options of a validation, checked once where input enters: ``mode`` one of
    :data:`MODES` (checked here), ``units`` keyed by canonical names as
    :func:`phi_lab.equations.binding.check_options` makes them (read-only here).

    The core (:func:`phi_lab.validation.validate_checked`, :func:`~phi_lab.validation.validate_each`,
    the worker's engine) takes one of these and a ``torch.device``, and checks neither again.
    Make one with ``check_options(units, mode)``; ``Options()`` is auto mode without units.
    """

    mode: Mode = "auto"
    units: Mapping[str, str] = field(default_factory=_no_units)

    def __post_init__(self) -> None:
        check_mode(self.mode)
        object.__setattr__(self, "units", MappingProxyType(dict(self.units)))

    @property
    def key(self) -> tuple[Mode, tuple[tuple[str, str], ...]]:
        """A hashable form: options with equal keys validate alike."""
        return self.mode, tuple(sorted(self.units.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Options) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __reduce__(self) -> tuple[type[Options], tuple[str, dict[str, str]]]:
        """Pickle (a Dask partition, a process pool) as the mode and a plain dict of the units."""
        return Options, (self.mode, dict(self.units))
