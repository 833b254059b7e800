"""phi_lab: validate and explore equations.

>>> import phi_lab as pl
>>> r = pl.validate("E = mc²")
>>> r.valid, r.kind, r.betti
(True, 'relation', (1, 0, 0))

The façade re-exports the public surface; the layers below it are
``phi_lab.equations`` (symbolic: parsing, units, topology, φ, catalog, verdict; no torch)
and ``phi_lab.compute`` (numeric: device choice and tensor evaluation).
"""

from __future__ import annotations

from phi_lab.equations.binding import MODES, Equation
from phi_lab.equations.verdict import Check, ValidationResult
from phi_lab.errors import DeviceError, InputError, ModeError, ParseError, PhiLabError, UnitError
from phi_lab.validation import parse, validate, validate_many

__version__ = "0.1.0"

__all__ = [
    "MODES",
    "Check",
    "DeviceError",
    "Equation",
    "InputError",
    "ModeError",
    "ParseError",
    "PhiLabError",
    "UnitError",
    "ValidationResult",
    "__version__",
    "parse",
    "validate",
    "validate_many",
]
