"""Hints: what a verdict suggests the user try next, worded for the surface that shows it.

The core decides *whether* a hint applies and records it on the verdict by its code
(:attr:`phi_lab.ValidationResult.hints`); each surface words it for its own controls, so a
person is told what to do where they are::

    python   pass units= or use mode='math'
    widget   fill the Units box or choose Mode: math
    cli      pass --units NAME=UNIT,... or --mode math
    web      fill the Units field or choose math in the Mode menu

A verdict's ``explanation`` ends with the Python wording of its hints, in order (that is the
text a Python caller, the JSON answer and the master list keep); :func:`word_explanation`
swaps it for another surface's.  Light on purpose, like :mod:`phi_lab.options`: the CLI,
the HTTP worker and its page import it without loading the science.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

__all__ = [
    "HINTS",
    "HINT_CODES",
    "SURFACES",
    "Hint",
    "HintCode",
    "Surface",
    "check_hint_code",
    "hint_suffix",
    "word_explanation",
    "word_hint",
]

#: What a hint is about.  ``conventional_units``: the dimensions were checked with the
#: conventional meanings of the letters (``E`` an energy…) and disagree; declared units or
#: math mode would change that.
HintCode = Literal["conventional_units"]
#: Where a hint is shown.
Surface = Literal["python", "widget", "cli", "web"]
#: Every hint code, in order.
HINT_CODES: tuple[str, ...] = get_args(HintCode)
#: Every surface, in order.
SURFACES: tuple[str, ...] = get_args(Surface)


@dataclass(frozen=True, slots=True)
class Hint:
    """One hint, worded once per surface (each a whole sentence).

    Parameters
    ----------
    code:
        One of :data:`HINT_CODES`.
    python, widget, cli, web:
        The hint for a Python caller (``units=``, ``mode=``), the notebook widget (its
        Units box and Mode menu), the command line (``--units``, ``--mode``) and the
        worker's web page (its Units field and Mode menu).
    """

    code: HintCode
    python: str
    widget: str
    cli: str
    web: str

    def __post_init__(self) -> None:
        if self.code not in HINT_CODES:
            raise ValueError(f"unknown hint {self.code!r}; expected one of {', '.join(HINT_CODES)}")
        for surface in SURFACES:
            text = getattr(self, surface)
            if not text or text != text.strip():
                raise ValueError(f"hint {self.code!r} needs a {surface} wording without outer spaces")

    def worded(self, surface: Surface) -> str:
        """This hint's wording for ``surface``."""
        return str(getattr(self, _surface(surface)))


_CONVENTIONS = "The dimensions come from conventional symbol meanings"

#: Every hint by code.
HINTS: Mapping[str, Hint] = MappingProxyType(
    {
        "conventional_units": Hint(
            code="conventional_units",
            python=f"{_CONVENTIONS}; pass units= or use mode='math' if yours differ.",
            widget=f"{_CONVENTIONS}; fill the Units box or choose Mode: math if yours differ.",
            cli=f"{_CONVENTIONS}; pass --units NAME=UNIT,... or --mode math if yours differ.",
            web=f"{_CONVENTIONS}; fill the Units field or choose math in the Mode menu if yours differ.",
        ),
    }
)


def check_hint_code(code: object) -> HintCode:
    """Return ``code`` if it is one of :data:`HINT_CODES`; raise :class:`ValueError` otherwise."""
    if code == "conventional_units":
        return code
    raise ValueError(f"unknown hint {code!r}; expected one of {', '.join(HINT_CODES)}")


def word_hint(code: str, surface: Surface) -> str:
    """The hint ``code`` worded for ``surface``.

    Parameters
    ----------
    code:
        One of :data:`HINT_CODES` (as a verdict's ``hints`` holds them).
    surface:
        ``"python"``, ``"widget"``, ``"cli"`` or ``"web"``.

    Raises
    ------
    ValueError
        For an unknown code or surface.
    """
    return HINTS[check_hint_code(code)].worded(surface)


def hint_suffix(codes: Sequence[str], surface: Surface = "python") -> str:
    """The hints ``codes`` worded for ``surface``, each after a space: what ends an explanation."""
    return "".join(f" {word_hint(code, surface)}" for code in codes)


def word_explanation(explanation: str, codes: Sequence[str], surface: Surface) -> str:
    """A verdict's explanation with its hints worded for ``surface`` instead of for Python.

    ``explanation`` and ``codes`` are a verdict's ``explanation`` and ``hints``.  The core
    writes the Python wording of each hint, in order, at the end of the explanation; this
    replaces that ending.  An explanation that does not end so (written by another version of
    phi_lab) is returned unchanged, so a hint is never shown twice.
    """
    python = hint_suffix(codes, "python")
    if not python or not explanation.endswith(python):
        return explanation
    return explanation[: len(explanation) - len(python)] + hint_suffix(codes, surface)


def _surface(surface: object) -> Surface:
    if surface == "python" or surface == "widget" or surface == "cli" or surface == "web":  # noqa: PLR1714 - narrows
        return surface
    raise ValueError(f"unknown surface {surface!r}; expected one of {', '.join(SURFACES)}")
