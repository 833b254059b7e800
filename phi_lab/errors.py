"""The exception tree of phi_lab: every error the package raises on purpose.

::

    PhiLabError
    ├── InputError(PhiLabError, ValueError)      text or arguments a caller gave are unusable
    │   ├── ParseError                            the equation text does not parse (has a column)
    │   ├── UnitError                             a unit string pint cannot read
    │   └── ModeError                             an unknown validation mode
    └── DeviceError(PhiLabError, RuntimeError)    the requested torch device is unavailable

Every leaf also subclasses a builtin so callers may catch ``ValueError`` as usual.
Constructors pass all their arguments to ``super().__init__`` so errors pickle
(they cross process boundaries in the worker pool).
"""

from __future__ import annotations

__all__ = [
    "DeviceError",
    "InputError",
    "ModeError",
    "ParseError",
    "PhiLabError",
    "UnitError",
]


class PhiLabError(Exception):
    """Root of every error raised by phi_lab on purpose."""


class InputError(PhiLabError, ValueError):
    """Input given by a caller (text, units, options) cannot be used."""


class ParseError(InputError):
    """Equation text that does not parse.

    Parameters
    ----------
    message:
        What was expected and what was found, in words.
    text:
        The full text that was being parsed.
    column:
        1-based column of the offending character (0 when the problem is the
        whole text, e.g. its length).
    """

    def __init__(self, message: str, text: str = "", column: int = 0) -> None:
        super().__init__(message, text, column)
        self.message = message
        self.text = text
        self.column = column

    def __str__(self) -> str:
        if self.column:
            return f"column {self.column}: {self.message}"
        return self.message

    def caret(self, width: int = 60) -> str:
        """Return the text around the error with a ``^`` under the offending column."""
        if not self.column:
            return ""
        start = max(0, self.column - 1 - width // 2)
        snippet = self.text[start : start + width].replace("\n", " ").replace("\t", " ")
        return f"{snippet}\n{' ' * (self.column - 1 - start)}^"


class UnitError(InputError):
    """A unit string (from ``units=``) that pint cannot read, or a bad symbol name."""

    def __init__(self, message: str, symbol: str = "", unit: str = "") -> None:
        super().__init__(message, symbol, unit)
        self.message = message
        self.symbol = symbol
        self.unit = unit

    def __str__(self) -> str:
        return self.message


class ModeError(InputError):
    """A validation mode other than ``auto``, ``physics`` or ``math``."""


class DeviceError(PhiLabError, RuntimeError):
    """The requested torch device does not exist on this machine."""
