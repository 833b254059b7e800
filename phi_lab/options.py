"""The validation options every surface accepts, checked once where input enters.

Light on purpose (no SymPy, pint or torch): the CLI's ``health``, the HTTP models and
:class:`~phi_lab.client.WorkerClient` import it without loading the science.
"""

from __future__ import annotations

from typing import Literal, get_args

from phi_lab.errors import ModeError

__all__ = ["MAX_EQUATION_CHARS", "MODES", "Mode", "check_mode"]

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
