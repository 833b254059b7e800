"""The exception tree of phi_lab: every error the package raises on purpose.

::

    PhiLabError
    ├── InputError(PhiLabError, ValueError)      text or arguments a caller gave are unusable
    │   ├── ParseError                            the equation text does not parse (has a column)
    │   ├── UnitError                             a unit string pint cannot read
    │   └── ModeError                             an unknown validation mode
    ├── DeviceError(PhiLabError, RuntimeError)    the requested torch device is unavailable
    ├── OverloadedError(PhiLabError, RuntimeError) a worker's queue is full or it is draining
    ├── BudgetExceededError(PhiLabError, TimeoutError)  a request ran past its time budget
    └── WorkerError(PhiLabError, ConnectionError)  a worker could not be reached or gave an
                                                   unusable answer, after retrying

Every leaf also subclasses a builtin so callers may catch ``ValueError`` as usual.
Constructors pass all their arguments to ``super().__init__`` so errors pickle
(they cross process boundaries in the worker pool).
"""

from __future__ import annotations

__all__ = [
    "BudgetExceededError",
    "DeviceError",
    "InputError",
    "ModeError",
    "OverloadedError",
    "ParseError",
    "PhiLabError",
    "UnitError",
    "WorkerError",
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


class OverloadedError(PhiLabError, RuntimeError):
    """A worker cannot take the request now (queue full, or draining); retry after ``retry_after`` s."""

    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message, retry_after)
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class BudgetExceededError(PhiLabError, TimeoutError):
    """A request ran past its time budget (seconds)."""

    def __init__(self, message: str, budget_s: float = 0.0) -> None:
        super().__init__(message, budget_s)
        self.message = message
        self.budget_s = budget_s

    def __str__(self) -> str:
        return self.message


class WorkerError(PhiLabError, ConnectionError):
    """A phi_lab worker could not be reached, or did not answer usefully, after retrying.

    Parameters
    ----------
    message:
        What was requested, what went wrong last and how many attempts were made.
    url:
        The URL requested.
    attempts:
        How many requests were sent (``1 + retries`` once retries are exhausted).
    status:
        The last HTTP status received, or ``None`` when the last attempt got no response
        (connection refused, timeout).
    """

    def __init__(self, message: str, url: str = "", attempts: int = 0, status: int | None = None) -> None:
        super().__init__(message, url, attempts, status)
        self.message = message
        self.url = url
        self.attempts = attempts
        self.status = status

    def __reduce__(self) -> tuple[type[WorkerError], tuple[str, str, int, int | None]]:
        # OSError (ConnectionError's base) keeps only two of its args, so pickle explicitly.
        return (type(self), (self.message, self.url, self.attempts, self.status))

    def __str__(self) -> str:
        return self.message
