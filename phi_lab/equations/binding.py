"""Which names are constants and which dimension each variable has: the meaning of a parse.

A :class:`~phi_lab.equations.syntax.Syntax` only knows names.  :func:`bind` decides, in
this order of precedence, what they mean:

1. a name declared in ``units`` is a variable with that unit (never a constant or function);
2. a recognised catalog entry (``auto`` and ``physics`` modes) supplies its own constants
   and default units, so ``c`` is a length in ``a² + b² = c²`` but the speed of light in
   ``E = mc²``;
3. the mode's default constants (:func:`~phi_lab.equations.names.default_constants`) and,
   for dimensions, the conventional symbol table of :mod:`phi_lab.equations.dimensions`.

In ``auto`` mode, when that conventional reading fails the dimension check,
:mod:`phi_lab.equations.readings` tries other readings of the ambiguous letters and says the
one it chose in :attr:`Equation.reading`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from phi_lab.equations.catalog import CatalogEntry
from phi_lab.equations.dimensions import Dimension, conventional_dimension, dimension_of_unit
from phi_lab.equations.lexer import read_name
from phi_lab.equations.names import default_constants
from phi_lab.equations.symbolic import relation_to_sympy
from phi_lab.equations.syntax import Syntax
from phi_lab.errors import ParseError, UnitError
from phi_lab.options import Options, check_mode

__all__ = ["Equation", "bind", "check_options", "normalize_units"]


@dataclass(frozen=True, slots=True)
class Equation:
    """A parsed equation with its meaning decided.

    Attributes
    ----------
    syntax:
        The tree as written.
    mode:
        The validation mode it was bound in.
    constants:
        Names read as constants.
    units:
        Unit strings of variables: declared, else from the catalog entry.
    dimensions:
        Dimension of every variable whose dimension is known (declared, catalog or convention).
    catalog:
        The recognised catalog entry, if any.
    reading:
        Empty for the conventional reading; when the auto mode chose another one
        (:mod:`phi_lab.equations.readings`), a short description of how each ambiguous name
        and each alternative parse was read (``{"h": "a height (length)"}``).
    """

    syntax: Syntax
    mode: str
    constants: frozenset[str]
    units: Mapping[str, str]
    dimensions: Mapping[str, Dimension]
    catalog: CatalogEntry | None = None
    reading: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def text(self) -> str:
        """The text as typed."""
        return self.syntax.text

    @property
    def variables(self) -> tuple[str, ...]:
        """Sorted names that are not constants."""
        return tuple(sorted(self.syntax.names - self.constants))

    def as_sympy(self) -> tuple[Any, ...]:
        """One unevaluated ``sympy.Eq`` per relation, built from the tree (never from text)."""
        return tuple(relation_to_sympy(relation, self.constants) for relation in self.syntax.relations)


def check_options(units: Mapping[str, str] | None = None, mode: object = "auto") -> Options:
    """Check a validation's options where they enter (the façade, the HTTP routes): the mode,
    and the units keyed by canonical names (:func:`normalize_units`).

    Raises
    ------
    ModeError, UnitError
        For an unknown mode or unusable units.
    """
    return Options(check_mode(mode), normalize_units(units))


def normalize_units(units: Mapping[str, str] | None) -> dict[str, str]:
    """Check ``units`` and key it by canonical names (``m₀`` → ``m_0``, ``φ`` → ``phi``).

    Each key is read as one name, never split, with the lexer's rules
    (:func:`~phi_lab.equations.lexer.read_name`): ``rho_{c,0}`` → ``rho_c_0``, ``g_`` stays.

    Raises
    ------
    UnitError
        If a key is not a single symbol name, or pint cannot read a unit.
    """
    if units is None:
        return {}
    if not isinstance(units, Mapping):
        raise UnitError(f"units must be a mapping of symbol to unit, not {type(units).__name__}")
    normalized: dict[str, str] = {}
    for key, unit in units.items():
        name = _canonical_symbol(key)
        if not isinstance(unit, str):
            raise UnitError(f"the unit of {key!r} must be a string, not {type(unit).__name__}", symbol=name)
        try:
            dimension_of_unit(unit)
        except UnitError as exc:
            raise UnitError(f"the unit given for {key!r} is unusable: {exc.message}", symbol=name, unit=unit) from exc
        if name in normalized and normalized[name] != unit:
            raise UnitError(f"{key!r} and another key both name {name!r} with different units", symbol=name)
        normalized[name] = unit
    return normalized


def _canonical_symbol(key: object) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > 64:
        raise UnitError(f"a units key must be a symbol name of at most 64 characters, got {key!r}")
    try:
        return read_name(key.strip())
    except ParseError as exc:
        raise UnitError(f"{key!r} is not a single symbol name: {exc}", symbol=str(key)) from exc


def bind(syntax: Syntax, mode: str, units: Mapping[str, str], catalog: CatalogEntry | None = None) -> Equation:
    """Decide the meaning of every name in ``syntax`` (see the module docstring)."""
    declared = frozenset(units)
    if catalog is not None and mode != "math":
        constants = (catalog.constants | (default_constants("math") & syntax.names)) - declared
        merged_units = {**catalog.units, **units}
    else:
        constants = default_constants(mode) - declared
        merged_units = dict(units)
    dimensions: dict[str, Dimension] = {}
    if mode != "math":
        for name in sorted(syntax.names - constants):
            if name in merged_units:
                dimensions[name] = dimension_of_unit(merged_units[name])
            else:
                conventional = conventional_dimension(name)
                if conventional is not None:
                    dimensions[name] = conventional
    return Equation(
        syntax=syntax,
        mode=mode,
        constants=frozenset(constants),
        units=MappingProxyType(merged_units),
        dimensions=MappingProxyType(dimensions),
        catalog=catalog,
    )
