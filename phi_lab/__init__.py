"""phi_lab: validate and explore equations.

>>> import phi_lab as pl
>>> r = pl.validate("E = mc²")
>>> r.valid, r.kind, r.betti
(True, 'relation', (1, 0, 0))

The façade re-exports the public surface; the layers below it are
``phi_lab.equations`` (symbolic: parsing, units, topology, φ, catalog, verdict; no torch)
and ``phi_lab.compute`` (numeric: device choice, tensor evaluation and the searches);
``phi_lab.exploration`` puts the searches' discoveries through the validator.  The pipeline is
imported on first use (PEP 562), so ``import phi_lab`` alone, and commands such as
``phi-lab health`` that need no science, stay light: no torch, SymPy or pint.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from phi_lab.errors import (
    BudgetExceededError,
    DeviceError,
    InputError,
    ModeError,
    OverloadedError,
    ParseError,
    PhiLabError,
    UnitError,
    WorkerError,
)

if _typing.TYPE_CHECKING:
    from phi_lab.equations.binding import Equation
    from phi_lab.equations.verdict import Check, ValidationResult
    from phi_lab.exploration import find_closed_forms, find_equations, find_identities
    from phi_lab.options import MODES
    from phi_lab.validation import parse, validate, validate_many

__version__ = "0.1.0"

__all__ = [
    "MODES",
    "BudgetExceededError",
    "Check",
    "DeviceError",
    "Equation",
    "InputError",
    "ModeError",
    "OverloadedError",
    "ParseError",
    "PhiLabError",
    "UnitError",
    "ValidationResult",
    "WorkerError",
    "__version__",
    "find_closed_forms",
    "find_equations",
    "find_identities",
    "parse",
    "validate",
    "validate_many",
]

_LAZY = {
    "MODES": "phi_lab.options",
    "Equation": "phi_lab.equations.binding",
    "Check": "phi_lab.equations.verdict",
    "ValidationResult": "phi_lab.equations.verdict",
    "find_closed_forms": "phi_lab.exploration",
    "find_equations": "phi_lab.exploration",
    "find_identities": "phi_lab.exploration",
    "parse": "phi_lab.validation",
    "validate": "phi_lab.validation",
    "validate_many": "phi_lab.validation",
}


def __getattr__(name: str) -> _typing.Any:
    """Import the pipeline on first use of one of its names."""
    if name not in _LAZY:
        raise AttributeError(f"module 'phi_lab' has no attribute {name!r}")
    value = getattr(_importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
