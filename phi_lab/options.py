"""The validation options every surface accepts, checked once where input enters.

Light on purpose (no SymPy, pint or torch): the CLI's ``health``, the HTTP models and
:class:`~phi_lab.client.WorkerClient` import it without loading the science.
"""

from __future__ import annotations

from typing import Literal, get_args

from phi_lab.errors import ModeError

__all__ = ["MODES", "Mode", "check_mode"]

#: A validation mode: ``auto`` (default; letters have their conventional physical meaning),
#: ``physics`` (every symbol needs a known dimension) or ``math`` (symbols are pure numbers).
Mode = Literal["auto", "physics", "math"]
#: The modes, in the order they are offered.
MODES: tuple[str, ...] = get_args(Mode)


def check_mode(mode: object) -> Mode:
    """Return ``mode`` if it is one of :data:`MODES`; raise :class:`~phi_lab.errors.ModeError` otherwise."""
    if mode == "auto" or mode == "physics" or mode == "math":  # noqa: PLR1714 - narrows the Literal for mypy
        return mode
    raise ModeError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
